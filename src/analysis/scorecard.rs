//! The whole scorecard for a period: every measure analysed for the councils of the region,
//! each at its own latest period up to the one asked for. Pure: the inputs are plain data.

use std::collections::{BTreeMap, HashMap};

use super::intervals::Level;
use super::measure::{
    self, ComparatorKind, CouncilResult, Data, Groups, MeasureAnalysis, Spec, Value,
};
use crate::domain::{Measure, Period, Provenance};

/// A stored value of one area for one measure and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub measure: String,
    pub area: String,
    pub period: Period,
    pub value: Value,
}

/// Everything needed to analyse a period.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub specs: Vec<Spec>,
    pub values: Vec<Stored>,
    pub groups: Groups,
    /// The councils of the region of focus during the period, in display order.
    pub councils: Vec<String>,
}

impl Inputs {
    /// `published`, with `council`'s values taken from `internal` instead: a council's own
    /// page, where everything but its own values is as the public sees it.
    pub fn overlaid(published: &Inputs, internal: &Inputs, council: &str) -> Inputs {
        let mut values: Vec<Stored> = published
            .values
            .iter()
            .filter(|v| v.area != council)
            .cloned()
            .collect();
        values.extend(
            internal
                .values
                .iter()
                .filter(|v| v.area == council)
                .cloned(),
        );
        Inputs {
            values,
            ..published.clone()
        }
    }

    /// Whether the values are the illustrative data set's (which never mix with real ones).
    pub fn illustrative(&self) -> bool {
        self.values
            .iter()
            .any(|v| v.value.provenance == Some(Provenance::Illustrative))
    }
}

/// One measure's analysis, at the period it was analysed for.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysed {
    pub measure: String,
    pub period: Period,
    /// The first period the recent trend looks at (the last is `period`): consecutive periods
    /// of one series, at most the trend's number of points.
    pub trend_from: Period,
    pub analysis: MeasureAnalysis,
}

/// A council's scorecard: the catalogue's measures (in its order) the council has a value for,
/// each with its analysis and the council's result. The one reading of it, for the council's
/// page and the API.
pub fn council_results<'a>(
    catalogue: &'a [Measure],
    analysed: &'a [Analysed],
    council: &'a str,
) -> impl Iterator<Item = (&'a Measure, &'a Analysed, &'a CouncilResult)> + 'a {
    catalogue.iter().filter_map(move |m| {
        let a = analysed.iter().find(|a| a.measure == m.code)?;
        let c = a
            .analysis
            .councils
            .iter()
            .find(|c| c.code == council && c.value.is_some())?;
        Some((m, a, c))
    })
}

/// A measure's values by period: with a break in series, only the side of the break its latest
/// period is on, so that nothing is compared with or joined to the other series.
fn series_of<V: Clone>(
    all: &BTreeMap<Period, V>,
    from: Option<Period>,
) -> std::borrow::Cow<'_, BTreeMap<Period, V>> {
    use std::borrow::Cow;
    let Some(from) = from else {
        return Cow::Borrowed(all);
    };
    let after = all.keys().next_back().is_some_and(|p| *p >= from);
    if all.keys().all(|p| (*p >= from) == after) {
        return Cow::Borrowed(all);
    }
    let kept = all.iter().filter(|(p, _)| (**p >= from) == after);
    Cow::Owned(kept.map(|(p, v)| (*p, v.clone())).collect())
}

/// Every measure with a value for one of `councils` up to `as_at`, for those councils
/// (usually the region's, `inputs.councils`).
pub fn analyse(
    inputs: &Inputs,
    councils: &[String],
    as_at: Period,
    comparator: ComparatorKind,
    level: Level,
) -> Vec<Analysed> {
    let mut by_measure: HashMap<&str, BTreeMap<Period, HashMap<&str, Value>>> = HashMap::new();
    for s in inputs
        .values
        .iter()
        .filter(|s| s.period.sort_key() <= as_at.sort_key())
    {
        by_measure
            .entry(s.measure.as_str())
            .or_default()
            .entry(s.period)
            .or_default()
            .insert(s.area.as_str(), s.value);
    }
    let empty = BTreeMap::new();
    inputs
        .specs
        .iter()
        .filter_map(|spec| {
            let all = by_measure.get(spec.code.as_str()).unwrap_or(&empty);
            let periods = series_of(all, spec.series_from);
            let periods = periods.as_ref();
            let (&period, current) = periods.iter().rev().find(|(_, values)| {
                councils
                    .iter()
                    .any(|c| values.get(c.as_str()).is_some_and(|v| v.value.is_some()))
            })?;
            let previous = periods.get(&period.previous()).cloned().unwrap_or_default();
            let mut chain = vec![period];
            while chain.len() < super::trend::MAX_TREND_POINTS {
                let before = chain[chain.len() - 1].previous();
                if !periods.contains_key(&before) {
                    break;
                }
                chain.push(before);
            }
            chain.reverse();
            let mut history: HashMap<&str, Vec<Value>> = HashMap::new();
            for council in councils {
                let series: Vec<Value> = chain
                    .iter()
                    .map_while(|p| {
                        periods
                            .get(p)
                            .and_then(|v| v.get(council.as_str()))
                            .copied()
                    })
                    .collect();
                history.insert(council.as_str(), series);
            }
            let data = Data {
                current: current.clone(),
                previous,
                history,
            };
            Some(Analysed {
                measure: spec.code.clone(),
                period,
                trend_from: chain[0],
                analysis: measure::analyse(
                    spec,
                    &data,
                    &inputs.groups,
                    councils,
                    comparator,
                    level,
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(y: i32) -> Period {
        Period::year(y)
    }

    #[test]
    fn a_break_in_series_keeps_the_side_of_the_latest_period() {
        let all: BTreeMap<Period, i32> = (2012..=2016).map(|y| (year(y), y)).collect();
        let from = year(2014);
        let kept: Vec<i32> = series_of(&all, Some(from)).values().copied().collect();
        assert_eq!(kept, [2014, 2015, 2016]);
        let before: BTreeMap<Period, i32> = (2010..=2013).map(|y| (year(y), y)).collect();
        assert_eq!(
            series_of(&before, Some(from)).len(),
            4,
            "all before the break"
        );
        assert_eq!(series_of(&all, None).len(), 5, "no break, no change");
        let measure = Measure {
            series_break: Some("2014-15: classifications changed".into()),
            ..crate::analysis::fixtures::measure()
        };
        assert_eq!(measure.series_from(), Some(from));
        assert!(!measure.comparable(year(2013), year(2014)));
        assert!(measure.comparable(year(2014), year(2015)));
        assert!(measure.comparable(year(2011), year(2012)));
    }
}
