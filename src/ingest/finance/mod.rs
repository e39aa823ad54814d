//! NHS Digital's adult social care finance return (ASC-FR, from 2014-15) in each layout it is
//! published in: councils as columns (`wide`) or one value a row (`long`). Both hand each row's
//! classification to `rules`, which says which measure it counts towards and derives the
//! measures from the sums, each with its numerator and denominator as published.
//!
//! ASC-FR's classifications began with the Care Act in 2014-15: its measures start a series
//! there. The earlier PSS-EX1 service groups (restated for 2015-16 as the "bridging year") make
//! measures of their own, never joined to ASC-FR's.

mod long;
mod rules;
mod wide;

use super::Parsed;
use super::decode::Table;
use super::report::Report;
use crate::domain::Period;
use crate::domain::known::Known;

/// A table's layout, when it is the finance return's.
enum Layout<'a> {
    Wide(wide::Layout<'a>),
    Long(long::Layout),
}

impl Layout<'_> {
    fn of(table: &Table) -> Option<Layout<'_>> {
        let layout = match wide::layout(table) {
            Some(w) => Layout::Wide(w),
            None => Layout::Long(long::layout(table)?),
        };
        let named = layout.class_names().iter().any(|n| {
            rules::CLASSIFICATIONS
                .iter()
                .any(|names| names.contains(&n.as_str()))
        });
        named.then_some(layout)
    }

    fn class_names(&self) -> Vec<String> {
        match self {
            Layout::Wide(w) => w.class_names().collect(),
            Layout::Long(l) => l.class_names().map(str::to_string).collect(),
        }
    }
}

pub fn recognises(table: &Table) -> bool {
    Layout::of(table).is_some()
}

/// What a table's scope is: the year and the measures it gives, so that a table's revision
/// replaces only what that table gave (two tables of the same return never supersede each
/// other, whatever their names).
pub fn scope(period: Period, rows: &[Parsed]) -> String {
    let codes: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|r| r.observation.measure_code.as_str())
        .collect();
    format!(
        "asc-fr:{period}:{}",
        codes.into_iter().collect::<Vec<_>>().join("+")
    )
}

/// The financial year of a file: given, else in its name (`2014-15`, `14-15`).
pub fn year(filename: &str, given: Option<Period>) -> Option<Period> {
    given.or_else(|| super::ascof::period_from_filename(filename))
}

pub fn parse(table: &Table, period: Period, known: &Known, report: &mut Report) -> Vec<Parsed> {
    let mut sums = rules::Sums::default();
    match Layout::of(table) {
        Some(Layout::Wide(w)) => wide::read(table, &w, known, &mut sums, report),
        Some(Layout::Long(l)) => long::read(table, &l, known, &mut sums, report),
        None => return Vec::new(),
    }
    let out = sums.measures(period, known);
    if out.is_empty() {
        report.notes.push(
            "no measure of the scorecard is derived from this table of the return on its own (it carries none of the rows the catalogue's finance measures are made from)".into(),
        );
    }
    out
}
