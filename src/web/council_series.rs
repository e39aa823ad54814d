//! The measure page's table of every council of the region across the years, with whether
//! its latest value differs significantly from its first shown ("has it got better since
//! 2016-17?"): one series only, never across a break.

use std::collections::HashMap;

use crate::analysis::scorecard::Stored;
use crate::analysis::trend::Direction;
use crate::domain::{Measure, Period};

/// At most this many periods, the latest.
const PERIODS: usize = 8;

pub(super) struct SeriesRow {
    pub code: String,
    pub name: String,
    pub values: Vec<String>,
    /// The change from the council's first value shown to its latest: a significance test as
    /// the direction of travel uses, and from which period.
    pub change: Direction,
    pub since: String,
}

pub(super) struct CouncilSeries {
    pub periods: Vec<String>,
    pub rows: Vec<SeriesRow>,
}

/// The series of `measure` up to `latest` for each of `councils` (in their order), from the
/// stored values: only periods of the latest's series, at most [`PERIODS`] of them.
pub(super) fn build(
    measure: &Measure,
    values: &[Stored],
    councils: &[String],
    names: &HashMap<String, String>,
    latest: Period,
) -> Option<CouncilSeries> {
    let mine: Vec<&Stored> = values
        .iter()
        .filter(|s| s.measure == measure.code && s.period <= latest)
        .filter(|s| s.period.is_quarter() == latest.is_quarter())
        .filter(|s| measure.comparable(s.period, latest))
        .collect();
    let mut periods: Vec<Period> = mine.iter().map(|s| s.period).collect();
    periods.sort();
    periods.dedup();
    let periods: Vec<Period> = periods.split_off(periods.len().saturating_sub(PERIODS));
    if periods.len() < 2 {
        return None;
    }
    let value = |council: &str, p: Period| {
        mine.iter()
            .find(|s| s.area == council && s.period == p)
            .map(|s| &s.value)
    };
    let rows = councils
        .iter()
        .map(|code| {
            let shown: Vec<(Period, &crate::analysis::measure::Value)> = periods
                .iter()
                .filter_map(|p| {
                    value(code, *p)
                        .filter(|v| v.value.is_some())
                        .map(|v| (*p, v))
                })
                .collect();
            let (change, since) = match (shown.first(), shown.last()) {
                (Some((p0, first)), Some((p1, last))) if p0 != p1 => (
                    crate::analysis::measure::change(first, last, measure.polarity),
                    p0.to_string(),
                ),
                _ => (Direction::NotAssessed, String::new()),
            };
            SeriesRow {
                code: code.clone(),
                name: names.get(code).cloned().unwrap_or_else(|| code.clone()),
                values: periods
                    .iter()
                    .map(|p| super::values::stored_text(measure, value(code, *p)))
                    .collect(),
                change,
                since,
            }
        })
        .collect();
    Some(CouncilSeries {
        periods: periods.iter().map(ToString::to_string).collect(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{measure, period, stored};

    #[test]
    fn each_council_has_its_years_and_the_change_since_its_first() {
        // A higher-is-better percentage out of 1,000 people: 40.0% to 60.0% is a significant
        // improvement; 50.0% to 50.5% is not.
        let values = [
            stored("A", "2020-21", 400, true),
            stored("A", "2021-22", 450, true),
            stored("A", "2022-23", 600, true),
            stored("B", "2021-22", 500, true),
            stored("B", "2022-23", 505, true),
        ];
        let councils = ["A".to_string(), "B".to_string(), "C".to_string()];
        let names = HashMap::from([("A".to_string(), "Ashford".to_string())]);
        let s = build(&measure(), &values, &councils, &names, period("2022-23")).unwrap();
        assert_eq!(s.periods, ["2020-21", "2021-22", "2022-23"]);
        assert_eq!(s.rows[0].name, "Ashford");
        assert_eq!(s.rows[0].values, ["40.0%", "45.0%", "60.0%"]);
        assert_eq!(
            (s.rows[0].change, s.rows[0].since.as_str()),
            (Direction::Improved, "2020-21")
        );
        assert_eq!(s.rows[1].values[0], "–", "no value that year");
        assert_eq!(
            (s.rows[1].change, s.rows[1].since.as_str()),
            (Direction::NoSignificantChange, "2021-22")
        );
        assert_eq!(s.rows[2].change, Direction::NotAssessed, "no values");
    }
}
