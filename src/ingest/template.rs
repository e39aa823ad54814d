//! The regional submission template: a long table (authority, measure, period, value,
//! numerator, denominator, note) for the quarterly measures no national file carries. It is
//! offered pre-filled with one council's measures, as CSV or .xlsx.

use super::Parsed;
use super::cells;
use super::decode::Table;
use super::report::{Issue, Location};
use crate::domain::Period;
use crate::domain::known::Known;

pub const HEADER: [&str; 9] = [
    "authority",
    "authority name",
    "measure",
    "measure title",
    "period",
    "value",
    "numerator",
    "denominator",
    "note",
];

pub fn recognises(table: &Table) -> bool {
    ["authority", "measure", "period", "value"]
        .iter()
        .all(|c| table.column(&[c]).is_some())
}

/// The council a row names, by its ONS code (or an error).
fn known_council(
    known: &Known,
    at: &Location,
    text: &str,
    errors: &mut Vec<Issue>,
) -> Option<String> {
    let area = known.council(text, "").map(str::to_string);
    if area.is_none() {
        errors.push(Issue::at(
            at,
            HEADER[0],
            text,
            "unknown council: use its ONS code, e.g. E06000006",
        ));
    }
    area
}

/// The measure a row names, by its code or any alias (or an error).
fn known_measure(
    known: &Known,
    at: &Location,
    text: &str,
    errors: &mut Vec<Issue>,
) -> Option<String> {
    let code = known.measure(text).map(|m| m.code.clone());
    if code.is_none() {
        errors.push(Issue::at(at, HEADER[2], text, "unknown measure"));
    }
    code
}

/// The period a row gives (or an error).
fn period_at(at: &Location, text: &str, errors: &mut Vec<Issue>) -> Option<Period> {
    text.parse::<Period>()
        .map_err(|e| errors.push(Issue::at(at, HEADER[4], text, e.to_string())))
        .ok()
}

/// Parses the template's rows; each names a known council and measure and a valid period.
pub fn parse(table: &Table, known: &Known, errors: &mut Vec<Issue>) -> Vec<Parsed> {
    let col = |name: &str| table.column(&[name]);
    let (Some(authority), Some(measure), Some(period), Some(value)) = (
        col("authority"),
        col("measure"),
        col("period"),
        col("value"),
    ) else {
        errors.push(Issue::file(
            "the template needs the columns authority, measure, period and value",
        ));
        return Vec::new();
    };
    let (numerator, denominator, note) = (col("numerator"), col("denominator"), col("note"));
    let mut rows = Vec::new();
    for (number, row) in &table.rows {
        let at = Location {
            sheet: table.sheet.clone(),
            row: *number,
        };
        let cell = |i: Option<usize>| {
            i.and_then(|i| row.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let before = errors.len();
        let (area, code, parsed_period) = (
            known_council(known, &at, &cell(Some(authority)), errors),
            known_measure(known, &at, &cell(Some(measure)), errors),
            period_at(&at, &cell(Some(period)), errors),
        );
        let mut number_of = |i: Option<usize>, name: &str| -> Option<cells::Cell> {
            let text = cell(i);
            match cells::parse(&text) {
                Ok(c) => Some(c),
                Err(reason) => {
                    errors.push(Issue::at(&at, name, &text, reason));
                    None
                }
            }
        };
        let value_cell = number_of(Some(value), HEADER[5]);
        let x = number_of(numerator, HEADER[6]).and_then(cells::Cell::number);
        let n = number_of(denominator, HEADER[7]).and_then(cells::Cell::number);
        if errors.len() > before {
            continue;
        }
        let (Some(area), Some(code), Some(period), Some(value_cell)) =
            (area, code, parsed_period, value_cell)
        else {
            continue;
        };
        let note_text = cell(note);
        rows.push(Parsed::new(
            at,
            area,
            code,
            period,
            value_cell,
            x,
            n,
            None,
            (!note_text.is_empty()).then_some(note_text),
        ));
    }
    rows
}

/// One pre-filled template row.
#[derive(Debug, Clone)]
pub struct TemplateRow {
    pub authority: String,
    pub authority_name: String,
    pub measure: String,
    pub measure_title: String,
    pub period: String,
}

impl TemplateRow {
    fn cells(&self) -> [&str; 9] {
        [
            &self.authority,
            &self.authority_name,
            &self.measure,
            &self.measure_title,
            &self.period,
            "",
            "",
            "",
            "",
        ]
    }
}

/// The template as UTF-8 CSV (with a BOM, so that Excel reads it as UTF-8).
pub fn csv(rows: &[TemplateRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(HEADER)?;
        for row in rows {
            writer.write_record(row.cells())?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// The template as an .xlsx workbook: the data sheet, and a sheet of guidance.
pub fn xlsx(rows: &[TemplateRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let data = book.add_worksheet().set_name("Submission")?;
    for (c, title) in HEADER.iter().enumerate() {
        data.write_string_with_format(0, c as u16, *title, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.cells().iter().enumerate() {
            if !value.is_empty() {
                data.write_string(r as u32 + 1, c as u16, *value)?;
            }
        }
    }
    data.set_column_width(3, 60)?;
    let guide = book.add_worksheet().set_name("Guidance")?;
    for (r, line) in GUIDANCE.iter().enumerate() {
        guide.write_string(r as u32, 0, *line)?;
    }
    book.save_to_buffer()
}

const GUIDANCE: [&str; 5] = [
    "Fill in value, and numerator and denominator where the measure has them, for each row of the Submission sheet.",
    "Percentages as numbers from 0 to 100 (e.g. 28.1). Leave a value blank, or write [x], if it is not available; [c] if it is suppressed.",
    "Do not change the authority, measure or period columns. Extra rows for other measures are welcome.",
    "Upload the file on the scorecard's submissions page: you will see a validation report before anything is stored.",
    "Each upload is kept as a revision; earlier revisions stay in the history.",
];
