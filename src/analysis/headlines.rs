//! Headlines in words (METHODS.md §8): every sentence computed from the data, each naming its
//! counting rule.

use std::collections::HashMap;

use super::comparison::Comparison;
use super::measure::MeasureAnalysis;
use super::trend::Direction;

/// A sentence, the rule behind it, and its numbers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Headline {
    pub sentence: String,
    pub rule: String,
    pub numbers: Numbers,
}

/// The counts a headline states.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Numbers {
    pub councils: usize,
    pub values: usize,
    pub min: Option<f64>,
    pub min_councils: Vec<String>,
    pub max: Option<f64>,
    pub max_councils: Vec<String>,
    pub benchmark: Option<f64>,
    pub above: usize,
    pub below: usize,
    pub similar: usize,
    pub better: usize,
    pub worse: usize,
    pub not_compared: usize,
    pub upper_quartile: usize,
    pub lower_quartile: usize,
    pub improved: usize,
    pub declined: usize,
    /// Significant rises and falls of measures without polarity (neither better nor worse).
    pub increased: usize,
    pub decreased: usize,
    pub no_significant_change: usize,
}

fn count_comparisons(n: &mut Numbers, a: &MeasureAnalysis) {
    for c in &a.councils {
        let b = c
            .benchmark
            .and_then(|b| rust_decimal::prelude::ToPrimitive::to_f64(&b.value));
        match (c.ci_low, c.ci_high, b) {
            (Some(_), Some(high), Some(b)) if high < b => n.below += 1,
            (Some(low), Some(_), Some(b)) if low > b => n.above += 1,
            (Some(_), Some(_), Some(_)) => n.similar += 1,
            _ => n.not_compared += 1,
        }
        match c.comparison {
            Comparison::Better => n.better += 1,
            Comparison::Worse => n.worse += 1,
            _ => {}
        }
        match c.quartile_national {
            Some(1) => n.upper_quartile += 1,
            Some(4) => n.lower_quartile += 1,
            _ => {}
        }
        match c.direction_of_travel {
            Direction::Improved => n.improved += 1,
            Direction::Declined => n.declined += 1,
            Direction::Increased => n.increased += 1,
            Direction::Decreased => n.decreased += 1,
            Direction::NoSignificantChange => n.no_significant_change += 1,
            Direction::NotAssessed => {}
        }
    }
}

fn names(codes: &[&str], names: &HashMap<String, String>) -> Vec<String> {
    codes
        .iter()
        .map(|c| names.get(*c).cloned().unwrap_or_else(|| c.to_string()))
        .collect()
}

/// "; N were significantly above …, N below, N similar (level)." after the range.
fn comparisons_sentence(
    sentence: &mut String,
    n: &Numbers,
    analysis: &MeasureAnalysis,
    format: impl Fn(f64) -> String,
) {
    let level = analysis.level.label();
    let against = analysis.comparator.label();
    if n.values > 0 {
        let benchmark_text = match (analysis.comparator, n.benchmark) {
            (super::measure::ComparatorKind::England, Some(b)) => {
                format!("the England value of {}", format(b))
            }
            (super::measure::ComparatorKind::Region, Some(b)) => {
                format!("the regional value of {}", format(b))
            }
            _ => format!("their {against} benchmark"),
        };
        sentence.push_str(&format!(
            "; {} were significantly above {benchmark_text}, {} significantly below, {} similar ({level})",
            n.above, n.below, n.similar
        ));
        if n.not_compared > 0 {
            sentence.push_str(&format!(" and {} could not be compared", n.not_compared));
        }
    }
    sentence.push('.');
}

/// " Since the previous period N improved, N declined …" when any council was assessed.
fn movement_sentence(sentence: &mut String, n: &Numbers) {
    if n.improved + n.declined + n.increased + n.decreased + n.no_significant_change > 0 {
        let mut changes = Vec::new();
        if n.improved + n.declined > 0 || n.increased + n.decreased == 0 {
            changes.push(format!("{} improved, {} declined", n.improved, n.declined));
        }
        if n.increased + n.decreased > 0 {
            changes.push(format!(
                "{} increased and {} decreased significantly where neither is better",
                n.increased, n.decreased
            ));
        }
        sentence.push_str(&format!(
            " Since the previous period {} and {} showed no significant change.",
            changes.join(", "),
            n.no_significant_change
        ));
    }
}

/// The headline for one measure across the region: range with the councils at each end, counts
/// significantly above and below the benchmark, national quartiles, direction of travel.
pub fn for_measure(
    subject: &str,
    analysis: &MeasureAnalysis,
    council_names: &HashMap<String, String>,
    format: impl Fn(f64) -> String,
) -> Headline {
    let mut n = Numbers {
        councils: analysis.councils.len(),
        ..Numbers::default()
    };
    let values: Vec<(&str, f64)> = analysis
        .councils
        .iter()
        .filter_map(|c| Some((c.code.as_str(), c.value?)))
        .collect();
    n.values = values.len();
    count_comparisons(&mut n, analysis);
    let benchmark = analysis.councils.iter().find_map(|c| c.benchmark);
    n.benchmark = benchmark.and_then(|b| rust_decimal::prelude::ToPrimitive::to_f64(&b.value));
    let level = analysis.level.label();
    let against = analysis.comparator.label();
    let subject = lowercase_first(subject);
    let mut sentence = match super::spread::range(&values) {
        Some(r) => {
            n.min = Some(r.min);
            n.max = Some(r.max);
            n.min_councils = names(&r.min_holders, council_names);
            n.max_councils = names(&r.max_holders, council_names);
            format!(
                "Across the {} councils, {subject} ranged from {} ({}) to {} ({})",
                n.councils,
                format(r.min),
                n.min_councils.join(", "),
                format(r.max),
                n.max_councils.join(", ")
            )
        }
        None => format!("No council of the {} has a value for {subject}", n.councils),
    };
    comparisons_sentence(&mut sentence, &n, analysis, &format);
    if analysis.national {
        sentence.push_str(&format!(
            " {} were in the upper quartile of English councils and {} in the lower.",
            n.upper_quartile, n.lower_quartile
        ));
    }
    movement_sentence(&mut sentence, &n);
    Headline {
        sentence,
        rule: format!(
            "Range: lowest and highest values. Above/below: the council's {level} confidence interval lies wholly above or below the {against} benchmark (Wilson for proportions, Byar for rates, published margins of error for survey scores); councils without an interval are not compared. Quartiles: ranked among all English councils with a value, best first. Direction of travel: two-proportion z-test at 95% where counts exist, else the measure's tolerance."
        ),
        numbers: n,
    }
}

/// The headline for a set of measures (a domain, or the whole scorecard): how the region's
/// values compare and move, over every council and measure.
pub fn for_measures<'a>(
    subject: &str,
    analyses: impl IntoIterator<Item = &'a MeasureAnalysis>,
) -> Headline {
    let mut n = Numbers::default();
    let mut measures = 0;
    let mut level = "95%";
    let mut against = "England";
    for a in analyses {
        measures += 1;
        level = a.level.label();
        against = a.comparator.label();
        n.councils = n.councils.max(a.councils.len());
        n.values += a.councils.iter().filter(|c| c.value.is_some()).count();
        count_comparisons(&mut n, a);
    }
    let compared = n.above + n.below + n.similar;
    let judged = n.better + n.worse;
    let sentence = if measures == 0 {
        format!("{subject}: no measure has values for this period.")
    } else {
        format!(
            "{subject}: of {} council values on {measures} measures, {} were significantly better than {against} and {} significantly worse ({level}); {} were similar or have no polarity, and {} could not be compared. {} improved on the previous period and {} declined.",
            n.values,
            n.better,
            n.worse,
            compared.saturating_sub(judged),
            n.values.saturating_sub(compared),
            n.improved,
            n.declined
        )
    };
    Headline {
        sentence,
        rule: format!(
            "Counts every council value in the period. Better/worse: the {level} confidence interval lies wholly on the good or bad side of the {against} benchmark, by the measure's polarity. Improved/declined: a significant change since the previous period (two-proportion z-test at 95% where counts exist, else beyond the measure's tolerance)."
        ),
        numbers: n,
    }
}

/// "Proportion of people …" reads as "proportion of people …" inside a sentence; codes and
/// acronyms ("CQC …", "ASCOF …") keep their capitals.
fn lowercase_first(subject: &str) -> String {
    let mut chars = subject.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => first
            .to_lowercase()
            .chain(subject.chars().skip(1))
            .collect(),
        _ => subject.to_string(),
    }
}

/// A domain's headline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct DomainHeadline {
    pub slug: String,
    pub name: String,
    pub headline: Headline,
    /// The Regional Account's sentences (seed 004): the councils' direction of travel, then
    /// each measure's range against England and the national quartiles; rules in `detail_rules`.
    pub details: Vec<String>,
    pub detail_rules: Vec<String>,
}

/// A measure's headline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MeasureHeadline {
    pub code: String,
    pub headline: Headline,
}

/// The headlines of an analysed period: overall, per domain (in domain order) and per measure.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodHeadlines {
    pub overall: Headline,
    pub domains: Vec<DomainHeadline>,
    pub measures: Vec<MeasureHeadline>,
}

/// A domain with staff measures ("people") but no value for any of them: which sources would
/// give the workforce figures (seed 004's Workforce headlines).
fn staff_missing(
    domain: &[&crate::domain::Measure],
    pairs: &[(&crate::domain::Measure, &MeasureAnalysis)],
) -> Option<String> {
    let staff: Vec<&crate::domain::Measure> = domain
        .iter()
        .copied()
        .filter(|m| m.measure_type == "people" && m.domain_slug == "resource-workforce")
        .collect();
    let with_values = pairs
        .iter()
        .any(|(m, _)| m.measure_type == "people" && m.domain_slug == "resource-workforce");
    (!staff.is_empty() && !with_values).then(|| {
        format!(
            "Workforce: no figures for this period.{}",
            fill_from(&staff)
        )
    })
}

/// What would fill a domain without values: its measures' sources (without their
/// parenthetical detail), each once, in catalogue order.
fn fill_from(domain: &[&crate::domain::Measure]) -> String {
    let mut sources: Vec<&str> = Vec::new();
    for m in domain {
        let source = m.source.split(" (").next().unwrap_or_default().trim();
        if !sources.contains(&source) && !source.is_empty() {
            sources.push(source);
        }
    }
    if sources.is_empty() {
        String::new()
    } else {
        format!(" Its measures come from: {}.", sources.join("; "))
    }
}

/// The headlines of every analysed measure of `catalogue` (in domain order), with councils
/// named from `names`.
pub fn of_period(
    catalogue: &[crate::domain::Measure],
    all: &[crate::analysis::scorecard::Analysed],
    names: &std::collections::HashMap<String, String>,
) -> PeriodHeadlines {
    let by_code: std::collections::HashMap<&str, &crate::analysis::scorecard::Analysed> =
        all.iter().map(|a| (a.measure.as_str(), a)).collect();
    let overall = for_measures("All measures", all.iter().map(|a| &a.analysis));
    let mut domains: Vec<DomainHeadline> = Vec::new();
    for m in catalogue {
        if domains.iter().any(|d| d.slug == m.domain_slug) {
            continue;
        }
        let domain: Vec<&crate::domain::Measure> = catalogue
            .iter()
            .filter(|x| x.domain_slug == m.domain_slug)
            .collect();
        let in_domain: Vec<&MeasureAnalysis> = domain
            .iter()
            .filter_map(|x| by_code.get(x.code.as_str()))
            .map(|a| &a.analysis)
            .collect();
        let mut headline = for_measures(&m.domain_name, in_domain.iter().copied());
        if in_domain.is_empty() {
            headline.sentence.push_str(&fill_from(&domain));
        }
        let pairs: Vec<(&crate::domain::Measure, &MeasureAnalysis)> = domain
            .iter()
            .filter_map(|x| Some((*x, &by_code.get(x.code.as_str())?.analysis)))
            .collect();
        let mut details: Vec<String> = super::account::councils_direction(&pairs)
            .into_iter()
            .chain(
                pairs
                    .iter()
                    .filter_map(|(m, a)| super::account::range(m, a)),
            )
            .collect();
        details.extend(staff_missing(&domain, &pairs));
        let detail_rules = if details.is_empty() {
            Vec::new()
        } else {
            vec![
                super::account::DIRECTION_RULE.to_string(),
                super::account::RANGE_RULE.to_string(),
            ]
        };
        domains.push(DomainHeadline {
            slug: m.domain_slug.clone(),
            name: m.domain_name.clone(),
            headline,
            details,
            detail_rules,
        });
    }
    let measures = catalogue
        .iter()
        .filter_map(|m| {
            let a = by_code.get(m.code.as_str())?;
            Some(MeasureHeadline {
                code: m.code.clone(),
                headline: for_measure(&m.title, &a.analysis, names, |v| m.format_f64(v)),
            })
        })
        .collect();
    PeriodHeadlines {
        overall,
        domains,
        measures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{analysis, council};

    #[test]
    fn a_domain_without_values_says_which_sources_fill_it() {
        let measure = |code: &str, source: &str| crate::domain::Measure {
            code: code.into(),
            domain_slug: "culture".into(),
            domain_name: "Culture and challenge".into(),
            source: source.into(),
            ..crate::analysis::fixtures::measure()
        };
        let catalogue = [
            measure("CC01", "The service's own records"),
            measure("CC02", "Peer challenge records"),
            measure("CC03", "The service's own records (Local Accounts)"),
        ];
        let h = of_period(&catalogue, &[], &HashMap::new());
        assert_eq!(
            h.domains[0].headline.sentence,
            "Culture and challenge: no measure has values for this period. Its measures come from: The service's own records; Peer challenge records."
        );
    }

    #[test]
    fn workforce_without_figures_names_its_sources() {
        let measure = |code: &str, kind: &str, source: &str| crate::domain::Measure {
            code: code.into(),
            measure_type: kind.into(),
            domain_slug: "resource-workforce".into(),
            domain_name: "Resource and workforce".into(),
            source: source.into(),
            ..crate::analysis::fixtures::measure()
        };
        let catalogue = [
            measure("RW01", "financial", "Finance return"),
            measure("RW05", "people", "Skills for Care (Oflog ASC7)"),
        ];
        let spend = crate::analysis::scorecard::Analysed {
            measure: "RW01".into(),
            period: crate::analysis::fixtures::period("2016-17"),
            trend_from: crate::analysis::fixtures::period("2016-17"),
            analysis: analysis(vec![council("A", 1.0, Direction::Increased)]),
        };
        let h = of_period(&catalogue, &[spend], &HashMap::new());
        assert_eq!(
            h.domains[0].details.last().map(String::as_str),
            Some("Workforce: no figures for this period. Its measures come from: Skills for Care.")
        );
    }

    #[test]
    fn significant_changes_without_polarity_are_counted_as_such() {
        let a = analysis(vec![
            council("A", 1.0, Direction::Increased),
            council("B", 2.0, Direction::Increased),
            council("C", 3.0, Direction::Decreased),
            council("D", 4.0, Direction::NoSignificantChange),
        ]);
        let h = for_measure("Unit cost", &a, &HashMap::new(), |v| v.to_string());
        assert_eq!((h.numbers.increased, h.numbers.decreased), (2, 1));
        assert_eq!(h.numbers.no_significant_change, 1);
        assert!(
            h.sentence.ends_with(
                "Since the previous period 2 increased and 1 decreased significantly where neither is better and 1 showed no significant change."
            ),
            "{}",
            h.sentence
        );
        let b = analysis(vec![
            council("A", 1.0, Direction::Improved),
            council("B", 2.0, Direction::NoSignificantChange),
        ]);
        let h = for_measure("Direct payments", &b, &HashMap::new(), |v| v.to_string());
        assert!(
            h.sentence.ends_with(
                "Since the previous period 1 improved, 0 declined and 1 showed no significant change."
            ),
            "{}",
            h.sentence
        );
    }
}
