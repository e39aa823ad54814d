//! Which published rows of the finance return make which measure (pure). A layout (councils as
//! columns, or one value a row) hands each row's classification here, by the names of its
//! classification columns; the rows a measure needs are summed per council (a block the file
//! repeats is counted once), and the measures are derived from the sums with their numerator and
//! denominator as published.
//!
//! ASC-FR (the Care Act classifications, from 2014-15):
//! - `RW01` gross current expenditure on adult social care per adult (18+), and `FIN_NET_ADULT`
//!   the net current expenditure per adult: the "Adult Social Care" total over the council's
//!   adults in the shipped England reference (ONS mid-year estimate);
//! - `FIN_SPEND_65` gross current expenditure on long- and short-term support for people aged
//!   65 and over, per person aged 65 and over;
//! - `FIN_DP_SHARE` long-term direct payments (both age bands) as a share of the total;
//! - `FIN_PREV_SHARE` prevention as a share of the total: short-term support to maximise
//!   independence, information and early intervention, and assistive equipment and technology;
//! - `FIN_UC_RN` the published unit cost of long-term residential and nursing care for adults,
//!   £ per person per week, and `FIN_UC_RN_1864`, `FIN_UC_RN_65` the same by age band, from the
//!   sums of the published numerators (£ thousands) and denominators (weeks) over the primary
//!   support reasons;
//! - `FIN_HC_HOUR` the published hourly rate of externally provided home care.
//!
//! The 2015-16 "bridging year" table restates spend in the earlier PSS-EX1 service groups, which
//! are not comparable with ASC-FR's: it makes measures of their own (`FIN_PSS_GROSS_ADULT`,
//! `FIN_PSS_GROSS_65`, `FIN_PSS_DP_SHARE`), never joined to the ASC-FR series.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::Decimal;

use crate::domain::Period;
use crate::domain::known::Known;
use crate::ingest::Parsed;
use crate::ingest::cells::{Cell, Missing};
use crate::ingest::report::Location;

/// A row's classification: column name → value, both lower case with spacing normalised.
pub(super) type Classes = BTreeMap<String, String>;

/// Lower case, `_` as a space, runs of spaces as one.
pub(super) fn normalise(text: &str) -> String {
    text.replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

const SUPPORT: &[&str] = &["support type", "care type"];
const AGE: &[&str] = &["age category", "age band", "age bands"];
const REASON: &[&str] = &["summary", "primary support reason"];
const MECHANISM: &[&str] = &[
    "delivery mechanism",
    "service delivery mechanism",
    "long term support setting",
];
const ACCOUNTING: &[&str] = &["accounting category"];
const UNIT_COST: &[&str] = &["unit cost category"];
const PROVISION: &[&str] = &["unit cost provision", "provision"];
const SOURCE: &[&str] = &["data source"];
const FINANCE_TYPE: &[&str] = &["finance type"];
const GROUP: &[&str] = &["comparative totals"];

/// The classification columns a finance table is recognised by.
pub(super) const CLASSIFICATIONS: &[&[&str]] = &[ACCOUNTING, UNIT_COST, SOURCE, GROUP, SUPPORT];

const ADULTS: &str = "age 18 and over";
const YOUNGER: &str = "age 18 to 64";
const OLDER: &str = "age 65 and over";

/// The PSS-EX1 service groups of the bridging year's gross expenditure (its "other non personal
/// social services expenditure" is outside social care, and income rows are not spend).
const BRIDGING_GROUPS: &[&str] = &[
    "assessment and care management",
    "residential and nursing care",
    "home care services",
    "community-based services",
    "direct payments",
    "other expenditure",
];

/// Whether the row's column (by any of its names) holds one of `texts`.
fn is(classes: &Classes, names: &[&str], texts: &[&str]) -> bool {
    names
        .iter()
        .find_map(|n| classes.get(*n))
        .is_some_and(|v| texts.contains(&v.as_str()))
}

/// An age band of the unit-cost rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Band {
    Adults,
    Younger,
    Older,
}

/// Numerator, denominator or the published unit cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Slot {
    Numerator,
    Denominator,
    Published,
}

/// A sum the measures are derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Part {
    Gross,
    Net,
    Older,
    DirectPayments,
    Prevention,
    ResidentialNursing(Band, Slot),
    HomeCareHour,
    BridgingGross,
    BridgingOlder,
    BridgingDirect,
}

/// The sums a row counts towards (none for most rows).
pub(super) fn parts(c: &Classes) -> Vec<Part> {
    let mut parts = Vec::new();
    if is(c, SOURCE, &["bridging year"]) {
        if is(c, FINANCE_TYPE, &["expenditure"]) && is(c, GROUP, BRIDGING_GROUPS) {
            parts.push(Part::BridgingGross);
            if is(c, AGE, &[OLDER]) {
                parts.push(Part::BridgingOlder);
            }
            if is(c, GROUP, &["direct payments"]) {
                parts.push(Part::BridgingDirect);
            }
        }
        return parts;
    }
    let gross = is(c, ACCOUNTING, &["gross current expenditure"]);
    let total = is(c, MECHANISM, &["total"]);
    if is(c, SUPPORT, &["non salt totals"]) && total {
        if is(c, REASON, &["adult social care"]) {
            if gross {
                parts.push(Part::Gross);
            }
            if is(c, ACCOUNTING, &["net current expenditure"]) {
                parts.push(Part::Net);
            }
        }
        let prevention = [
            "information and early intervention",
            "assistive equipment and technology",
        ];
        if gross && is(c, REASON, &prevention) {
            parts.push(Part::Prevention);
        }
    }
    if gross && is(c, REASON, &["total"]) && is(c, AGE, &[YOUNGER, OLDER]) {
        let long = is(c, SUPPORT, &["long term"]);
        let short = is(c, SUPPORT, &["short term"]);
        if (long || short) && total && is(c, AGE, &[OLDER]) {
            parts.push(Part::Older);
        }
        if short && total {
            parts.push(Part::Prevention);
        }
        if long && is(c, MECHANISM, &["community: direct payments"]) {
            parts.push(Part::DirectPayments);
        }
    }
    parts.extend(residential_nursing(c));
    if is(c, AGE, &[ADULTS])
        && is(c, MECHANISM, &["external home care provision"])
        && is(c, PROVISION, &["hourly rate"])
    {
        parts.push(Part::HomeCareHour);
    }
    parts
}

/// A unit-cost row of long-term residential and nursing care, all provision: the adults' total
/// (published), or one primary support reason's numerator or denominator in an age band.
fn residential_nursing(c: &Classes) -> Option<Part> {
    let selected = is(c, SUPPORT, &["long term"])
        && is(c, MECHANISM, &["residential and nursing care"])
        && is(c, PROVISION, &["all"]);
    if !selected {
        return None;
    }
    let slot = match UNIT_COST.iter().find_map(|n| c.get(*n))?.as_str() {
        "numerator" => Slot::Numerator,
        "denominator" => Slot::Denominator,
        "unit costs" | "unit cost" => Slot::Published,
        _ => return None,
    };
    let summary = is(c, REASON, &["", "total"]);
    let band = if is(c, AGE, &[ADULTS]) && summary {
        Band::Adults
    } else if summary || slot == Slot::Published {
        return None;
    } else if is(c, AGE, &[YOUNGER]) {
        Band::Younger
    } else if is(c, AGE, &[OLDER]) {
        Band::Older
    } else {
        return None;
    };
    Some(Part::ResidentialNursing(band, slot))
}

/// One sum for one council: the total, where its first row was read, and the first missing
/// cell among its rows (a sum with a missing part is missing).
#[derive(Debug, Clone)]
struct Sum {
    total: Decimal,
    decimals: u32,
    at: Location,
    missing: Option<Missing>,
}

impl Sum {
    /// The sum as a published value: missing if any of its rows was.
    fn cell(&self) -> Cell {
        match self.missing {
            Some(why) => Cell::Missing(why),
            None => Cell::Number {
                value: self.total,
                decimals: self.decimals,
                flags: Default::default(),
            },
        }
    }
}

/// The sums of a file, per council.
#[derive(Debug, Default)]
pub(super) struct Sums {
    sums: HashMap<(String, Part), Sum>,
    /// Rows already counted, so that a block the file repeats is counted once.
    seen: HashSet<(String, Part, String)>,
}

impl Sums {
    /// Counts a council's cell of a row towards each of `parts`.
    pub(super) fn add(
        &mut self,
        area: &str,
        parts: &[Part],
        classes: &Classes,
        cell: Cell,
        at: &Location,
    ) {
        let key = classes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("|");
        for part in parts {
            if !self.seen.insert((area.to_string(), *part, key.clone())) {
                continue;
            }
            let sum = self
                .sums
                .entry((area.to_string(), *part))
                .or_insert_with(|| Sum {
                    total: Decimal::ZERO,
                    decimals: 0,
                    at: at.clone(),
                    missing: None,
                });
            match cell {
                Cell::Number {
                    value, decimals, ..
                } => {
                    sum.total += value;
                    sum.decimals = sum.decimals.max(decimals);
                }
                Cell::Missing(why) => {
                    sum.missing.get_or_insert(why);
                }
            }
        }
    }

    fn get(&self, area: &str, part: Part) -> Option<&Sum> {
        self.sums.get(&(area.to_string(), part))
    }

    /// The measures the sums make, by measure and council.
    pub(super) fn measures(&self, period: Period, known: &Known) -> Vec<Parsed> {
        let areas: std::collections::BTreeSet<&str> =
            self.sums.keys().map(|(a, _)| a.as_str()).collect();
        let mut out = Vec::new();
        for area in areas {
            let derive = Derive {
                sums: self,
                area,
                period,
                known,
            };
            out.extend(derive.all());
        }
        out.sort_by(|a, b| {
            let key = |p: &Parsed| {
                (
                    p.observation.measure_code.clone(),
                    p.observation.area_code.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        out
    }
}

/// Whose population a per-person measure divides by.
#[derive(Clone, Copy)]
enum People {
    Adults,
    Older,
}

/// One council's measures from the sums.
struct Derive<'a> {
    sums: &'a Sums,
    area: &'a str,
    period: Period,
    known: &'a Known,
}

impl Derive<'_> {
    fn all(&self) -> Vec<Parsed> {
        use Band::{Adults, Older, Younger};
        use Slot::{Denominator, Numerator, Published};
        let rn = Part::ResidentialNursing;
        [
            self.per_person("RW01", Part::Gross, People::Adults),
            self.per_person("FIN_NET_ADULT", Part::Net, People::Adults),
            self.per_person("FIN_SPEND_65", Part::Older, People::Older),
            self.share("FIN_DP_SHARE", Part::DirectPayments, Part::Gross),
            self.share("FIN_PREV_SHARE", Part::Prevention, Part::Gross),
            self.unit_cost(
                "FIN_UC_RN",
                rn(Adults, Numerator),
                rn(Adults, Denominator),
                Some(rn(Adults, Published)),
            ),
            self.unit_cost(
                "FIN_UC_RN_1864",
                rn(Younger, Numerator),
                rn(Younger, Denominator),
                None,
            ),
            self.unit_cost(
                "FIN_UC_RN_65",
                rn(Older, Numerator),
                rn(Older, Denominator),
                None,
            ),
            self.published("FIN_HC_HOUR", Part::HomeCareHour, "ASC-FR: £ per hour"),
            self.per_person("FIN_PSS_GROSS_ADULT", Part::BridgingGross, People::Adults),
            self.per_person("FIN_PSS_GROSS_65", Part::BridgingOlder, People::Older),
            self.share(
                "FIN_PSS_DP_SHARE",
                Part::BridgingDirect,
                Part::BridgingGross,
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn sum(&self, part: Part) -> Option<&Sum> {
        self.sums.get(self.area, part)
    }

    fn parsed(
        &self,
        code: &str,
        at: &Location,
        value: Cell,
        fraction: (Option<Decimal>, Option<Decimal>),
        note: Option<String>,
    ) -> Parsed {
        Parsed::new(
            at.clone(),
            self.area.to_string(),
            code.into(),
            self.period,
            value,
            fraction.0,
            fraction.1,
            None,
            note,
        )
    }

    /// A sum in £ thousands over the council's people in the reference, £ per person.
    fn per_person(&self, code: &str, part: Part, people: People) -> Option<Parsed> {
        let sum = self.sum(part)?;
        let population = self.known.populations.get(self.area);
        let count = population.and_then(|p| match people {
            People::Adults => p.adults,
            People::Older => p.older,
        });
        let (value, numerator, note) = match (sum.missing, count) {
            (Some(why), _) => (Cell::Missing(why), None, None),
            (None, Some(n)) if n > 0 => {
                let pounds = sum.total * Decimal::ONE_THOUSAND;
                let estimate = population.map_or("", |p| p.estimate.as_str());
                (
                    number((pounds / Decimal::from(n)).round_dp(2)),
                    Some(pounds),
                    Some(format!(
                        "over the reference's {} (ONS {estimate} population estimate)",
                        match people {
                            People::Adults => "adults",
                            People::Older => "people aged 65 and over",
                        }
                    )),
                )
            }
            (None, _) => (
                Cell::Missing(Missing::NotAvailable),
                None,
                Some("no population in the reference".to_string()),
            ),
        };
        Some(self.parsed(
            code,
            &sum.at,
            value,
            (numerator, count.map(Decimal::from)),
            note,
        ))
    }

    /// One sum as a percentage of another, both in £ thousands.
    fn share(&self, code: &str, part: Part, whole: Part) -> Option<Parsed> {
        let (p, w) = (self.sum(part)?, self.sum(whole)?);
        let value = match (p.missing.or(w.missing), w.total.is_zero()) {
            (Some(why), _) => Cell::Missing(why),
            (None, true) => Cell::Missing(Missing::NotAvailable),
            (None, false) => number((p.total * Decimal::ONE_HUNDRED / w.total).round_dp(2)),
        };
        let pounds = |s: &Sum| s.missing.is_none().then(|| s.total * Decimal::ONE_THOUSAND);
        Some(self.parsed(code, &p.at, value, (pounds(p), pounds(w)), None))
    }

    /// £ per person per week: the published unit cost where there is one, else the numerator
    /// (£ thousands) over the denominator (weeks).
    fn unit_cost(
        &self,
        code: &str,
        numerator: Part,
        denominator: Part,
        published: Option<Part>,
    ) -> Option<Parsed> {
        let (n, d) = (self.sum(numerator), self.sum(denominator));
        let pounds = n
            .filter(|s| s.missing.is_none())
            .map(|s| s.total * Decimal::ONE_THOUSAND);
        let weeks = d.filter(|s| s.missing.is_none()).map(|s| s.total);
        if let Some(p) = published.and_then(|p| self.sum(p)) {
            let note = Some("ASC-FR unit cost: £ per person per week".to_string());
            return Some(self.parsed(code, &p.at, p.cell(), (pounds, weeks), note));
        }
        let at = &n.or(d)?.at;
        let value = match (pounds, weeks) {
            (Some(p), Some(w)) if !w.is_zero() => number((p / w).round_dp(2)),
            _ => Cell::Missing(
                n.and_then(|s| s.missing)
                    .or(d.and_then(|s| s.missing))
                    .unwrap_or(Missing::NotAvailable),
            ),
        };
        let note = Some(
            "£ per person per week: the primary support reasons' numerators over their denominators"
                .to_string(),
        );
        Some(self.parsed(code, at, value, (pounds, weeks), note))
    }

    /// A value the return publishes as it is.
    fn published(&self, code: &str, part: Part, note: &str) -> Option<Parsed> {
        let s = self.sum(part)?;
        Some(self.parsed(code, &s.at, s.cell(), (None, None), Some(note.into())))
    }
}

fn number(value: Decimal) -> Cell {
    Cell::Number {
        value,
        decimals: 2,
        flags: Default::default(),
    }
}
