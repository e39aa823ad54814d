//! CQC's assessments of councils' Care Act duties: one row per council with its overall rating,
//! the nine quality statements' scores (1 to 4) and the month it was assessed (`la_code,
//! overall_rating, qs1_score … qs9_score, avg_score, assessment_date`). Each becomes a measure of
//! the council (`CQC_OVERALL`, `CQC_QS1` … `CQC_QS9`, `CQC_AVERAGE`) for the financial year the
//! assessment month falls in, noted with the month. The overall rating is scored on CQC's own
//! four-point scale (inadequate 1, requires improvement 2, good 3, outstanding 4).

use chrono::{Datelike, NaiveDate};

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

/// The financial year (April to March) a date falls in.
fn financial_year(date: NaiveDate) -> Period {
    let start = if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    };
    Period::year(start)
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

pub fn parse(table: &Table, known: &Known, report: &mut Report) -> Assessments {
    let mut missing = |names: &[&str]| {
        let found = table.column(names);
        if found.is_none() {
            report.errors.push(Issue {
                sheet: table.sheet.clone(),
                row: Some(1),
                column: Some(names[0].to_string()),
                ..Issue::file(format!("the required column '{}' is missing", names[0]))
            });
        }
        found
    };
    let (Some(ons), Some(overall), Some(date)) = (
        missing(&["la_code", "local authority code"]),
        missing(&["overall_rating", "overall rating"]),
        missing(&["assessment_date", "assessment date"]),
    ) else {
        return Assessments::default();
    };
    let scores: Vec<Option<usize>> = (1..=STATEMENTS)
        .map(|n| table.column(&[&format!("qs{n}_score")]))
        .collect();
    let average = table.column(&["avg_score", "average score"]);
    let name = table.column(&["la_name", "authority_name_as_published"]);
    let mut out = Assessments::default();
    for (number, row) in &table.rows {
        let at = Location {
            sheet: table.sheet.clone(),
            row: *number,
        };
        let cell = |i: usize| row.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        let code = cell(ons);
        let Some(area) = known.council(&code, "") else {
            let who = name.map(cell).unwrap_or_default();
            report.errors.push(Issue::at(
                &at,
                &table.header[ons],
                &code,
                format!("unknown council ({who}): not in the England reference"),
            ));
            continue;
        };
        let when = cell(date);
        let Some(month) = month_of(&when) else {
            report.errors.push(Issue::at(
                &at,
                &table.header[date],
                &when,
                "not a month (e.g. May 2024)",
            ));
            continue;
        };
        let period = financial_year(month);
        let note = format!("assessed {}", month.format("%B %Y"));
        let rating = cell(overall);
        // A council assessed but not given an overall rating has its statements' scores.
        let overall_value = match rating_score(&rating) {
            Some(score) => score.to_string(),
            None if rating.eq_ignore_ascii_case("not rated") || rating.is_empty() => String::new(),
            None => {
                report.errors.push(Issue::at(
                    &at,
                    &table.header[overall],
                    &rating,
                    "not a CQC rating (outstanding, good, requires improvement, inadequate, not rated)",
                ));
                continue;
            }
        };
        let mut values = vec![("CQC_OVERALL".to_string(), overall_value, None)];
        for (n, column) in scores.iter().enumerate() {
            if let Some(i) = column {
                values.push((format!("CQC_QS{}", n + 1), cell(*i), Some(*i)));
            }
        }
        if let Some(i) = average {
            values.push(("CQC_AVERAGE".to_string(), cell(i), Some(i)));
        }
        for (measure, raw, column) in values {
            let parsed = super::cells::parse(&raw).map_err(|reason| {
                let header = column.map_or("overall_rating", |i| table.header[i].as_str());
                Issue::at(&at, header, &raw, reason)
            });
            match parsed {
                Ok(value) => out.rows.push(Parsed::new(
                    at.clone(),
                    area.to_string(),
                    known
                        .measure(&measure)
                        .map_or(measure.clone(), |m| m.code.clone()),
                    period,
                    value,
                    None,
                    None,
                    None,
                    Some(note.clone()),
                )),
                Err(issue) => report.errors.push(issue),
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_falls_in_its_financial_year() {
        let may = month_of("May 2024").unwrap();
        assert_eq!(financial_year(may), Period::year(2024));
        assert_eq!(
            financial_year(month_of("March 2025").unwrap()),
            Period::year(2024)
        );
        assert_eq!(
            financial_year(month_of("2025-04").unwrap()),
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
