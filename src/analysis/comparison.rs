//! Comparing a council's value with a benchmark (METHODS.md §3).

use super::intervals::Interval;
use crate::domain::Polarity;

/// The outcome of comparing a value with a benchmark, polarity applied where there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
