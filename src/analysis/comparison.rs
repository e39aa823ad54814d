//! Comparing a council's value with a benchmark (METHODS.md §3).

use rust_decimal::Decimal;

use super::intervals::Interval;
use crate::domain::Polarity;

/// The outcome of comparing a value with a benchmark, polarity applied where there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Better,
    Similar,
    Worse,
    Higher,
    Lower,
    NotCompared,
}

impl Comparison {
    pub fn label(self) -> &'static str {
        match self {
            Comparison::Better => "Better",
            Comparison::Similar => "Similar",
            Comparison::Worse => "Worse",
            Comparison::Higher => "Higher",
            Comparison::Lower => "Lower",
            Comparison::NotCompared => "Not compared",
        }
    }

    /// The CSS modifier for the tag that shows this comparison (always shown with its label).
    pub fn css(self) -> &'static str {
        match self {
            Comparison::Better => "better",
            Comparison::Similar => "similar",
            Comparison::Worse => "worse",
            Comparison::Higher | Comparison::Lower => "neutral",
            Comparison::NotCompared => "none",
        }
    }

    /// Maps "higher" or "lower" than the benchmark through the measure's polarity.
    pub fn from_direction(higher: Option<bool>, polarity: Polarity) -> Comparison {
        match (higher, polarity) {
            (None, _) => Comparison::Similar,
            (Some(true), Polarity::HigherIsBetter) | (Some(false), Polarity::LowerIsBetter) => {
                Comparison::Better
            }
            (Some(false), Polarity::HigherIsBetter) | (Some(true), Polarity::LowerIsBetter) => {
                Comparison::Worse
            }
            (Some(true), Polarity::NoJudgement) => Comparison::Higher,
            (Some(false), Polarity::NoJudgement) => Comparison::Lower,
        }
    }
}

/// Significance against a benchmark `b` (METHODS.md §3): `U < B` significantly lower, `L > B`
/// significantly higher, otherwise similar; no interval, not compared.
pub fn by_interval(
    interval: Option<Interval>,
    benchmark: Option<f64>,
    polarity: Polarity,
) -> Comparison {
    let (Some(i), Some(b)) = (interval, benchmark) else {
        return Comparison::NotCompared;
    };
    let higher = if i.high < b {
        Some(false)
    } else if i.low > b {
        Some(true)
    } else {
        None
    };
    Comparison::from_direction(higher, polarity)
}

/// Plain comparison of values, without significance: above, below or equal to the benchmark
/// at the measure's published precision.
pub fn by_value(
    value: Option<Decimal>,
    benchmark: Option<Decimal>,
    polarity: Polarity,
    decimals: u32,
) -> Comparison {
    let (Some(v), Some(b)) = (value, benchmark) else {
        return Comparison::NotCompared;
    };
    let round = |x: Decimal| {
        x.round_dp_with_strategy(
            decimals,
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        )
    };
    let (v, b) = (round(v), round(b));
    let higher = (v != b).then_some(v > b);
    Comparison::from_direction(higher, polarity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn polarity_decides_better_or_worse() {
        let hib = Polarity::HigherIsBetter;
        assert_eq!(
            by_value(Some(dec!(30)), Some(dec!(28.1)), hib, 1),
            Comparison::Better
        );
        assert_eq!(
            by_value(Some(dec!(20)), Some(dec!(28.1)), hib, 1),
            Comparison::Worse
        );
        let lib = Polarity::LowerIsBetter;
        assert_eq!(
            by_value(Some(dec!(500)), Some(dec!(600)), lib, 1),
            Comparison::Better
        );
        let none = Polarity::NoJudgement;
        assert_eq!(
            by_value(Some(dec!(5)), Some(dec!(4)), none, 1),
            Comparison::Higher
        );
        assert_eq!(
            by_value(Some(dec!(3)), Some(dec!(4)), none, 1),
            Comparison::Lower
        );
    }

    #[test]
    fn intervals_against_a_benchmark() {
        let i = |low, high| Some(Interval { low, high });
        let hib = Polarity::HigherIsBetter;
        assert_eq!(
            by_interval(i(15.6, 19.1), Some(28.1), hib),
            Comparison::Worse
        );
        assert_eq!(
            by_interval(i(30.0, 40.0), Some(28.1), hib),
            Comparison::Better
        );
        assert_eq!(
            by_interval(i(27.0, 29.0), Some(28.1), hib),
            Comparison::Similar
        );
        assert_eq!(
            by_interval(i(30.0, 40.0), Some(28.1), Polarity::LowerIsBetter),
            Comparison::Worse
        );
        assert_eq!(
            by_interval(i(30.0, 40.0), Some(28.1), Polarity::NoJudgement),
            Comparison::Higher
        );
        assert_eq!(by_interval(None, Some(28.1), hib), Comparison::NotCompared);
    }

    #[test]
    fn equal_at_published_precision_is_similar_and_missing_is_not_compared() {
        let hib = Polarity::HigherIsBetter;
        assert_eq!(
            by_value(Some(dec!(28.14)), Some(dec!(28.1)), hib, 1),
            Comparison::Similar
        );
        assert_eq!(
            by_value(None, Some(dec!(28.1)), hib, 1),
            Comparison::NotCompared
        );
        assert_eq!(
            by_value(Some(dec!(28.1)), None, hib, 1),
            Comparison::NotCompared
        );
    }
}
