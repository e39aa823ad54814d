//! RAG ratings (METHODS.md §7): against a target with an amber tolerance, or, without a target,
//! against a benchmark comparison, always saying which rule applied; and the summary.

use super::comparison::Comparison;
use super::trend::Tolerance;
use crate::domain::Polarity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    Green,
    Amber,
    Red,
    NotRated,
}

impl Rag {
    pub fn label(self) -> &'static str {
        match self {
            Rag::Green => "Green",
            Rag::Amber => "Amber",
            Rag::Red => "Red",
            Rag::NotRated => "Not rated",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RagRule {
    Target,
    Benchmark,
    None,
}

/// Who set a target: the RAG names it, and illustrative targets rate only illustrative values.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TargetOwner {
    /// Set by the region's analyst.
    Analyst,
    /// A published national target.
    National,
    /// From the illustrative data set's catalogue.
    Illustrative,
}

crate::domain::column::serde_text!(TargetOwner);

impl TargetOwner {
    /// The owner as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetOwner::Analyst => "analyst",
            TargetOwner::National => "national",
            TargetOwner::Illustrative => "illustrative",
        }
    }

    /// "the analyst's target", for a RAG's wording.
    pub fn words(self) -> &'static str {
        match self {
            TargetOwner::Analyst => "the region's target",
            TargetOwner::National => "the national target",
            TargetOwner::Illustrative => "an illustrative target",
        }
    }
}

/// A target with its amber tolerance and its owner.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Target {
    pub value: f64,
    #[serde(skip)]
    pub tolerance: Tolerance,
    pub owner: TargetOwner,
}

/// Green on target; amber off target within tolerance; red beyond. Mirrored for lower is
/// better; a measure without polarity is not rated.
pub fn against_target(value: f64, target: f64, tolerance: Tolerance, polarity: Polarity) -> Rag {
    let tolerance = match tolerance {
        Tolerance::Absolute(t) => t,
        Tolerance::Relative(r) => r * target.abs(),
    };
    let shortfall = match polarity {
        Polarity::HigherIsBetter => target - value,
        Polarity::LowerIsBetter => value - target,
        Polarity::NoJudgement => return Rag::NotRated,
    };
    if shortfall <= 0.0 {
        Rag::Green
    } else if shortfall <= tolerance {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// Without a target: better green, similar amber, worse red.
pub fn from_comparison(c: Comparison) -> Rag {
    match c {
        Comparison::Better => Rag::Green,
        Comparison::Similar => Rag::Amber,
        Comparison::Worse => Rag::Red,
        _ => Rag::NotRated,
    }
}

/// "Of N measures, x% green, y% amber, z% red (k not rated)": shares of the rated measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub measures: usize,
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub not_rated: usize,
}

impl Summary {
    pub fn of(ratings: impl IntoIterator<Item = Rag>) -> Summary {
        let mut s = Summary::default();
        for r in ratings {
            s.measures += 1;
            match r {
                Rag::Green => s.green += 1,
                Rag::Amber => s.amber += 1,
                Rag::Red => s.red += 1,
                Rag::NotRated => s.not_rated += 1,
            }
        }
        s
    }

    fn rated(&self) -> usize {
        self.green + self.amber + self.red
    }

    /// Whole percentages of the rated measures, halves rounded up.
    pub fn percent(&self, count: usize) -> usize {
        let rated = self.rated();
        if rated == 0 {
            0
        } else {
            (200 * count + rated) / (2 * rated)
        }
    }

    pub fn sentence(&self) -> String {
        let rated = self.rated();
        if rated == 0 {
            return format!("Of {} measures, none could be rated.", self.measures);
        }
        format!(
            "Of {} measure{} rated, {}% green, {}% amber, {}% red ({} not rated).",
            rated,
            if rated == 1 { "" } else { "s" },
            self.percent(self.green),
            self.percent(self.amber),
            self.percent(self.red),
            self.not_rated
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_tolerance_and_polarity() {
        let t = Tolerance::Absolute(3.0);
        assert_eq!(
            against_target(30.0, 30.0, t, Polarity::HigherIsBetter),
            Rag::Green
        );
        assert_eq!(
            against_target(28.0, 30.0, t, Polarity::HigherIsBetter),
            Rag::Amber
        );
        assert_eq!(
            against_target(26.9, 30.0, t, Polarity::HigherIsBetter),
            Rag::Red
        );
        assert_eq!(
            against_target(
                560.0,
                580.0,
                Tolerance::Absolute(40.0),
                Polarity::LowerIsBetter
            ),
            Rag::Green
        );
        assert_eq!(
            against_target(
                600.0,
                580.0,
                Tolerance::Absolute(40.0),
                Polarity::LowerIsBetter
            ),
            Rag::Amber
        );
        assert_eq!(
            against_target(
                700.0,
                580.0,
                Tolerance::Relative(0.1),
                Polarity::LowerIsBetter
            ),
            Rag::Red
        );
        assert_eq!(
            against_target(1.0, 1.0, t, Polarity::NoJudgement),
            Rag::NotRated
        );
    }

    #[test]
    fn wiltshire_style_summary() {
        // Seed 002: of 53 measures 45% green, 21% amber, 34% red → 24, 11, 18.
        let ratings = std::iter::repeat_n(Rag::Green, 24)
            .chain(std::iter::repeat_n(Rag::Amber, 11))
            .chain(std::iter::repeat_n(Rag::Red, 18))
            .chain(std::iter::repeat_n(Rag::NotRated, 2));
        let s = Summary::of(ratings);
        assert_eq!(
            s.sentence(),
            "Of 53 measures rated, 45% green, 21% amber, 34% red (2 not rated)."
        );
        assert_eq!(
            Summary::of([]).sentence(),
            "Of 0 measures, none could be rated."
        );
        assert_eq!(from_comparison(Comparison::Worse), Rag::Red);
        assert_eq!(from_comparison(Comparison::NotCompared), Rag::NotRated);
    }
}
