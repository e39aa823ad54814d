//! Bytes to tables: CSV in UTF-8 (with or without BOM) or Windows-1252, and .xlsx workbooks,
//! read within limits so that a hostile file cannot exhaust memory.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use super::report::Issue;

/// Bounds on what one upload may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_rows: usize,
    pub max_sheets: usize,
    pub max_columns: usize,
    /// Cells read from a workbook (a small .xlsx can declare millions: a zip bomb).
    pub max_cells: usize,
    /// Text held from a workbook's cells, in bytes, once inflated; also the most its parts
    /// may unpack to altogether.
    pub max_inflated_bytes: usize,
    /// A workbook's shared strings once unpacked (readers hold them whole, before any cell).
    pub max_shared_strings_bytes: usize,
    /// Parts in a workbook's zip archive.
    pub max_parts: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 * 1024 * 1024,
            max_rows: 1_000_000,
            max_sheets: 20,
            max_columns: 64,
            max_cells: 3_000_000,
            max_inflated_bytes: 256 * 1024 * 1024,
            max_shared_strings_bytes: 32 * 1024 * 1024,
            max_parts: 1_000,
        }
    }
}

/// One sheet (a CSV file is one unnamed sheet): the header and the rows below it, each with
/// its row number as a spreadsheet shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// The index of the first column whose header matches one of `names` (case and spacing
    /// ignored).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        let norm = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        self.header
            .iter()
            .position(|h| names.iter().any(|n| norm(h) == norm(n)))
    }

    /// As [`Table::column`], for a column the format needs: when it is missing, an error at the
    /// header row naming it (and its other names).
    pub fn required(&self, names: &[&str], errors: &mut Vec<Issue>) -> Option<usize> {
        let found = self.column(names);
        if found.is_none() {
            errors.push(Issue {
                sheet: self.sheet.clone(),
                row: Some(1),
                column: Some(names[0].to_string()),
                ..Issue::file(format!(
                    "the required column '{}' is missing",
                    names.join("' or '")
                ))
            });
        }
        found
    }
}

/// A row's cell `i`, trimmed (empty when the row is short).
pub fn cell(row: &[String], i: usize) -> String {
    row.get(i).map(|s| s.trim().to_string()).unwrap_or_default()
}

/// Reads a file into tables, or says why it cannot be read.
pub fn tables(filename: &str, bytes: &[u8], limits: Limits) -> Result<Vec<Table>, Issue> {
    if bytes.len() > limits.max_bytes {
        return Err(Issue::file(format!(
            "the file is {} bytes; the limit is {} bytes",
            bytes.len(),
            limits.max_bytes
        )));
    }
    if bytes.is_empty() {
        return Err(Issue::file("the file is empty"));
    }
    let lower = filename.to_lowercase();
    if bytes.starts_with(b"PK\x03\x04") || lower.ends_with(".xlsx") {
        workbook(bytes, limits)
    } else if lower.ends_with(".xls") {
        Err(Issue::file(
            "old .xls workbooks are not accepted: save it as .xlsx or CSV",
        ))
    } else {
        csv_table(&text(bytes), limits).map(|t| vec![t])
    }
}

/// UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else Windows-1252, in which every
/// byte is a character: official NHS files are cp1252.
pub fn text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

fn csv_table(text: &str, limits: Limits) -> Result<Table, Issue> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(|h| h.trim().to_string()).collect(),
        Some(Err(e)) => return Err(Issue::file(format!("the header row cannot be read: {e}"))),
        None => return Err(Issue::file("the file has no header row")),
    };
    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        let row = i + 2;
        let record = record.map_err(|e| Issue {
            row: Some(row),
            ..Issue::file(format!("the row cannot be read as CSV: {e}"))
        })?;
        if rows.len() >= limits.max_rows {
            return Err(Issue::file(format!(
                "the file has more than {} rows",
                limits.max_rows
            )));
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            return Err(Issue {
                row: Some(row),
                ..Issue::file(format!(
                    "the row has {} cells where the header has {}: is the file truncated or damaged?",
                    record.len(),
                    header.len()
                ))
            });
        }
        rows.push((row, record.iter().map(str::to_string).collect()));
    }
    Ok(Table {
        sheet: None,
        header,
        rows,
    })
}

/// Unpacks every part of a workbook without keeping it, to learn its true size before any
/// reader holds a byte of it (a zip's declared sizes may lie, and a 3 MB workbook can unpack to
/// gigabytes): refused past [`Limits::max_inflated_bytes`] altogether, or
/// [`Limits::max_shared_strings_bytes`] of shared strings.
fn check_unpacked(bytes: &[u8], limits: Limits) -> Result<(), Issue> {
    use std::io::Read;
    let unreadable = |e: zip::result::ZipError| {
        Issue::file(format!("the file is not a readable .xlsx workbook: {e}"))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if archive.len() > limits.max_parts {
        return Err(Issue::file(format!(
            "the workbook has {} parts; the limit is {}",
            archive.len(),
            limits.max_parts
        )));
    }
    let too_large = || {
        Issue::file(format!(
            "the workbook unpacks to more than {} MB (or more than {} MB of shared strings): too large to read",
            limits.max_inflated_bytes / (1024 * 1024),
            limits.max_shared_strings_bytes / (1024 * 1024)
        ))
    };
    let mut total = 0u64;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(unreadable)?;
        let left = (limits.max_inflated_bytes as u64).saturating_sub(total);
        let shared = part
            .name()
            .is_ok_and(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"));
        let cap = if shared {
            left.min(limits.max_shared_strings_bytes as u64)
        } else {
            left
        };
        let unpacked = std::io::copy(&mut part.take(cap + 1), &mut std::io::sink())
            .map_err(|e| Issue::file(format!("the file is not a readable .xlsx workbook: {e}")))?;
        if unpacked > cap {
            return Err(too_large());
        }
        total += unpacked;
    }
    Ok(())
}

/// Every non-empty sheet, read cell by cell: a sheet's declared size is never trusted.
fn workbook(bytes: &[u8], limits: Limits) -> Result<Vec<Table>, Issue> {
    check_unpacked(bytes, limits)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| Issue::file(format!("the file is not a readable .xlsx workbook: {e}")))?;
    let names = book.sheet_names().to_vec();
    if names.len() > limits.max_sheets {
        return Err(Issue::file(format!(
            "the workbook has {} sheets; the limit is {}",
            names.len(),
            limits.max_sheets
        )));
    }
    let mut tables = Vec::new();
    let mut total_rows = 0;
    let (mut cells_read, mut inflated) = (0usize, 0usize);
    for name in names {
        let sheet_issue = |reason: String| Issue {
            sheet: Some(name.clone()),
            ..Issue::file(reason)
        };
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|e| sheet_issue(format!("the sheet cannot be read: {e}")))?;
        let mut grid: Vec<Vec<String>> = Vec::new();
        while let Some(cell) = reader
            .next_cell()
            .map_err(|e| sheet_issue(format!("the sheet cannot be read: {e}")))?
        {
            let (row, col) = cell.get_position();
            let (row, col) = (row as usize, col as usize);
            let value = cell_text(cell.get_value());
            cells_read += 1;
            inflated += value.len();
            if cells_read > limits.max_cells || inflated > limits.max_inflated_bytes {
                return Err(sheet_issue(format!(
                    "the workbook holds more than {} cells or {} MB of text once unpacked: too large to read",
                    limits.max_cells,
                    limits.max_inflated_bytes / (1024 * 1024)
                )));
            }
            if value.is_empty() {
                continue;
            }
            if col >= limits.max_columns {
                return Err(sheet_issue(format!(
                    "the sheet has more than {} columns",
                    limits.max_columns
                )));
            }
            if row >= limits.max_rows || total_rows + row >= limits.max_rows {
                return Err(sheet_issue(format!(
                    "the workbook has more than {} rows",
                    limits.max_rows
                )));
            }
            if grid.len() <= row {
                grid.resize(row + 1, Vec::new());
            }
            let cells = &mut grid[row];
            if cells.len() <= col {
                cells.resize(col + 1, String::new());
            }
            cells[col] = value;
        }
        total_rows += grid.len();
        let mut numbered = grid.into_iter().enumerate().filter(|(_, r)| !r.is_empty());
        let Some((_, header)) = numbered.next() else {
            continue;
        };
        tables.push(Table {
            sheet: Some(name.clone()),
            header: header.iter().map(|h| h.trim().to_string()).collect(),
            rows: numbered.map(|(i, r)| (i + 1, r)).collect(),
        });
    }
    if tables.is_empty() {
        return Err(Issue::file("the workbook has no data"));
    }
    Ok(tables)
}

fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            s.trim().to_string()
        }
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
        DataRef::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_and_windows_1252() {
        assert_eq!(text(b"\xEF\xBB\xBFa,b"), "a,b");
        assert_eq!(text(b"cost \xA3100"), "cost £100");
        assert_eq!(text("cost £100".as_bytes()), "cost £100");
    }

    #[test]
    fn csv_rows_keep_their_spreadsheet_numbers_and_skip_blank_lines() {
        let t = tables("x.csv", b"a,b\n1,2\n,\n3,4\n", Limits::default()).unwrap();
        assert_eq!(t[0].header, vec!["a", "b"]);
        assert_eq!(
            t[0].rows,
            vec![
                (2, vec!["1".into(), "2".into()]),
                (4, vec!["3".into(), "4".into()])
            ]
        );
        assert_eq!(t[0].column(&["B"]), Some(1));
    }

    #[test]
    fn limits_and_unreadable_files_are_reported() {
        let limits = Limits {
            max_bytes: 4,
            ..Limits::default()
        };
        assert!(
            tables("x.csv", b"a,b\n1,2\n", limits)
                .unwrap_err()
                .reason
                .contains("limit")
        );
        assert!(
            tables("x.csv", b"", Limits::default())
                .unwrap_err()
                .reason
                .contains("empty")
        );
        assert!(tables("x.xlsx", b"PK\x03\x04garbage", Limits::default()).is_err());
        let rows = Limits {
            max_rows: 1,
            ..Limits::default()
        };
        assert!(
            tables("x.csv", b"a\n1\n2\n", rows)
                .unwrap_err()
                .reason
                .contains("more than 1 rows")
        );
    }

    /// A workbook whose shared strings (or a sheet) unpack to `inflated` bytes of spaces.
    pub(crate) fn inflating_workbook(part: &str, inflated: usize) -> Vec<u8> {
        use std::io::Write;
        let base = {
            let mut book = rust_xlsxwriter::Workbook::new();
            book.add_worksheet().write_string(0, 0, "header").unwrap();
            book.save_to_buffer().unwrap()
        };
        let mut source = zip::ZipArchive::new(Cursor::new(base)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9));
        for i in 0..source.len() {
            let file = source.by_index(i).unwrap();
            if file.name().unwrap() != part {
                out.raw_copy_file(file).unwrap();
            }
        }
        out.start_file(part, options).unwrap();
        out.write_all(b"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>")
            .unwrap();
        let chunk = vec![b' '; 1024 * 1024];
        let mut written = 0;
        while written < inflated {
            let n = chunk.len().min(inflated - written);
            out.write_all(&chunk[..n]).unwrap();
            written += n;
        }
        out.write_all(b"</t></si></sst>").unwrap();
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_that_unpacks_past_its_limits_is_refused_before_it_is_read() {
        let small = Limits {
            max_inflated_bytes: 4 * 1024 * 1024,
            max_shared_strings_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let bomb = inflating_workbook("xl/sharedStrings.xml", 2 * 1024 * 1024);
        assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
        let refused = tables("bomb.xlsx", &bomb, small).unwrap_err();
        assert!(
            refused.reason.contains("unpacks to more than"),
            "{}",
            refused.reason
        );
        let bomb = inflating_workbook("xl/styles.xml", 6 * 1024 * 1024);
        let refused = tables("bomb.xlsx", &bomb, small).unwrap_err();
        assert!(
            refused.reason.contains("unpacks to more than"),
            "{}",
            refused.reason
        );
    }

    #[test]
    fn a_workbook_with_too_many_cells_is_refused_early() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for row in 0..100u32 {
            for col in 0..20u16 {
                sheet.write_number(row, col, f64::from(row)).unwrap();
            }
        }
        let bytes = book.save_to_buffer().unwrap();
        let small = Limits {
            max_cells: 1_000,
            ..Limits::default()
        };
        let refused = tables("bomb.xlsx", &bytes, small).unwrap_err();
        assert!(
            refused.reason.contains("more than 1000 cells"),
            "{}",
            refused.reason
        );
        assert_eq!(
            tables("ok.xlsx", &bytes, Limits::default()).unwrap()[0]
                .rows
                .len(),
            99
        );
    }
}
