//! `GET /regional-account?period=…`: the Regional Account: contents, headlines per domain, the
//! overview, and a summary sheet per council with its RAG summary and commentary, laid out for
//! print (the browser's "Save as PDF" gives a clean document).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;

use super::cache::analysed;
use super::layout::{AnalysisQuery, Layout, choose_period};
use super::overview::{Council, MeasureRow, Rug, rug};
use super::values::{DomainGroupOf, council_names, region_name};
use super::{AppError, AppState};
use crate::analysis::comparison::Comparison;
use crate::analysis::headlines::{self, DomainHeadline, Headline};
use crate::analysis::rag::Summary;
use crate::db::queries::{commentary, measures};

pub fn router() -> Router<AppState> {
    Router::new().route("/regional-account", get(show))
}

pub struct DomainLine {
    pub name: String,
    pub rag: String,
    pub better: usize,
    pub worse: usize,
    pub commentary: Option<String>,
}

pub struct CouncilSheet {
    pub code: String,
    pub name: String,
    pub rag: String,
    pub domains: Vec<DomainLine>,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/show.html")]
struct AccountPage {
    layout: Layout,
    region: String,
    period: String,
    comparator: &'static str,
    level: &'static str,
    overall: Headline,
    domain_headlines: Vec<DomainHeadline>,
    councils: Vec<Council>,
    domains: Vec<DomainGroupOf<MeasureRow>>,
    sheets: Vec<CouncilSheet>,
}

async fn show(
    State(state): State<AppState>,
    Query(q): Query<AnalysisQuery>,
) -> Result<AccountPage, AppError> {
    let (comparator, level) = q.choices()?;
    let (period, _) = choose_period(&state.pool, &q.period_query()).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let analysis = analysed(&state, period, comparator, level).await?;
    let (inputs, all) = (&analysis.inputs, &analysis.analysed);
    let names = council_names(&state).await?;
    let headlines = headlines::of_period(&catalogue, all, &names);
    let (overall, domain_headlines) = (headlines.overall, headlines.domains);
    let Rug { councils, domains } = rug(&catalogue, inputs, all, &names, level, |_| true);
    let notes = commentary::published(&state.pool, period.financial_year(), None, None).await?;
    let domain_of: HashMap<&str, (&str, &str)> = catalogue
        .iter()
        .map(|m| {
            (
                m.code.as_str(),
                (m.domain_slug.as_str(), m.domain_name.as_str()),
            )
        })
        .collect();
    let sheets = inputs
        .councils
        .iter()
        .map(|code| {
            let mut lines: Vec<(String, DomainLine, Vec<crate::analysis::rag::Rag>)> = Vec::new();
            for a in all {
                let Some(c) = a
                    .analysis
                    .councils
                    .iter()
                    .find(|c| c.code == *code && c.value.is_some())
                else {
                    continue;
                };
                let Some((slug, name)) = domain_of.get(a.measure.as_str()) else {
                    continue;
                };
                if !lines.iter().any(|(s, _, _)| s == slug) {
                    let commentary = notes
                        .iter()
                        .find(|n| n.ons_code == *code && n.domain_slug == *slug)
                        .map(|n| n.body.clone());
                    let line = DomainLine {
                        name: name.to_string(),
                        rag: String::new(),
                        better: 0,
                        worse: 0,
                        commentary,
                    };
                    lines.push((slug.to_string(), line, Vec::new()));
                }
                if let Some((_, line, ratings)) = lines.iter_mut().find(|(s, _, _)| s == slug) {
                    ratings.push(c.rag);
                    match c.comparison {
                        Comparison::Better => line.better += 1,
                        Comparison::Worse => line.worse += 1,
                        _ => {}
                    }
                }
            }
            let overall = Summary::of(lines.iter().flat_map(|(_, _, r)| r.iter().copied()));
            CouncilSheet {
                code: code.clone(),
                name: names.get(code).cloned().unwrap_or_default(),
                rag: overall.sentence(),
                domains: lines
                    .into_iter()
                    .map(|(_, mut line, ratings)| {
                        line.rag = Summary::of(ratings).sentence();
                        line
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(AccountPage {
        layout: Layout::new(&state, format!("Regional Account, {period}"))
            .await?
            .showing(analysis.inputs.illustrative()),
        region: region_name(&state).await?,
        period: period.to_string(),
        comparator: comparator.label(),
        level: level.label(),
        overall,
        domain_headlines,
        councils,
        domains,
        sheets,
    })
}
