//! Benchmarks (METHODS.md §2): the published value for a geography; else the aggregate Σx/Σn
//! over member councils with counts (as NHS Digital computes them, rounding halves away from
//! zero, in exact decimals); else, for measures without counts, the members' median, labelled.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::Unit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Published,
    Aggregate,
    Median,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::Published => "published value",
            Method::Aggregate => "total numerator over total denominator of member councils",
            Method::Median => "median of member councils (no counts)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Benchmark {
    #[serde(with = "rust_decimal::serde::float")]
    #[schema(value_type = f64)]
    pub value: Decimal,
    pub method: Method,
    /// Member councils with a value (for aggregates and medians).
    pub members: usize,
}

/// A member council's value with its counts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Member {
    pub value: Option<Decimal>,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
}

/// The multiplier that turns x/n into the measure's unit: 100 for percentages, the rate's base
/// for rates; none for measures whose values are not ratios of counts.
pub fn multiplier(unit: Unit, rate_multiplier: Option<i32>) -> Option<Decimal> {
    match unit {
        Unit::Percent => Some(Decimal::ONE_HUNDRED),
        Unit::Rate => rate_multiplier.map(Decimal::from),
        _ => None,
    }
}

pub fn benchmark(
    published: Option<Decimal>,
    members: &[Member],
    unit: Unit,
    rate_multiplier: Option<i32>,
    decimals: u32,
) -> Option<Benchmark> {
    let with_values = members.iter().filter(|m| m.value.is_some()).count();
    if let Some(value) = published {
        return Some(Benchmark {
            value,
            method: Method::Published,
            members: with_values,
        });
    }
    let round =
        |d: Decimal| d.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    if let Some(k) = multiplier(unit, rate_multiplier) {
        let counted: Vec<(Decimal, Decimal)> = members
            .iter()
            .filter_map(|m| Some((m.numerator?, m.denominator?)))
            .collect();
        let (x, n) = counted
            .iter()
            .fold((Decimal::ZERO, Decimal::ZERO), |(a, b), (x, n)| {
                (a + x, b + n)
            });
        if !counted.is_empty() && n > Decimal::ZERO {
            return Some(Benchmark {
                value: round(x / n * k),
                method: Method::Aggregate,
                members: counted.len(),
            });
        }
    }
    let mut values: Vec<Decimal> = members.iter().filter_map(|m| m.value).collect();
    values.sort();
    let n = values.len();
    let median = match n {
        0 => return None,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / Decimal::TWO,
    };
    Some(Benchmark {
        value: round(median),
        method: Method::Median,
        members: n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn m(value: Decimal, x: Decimal, n: Decimal) -> Member {
        Member {
            value: Some(value),
            numerator: Some(x),
            denominator: Some(n),
        }
    }

    #[test]
    fn published_first_then_aggregate_then_median() {
        let members = [m(dec!(50), dec!(1), dec!(2)), m(dec!(25), dec!(1), dec!(4))];
        let b = benchmark(Some(dec!(40.0)), &members, Unit::Percent, None, 1).unwrap();
        assert_eq!((b.value, b.method), (dec!(40.0), Method::Published));
        let b = benchmark(None, &members, Unit::Percent, None, 1).unwrap();
        assert_eq!(
            (b.value, b.method, b.members),
            (dec!(33.3), Method::Aggregate, 2)
        );
        let scores = [
            Member {
                value: Some(dec!(19.1)),
                ..Member::default()
            },
            Member {
                value: Some(dec!(18.7)),
                ..Member::default()
            },
        ];
        let b = benchmark(None, &scores, Unit::Score, None, 1).unwrap();
        assert_eq!((b.value, b.method), (dec!(18.9), Method::Median));
        assert!(benchmark(None, &[], Unit::Score, None, 1).is_none());
    }

    #[test]
    fn halves_round_away_from_zero_in_exact_decimals() {
        // 1/8 = 12.5% exactly: 13% at no decimals, where banker's rounding would give 12%.
        let b = benchmark(
            None,
            &[m(dec!(12.5), dec!(1), dec!(8))],
            Unit::Percent,
            None,
            0,
        )
        .unwrap();
        assert_eq!(b.value, dec!(13));
        // Rates: Σcount / Σpopulation × 100,000.
        let r = benchmark(
            None,
            &[
                m(dec!(0), dec!(3), dec!(20000)),
                m(dec!(0), dec!(1), dec!(20000)),
            ],
            Unit::Rate,
            Some(100_000),
            1,
        )
        .unwrap();
        assert_eq!(r.value, dec!(10.0));
    }
}
