//! `GET /measures/{code}`: one measure, every council of the region ranked, with England and the
//! region.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;

use super::layout::{Layout, PeriodOption, PeriodQuery, choose_period};
use super::values::{formatted, index, region_during};
use super::{AppError, AppState};
use crate::analysis::comparison::{self, Comparison};
use crate::analysis::ranking;
use crate::db::queries::{measures, observations};
use crate::domain::Measure;
use crate::seed::generate::ENGLAND;

pub fn router() -> Router<AppState> {
    Router::new().route("/measures/{code}", get(show))
}

pub struct RankedRow {
    pub rank: String,
    pub ons_code: String,
    pub name: String,
    pub value: String,
    pub numerator: String,
    pub denominator: String,
    pub comparison: Comparison,
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
    england: String,
    region_value: String,
    rows: Vec<RankedRow>,
}

async fn show(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Result<MeasurePage, AppError> {
    let measure = measures::by_code_or_alias(&state.pool, code.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("a measure with the code {code}")))?;
    let (period, periods) = choose_period(&state.pool, &query).await?;
    let region = region_during(&state, period).await?;
    let members: Vec<String> = region.members.iter().map(|a| a.ons_code.clone()).collect();
    let mut area_codes = members.clone();
    area_codes.push(ENGLAND.to_string());
    area_codes.extend(region.benchmark_area.clone());
    let values = observations::as_at(
        &state.pool,
        period,
        &members,
        &area_codes,
        Some(&measure.code),
    )
    .await?;
    let by_key = index(&values);
    let value_of = |area: &str| by_key.get(&(measure.code.as_str(), area)).copied();
    let england = value_of(ENGLAND);
    let own: Vec<_> = region
        .members
        .iter()
        .map(|a| value_of(&a.ons_code))
        .collect();
    let ranks = ranking::ranks(
        &own.iter()
            .map(|o| o.and_then(|o| o.value))
            .collect::<Vec<_>>(),
        measure.polarity,
    );
    let number = |v: Option<rust_decimal::Decimal>| {
        v.map(|v| crate::domain::format_value(v, crate::domain::Unit::Count, 0))
            .unwrap_or_default()
    };
    let mut rows: Vec<(Option<usize>, RankedRow)> = region
        .members
        .iter()
        .zip(own.iter().zip(ranks))
        .map(|(a, (o, rank))| {
            (
                rank,
                RankedRow {
                    rank: rank.map(|r| r.to_string()).unwrap_or_else(|| "–".into()),
                    ons_code: a.ons_code.clone(),
                    name: a.name.clone(),
                    value: formatted(&measure, *o),
                    numerator: number(o.and_then(|o| o.numerator)),
                    denominator: number(o.and_then(|o| o.denominator)),
                    comparison: comparison::by_value(
                        o.and_then(|o| o.value),
                        england.and_then(|e| e.value),
                        measure.polarity,
                        measure.decimals(),
                    ),
                },
            )
        })
        .collect();
    rows.sort_by_key(|(rank, row)| (rank.is_none(), *rank, row.name.clone()));
    let region_value = region.benchmark_area.as_deref().and_then(value_of);
    let layout = Layout::new(
        &state,
        format!("{} {}, {period}", measure.display_code, measure.title),
    )
    .await?;
    Ok(MeasurePage {
        layout,
        polarity: measure.polarity.label(),
        region: region.name,
        period: period.to_string(),
        data_period: values.first().map(|o| o.period_code.clone()),
        periods,
        england: formatted(&measure, england),
        region_value: formatted(&measure, region_value),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        measure,
    })
}
