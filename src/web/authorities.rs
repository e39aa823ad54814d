//! `GET /authorities/{ons_code}`: one council's scorecard, each measure with its recent values,
//! England and the region.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;

use super::layout::{Layout, PeriodOption, PeriodQuery, choose_period};
use super::values::{DomainGroupOf, formatted, group_by_domain, region_during};
use super::{AppError, AppState};
use crate::analysis::comparison::{self, Comparison};
use crate::db::queries::{areas, measures, observations};
use crate::domain::{Authority, OnsCode};
use crate::seed::generate::ENGLAND;

pub fn router() -> Router<AppState> {
    Router::new().route("/authorities/{ons_code}", get(show))
}

/// How many earlier values to show beside the latest (at least three points in all).
const EARLIER_VALUES: usize = 3;

pub struct PastValue {
    pub period: String,
    pub value: String,
}

pub struct CouncilRow {
    pub code: String,
    pub display_code: String,
    pub title: String,
    pub period: String,
    pub value: String,
    pub england: String,
    pub region: String,
    pub comparison: Comparison,
    pub earlier: Vec<PastValue>,
    /// "Revised: was 598.7 in revision 1" when a later revision replaced the value.
    pub revised: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "authorities/show.html")]
struct CouncilPage {
    layout: Layout,
    authority: Authority,
    region: String,
    period: String,
    periods: Vec<PeriodOption>,
    domains: Vec<DomainGroupOf<CouncilRow>>,
}

async fn show(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Result<CouncilPage, AppError> {
    let not_found = || AppError::NotFound(format!("a council with the code {code}"));
    let ons: OnsCode = code.parse().map_err(|_| not_found())?;
    let authority = areas::authority(&state.pool, ons.as_str())
        .await?
        .ok_or_else(not_found)?;
    let (period, periods) = choose_period(&state.pool, &query).await?;
    let region = region_during(&state, period).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let mut area_codes = vec![authority.ons_code.clone(), ENGLAND.to_string()];
    area_codes.extend(region.benchmark_area.clone());
    let history = observations::history(&state.pool, period, &area_codes, None).await?;
    let superseded = observations::superseded(&state.pool, &authority.ons_code, period).await?;
    let domains = group_by_domain(&catalogue, |m| {
        let own: Vec<_> = history
            .iter()
            .filter(|o| o.measure_code == m.code && o.area_code == authority.ons_code)
            .collect();
        let (latest, earlier) = own.split_last()?;
        let at_latest = |area: &str| {
            history.iter().find(|o| {
                o.measure_code == m.code
                    && o.area_code == area
                    && o.period_code == latest.period_code
            })
        };
        let england = at_latest(ENGLAND);
        let region_value = region.benchmark_area.as_deref().and_then(at_latest);
        let skip = earlier.len().saturating_sub(EARLIER_VALUES);
        let revised = superseded
            .iter()
            .find(|(code, p, old, _)| {
                *code == m.code && *p == latest.period_code && *old != latest.value
            })
            .map(|(_, _, old, revision)| {
                let was = old.map_or_else(|| "no value".to_string(), |v| m.format(v));
                format!("Revised: was {was} in revision {revision}")
            });
        Some(CouncilRow {
            code: m.code.clone(),
            display_code: m.display_code.clone(),
            title: m.title.clone(),
            period: latest.period_code.clone(),
            value: formatted(m, Some(latest)),
            england: formatted(m, england),
            region: formatted(m, region_value),
            comparison: comparison::by_value(
                latest.value,
                england.and_then(|o| o.value),
                m.polarity,
                m.decimals(),
            ),
            earlier: earlier[skip..]
                .iter()
                .map(|o| PastValue {
                    period: o.period_code.clone(),
                    value: formatted(m, Some(o)),
                })
                .collect(),
            revised,
        })
    });
    let layout = Layout::new(&state, format!("{}, {period}", authority.name)).await?;
    Ok(CouncilPage {
        layout,
        authority,
        region: region.name,
        period: period.to_string(),
        periods,
        domains,
    })
}
