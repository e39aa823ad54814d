//! The finance return's "councils as columns" layout (ASC-FR 2014-15): an optional row of region
//! abbreviations, then a header naming the classification columns (support type, age, primary
//! support reason or summary, delivery mechanism or setting, accounting or unit-cost category,
//! provision) and one column per council (`321 - Halton`: CASSR number and name), then England
//! and the regions. Money is in £ thousands; `:` marks mandatory data that are unavailable.

use super::rules::{self, Classes, Sums};
use crate::domain::known::Known;
use crate::ingest::cells;
use crate::ingest::decode::Table;
use crate::ingest::report::{Issue, Location, Report};

/// At least this many council columns make the layout.
const COUNCIL_COLUMNS: usize = 10;

/// The header row and the council columns (index, CASSR number), when the table has the layout.
pub(super) struct Layout<'a> {
    names: &'a [String],
    /// Rows of the table after the header.
    skip: usize,
    councils: Vec<(usize, String)>,
    /// The classification columns: those before the first council.
    classes: usize,
}

impl Layout<'_> {
    /// The classification columns' names, normalised.
    pub(super) fn class_names(&self) -> impl Iterator<Item = String> + '_ {
        self.names[..self.classes]
            .iter()
            .map(|n| rules::normalise(n))
    }
}

pub(super) fn layout(table: &Table) -> Option<Layout<'_>> {
    let candidates =
        std::iter::once((&table.header, 0)).chain(table.rows.first().map(|(_, row)| (row, 1)));
    for (row, skip) in candidates {
        let councils: Vec<(usize, String)> = row
            .iter()
            .enumerate()
            .filter_map(|(i, cell)| {
                let (number, name) = cell.trim().split_once(" - ")?;
                let valid = !number.is_empty()
                    && number.chars().all(|c| c.is_ascii_digit())
                    && !name.trim().is_empty();
                valid.then(|| (i, number.to_string()))
            })
            .collect();
        if councils.len() >= COUNCIL_COLUMNS {
            let classes = councils[0].0;
            return Some(Layout {
                names: row,
                skip,
                councils,
                classes,
            });
        }
    }
    None
}

/// Counts each council's cell of every row a measure needs.
pub(super) fn read(
    table: &Table,
    l: &Layout<'_>,
    known: &Known,
    sums: &mut Sums,
    report: &mut Report,
) {
    let names: Vec<String> = l.class_names().collect();
    for (number, row) in table.rows.iter().skip(l.skip) {
        let classes: Classes = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (
                    name.clone(),
                    rules::normalise(row.get(i).map_or("", String::as_str)),
                )
            })
            .collect();
        let parts = rules::parts(&classes);
        if parts.is_empty() {
            continue;
        }
        let at = Location {
            sheet: table.sheet.clone(),
            row: *number,
        };
        for (column, cassr) in &l.councils {
            let Some(area) = known.council("", cassr) else {
                continue; // England's councils only; a CASSR the reference does not know is not ours
            };
            let raw = row.get(*column).map_or("", |s| s.trim());
            match cells::parse(raw) {
                Ok(cell) => sums.add(area, &parts, &classes, cell, &at),
                Err(reason) => {
                    report
                        .errors
                        .push(Issue::at(&at, &l.names[*column], raw, reason));
                }
            }
        }
    }
}
