//! Test fixtures for the pure page builders: a small region of four councils and one measure.

use rust_decimal::Decimal;

use crate::analysis::intervals::Level;
use crate::analysis::measure::{ComparatorKind, Group, Groups, Spec, Value};
use crate::analysis::rag::Target;
use crate::analysis::scorecard::{Analysed, Inputs, Stored, analyse};
use crate::domain::{Measure, Period, Polarity, Unit};

pub(crate) const COUNCILS: [&str; 4] = ["E1", "E2", "E3", "E4"];

pub(crate) fn period(p: &str) -> Period {
    p.parse().unwrap()
}

/// "1A", a percentage where higher is better, shown to one decimal.
pub(crate) fn measure() -> Measure {
    Measure {
        code: "M1".into(),
        display_code: "1A".into(),
        title: "A percentage".into(),
        definition: String::new(),
        unit: Unit::Percent,
        unit_label: "%".into(),
        polarity: Polarity::HigherIsBetter,
        decimals: 1,
        domain_slug: "d".into(),
        domain_name: "Domain".into(),
        domain_position: 1,
        teasc_section_name: None,
        teasc_position: None,
        tier: "core".into(),
        measure_type: "outcome".into(),
        source: "ASCOF".into(),
        frequency: "annual".into(),
        strategic_weight: 1,
        tags: Vec::new(),
        series_break: None,
        type_reason: None,
        catalogued: true,
        plain_title: None,
    }
}

/// A value in tenths of a percent; with `counts`, out of 1,000 people.
pub(crate) fn stored(area: &str, p: &str, tenths: i64, counts: bool) -> Stored {
    Stored {
        measure: "M1".into(),
        area: area.into(),
        period: period(p),
        value: Value {
            value: Some(Decimal::new(tenths, 1)),
            numerator: counts.then(|| Decimal::new(tenths, 0)),
            denominator: counts.then(|| Decimal::new(1000, 0)),
            ..Value::default()
        },
    }
}

/// Four councils: E1 at 50.0%, 55.0%, 60.0% over three years, E2 40.0%, E3 45.0% and E4 70.0%
/// in the latest (2022-23).
pub(crate) fn inputs(target: Option<Target>, counts: bool) -> Inputs {
    let members: Vec<String> = COUNCILS.iter().map(|c| c.to_string()).collect();
    let mut values = vec![
        stored("E1", "2020-21", 500, counts),
        stored("E1", "2021-22", 550, counts),
        stored("E1", "2022-23", 600, counts),
    ];
    for (c, v) in [("E2", 400), ("E3", 450), ("E4", 700)] {
        values.push(stored(c, "2022-23", v, counts));
    }
    let group = Group {
        members: members.clone(),
        published_area: None,
    };
    Inputs {
        specs: vec![Spec {
            code: "M1".into(),
            unit: Unit::Percent,
            polarity: Polarity::HigherIsBetter,
            decimals: 1,
            rate_multiplier: None,
            target,
            council_targets: Default::default(),
            tolerance: None,
            series_from: None,
        }],
        values,
        groups: Groups {
            england: group.clone(),
            region: group,
            ..Default::default()
        },
        councils: members,
    }
}

/// The measure analysed for 2022-23 against the region at 95%.
pub(crate) fn analysed(inputs: &Inputs) -> Analysed {
    analyse(
        inputs,
        &inputs.councils,
        period("2022-23"),
        ComparatorKind::Region,
        Level::P95,
    )
    .remove(0)
}

/// A council's result with a value and a direction, nothing else decided.
pub(crate) fn council(
    code: &str,
    value: f64,
    direction: crate::analysis::trend::Direction,
) -> crate::analysis::measure::CouncilResult {
    use crate::analysis::comparison::Comparison;
    use crate::analysis::rag::{Rag, RagRule};
    crate::analysis::measure::CouncilResult {
        code: code.into(),
        value: Some(value),
        numerator: None,
        denominator: None,
        base: None,
        ci_low: None,
        ci_high: None,
        interval_method: None,
        benchmark: None,
        comparison: Comparison::NotCompared,
        rank: None,
        quartile: None,
        rank_national: None,
        quartile_national: None,
        mads: None,
        distance: "",
        outlier: false,
        direction_of_travel: direction,
        trend: crate::analysis::trend::Trend::NotEnoughData,
        rag: Rag::NotRated,
        rag_rule: RagRule::None,
        target: None,
        source: None,
    }
}

/// An analysis of the given councils against England, no benchmark values.
pub(crate) fn analysis(
    councils: Vec<crate::analysis::measure::CouncilResult>,
) -> crate::analysis::measure::MeasureAnalysis {
    crate::analysis::measure::MeasureAnalysis {
        comparator: ComparatorKind::England,
        level: Level::P95,
        england: None,
        region: None,
        national: false,
        councils,
    }
}

/// An analysis of councils with these values (no direction assessed).
pub(crate) fn analysis_of(values: &[(&str, f64)]) -> crate::analysis::measure::MeasureAnalysis {
    analysis(
        values
            .iter()
            .map(|(c, v)| council(c, *v, crate::analysis::trend::Direction::NotAssessed))
            .collect(),
    )
}

/// A published benchmark value.
pub(crate) fn benchmark(value: f64) -> crate::analysis::benchmark::Benchmark {
    crate::analysis::benchmark::Benchmark {
        value: Decimal::from_f64_retain(value).unwrap_or_default(),
        method: crate::analysis::benchmark::Method::Published,
        members: 0,
    }
}
