//! The Regional Account's resources sentences (seed 004) beyond each measure's range: the change
//! in each council's net expenditure on adult social care from the year before, with the
//! councils at the ends of the range of increases and the largest reduction, and what the share
//! of council spending would need.

use std::collections::HashMap;

use rust_decimal::prelude::ToPrimitive;

use super::Detail;
use crate::analysis::scorecard::Stored;
use crate::domain::{Measure, Period};

/// The measure whose numerator is a council's net current expenditure on adult social care (£).
pub const NET_SPEND: &str = "FIN_NET_ADULT";

/// Why the share of council spending is not stated.
pub const COUNCIL_SHARE_MISSING: &str = "The share of council spending that goes on adult social care needs each council's total service expenditure (the revenue outturn returns), which is not among the sources loaded.";

/// "15 of 23 councils increased net expenditure on adult social care from 2015-16 to 2016-17,
/// with increases ranging from 12.4% at Walsall to 0.4% at Solihull; 8 reduced it, the largest
/// being Birmingham with a reduction of 8.8%." From the net expenditure each council published
/// (the measure's numerator) for `year` and the year before, when both are of one series.
pub fn net_spend_change(
    m: &Measure,
    values: &[Stored],
    councils: &[String],
    names: &HashMap<String, String>,
    year: Period,
) -> Option<Detail> {
    let before = year.previous();
    if m.code != NET_SPEND || year.is_quarter() || !m.comparable(before, year) {
        return None;
    }
    let net = |council: &str, period: Period| {
        values
            .iter()
            .find(|v| v.measure == m.code && v.area == council && v.period == period)
            .and_then(|v| v.value.numerator?.to_f64())
            .filter(|n| *n > 0.0)
    };
    let mut changes: Vec<(f64, &str)> = councils
        .iter()
        .filter_map(|c| {
            let change = (net(c, year)? / net(c, before)? - 1.0) * 100.0;
            Some((change, names.get(c).map_or(c.as_str(), String::as_str)))
        })
        .collect();
    if changes.is_empty() {
        return None;
    }
    changes.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let rises: Vec<&(f64, &str)> = changes.iter().filter(|(c, _)| *c > 0.0).collect();
    let falls: Vec<&(f64, &str)> = changes.iter().filter(|(c, _)| *c < 0.0).collect();
    let mut sentence = format!(
        "{} of {} councils increased net expenditure on adult social care from {before} to {year}",
        rises.len(),
        changes.len()
    );
    if let (Some(top), Some(bottom)) = (rises.first(), rises.last()) {
        sentence.push_str(&format!(
            ", with increases ranging from {:.1}% at {} to {:.1}% at {}",
            top.0, top.1, bottom.0, bottom.1
        ));
    }
    if let Some(largest) = falls.last() {
        sentence.push_str(&format!(
            "; {} reduced it, the largest being {} with a reduction of {:.1}%",
            falls.len(),
            largest.1,
            -largest.0
        ));
    }
    sentence.push('.');
    Some(Detail::new(
        sentence,
        "the change in each council's net current expenditure on adult social care (£, as published in the finance return) from the year before, for councils with both years of one series",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures;
    use crate::analysis::measure::Value;
    use rust_decimal::Decimal;

    fn stored(area: &str, year: i32, pounds: i64) -> Stored {
        Stored {
            measure: NET_SPEND.into(),
            area: area.into(),
            period: Period::year(year),
            value: Value {
                value: Some(Decimal::ONE),
                numerator: Some(Decimal::from(pounds)),
                ..Value::default()
            },
        }
    }

    #[test]
    fn net_spend_change_names_the_councils_at_the_ends() {
        let m = Measure {
            code: NET_SPEND.into(),
            ..fixtures::measure()
        };
        let values = [
            stored("W", 2015, 100_000_000),
            stored("W", 2016, 112_400_000), // +12.4%
            stored("S", 2015, 50_000_000),
            stored("S", 2016, 50_200_000), // +0.4%
            stored("B", 2015, 500_000_000),
            stored("B", 2016, 456_000_000), // -8.8%
            stored("D", 2015, 80_000_000),
            stored("D", 2016, 79_200_000), // -1.0%
            stored("N", 2016, 70_000_000), // no earlier year: not counted
        ];
        let councils: Vec<String> = ["W", "S", "B", "D", "N"].map(String::from).to_vec();
        let names: HashMap<String, String> = [
            ("W", "Walsall"),
            ("S", "Solihull"),
            ("B", "Birmingham"),
            ("D", "Dudley"),
        ]
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .into();
        let got = net_spend_change(&m, &values, &councils, &names, Period::year(2016)).unwrap();
        assert_eq!(
            got.sentence,
            "2 of 4 councils increased net expenditure on adult social care from 2015-16 to 2016-17, with increases ranging from 12.4% at Walsall to 0.4% at Solihull; 2 reduced it, the largest being Birmingham with a reduction of 8.8%."
        );
        let broken = Measure {
            series_break: Some("2016-17: new classification".into()),
            ..m
        };
        assert_eq!(
            net_spend_change(&broken, &values, &councils, &names, Period::year(2016)),
            None,
            "never across a break in series"
        );
    }
}
