//! `GET /domains/{slug}`: one risk domain: its headline, the comparative view of its measures
//! for every council, and every council's commentary for it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;

use super::cache::analysed;
use super::extract::Params;
use super::layout::{AnalysisQuery, Layout, PeriodOption, choose_period};
use super::overview::{Council, MeasureRow, Rug, rug};
use super::session::Visitor;
use super::values::{Choice, DomainGroupOf, comparator_choices, council_names, region_name};
use super::{AppError, AppState};
use crate::db::queries::{commentary, measures};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/domains", get(index))
        .route("/domains/{slug}", get(show))
}

#[derive(Template, WebTemplate)]
#[template(path = "domains/index.html")]
struct IndexPage {
    layout: Layout,
    domains: Vec<crate::db::queries::domains::Domain>,
}

/// `GET /domains`: the six risk domains, each with what it covers.
async fn index(State(state): State<AppState>, visitor: Visitor) -> Result<IndexPage, AppError> {
    Ok(IndexPage {
        layout: Layout::new(&state, &visitor, "Risk domains".into()).await?,
        domains: crate::db::queries::domains::with_summaries(&state.pool).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "domains/show.html")]
struct DomainPage {
    layout: Layout,
    name: String,
    summary: String,
    region: String,
    period: String,
    periods: Vec<PeriodOption>,
    comparators: Vec<Choice>,
    comparator: &'static str,
    headline: String,
    councils: Vec<Council>,
    domains: Vec<DomainGroupOf<MeasureRow>>,
    commentary: Vec<commentary::Commentary>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Params(query): Params<AnalysisQuery>,
) -> Result<DomainPage, AppError> {
    let view = visitor.viewer.data_view();
    let crate::db::queries::domains::Domain { name, summary, .. } =
        crate::db::queries::domains::by_slug(&state.pool, &slug)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("a domain called {slug}")))?;
    let (comparator, level) = query.choices()?;
    let (period, periods) = choose_period(&state.pool, view, &query.period_query()).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let analysis = analysed(&state, view, period, comparator, level).await?;
    let (inputs, all) = (&analysis.inputs, &analysis.analysed);
    let names = council_names(&state).await?;
    let Rug { councils, domains } = rug(&catalogue, inputs, all, &names, level, |m| {
        m.domain_slug == slug
    });
    let headline = crate::analysis::headlines::of_period(&catalogue, all, &names)
        .domains
        .into_iter()
        .find(|d| d.slug == slug)
        .map(|d| d.headline.sentence)
        .unwrap_or_default();
    let commentary = commentary::published(
        &state.pool,
        view,
        period.financial_year(),
        Some(&slug),
        None,
    )
    .await?;
    Ok(DomainPage {
        layout: Layout::new(&state, &visitor, format!("{name}, {period}"))
            .await?
            .showing(analysis.inputs.illustrative()),
        name,
        summary,
        region: region_name(&state).await?,
        period: period.to_string(),
        periods,
        comparators: comparator_choices(comparator),
        comparator: comparator.label(),
        headline,
        councils,
        domains,
        commentary,
    })
}
