//! `GET /measures/{code}`: one measure: its definition, the headline, and every council of the
//! region ranked with its interval, comparison, quartile, distance from the median, direction
//! of travel and trend.

use askama::Template;
use askama_web::WebTemplate;
use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;

use super::cache::analysed;
use super::extract::Params;
use super::layout::{AnalysisQuery, Layout, PeriodOption, choose_period};
use super::session::Visitor;
use super::values::{
    Choice, StoredIndex, benchmark_text, comparator_choices, council_names, interval_text,
    region_name, stored_index, stored_text,
};
use super::{AppError, AppState};
use crate::analysis::comparison::Comparison;
use crate::analysis::headlines;
use crate::analysis::intervals::Level;
use crate::analysis::scorecard::{Analysed, Inputs};
use crate::analysis::trend::{Direction, Trend};
use crate::charts::bars::{BarInput, Bars, bars};
use crate::charts::funnel::{Funnel, Kind as FunnelKind, funnel};
use crate::charts::line::{Lines, lines};
use crate::domain::{Measure, Period, Unit, format_value};
use rust_decimal::prelude::ToPrimitive;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/measures/{code}", get(show))
}

/// A council's value for the charts: value, denominator, interval and comparison class.
type ChartValue = (f64, Option<f64>, Option<(f64, f64)>, &'static str);

pub(super) struct RankedRow {
    pub rank: String,
    pub ons_code: String,
    pub name: String,
    pub value: String,
    pub interval: String,
    pub numerator: String,
    pub denominator: String,
    pub comparison: Comparison,
    pub quartile: String,
    pub distance: String,
    pub direction: Direction,
    pub trend: Trend,
}

#[derive(Template, WebTemplate)]
#[template(path = "measures/show.html")]
struct MeasurePage {
    layout: Layout,
    /// The query string for this page's CSV and JSON: the same period, comparator and level.
    same_analysis: String,
    measure: Measure,
    polarity: &'static str,
    region: String,
    period: String,
    data_period: Option<String>,
    /// The periods the ranked table's changes use: (previous period, first of the recent trend).
    changes_from: Option<(String, String)>,
    periods: Vec<PeriodOption>,
    comparators: Vec<Choice>,
    comparator: &'static str,
    headline: Option<String>,
    rule: String,
    national: bool,
    england: String,
    region_value: String,
    rows: Vec<RankedRow>,
    chart_title: String,
    bars: Option<Bars>,
    funnel_title: String,
    funnel: Option<Funnel>,
    line_title: String,
    line_desc: String,
    lines: Option<Lines>,
    trend_header: Vec<String>,
    trend_rows: Vec<(String, Vec<String>)>,
    /// The region's councils on a map, coloured by the comparison.
    map: Option<crate::maps::choropleth::Map>,
    /// Every council of the region across the years, with the change since its first shown.
    series: Option<super::council_series::CouncilSeries>,
}

/// The period asked for; without one, the measure's latest period with values (not the latest
/// of any measure, where it may have none).
async fn opening_period(
    state: &AppState,
    view: crate::domain::access::DataView,
    measure: &Measure,
    query: &AnalysisQuery,
) -> Result<super::layout::PeriodQuery, AppError> {
    let mut asked = query.period_query();
    if asked.period.as_deref().is_none_or(|p| p.trim().is_empty()) {
        asked.period =
            crate::db::queries::observations::latest_period_of(&state.pool, view, &measure.code)
                .await?
                .map(|p| p.to_string());
    }
    Ok(asked)
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    Params(query): Params<AnalysisQuery>,
) -> Result<MeasurePage, AppError> {
    let view = visitor.viewer.data_view();
    let measure = super::values::measure(&state, view, &code).await?;
    let (comparator, level) = query.choices()?;
    let asked = opening_period(&state, view, &measure, &query).await?;
    let (period, periods) = choose_period(&state.pool, view, &asked).await?;
    let region = region_name(&state).await?;
    let analysis = analysed(&state, view, period, comparator, level).await?;
    let (inputs, all) = (&analysis.inputs, &analysis.analysed);
    let names = council_names(&state).await?;
    let stored = stored_index(inputs);
    let analysed = all.iter().find(|a| a.measure == measure.code);
    let rows = analysed.map_or_else(Vec::new, |a| {
        ranked_rows(&measure, a, &stored, &names, level)
    });
    let benchmark_lines = analysed.map_or_else(Vec::new, benchmark_lines);
    let multiplier = measure_multiplier(inputs, &measure.code);
    let (bars, funnel) = analysed.map_or((None, None), |a| {
        charts(&measure, a, &rows, &benchmark_lines, multiplier)
    });
    let (lines, trend_header, trend_rows) =
        trend_lines(inputs, &stored, &measure, analysed.map(|a| a.period));
    let headline = analysed.map(|a| {
        headlines::for_measure(&measure.title, &a.analysis, &names, |v| {
            measure.format_f64(v)
        })
    });
    let layout = Layout::new(
        &state,
        &visitor,
        format!("{} {}, {period}", measure.display_code, measure.title),
    )
    .await?
    .showing(analysis.inputs.illustrative());
    Ok(MeasurePage {
        same_analysis: super::layout::same_analysis(period, comparator, level),
        layout,
        polarity: measure.polarity.label(),
        region,
        period: period.to_string(),
        data_period: analysed.map(|a| a.period.to_string()),
        changes_from: analysed.map(|a| (a.period.previous().to_string(), a.trend_from.to_string())),
        periods,
        comparators: comparator_choices(comparator),
        comparator: comparator.label(),
        rule: headline
            .as_ref()
            .map(|h| h.rule.clone())
            .unwrap_or_default(),
        headline: headline.map(|h| h.sentence),
        national: analysed.is_some_and(|a| a.analysis.national),
        england: benchmark_text(&measure, analysed.and_then(|a| a.analysis.england)),
        region_value: benchmark_text(&measure, analysed.and_then(|a| a.analysis.region)),
        map: region_map(&rows, measure.polarity == crate::domain::Polarity::NoJudgement).map(|mut m| {
            m.title = format!("{} by council, {}", measure.title, period);
            m
        }),
        rows,
        chart_title: format!("{} by council, {}", measure.title, analysed.map(|a| a.period.to_string()).unwrap_or_default()),
        bars,
        funnel_title: format!("{} against {}", measure.title, benchmark_lines.first().map(|(l, _)| l.as_str()).unwrap_or("the benchmark")),
        funnel,
        line_title: format!("{}, England and the region", measure.title),
        line_desc: "England (solid line, circles) and the region (dashed line, diamonds) over recent periods; values are in the table of trends below.".into(),
        lines,
        trend_header,
        trend_rows,
        series: analysed.and_then(|a| {
            super::council_series::build(&measure, &inputs.values, &inputs.councils, &names, a.period)
        }),
        measure,
    })
}

/// Every council of the region for the measure: ranked councils best first, then the unranked
/// by name.
pub(super) fn ranked_rows(
    measure: &Measure,
    a: &Analysed,
    stored: &StoredIndex<'_>,
    names: &HashMap<String, String>,
    level: Level,
) -> Vec<RankedRow> {
    let count = |v: Option<f64>| {
        v.and_then(rust_decimal::Decimal::from_f64_retain)
            .map(|d| format_value(d, Unit::Count, 0))
            .unwrap_or_default()
    };
    let mut rows: Vec<(Option<usize>, RankedRow)> = a
        .analysis
        .councils
        .iter()
        .map(|c| {
            let quartile = match (c.quartile_national, c.quartile) {
                (Some(q), _) => format!("{q} (England)"),
                (None, Some(q)) => format!("{q} (region)"),
                _ => "–".into(),
            };
            let distance = match c.mads {
                Some(m) => format!(
                    "{} the median ({:.1} times the typical distance {}){}",
                    c.distance,
                    m.abs(),
                    if m >= 0.0 { "above" } else { "below" },
                    if c.outlier { "; unusual" } else { "" }
                ),
                None => c.distance.to_string(),
            };
            let row = RankedRow {
                rank: c.rank.map_or_else(|| "–".into(), |r| r.to_string()),
                ons_code: c.code.clone(),
                name: names.get(&c.code).cloned().unwrap_or_default(),
                value: stored_text(
                    measure,
                    stored
                        .get(&(measure.code.as_str(), c.code.as_str(), a.period))
                        .copied(),
                ),
                interval: interval_text(measure, c, level),
                numerator: count(c.numerator),
                denominator: count(c.denominator),
                comparison: c.comparison,
                quartile,
                distance,
                direction: c.direction_of_travel,
                trend: c.trend,
            };
            (c.rank, row)
        })
        .collect();
    rows.sort_by(|(a, ra), (b, rb)| {
        (a.is_none(), a)
            .cmp(&(b.is_none(), b))
            .then_with(|| ra.name.cmp(&rb.name))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

/// England's and the region's values, as lines across the charts.
fn benchmark_lines(a: &Analysed) -> Vec<(String, f64)> {
    [
        ("England", a.analysis.england),
        ("Region", a.analysis.region),
    ]
    .into_iter()
    .filter_map(|(l, b)| Some((l.to_string(), b?.value.to_f64()?)))
    .collect()
}

/// The bar chart of the rows (in their order) and, for percentages and rates with counts, the
/// funnel plot against the first benchmark.
/// The map of the region's councils coloured by the page's comparison (by quartile for a
/// measure without polarity), each titled with its value, interval and comparison (the ranked
/// table below is its text alternative).
fn region_map(rows: &[RankedRow], by_quartile: bool) -> Option<crate::maps::choropleth::Map> {
    let focus: Vec<(String, &'static str, String)> = rows
        .iter()
        .map(|r| {
            let title = format!(
                "{}: {} ({}); {}; quartile {}",
                r.name,
                r.value,
                r.interval,
                r.comparison.label(),
                r.quartile
            );
            let class = if by_quartile {
                match r.quartile.chars().next() {
                    Some('1') => "q1",
                    Some('2') => "q2",
                    Some('3') => "q3",
                    Some('4') => "q4",
                    _ => "none",
                }
            } else {
                r.comparison.css()
            };
            (r.ons_code.clone(), class, title)
        })
        .collect();
    crate::maps::choropleth::map(&focus, (420.0, 520.0)).map(|mut m| {
        m.description = "The region's councils coloured as the key below says; neighbouring councils in grey. Each council links to its page. The same values are in the ranked table below.".into();
        m
    })
}

pub(super) fn charts(
    measure: &Measure,
    a: &Analysed,
    rows: &[RankedRow],
    benchmark_lines: &[(String, f64)],
    rate_multiplier: Option<i32>,
) -> (Option<Bars>, Option<Funnel>) {
    let values_of = |code: &str| -> Option<ChartValue> {
        let c = a.analysis.councils.iter().find(|c| c.code == code)?;
        // A survey estimate's denominator is a weighted population, not a count: it has no
        // place on a funnel plot.
        let survey =
            c.interval_method == Some(crate::analysis::intervals::IntervalMethod::MarginOfError);
        Some((
            c.value?,
            c.denominator.filter(|_| !survey),
            c.ci_low.zip(c.ci_high),
            c.comparison.css(),
        ))
    };
    let bar_rows: Vec<BarInput> = rows
        .iter()
        .filter_map(|r| {
            let (v, _, ci, css) = values_of(&r.ons_code)?;
            Some((r.name.clone(), v, r.value.clone(), css, ci))
        })
        .collect();
    let bars = (!bar_rows.is_empty())
        .then(|| bars(&bar_rows, benchmark_lines, |v| measure.format_f64(v)))
        .flatten();
    let funnel_kind = match measure.unit {
        Unit::Percent => Some(FunnelKind::Percent),
        Unit::Rate => rate_multiplier.map(|k| FunnelKind::Rate {
            multiplier: f64::from(k),
        }),
        _ => None,
    };
    let funnel_points: Vec<(f64, f64, String, &'static str)> = rows
        .iter()
        .filter_map(|r| {
            let (v, n, _, css) = values_of(&r.ons_code)?;
            Some((n?, v, format!("{}: {}", r.name, r.value), css))
        })
        .collect();
    let funnel = match (funnel_kind, benchmark_lines.first()) {
        (Some(kind), Some((_, b))) if !funnel_points.is_empty() => {
            funnel(&funnel_points, *b, kind, |v| measure.format_f64(v))
        }
        _ => None,
    };
    (bars, funnel)
}

fn measure_multiplier(inputs: &Inputs, code: &str) -> Option<i32> {
    inputs
        .specs
        .iter()
        .find(|s| s.code == code)?
        .rate_multiplier
}

/// Values of England and the region by period.
type TrendRows = Vec<(String, Vec<String>)>;

/// The most recent quarters a quarterly measure's trend shows.
pub(super) const QUARTERS_SHOWN: usize = 8;

/// The periods of the measure's kind with values up to `latest`, on its side of a break in
/// series (the last eight of a quarterly measure).
fn trend_periods(inputs: &Inputs, measure: &Measure, latest: Period) -> Vec<Period> {
    let mut periods: Vec<Period> = inputs
        .values
        .iter()
        .filter(|s| {
            s.measure == measure.code
                && s.period.is_quarter() == latest.is_quarter()
                && s.period <= latest
        })
        .map(|s| s.period)
        .collect();
    periods.sort();
    periods.dedup();
    if let Some(from) = measure.series_from() {
        periods.retain(|p| (*p >= from) == (latest >= from));
    }
    if latest.is_quarter() {
        periods = periods.split_off(periods.len().saturating_sub(QUARTERS_SHOWN));
    }
    periods
}

/// England and the region over the periods of the measure's kind up to its latest (for a
/// quarterly measure, the last eight quarters, each beside the same quarter a year earlier):
/// the chart, the table's headers and its rows.
fn trend_lines(
    inputs: &Inputs,
    stored: &StoredIndex<'_>,
    measure: &Measure,
    latest: Option<Period>,
) -> (Option<Lines>, Vec<String>, TrendRows) {
    let Some(latest) = latest else {
        return (None, Vec::new(), Vec::new());
    };
    let periods = trend_periods(inputs, measure, latest);
    let value_at = |area: &str, p: Period| {
        stored
            .get(&(measure.code.as_str(), area, p))
            .and_then(|v| v.value)
    };
    let mut areas = vec![(
        "England".to_string(),
        "england",
        crate::domain::ENGLAND.to_string(),
    )];
    if let Some(area) = inputs.groups.region.published_area.as_deref() {
        areas.push(("Region".to_string(), "region", area.to_string()));
    }
    let mut header: Vec<String> = areas.iter().map(|(n, _, _)| n.clone()).collect();
    if latest.is_quarter() {
        header.extend(areas.iter().map(|(n, _, _)| format!("{n}, a year earlier")));
    }
    let show =
        |d: Option<rust_decimal::Decimal>| d.map_or_else(|| "–".into(), |d| measure.format(d));
    let rows = periods
        .iter()
        .map(|p| {
            let mut values: Vec<String> = areas
                .iter()
                .map(|(_, _, a)| show(value_at(a, *p)))
                .collect();
            if latest.is_quarter() {
                values.extend(
                    areas
                        .iter()
                        .map(|(_, _, a)| show(value_at(a, p.year_earlier()))),
                );
            }
            (p.to_string(), values)
        })
        .collect();
    let as_f64: Vec<(String, &'static str, Vec<Option<f64>>)> = areas
        .iter()
        .map(|(n, css, a)| {
            (
                n.clone(),
                *css,
                periods
                    .iter()
                    .map(|p| value_at(a, *p).and_then(|d| d.to_f64()))
                    .collect(),
            )
        })
        .collect();
    let labels: Vec<String> = periods.iter().map(Period::to_string).collect();
    (
        lines(&labels, &as_f64, |v| measure.format_f64(v)),
        header,
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{COUNCILS, analysed, inputs, measure};
    use crate::analysis::measure::Value;

    fn names() -> HashMap<String, String> {
        COUNCILS
            .iter()
            .zip(["Dover", "Ashford", "Canterbury", "Bromley"])
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect()
    }

    #[test]
    fn councils_are_ranked_best_first_with_their_counts_and_quartiles() {
        let inputs = inputs(None, true);
        let a = analysed(&inputs);
        let rows = ranked_rows(&measure(), &a, &stored_index(&inputs), &names(), Level::P95);
        let order: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|r| (r.rank.as_str(), r.name.as_str(), r.value.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("1", "Bromley", "70.0%"),
                ("2", "Dover", "60.0%"),
                ("3", "Canterbury", "45.0%"),
                ("4", "Ashford", "40.0%"),
            ]
        );
        assert_eq!(
            (rows[0].numerator.as_str(), rows[0].denominator.as_str()),
            ("700", "1,000")
        );
        assert_eq!(rows[0].quartile, "1 (region)", "compared with the region");
    }

    #[test]
    fn unranked_councils_come_last_by_name() {
        let mut inputs = inputs(None, true);
        for s in inputs
            .values
            .iter_mut()
            .filter(|s| s.area == "E4" || s.area == "E2")
        {
            s.value = Value::default();
        }
        let a = analysed(&inputs);
        let rows = ranked_rows(&measure(), &a, &stored_index(&inputs), &names(), Level::P95);
        let order: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.rank.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("1", "Dover"),
                ("2", "Canterbury"),
                ("–", "Ashford"),
                ("–", "Bromley")
            ]
        );
        assert_eq!(
            rows[2].value, "not available",
            "a stored value without a number"
        );
    }

    #[test]
    fn a_percentage_with_counts_draws_bars_and_a_funnel() {
        let inputs = inputs(None, true);
        let a = analysed(&inputs);
        let m = measure();
        let rows = ranked_rows(&m, &a, &stored_index(&inputs), &names(), Level::P95);
        let lines = benchmark_lines(&a);
        let (bars, funnel) = charts(&m, &a, &rows, &lines, None);
        assert_eq!(lines.len(), 2, "England and the region: {lines:?}");
        assert!(bars.is_some() && funnel.is_some());
        let without_counts = crate::analysis::fixtures::inputs(None, false);
        let a = analysed(&without_counts);
        let rows = ranked_rows(&m, &a, &stored_index(&without_counts), &names(), Level::P95);
        let (bars, funnel) = charts(&m, &a, &rows, &benchmark_lines(&a), None);
        assert!(
            bars.is_some() && funnel.is_none(),
            "no denominators, no funnel"
        );
    }
}
