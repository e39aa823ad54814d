//! `GET /measures/{code}`: one measure: its definition, the headline, and every council of the
//! region ranked with its interval, comparison, quartile, distance from the median, direction
//! of travel and trend.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;

use super::layout::{AnalysisQuery, Layout, PeriodOption, choose_period};
use super::values::{
    Choice, analysed, benchmark_text, comparator_choices, council_names, format_f64, interval_text,
    region_name, stored_index, stored_text,
};
use super::{AppError, AppState};
use crate::analysis::comparison::Comparison;
use crate::analysis::headlines;
use crate::analysis::trend::{Direction, Trend};
use crate::db::queries::measures;
use crate::domain::{Measure, Unit, format_value};

pub fn router() -> Router<AppState> {
    Router::new().route("/measures/{code}", get(show))
}

pub struct RankedRow {
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
    measure: Measure,
    polarity: &'static str,
    region: String,
    period: String,
    data_period: Option<String>,
    periods: Vec<PeriodOption>,
    comparators: Vec<Choice>,
    comparator: &'static str,
    headline: Option<String>,
    rule: String,
    national: bool,
    england: String,
    region_value: String,
    rows: Vec<RankedRow>,
}

async fn show(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<AnalysisQuery>,
) -> Result<MeasurePage, AppError> {
    let measure = measures::by_code_or_alias(&state.pool, code.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("a measure with the code {code}")))?;
    let (comparator, level) = query.choices()?;
    let (period, periods) = choose_period(&state.pool, &query.period_query()).await?;
    let region = region_name(&state).await?;
    let (inputs, all) = analysed(&state, period, comparator, level).await?;
    let names = council_names(&state).await?;
    let stored = stored_index(&inputs);
    let analysed = all.iter().find(|a| a.measure == measure.code);
    let count = |v: Option<f64>| {
        v.and_then(rust_decimal::Decimal::from_f64_retain)
            .map(|d| format_value(d, Unit::Count, 0))
            .unwrap_or_default()
    };
    let mut rows: Vec<(Option<usize>, RankedRow)> = analysed
        .map(|a| {
            a.analysis
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
                            "{} the median ({m:+.1} MADs){}",
                            c.distance,
                            if c.outlier { ", outlier" } else { "" }
                        ),
                        None => c.distance.to_string(),
                    };
                    (
                        c.rank,
                        RankedRow {
                            rank: c.rank.map_or_else(|| "–".into(), |r| r.to_string()),
                            ons_code: c.code.clone(),
                            name: names.get(&c.code).cloned().unwrap_or_default(),
                            value: stored_text(
                                &measure,
                                stored
                                    .get(&(measure.code.as_str(), c.code.as_str(), a.period))
                                    .copied(),
                            ),
                            interval: interval_text(&measure, c, level),
                            numerator: count(c.numerator),
                            denominator: count(c.denominator),
                            comparison: c.comparison,
                            quartile,
                            distance,
                            direction: c.direction_of_travel,
                            trend: c.trend,
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    rows.sort_by(|(a, ra), (b, rb)| {
        (a.is_none(), a)
            .cmp(&(b.is_none(), b))
            .then_with(|| ra.name.cmp(&rb.name))
    });
    let headline = analysed.map(|a| {
        headlines::for_measure(&measure.title, &a.analysis, &names, |v| {
            format_f64(&measure, v)
        })
    });
    let layout = Layout::new(
        &state,
        format!("{} {}, {period}", measure.display_code, measure.title),
    )
    .await?;
    Ok(MeasurePage {
        layout,
        polarity: measure.polarity.label(),
        region,
        period: period.to_string(),
        data_period: analysed.map(|a| a.period.to_string()),
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
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        measure,
    })
}
