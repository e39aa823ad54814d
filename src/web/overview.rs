//! `GET /`: the regional overview, councils by measures grouped by domain, each value compared
//! with England.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;

use super::layout::{Layout, PeriodOption, PeriodQuery, choose_period};
use super::values::{DomainGroupOf, formatted, group_by_domain, index, region_during};
use super::{AppError, AppState};
use crate::analysis::comparison::{self, Comparison};
use crate::db::queries::{measures, observations};
use crate::domain::Authority;
use crate::seed::generate::ENGLAND;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(show))
}

pub struct Cell {
    pub value: String,
    pub comparison: Comparison,
}

pub struct MeasureRow {
    pub code: String,
    pub display_code: String,
    pub title: String,
    pub period: String,
    pub polarity: &'static str,
    pub england: String,
    pub region: String,
    pub cells: Vec<Cell>,
}

#[derive(Template, WebTemplate)]
#[template(path = "overview/index.html")]
struct OverviewPage {
    layout: Layout,
    region: String,
    period: String,
    periods: Vec<PeriodOption>,
    councils: Vec<Authority>,
    domains: Vec<DomainGroupOf<MeasureRow>>,
}

async fn show(
    State(state): State<AppState>,
    Query(query): Query<PeriodQuery>,
) -> Result<OverviewPage, AppError> {
    let (period, periods) = choose_period(&state.pool, &query).await?;
    let region = region_during(&state, period).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let members: Vec<String> = region.members.iter().map(|a| a.ons_code.clone()).collect();
    let mut areas = members.clone();
    areas.push(ENGLAND.to_string());
    areas.extend(region.benchmark_area.clone());
    let values = observations::as_at(&state.pool, period, &members, &areas, None).await?;
    let by_key = index(&values);
    let period_of: HashMap<&str, &str> = values
        .iter()
        .map(|o| (o.measure_code.as_str(), o.period_code.as_str()))
        .collect();
    let domains = group_by_domain(&catalogue, |m| {
        let england = by_key.get(&(m.code.as_str(), ENGLAND)).copied();
        let region_value = region
            .benchmark_area
            .as_deref()
            .and_then(|a| by_key.get(&(m.code.as_str(), a)).copied());
        let period = period_of.get(m.code.as_str())?.to_string();
        let cells = region
            .members
            .iter()
            .map(|a| {
                let own = by_key.get(&(m.code.as_str(), a.ons_code.as_str())).copied();
                Cell {
                    value: formatted(m, own),
                    comparison: comparison::by_value(
                        own.and_then(|o| o.value),
                        england.and_then(|o| o.value),
                        m.polarity,
                        m.decimals(),
                    ),
                }
            })
            .collect();
        Some(MeasureRow {
            code: m.code.clone(),
            display_code: m.display_code.clone(),
            title: m.title.clone(),
            period,
            polarity: m.polarity.label(),
            england: formatted(m, england),
            region: formatted(m, region_value),
            cells,
        })
    });
    let layout = Layout::new(&state, format!("Regional overview, {period}")).await?;
    Ok(OverviewPage {
        layout,
        region: region.name,
        period: period.to_string(),
        periods,
        councils: region.members,
        domains,
    })
}
