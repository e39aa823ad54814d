//! The illustrative data set's reference files in `seed-data/`, embedded in the binary so that
//! `scorecard seed` works from any directory.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::domain::{Polarity, Unit};

pub const AUTHORITIES_CSV: &str = include_str!("../../seed-data/authorities.csv");
pub const AREAS_CSV: &str = include_str!("../../seed-data/areas.csv");
pub const MEASURES_CSV: &str = include_str!("../../seed-data/measures.csv");
pub const COMMENTARY_CSV: &str = include_str!("../../seed-data/commentary.csv");

#[derive(Debug, Clone, Deserialize)]
pub struct SeedAuthority {
    pub ons_code: String,
    pub cassr_code: Option<String>,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub sub_region: String,
    pub population_all: i32,
    pub population_18_plus: i32,
    pub population_65_plus: i32,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeedArea {
    pub code: String,
    pub name: String,
    pub level: String,
    pub population_18_plus: i64,
    pub population_65_plus: i64,
}

/// Which population a rate is expressed per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum RateBase {
    #[serde(rename = "18_plus")]
    Adults,
    #[serde(rename = "18_to_64")]
    Adults18To64,
    #[serde(rename = "65_plus")]
    Adults65Plus,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeedMeasure {
    pub code: String,
    pub display_code: String,
    pub ascof_2023: Option<String>,
    pub title: String,
    pub unit: Unit,
    pub unit_label: String,
    pub rate_multiplier: Option<i32>,
    pub rate_base: Option<RateBase>,
    pub polarity: Polarity,
    pub decimals: u32,
    pub domain: String,
    pub teasc_section: Option<String>,
    pub tier: String,
    pub measure_type: String,
    pub frequency: String,
    pub strategic_weight: i16,
    pub target: Option<Decimal>,
    pub amber_tolerance: Option<Decimal>,
    pub tolerance_kind: Option<String>,
    #[serde(deserialize_with = "yes_no")]
    pub survey: bool,
    /// Illustrative level, spread across councils and trend per period; no values are
    /// generated for a measure without them.
    pub seed_mean: Option<f64>,
    pub seed_spread: Option<f64>,
    pub seed_trend: Option<f64>,
    pub source: String,
    pub definition: String,
    /// Tags, separated by `;` (`staff`: a workforce measure).
    #[serde(default)]
    pub tags: String,
    /// The measure's break in series (`2014-15: why`), if it has one.
    #[serde(default)]
    pub series_break: Option<String>,
    /// Why an ASCOF measure counts as other than an outcome in the balanced scorecard.
    #[serde(default)]
    pub type_reason: Option<String>,
    /// The title in plain words, where the official one is jargon.
    #[serde(default)]
    pub plain_title: Option<String>,
}

impl SeedMeasure {
    pub fn tags(&self) -> Vec<&str> {
        self.tags
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect()
    }
}

impl SeedMeasure {
    pub fn is_quarterly(&self) -> bool {
        self.frequency == "quarterly"
    }

    /// The generator's parameters: level, spread and trend.
    pub fn generator(&self) -> Option<(f64, f64, f64)> {
        Some((
            self.seed_mean?,
            self.seed_spread?,
            self.seed_trend.unwrap_or(0.0),
        ))
    }
}

fn yes_no<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(String::deserialize(d)? == "Y")
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| anyhow::anyhow!("seed-data/{name} row {}: {e}", i + 2)))
        .collect()
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeedCommentary {
    pub ons_code: String,
    pub domain: String,
    pub period: String,
    pub body: String,
}

/// The whole illustrative catalogue.
#[derive(Debug, Clone)]
pub struct SeedCatalogue {
    pub authorities: Vec<SeedAuthority>,
    pub areas: Vec<SeedArea>,
    pub measures: Vec<SeedMeasure>,
    pub commentary: Vec<SeedCommentary>,
}

impl SeedCatalogue {
    pub fn load() -> anyhow::Result<SeedCatalogue> {
        Ok(SeedCatalogue {
            authorities: parse("authorities.csv", AUTHORITIES_CSV)?,
            areas: parse("areas.csv", AREAS_CSV)?,
            measures: parse("measures.csv", MEASURES_CSV)?,
            commentary: parse("commentary.csv", COMMENTARY_CSV)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_covers_the_region_domains_and_teasc_sections() {
        let c = SeedCatalogue::load().unwrap();
        let nw_2022 = c
            .authorities
            .iter()
            .filter(|a| a.valid_to.is_some() || a.valid_from.is_none())
            .count();
        assert_eq!(nw_2022, 23, "23 North West councils before Cumbria's split");
        assert_eq!(c.authorities.len(), 25);
        let teasc = c
            .measures
            .iter()
            .filter(|m| m.teasc_section.is_some())
            .count();
        assert_eq!(teasc, 80, "the TEASC overview has 80 items");
        let domains: std::collections::BTreeSet<_> =
            c.measures.iter().map(|m| m.domain.as_str()).collect();
        assert_eq!(domains.len(), 6);
        for m in &c.measures {
            assert_eq!(
                m.unit == Unit::Rate,
                m.rate_multiplier.is_some() && m.rate_base.is_some(),
                "{}",
                m.code
            );
        }
    }
}
