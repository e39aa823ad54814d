//! CQC's assessments of councils' Care Act duties: one row per council with its overall rating,
//! the nine quality statements' scores (1 to 4) and the month it was assessed (`la_code,
//! overall_rating, qs1_score … qs9_score, avg_score, assessment_date`). Each becomes a measure of
//! the council (`CQC_OVERALL`, `CQC_QS1` … `CQC_QS9`, `CQC_AVERAGE`) for the financial year the
//! assessment month falls in, noted with the month. The overall rating is scored on CQC's own
//! four-point scale (inadequate 1, requires improvement 2, good 3, outstanding 4).

use chrono::NaiveDate;

use super::decode::Table;
use super::report::{Issue, Location, Report};
use super::{NewMeasure, Parsed};
use crate::domain::Period;
use crate::domain::known::Known;

/// The quality statements, in CQC's order.
const STATEMENTS: usize = 9;

pub fn recognises(table: &Table) -> bool {
    table
        .column(&["overall_rating", "overall rating"])
        .is_some()
        && table
            .column(&["assessment_date", "assessment date"])
            .is_some()
        && table.column(&["la_code", "local authority code"]).is_some()
}

/// CQC's four-point scale.
fn rating_score(text: &str) -> Option<u8> {
    match text.trim().to_ascii_lowercase().as_str() {
        "outstanding" => Some(4),
        "good" => Some(3),
        "requires improvement" => Some(2),
        "inadequate" => Some(1),
        _ => None,
    }
}

/// A statement's score or the average is on CQC's scale of 1 to 4.
fn on_the_scale(measure: &str, cell: super::cells::Cell) -> Result<super::cells::Cell, String> {
    let outside = cell
        .number()
        .is_some_and(|v| v < rust_decimal::Decimal::ONE || v > rust_decimal::Decimal::from(4));
    if outside && measure != "CQC_OVERALL" {
        Err("a score is 1 (inadequate) to 4 (outstanding)".into())
    } else {
        Ok(cell)
    }
}

/// "May 2024" (or "2024-05", or a date) → the first of that month.
fn month_of(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(&format!("1 {text}"), "%d %B %Y")
        .or_else(|_| NaiveDate::parse_from_str(&format!("1 {text}"), "%d %b %Y"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

/// The measures a file gives, with what the catalogue calls them when it does not know them.
fn measures() -> Vec<(String, String)> {
    let mut all = vec![(
        "CQC_OVERALL".to_string(),
        "CQC assessment: overall rating (1 inadequate to 4 outstanding)".to_string(),
    )];
    all.extend((1..=STATEMENTS).map(|n| {
        (
            format!("CQC_QS{n}"),
            format!("CQC assessment: quality statement {n} score (1 to 4)"),
        )
    }));
    all.push((
        "CQC_AVERAGE".to_string(),
        "CQC assessment: average quality statement score".to_string(),
    ));
    all
}

#[derive(Debug, Default)]
pub struct Assessments {
    pub rows: Vec<Parsed>,
    pub new_measures: Vec<NewMeasure>,
}

/// The columns of a file: the council, its rating, the month, each statement's score and the
/// average (the scores may be absent).
struct Columns {
    ons: usize,
    overall: usize,
    date: usize,
    scores: Vec<Option<usize>>,
    average: Option<usize>,
    name: Option<usize>,
}

fn columns(table: &Table, report: &mut Report) -> Option<Columns> {
    let mut required = |names: &[&str]| table.required(names, &mut report.errors);
    let (ons, overall, date) = (
        required(&["la_code", "local authority code"]),
        required(&["overall_rating", "overall rating"]),
        required(&["assessment_date", "assessment date"]),
    );
    Some(Columns {
        ons: ons?,
        overall: overall?,
        date: date?,
        scores: (1..=STATEMENTS)
            .map(|n| table.column(&[&format!("qs{n}_score")]))
            .collect(),
        average: table.column(&["avg_score", "average score"]),
        name: table.column(&["la_name", "authority_name_as_published"]),
    })
}

pub fn parse(table: &Table, known: &Known, report: &mut Report) -> Assessments {
    let Some(c) = columns(table, report) else {
        return Assessments::default();
    };
    let mut out = Assessments::default();
    for (number, row) in &table.rows {
        let at = Location {
            sheet: table.sheet.clone(),
            row: *number,
        };
        match assessment(table, &c, row, &at, known) {
            Ok(rows) => out.rows.extend(rows),
            Err(issues) => report.errors.extend(issues),
        }
    }
    out.new_measures = measures()
        .into_iter()
        .filter(|(code, _)| known.measure(code).is_none())
        .filter_map(|(code, title)| {
            let first = out
                .rows
                .iter()
                .find(|r| r.observation.measure_code == code)?;
            Some(NewMeasure {
                published: code.clone(),
                code,
                title,
                renumbered: false,
                first_row: first.at.clone(),
            })
        })
        .collect();
    out
}

/// One council's assessment: its values, or what is wrong with the row.
fn assessment(
    table: &Table,
    c: &Columns,
    row: &[String],
    at: &Location,
    known: &Known,
) -> Result<Vec<Parsed>, Vec<Issue>> {
    let cell = |i: usize| super::decode::cell(row, i);
    let wrong = |column: usize, value: &str, reason: String| {
        vec![Issue::at(at, &table.header[column], value, reason)]
    };
    let code = cell(c.ons);
    let area = known.council(&code, "").ok_or_else(|| {
        let who = c.name.map(cell).unwrap_or_default();
        wrong(
            c.ons,
            &code,
            format!("unknown council ({who}): not in the England reference"),
        )
    })?;
    let when = cell(c.date);
    let month = month_of(&when)
        .ok_or_else(|| wrong(c.date, &when, "not a month (e.g. May 2024)".into()))?;
    let rating = cell(c.overall);
    // A council assessed but not given an overall rating has its statements' scores.
    let overall = match rating_score(&rating) {
        Some(score) => score.to_string(),
        None if rating.eq_ignore_ascii_case("not rated") || rating.is_empty() => String::new(),
        None => {
            return Err(wrong(
                c.overall,
                &rating,
                "not a CQC rating (outstanding, good, requires improvement, inadequate, not rated)"
                    .into(),
            ));
        }
    };
    let mut values = vec![("CQC_OVERALL".to_string(), overall, c.overall)];
    for (n, column) in c.scores.iter().enumerate() {
        if let Some(i) = column {
            values.push((format!("CQC_QS{}", n + 1), cell(*i), *i));
        }
    }
    if let Some(i) = c.average {
        values.push(("CQC_AVERAGE".to_string(), cell(i), i));
    }
    let note = format!("assessed {}", month.format("%B %Y"));
    let mut rows = Vec::new();
    let mut issues = Vec::new();
    for (measure, raw, column) in values {
        match super::cells::parse(&raw).and_then(|v| on_the_scale(&measure, v)) {
            Ok(value) => rows.push(Parsed::new(
                at.clone(),
                area.to_string(),
                known
                    .measure(&measure)
                    .map_or(measure.clone(), |m| m.code.clone()),
                Period::year_of(month),
                value,
                None,
                None,
                None,
                Some(note.clone()),
            )),
            Err(reason) => issues.extend(wrong(column, &raw, reason)),
        }
    }
    if issues.is_empty() {
        Ok(rows)
    } else {
        Err(issues)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_falls_in_its_financial_year() {
        let may = month_of("May 2024").unwrap();
        assert_eq!(Period::year_of(may), Period::year(2024));
        assert_eq!(
            Period::year_of(month_of("March 2025").unwrap()),
            Period::year(2024)
        );
        assert_eq!(
            Period::year_of(month_of("2025-04").unwrap()),
            Period::year(2025)
        );
        assert!(month_of("soon").is_none());
    }

    #[test]
    fn ratings_are_cqcs_four_points() {
        assert_eq!(rating_score("Requires improvement"), Some(2));
        assert_eq!(rating_score(" outstanding "), Some(4));
        assert_eq!(rating_score("Excellent"), None);
    }
}
