//! Notable facts per domain, in words, each with the rule that picked it and the rows behind it
//! (seed 004's "headlines that say something"): the widest regional range, the measure where
//! most councils are significantly worse (or better) than the comparator, the council with the
//! most significant improvements, and how many councils improved on a measure. Pure.

use std::collections::HashMap;

use super::comparison::Comparison;
use super::scorecard::Analysed;
use super::trend::Direction;
use crate::domain::Measure;

/// One fact: its sentence, the rule that chose it, and the rows it rests on.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fact {
    pub sentence: String,
    pub rule: String,
    pub rows: Vec<String>,
}

/// A domain's facts.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DomainFacts {
    pub slug: String,
    pub name: String,
    pub facts: Vec<Fact>,
}

/// The notable facts of every domain with values, in domain order; `against` names the
/// comparator ("England"), `names` the councils.
pub fn of_period(
    catalogue: &[Measure],
    analysed: &[Analysed],
    names: &HashMap<String, String>,
    against: &str,
) -> Vec<DomainFacts> {
    let by_code: HashMap<&str, &Analysed> =
        analysed.iter().map(|a| (a.measure.as_str(), a)).collect();
    let name = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let mut out: Vec<DomainFacts> = Vec::new();
    for m in catalogue {
        if !by_code.contains_key(m.code.as_str()) {
            continue;
        }
        if out.last().is_none_or(|d| d.slug != m.domain_slug) {
            out.push(DomainFacts {
                slug: m.domain_slug.clone(),
                name: m.domain_name.clone(),
                facts: Vec::new(),
            });
        }
    }
    for d in &mut out {
        let measures: Vec<(&Measure, &Analysed)> = catalogue
            .iter()
            .filter(|m| m.domain_slug == d.slug)
            .filter_map(|m| Some((m, *by_code.get(m.code.as_str())?)))
            .collect();
        d.facts.extend(widest_range(&measures, &name));
        for (wanted, word) in [(Comparison::Worse, "worse"), (Comparison::Better, "better")] {
            d.facts
                .extend(most_compared(&measures, wanted, word, against, &name));
        }
        d.facts.extend(most_improved(&measures, &name));
    }
    out
}

fn title(m: &Measure) -> String {
    format!("{} {}", m.display_code, m.title)
}

/// A candidate for the widest range: its spread, the measure, its lowest and highest council
/// (code, value), and how many councils it has.
type Range<'a> = (f64, &'a Measure, (&'a str, f64), (&'a str, f64), usize);

/// The measure whose councils are furthest apart, relative to their median.
fn widest_range(measures: &[(&Measure, &Analysed)], name: &dyn Fn(&str) -> String) -> Option<Fact> {
    let mut best: Option<Range<'_>> = None;
    for (m, a) in measures {
        let values: Vec<(&str, f64)> = a
            .analysis
            .councils
            .iter()
            .filter_map(|c| Some((c.code.as_str(), c.value?)))
            .collect();
        if values.len() < 3 {
            continue;
        }
        let all: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
        let Some(median) = super::spread::median(&all) else {
            continue;
        };
        if median == 0.0 {
            continue;
        }
        let low = values.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1))?;
        let high = values.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))?;
        let spread = (high.1 - low.1) / median.abs();
        if best.as_ref().is_none_or(|b| spread > b.0) {
            best = Some((spread, m, low, high, values.len()));
        }
    }
    let (spread, m, low, high, n) = best?;
    Some(Fact {
        sentence: format!(
            "The widest range is in {}: from {} ({}) to {} ({}).",
            title(m),
            m.format_f64(low.1),
            name(low.0),
            m.format_f64(high.1),
            name(high.0)
        ),
        rule: format!(
            "the measure of the domain whose lowest and highest council values are furthest apart relative to the median of its {n} councils ({:.0}% of the median)",
            spread * 100.0
        ),
        rows: vec![
            format!("lowest: {} {}", name(low.0), m.format_f64(low.1)),
            format!("highest: {} {}", name(high.0), m.format_f64(high.1)),
        ],
    })
}

/// The measure where most councils compare significantly `word` than the comparator.
fn most_compared(
    measures: &[(&Measure, &Analysed)],
    wanted: Comparison,
    word: &str,
    against: &str,
    name: &dyn Fn(&str) -> String,
) -> Option<Fact> {
    let (m, a, councils) = measures
        .iter()
        .map(|(m, a)| {
            let hits: Vec<&str> = a
                .analysis
                .councils
                .iter()
                .filter(|c| c.comparison == wanted)
                .map(|c| c.code.as_str())
                .collect();
            (*m, *a, hits)
        })
        .filter(|(_, _, hits)| !hits.is_empty())
        .max_by_key(|(_, _, hits)| hits.len())?;
    let n = a
        .analysis
        .councils
        .iter()
        .filter(|c| c.value.is_some())
        .count();
    Some(Fact {
        sentence: format!(
            "{} of {n} councils are significantly {word} than {against} on {}.",
            councils.len(),
            title(m)
        ),
        rule: format!(
            "the measure of the domain with the most councils significantly {word} than {against} (confidence intervals)"
        ),
        rows: councils.iter().map(|c| name(c)).collect(),
    })
}

/// The council with the most significant improvements in the domain, and the measure most
/// councils improved on.
fn most_improved(measures: &[(&Measure, &Analysed)], name: &dyn Fn(&str) -> String) -> Vec<Fact> {
    let mut by_council: HashMap<&str, Vec<&Measure>> = HashMap::new();
    let mut best_measure: Option<(&Measure, usize, usize)> = None;
    for (m, a) in measures {
        let improved: Vec<&str> = a
            .analysis
            .councils
            .iter()
            .filter(|c| c.direction_of_travel == Direction::Improved)
            .map(|c| c.code.as_str())
            .collect();
        for c in &improved {
            by_council.entry(c).or_default().push(m);
        }
        let n = a
            .analysis
            .councils
            .iter()
            .filter(|c| c.value.is_some())
            .count();
        if !improved.is_empty() && best_measure.is_none_or(|(_, k, _)| improved.len() > k) {
            best_measure = Some((m, improved.len(), n));
        }
    }
    let mut facts = Vec::new();
    let mut ranked: Vec<(&str, Vec<&Measure>)> = by_council.into_iter().collect();
    ranked.sort_by(|a, b| {
        b.1.len()
            .cmp(&a.1.len())
            .then_with(|| name(a.0).cmp(&name(b.0)))
    });
    if let Some((council, improved)) = ranked.first() {
        facts.push(Fact {
            sentence: format!(
                "{} improved significantly on {} measure{}, more than any other council.",
                name(council),
                improved.len(),
                if improved.len() == 1 { "" } else { "s" }
            ),
            rule: "the council with the most significant improvements on the previous period (direction of travel) in the domain; ties by name".into(),
            rows: improved.iter().map(|m| title(m)).collect(),
        });
    }
    if let Some((m, k, n)) = best_measure {
        facts.push(Fact {
            sentence: format!("{k} of {n} councils improved on {}.", title(m)),
            rule: "the measure of the domain most councils improved on significantly".into(),
            rows: Vec::new(),
        });
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{analysed, inputs, measure};

    #[test]
    fn each_domain_gets_its_range_its_comparisons_and_its_improvers_with_their_rows() {
        let inputs = inputs(None, true);
        let a = analysed(&inputs);
        let names: HashMap<String, String> = [
            ("E1", "Dover"),
            ("E2", "Ashford"),
            ("E3", "Canterbury"),
            ("E4", "Bromley"),
        ]
        .into_iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect();
        let domains = of_period(&[measure()], &[a], &names, "the region");
        assert_eq!(domains.len(), 1);
        let sentences: Vec<&str> = domains[0]
            .facts
            .iter()
            .map(|f| f.sentence.as_str())
            .collect();
        assert_eq!(
            sentences,
            [
                "The widest range is in 1A A percentage: from 40.0% (Ashford) to 70.0% (Bromley).",
                "2 of 4 councils are significantly worse than the region on 1A A percentage.",
                "2 of 4 councils are significantly better than the region on 1A A percentage.",
                "Dover improved significantly on 1 measure, more than any other council.",
                "1 of 4 councils improved on 1A A percentage.",
            ]
        );
        // 70 − 40 = 30 points against a median of 52.5: 57%.
        assert!(
            domains[0].facts[0].rule.contains("(57% of the median)"),
            "{}",
            domains[0].facts[0].rule
        );
        assert_eq!(domains[0].facts[1].rows, ["Ashford", "Canterbury"]);
    }
}
