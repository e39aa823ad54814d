//! `GET /`: the regional overview. Headlines in words, then councils by measures grouped by
//! domain, each value compared (with significance) against the chosen comparator.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;

use super::api::headlines_data;
use super::layout::{AnalysisQuery, Layout, PeriodOption, choose_period};
use super::values::{
    Choice, DomainGroupOf, benchmark_text, comparator_choices, council_names, group_by_domain,
    interval_text, stored_index, stored_text,
};
use super::{AppError, AppState};
use crate::analysis::comparison::Comparison;
use crate::analysis::headlines::Headline;
use crate::analysis::trend::Direction;
use crate::db::queries::measures;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(show))
}

pub struct Council {
    pub ons_code: String,
    pub name: String,
}

pub struct Cell {
    pub value: String,
    pub comparison: Comparison,
    /// A one-letter class (short, as the table has thousands of cells): see `scorecard.css`.
    pub class: &'static str,
    /// Interval and direction of travel, for the cell's title.
    pub detail: String,
    pub arrow: &'static str,
}

fn cell_class(c: Comparison) -> &'static str {
    match c {
        Comparison::Better => "c b",
        Comparison::Similar => "c s",
        Comparison::Worse => "c w",
        Comparison::Higher | Comparison::Lower => "c h",
        Comparison::NotCompared => "c n",
    }
}

/// A short sign for the direction of travel, spelt out in the cell's title and the key.
pub fn arrow(d: Direction) -> &'static str {
    match d {
        Direction::Improved => "▲",
        Direction::Declined => "▼",
        Direction::Increased => "↑",
        Direction::Decreased => "↓",
        Direction::NoSignificantChange => "→",
        Direction::NotAssessed => "",
    }
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
    comparators: Vec<Choice>,
    comparator: &'static str,
    level: &'static str,
    overall: Headline,
    domain_headlines: Vec<Headline>,
    councils: Vec<Council>,
    domains: Vec<DomainGroupOf<MeasureRow>>,
}

async fn show(
    State(state): State<AppState>,
    Query(query): Query<AnalysisQuery>,
) -> Result<OverviewPage, AppError> {
    let (comparator, level) = query.choices()?;
    let (period, periods) = choose_period(&state.pool, &query.period_query()).await?;
    let region = super::values::region_name(&state).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let (inputs, analysed) = super::values::analysed(&state, period, comparator, level).await?;
    let names = council_names(&state).await?;
    let stored = stored_index(&inputs);
    let by_code: HashMap<&str, _> = analysed.iter().map(|a| (a.measure.as_str(), a)).collect();
    let domains = group_by_domain(&catalogue, |m| {
        let a = by_code.get(m.code.as_str())?;
        let cells = a
            .analysis
            .councils
            .iter()
            .map(|c| Cell {
                value: stored_text(
                    m,
                    stored
                        .get(&(m.code.as_str(), c.code.as_str(), a.period))
                        .copied(),
                ),
                comparison: c.comparison,
                class: cell_class(c.comparison),
                detail: format!(
                    "{}; {}",
                    interval_text(m, c, level),
                    c.direction_of_travel.label().to_lowercase()
                ),
                arrow: arrow(c.direction_of_travel),
            })
            .collect();
        Some(MeasureRow {
            code: m.code.clone(),
            display_code: m.display_code.clone(),
            title: m.title.clone(),
            period: a.period.to_string(),
            polarity: m.polarity.label(),
            england: benchmark_text(m, a.analysis.england),
            region: benchmark_text(m, a.analysis.region),
            cells,
        })
    });
    let (overall, domain_headlines, _) = headlines_data(&state, period, comparator, level).await?;
    let layout = Layout::new(&state, format!("Regional overview, {period}")).await?;
    Ok(OverviewPage {
        layout,
        region,
        period: period.to_string(),
        periods,
        comparators: comparator_choices(comparator),
        comparator: comparator.label(),
        level: level.label(),
        overall,
        domain_headlines: domain_headlines
            .into_iter()
            .map(|(_, _, headline)| headline)
            .collect(),
        councils: inputs
            .councils
            .iter()
            .map(|c| Council {
                ons_code: c.clone(),
                name: names.get(c).cloned().unwrap_or_default(),
            })
            .collect(),
        domains,
    })
}
