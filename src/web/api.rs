//! The JSON API (`/api/v1`), documented in the README: the analysed values of a measure, one
//! council's scorecard, and the headlines. Errors are JSON naming the parameter.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::cache::analysed;
use super::extract::{Params, Path as Typed};
use super::layout::{AnalysisQuery, choose_period};
use super::session::Visitor;
use super::values::council_names;
use super::{AppError, AppState};
use crate::analysis::benchmark::{Benchmark, Method};
use crate::analysis::headlines::{self, DomainHeadline, Headline, MeasureHeadline};
use crate::analysis::intervals::Level;
use crate::analysis::measure::{ComparatorKind, CouncilResult};
use crate::analysis::rag::Summary;
use crate::analysis::scorecard::Analysed;
use crate::db::queries::measures;
use crate::domain::access::DataView;
use crate::domain::{Measure, OnsCode, Period};

/// Routes under `/api/v1`.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/measures/{code}/values", get(measure_values))
        .route(
            "/authorities/{ons_code}/scorecard",
            get(authority_scorecard),
        )
        .route("/authorities/{ons_code}/triggers", get(authority_triggers))
        .route("/authorities/{ons_code}/concerns", get(authority_concerns))
        .route("/headlines", get(headlines_for_period))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError(AppError::NotFound("that API address".into())) })
}

/// An [`AppError`] answered as JSON: `{"error": {"status", "parameter", "message"}}`.
pub(super) struct ApiError(pub AppError);

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
            AppError::Forbidden(why) => (StatusCode::FORBIDDEN, None, why.clone()),
            AppError::SignIn => (StatusCode::UNAUTHORIZED, None, "sign in needed".into()),
            AppError::TooMany(why) => (StatusCode::TOO_MANY_REQUESTS, None, why.clone()),
            AppError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                "busy: try again in a few seconds".into(),
            ),
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
        let body = ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                parameter,
                message,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}

/// A measure as the API describes it.
#[derive(Serialize, ToSchema)]
pub(super) struct MeasureInfo {
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

/// One council's analysed value of a measure.
#[derive(Serialize, ToSchema)]
pub(super) struct CouncilValue {
    name: String,
    benchmark_value: Option<f64>,
    #[serde(flatten)]
    result: CouncilResult,
}

/// How each field is computed.
#[derive(Serialize, ToSchema)]
pub(super) struct Methods {
    confidence_level: &'static str,
    interval: &'static str,
    comparison: &'static str,
    rank: &'static str,
    distance: &'static str,
    direction_of_travel: &'static str,
    trend: &'static str,
    rag: &'static str,
    source: &'static str,
}

const METHODS: Methods = Methods {
    confidence_level: "see `level`; 95% unless level=99.8 is asked for",
    interval: "the published margin of error wherever the source gives one (survey percentages too: their numerator and denominator are weighted estimates; `base` is the number who answered), at 99.8% scaled by 3.090232 / 1.959964; else Wilson score for proportions, Byar (exact below 10) for rates",
    comparison: "significantly higher/lower when the interval lies wholly above/below the benchmark; better/worse by the measure's polarity; not_compared without an interval or polarity",
    rank: "1 = best within the region (polarity-aware, ties share the lower rank); quartile = ceil(4 rank / N); *_national among all English councils with a value",
    distance: "(value - median) / MAD over English councils (the region when only it has values); |MADs| >= 3 is an outlier",
    direction_of_travel: "latest vs previous period at 95%: for survey estimates, the standard error of the difference from the two published margins; else a two-proportion z-test where counts exist; else the measure's tolerance",
    trend: crate::analysis::trend::TREND_RULE,
    rag: "against the target in force (the region's for the council, else for every council, else a national one; `target.owner` says whose; illustrative targets rate illustrative values only) and its amber tolerance; without a target, the comparison (better green, similar amber, worse red)",
    source: "where the value came from: official (NHS Digital / NHS England), council_return (the regional template), illustrative (synthetic, never mixed with real values)",
};

/// A benchmark's value and how it was found.
#[derive(Serialize, ToSchema)]
pub(super) struct BenchmarkValue {
    value: Option<f64>,
    method: Method,
    members: usize,
    description: &'static str,
}

impl BenchmarkValue {
    fn of(b: Option<Benchmark>) -> Option<BenchmarkValue> {
        b.map(|b| BenchmarkValue {
            value: rust_decimal::prelude::ToPrimitive::to_f64(&b.value),
            method: b.method,
            members: b.members,
            description: b.method.label(),
        })
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct Benchmarks {
    england: Option<BenchmarkValue>,
    region: Option<BenchmarkValue>,
}

/// `GET /api/v1/measures/{code}/values`.
#[derive(Serialize, ToSchema)]
pub(super) struct MeasureValues {
    measure: MeasureInfo,
    /// The period asked for (default: the latest with data).
    #[schema(value_type = String, example = "2016-17")]
    period: Period,
    /// The measure's latest period up to `period`.
    #[schema(value_type = String, example = "2016-17")]
    data_period: Period,
    comparator: ComparatorKind,
    level: Level,
    benchmarks: Benchmarks,
    methods: Methods,
    councils: Vec<CouncilValue>,
    headline: Headline,
}

/// The council a scorecard is for.
#[derive(Serialize, ToSchema)]
pub(super) struct AuthorityRef {
    code: String,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct DomainSummary {
    slug: String,
    name: String,
    rag: Summary,
    sentence: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct RagSummary {
    overall: Summary,
    /// "Of N measures rated, x% green, y% amber, z% red (k not rated)."
    sentence: String,
    domains: Vec<DomainSummary>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct ScorecardMeasure {
    measure: MeasureInfo,
    #[schema(value_type = String, example = "2016-17")]
    data_period: Period,
    benchmark_value: Option<f64>,
    result: CouncilResult,
}

/// `GET /api/v1/authorities/{ons_code}/scorecard`.
#[derive(Serialize, ToSchema)]
pub(super) struct AuthorityScorecard {
    authority: AuthorityRef,
    #[schema(value_type = String, example = "2016-17")]
    period: Period,
    comparator: ComparatorKind,
    level: Level,
    rag_summary: RagSummary,
    methods: Methods,
    measures: Vec<ScorecardMeasure>,
}

/// `GET /api/v1/headlines`.
#[derive(Serialize, ToSchema)]
pub(super) struct Headlines {
    #[schema(value_type = String, example = "2016-17")]
    period: Period,
    comparator: ComparatorKind,
    level: Level,
    overall: Headline,
    domains: Vec<DomainHeadline>,
    measures: Vec<MeasureHeadline>,
}

/// Every error: `{"error": {"status", "parameter", "message"}}`.
#[derive(Serialize, ToSchema)]
pub(super) struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub(super) struct ErrorDetail {
    status: u16,
    /// The query or path parameter at fault, for a 400.
    parameter: Option<&'static str>,
    message: String,
}

fn council_values(a: &Analysed, names: &HashMap<String, String>) -> Vec<CouncilValue> {
    a.analysis
        .councils
        .iter()
        .map(|c| CouncilValue {
            name: names.get(&c.code).cloned().unwrap_or_default(),
            benchmark_value: c
                .benchmark
                .and_then(|b| rust_decimal::prelude::ToPrimitive::to_f64(&b.value)),
            result: c.clone(),
        })
        .collect()
}

async fn resolve(
    state: &AppState,
    view: DataView,
    q: &AnalysisQuery,
) -> Result<(Period, ComparatorKind, Level), AppError> {
    let (comparator, level) = q.choices()?;
    let (period, _) = choose_period(&state.pool, view, &q.period_query()).await?;
    Ok((period, comparator, level))
}

/// The analysed values of one measure for every council of the region.
#[utoipa::path(get, path = "/measures/{code}/values",
    params(("code" = String, Path, description = "any of the measure's codes: 1C2A, 1C(2A), 3D2A"), AnalysisParams),
    responses((status = 200, description = "every council's value of the measure, with its interval, comparison, rank and trend", body = MeasureValues), (status = 400, description = "a parameter is not valid: the error names it", body = ErrorBody), (status = 404, description = "no such council, measure or period with data (or not one the caller may see)", body = ErrorBody)))]
async fn measure_values(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    Params(q): Params<AnalysisQuery>,
) -> Result<Json<MeasureValues>, ApiError> {
    let view = visitor.viewer.data_view();
    let (period, comparator, level) = resolve(&state, view, &q).await?;
    let measure = super::values::measure(&state, view, &code).await?;
    let analysis = analysed(&state, view, period, comparator, level).await?;
    let names = council_names(&state).await?;
    let Some(a) = analysis.analysed.iter().find(|a| a.measure == measure.code) else {
        return Err(
            AppError::NotFound(format!("values of {} up to {period}", measure.code)).into(),
        );
    };
    let headline = headlines::for_measure(&measure.title, &a.analysis, &names, |v| {
        measure.format_f64(v)
    });
    Ok(Json(MeasureValues {
        measure: MeasureInfo::from(&measure),
        period,
        data_period: a.period,
        comparator,
        level,
        benchmarks: Benchmarks {
            england: BenchmarkValue::of(a.analysis.england),
            region: BenchmarkValue::of(a.analysis.region),
        },
        methods: METHODS,
        councils: council_values(a, &names),
        headline,
    }))
}

/// A council's measures with a value, in catalogue order, and its RAG summary overall and per
/// domain.
fn scorecard_of(
    catalogue: &[crate::domain::Measure],
    analysed: &[crate::analysis::scorecard::Analysed],
    council: &str,
) -> (Vec<ScorecardMeasure>, RagSummary) {
    let mut measures = Vec::new();
    let mut by_domain: Vec<(String, String, Vec<crate::analysis::rag::Rag>)> = Vec::new();
    for (m, a, c) in crate::analysis::scorecard::council_results(catalogue, analysed, council) {
        match by_domain.last_mut() {
            Some((slug, _, ratings)) if *slug == m.domain_slug => ratings.push(c.rag),
            _ => by_domain.push((m.domain_slug.clone(), m.domain_name.clone(), vec![c.rag])),
        }
        measures.push(ScorecardMeasure {
            measure: MeasureInfo::from(m),
            data_period: a.period,
            benchmark_value: c
                .benchmark
                .and_then(|b| rust_decimal::prelude::ToPrimitive::to_f64(&b.value)),
            result: c.clone(),
        });
    }
    let overall = Summary::of(by_domain.iter().flat_map(|(_, _, r)| r.iter().copied()));
    let domains = by_domain
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
    (
        measures,
        RagSummary {
            sentence: overall.sentence(),
            overall,
            domains,
        },
    )
}

/// One council's scorecard: every measure with a value, and the RAG summary.
#[utoipa::path(get, path = "/authorities/{ons_code}/scorecard",
    params(("ons_code" = String, Path, description = "the council's ONS code, e.g. E06000006"), AnalysisParams),
    responses((status = 200, description = "the council's scorecard: every measure with a value, and the RAG summary", body = AuthorityScorecard), (status = 400, description = "a parameter is not valid: the error names it", body = ErrorBody), (status = 404, description = "no such council, measure or period with data (or not one the caller may see)", body = ErrorBody)))]
async fn authority_scorecard(
    State(state): State<AppState>,
    visitor: Visitor,
    Typed(code): Typed<OnsCode>,
    Params(q): Params<AnalysisQuery>,
) -> Result<Json<AuthorityScorecard>, ApiError> {
    let super::values::CouncilAnalysis {
        authority,
        period,
        comparator,
        level,
        analysis,
        ..
    } = super::values::council_analysis(&state, &visitor.viewer, &code, &q).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let (measures, rag_summary) = scorecard_of(&catalogue, &analysis.analysed, &authority.ons_code);
    Ok(Json(AuthorityScorecard {
        authority: AuthorityRef {
            code: authority.ons_code,
            name: authority.name,
        },
        period,
        comparator,
        level,
        rag_summary,
        methods: METHODS,
        measures,
    }))
}

/// The period's headlines: overall, per domain and per measure, each with its rule.
#[utoipa::path(get, path = "/headlines", params(AnalysisParams),
    responses((status = 200, description = "the period's headlines, each with its rule", body = Headlines), (status = 400, description = "a parameter is not valid: the error names it", body = ErrorBody), (status = 404, description = "no such council, measure or period with data (or not one the caller may see)", body = ErrorBody)))]
async fn headlines_for_period(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<AnalysisQuery>,
) -> Result<Json<Headlines>, ApiError> {
    let view = visitor.viewer.data_view();
    let (period, comparator, level) = resolve(&state, view, &q).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let analysis = analysed(&state, view, period, comparator, level).await?;
    let names = council_names(&state).await?;
    let h = headlines::of_period(&catalogue, &analysis.analysed, &names);
    Ok(Json(Headlines {
        period,
        comparator,
        level,
        overall: h.overall,
        domains: h.domains,
        measures: h.measures,
    }))
}

/// One trigger evaluated for the council (and measure, for measure triggers).
#[derive(Serialize, ToSchema)]
pub(super) struct TriggerResult {
    id: String,
    heading: String,
    domains: Vec<String>,
    measure: Option<String>,
    fired: bool,
    /// An excellence flag rather than a concern.
    excellence: bool,
    evidence: crate::risk::triggers::Evidence,
}

/// `GET /api/v1/authorities/{ons_code}/triggers`: not public.
#[derive(Serialize, ToSchema)]
pub(super) struct AuthorityTriggers {
    authority: AuthorityRef,
    #[schema(value_type = String, example = "2016-17")]
    period: Period,
    triggers: Vec<TriggerResult>,
}

/// A council's risk signal for the API: the council (the analyst, and that council's users
/// only), the period asked for, and the signal.
async fn risk_signal(
    state: &AppState,
    visitor: &Visitor,
    code: &OnsCode,
    q: &super::layout::PeriodQuery,
    what: &str,
) -> Result<
    (
        crate::domain::Authority,
        Period,
        std::sync::Arc<super::concerns::Signal>,
    ),
    ApiError,
> {
    visitor.require(
        visitor.viewer.can_see_drafts_of(code.as_str()),
        format!("the {what} of {code}"),
    )?;
    let authority = super::values::authority(state, code).await?;
    let (period, _) = choose_period(&state.pool, DataView::Internal, q).await?;
    let signal = super::concerns::signal(state, period, Some(&authority.ons_code)).await?;
    Ok((authority, period, signal))
}

/// Every risk trigger evaluated for a council (the analyst, and that council's users only).
#[utoipa::path(get, path = "/authorities/{ons_code}/triggers",
    params(("ons_code" = String, Path, description = "the council's ONS code"), ("period" = Option<String>, Query, description = "a year or quarter; default the latest with data")),
    responses((status = 200, description = "every trigger evaluated for the council, fired or not", body = AuthorityTriggers), (status = 400, description = "a parameter is not valid: the error names it", body = ErrorBody), (status = 401, description = "sign in first: not public", body = ErrorBody), (status = 404, description = "no such council, measure or period with data (or not one the caller may see)", body = ErrorBody)))]
async fn authority_triggers(
    State(state): State<AppState>,
    visitor: Visitor,
    Typed(code): Typed<OnsCode>,
    Params(q): Params<super::layout::PeriodQuery>,
) -> Result<Json<AuthorityTriggers>, ApiError> {
    let (authority, period, signal) = risk_signal(&state, &visitor, &code, &q, "triggers").await?;
    let defs = &signal.defs;
    let triggers = signal
        .evaluations
        .iter()
        .filter(|e| e.council == authority.ons_code)
        .map(|e| {
            let def = defs.iter().find(|t| t.id == e.trigger);
            TriggerResult {
                id: e.trigger.to_string(),
                heading: def.map(|t| t.heading.clone()).unwrap_or_default(),
                domains: def.map(|t| t.domains.clone()).unwrap_or_default(),
                measure: e.measure.clone(),
                fired: e.fired,
                excellence: e.excellence,
                evidence: e.evidence.clone(),
            }
        })
        .collect();
    Ok(Json(AuthorityTriggers {
        authority: AuthorityRef {
            code: authority.ons_code,
            name: authority.name,
        },
        period,
        triggers,
    }))
}

/// One graded concern: a measure, its grade, the trigger ids that made it, in how many of the
/// last three years it held, whether most of the region shares it, and the evidence.
#[derive(Serialize, ToSchema)]
pub(super) struct ConcernResult {
    measure: String,
    grade: crate::risk::concerns::Grade,
    reasons: Vec<String>,
    years: u8,
    regional: bool,
    /// The council has responded to it (its response is in `evidence.responses`).
    explained: bool,
    evidence: ConcernEvidence,
}

/// A concern's evidence: the grading rule in words, and the council's and England's values over
/// the last five years.
#[derive(Serialize, ToSchema)]
pub(super) struct ConcernEvidence {
    rule: String,
    improving: bool,
    values: Vec<crate::risk::concerns::YearValue>,
    /// The council's responses linked to it.
    responses: Vec<String>,
    /// What the importer warned about the value when it was loaded.
    import_warning: Option<String>,
}

/// A data-quality query: the value is asked about, not counted, until the analyst clears it.
#[derive(Serialize, ToSchema)]
pub(super) struct QueryResult {
    measure: String,
    #[schema(value_type = String, example = "2016-17")]
    period: Period,
    rule: String,
    reason: String,
    cleared: bool,
    /// What the importer warned about the value when it was loaded.
    import_warning: Option<String>,
}

/// `GET /api/v1/authorities/{ons_code}/concerns`: not public.
#[derive(Serialize, ToSchema)]
pub(super) struct AuthorityConcerns {
    authority: AuthorityRef,
    #[schema(value_type = String, example = "2016-17")]
    period: Period,
    /// Σ strategic weight × grade weight × years held, by the scoring of `scoring_version`.
    score: f64,
    scoring_version: i32,
    concerns: Vec<ConcernResult>,
    queries: Vec<QueryResult>,
    not_evaluated: Vec<crate::risk::coverage::NotEvaluated>,
}

/// A council's graded concerns, data-quality queries and the rules not evaluated (the analyst,
/// and that council's users only).
#[utoipa::path(get, path = "/authorities/{ons_code}/concerns",
    params(("ons_code" = String, Path, description = "the council's ONS code"), ("period" = Option<String>, Query, description = "a year or quarter; default the latest with data")),
    responses((status = 200, description = "the council's graded concerns, data-quality queries and the rules not evaluated", body = AuthorityConcerns), (status = 400, description = "a parameter is not valid: the error names it", body = ErrorBody), (status = 401, description = "sign in first: not public", body = ErrorBody), (status = 404, description = "no such council, measure or period with data (or not one the caller may see)", body = ErrorBody)))]
async fn authority_concerns(
    State(state): State<AppState>,
    visitor: Visitor,
    Typed(code): Typed<OnsCode>,
    Params(q): Params<super::layout::PeriodQuery>,
) -> Result<Json<AuthorityConcerns>, ApiError> {
    let (authority, period, signal) = risk_signal(&state, &visitor, &code, &q, "concerns").await?;
    let inputs = super::cache::analysed(
        &state,
        DataView::Internal,
        period,
        crate::analysis::measure::ComparatorKind::England,
        crate::analysis::intervals::Level::P95,
    )
    .await?;
    let concerns = signal
        .concerns
        .iter()
        .filter(|c| c.council == authority.ons_code)
        .map(|c| ConcernResult {
            measure: c.measure.clone(),
            grade: c.grade,
            reasons: c.reasons.clone(),
            years: c.years,
            regional: c.regional,
            explained: c.explained,
            evidence: ConcernEvidence {
                import_warning: signal.warning(&c.council, &c.measure).map(str::to_string),
                responses: signal.responses_to(c).map(|r| r.body.clone()).collect(),
                rule: c.rule.clone(),
                improving: c.improving,
                values: crate::risk::concerns::history(
                    &inputs.inputs,
                    &authority.ons_code,
                    &c.measure,
                    period,
                ),
            },
        })
        .collect();
    let queries = signal
        .queries
        .iter()
        .filter(|q| q.query.council == authority.ons_code)
        .map(|q| QueryResult {
            measure: q.query.measure.clone(),
            period: q.query.period,
            rule: q.query.rule.to_string(),
            reason: q.query.reason.clone(),
            cleared: q.cleared.is_some(),
            import_warning: signal
                .warning(&q.query.council, &q.query.measure)
                .map(str::to_string),
        })
        .collect();
    Ok(Json(AuthorityConcerns {
        scoring_version: signal.scoring_version,
        score: signal
            .scores
            .get(&authority.ons_code)
            .copied()
            .unwrap_or_default(),
        not_evaluated: signal
            .not_evaluated
            .get(&authority.ons_code)
            .cloned()
            .unwrap_or_default(),
        authority: AuthorityRef {
            code: authority.ons_code,
            name: authority.name,
        },
        period,
        concerns,
        queries,
    }))
}

/// The query parameters every endpoint takes (documentation only; parsed by `AnalysisQuery`).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "read only by the OpenAPI document")]
struct AnalysisParams {
    /// A financial year (`2016-17`) or quarter (`2024-25 Q1`); default the latest with data.
    period: Option<String>,
    /// `england` (default), `region`, `neighbours` or `type`.
    comparator: Option<String>,
    /// `95` (default) or `99.8`.
    level: Option<String>,
}

/// The API's OpenAPI document, generated from the response types above.
#[derive(OpenApi)]
#[openapi(
    info(title = "Regional adult social care scorecard API", version = "1"),
    servers((url = "/api/v1")),
    paths(measure_values, authority_scorecard, authority_triggers, authority_concerns, headlines_for_period)
)]
pub(super) struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
