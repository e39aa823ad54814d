//! The JSON API (`/api/v1`), documented in the README: the analysed values of a measure, one
//! council's scorecard, and the headlines. Errors are JSON naming the parameter.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::layout::{AnalysisQuery, choose_period};
use super::values::{analysed, council_names};
use super::{AppError, AppState};
use crate::analysis::benchmark::Benchmark;
use crate::analysis::headlines::{self, Headline};
use crate::analysis::measure::{ComparatorKind, CouncilResult};
use crate::analysis::rag::Summary;
use crate::analysis::scorecard::Analysed;
use crate::db::queries::{areas, measures};
use crate::domain::{Measure, OnsCode, Period};

/// Routes under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/measures/{code}/values", get(measure_values))
        .route(
            "/authorities/{ons_code}/scorecard",
            get(authority_scorecard),
        )
        .route("/headlines", get(headlines_for_period))
        .fallback(|| async { ApiError(AppError::NotFound("that API address".into())) })
}

/// An [`AppError`] answered as JSON: `{"error": {"status", "parameter", "message"}}`.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, parameter, message) = match &self.0 {
            AppError::NotFound(what) => (StatusCode::NOT_FOUND, None, format!("not found: {what}")),
            AppError::BadRequest { field, message } => {
                (StatusCode::BAD_REQUEST, Some(*field), message.clone())
            }
            AppError::Unavailable(e) => {
                tracing::error!(error = %e, "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    None,
                    "the database is unavailable".into(),
                )
            }
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    "internal error; it has been logged".into(),
                )
            }
        };
        let body = serde_json::json!({
            "error": { "status": status.as_u16(), "parameter": parameter, "message": message }
        });
        (status, Json(body)).into_response()
    }
}

#[derive(Serialize)]
struct MeasureInfo {
    code: String,
    display_code: String,
    title: String,
    unit: crate::domain::Unit,
    unit_label: String,
    polarity: crate::domain::Polarity,
    decimals: i16,
    domain: String,
}

impl From<&Measure> for MeasureInfo {
    fn from(m: &Measure) -> Self {
        MeasureInfo {
            code: m.code.clone(),
            display_code: m.display_code.clone(),
            title: m.title.clone(),
            unit: m.unit,
            unit_label: m.unit_label.clone(),
            polarity: m.polarity,
            decimals: m.decimals,
            domain: m.domain_slug.clone(),
        }
    }
}

#[derive(Serialize)]
struct CouncilValue<'a> {
    name: String,
    benchmark_value: Option<f64>,
    #[serde(flatten)]
    result: &'a CouncilResult,
}

#[derive(Serialize)]
struct Methods {
    confidence_level: &'static str,
    interval: &'static str,
    comparison: &'static str,
    rank: &'static str,
    distance: &'static str,
    direction_of_travel: &'static str,
    trend: &'static str,
    rag: &'static str,
}

const METHODS: Methods = Methods {
    confidence_level: "see `level`; 95% unless level=99.8 is asked for",
    interval: "Wilson score for proportions, Byar (exact below 10) for rates, published margin of error for survey scores",
    comparison: "significantly higher/lower when the interval lies wholly above/below the benchmark; better/worse by the measure's polarity; not_compared without an interval",
    rank: "1 = best within the region (polarity-aware, ties share the lower rank); quartile = ceil(4 rank / N); *_national among all English councils with a value",
    distance: "(value - median) / MAD over English councils (the region when only it has values); |MADs| >= 3 is an outlier",
    direction_of_travel: "latest vs previous period: two-proportion z-test at 95% where counts exist, else the measure's tolerance",
    trend: crate::analysis::trend::TREND_RULE,
    rag: "against the measure's target and amber tolerance; without a target, the comparison (better green, similar amber, worse red)",
};

fn benchmark_json(b: Option<Benchmark>) -> serde_json::Value {
    match b {
        Some(b) => {
            serde_json::json!({ "value": rust_decimal::prelude::ToPrimitive::to_f64(&b.value), "method": b.method, "members": b.members, "description": b.method.label() })
        }
        None => serde_json::Value::Null,
    }
}

fn council_values<'a>(a: &'a Analysed, names: &HashMap<String, String>) -> Vec<CouncilValue<'a>> {
    a.analysis
        .councils
        .iter()
        .map(|c| CouncilValue {
            name: names.get(&c.code).cloned().unwrap_or_default(),
            benchmark_value: c
                .benchmark
                .and_then(|b| rust_decimal::prelude::ToPrimitive::to_f64(&b.value)),
            result: c,
        })
        .collect()
}

async fn resolve(
    state: &AppState,
    q: &AnalysisQuery,
) -> Result<(Period, ComparatorKind, crate::analysis::intervals::Level), AppError> {
    let (comparator, level) = q.choices()?;
    let (period, _) = choose_period(&state.pool, &q.period_query()).await?;
    Ok((period, comparator, level))
}

async fn measure_values(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<AnalysisQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (period, comparator, level) = resolve(&state, &q).await?;
    let measure = measures::by_code_or_alias(&state.pool, code.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("a measure with the code {code}")))?;
    let analysis = analysed(&state, period, comparator, level).await?;
    let (_, all) = (&analysis.inputs, &analysis.analysed);
    let names = council_names(&state).await?;
    let Some(a) = all.iter().find(|a| a.measure == measure.code) else {
        return Err(
            AppError::NotFound(format!("values of {} up to {period}", measure.code)).into(),
        );
    };
    let headline = headlines::for_measure(&measure.title, &a.analysis, &names, |v| {
        measure.format(rust_decimal::Decimal::from_f64_retain(v).unwrap_or_default())
    });
    Ok(Json(serde_json::json!({
        "measure": MeasureInfo::from(&measure),
        "period": period,
        "data_period": a.period,
        "comparator": comparator,
        "level": level,
        "benchmarks": { "england": benchmark_json(a.analysis.england), "region": benchmark_json(a.analysis.region) },
        "methods": METHODS,
        "councils": council_values(a, &names),
        "headline": headline,
    })))
}

#[derive(Serialize)]
struct DomainSummary {
    slug: String,
    name: String,
    rag: Summary,
    sentence: String,
}

async fn authority_scorecard(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<AnalysisQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let ons: OnsCode = code.parse().map_err(|e: crate::domain::OnsCodeError| {
        AppError::bad_request("ons_code", e.to_string())
    })?;
    let authority = areas::authority(&state.pool, ons.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("a council with the code {code}")))?;
    let (period, comparator, level) = resolve(&state, &q).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let analysis = analysed(&state, period, comparator, level).await?;
    let (_, all) = (&analysis.inputs, &analysis.analysed);
    let mut rows = Vec::new();
    let mut by_domain: Vec<(String, String, Vec<crate::analysis::rag::Rag>)> = Vec::new();
    for m in &catalogue {
        let Some(a) = all.iter().find(|a| a.measure == m.code) else {
            continue;
        };
        let Some(c) = a
            .analysis
            .councils
            .iter()
            .find(|c| c.code == authority.ons_code)
        else {
            continue;
        };
        if c.value.is_none() {
            continue;
        }
        match by_domain.last_mut() {
            Some((slug, _, ratings)) if *slug == m.domain_slug => ratings.push(c.rag),
            _ => by_domain.push((m.domain_slug.clone(), m.domain_name.clone(), vec![c.rag])),
        }
        rows.push(serde_json::json!({
            "measure": MeasureInfo::from(m),
            "data_period": a.period,
            "benchmark_value": c.benchmark.and_then(|b| rust_decimal::prelude::ToPrimitive::to_f64(&b.value)),
            "result": c,
        }));
    }
    let overall = Summary::of(by_domain.iter().flat_map(|(_, _, r)| r.iter().copied()));
    let domains: Vec<DomainSummary> = by_domain
        .into_iter()
        .map(|(slug, name, ratings)| {
            let rag = Summary::of(ratings);
            DomainSummary {
                slug,
                name,
                sentence: rag.sentence(),
                rag,
            }
        })
        .collect();
    Ok(Json(serde_json::json!({
        "authority": { "code": authority.ons_code, "name": authority.name },
        "period": period,
        "comparator": comparator,
        "level": level,
        "rag_summary": { "overall": overall, "sentence": overall.sentence(), "domains": domains },
        "methods": METHODS,
        "measures": rows,
    })))
}

/// Headlines: overall, and per domain as (slug, name, headline).
pub type DomainHeadlines = Vec<(String, String, Headline)>;

/// The headlines of an analysed period: overall, per domain and per measure.
pub fn headlines_of(
    catalogue: &[Measure],
    all: &[Analysed],
    names: &HashMap<String, String>,
) -> (Headline, DomainHeadlines, Vec<(String, Headline)>) {
    let by_code: HashMap<&str, &Analysed> = all.iter().map(|a| (a.measure.as_str(), a)).collect();
    let overall = headlines::for_measures("All measures", all.iter().map(|a| &a.analysis));
    let mut domains: DomainHeadlines = Vec::new();
    for m in catalogue {
        if domains.iter().any(|(slug, _, _)| *slug == m.domain_slug) {
            continue;
        }
        let in_domain = catalogue
            .iter()
            .filter(|x| x.domain_slug == m.domain_slug)
            .filter_map(|x| by_code.get(x.code.as_str()))
            .map(|a| &a.analysis);
        domains.push((
            m.domain_slug.clone(),
            m.domain_name.clone(),
            headlines::for_measures(&m.domain_name, in_domain),
        ));
    }
    let measures = catalogue
        .iter()
        .filter_map(|m| {
            let a = by_code.get(m.code.as_str())?;
            let h = headlines::for_measure(&m.title, &a.analysis, names, |v| {
                super::values::format_f64(m, v)
            });
            Some((m.code.clone(), h))
        })
        .collect();
    (overall, domains, measures)
}

async fn headlines_for_period(
    State(state): State<AppState>,
    Query(q): Query<AnalysisQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (period, comparator, level) = resolve(&state, &q).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let analysis = analysed(&state, period, comparator, level).await?;
    let (_, all) = (&analysis.inputs, &analysis.analysed);
    let names = council_names(&state).await?;
    let (overall, domains, measures) = headlines_of(&catalogue, all, &names);
    Ok(Json(serde_json::json!({
        "period": period,
        "comparator": comparator,
        "level": level,
        "overall": overall,
        "domains": domains.into_iter().map(|(slug, name, h)| serde_json::json!({"slug": slug, "name": name, "headline": h})).collect::<Vec<_>>(),
        "measures": measures.into_iter().map(|(code, h)| serde_json::json!({"code": code, "headline": h})).collect::<Vec<_>>(),
    })))
}
