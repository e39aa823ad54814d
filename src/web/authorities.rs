//! `GET /authorities/{ons_code}`: one council's balanced scorecard: each measure with its value
//! and interval, earlier values, England and the region, comparison, direction of travel, trend
//! and RAG, with the RAG summary overall and per domain.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;

use super::cache::analysed_for;
use super::layout::{AnalysisQuery, Layout, PeriodOption, choose_period};
use super::values::{
    Choice, DomainGroupOf, benchmark_text, comparator_choices, group_by_domain, interval_text,
    region_name, stored_index, stored_text,
};
use super::{AppError, AppState};
use crate::analysis::comparison::Comparison;
use crate::analysis::rag::{Rag, RagRule, Summary};
use crate::analysis::trend::{Direction, Trend};
use crate::charts::sparkline::{Sparkline, sparkline};
use crate::charts::spine::{Spine, spine};
use crate::db::queries::{areas, measures, observations};
use crate::domain::{Authority, OnsCode, Period};
use rust_decimal::prelude::ToPrimitive;

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
    pub interval: String,
    pub england: String,
    pub region: String,
    pub comparison: Comparison,
    pub direction: Direction,
    pub trend: Trend,
    pub rag: Rag,
    pub rag_rule: String,
    pub earlier: Vec<PastValue>,
    /// "Revised: was 598.7 in revision 1" when a later revision replaced the value.
    pub revised: Option<String>,
    pub sparkline: Option<Sparkline>,
    pub spine: Option<Spine>,
    pub spine_text: String,
}

pub struct DomainSummary {
    pub sentence: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "authorities/show.html")]
struct CouncilPage {
    layout: Layout,
    /// The query string for this page's CSV and JSON: the same period, comparator and level.
    same_analysis: String,
    authority: Authority,
    region: String,
    period: String,
    periods: Vec<PeriodOption>,
    comparators: Vec<Choice>,
    comparator: &'static str,
    summary: String,
    domains: Vec<DomainGroupOf<CouncilRow>>,
    domain_summaries: Vec<DomainSummary>,
}

async fn show(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<AnalysisQuery>,
) -> Result<CouncilPage, AppError> {
    let not_found = || AppError::NotFound(format!("a council with the code {code}"));
    let ons: OnsCode = code.parse().map_err(|_| not_found())?;
    let authority = areas::authority(&state.pool, ons.as_str())
        .await?
        .ok_or_else(not_found)?;
    let (comparator, level) = query.choices()?;
    let (period, periods) = choose_period(&state.pool, &query.period_query()).await?;
    let region = region_name(&state).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let analysis =
        analysed_for(&state, period, comparator, level, Some(&authority.ons_code)).await?;
    let (inputs, analysed) = (&analysis.inputs, &analysis.analysed);
    let stored = stored_index(inputs);
    let superseded = observations::superseded(&state.pool, &authority.ons_code, period).await?;
    let mut history: Vec<(&str, Period)> = inputs
        .values
        .iter()
        .filter(|s| s.area == authority.ons_code && s.value.value.is_some())
        .map(|s| (s.measure.as_str(), s.period))
        .collect();
    history.sort_by_key(|(_, p)| p.sort_key());
    let domains = group_by_domain(&catalogue, |m| {
        let a = analysed.iter().find(|a| a.measure == m.code)?;
        let c = a
            .analysis
            .councils
            .iter()
            .find(|c| c.code == authority.ons_code)?;
        c.value?;
        let earlier: Vec<PastValue> = history
            .iter()
            .filter(|(code, p)| {
                *code == m.code
                    && p.sort_key() < a.period.sort_key()
                    && p.is_quarter() == a.period.is_quarter()
            })
            .map(|(_, p)| PastValue {
                period: p.to_string(),
                value: stored_text(
                    m,
                    stored
                        .get(&(m.code.as_str(), authority.ons_code.as_str(), *p))
                        .copied(),
                ),
            })
            .collect();
        let skip = earlier.len().saturating_sub(EARLIER_VALUES);
        let series: Vec<(f64, String)> = history
            .iter()
            .filter(|(code, p)| {
                *code == m.code
                    && p.sort_key() <= a.period.sort_key()
                    && p.is_quarter() == a.period.is_quarter()
            })
            .filter_map(|(_, p)| {
                let v = stored
                    .get(&(m.code.as_str(), authority.ons_code.as_str(), *p))?
                    .value?;
                Some((v.to_f64()?, format!("{p} {}", m.format(v))))
            })
            .collect();
        let spread_of = if a.analysis.national {
            &inputs.groups.england.members
        } else {
            &inputs.groups.region.members
        };
        let spread: Vec<f64> = spread_of
            .iter()
            .filter_map(|c| {
                stored
                    .get(&(m.code.as_str(), c.as_str(), a.period))?
                    .value?
                    .to_f64()
            })
            .collect();
        let england = a.analysis.england.and_then(|b| b.value.to_f64());
        let region_value = a.analysis.region.and_then(|b| b.value.to_f64());
        let spine = c
            .value
            .and_then(|v| spine(v, &spread, england, region_value, m.polarity));
        let spine_text = format!(
            "{} against the {} range of {} councils ({}), England (line) and the region (diamond); better to the right",
            c.value
                .map_or_else(|| "–".into(), |v| super::values::format_f64(m, v)),
            if a.analysis.national {
                "England"
            } else {
                "regional"
            },
            spread.len(),
            c.distance
        );
        let current = stored
            .get(&(m.code.as_str(), authority.ons_code.as_str(), a.period))
            .copied();
        let period_code = a.period.to_string();
        let revised = superseded
            .iter()
            .find(|(code, p, old, _)| {
                *code == m.code && *p == period_code && *old != current.and_then(|v| v.value)
            })
            .map(|(_, _, old, revision)| {
                let was = old.map_or_else(|| "no value".to_string(), |v| m.format(v));
                format!("Revised: was {was} in revision {revision}")
            });
        Some(CouncilRow {
            code: m.code.clone(),
            display_code: m.display_code.clone(),
            title: m.title.clone(),
            period: period_code,
            value: stored_text(m, current),
            interval: interval_text(m, c, level),
            england: benchmark_text(m, a.analysis.england),
            region: benchmark_text(m, a.analysis.region),
            comparison: c.comparison,
            direction: c.direction_of_travel,
            trend: c.trend,
            rag: c.rag,
            rag_rule: match (c.rag_rule, c.target) {
                (RagRule::Target, Some(t)) => format!(
                    "against {} of {}",
                    t.owner.words(),
                    super::values::format_f64(m, t.value)
                ),
                (RagRule::Benchmark, _) => "against benchmark".into(),
                _ => String::new(),
            },
            earlier: earlier.into_iter().skip(skip).collect(),
            revised,
            sparkline: sparkline(&series[series.len().saturating_sub(EARLIER_VALUES + 1)..]),
            spine,
            spine_text,
        })
    });
    let domain_summaries = domains
        .iter()
        .map(|d| DomainSummary {
            sentence: Summary::of(d.rows.iter().map(|r| r.rag)).sentence(),
        })
        .collect();
    let summary = Summary::of(domains.iter().flat_map(|d| d.rows.iter().map(|r| r.rag))).sentence();
    let layout = Layout::new(&state, format!("{}, {period}", authority.name))
        .await?
        .showing(analysis.inputs.illustrative());
    Ok(CouncilPage {
        same_analysis: super::layout::same_analysis(period, comparator, level),
        layout,
        authority,
        region,
        period: period.to_string(),
        periods,
        comparators: comparator_choices(comparator),
        comparator: comparator.label(),
        summary,
        domains,
        domain_summaries,
    })
}

impl CouncilRow {
    pub fn rag_css(&self) -> &'static str {
        match self.rag {
            Rag::Green => "better",
            Rag::Amber => "similar",
            Rag::Red => "worse",
            Rag::NotRated => "none",
        }
    }
}
