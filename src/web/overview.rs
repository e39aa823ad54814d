//! `GET /`: the regional overview. Headlines in words, then councils by measures grouped by
//! domain, each value compared (with significance) against the chosen comparator.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::extract::Params;
use super::layout::{AnalysisQuery, Layout, PeriodOption, choose_period};
use super::session::Visitor;
use super::values::{
    Choice, DomainGroupOf, benchmark_text, comparator_choices, council_names, group_by_domain,
    stored_index, stored_text,
};
use super::{AppError, AppState};
use crate::analysis::comparison::Comparison;
use crate::analysis::headlines::Headline;
use crate::analysis::intervals::Level;
use crate::analysis::measure::ComparatorKind;
use crate::analysis::scorecard::{Analysed, Inputs};
use crate::analysis::trend::Direction;
use crate::db::queries::measures;
use crate::domain::Measure;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/", get(show))
}

pub(super) struct Council {
    pub ons_code: String,
    pub name: String,
}

pub(super) struct Cell {
    pub value: String,
    pub comparison: Comparison,
    /// A one-letter class (short, as the table has thousands of cells): see `scorecard.css`.
    pub class: &'static str,
    /// Interval and direction of travel, for the cell's title.
    pub detail: String,
    pub arrow: &'static str,
}

/// The cell's title, kept short as the rug has thousands of cells: "95% CI 26.1%–30.8%", and
/// the direction of travel when it changed significantly.
fn cell_detail(m: &Measure, c: &crate::analysis::measure::CouncilResult, level: Level) -> String {
    let interval = match (c.ci_low, c.ci_high) {
        (Some(low), Some(high)) => format!(
            "{} CI {}–{}",
            level.label(),
            m.format_f64(low),
            m.format_f64(high)
        ),
        _ => "no interval".into(),
    };
    match c.direction_of_travel {
        Direction::NoSignificantChange | Direction::NotAssessed => interval,
        d => format!("{interval}; {}", d.label().to_lowercase()),
    }
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
pub(super) fn arrow(d: Direction) -> &'static str {
    match d {
        Direction::Improved => "▲",
        Direction::Declined => "▼",
        Direction::Increased => "↑",
        Direction::Decreased => "↓",
        Direction::NoSignificantChange => "→",
        Direction::NotAssessed => "",
    }
}

pub(super) struct MeasureRow {
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
    /// The query string for this page's CSV and JSON: the same period, comparator and level.
    same_analysis: String,
    region: String,
    period: String,
    periods: Vec<PeriodOption>,
    comparators: Vec<Choice>,
    comparator: &'static str,
    level: &'static str,
    domain_filter: Vec<Choice>,
    /// Per domain, the region shaded by each council's share of measures significantly worse
    /// than England, with the same numbers as a table.
    domain_maps: super::domain_maps::DomainMaps,
    overall: Headline,
    domain_headlines: Vec<Headline>,
    councils: Vec<Council>,
    domains: Vec<DomainGroupOf<MeasureRow>>,
    notable: Vec<crate::analysis::notable::DomainFacts>,
    boundary: Option<&'static str>,
}

/// Cumbria's successors, whose values start in 2023-24.
const CUMBRIA_SUCCESSORS: [&str; 2] = ["E06000063", "E06000064"];

/// A note on boundary changes among the councils shown.
pub(super) fn boundary_note(councils: &[String]) -> Option<&'static str> {
    councils
        .iter()
        .any(|c| CUMBRIA_SUCCESSORS.contains(&c.as_str()))
        .then_some(
            "Cumbria was replaced on 1 April 2023 by Cumberland and by Westmorland and Furness: their values start in 2023-24 and are not compared with Cumbria's earlier ones.",
        )
}

/// The tartan rug: councils by measures, grouped by domain.
pub(super) struct Rug {
    pub councils: Vec<Council>,
    pub domains: Vec<DomainGroupOf<MeasureRow>>,
}

/// Builds the rug for the measures `keep` accepts, from an analysed period.
pub(super) fn rug(
    catalogue: &[Measure],
    inputs: &Inputs,
    analysed: &[Analysed],
    names: &HashMap<String, String>,
    level: Level,
    keep: impl Fn(&Measure) -> bool,
) -> Rug {
    let stored = stored_index(inputs);
    let by_code: HashMap<&str, _> = analysed.iter().map(|a| (a.measure.as_str(), a)).collect();
    let domains = group_by_domain(catalogue, |m| {
        if !keep(m) {
            return None;
        }
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
                detail: cell_detail(m, c, level),
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
    let councils = inputs
        .councils
        .iter()
        .map(|c| Council {
            ons_code: c.clone(),
            name: names.get(c).cloned().unwrap_or_default(),
        })
        .collect();
    Rug { councils, domains }
}

/// The domains, for the filter.
pub(super) fn domain_choices(catalogue: &[Measure], chosen: Option<&str>) -> Vec<Choice> {
    let mut choices: Vec<Choice> = Vec::new();
    for m in catalogue {
        if !choices.iter().any(|c| c.value == m.domain_slug) {
            choices.push(Choice {
                value: m.domain_slug.clone(),
                label: m.domain_name.clone(),
                selected: chosen == Some(m.domain_slug.as_str()),
            });
        }
    }
    choices
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(query): Params<AnalysisQuery>,
) -> Result<OverviewPage, AppError> {
    let view = visitor.viewer.data_view();
    let (comparator, level) = query.choices()?;
    let (period, periods) = choose_period(&state.pool, view, &query.period_query()).await?;
    let region = super::values::region_name(&state).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let domain = query
        .domain
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if let Some(d) = domain
        && !catalogue.iter().any(|m| m.domain_slug == d)
    {
        return Err(AppError::bad_request(
            "domain",
            format!("'{d}' is not one of the six domains"),
        ));
    }
    let analysis = super::cache::analysed(&state, view, period, comparator, level).await?;
    let (inputs, analysed) = (&analysis.inputs, &analysis.analysed);
    let names = council_names(&state).await?;
    let Rug { councils, domains } = rug(&catalogue, inputs, analysed, &names, level, |m| {
        domain.is_none_or(|d| m.domain_slug == d)
    });
    let headlines = crate::analysis::headlines::of_period(&catalogue, analysed, &names);
    let notable =
        crate::analysis::notable::of_period(&catalogue, analysed, &names, comparator.label())
            .into_iter()
            .filter(|d| domain.is_none_or(|x| x == d.slug))
            .collect();
    let boundary = boundary_note(&inputs.councils);
    let england =
        super::cache::analysed(&state, view, period, ComparatorKind::England, level).await?;
    let domain_maps =
        super::domain_maps::domain_maps(&catalogue, &england.analysed, &inputs.councils, &names);
    let layout = Layout::new(&state, &visitor, format!("Regional overview, {period}"))
        .await?
        .showing(analysis.inputs.illustrative());
    Ok(OverviewPage {
        same_analysis: super::layout::same_analysis(period, comparator, level),
        layout,
        region,
        period: period.to_string(),
        periods,
        comparators: comparator_choices(comparator),
        comparator: comparator.label(),
        level: level.label(),
        domain_filter: domain_choices(&catalogue, domain),
        domain_maps,
        overall: headlines.overall,
        domain_headlines: headlines
            .domains
            .into_iter()
            .filter(|h| domain.is_none_or(|d| d == h.slug))
            .map(|h| h.headline)
            .collect(),
        councils,
        domains,
        notable,
        boundary,
    })
}
