//! The quantitative risk triggers of Table 2 (seed 001), and the same machinery flagging
//! excellence: named rules over an analysed period, each evaluated for every council and
//! measure, fired or not, with its evidence. Pure: the inputs are plain data.
//!
//! No trigger is a verdict: the annual assessment weighs them "in the round" (Table 2), and the
//! service never computes a judgement from them.

use std::collections::HashMap;

use crate::analysis::comparison::Comparison;
use crate::analysis::funnel;
use crate::analysis::intervals::{IntervalMethod, Level};
use crate::analysis::measure::CouncilResult;
use crate::analysis::scorecard::{Analysed, Inputs};
use crate::analysis::trend::{Direction, Trend};
use crate::domain::round::ReturnStatus;
use crate::domain::{Measure, Period, Polarity, Unit};
use rust_decimal::prelude::ToPrimitive;

pub const SIGNIFICANTLY_WORSE: &str = "significantly-worse";
pub const WORSE_AND_WORSENING: &str = "worse-and-worsening";
pub const FUNNEL_OUTLIER: &str = "funnel-outlier";
pub const ADMISSIONS_RISING: &str = "admissions-rising";
pub const UNIT_COST_CHANGE: &str = "unit-cost-change";
pub const WORKFORCE: &str = "workforce";
pub const RETURN_MISSING: &str = "return-missing";
pub const LEVEL_1: &str = "level-1";
pub const SIGNIFICANTLY_BETTER: &str = "significantly-better";
pub const SUSTAINED_IMPROVEMENT: &str = "sustained-improvement";

/// The rules' parameters (stored per trigger, editable by the analyst, versioned).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// `admissions-rising`: the measures of permanent admissions.
    pub admissions_measures: Vec<String>,
    /// `admissions-rising`: the year-on-year rise (%) that fires, when the region's is not as
    /// high.
    pub admissions_rise_percent: f64,
    /// `admissions-rising`: the fewest admissions in the year for a rise to count.
    pub admissions_min_count: f64,
    /// `unit-cost-change`: the change (%) either way that fires, for financial measures in £.
    pub unit_cost_change_percent: f64,
    /// `workforce`: the catalogue tag of staff measures (vacancy, turnover, sickness, agency use).
    pub workforce_tag: String,
}

impl Params {
    /// The rules' parameters from every trigger's own (each names its own keys), merged once;
    /// a key no rule knows, or a value of the wrong kind, is an error naming the trigger.
    pub fn merged<'a>(
        stored: impl IntoIterator<Item = (&'a str, &'a serde_json::Value)>,
    ) -> Result<Params, String> {
        let mut merged = serde_json::Map::new();
        for (trigger, params) in stored {
            let serde_json::Value::Object(p) = params else {
                return Err(format!("the parameters of {trigger} are not a JSON object"));
            };
            serde_json::from_value::<Params>(params.clone())
                .map_err(|e| format!("the parameters of {trigger}: {e}"))?;
            merged.extend(p.clone());
        }
        serde_json::from_value(serde_json::Value::Object(merged)).map_err(|e| e.to_string())
    }
}

impl Default for Params {
    fn default() -> Self {
        Params {
            admissions_measures: vec!["2A1".into(), "2A2".into()],
            admissions_rise_percent: 10.0,
            admissions_min_count: 10.0,
            unit_cost_change_percent: 10.0,
            workforce_tag: "staff".into(),
        }
    }
}

/// What a trigger found: the numbers it looked at and the rule it applied, in words.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub period: Option<String>,
    pub value: Option<f64>,
    pub benchmark: Option<f64>,
    /// The interval's low and high ends.
    #[schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2)]
    pub interval: Option<(f64, f64)>,
    pub level: Option<String>,
    pub quartile: Option<u8>,
    pub previous: Option<f64>,
    pub change_percent: Option<f64>,
    pub region_change_percent: Option<f64>,
    pub rule: String,
}

/// One trigger evaluated for one council (and measure, for measure triggers).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evaluation {
    pub trigger: &'static str,
    pub council: String,
    pub measure: Option<String>,
    pub fired: bool,
    /// An excellence flag rather than a concern.
    pub excellence: bool,
    pub evidence: Evidence,
}

/// A council's place in the latest collection round due by the period.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundState {
    pub council: String,
    pub period: Period,
    pub status: ReturnStatus,
    pub late: bool,
}

/// A council's self-assessed level (0 = below Level 1, up to 4) on a thematic review criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct SelfAssessed {
    pub council: String,
    pub theme: String,
    pub criterion: String,
    pub key: bool,
    pub level: i16,
}

/// Everything the rules look at for one period.
pub struct PeriodData<'a> {
    /// The period asked for. For a year, a measure whose latest value is from an earlier year
    /// was not collected in it (the carers' survey is biennial): it fires nothing new.
    pub as_at: Period,
    pub catalogue: &'a [Measure],
    pub inputs: &'a Inputs,
    /// Every measure analysed against England at 99.8%.
    pub strict: &'a [Analysed],
    /// Every measure analysed against England at 95%.
    pub loose: &'a [Analysed],
    pub rounds: &'a [RoundState],
    pub self_assessed: &'a [SelfAssessed],
}

/// The evaluation of every trigger for `councils`.
pub fn evaluate(p: &PeriodData<'_>, councils: &[String], params: &Params) -> Vec<Evaluation> {
    let values = ValueIndex::new(p.inputs);
    let loose: HashMap<&str, &Analysed> = p.loose.iter().map(|a| (a.measure.as_str(), a)).collect();
    let measures: HashMap<&str, &Measure> =
        p.catalogue.iter().map(|m| (m.code.as_str(), m)).collect();
    let multipliers: HashMap<&str, Option<i32>> = p
        .inputs
        .specs
        .iter()
        .map(|s| (s.code.as_str(), s.rate_multiplier))
        .collect();
    let mut out = Vec::new();
    for a in p.strict {
        let Some(m) = measures.get(a.measure.as_str()) else {
            continue;
        };
        if !p.as_at.is_quarter() && a.period.financial_year() < p.as_at.financial_year() {
            continue;
        }
        let by_council: HashMap<&str, &CouncilResult> = a
            .analysis
            .councils
            .iter()
            .map(|c| (c.code.as_str(), c))
            .collect();
        let loose_by: HashMap<&str, &CouncilResult> = loose
            .get(a.measure.as_str())
            .map(|l| {
                l.analysis
                    .councils
                    .iter()
                    .map(|c| (c.code.as_str(), c))
                    .collect()
            })
            .unwrap_or_default();
        let region = RegionChange::of(&values, p.inputs, &m.code, a.period);
        // Across a break in series there is no previous year to compare with.
        let comparable = m.comparable(a.period.previous(), a.period);
        for council in councils {
            let Some(strict) = by_council.get(council.as_str()) else {
                continue;
            };
            if strict.value.is_none() {
                continue;
            }
            let facts = Facts {
                measure: m,
                period: a.period,
                strict,
                loose: loose_by.get(council.as_str()).copied(),
                england: a.analysis.england.and_then(|b| b.value.to_f64()),
                previous: comparable
                    .then(|| values.get(&m.code, council, a.period.previous()))
                    .flatten(),
                previous_counts: comparable
                    .then(|| values.counts(&m.code, council, a.period.previous()))
                    .flatten(),
                region: &region,
                rate_multiplier: multipliers.get(m.code.as_str()).copied().flatten(),
            };
            out.extend(facts.evaluations(council, params));
        }
    }
    for council in councils {
        out.push(return_missing(council, p.rounds));
        out.push(level_1(council, p.self_assessed));
    }
    out
}

impl Facts<'_> {
    /// Every measure rule that applies to the measure, for one council.
    fn evaluations(&self, council: &str, params: &Params) -> Vec<Evaluation> {
        let m = self.measure;
        let mut found = vec![
            (SIGNIFICANTLY_WORSE, false, self.significantly_worse()),
            (WORSE_AND_WORSENING, false, self.worse_and_worsening()),
            (FUNNEL_OUTLIER, false, self.funnel_outlier()),
        ];
        if params.admissions_measures.iter().any(|c| c == &m.code) {
            found.push((ADMISSIONS_RISING, false, self.admissions_rising(params)));
        }
        if m.measure_type == "financial" && m.unit == Unit::Currency {
            found.push((UNIT_COST_CHANGE, false, self.unit_cost_change(params)));
        }
        if m.tags.contains(&params.workforce_tag) {
            found.push((WORKFORCE, false, self.workforce()));
        }
        found.push((SIGNIFICANTLY_BETTER, true, self.significantly_better()));
        found.push((SUSTAINED_IMPROVEMENT, true, self.sustained_improvement()));
        found
            .into_iter()
            .map(|(trigger, excellence, (fired, evidence))| Evaluation {
                trigger,
                council: council.to_string(),
                measure: Some(m.code.clone()),
                fired,
                excellence,
                evidence,
            })
            .collect()
    }
}

/// A stored value, and its numerator and denominator when it has them.
type Numbers = (f64, Option<(f64, f64)>);

/// Stored numbers by (measure, area, period).
struct ValueIndex<'a>(HashMap<(&'a str, &'a str, Period), Numbers>);

impl<'a> ValueIndex<'a> {
    fn new(inputs: &'a Inputs) -> Self {
        ValueIndex(
            inputs
                .values
                .iter()
                .filter_map(|s| {
                    let counts = s
                        .value
                        .numerator
                        .and_then(|x| x.to_f64())
                        .zip(s.value.denominator.and_then(|n| n.to_f64()));
                    Some((
                        (s.measure.as_str(), s.area.as_str(), s.period),
                        (s.value.value?.to_f64()?, counts),
                    ))
                })
                .collect(),
        )
    }

    fn get(&self, measure: &str, area: &str, period: Period) -> Option<f64> {
        self.0.get(&(measure, area, period)).map(|(v, _)| *v)
    }

    fn counts(&self, measure: &str, area: &str, period: Period) -> Option<(f64, f64)> {
        self.0.get(&(measure, area, period)).and_then(|(_, c)| *c)
    }
}

/// One-sided p-value of a rise in a count beyond what its population explains: the exact
/// conditional test for two Poisson counts (x₁ in population n₁, x₂ in n₂): under equal rates,
/// x₂ given x₁ + x₂ is binomial with p = n₂ / (n₁ + n₂); the p-value is P(X ≥ x₂).
pub fn poisson_rise_p(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<f64> {
    use statrs::distribution::{Binomial, DiscreteCDF};
    if x1 < 0.0 || x2 < 0.0 || n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let (x1, x2) = (x1.round() as u64, x2.round() as u64);
    let total = x1 + x2;
    if x2 == 0 {
        return Some(1.0);
    }
    let binomial = Binomial::new(n2 / (n1 + n2), total).ok()?;
    Some(binomial.sf(x2 - 1))
}

/// The region's change between two periods: the median of its councils' values in each.
struct RegionChange {
    percent: Option<f64>,
}

impl RegionChange {
    fn of(values: &ValueIndex<'_>, inputs: &Inputs, measure: &str, period: Period) -> RegionChange {
        let median_at = |p: Period| {
            let found: Vec<f64> = inputs
                .groups
                .region
                .members
                .iter()
                .filter_map(|c| values.get(measure, c, p))
                .collect();
            crate::analysis::spread::median(&found)
        };
        RegionChange {
            percent: percent_change(median_at(period.previous()), median_at(period)),
        }
    }
}

fn percent_change(previous: Option<f64>, now: Option<f64>) -> Option<f64> {
    let (p, n) = (previous?, now?);
    (p != 0.0).then(|| (n - p) / p.abs() * 100.0)
}

/// One council's numbers for one measure.
struct Facts<'a> {
    measure: &'a Measure,
    period: Period,
    strict: &'a CouncilResult,
    loose: Option<&'a CouncilResult>,
    england: Option<f64>,
    previous: Option<f64>,
    previous_counts: Option<(f64, f64)>,
    region: &'a RegionChange,
    rate_multiplier: Option<i32>,
}

impl Facts<'_> {
    fn evidence(&self, c: &CouncilResult, level: Level, rule: String) -> Evidence {
        Evidence {
            period: Some(self.period.to_string()),
            value: c.value,
            benchmark: self.england,
            interval: c.ci_low.zip(c.ci_high),
            level: Some(level.label().to_string()),
            quartile: c.quartile_national.or(c.quartile),
            previous: self.previous,
            change_percent: percent_change(self.previous, c.value),
            region_change_percent: self.region.percent,
            rule,
        }
    }

    fn quartile(&self) -> Option<u8> {
        self.strict.quartile_national.or(self.strict.quartile)
    }

    fn significantly_worse(&self) -> (bool, Evidence) {
        let fired = self.strict.comparison == Comparison::Worse && self.quartile() == Some(4);
        let scope = if self.strict.quartile_national.is_some() {
            "national"
        } else {
            "regional"
        };
        (
            fired,
            self.evidence(
                self.strict,
                Level::P998,
                format!("significantly worse than England (99.8% interval) and in the bottom {scope} quartile"),
            ),
        )
    }

    fn significantly_better(&self) -> (bool, Evidence) {
        let fired = self.strict.comparison == Comparison::Better && self.quartile() == Some(1);
        (
            fired,
            self.evidence(
                self.strict,
                Level::P998,
                "significantly better than England (99.8% interval) and in the top quartile".into(),
            ),
        )
    }

    fn worse_and_worsening(&self) -> (bool, Evidence) {
        let Some(c) = self.loose else {
            return (
                false,
                Evidence {
                    rule: "no 95% analysis".into(),
                    ..Evidence::default()
                },
            );
        };
        let worsening = matches!(
            self.strict.trend,
            Trend::IncreasingAndGettingWorse | Trend::DecreasingAndGettingWorse
        ) || c.direction_of_travel == Direction::Declined;
        (
            c.comparison == Comparison::Worse && worsening,
            self.evidence(
                c,
                Level::P95,
                format!(
                    "significantly worse than England (95% interval), and a worsening trend or direction of travel (trend: {}; direction: {})",
                    self.strict.trend.label(),
                    c.direction_of_travel.label()
                ),
            ),
        )
    }

    fn sustained_improvement(&self) -> (bool, Evidence) {
        let fired = matches!(
            self.strict.trend,
            Trend::IncreasingAndGettingBetter | Trend::DecreasingAndGettingBetter
        ) && self
            .loose
            .is_some_and(|c| c.direction_of_travel == Direction::Improved);
        (
            fired,
            self.evidence(
                self.strict,
                Level::P998,
                "a significant improving trend (99.8%) and an improvement on the previous period"
                    .into(),
            ),
        )
    }

    /// Outside the 99.8% funnel limit around England on the bad side.
    fn funnel_outlier(&self) -> (bool, Evidence) {
        let c = self.strict;
        let rule = "outside the 99.8% funnel limit around England, on the worse side".to_string();
        // A survey estimate has a published margin, not a count behind it: no funnel applies.
        let survey = c.interval_method == Some(IntervalMethod::MarginOfError);
        let limits = match (
            self.measure.unit,
            self.england,
            c.denominator.filter(|_| !survey),
        ) {
            (Unit::Percent, Some(b), Some(n)) => {
                funnel::proportion_limits(b / 100.0, n, Level::P998)
                    .map(|i| (i.low * 100.0, i.high * 100.0))
            }
            (Unit::Rate, Some(b), Some(n)) => self
                .rate_multiplier
                .and_then(|k| funnel::rate_limits(b, n, f64::from(k), Level::P998))
                .map(|i| (i.low, i.high)),
            _ => None,
        };
        let mut evidence = self.evidence(c, Level::P998, rule);
        evidence.interval = limits;
        let fired = match (limits, c.value) {
            (Some((low, high)), Some(v)) => match self.measure.polarity {
                Polarity::HigherIsBetter => v < low,
                Polarity::LowerIsBetter => v > high,
                Polarity::NoJudgement => false,
            },
            _ => false,
        };
        (fired, evidence)
    }

    /// Admissions up by more than the threshold, at least the minimum count this year, the
    /// rise significant beyond what the population explains (exact conditional Poisson test,
    /// one-sided 2.5%), while the region's median did not rise as much.
    fn admissions_rising(&self, params: &Params) -> (bool, Evidence) {
        let x = params.admissions_rise_percent;
        let min = params.admissions_min_count;
        let now = self.strict.numerator.zip(self.strict.denominator);
        let test = match (self.previous_counts, now) {
            (Some((x1, n1)), Some((x2, n2))) => poisson_rise_p(x1, n1, x2, n2).map(|p| (x2, p)),
            _ => None,
        };
        let mut evidence = self.evidence(
            self.strict,
            Level::P998,
            match test {
                Some((count, p)) => format!(
                    "permanent admissions up by more than {x}% on the previous year, at least {min} admissions (here {count}), the rise significant (exact Poisson test, one-sided p = {p:.4} < 0.025), while the region's are not"
                ),
                None => format!(
                    "permanent admissions up by more than {x}% on the previous year: not assessed without the counts of both years"
                ),
            },
        );
        evidence.interval = None;
        let fired = matches!(
            (evidence.change_percent, self.region.percent, test),
            (Some(change), region, Some((count, p)))
                if change > x && region.is_none_or(|r| r <= x) && count >= min && p < 0.025
        );
        (fired, evidence)
    }

    fn unit_cost_change(&self, params: &Params) -> (bool, Evidence) {
        let y = params.unit_cost_change_percent;
        let mut evidence = self.evidence(
            self.strict,
            Level::P998,
            format!(
                "a unit cost or spend changing by more than {y}% either way on the previous year"
            ),
        );
        evidence.interval = None;
        (
            evidence.change_percent.is_some_and(|c| c.abs() > y),
            evidence,
        )
    }

    /// In the region's worst quartile of a workforce measure (vacancy, turnover, sickness).
    fn workforce(&self) -> (bool, Evidence) {
        let mut evidence = self.evidence(
            self.strict,
            Level::P998,
            "beyond the region's upper quartile of a workforce measure (vacancy, turnover, sickness)".into(),
        );
        evidence.quartile = self.strict.quartile;
        evidence.interval = None;
        (self.strict.quartile == Some(4), evidence)
    }
}

/// Late with the latest quarterly return due by now (not submitted or accepted after its date).
fn return_missing(council: &str, rounds: &[RoundState]) -> Evaluation {
    let latest = rounds
        .iter()
        .filter(|r| r.council == council)
        .max_by_key(|r| r.period.sort_key());
    Evaluation {
        trigger: RETURN_MISSING,
        council: council.to_string(),
        measure: None,
        fired: latest.is_some_and(|r| r.late),
        excellence: false,
        evidence: Evidence {
            period: latest.map(|r| r.period.to_string()),
            rule: match latest {
                Some(r) => format!(
                    "the {} return: {}{}",
                    r.period,
                    r.status.words(),
                    if r.late { ", late" } else { "" }
                ),
                None => "no collection round yet".into(),
            },
            ..Evidence::default()
        },
    }
}

/// Below Level 1 on a key element of a thematic self-assessment.
fn level_1(council: &str, assessed: &[SelfAssessed]) -> Evaluation {
    let below: Vec<&SelfAssessed> = assessed
        .iter()
        .filter(|a| a.council == council && a.key && a.level < 1)
        .collect();
    Evaluation {
        trigger: LEVEL_1,
        council: council.to_string(),
        measure: None,
        fired: !below.is_empty(),
        excellence: false,
        evidence: Evidence {
            rule: if !assessed.iter().any(|a| a.council == council) {
                "no self-assessment submitted: not evaluated".into()
            } else if below.is_empty() {
                "every key element at Level 1 or above".into()
            } else {
                format!(
                    "below Level 1 on: {}",
                    below
                        .iter()
                        .map(|a| format!("{} ({})", a.criterion, a.theme))
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            },
            ..Evidence::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::measure::{ComparatorKind, Group, Groups, Spec, Value};
    use crate::analysis::scorecard::{Stored, analyse};
    use crate::domain::ENGLAND;
    use rust_decimal::Decimal;

    const YEAR: i32 = 2022;

    fn measure(code: &str, unit: Unit, polarity: Polarity, measure_type: &str) -> Measure {
        Measure {
            code: code.into(),
            display_code: code.into(),
            title: code.into(),
            definition: String::new(),
            unit,
            unit_label: String::new(),
            polarity,
            decimals: 1,
            domain_slug: "performance-outcomes".into(),
            domain_name: "Performance".into(),
            domain_position: 2,
            teasc_section_name: None,
            teasc_position: None,
            tier: "ascof".into(),
            measure_type: measure_type.into(),
            source: String::new(),
            frequency: "annual".into(),
            strategic_weight: 1,
            tags: if measure_type == "people" {
                vec!["staff".into()]
            } else {
                Vec::new()
            },
            series_break: None,
            type_reason: None,
            catalogued: true,
            plain_title: None,
        }
    }

    fn decimal(v: f64) -> Decimal {
        Decimal::from_f64_retain(v).unwrap()
    }

    /// A value (with its counts when `n` is given) of one area.
    fn stored(measure: &str, area: &str, year: i32, value: f64, n: Option<f64>) -> Stored {
        Stored {
            measure: measure.into(),
            area: area.into(),
            period: Period::year(year),
            value: Value {
                value: Some(decimal(value)),
                numerator: n.map(|n| decimal(value / 100.0 * n)),
                denominator: n.map(decimal),
                ..Value::default()
            },
        }
    }

    /// The councils `C1`… with one measure's values, the region being all of them.
    fn inputs(m: &Measure, values: Vec<Stored>, councils: usize) -> Inputs {
        let members: Vec<String> = (1..=councils).map(|i| format!("C{i}")).collect();
        let group = Group {
            members: members.clone(),
            published_area: Some(ENGLAND.into()),
        };
        Inputs {
            specs: vec![Spec {
                code: m.code.clone(),
                unit: m.unit,
                polarity: m.polarity,
                decimals: 1,
                rate_multiplier: (m.unit == Unit::Rate).then_some(100_000),
                target: None,
                council_targets: HashMap::new(),
                tolerance: None,
                series_from: None,
            }],
            values,
            groups: Groups {
                england: group,
                region: Group {
                    members: members.clone(),
                    published_area: None,
                },
                ..Groups::default()
            },
            councils: members,
        }
    }

    /// Every evaluation of `trigger`, fired or not, by council.
    fn fired(m: &Measure, inputs: &Inputs, trigger: &str) -> HashMap<String, bool> {
        fired_with(m, inputs, trigger, &Params::default())
    }

    fn fired_with(
        m: &Measure,
        inputs: &Inputs,
        trigger: &str,
        params: &Params,
    ) -> HashMap<String, bool> {
        fired_at(m, inputs, trigger, params, Period::year(YEAR))
    }

    fn fired_at(
        m: &Measure,
        inputs: &Inputs,
        trigger: &str,
        params: &Params,
        as_at: Period,
    ) -> HashMap<String, bool> {
        let at = |level| {
            analyse(
                inputs,
                &inputs.councils,
                as_at,
                ComparatorKind::England,
                level,
            )
        };
        let (strict, loose) = (at(Level::P998), at(Level::P95));
        let catalogue = [m.clone()];
        let data = PeriodData {
            as_at,
            catalogue: &catalogue,
            inputs,
            strict: &strict,
            loose: &loose,
            rounds: &[],
            self_assessed: &[],
        };
        evaluate(&data, &inputs.councils, params)
            .into_iter()
            .filter(|e| e.trigger == trigger)
            .map(|e| (e.council, e.fired))
            .collect()
    }

    #[test]
    fn significantly_worse_needs_both_significance_and_the_bottom_quartile() {
        let m = measure("1C2A", Unit::Percent, Polarity::HigherIsBetter, "outcome");
        let big = Some(10_000.0);
        let mut values = vec![stored("1C2A", ENGLAND, YEAR, 50.0, None)];
        // C1: far below England, bottom quartile; C2: bottom quartile, tiny sample (not
        // significant); C3: significantly worse, third quartile.
        for (i, (v, n)) in [
            (30.0, big),
            (45.0, Some(40.0)),
            (48.0, big),
            (50.0, big),
            (52.0, big),
            (55.0, big),
            (60.0, big),
            (70.0, big),
        ]
        .into_iter()
        .enumerate()
        {
            values.push(stored("1C2A", &format!("C{}", i + 1), YEAR, v, n));
        }
        let inputs = inputs(&m, values, 8);
        let f = fired(&m, &inputs, SIGNIFICANTLY_WORSE);
        assert_eq!(
            (f["C1"], f["C2"], f["C3"], f["C8"]),
            (true, false, false, false),
            "{f:?}"
        );
        let better = fired(&m, &inputs, SIGNIFICANTLY_BETTER);
        // C8 (70%) and C7 (60%) are ranks 1 and 2 of 8: the top quartile; C6 (55%) is rank 3.
        assert!(
            better["C8"] && better["C7"] && !better["C6"] && !better["C1"],
            "{better:?}"
        );
    }

    #[test]
    fn funnel_outlier_fires_just_beyond_the_99_8_limit_on_the_bad_side() {
        let m = measure("1C2A", Unit::Percent, Polarity::HigherIsBetter, "outcome");
        // England 50% published; at n = 100 the lower 99.8% limit is 50 − 3.090232 × 5 = 34.549.
        let mut values = vec![stored("1C2A", ENGLAND, YEAR, 50.0, None)];
        for (i, v) in [34.6, 34.5, 65.5, 50.0].into_iter().enumerate() {
            values.push(stored("1C2A", &format!("C{}", i + 1), YEAR, v, Some(100.0)));
        }
        let f = fired(&m, &inputs(&m, values, 4), FUNNEL_OUTLIER);
        assert_eq!(
            (f["C1"], f["C2"], f["C3"], f["C4"]),
            (false, true, false, false),
            "{f:?}"
        );
        let lower = measure("X", Unit::Percent, Polarity::LowerIsBetter, "outcome");
        let mut values = vec![stored("X", ENGLAND, YEAR, 50.0, None)];
        for (i, v) in [65.4, 65.5, 34.5].into_iter().enumerate() {
            values.push(stored("X", &format!("C{}", i + 1), YEAR, v, Some(100.0)));
        }
        let f = fired(&lower, &inputs(&lower, values, 3), FUNNEL_OUTLIER);
        assert_eq!(
            (f["C1"], f["C2"], f["C3"]),
            (false, true, false),
            "upper limit 65.451: {f:?}"
        );
    }

    /// A rate measure with a previous and a latest year for each council.
    fn two_years(m: &Measure, pairs: &[(f64, f64)]) -> Inputs {
        let mut values = Vec::new();
        for (i, (before, now)) in pairs.iter().enumerate() {
            let c = format!("C{}", i + 1);
            values.push(stored(&m.code, &c, YEAR - 1, *before, None));
            values.push(stored(&m.code, &c, YEAR, *now, None));
        }
        inputs(m, values, pairs.len())
    }

    #[test]
    fn worse_and_worsening_needs_significance_at_95_and_a_decline_and_improvement_is_flagged() {
        let m = measure("1C2A", Unit::Percent, Polarity::HigherIsBetter, "outcome");
        let n = Some(10_000.0);
        let mut values = Vec::new();
        for year in YEAR - 4..=YEAR {
            values.push(stored("1C2A", ENGLAND, year, 50.0, None));
        }
        // C1: 48% (95% interval 47.0–49.0, worse), down from 50%: z ≈ 2.8, declined.
        // C2: 48% both years: worse, not worsening. C3: 49.5%, down from 52%: declined, but
        // its interval holds England's 50%. C4: 40, 42, 44, 46, 48: improving every year.
        for (c, series) in [
            ("C1", vec![50.0, 48.0]),
            ("C2", vec![48.0, 48.0]),
            ("C3", vec![52.0, 49.5]),
            ("C4", vec![40.0, 42.0, 44.0, 46.0, 48.0]),
        ] {
            let first = YEAR + 1 - i32::try_from(series.len()).unwrap();
            for (i, v) in series.into_iter().enumerate() {
                values.push(stored("1C2A", c, first + i32::try_from(i).unwrap(), v, n));
            }
        }
        let inputs = inputs(&m, values, 4);
        let f = fired(&m, &inputs, WORSE_AND_WORSENING);
        assert_eq!((f["C1"], f["C2"], f["C3"]), (true, false, false), "{f:?}");
        let improving = fired(&m, &inputs, SUSTAINED_IMPROVEMENT);
        assert_eq!(
            (improving["C4"], improving["C1"]),
            (true, false),
            "{improving:?}"
        );
    }

    /// Permanent admissions per 100,000 with their counts: (rate before, rate now, population).
    fn admissions(m: &Measure, rows: &[(f64, f64, f64)]) -> Inputs {
        let mut values = Vec::new();
        for (i, (before, now, population)) in rows.iter().enumerate() {
            let c = format!("C{}", i + 1);
            for (year, rate) in [(YEAR - 1, before), (YEAR, now)] {
                values.push(Stored {
                    measure: m.code.clone(),
                    area: c.clone(),
                    period: Period::year(year),
                    value: Value {
                        value: Some(decimal(*rate)),
                        numerator: Some(decimal((rate * population / 100_000.0).round())),
                        denominator: Some(decimal(*population)),
                        ..Value::default()
                    },
                });
            }
        }
        inputs(m, values, rows.len())
    }

    #[test]
    fn a_measure_not_collected_in_the_year_fires_nothing_new() {
        let m = measure("3B", Unit::Percent, Polarity::HigherIsBetter, "outcome");
        let mut values = vec![stored("3B", ENGLAND, YEAR - 1, 50.0, None)];
        for i in 1..=8 {
            let v = if i == 1 { 30.0 } else { 50.0 + f64::from(i) };
            values.push(stored("3B", &format!("C{i}"), YEAR - 1, v, Some(10_000.0)));
        }
        let inputs = inputs(&m, values, 8);
        let last_year = fired_at(
            &m,
            &inputs,
            SIGNIFICANTLY_WORSE,
            &Params::default(),
            Period::year(YEAR - 1),
        );
        assert!(last_year["C1"], "fired in the year it was collected");
        let this_year = fired_at(
            &m,
            &inputs,
            SIGNIFICANTLY_WORSE,
            &Params::default(),
            Period::year(YEAR),
        );
        assert!(
            this_year.is_empty(),
            "not collected: nothing new {this_year:?}"
        );
    }

    #[test]
    fn stored_parameters_merge_once_and_a_bad_one_is_named() {
        let admissions = serde_json::json!({ "admissions_rise_percent": 12.5 });
        let workforce = serde_json::json!({ "workforce_tag": "staff" });
        let params = Params::merged([
            ("admissions-rising", &admissions),
            ("workforce", &workforce),
        ])
        .unwrap();
        assert_eq!(params.admissions_rise_percent, 12.5);
        assert_eq!(
            params.admissions_min_count, 10.0,
            "the default where none is stored"
        );
        let typo = serde_json::json!({ "admissions_rise_percnt": 12.5 });
        let err = Params::merged([("admissions-rising", &typo)]).unwrap_err();
        assert!(
            err.contains("admissions-rising") && err.contains("admissions_rise_percnt"),
            "{err}"
        );
        let wrong = serde_json::json!({ "unit_cost_change_percent": "ten" });
        assert!(
            Params::merged([("unit-cost-change", &wrong)])
                .unwrap_err()
                .contains("unit-cost-change")
        );
    }

    #[test]
    fn an_exact_poisson_test_of_a_rise() {
        // 600 → 663 in equal populations: z ≈ 1.74, p ≈ 0.041; 6,000 → 6,630: p far below.
        let p = poisson_rise_p(600.0, 1e5, 663.0, 1e5).unwrap();
        assert!((0.035..0.05).contains(&p), "{p}");
        assert!(poisson_rise_p(6000.0, 1e6, 6630.0, 1e6).unwrap() < 1e-6);
        // 5 → 8 people: p ≈ 0.29.
        let p = poisson_rise_p(5.0, 1e5, 8.0, 1e5).unwrap();
        assert!((0.2..0.35).contains(&p), "{p}");
        assert_eq!(poisson_rise_p(5.0, 1e5, 0.0, 1e5), Some(1.0));
    }

    #[test]
    fn admissions_rising_needs_a_significant_rise_of_enough_people_and_a_region_that_did_not_rise()
    {
        let m = measure("2A2", Unit::Rate, Polarity::LowerIsBetter, "outcome");
        let big = 1_000_000.0;
        let flat = (600.0, 600.0, big);
        let inputs = admissions(
            &m,
            &[
                (600.0, 660.0, big),      // C1: +10.0%, not more than 10
                (600.0, 663.0, big),      // C2: +10.5% of 6,000 admissions: significant
                (600.0, 570.0, big),      // C3: fell
                (500.0, 800.0, 1_000.0),  // C4: 5 → 8 people: too few
                (600.0, 700.0, 10_000.0), // C5: 60 → 70: +16.7%, not significant
                flat,
                flat,
            ],
        );
        let f = fired(&m, &inputs, ADMISSIONS_RISING);
        assert_eq!(
            (f["C1"], f["C2"], f["C3"], f["C4"], f["C5"]),
            (false, true, false, false, false),
            "{f:?}"
        );
        // The whole region rose by 12%: no council stands out.
        let rising = (600.0, 672.0, big);
        let inputs = admissions(&m, &[(600.0, 690.0, big), rising, rising, rising]);
        assert!(!fired(&m, &inputs, ADMISSIONS_RISING)["C1"]);
        // Another threshold, from the analyst's parameters.
        let params = Params {
            admissions_rise_percent: 5.0,
            ..Params::default()
        };
        let inputs = admissions(&m, &[(600.0, 633.0, big), flat, flat]);
        assert!(fired_with(&m, &inputs, ADMISSIONS_RISING, &params)["C1"]);
        assert!(!fired(&m, &inputs, ADMISSIONS_RISING)["C1"]);
    }

    #[test]
    fn unit_cost_change_fires_beyond_the_threshold_either_way() {
        let m = measure("RN04", Unit::Currency, Polarity::NoJudgement, "financial");
        let inputs = two_years(
            &m,
            &[
                (500.0, 550.0),
                (500.0, 550.5),
                (500.0, 449.5),
                (500.0, 500.0),
            ],
        );
        let f = fired(&m, &inputs, UNIT_COST_CHANGE);
        assert_eq!(
            (f["C1"], f["C2"], f["C3"], f["C4"]),
            (false, true, true, false),
            "{f:?}"
        );
        let outcome = measure("1C2A", Unit::Percent, Polarity::HigherIsBetter, "outcome");
        let inputs = two_years(&outcome, &[(50.0, 80.0)]);
        assert!(
            fired(&outcome, &inputs, UNIT_COST_CHANGE).is_empty(),
            "only financial measures in £"
        );
    }

    #[test]
    fn workforce_fires_in_the_regions_worst_quartile() {
        let m = measure("RW03", Unit::Percent, Polarity::LowerIsBetter, "people");
        let values = [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]
            .iter()
            .enumerate()
            .map(|(i, v)| stored("RW03", &format!("C{}", i + 1), YEAR, *v, None))
            .collect();
        let f = fired(&m, &inputs(&m, values, 8), WORKFORCE);
        // Ranks best first: C8 (15%) and C7 (14%) are ranks 8 and 7, the worst quartile.
        assert_eq!((f["C6"], f["C7"], f["C8"]), (false, true, true), "{f:?}");
        assert!(!f["C1"]);
        // A People measure that is not about staff (meetings attended) is never looked at.
        let meetings = Measure {
            tags: Vec::new(),
            ..measure("CC01", Unit::Percent, Polarity::LowerIsBetter, "people")
        };
        let values = (1..=8)
            .map(|i| stored("CC01", &format!("C{i}"), YEAR, f64::from(i) * 10.0, None))
            .collect();
        assert!(fired(&meetings, &inputs(&meetings, values, 8), WORKFORCE).is_empty());
    }

    #[test]
    fn a_late_return_and_a_key_element_below_level_1_fire() {
        let q1 = Period::quarter(YEAR, 1).unwrap();
        let q2 = Period::quarter(YEAR, 2).unwrap();
        let rounds = [
            RoundState {
                council: "C1".into(),
                period: q1,
                status: ReturnStatus::NotStarted,
                late: true,
            },
            RoundState {
                council: "C1".into(),
                period: q2,
                status: ReturnStatus::Submitted { warnings: 0 },
                late: false,
            },
            RoundState {
                council: "C2".into(),
                period: q2,
                status: ReturnStatus::SentBack,
                late: true,
            },
        ];
        assert!(
            !return_missing("C1", &rounds).fired,
            "the latest round counts"
        );
        assert!(return_missing("C2", &rounds).fired);
        assert!(
            !return_missing("C3", &rounds).fired,
            "no round, nothing missing"
        );
        let assessed = [
            SelfAssessed {
                council: "C1".into(),
                theme: "Safeguarding".into(),
                criterion: "Leadership".into(),
                key: true,
                level: 0,
            },
            SelfAssessed {
                council: "C2".into(),
                theme: "Safeguarding".into(),
                criterion: "Leadership".into(),
                key: true,
                level: 1,
            },
            SelfAssessed {
                council: "C3".into(),
                theme: "Safeguarding".into(),
                criterion: "Training".into(),
                key: false,
                level: 0,
            },
        ];
        let c1 = level_1("C1", &assessed);
        assert!(c1.fired);
        assert_eq!(
            c1.evidence.rule,
            "below Level 1 on: Leadership (Safeguarding)"
        );
        assert!(!level_1("C2", &assessed).fired, "Level 1 meets the minimum");
        assert!(!level_1("C3", &assessed).fired, "not a key element");
        let c2 = level_1("C2", &assessed);
        assert_eq!(c2.evidence.rule, "every key element at Level 1 or above");
        let c9 = level_1("C9", &assessed);
        assert!(!c9.fired);
        assert_eq!(
            c9.evidence.rule,
            "no self-assessment submitted: not evaluated"
        );
    }
}
