//! The finance return's long layout (2015-16 on): one value a row, with the council's code
//! (a CASSR number or an ONS code), its name, the row's classification in named columns and the
//! value (`UUID, Council Code, Council Name, Care Type, …, Value`). Columns that only identify
//! or annotate a row (its id, the council's name, notes) are not part of its classification.

use super::rules::{self, Classes, Sums};
use crate::domain::known::Known;
use crate::ingest::cells;
use crate::ingest::decode::Table;
use crate::ingest::report::{Issue, Location, Report};

const AREA: &[&str] = &[
    "council code",
    "cassr code",
    "la code",
    "local authority code",
    "geography code",
    "ons code",
];
const VALUE: &[&str] = &["value", "item value", "itemvalue"];
/// Columns that identify or annotate a row rather than classify it.
const NOT_CLASSES: &[&str] = &[
    "uuid",
    "council name",
    "la name",
    "local authority name",
    "geography name",
    "region",
    "region name",
    "notes",
    "note",
];

pub(super) struct Layout {
    area: usize,
    value: usize,
    /// The classification columns: index and normalised name.
    classes: Vec<(usize, String)>,
}

impl Layout {
    pub(super) fn class_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.classes.iter().map(|(_, n)| n.as_str())
    }
}

pub(super) fn layout(table: &Table) -> Option<Layout> {
    let names: Vec<String> = table.header.iter().map(|h| rules::normalise(h)).collect();
    let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
    let (area, value) = (find(AREA)?, find(VALUE)?);
    let classes: Vec<(usize, String)> = names
        .iter()
        .enumerate()
        .filter(|(i, n)| *i != area && *i != value && !NOT_CLASSES.contains(&n.as_str()))
        .map(|(i, n)| (i, n.clone()))
        .collect();
    Some(Layout {
        area,
        value,
        classes,
    })
}

/// Counts the value of every row a measure needs.
pub(super) fn read(table: &Table, l: &Layout, known: &Known, sums: &mut Sums, report: &mut Report) {
    for (number, row) in &table.rows {
        let classes: Classes = l
            .classes
            .iter()
            .map(|(i, name)| {
                (
                    name.clone(),
                    rules::normalise(row.get(*i).map_or("", String::as_str)),
                )
            })
            .collect();
        let parts = rules::parts(&classes);
        if parts.is_empty() {
            continue;
        }
        let code = row.get(l.area).map_or("", |s| s.trim());
        let Some(area) = known.council(code, code) else {
            continue; // England's councils only: totals and other countries' rows are not ours
        };
        let at = Location {
            sheet: table.sheet.clone(),
            row: *number,
        };
        let raw = row.get(l.value).map_or("", |s| s.trim());
        match cells::parse(raw) {
            Ok(cell) => sums.add(area, &parts, &classes, cell, &at),
            Err(reason) => report
                .errors
                .push(Issue::at(&at, &table.header[l.value], raw, reason)),
        }
    }
}
