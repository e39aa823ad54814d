//! NHS Digital's "Measures from the ASCOF" open data: long format, one row per area, measure,
//! disaggregation and measure type (Outcome, Numerator, Denominator, Base, Margin Of Error).
//! The Total disaggregation is kept; England, region and council-type rows become benchmarks.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::cells::{self, Cell};
use super::decode::Table;
use super::known::Known;
use super::report::{Issue, Location};
use super::{BenchmarkArea, Parsed};
use crate::domain::Period;

pub const ENGLAND: &str = "E92000001";

/// Whether a table looks like the official file.
pub fn recognises(table: &Table) -> bool {
    table.column(&["Measure Type"]).is_some()
        && table
            .column(&["ASCOF Measure Code", "Measure Group"])
            .is_some()
}

struct Columns {
    geo_code: usize,
    geo_name: usize,
    level: usize,
    ons: usize,
    group: usize,
    disaggregation: usize,
    measure_type: usize,
    value: usize,
}

fn columns(table: &Table, errors: &mut Vec<Issue>) -> Option<Columns> {
    let mut find = |names: &[&str]| {
        let found = table.column(names);
        if found.is_none() {
            errors.push(Issue {
                sheet: table.sheet.clone(),
                row: Some(1),
                column: Some(names[0].to_string()),
                ..Issue::file(format!(
                    "the required column '{}' is missing",
                    names.join("' or '")
                ))
            });
        }
        found
    };
    Some(Columns {
        geo_code: find(&["Geographical Code"])?,
        geo_name: find(&["Geographical Description"])?,
        level: find(&["Geographical Level"])?,
        ons: find(&["ONS Area Code", "ONS Code"])?,
        group: find(&["Measure Group", "ASCOF Measure Code"])?,
        disaggregation: find(&["Disaggregation Level"])?,
        measure_type: find(&["Measure Type"])?,
        value: find(&["Measure Value"])?,
    })
}

/// The sibling rows of one area, measure and disaggregation.
#[derive(Default)]
struct Siblings {
    at: Option<Location>,
    cells: HashMap<String, (Cell, Location)>,
}

/// Parses the Total rows into values; councils must be known, benchmark areas are collected.
pub fn parse(
    table: &Table,
    period: Period,
    known: &Known,
    errors: &mut Vec<Issue>,
    notes: &mut Vec<String>,
) -> (Vec<Parsed>, Vec<BenchmarkArea>) {
    let Some(c) = columns(table, errors) else {
        return (Vec::new(), Vec::new());
    };
    let mut groups: HashMap<(String, String), Siblings> = HashMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    let mut benchmarks: HashMap<String, BenchmarkArea> = HashMap::new();
    let mut skipped_disaggregations = 0usize;
    let cell =
        |row: &[String], i: usize| row.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
    for (number, row) in &table.rows {
        let at = Location {
            sheet: table.sheet.clone(),
            row: *number,
        };
        if !cell(row, c.disaggregation).eq_ignore_ascii_case("total") {
            skipped_disaggregations += 1;
            continue;
        }
        let level = cell(row, c.level);
        let (ons, name) = (cell(row, c.ons), cell(row, c.geo_name));
        let area = match level.to_ascii_lowercase().as_str() {
            "council" => match known.council(&ons, &cell(row, c.geo_code)) {
                Some(code) => code.to_string(),
                None => {
                    errors.push(Issue::at(
                        &at,
                        "ONS Area Code",
                        &ons,
                        format!("unknown council ({name})"),
                    ));
                    continue;
                }
            },
            "england" => benchmark(&mut benchmarks, ENGLAND, "England", "england"),
            "region" if ons.starts_with("E12") && ons.len() == 9 => {
                benchmark(&mut benchmarks, &ons, &name, "region")
            }
            "region" => {
                errors.push(Issue::at(
                    &at,
                    "ONS Area Code",
                    &ons,
                    "a region row needs its E12 ONS code",
                ));
                continue;
            }
            "council type" => {
                let code = format!("CT-{}", slug(&name));
                benchmark(&mut benchmarks, &code, &name, "council_type")
            }
            _ => {
                errors.push(Issue::at(
                    &at,
                    "Geographical Level",
                    &level,
                    "unknown geographical level",
                ));
                continue;
            }
        };
        let group_text = cell(row, c.group);
        let Some(measure) = known.measure(strip_year_suffix(&group_text)) else {
            errors.push(Issue::at(
                &at,
                "Measure Group",
                &group_text,
                "unknown measure",
            ));
            continue;
        };
        let measure_type = cell(row, c.measure_type).to_ascii_lowercase();
        let raw = cell(row, c.value);
        let parsed = match cells::parse(&raw) {
            Ok(p) => p,
            Err(reason) => {
                errors.push(Issue::at(&at, "Measure Value", &raw, reason));
                continue;
            }
        };
        let key = (area, measure.code.clone());
        let siblings = match groups.entry(key.clone()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                order.push(key);
                e.insert(Siblings::default())
            }
        };
        siblings.at.get_or_insert(at.clone());
        if let Some((_, first)) = siblings.cells.get(&measure_type) {
            errors.push(Issue::row(
                &at,
                format!(
                    "duplicate row: the same area, measure and measure type as row {}",
                    first.row
                ),
            ));
            continue;
        }
        siblings.cells.insert(measure_type, (parsed, at));
    }
    if skipped_disaggregations > 0 {
        notes.push(format!("{skipped_disaggregations} rows of other disaggregations (sex, age) were read and not kept: the scorecard keeps the Total"));
    }
    let mut parsed = Vec::with_capacity(order.len());
    for key in order {
        let Some(siblings) = groups.remove(&key) else {
            continue;
        };
        let Some(at) = siblings.at else { continue };
        let get = |t: &str| siblings.cells.get(t).map(|(c, _)| *c);
        let Some((outcome, _)) = siblings.cells.get("outcome") else {
            errors.push(Issue::row(
                &at,
                format!("no Outcome row for {} {}", key.0, key.1),
            ));
            continue;
        };
        parsed.push(Parsed::new(
            at.clone(),
            key.0,
            key.1,
            period,
            *outcome,
            get("numerator").and_then(Cell::number),
            get("denominator").and_then(Cell::number),
            get("margin of error").and_then(Cell::number),
            None,
        ));
    }
    let mut benchmarks: Vec<BenchmarkArea> = benchmarks.into_values().collect();
    benchmarks.sort_by(|a, b| a.code.cmp(&b.code));
    (parsed, benchmarks)
}

fn benchmark(
    into: &mut HashMap<String, BenchmarkArea>,
    code: &str,
    name: &str,
    level: &str,
) -> String {
    into.entry(code.to_string())
        .or_insert_with(|| BenchmarkArea {
            code: code.to_string(),
            name: name.to_string(),
            level: level.to_string(),
        });
    code.to_string()
}

/// `2A(1)_1415` → `2A(1)`: 2014-15 files mark measures whose definition changed that year.
fn strip_year_suffix(code: &str) -> &str {
    match code.rsplit_once('_') {
        Some((base, year)) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => code,
    }
}

fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .take(28)
        .collect()
}

/// The financial year named in an official file's name (`…-2016-17-…`), if any.
pub fn period_from_filename(filename: &str) -> Option<Period> {
    let bytes = filename.as_bytes();
    (0..bytes.len().saturating_sub(6)).find_map(|i| {
        let candidate = filename.get(i..i + 7)?;
        let digits = candidate.bytes().enumerate().all(|(j, b)| {
            if j == 4 {
                b == b'-' || b == b'_'
            } else {
                b.is_ascii_digit()
            }
        });
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_digit();
        let after_ok = bytes.get(i + 7).is_none_or(|b| !b.is_ascii_digit());
        (digits && before_ok && after_ok)
            .then(|| candidate.replace('_', "-").parse().ok())
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_from_official_file_names() {
        assert_eq!(
            period_from_filename("meas-from-asc-of-eng-2016-17-open-data.csv"),
            Some(Period::year(2016))
        );
        assert_eq!(
            period_from_filename("ascof_2023_24.xlsx"),
            Some(Period::year(2023))
        );
        assert_eq!(period_from_filename("data.csv"), None);
        assert_eq!(period_from_filename("x-2016-18.csv"), None);
    }

    #[test]
    fn year_suffixes_and_slugs() {
        assert_eq!(strip_year_suffix("2A(1)_1415"), "2A(1)");
        assert_eq!(strip_year_suffix("OFLOG_ASC7"), "OFLOG_ASC7");
        assert_eq!(slug("Inner London"), "inner-london");
    }
}
