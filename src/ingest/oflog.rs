//! The Office for Local Government's adult social care metrics (its data explorer's download):
//! long format, one row per council, financial year and metric (`Financial year, Local
//! authority code, Local authority name, …, Measure, Code, Value`). Oflog's own metrics are kept
//! under their published code prefixed `OFLOG_` (ASC6 requests resulting in a service, ASC7
//! adult social care workforce turnover, and any metric a later file adds, uncatalogued until
//! the analyst completes it). The metrics Oflog takes from ASCOF are the ASCOF measures they
//! repeat: they are skipped, with a note, so that no value is stored twice.

use std::collections::{BTreeMap, HashMap};

use super::cells;
use super::decode::{Table, cell};
use super::report::{Issue, Location, Report};
use super::{NewMeasure, Parsed};
use crate::domain::Period;
use crate::domain::known::Known;

/// The prefix Oflog's own metric codes are kept under.
pub const PREFIX: &str = "OFLOG_";

/// Oflog's adult social care metrics that repeat an ASCOF measure, as Oflog's metric
/// definitions give their source: ASC1 carer-reported quality of life (ASCOF 1D), ASC2 the
/// impact of adult social care services on quality of life (1J), ASC3 and ASC4 ease of finding
/// information for people who use services and for carers (3D1, 3D2), ASC5 the outcome of
/// short-term services (2D).
const REPEATS_ASCOF: [(&str, &str); 5] = [
    ("ASC1", "1D"),
    ("ASC2", "1J"),
    ("ASC3", "3D1"),
    ("ASC4", "3D2"),
    ("ASC5", "2D"),
];

/// Whether a table is Oflog's download.
pub fn recognises(table: &Table) -> bool {
    table.column(&["Local authority code"]).is_some()
        && table.column(&["Financial year"]).is_some()
        && table.column(&["Code"]).is_some()
        && table.column(&["Value"]).is_some()
}

struct Columns {
    year: usize,
    ons: usize,
    name: Option<usize>,
    measure: Option<usize>,
    code: usize,
    value: usize,
}

/// What a table gave: its values and the metrics the catalogue did not know.
#[derive(Debug, Default)]
pub struct Metrics {
    pub rows: Vec<Parsed>,
    pub new_measures: Vec<NewMeasure>,
}

pub fn parse(table: &Table, known: &Known, report: &mut Report) -> Metrics {
    let mut required = |name: &str| table.required(&[name], &mut report.errors);
    let (Some(year), Some(ons), Some(code), Some(value)) = (
        required("Financial year"),
        required("Local authority code"),
        required("Code"),
        required("Value"),
    ) else {
        return Metrics::default();
    };
    let c = Columns {
        year,
        ons,
        name: table.column(&["Local authority name"]),
        measure: table.column(&["Measure"]),
        code,
        value,
    };
    let mut metrics = Metrics::default();
    let mut new: BTreeMap<String, NewMeasure> = BTreeMap::new();
    let mut repeats: HashMap<&'static str, usize> = HashMap::new();
    for (number, row) in &table.rows {
        let at = Location {
            sheet: table.sheet.clone(),
            row: *number,
        };
        let published = cell(row, c.code).to_ascii_uppercase();
        if let Some((oflog, _)) = REPEATS_ASCOF.iter().find(|(o, _)| *o == published) {
            *repeats.entry(oflog).or_default() += 1;
            continue;
        }
        match read(table, &c, row, &at, &published, known, &mut new) {
            Ok(parsed) => metrics.rows.push(parsed),
            Err(issue) => report.errors.push(issue),
        }
    }
    for (oflog, ascof) in REPEATS_ASCOF {
        if let Some(rows) = repeats.get(oflog) {
            report.notes.push(format!(
                "{oflog} repeats ASCOF {ascof} (its source is the ASCOF file): {rows} rows skipped"
            ));
        }
    }
    metrics.new_measures = new.into_values().collect();
    metrics
}

/// One row of one of Oflog's own metrics.
fn read(
    table: &Table,
    c: &Columns,
    row: &[String],
    at: &Location,
    published: &str,
    known: &Known,
    new: &mut BTreeMap<String, NewMeasure>,
) -> Result<Parsed, Issue> {
    let header = |i: usize| table.header[i].as_str();
    let year_text = cell(row, c.year);
    let period: Period = year_text.parse().map_err(|e: crate::domain::PeriodError| {
        Issue::at(at, header(c.year), &year_text, e.to_string())
    })?;
    if period.is_quarter() {
        return Err(Issue::at(
            at,
            header(c.year),
            &year_text,
            "Oflog's metrics are for financial years (e.g. 2016-17)",
        ));
    }
    let ons = cell(row, c.ons);
    let area = known.council(&ons, "").ok_or_else(|| {
        let name = c.name.map(|i| cell(row, i)).unwrap_or_default();
        Issue::at(
            at,
            header(c.ons),
            &ons,
            format!("unknown council ({name}): not in the England reference"),
        )
    })?;
    let valid = !published.is_empty()
        && published.len() <= 20
        && published.chars().all(|ch| ch.is_ascii_alphanumeric());
    if !valid {
        return Err(Issue::at(
            at,
            header(c.code),
            published,
            "not a metric code (letters and digits, e.g. ASC7)",
        ));
    }
    let code = format!("{PREFIX}{published}");
    // The catalogue's measure when it knows the code (as its code or display code).
    let measure = known
        .measure(&code)
        .map_or_else(|| code.clone(), |m| m.code.clone());
    if known.measure(&code).is_none() {
        new.entry(code.clone()).or_insert_with(|| NewMeasure {
            code: code.clone(),
            published: published.to_string(),
            title: c
                .measure
                .map(|i| cell(row, i))
                .filter(|t| !t.is_empty())
                .map_or_else(|| format!("Oflog {published}"), |t| title_of(&t)),
            renumbered: false,
            first_row: at.clone(),
        });
    }
    let raw = cell(row, c.value);
    let value =
        cells::parse(&raw).map_err(|reason| Issue::at(at, header(c.value), &raw, reason))?;
    Ok(Parsed::new(
        at.clone(),
        area.to_string(),
        measure,
        period,
        value,
        None,
        None,
        None,
        None,
    ))
}

/// "Outcome, Workforce turnover rate" → "Workforce turnover rate".
fn title_of(measure: &str) -> String {
    measure
        .split_once(',')
        .map_or(measure, |(_, rest)| rest)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use crate::domain::known::{Known, KnownMeasure};
    use crate::domain::{Period, Unit};
    use crate::ingest::{Options, read};

    const HEADER: &str = "Financial year,Local authority code,Local authority name,Grouping,Entity_Name,Region,Measure,Code,Value,MEDIAN,MADs_from_median,rank_order\n";

    fn known() -> Known {
        let mut k = Known::default();
        k.councils.insert("E06000006".into(), "Halton".into());
        let turnover = KnownMeasure {
            code: "RW05".into(),
            unit: Unit::Percent,
            decimals: 1,
            rate_multiplier: None,
            frequency: "annual".into(),
            tier: "whole_system".into(),
        };
        k.measures.insert("RW05".into(), turnover.clone());
        k.measures.insert("OFLOG_ASC7".into(), turnover);
        k
    }

    fn file(rows: &[&str]) -> Vec<u8> {
        format!("{HEADER}{}\n", rows.join("\n")).into_bytes()
    }

    #[test]
    fn own_metrics_are_kept_under_the_catalogues_code_and_ascof_repeats_are_skipped() {
        let bytes = file(&[
            "2016-17,E06000006,Halton,LA_Raw,Unitary Authorities,North West,\"Outcome, Workforce turnover rate\",ASC7,25.02206054,26.3,-0.2,",
            "2016-17,E06000006,Halton,LA_Raw,Unitary Authorities,North West,\"Outcome, ASC Carer Quality of Life\",ASC1,7.6,7.6,0,desc",
            "2018-19,E06000006,Halton,LA_Raw,Unitary Authorities,North West,\"Outcome, A metric added later\",ASC8,12,,,",
            "2017-18,E06000006,Halton,LA_Raw,Unitary Authorities,North West,\"Outcome, Workforce turnover rate\",ASC7,,26.3,,",
        ]);
        let contents = read("oflog.csv", &bytes, Options::default(), &known());
        let report = &contents.report;
        assert!(!report.has_errors(), "{report}");
        assert_eq!(contents.scope, "oflog-asc");
        let stored: Vec<(&str, String, Option<String>)> = contents
            .rows
            .iter()
            .map(|r| {
                let o = &r.observation;
                (
                    o.measure_code.as_str(),
                    o.period.to_string(),
                    o.value.map(|v| v.to_string()),
                )
            })
            .collect();
        assert_eq!(
            stored,
            [
                ("RW05", "2016-17".into(), Some("25.02206054".into())),
                ("OFLOG_ASC8", "2018-19".into(), Some("12".into())),
                ("RW05", "2017-18".into(), None),
            ]
        );
        assert_eq!(contents.new_measures.len(), 1);
        assert_eq!(contents.new_measures[0].code, "OFLOG_ASC8");
        assert_eq!(contents.new_measures[0].title, "A metric added later");
        assert!(
            report.notes.iter().any(
                |n| n == "ASC1 repeats ASCOF 1D (its source is the ASCOF file): 1 rows skipped"
            )
        );
        assert_eq!(contents.rows[0].observation.period, Period::year(2016));
    }

    #[test]
    fn a_bad_row_is_named_by_its_row_column_and_reason() {
        let bytes = file(&[
            "2016-17,E06999999,Nowhere,LA_Raw,,North West,\"Outcome, Workforce turnover rate\",ASC7,25,,,",
            "someday,E06000006,Halton,LA_Raw,,North West,\"Outcome, Workforce turnover rate\",ASC7,25,,,",
            "2016-17,E06000006,Halton,LA_Raw,,North West,\"Outcome, Workforce turnover rate\",ASC7,lots,,,",
        ]);
        let contents = read("oflog.csv", &bytes, Options::default(), &known());
        let errors: Vec<(Option<usize>, Option<&str>)> = contents
            .report
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_deref()))
            .collect();
        assert_eq!(
            errors,
            [
                (Some(2), Some("Local authority code")),
                (Some(3), Some("Financial year")),
                (Some(4), Some("Value")),
            ]
        );
        assert!(
            contents.report.errors[0]
                .reason
                .contains("unknown council (Nowhere)")
        );
    }
}
