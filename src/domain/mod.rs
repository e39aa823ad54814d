//! The domain's vocabulary as types: councils, measures, periods and values.

pub mod access;
mod codes;
pub(crate) mod column;
pub mod date_input;
pub mod facts;
pub mod glossary;
pub mod known;
mod period;
pub mod records;
pub mod reference;
pub mod round;
pub mod search;
pub mod todo;

pub use codes::{MeasureCode, MeasureCodeError, OnsCode, OnsCodeError};
pub use period::{Period, PeriodError};

use rust_decimal::Decimal;

use column::{serde_text, text_column};

serde_text!(Polarity, Unit, ValueStatus, Provenance);
text_column!(
    Polarity,
    Unit,
    ValueStatus,
    Provenance,
    Period,
    OnsCode,
    MeasureCode,
    access::Role,
);

/// England's ONS code: the national benchmark area and comparator group.
pub const ENGLAND: &str = "E92000001";

/// Whether a higher value of a measure is better, worse, or neither.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    HigherIsBetter,
    LowerIsBetter,
    NoJudgement,
}

impl Polarity {
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "higher_is_better",
            Polarity::LowerIsBetter => "lower_is_better",
            Polarity::NoJudgement => "no_judgement",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "Higher is better",
            Polarity::LowerIsBetter => "Lower is better",
            Polarity::NoJudgement => "No judgement (neither higher nor lower is better)",
        }
    }
}

/// How a measure's values are expressed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Percent,
    Rate,
    Score,
    Currency,
    Count,
    Days,
    Ratio,
    /// Not yet set by an analyst (an uncatalogued measure from an official file).
    Unknown,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Rate => "rate",
            Unit::Score => "score",
            Unit::Currency => "currency",
            Unit::Count => "count",
            Unit::Days => "days",
            Unit::Ratio => "ratio",
            Unit::Unknown => "unknown",
        }
    }
}

/// A value formatted to the measure's decimals, with its unit where that reads naturally
/// (`28.1%`, `£612.40`, `19.1`), rounding halves away from zero as NHS Digital does.
pub fn format_value(value: Decimal, unit: Unit, decimals: u32) -> String {
    let rounded = value.round_dp_with_strategy(
        decimals,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    let plain = format!("{rounded:.prec$}", prec = decimals as usize);
    let grouped = group_thousands(&plain);
    match unit {
        Unit::Percent => format!("{grouped}%"),
        Unit::Currency => format!("£{grouped}"),
        _ => grouped,
    }
}

fn group_thousands(number: &str) -> String {
    let (sign, digits) = number.strip_prefix('-').map_or(("", number), |d| ("-", d));
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(number.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn formats_with_units_and_rounds_half_away_from_zero() {
        assert_eq!(format_value(d("28.05"), Unit::Percent, 1), "28.1%");
        assert_eq!(format_value(d("-28.05"), Unit::Score, 1), "-28.1");
        assert_eq!(format_value(d("612.4"), Unit::Currency, 2), "£612.40");
        assert_eq!(format_value(d("1234567.5"), Unit::Rate, 0), "1,234,568");
        assert_eq!(format_value(d("999.95"), Unit::Rate, 1), "1,000.0");
    }
}

/// A council, as the scorecard shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Authority {
    pub ons_code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub sub_region: Option<String>,
    pub population_all: Option<i32>,
    pub population_18_plus: Option<i32>,
    pub population_65_plus: Option<i32>,
}

impl Authority {
    /// The adult population with thousands separated, as the tables show numbers.
    pub fn adults_text(&self) -> String {
        self.population_18_plus
            .map(|p| format_value(Decimal::from(p), Unit::Count, 0))
            .unwrap_or_default()
    }

    pub fn kind_label(&self) -> &'static str {
        match self.kind.as_str() {
            "county" => "County council",
            "unitary" => "Unitary authority",
            "metropolitan_district" => "Metropolitan district",
            "london_borough" => "London borough",
            _ => "Council",
        }
    }
}

/// A measure of the catalogue, with the names of its domain and TEASC section.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Measure {
    pub code: String,
    pub display_code: String,
    pub title: String,
    pub definition: String,
    pub unit: Unit,
    pub unit_label: String,
    pub polarity: Polarity,
    pub decimals: i16,
    pub domain_slug: String,
    pub domain_name: String,
    pub domain_position: i16,
    pub teasc_section_name: Option<String>,
    /// The TEASC section's place in the report (1 to 10).
    pub teasc_position: Option<i16>,
    pub tier: String,
    pub measure_type: String,
    pub source: String,
    pub frequency: String,
    pub strategic_weight: i16,
    /// Catalogue tags (`staff`: a workforce measure).
    pub tags: Vec<String>,
    /// The break in series (`2014-15: why earlier years are not comparable`), if any.
    pub series_break: Option<String>,
    /// Why an ASCOF measure counts as other than an outcome (seed 002's balanced scorecard).
    pub type_reason: Option<String>,
    /// False for a measure an official file brought in that the catalogue did not know, until
    /// an analyst completes it: internal only until then.
    pub catalogued: bool,
    /// The title in plain words ("Permanent admissions of older people to care homes"), where
    /// the official one is jargon.
    pub plain_title: Option<String>,
}

impl Measure {
    /// The measure's type in the balanced scorecard (seed 002 §2), as a reader reads it.
    pub fn type_label(&self) -> &'static str {
        match self.measure_type.as_str() {
            "outcome" => "Outcome (what people who use services experience)",
            "output" => "Output (a measure of process)",
            "people" => "People (staff)",
            "financial" => "Financial (the budget)",
            _ => "Not classified",
        }
    }

    pub fn decimals(&self) -> u32 {
        u32::try_from(self.decimals).unwrap_or(1)
    }

    /// The first period of the current series, when the measure has a break in series: nothing
    /// before it is joined to what follows.
    pub fn series_from(&self) -> Option<Period> {
        series_from(self.series_break.as_deref())
    }

    /// Whether a value of `earlier` is of the same series as one of `later`.
    pub fn comparable(&self, earlier: Period, later: Period) -> bool {
        self.series_from()
            .is_none_or(|from| (earlier >= from) == (later >= from))
    }

    pub fn format(&self, value: Decimal) -> String {
        format_value(value, self.unit, self.decimals())
    }

    /// A computed number (an interval's end, a benchmark) shown like the measure's values.
    pub fn format_f64(&self, value: f64) -> String {
        Decimal::from_f64_retain(value).map_or_else(|| "–".into(), |d| self.format(d))
    }
}

/// A date as the pages write it: "1 April 2025".
pub fn long_date(date: chrono::NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// The first period of a series from its break (`2014-15: why`).
pub fn series_from(series_break: Option<&str>) -> Option<Period> {
    series_break?.split(':').next()?.trim().parse().ok()
}

/// Whether a stored value is final, provisional, or absent (and why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueStatus {
    Final,
    Provisional,
    Suppressed,
    NotAvailable,
    NotApplicable,
    /// Nil, or less than half the last digit shown.
    Low,
    /// Withheld as too unreliable to publish.
    LowReliability,
}

impl ValueStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueStatus::Final => "final",
            ValueStatus::Provisional => "provisional",
            ValueStatus::Suppressed => "suppressed",
            ValueStatus::NotAvailable => "not_available",
            ValueStatus::NotApplicable => "not_applicable",
            ValueStatus::Low => "low",
            ValueStatus::LowReliability => "low_reliability",
        }
    }
}

/// Who the illustrative data set's commentary and targets are recorded as by.
pub const ILLUSTRATIVE_AUTHOR: &str = "illustrative seed data";

/// Where a value came from: the kind of the submission that brought it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Official statistics (NHS Digital / NHS England files).
    Official,
    /// A council's own return on the regional template.
    CouncilReturn,
    /// The project's illustrative (synthetic) data set.
    Illustrative,
    /// Derived from the service's own records: the analyst's regional facts, self-assessments,
    /// returns on time.
    ServiceRecord,
}

impl Provenance {
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Official => "official",
            Provenance::CouncilReturn => "council_return",
            Provenance::Illustrative => "illustrative",
            Provenance::ServiceRecord => "service_record",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Provenance::Official => "Official statistics",
            Provenance::CouncilReturn => "Council return",
            Provenance::Illustrative => "Illustrative (synthetic)",
            Provenance::ServiceRecord => "The service's own records",
        }
    }
}

/// A value on its way into the database, from a file or the seed generator.
#[derive(Debug, Clone, PartialEq)]
pub struct NewObservation {
    pub area_code: String,
    pub measure_code: String,
    pub period: Period,
    pub disaggregation: String,
    pub value: Option<Decimal>,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub margin_of_error: Option<Decimal>,
    /// The respondents behind a survey estimate (the official files' `Base`).
    pub base: Option<Decimal>,
    pub status: ValueStatus,
    pub note: Option<String>,
}
