//! One measure in one period, analysed for every council of interest: interval, benchmark,
//! comparison, ranks and quartiles, distance from the median, direction of travel, recent trend
//! and RAG. Pure: the caller gathers the values and the comparator groups.

use std::collections::HashMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::benchmark::{self, Benchmark, Member};
use super::comparison::{self, Comparison};
use super::intervals::{Interval, IntervalMethod, Level, byar, wilson};
use super::rag::{self, Rag, RagRule, Target};
use super::ranking;
use super::spread;
use super::trend::{self, Direction, Point, Tolerance, Trend};
use crate::domain::{Period, Polarity, Provenance, Unit};

/// What the analysis needs to know of a measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub code: String,
    pub unit: Unit,
    pub polarity: Polarity,
    pub decimals: u32,
    pub rate_multiplier: Option<i32>,
    /// The target for every council, if one is set.
    pub target: Option<Target>,
    /// Targets set for one council, overriding `target`.
    pub council_targets: HashMap<String, Target>,
    /// The change that counts for direction of travel when there are no counts.
    pub tolerance: Option<Tolerance>,
    /// The first period of the current series (a break in series): earlier periods are never
    /// compared with it or joined to it.
    pub series_from: Option<Period>,
}

/// A stored value with its counts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Value {
    pub value: Option<Decimal>,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub margin_of_error: Option<Decimal>,
    /// The respondents behind a survey estimate.
    pub base: Option<Decimal>,
    /// Where the value came from, when known.
    pub provenance: Option<Provenance>,
}

impl Value {
    fn member(&self) -> Member {
        Member {
            value: self.value,
            numerator: self.numerator,
            denominator: self.denominator,
        }
    }

    fn point(&self) -> Option<Point> {
        Some(Point {
            value: self.value?.to_f64()?,
            numerator: self.numerator.and_then(|d| d.to_f64()),
            denominator: self.denominator.and_then(|d| d.to_f64()),
            margin: self.margin_of_error.and_then(|d| d.to_f64()),
        })
    }

    /// The value as analysed: none when its numerator and denominator are both 0 (nobody to
    /// count), whatever the file says.
    pub fn usable(self) -> Value {
        if self.denominator.is_some_and(|d| d.is_zero())
            && self.numerator.is_none_or(|n| n.is_zero())
        {
            Value {
                value: None,
                ..self
            }
        } else {
            self
        }
    }
}

/// The interval around a value in the measure's own units (percentages, rates, scores). A
/// published margin of error always wins (METHODS §1): survey measures' numerators and
/// denominators are weighted population estimates, not respondents, so a Wilson interval on
/// them would be far too narrow.
pub fn interval(spec: &Spec, v: &Value, level: Level) -> Option<(Interval, IntervalMethod)> {
    let f = |d: Option<Decimal>| d.and_then(|d| d.to_f64());
    if let (Some(value), Some(moe)) = (f(v.value), f(v.margin_of_error)) {
        let moe = level.margin(moe);
        return Some((
            Interval {
                low: value - moe,
                high: value + moe,
            },
            IntervalMethod::MarginOfError,
        ));
    }
    let counts = (f(v.numerator), f(v.denominator));
    match (spec.unit, counts) {
        (Unit::Percent, (Some(x), Some(n))) => wilson(x, n, level.z()).map(|i| {
            (
                Interval {
                    low: i.low * 100.0,
                    high: i.high * 100.0,
                },
                IntervalMethod::Wilson,
            )
        }),
        (Unit::Rate, (Some(x), Some(n))) if n > 0.0 => {
            let k = f64::from(spec.rate_multiplier?);
            byar(x, level.z()).map(|i| {
                (
                    Interval {
                        low: i.low / n * k,
                        high: i.high / n * k,
                    },
                    IntervalMethod::Byar,
                )
            })
        }
        _ => None,
    }
}

/// Which benchmark councils are compared with.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ComparatorKind {
    England,
    Region,
    Neighbours,
    Type,
}

impl ComparatorKind {
    pub const ALL: [ComparatorKind; 4] = [
        ComparatorKind::England,
        ComparatorKind::Region,
        ComparatorKind::Neighbours,
        ComparatorKind::Type,
    ];

    /// The value of the `comparator` parameter that asks for it.
    pub fn param(self) -> &'static str {
        match self {
            ComparatorKind::England => "england",
            ComparatorKind::Region => "region",
            ComparatorKind::Neighbours => "neighbours",
            ComparatorKind::Type => "type",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ComparatorKind::England => "England",
            ComparatorKind::Region => "the region",
            ComparatorKind::Neighbours => "nearest neighbours",
            ComparatorKind::Type => "councils of the same type",
        }
    }
}

impl std::str::FromStr for ComparatorKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ComparatorKind::ALL
            .into_iter()
            .find(|k| k.param() == s)
            .ok_or_else(|| {
                format!("'{s}' is not a comparator: use england, region, neighbours or type")
            })
    }
}

/// A set of councils and, where it has one, the area whose published value benchmarks it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    pub members: Vec<String>,
    pub published_area: Option<String>,
}

/// The comparator groups of a period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Groups {
    /// Every English council in the period (published area: England).
    pub england: Group,
    /// The region of focus.
    pub region: Group,
    /// Each council's type group.
    pub type_of: HashMap<String, Group>,
    /// Each council's nearest neighbours (never itself).
    pub neighbours_of: HashMap<String, Group>,
}

impl Groups {
    pub fn for_council(&self, kind: ComparatorKind, council: &str) -> Option<&Group> {
        match kind {
            ComparatorKind::England => Some(&self.england),
            ComparatorKind::Region => Some(&self.region),
            ComparatorKind::Type => self.type_of.get(council),
            ComparatorKind::Neighbours => self.neighbours_of.get(council),
        }
    }
}

/// The values of one measure around one period, by area code.
#[derive(Debug, Clone, Default)]
pub struct Data<'a> {
    pub current: HashMap<&'a str, Value>,
    pub previous: HashMap<&'a str, Value>,
    /// Values of consecutive periods ending with the current one, oldest first.
    pub history: HashMap<&'a str, Vec<Value>>,
}

/// Everything the scorecard says about one council's value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct CouncilResult {
    pub code: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// The respondents behind a survey estimate (published as its `Base`).
    pub base: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub interval_method: Option<IntervalMethod>,
    pub benchmark: Option<Benchmark>,
    pub comparison: Comparison,
    pub rank: Option<usize>,
    pub quartile: Option<u8>,
    pub rank_national: Option<usize>,
    pub quartile_national: Option<u8>,
    pub mads: Option<f64>,
    pub distance: &'static str,
    pub outlier: bool,
    pub direction_of_travel: Direction,
    pub trend: Trend,
    pub rag: Rag,
    pub rag_rule: RagRule,
    /// The target the RAG used, and whose it is.
    pub target: Option<Target>,
    /// Where the council's value came from.
    pub source: Option<Provenance>,
}

/// The analysis of one measure for the councils of the region.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MeasureAnalysis {
    pub comparator: ComparatorKind,
    pub level: Level,
    pub england: Option<Benchmark>,
    pub region: Option<Benchmark>,
    /// Whether national ranks were possible (values for councils beyond the region).
    pub national: bool,
    pub councils: Vec<CouncilResult>,
}

fn to_f64(d: Option<Decimal>) -> Option<f64> {
    d.and_then(|d| d.to_f64())
}

fn group_benchmark(spec: &Spec, data: &Data<'_>, group: &Group) -> Option<Benchmark> {
    let published = group
        .published_area
        .as_deref()
        .and_then(|a| data.current.get(a))
        .and_then(|v| v.value);
    let members: Vec<Member> = group
        .members
        .iter()
        .filter_map(|m| data.current.get(m.as_str()))
        .map(Value::member)
        .collect();
    benchmark::benchmark(
        published,
        &members,
        spec.unit,
        spec.rate_multiplier,
        spec.decimals,
    )
}

/// The RAG of a council's value: against its target when it has one, else from its
/// comparison with the benchmark; the target is kept only when it decided.
fn rag_of(
    spec: &Spec,
    code: &str,
    value: Option<f64>,
    comparison: Comparison,
) -> (Rag, RagRule, Option<Target>) {
    let target = spec
        .council_targets
        .get(code)
        .or(spec.target.as_ref())
        .copied();
    let (rag, rule) = match (target, value) {
        (Some(t), Some(x)) => (
            rag::against_target(x, t.value, t.tolerance, spec.polarity),
            RagRule::Target,
        ),
        (_, Some(_)) if comparison != Comparison::NotCompared => {
            (rag::from_comparison(comparison), RagRule::Benchmark)
        }
        _ => (Rag::NotRated, RagRule::None),
    };
    (rag, rule, target.filter(|_| rule == RagRule::Target))
}

/// Whether `later` differs significantly from `earlier` (the direction of travel's test, without
/// a tolerance): improved or declined by `polarity`, or no significant change.
pub fn change(earlier: &Value, later: &Value, polarity: Polarity) -> Direction {
    match (earlier.point(), later.point()) {
        (Some(e), Some(l)) => trend::direction(e, l, polarity, None),
        _ => Direction::NotAssessed,
    }
}

/// A council's direction of travel since the period before, and its recent trend.
fn movement(spec: &Spec, data: &Data<'_>, code: &str, v: &Value) -> (Direction, trend::Trend) {
    let direction = match (data.previous.get(code).and_then(Value::point), v.point()) {
        (Some(p), Some(l)) => trend::direction(p, l, spec.polarity, spec.tolerance),
        _ => Direction::NotAssessed,
    };
    let points: Vec<Point> = data
        .history
        .get(code)
        .map(|h| h.iter().filter_map(Value::point).collect())
        .unwrap_or_default();
    (direction, trend::recent(&points, spec.polarity))
}

/// Ranks against every English council with a value, when there are more of them than in the
/// region, and the values the spread is measured on.
struct Standing<'a> {
    national: bool,
    national_n: usize,
    national_ranks: HashMap<&'a str, usize>,
    median_mad: Option<(f64, f64)>,
}

impl<'a> Standing<'a> {
    fn new(
        spec: &Spec,
        data: &Data<'_>,
        groups: &'a Groups,
        region_values: &[Option<Decimal>],
    ) -> Standing<'a> {
        let value_of = |c: &str| data.current.get(c).and_then(|v| v.value);
        let region_n = region_values.iter().flatten().count();
        let national_codes: Vec<&str> = groups
            .england
            .members
            .iter()
            .map(String::as_str)
            .filter(|c| value_of(c).is_some())
            .collect();
        let national = national_codes.len() > region_n;
        let national_values: Vec<Option<Decimal>> =
            national_codes.iter().map(|c| value_of(c)).collect();
        let spread_basis: Vec<f64> = if national {
            national_values.iter().filter_map(|v| to_f64(*v)).collect()
        } else {
            region_values.iter().filter_map(|v| to_f64(*v)).collect()
        };
        Standing {
            national,
            national_n: national_codes.len(),
            national_ranks: national_codes
                .iter()
                .zip(ranking::ranks(&national_values, spec.polarity))
                .filter_map(|(c, r)| Some((*c, r?)))
                .collect(),
            median_mad: spread::median_and_mad(&spread_basis),
        }
    }
}

/// The benchmark a council is compared with: England's, the region's, or its own group's.
fn benchmark_for(
    spec: &Spec,
    data: &Data<'_>,
    groups: &Groups,
    comparator: ComparatorKind,
    code: &str,
    england: Option<Benchmark>,
    region: Option<Benchmark>,
) -> Option<Benchmark> {
    match comparator {
        ComparatorKind::England => england,
        ComparatorKind::Region => region,
        kind => groups
            .for_council(kind, code)
            .and_then(|g| group_benchmark(spec, data, g)),
    }
}

/// Analyses `councils` (the region of focus) against `comparator` at `level`.
pub fn analyse(
    spec: &Spec,
    data: &Data<'_>,
    groups: &Groups,
    councils: &[String],
    comparator: ComparatorKind,
    level: Level,
) -> MeasureAnalysis {
    let england = group_benchmark(spec, data, &groups.england);
    let region = group_benchmark(spec, data, &groups.region);
    let region_values: Vec<Option<Decimal>> = councils
        .iter()
        .map(|c| data.current.get(c.as_str()).and_then(|v| v.value))
        .collect();
    let region_ranks = ranking::ranks(&region_values, spec.polarity);
    let region_n = region_values.iter().flatten().count();
    let standing = Standing::new(spec, data, groups, &region_values);
    let results = councils
        .iter()
        .zip(region_ranks)
        .map(|(code, rank)| {
            let v = data.current.get(code.as_str()).copied().unwrap_or_default();
            let interval = interval(spec, &v, level);
            let benchmark = benchmark_for(spec, data, groups, comparator, code, england, region);
            let comparison = comparison::by_interval(
                interval.map(|(i, _)| i),
                benchmark.and_then(|b| b.value.to_f64()),
                spec.polarity,
            );
            let value = to_f64(v.value);
            let mads = value
                .zip(standing.median_mad)
                .and_then(|(x, (m, mad))| spread::mads(x, m, mad));
            let (direction, trend) = movement(spec, data, code, &v);
            let (rag, rag_rule, target) = rag_of(spec, code, value, comparison);
            let rank_national = standing
                .national
                .then(|| standing.national_ranks.get(code.as_str()).copied())
                .flatten();
            CouncilResult {
                code: code.clone(),
                value,
                numerator: to_f64(v.numerator),
                denominator: to_f64(v.denominator),
                base: to_f64(v.base),
                ci_low: interval.map(|(i, _)| i.low),
                ci_high: interval.map(|(i, _)| i.high),
                interval_method: interval.map(|(_, m)| m),
                benchmark,
                comparison,
                rank,
                quartile: rank.and_then(|r| ranking::quartile(r, region_n)),
                rank_national,
                quartile_national: rank_national
                    .and_then(|r| ranking::quartile(r, standing.national_n)),
                mads,
                distance: spread::words(mads, spec.polarity),
                outlier: spread::is_outlier(mads),
                direction_of_travel: direction,
                trend,
                rag,
                rag_rule,
                target,
                source: v.provenance,
            }
        })
        .collect();
    MeasureAnalysis {
        comparator,
        level,
        england,
        region,
        national: standing.national,
        councils: results,
    }
}

#[cfg(test)]
mod margin_tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn percent() -> Spec {
        Spec {
            code: "3A".into(),
            unit: Unit::Percent,
            polarity: Polarity::HigherIsBetter,
            decimals: 1,
            rate_multiplier: None,
            target: None,
            council_targets: HashMap::new(),
            tolerance: None,
            series_from: None,
        }
    }

    /// Halton 3A 2018-19 as published: 68.8 with a margin of error of 5.7, on weighted
    /// estimates of 1,215 of 1,765 (METHODS §1).
    #[test]
    fn a_published_margin_wins_over_wilson_at_both_levels() {
        let v = Value {
            value: Some(dec!(68.8)),
            numerator: Some(dec!(1215)),
            denominator: Some(dec!(1765)),
            margin_of_error: Some(dec!(5.7)),
            base: Some(dec!(225)),
            provenance: None,
        };
        let (i, method) = interval(&percent(), &v, Level::P95).unwrap();
        assert_eq!(method, IntervalMethod::MarginOfError);
        assert!(
            (i.low - 63.1).abs() < 1e-9 && (i.high - 74.5).abs() < 1e-9,
            "{i:?}"
        );
        let (i, _) = interval(&percent(), &v, Level::P998).unwrap();
        let half = 5.7 * 3.090232 / 1.959964;
        assert!((i.low - (68.8 - half)).abs() < 1e-4, "{i:?}");
        assert!((i.high - (68.8 + half)).abs() < 1e-4, "{i:?}");
        // Without the margin, the same counts get Wilson's far narrower 66.6 to 71.0.
        let wilson = Value {
            margin_of_error: None,
            ..v
        };
        let (i, method) = interval(&percent(), &wilson, Level::P95).unwrap();
        assert_eq!(method, IntervalMethod::Wilson);
        assert!(
            (i.low - 66.6).abs() < 0.05 && (i.high - 71.0).abs() < 0.05,
            "{i:?}"
        );
    }

    #[test]
    fn nobody_in_the_denominator_is_not_a_value() {
        let v = Value {
            value: Some(dec!(0)),
            numerator: Some(dec!(0)),
            denominator: Some(dec!(0)),
            margin_of_error: None,
            base: None,
            provenance: None,
        };
        assert_eq!(v.usable().value, None);
        let kept = Value {
            numerator: Some(dec!(0)),
            denominator: Some(dec!(12)),
            ..v
        };
        assert_eq!(kept.usable().value, Some(dec!(0)));
    }
}
