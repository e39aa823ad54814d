//! Plausible, deterministic synthetic values for the illustrative data set. Each council has a
//! stable position in each measure's spread, a little noise per period and a gentle trend;
//! proportions and rates come with numerators and denominators, survey measures with margins of
//! error. The region's values are aggregated from its councils as NHS Digital does (Σx/Σn).

use rust_decimal::prelude::*;

use super::catalogue::{RateBase, SeedArea, SeedAuthority, SeedCatalogue, SeedMeasure};
use crate::domain::{ENGLAND, NewObservation, Period, Unit, ValueStatus};

/// Financial years with annual data, and those whose quarters have quarterly data.
pub const YEARS: [i32; 3] = [2021, 2022, 2023];
pub const QUARTER_YEARS: [i32; 2] = [2022, 2023];

/// The periods a measure is generated for, oldest first.
pub fn periods_for(measure: &SeedMeasure) -> Vec<Period> {
    if measure.is_quarterly() {
        QUARTER_YEARS
            .iter()
            .flat_map(|&y| (1..=4).filter_map(move |q| Period::quarter(y, q)))
            .collect()
    } else {
        YEARS.iter().map(|&y| Period::year(y)).collect()
    }
}

fn active(authority: &SeedAuthority, period: Period) -> bool {
    authority
        .valid_from
        .is_none_or(|from| from <= period.ends_on())
        && authority.valid_to.is_none_or(|to| to >= period.starts_on())
}

/// Every observation of the data set: councils, the region (aggregated) and England.
pub fn observations(catalogue: &SeedCatalogue, region: &SeedArea) -> Vec<NewObservation> {
    let mut rows = Vec::new();
    for measure in &catalogue.measures {
        let Some(params) = measure.generator() else {
            continue;
        };
        let periods = periods_for(measure);
        let latest = periods.last().copied();
        for (t, &period) in periods.iter().enumerate() {
            let status = if measure.is_quarterly() && Some(period) == latest {
                ValueStatus::Provisional
            } else {
                ValueStatus::Final
            };
            let councils: Vec<NewObservation> = catalogue
                .authorities
                .iter()
                .filter(|a| active(a, period))
                .map(|a| {
                    let population = Population::of_authority(a);
                    let level = council_level(measure, params, &a.ons_code, t, periods.len());
                    observation(
                        measure,
                        params,
                        &a.ons_code,
                        period,
                        level,
                        population,
                        status,
                    )
                })
                .collect();
            rows.push(region_row(measure, region, period, &councils, status));
            if let Some(england) = catalogue.areas.iter().find(|a| a.code == ENGLAND) {
                let level = params.0 + params.2 * t as f64;
                rows.push(observation(
                    measure,
                    params,
                    ENGLAND,
                    period,
                    level,
                    Population::of_area(england),
                    status,
                ));
            }
            rows.extend(councils);
        }
    }
    rows
}

#[derive(Debug, Clone, Copy)]
struct Population {
    adults: f64,
    aged_65_plus: f64,
}

impl Population {
    fn of_authority(a: &SeedAuthority) -> Population {
        Population {
            adults: f64::from(a.population_18_plus),
            aged_65_plus: f64::from(a.population_65_plus),
        }
    }

    fn of_area(a: &SeedArea) -> Population {
        Population {
            adults: a.population_18_plus as f64,
            aged_65_plus: a.population_65_plus as f64,
        }
    }

    fn base(self, base: RateBase) -> f64 {
        match base {
            RateBase::Adults => self.adults,
            RateBase::Adults18To64 => self.adults - self.aged_65_plus,
            RateBase::Adults65Plus => self.aged_65_plus,
        }
    }
}

/// The council's underlying level: a stable offset, period noise and a gentle trend.
fn council_level(
    measure: &SeedMeasure,
    params: (f64, f64, f64),
    ons_code: &str,
    t: usize,
    periods: usize,
) -> f64 {
    let (mean, spread, trend) = params;
    let offset = normal(&[&measure.code, ons_code]);
    let noise = normal(&[&measure.code, ons_code, &t.to_string()]);
    let own_trend = normal(&[&measure.code, ons_code, "trend"]);
    mean + spread * (0.9 * offset + 0.25 * noise)
        + trend * t as f64
        + 0.2 * spread * own_trend * t as f64 / periods as f64
}

fn observation(
    measure: &SeedMeasure,
    params: (f64, f64, f64),
    area: &str,
    period: Period,
    level: f64,
    population: Population,
    status: ValueStatus,
) -> NewObservation {
    let decimals = measure.decimals;
    let (value, numerator, denominator) =
        match (measure.unit, measure.rate_base, measure.rate_multiplier) {
            (Unit::Percent, _, _) => {
                let p = level.clamp(0.5, 99.5) / 100.0;
                let cohort = 0.0015 + 0.006 * uniform(&[&measure.code, "cohort"]);
                let n = (population.adults * cohort).round().max(40.0);
                let x = (p * n).round();
                let value = dec(x) / dec(n) * Decimal::ONE_HUNDRED;
                (value, Some(dec(x)), Some(dec(n)))
            }
            (Unit::Rate, Some(base), Some(multiplier)) => {
                let pop = population.base(base).round();
                let count = (level.max(0.0) * pop / f64::from(multiplier)).round();
                let value = dec(count) / dec(pop) * Decimal::from(multiplier);
                (value, Some(dec(count)), Some(dec(pop)))
            }
            (Unit::Count, _, _) => (dec(level.max(0.0).round()), None, None),
            _ => (dec(level.max(0.0)), None, None),
        };
    let margin_of_error = (measure.survey && measure.unit != Unit::Percent)
        .then(|| round(dec(params.1 * 0.4), decimals + 1))
        .or_else(|| {
            (measure.survey && measure.unit == Unit::Percent)
                .then(|| round(dec(params.1 * 0.9), decimals))
        });
    NewObservation {
        area_code: area.to_string(),
        measure_code: measure.code.clone(),
        period,
        disaggregation: "Total".into(),
        value: Some(round(value, decimals)),
        numerator,
        denominator,
        margin_of_error,
        base: None,
        status,
        note: None,
    }
}

/// The region's value: Σx/Σn over its councils where counts exist, else their median.
fn region_row(
    measure: &SeedMeasure,
    region: &SeedArea,
    period: Period,
    councils: &[NewObservation],
    status: ValueStatus,
) -> NewObservation {
    let sum = |f: fn(&NewObservation) -> Option<Decimal>| -> Option<Decimal> {
        councils.iter().map(f).sum()
    };
    let (numerator, denominator) = (sum(|o| o.numerator), sum(|o| o.denominator));
    let value = match (numerator, denominator, measure.unit) {
        (Some(x), Some(n), Unit::Percent) if !n.is_zero() => Some(x / n * Decimal::ONE_HUNDRED),
        (Some(x), Some(n), Unit::Rate) if !n.is_zero() => {
            Some(x / n * Decimal::from(measure.rate_multiplier.unwrap_or(1)))
        }
        _ => median(councils.iter().filter_map(|o| o.value).collect()),
    };
    NewObservation {
        area_code: region.code.clone(),
        measure_code: measure.code.clone(),
        period,
        disaggregation: "Total".into(),
        value: value.map(|v| round(v, measure.decimals)),
        numerator,
        denominator,
        margin_of_error: None,
        base: None,
        status,
        note: None,
    }
}

fn median(mut values: Vec<Decimal>) -> Option<Decimal> {
    values.sort();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / Decimal::TWO),
    }
}

fn dec(x: f64) -> Decimal {
    Decimal::from_f64(x).unwrap_or_default()
}

fn round(x: Decimal, decimals: u32) -> Decimal {
    x.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// A uniform number in [0, 1) determined by the key (FNV-1a, then SplitMix64 to mix).
fn uniform(key: &[&str]) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in key {
        for b in part.bytes().chain([0x1f]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// A standard normal number determined by the key (Box–Muller).
fn normal(key: &[&str]) -> f64 {
    let u1 = uniform(&[key, &["u1"]].concat()).max(1e-12);
    let u2 = uniform(&[key, &["u2"]].concat());
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OnsCode;
    use std::collections::BTreeMap;

    fn is_council(r: &NewObservation) -> bool {
        r.area_code.parse::<OnsCode>().is_ok()
    }

    fn councils_per_period(rows: &[NewObservation], measure: &str) -> BTreeMap<Period, usize> {
        let mut counts = BTreeMap::new();
        for r in rows
            .iter()
            .filter(|r| r.measure_code == measure && is_council(r))
        {
            *counts.entry(r.period).or_insert(0) += 1;
        }
        counts
    }

    fn rows() -> (SeedCatalogue, Vec<NewObservation>) {
        let c = SeedCatalogue::load().unwrap();
        let region = c
            .areas
            .iter()
            .find(|a| a.level == "region")
            .unwrap()
            .clone();
        let rows = observations(&c, &region);
        (c, rows)
    }

    #[test]
    fn deterministic_and_complete() {
        let (c, a) = rows();
        let (_, b) = rows();
        assert_eq!(a, b);
        let counts = councils_per_period(&a, "1C2A");
        assert_eq!(counts[&Period::year(2022)], 23);
        assert_eq!(
            counts[&Period::year(2023)],
            24,
            "Cumbria's successors from 2023-24"
        );
        assert_eq!(counts.len(), 3);
        assert_eq!(councils_per_period(&a, "AS04").len(), 8, "8 quarters");
        let generated = c.measures.iter().filter(|m| m.generator().is_some());
        let real_only: Vec<&str> = c
            .measures
            .iter()
            .filter(|m| m.generator().is_none())
            .map(|m| m.code.as_str())
            .collect();
        assert!(
            real_only.iter().all(|code| {
                ["2C1", "2C2", "OFLOG_ASC6", "CC04", "CC05", "CC06"].contains(code)
                    || code.starts_with("CQC_")
                    || code.starts_with("FIN_")
            }),
            "all but 2C(1), 2C(2) and the measures only real files fill: {real_only:?}"
        );
        assert_eq!(real_only.len(), 4 + 11 + 10 + 3);
        for m in generated {
            assert!(a.iter().any(|r| r.measure_code == m.code), "{}", m.code);
        }
    }

    #[test]
    fn values_agree_with_their_counts_and_stay_in_range() {
        let (c, rows) = rows();
        for r in &rows {
            let m = c
                .measures
                .iter()
                .find(|m| m.code == r.measure_code)
                .unwrap();
            let v = r.value.unwrap();
            if m.unit == Unit::Percent {
                assert!(v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED, "{r:?}");
                let (x, n) = (r.numerator.unwrap(), r.denominator.unwrap());
                assert!(x <= n);
                assert_eq!(round(x / n * Decimal::ONE_HUNDRED, m.decimals), v);
            }
            assert!(v >= Decimal::ZERO);
        }
    }

    #[test]
    fn region_is_the_sum_of_its_councils() {
        let (_, rows) = rows();
        let in_scope =
            |r: &&NewObservation| r.measure_code == "2A2" && r.period == Period::year(2022);
        let region = rows
            .iter()
            .filter(in_scope)
            .find(|r| r.area_code == "E12000002")
            .unwrap();
        let councils: Decimal = rows
            .iter()
            .filter(in_scope)
            .filter(|r| is_council(r))
            .filter_map(|r| r.numerator)
            .sum();
        assert_eq!(region.numerator, Some(councils));
    }
}
