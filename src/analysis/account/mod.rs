//! The Regional Account's kinds of sentence (seed 004), computed per domain, each with its rule:
//! how many councils moved in a generally positive direction, and per measure the range across
//! the region's councils with how many sit above and below England and in the national upper
//! and lower quartiles; from the analyst's facts, governance and culture (`facts`); from the
//! finance values across years, the change in net spend (`resources`).

pub mod facts;
pub mod resources;

use rust_decimal::prelude::ToPrimitive;

use super::measure::MeasureAnalysis;
use super::trend::Direction;
use crate::domain::{Measure, Polarity};

/// A sentence of the Regional Account and the rule it was counted by.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub sentence: String,
    pub rule: &'static str,
}

impl Detail {
    pub fn new(sentence: String, rule: &'static str) -> Self {
        Detail { sentence, rule }
    }
}

/// The rule of the councils' direction sentence.
pub const DIRECTION_RULE: &str = "a council's direction over the domain's ASCOF measures: generally positive when more of them improved significantly than declined; static or negative otherwise (councils with no assessed change are not counted)";

/// The rule of the range sentences.
pub const RANGE_RULE: &str = "the lowest and highest of the region's councils' values; above or below the England value as published (not a significance test); the national quartile of each council's rank among all English councils with a value, by the measure's polarity (quartiles only for measures with one)";

/// "10 councils with a generally positive direction of travel and 4 static or negative", over
/// the domain's ASCOF measures; none when no council has an assessed change.
pub fn councils_direction(measures: &[(&Measure, &MeasureAnalysis)]) -> Option<String> {
    let mut tally: std::collections::BTreeMap<&str, (usize, usize, usize)> = Default::default();
    for (m, a) in measures.iter().filter(|(m, _)| m.tier == "ascof") {
        if m.polarity == Polarity::NoJudgement {
            continue;
        }
        for c in &a.councils {
            let t = tally.entry(c.code.as_str()).or_default();
            match c.direction_of_travel {
                Direction::Improved => t.0 += 1,
                Direction::Declined => t.1 += 1,
                Direction::NoSignificantChange => t.2 += 1,
                _ => {}
            }
        }
    }
    let assessed: Vec<&(usize, usize, usize)> =
        tally.values().filter(|(i, d, s)| i + d + s > 0).collect();
    if assessed.is_empty() {
        return None;
    }
    let positive = assessed.iter().filter(|(i, d, _)| i > d).count();
    Some(format!(
        "{positive} councils with a generally positive direction of travel and {} static or negative.",
        assessed.len() - positive
    ))
}

/// "1C(2A) …: a variation between 17.3% and 38.5% with 4 councils above England average and 8
/// below; 8 councils in the upper quartile and 6 in the lower when compared nationally."
pub fn range(m: &Measure, a: &MeasureAnalysis) -> Option<String> {
    let values: Vec<f64> = a.councils.iter().filter_map(|c| c.value).collect();
    let lowest = values.iter().copied().reduce(f64::min)?;
    let highest = values.iter().copied().reduce(f64::max)?;
    let mut sentence = format!(
        "{} {}: a variation between {} and {}",
        m.display_code,
        m.title,
        m.format_f64(lowest),
        m.format_f64(highest)
    );
    if let Some(england) = a.england.as_ref().and_then(|e| e.value.to_f64()) {
        let above = values.iter().filter(|v| **v > england).count();
        let below = values.iter().filter(|v| **v < england).count();
        sentence.push_str(&format!(
            " with {above} councils above England average ({}) and {below} below",
            m.format_f64(england)
        ));
    }
    if a.national && m.polarity != Polarity::NoJudgement {
        let q = |n: u8| {
            a.councils
                .iter()
                .filter(|c| c.quartile_national == Some(n))
                .count()
        };
        sentence.push_str(&format!(
            "; {} councils in the upper quartile and {} in the lower when compared nationally",
            q(1),
            q(4)
        ));
    }
    sentence.push('.');
    if let Some(total) = total_pounds(m, a) {
        sentence.push_str(&format!(" The region's councils' total: {total}."));
    }
    Some(sentence)
}

/// For a financial measure in £ whose numerators are money: their sum over the region's councils
/// with a value ("£2.31bn"), when every such council publishes one.
fn total_pounds(m: &Measure, a: &MeasureAnalysis) -> Option<String> {
    if m.measure_type != "financial" || m.unit != crate::domain::Unit::Currency {
        return None;
    }
    let with_value: Vec<_> = a.councils.iter().filter(|c| c.value.is_some()).collect();
    let numerators: Option<Vec<f64>> = with_value.iter().map(|c| c.numerator).collect();
    let total: f64 = numerators.filter(|n| !n.is_empty())?.iter().sum();
    Some(if total >= 1e9 {
        format!("£{:.2}bn", total / 1e9)
    } else {
        format!("£{:.1}m", total / 1e6)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures;

    #[test]
    fn councils_are_counted_by_their_direction_over_ascof_measures() {
        let m = Measure {
            tier: "ascof".into(),
            polarity: Polarity::HigherIsBetter,
            ..fixtures::measure()
        };
        let mut a = fixtures::analysis_of(&[("A", 10.0), ("B", 20.0), ("C", 30.0)]);
        a.councils[0].direction_of_travel = Direction::Improved;
        a.councils[1].direction_of_travel = Direction::Declined;
        a.councils[2].direction_of_travel = Direction::NotAssessed;
        assert_eq!(
            councils_direction(&[(&m, &a)]).unwrap(),
            "1 councils with a generally positive direction of travel and 1 static or negative."
        );
        let regional = Measure {
            tier: "regional".into(),
            ..m
        };
        assert_eq!(councils_direction(&[(&regional, &a)]), None, "ASCOF only");
    }

    #[test]
    fn a_financial_measure_totals_its_numerators() {
        let m = Measure {
            measure_type: "financial".into(),
            unit: crate::domain::Unit::Currency,
            ..fixtures::measure()
        };
        let mut a = fixtures::analysis_of(&[("A", 400.0), ("B", 500.0)]);
        a.councils[0].numerator = Some(1.2e9);
        a.councils[1].numerator = Some(0.9e9);
        assert!(
            range(&m, &a)
                .unwrap()
                .ends_with("The region's councils' total: £2.10bn.")
        );
        a.councils[1].numerator = None;
        assert!(
            !range(&m, &a).unwrap().contains("total"),
            "every council or none"
        );
    }

    #[test]
    fn the_range_counts_councils_against_england_and_the_national_quartiles() {
        let m = Measure {
            polarity: Polarity::HigherIsBetter,
            ..fixtures::measure()
        };
        let mut a = fixtures::analysis_of(&[("A", 17.3), ("B", 25.0), ("C", 38.5)]);
        a.england = Some(fixtures::benchmark(24.0));
        a.national = true;
        a.councils[2].quartile_national = Some(1);
        a.councils[0].quartile_national = Some(4);
        let s = range(&m, &a).unwrap();
        assert!(s.contains("a variation between 17.3% and 38.5%"), "{s}");
        assert!(
            s.contains("2 councils above England average (24.0%) and 1 below"),
            "{s}"
        );
        assert!(
            s.ends_with(
                "1 councils in the upper quartile and 1 in the lower when compared nationally."
            ),
            "{s}"
        );
    }
}
