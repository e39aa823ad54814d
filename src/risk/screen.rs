//! The data-quality screen (METHODS §9): a value no service could produce in a year is a
//! *query* to the council, listed with its reason, never a concern or an excellence flag until
//! the analyst clears it. Pure.
//!
//! Rules, each with an id kept in the query:
//! - `extreme-change`: the change on the council's own previous value is beyond
//!   [`ScreenParams::change_mads`] median absolute deviations of every English council's change,
//!   *and* more than [`ScreenParams::change_relative`] of the previous value;
//! - `same-counts`: the numerator and denominator equal another measure's for the same council
//!   and period (two concepts cannot share both); of the pair, the one whose own value moved
//!   more is queried (Wirral 1C1A 2018-19 took 1C2A's counts: 99.6% → 26.3%);
//! - `denominator-collapse`: the denominator fell by more than [`ScreenParams::denominator_fall`]
//!   in a year;
//! - `implausible-extreme`: a percentage of exactly 0 or 100 where no other English council is
//!   within [`ScreenParams::extreme_gap`] points of it.

use std::collections::HashMap;

use rust_decimal::prelude::ToPrimitive;

use crate::analysis::scorecard::Inputs;
use crate::analysis::spread;
use crate::domain::{Period, Unit};

pub const EXTREME_CHANGE: &str = "extreme-change";
pub const SAME_COUNTS: &str = "same-counts";
pub const DENOMINATOR_COLLAPSE: &str = "denominator-collapse";
pub const IMPLAUSIBLE_EXTREME: &str = "implausible-extreme";

/// The screen's thresholds (METHODS §9 defaults).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ScreenParams {
    pub change_mads: f64,
    pub change_relative: f64,
    pub denominator_fall: f64,
    pub extreme_gap: f64,
}

impl Default for ScreenParams {
    fn default() -> Self {
        ScreenParams {
            change_mads: 5.0,
            change_relative: 0.5,
            denominator_fall: 0.5,
            extreme_gap: 10.0,
        }
    }
}

/// A value the screen queries, with the rule that caught it and why, in words.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Query {
    pub council: String,
    pub measure: String,
    pub period: Period,
    pub rule: &'static str,
    pub reason: String,
}

/// A council's numbers for a measure in a period.
#[derive(Debug, Clone, Copy, Default)]
struct Numbers {
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
}

/// Every stored value by (measure, area, period).
struct Index<'a>(HashMap<(&'a str, &'a str, Period), Numbers>);

impl<'a> Index<'a> {
    fn new(inputs: &'a Inputs) -> Index<'a> {
        let f = |d: Option<rust_decimal::Decimal>| d.and_then(|d| d.to_f64());
        Index(
            inputs
                .values
                .iter()
                .map(|s| {
                    (
                        (s.measure.as_str(), s.area.as_str(), s.period),
                        Numbers {
                            value: f(s.value.value),
                            numerator: f(s.value.numerator),
                            denominator: f(s.value.denominator),
                        },
                    )
                })
                .collect(),
        )
    }

    fn get(&self, measure: &str, area: &str, period: Period) -> Numbers {
        self.0
            .get(&(measure, area, period))
            .copied()
            .unwrap_or_default()
    }
}

/// One value's place: its measure, council, period and the period before.
struct At<'a> {
    measure: &'a str,
    council: &'a str,
    period: Period,
    previous: Period,
}

/// `extreme-change`: far from the usual change across England, and large against the value.
fn extreme_change(
    at: &At<'_>,
    now: Numbers,
    before: Numbers,
    spread: Option<(f64, f64)>,
    params: ScreenParams,
) -> Option<String> {
    let (v, b, (median, mad)) = (now.value?, before.value?, spread?);
    let mads = ((v - b) - median) / mad;
    let relative = if b == 0.0 {
        f64::INFINITY
    } else {
        ((v - b) / b).abs()
    };
    (mads.abs() > params.change_mads && relative > params.change_relative).then(|| {
        format!(
            "changed from {} in {} to {} in {} ({:+.0}%), {:.1} median absolute deviations from the usual change across England",
            short(b),
            at.previous,
            short(v),
            at.period,
            if b == 0.0 { 100.0 } else { (v - b) / b * 100.0 },
            mads
        )
    })
}

/// `denominator-collapse`: the denominator fell by more than the screen allows in a year.
fn denominator_collapse(
    at: &At<'_>,
    now: Numbers,
    before: Numbers,
    params: ScreenParams,
) -> Option<String> {
    let (n, b) = (now.denominator?, before.denominator?);
    (b > 0.0 && n < b * (1.0 - params.denominator_fall)).then(|| {
        format!(
            "its denominator fell from {} in {} to {} in {} ({:.0}%)",
            short(b),
            at.previous,
            short(n),
            at.period,
            (n - b) / b * 100.0
        )
    })
}

/// `implausible-extreme`: a percentage of exactly 0 or 100 far from every other council's.
fn implausible_extreme(
    index: &Index<'_>,
    areas: &[String],
    at: &At<'_>,
    now: Numbers,
    params: ScreenParams,
) -> Option<String> {
    let v = now.value.filter(|v| *v == 0.0 || *v == 100.0)?;
    let nearest = areas
        .iter()
        .filter(|a| *a != at.council)
        .filter_map(|a| index.get(at.measure, a, at.period).value)
        .map(|x| (x - v).abs())
        .fold(f64::INFINITY, f64::min);
    (nearest > params.extreme_gap).then(|| {
        format!(
            "{}% where no other council in England is within {} points",
            short(v),
            params.extreme_gap
        )
    })
}

/// The screen of every measure's values for `councils`, each measure at its own data period
/// (`periods`: measure code → the period its analysis used). `areas`: every English council,
/// whose changes and values make the national distributions.
pub fn screen(
    inputs: &Inputs,
    periods: &[(String, Period)],
    councils: &[String],
    areas: &[String],
    params: ScreenParams,
) -> Vec<Query> {
    let index = Index::new(inputs);
    let units: HashMap<&str, Unit> = inputs
        .specs
        .iter()
        .map(|s| (s.code.as_str(), s.unit))
        .collect();
    let mut queries = Vec::new();
    for (measure, period) in periods {
        let previous = period.previous();
        let changes: Vec<f64> = areas
            .iter()
            .filter_map(|a| {
                Some(index.get(measure, a, *period).value? - index.get(measure, a, previous).value?)
            })
            .collect();
        let spread = spread::median_and_mad(&changes).filter(|(_, mad)| *mad > 0.0);
        let percent = units.get(measure.as_str()) == Some(&Unit::Percent);
        for council in councils {
            let at = At {
                measure,
                council,
                period: *period,
                previous,
            };
            let now = index.get(measure, council, *period);
            let before = index.get(measure, council, previous);
            let same = same_counts(&index, periods, measure, council, *period, now).map(|other| {
                format!(
                    "its numerator and denominator ({} of {}) are those of {other} for the same period",
                    short(now.numerator.unwrap_or_default()),
                    short(now.denominator.unwrap_or_default())
                )
            });
            let found = [
                (
                    EXTREME_CHANGE,
                    extreme_change(&at, now, before, spread, params),
                ),
                (SAME_COUNTS, same),
                (
                    DENOMINATOR_COLLAPSE,
                    denominator_collapse(&at, now, before, params),
                ),
                (
                    IMPLAUSIBLE_EXTREME,
                    percent
                        .then(|| implausible_extreme(&index, areas, &at, now, params))
                        .flatten(),
                ),
            ];
            for (rule, reason) in found {
                if let Some(reason) = reason {
                    queries.push(Query {
                        council: council.clone(),
                        measure: measure.clone(),
                        period: *period,
                        rule,
                        reason,
                    });
                }
            }
        }
    }
    queries
}

/// The other measure whose numerator and denominator this value shares, when this one is the
/// one of the pair that moved more against its own previous value.
fn same_counts(
    index: &Index<'_>,
    periods: &[(String, Period)],
    measure: &str,
    council: &str,
    period: Period,
    now: Numbers,
) -> Option<String> {
    let (Some(x), Some(n)) = (now.numerator, now.denominator) else {
        return None;
    };
    if n <= 0.0 {
        return None;
    }
    let moved = |m: &str| -> f64 {
        let (v, b) = (
            index.get(m, council, period).value,
            index.get(m, council, period.previous()).value,
        );
        match (v, b) {
            (Some(v), Some(b)) if b != 0.0 => ((v - b) / b).abs(),
            _ => 0.0,
        }
    };
    periods
        .iter()
        .filter(|(other, p)| other != measure && *p == period)
        .find(|(other, _)| {
            let o = index.get(other, council, period);
            o.numerator == Some(x) && o.denominator == Some(n) && moved(measure) > moved(other)
        })
        .map(|(other, _)| other.clone())
}

/// A number as a person reads it: at most one decimal, no trailing zeros.
fn short(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::measure::{Spec, Value};
    use crate::analysis::scorecard::Stored;
    use crate::domain::Polarity;
    use rust_decimal::Decimal;

    fn spec(code: &str) -> Spec {
        Spec {
            code: code.into(),
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

    fn stored(measure: &str, area: &str, period: Period, x: f64, n: f64) -> Stored {
        let d = |f: f64| Decimal::try_from(f).ok();
        Stored {
            measure: measure.into(),
            area: area.into(),
            period,
            value: Value {
                value: d((x / n * 1000.0).round() / 10.0),
                numerator: d(x),
                denominator: d(n),
                margin_of_error: None,
                base: None,
                provenance: None,
            },
        }
    }

    /// Twenty councils whose values move a little each year, and `extra` values on top.
    fn inputs(extra: Vec<Stored>) -> (Inputs, Vec<String>) {
        let (y1, y2) = (Period::year(2017), Period::year(2018));
        let areas: Vec<String> = (0..20).map(|i| format!("E0600{i:04}")).collect();
        let mut values = Vec::new();
        for (i, a) in areas.iter().enumerate() {
            let base = 300.0 + 10.0 * i as f64;
            for m in ["1C1A", "1C2A"] {
                let shift = if m == "1C1A" { 400.0 } else { 0.0 };
                values.push(stored(m, a, y1, base + shift, 1000.0));
                values.push(stored(
                    m,
                    a,
                    y2,
                    base + shift + (i % 5) as f64 * 3.0,
                    1000.0,
                ));
            }
        }
        let extra_keys: Vec<(String, String, Period)> = extra
            .iter()
            .map(|s| (s.measure.clone(), s.area.clone(), s.period))
            .collect();
        values.retain(|s| !extra_keys.contains(&(s.measure.clone(), s.area.clone(), s.period)));
        values.extend(extra);
        (
            Inputs {
                specs: vec![spec("1C1A"), spec("1C2A")],
                values,
                ..Inputs::default()
            },
            areas,
        )
    }

    fn periods() -> Vec<(String, Period)> {
        vec![
            ("1C1A".into(), Period::year(2018)),
            ("1C2A".into(), Period::year(2018)),
        ]
    }

    #[test]
    fn steady_values_raise_no_query() {
        let (inputs, areas) = inputs(Vec::new());
        assert!(screen(&inputs, &periods(), &areas, &areas, ScreenParams::default()).is_empty());
    }

    /// Wirral 2018-19: 1C1A fell from 99.6% to 26.3%, its counts those of 1C2A.
    #[test]
    fn a_value_that_took_another_measures_counts_is_queried_once_on_both_rules() {
        let wirral = "E06000000";
        let (inputs, areas) = inputs(vec![
            stored("1C1A", wirral, Period::year(2017), 996.0, 1000.0),
            stored("1C1A", wirral, Period::year(2018), 263.0, 1000.0),
            stored("1C2A", wirral, Period::year(2017), 250.0, 1000.0),
            stored("1C2A", wirral, Period::year(2018), 263.0, 1000.0),
        ]);
        let queries = screen(&inputs, &periods(), &areas, &areas, ScreenParams::default());
        let rules: Vec<(&str, &str)> = queries
            .iter()
            .map(|q| (q.measure.as_str(), q.rule))
            .collect();
        assert_eq!(
            rules,
            vec![("1C1A", EXTREME_CHANGE), ("1C1A", SAME_COUNTS)],
            "{queries:#?}"
        );
        assert!(
            queries[0]
                .reason
                .contains("99.6 in 2017-18 to 26.3 in 2018-19")
        );
        assert!(queries[1].reason.contains("those of 1C2A"));
    }

    /// Trafford 2018-19: 70.3% to 2.0%.
    #[test]
    fn a_collapse_is_queried_and_a_large_but_usual_change_is_not() {
        let trafford = "E06000003";
        let (inputs, areas) = inputs(vec![
            stored("1C2A", trafford, Period::year(2017), 703.0, 1000.0),
            stored("1C2A", trafford, Period::year(2018), 20.0, 1000.0),
        ]);
        let queries = screen(&inputs, &periods(), &areas, &areas, ScreenParams::default());
        assert_eq!(queries.len(), 1, "{queries:#?}");
        assert_eq!(queries[0].rule, EXTREME_CHANGE);
        // Half the value, but no further from the usual change than 5 MADs: not queried.
        let strict = ScreenParams {
            change_mads: 1e9,
            ..ScreenParams::default()
        };
        assert!(screen(&inputs, &periods(), &areas, &areas, strict).is_empty());
    }

    #[test]
    fn a_denominator_that_halves_is_queried() {
        let council = "E06000007";
        let (inputs, areas) = inputs(vec![
            stored("1C2A", council, Period::year(2017), 570.0, 1000.0),
            stored("1C2A", council, Period::year(2018), 230.0, 400.0),
        ]);
        let queries = screen(&inputs, &periods(), &areas, &areas, ScreenParams::default());
        assert_eq!(queries.len(), 1, "{queries:#?}");
        assert_eq!(queries[0].rule, DENOMINATOR_COLLAPSE);
        assert!(
            queries[0]
                .reason
                .contains("from 1000 in 2017-18 to 400 in 2018-19 (-60%)")
        );
    }

    #[test]
    fn zero_or_a_hundred_percent_far_from_every_other_council_is_queried() {
        let council = "E06000019";
        let (inputs, areas) = inputs(vec![
            stored("1C1A", council, Period::year(2017), 1000.0, 1000.0),
            stored("1C1A", council, Period::year(2018), 1000.0, 1000.0),
        ]);
        // 1C1A's others reach 88.9%: 100% is 11.1 points from the nearest.
        let caught = |gap: f64| {
            screen(
                &inputs,
                &periods(),
                &areas,
                &areas,
                ScreenParams {
                    extreme_gap: gap,
                    ..ScreenParams::default()
                },
            )
            .iter()
            .any(|q| q.rule == IMPLAUSIBLE_EXTREME)
        };
        assert!(caught(10.0));
        assert!(!caught(12.0), "another council within 12 points");
        let (inputs, areas) = self::inputs(vec![
            stored("1C2A", council, Period::year(2017), 0.0, 1000.0),
            stored("1C2A", council, Period::year(2018), 0.0, 1000.0),
        ]);
        let queries = screen(&inputs, &periods(), &areas, &areas, ScreenParams::default());
        assert_eq!(queries.len(), 1, "{queries:#?}");
        assert_eq!(queries[0].rule, IMPLAUSIBLE_EXTREME);
    }
}
