//! NHS Digital's adult social care finance return (ASC-FR, from 2014-15) in its "councils as
//! columns" layout: an optional row of region abbreviations, then a header naming the
//! classification columns (support type, age, primary support reason or summary, delivery
//! mechanism or setting, accounting or unit-cost category, provision) and one column per council
//! (`321 - Halton`: CASSR number and name), then England and the regions. Money is in £
//! thousands; `:` marks mandatory data that are unavailable.
//!
//! The measures a regional board uses are derived from the published rows by rule, each with
//! its numerator and denominator as published:
//! - `RW01` gross current expenditure on adult social care per adult (18+): the "Adult Social
//!   Care" total's gross current expenditure over the council's adults in the shipped England
//!   reference (ONS mid-year estimate);
//! - `FIN_UC_RN` the unit cost of long-term residential and nursing care for adults (18+), £ per
//!   person per week: the published unit cost, with its numerator (£) and denominator (weeks).
//!
//! ASC-FR's classifications began with the Care Act in 2014-15: these measures start a series
//! there, and nothing from the earlier PSS-EX1 return is joined to them.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::Parsed;
use super::cells::{self, Cell};
use super::decode::Table;
use super::report::{Issue, Location, Report};
use crate::domain::Period;
use crate::domain::known::Known;

/// At least this many council columns make the layout.
const COUNCIL_COLUMNS: usize = 10;

/// A row's classification, by the names of its classification columns.
type Classes<'a> = HashMap<String, &'a str>;

/// A value a rule selects: every named column (any of its names) holding the given text.
struct Selector {
    when: &'static [(&'static [&'static str], &'static str)],
}

const SUPPORT: &[&str] = &["support type"];
const AGE: &[&str] = &["age category", "age band", "age bands"];
const REASON: &[&str] = &["summary", "primary support reason"];
const MECHANISM: &[&str] = &["delivery mechanism", "service delivery mechanism"];
const ACCOUNTING: &[&str] = &["accounting category"];
const UNIT_COST: &[&str] = &["unit cost category"];
const PROVISION: &[&str] = &["unit cost provision"];

/// The gross current expenditure on adult social care, £ thousands.
const GROSS: Selector = Selector {
    when: &[
        (SUPPORT, "non salt totals"),
        (REASON, "adult social care"),
        (MECHANISM, "total"),
        (ACCOUNTING, "gross current expenditure"),
    ],
};

/// Long-term residential and nursing care for adults, all provision: a unit-cost row.
const RESIDENTIAL_AND_NURSING: Selector = Selector {
    when: &[
        (SUPPORT, "long term"),
        (AGE, "age 18 and over"),
        (REASON, ""),
        (MECHANISM, "residential and nursing care"),
        (PROVISION, "all"),
    ],
};

impl Selector {
    fn selects(&self, classes: &Classes<'_>) -> bool {
        self.when.iter().all(|(names, text)| {
            names
                .iter()
                .find_map(|n| classes.get(*n))
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(text))
        })
    }
}

/// The header row and the council columns (index, CASSR number), when the table has the layout.
struct Layout<'a> {
    names: &'a [String],
    /// Rows of the table after the header.
    skip: usize,
    councils: Vec<(usize, String)>,
    classes: usize,
}

fn layout(table: &Table) -> Option<Layout<'_>> {
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

pub fn recognises(table: &Table) -> bool {
    layout(table).is_some_and(|l| {
        (0..l.classes).any(|i| {
            let name = l.names[i].trim().to_ascii_lowercase();
            ACCOUNTING.contains(&name.as_str()) || UNIT_COST.contains(&name.as_str())
        })
    })
}

/// What a table's scope is: the year and which table of the return (expenditure or unit costs).
pub fn scope(table: &Table, period: Period) -> String {
    let unit_costs = layout(table).is_some_and(|l| {
        (0..l.classes).any(|i| UNIT_COST.contains(&l.names[i].trim().to_ascii_lowercase().as_str()))
    });
    format!(
        "asc-fr:{period}:{}",
        if unit_costs {
            "unit-costs"
        } else {
            "expenditure"
        }
    )
}

/// The financial year of a file: given, else in its name (`2014-15`, `14-15`).
pub fn year(filename: &str, given: Option<Period>) -> Option<Period> {
    given.or_else(|| super::ascof::period_from_filename(filename))
}

pub fn parse(table: &Table, period: Period, known: &Known, report: &mut Report) -> Vec<Parsed> {
    let Some(l) = layout(table) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut unit_costs: HashMap<String, UnitCostCells> = HashMap::new();
    for (number, row) in table.rows.iter().skip(l.skip) {
        let at = Location {
            sheet: table.sheet.clone(),
            row: *number,
        };
        let classes: Classes<'_> = (0..l.classes)
            .map(|i| {
                let value = row.get(i).map_or("", String::as_str);
                (l.names[i].trim().to_ascii_lowercase(), value)
            })
            .collect();
        let gross = GROSS.selects(&classes);
        let unit_cost = RESIDENTIAL_AND_NURSING.selects(&classes);
        if !gross && !unit_cost {
            continue;
        }
        for (column, cassr) in &l.councils {
            let Some(area) = known.council("", cassr) else {
                continue; // England's councils only; a CASSR the reference does not know is not ours
            };
            let raw = row.get(*column).map_or("", |s| s.trim());
            let header = l.names[*column].as_str();
            let cell = match cells::parse(raw) {
                Ok(c) => c,
                Err(reason) => {
                    report.errors.push(Issue::at(&at, header, raw, reason));
                    continue;
                }
            };
            if gross {
                out.push(per_adult(at.clone(), area, period, cell, known));
            } else if let Some(slot) = unit_cost_slot(&classes) {
                unit_costs.entry(area.to_string()).or_default()[slot] = Some((cell, at.clone()));
            }
        }
    }
    for (area, [numerator, denominator, value]) in unit_costs {
        let Some((value, at)) = value else {
            continue;
        };
        let number = |c: &Option<(Cell, Location)>| match c {
            Some((Cell::Number { value, .. }, _)) => Some(*value),
            _ => None,
        };
        out.push(Parsed::new(
            at,
            area,
            "FIN_UC_RN".into(),
            period,
            value,
            number(&numerator).map(|n| n * Decimal::ONE_THOUSAND),
            number(&denominator),
            None,
            Some("ASC-FR unit cost: £ per person per week".into()),
        ));
    }
    out.sort_by(|a, b| {
        (
            a.observation.measure_code.as_str(),
            a.observation.area_code.as_str(),
        )
            .cmp(&(
                b.observation.measure_code.as_str(),
                b.observation.area_code.as_str(),
            ))
    });
    out
}

/// A council's unit-cost cells: numerator, denominator and unit cost, each where it was read.
type UnitCostCells = [Option<(Cell, Location)>; 3];

/// Which of numerator, denominator and unit cost a unit-cost row is.
fn unit_cost_slot(classes: &Classes<'_>) -> Option<usize> {
    let category = UNIT_COST.iter().find_map(|n| classes.get(*n))?;
    match category.trim().to_ascii_lowercase().as_str() {
        "numerator" => Some(0),
        "denominator" => Some(1),
        "unit costs" | "unit cost" => Some(2),
        _ => None,
    }
}

/// Gross current expenditure (£ thousands) per adult of the council.
fn per_adult(at: Location, area: &str, period: Period, cell: Cell, known: &Known) -> Parsed {
    let population = known.adults.get(area);
    let adults = population.map(|(n, _)| *n);
    let (value, numerator, note) = match (&cell, population) {
        (Cell::Number { value, flags, .. }, Some((adults, estimate))) if *adults > 0 => {
            let pounds = *value * Decimal::ONE_THOUSAND;
            let per = (pounds / Decimal::from(*adults)).round_dp(2);
            (
                Cell::Number {
                    value: per,
                    decimals: 2,
                    flags: *flags,
                },
                Some(pounds),
                Some(format!(
                    "over the reference's adults (ONS {estimate} population estimate)"
                )),
            )
        }
        (Cell::Number { .. }, _) => (
            Cell::Missing(cells::Missing::NotAvailable),
            None,
            Some("no adult population in the reference".to_string()),
        ),
        (missing, _) => (*missing, None, None),
    };
    Parsed::new(
        at,
        area.to_string(),
        "RW01".into(),
        period,
        value,
        numerator,
        adults.map(Decimal::from),
        None,
        note,
    )
}
