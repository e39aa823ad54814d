//! The rules a value must pass before it is stored (errors), and the checks that ask a person
//! to look again (warnings).

use std::collections::HashMap;

use crate::analysis::spread;
use rust_decimal::Decimal;
use rust_decimal::prelude::*;

use crate::domain::Unit;

/// Errors in one value, given its measure's unit: range, numerator against denominator, and
/// the value against numerator/denominator allowing for published rounding.
pub fn value_errors(
    unit: Unit,
    rate_multiplier: Option<i32>,
    value: Option<(Decimal, u32)>,
    numerator: Option<Decimal>,
    denominator: Option<Decimal>,
) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    if let Some((v, _)) = value
        && unit == Unit::Percent
        && (v < Decimal::ZERO || v > Decimal::ONE_HUNDRED)
    {
        errors.push((
            "value",
            format!("a percentage must be between 0 and 100, not {v}"),
        ));
    }
    if denominator.is_some_and(|n| n < Decimal::ZERO) {
        errors.push((
            "denominator",
            "the denominator cannot be negative".to_string(),
        ));
    }
    let multiplier = match unit {
        Unit::Percent => Some(Decimal::ONE_HUNDRED),
        Unit::Rate => rate_multiplier.map(Decimal::from),
        _ => None,
    };
    let (Some(multiplier), Some(x), Some(n)) = (multiplier, numerator, denominator) else {
        return errors;
    };
    if x > n {
        errors.push((
            "numerator",
            format!("the numerator {x} is greater than the denominator {n}"),
        ));
        return errors;
    }
    if let Some((v, decimals)) = value
        && n > Decimal::ZERO
        && !consistent(v, decimals, x, n, multiplier)
    {
        let computed = (x / n * multiplier).round_dp(decimals + 2);
        errors.push((
            "value",
            format!("{v} does not match numerator/denominator {x}/{n} = {computed}, even allowing for rounding"),
        ));
    }
    errors
}

/// Whether `v` (shown to `decimals` places) can be `x / n × multiplier` when `x` and `n` may
/// themselves be rounded: to the nearest 5 when both are multiples of 5 (as NHS Digital
/// rounds survey counts), else to the nearest whole number when they are whole.
fn consistent(v: Decimal, decimals: u32, x: Decimal, n: Decimal, multiplier: Decimal) -> bool {
    let whole = |d: Decimal| d.fract().is_zero();
    let five = Decimal::from(5);
    let r = if whole(x) && whole(n) && (x % five).is_zero() && (n % five).is_zero() && !n.is_zero()
    {
        Decimal::new(25, 1)
    } else if whole(x) && whole(n) {
        Decimal::new(5, 1)
    } else {
        Decimal::ZERO
    };
    let half_unit = Decimal::new(5, decimals + 1);
    let low_n = n - r;
    let lowest = (x - r).max(Decimal::ZERO) / (n + r) * multiplier;
    let highest = if low_n > Decimal::ZERO {
        (x + r) / low_n * multiplier
    } else {
        Decimal::MAX
    };
    v >= lowest - half_unit && v <= highest + half_unit
}

/// One council's change in a measure since the previous period.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<K> {
    pub key: K,
    pub previous: Decimal,
    pub current: Decimal,
}

/// Changes far from the usual change: more than `k` median absolute deviations from the median
/// change across councils (METHODS.md §4's distance from the median, applied to changes). Needs
/// at least five changes and a non-zero MAD.
pub fn implausible_changes<K: Clone>(changes: &[Change<K>]) -> Vec<(Change<K>, f64, f64)> {
    if changes.len() < 5 {
        return Vec::new();
    }
    let deltas: Vec<f64> = changes
        .iter()
        .map(|c| (c.current - c.previous).to_f64().unwrap_or(0.0))
        .collect();
    let Some((median, mad)) = spread::median_and_mad(&deltas) else {
        return Vec::new();
    };
    changes
        .iter()
        .zip(&deltas)
        .filter(|(_, d)| spread::is_outlier(spread::mads(**d, median, mad)))
        .map(|(c, _)| (c.clone(), median, mad))
        .collect()
}

/// For each area, the measures most areas have but it lacks: more than half of the areas in
/// the file report them.
pub fn missing_measures<'a>(present: &HashMap<&'a str, Vec<&'a str>>) -> Vec<(&'a str, &'a str)> {
    let areas = present.len();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for measures in present.values() {
        for m in measures {
            *counts.entry(m).or_default() += 1;
        }
    }
    let mut common: Vec<&str> = counts
        .iter()
        .filter(|(_, c)| **c * 2 > areas)
        .map(|(m, _)| *m)
        .collect();
    common.sort_unstable();
    let mut missing = Vec::new();
    let mut area_list: Vec<_> = present.iter().collect();
    area_list.sort_by_key(|(a, _)| **a);
    for (area, measures) in area_list {
        for m in &common {
            if !measures.contains(m) {
                missing.push((*area, *m));
            }
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn percentages_out_of_range_and_numerator_over_denominator() {
        let e = value_errors(
            Unit::Percent,
            None,
            Some((dec!(104.1), 1)),
            Some(dec!(200)),
            Some(dec!(195)),
        );
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].0, "value");
        assert_eq!(e[1].0, "numerator");
        let e = value_errors(Unit::Percent, None, Some((dec!(-1), 0)), None, None);
        assert_eq!(e.len(), 1);
    }

    #[test]
    fn published_rounding_is_allowed_but_real_inconsistency_is_not() {
        // Warwickshire 2015-16 1C(2A): 310/1790 = 17.318...%
        assert!(
            value_errors(
                Unit::Percent,
                None,
                Some((dec!(17.3), 1)),
                Some(dec!(310)),
                Some(dec!(1790))
            )
            .is_empty()
        );
        // survey counts rounded to 5: 961/2025 = 47.46% published as 47.4
        assert!(
            value_errors(
                Unit::Percent,
                None,
                Some((dec!(47.4), 1)),
                Some(dec!(961)),
                Some(dec!(2025))
            )
            .is_empty()
        );
        // rates per 100,000: 757 / 4,389,099 = 17.25 published as 17.3
        assert!(
            value_errors(
                Unit::Rate,
                Some(100_000),
                Some((dec!(17.3), 1)),
                Some(dec!(757)),
                Some(dec!(4389099))
            )
            .is_empty()
        );
        let e = value_errors(
            Unit::Percent,
            None,
            Some((dec!(27.3), 1)),
            Some(dec!(310)),
            Some(dec!(1790)),
        );
        assert_eq!(e.len(), 1);
        assert!(e[0].1.contains("does not match"), "{e:?}");
    }

    #[test]
    fn scores_are_not_checked_against_their_counts() {
        assert!(
            value_errors(
                Unit::Score,
                None,
                Some((dec!(19.5), 1)),
                Some(dec!(25630)),
                Some(dec!(1310))
            )
            .is_empty()
        );
    }

    #[test]
    fn an_implausible_change_stands_out_from_the_usual_change() {
        let mut changes: Vec<Change<usize>> = (0..10)
            .map(|i| Change {
                key: i,
                previous: dec!(600),
                current: dec!(600) + Decimal::from(i % 3),
            })
            .collect();
        changes.push(Change {
            key: 99,
            previous: dec!(598.7),
            current: dec!(940.1),
        });
        let flagged = implausible_changes(&changes);
        assert_eq!(flagged.len(), 1);
        assert_eq!(flagged[0].0.key, 99);
        assert!(
            implausible_changes(&changes[..4]).is_empty(),
            "too few to judge"
        );
    }

    #[test]
    fn missing_measures_are_those_most_areas_have() {
        let mut present = HashMap::new();
        present.insert("A", vec!["1A", "1B"]);
        present.insert("B", vec!["1A", "1B"]);
        present.insert("C", vec!["1A"]);
        assert_eq!(missing_measures(&present), vec![("C", "1B")]);
    }
}
