//! CSV downloads of the tables: tidy long format (one row per council, measure and period),
//! columns like Fingertips', text cells neutralised against spreadsheet formula injection, and
//! the source and licence line.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::cache::analysed_for;
use super::extract::Params;
use super::layout::{AnalysisQuery, choose_period};
use super::session::Visitor;
use super::values::council_names;
use super::{AppError, AppState};
use crate::analysis::scorecard::Analysed;
use crate::db::queries::{areas, measures};
use crate::domain::access::Scope;
use crate::domain::{Measure, OnsCode, Provenance};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/download/overview.csv", get(overview))
        .route("/download/measures/{code}", get(measure))
        .route("/download/authorities/{code}", get(authority))
}

pub(super) const LICENCE: &str = "Source: NHS England (Measures from the Adult Social Care Outcomes Framework) and councils' regional returns, via the regional adult social care scorecard; the source column says which (official, council_return, or illustrative: synthetic values that are not statistics about any council). Contains public sector information licensed under the Open Government Licence v3.0.";

const HEADER: [&str; 20] = [
    "indicator_id",
    "indicator_name",
    "area_code",
    "area_name",
    "period",
    "value",
    "lower_ci",
    "upper_ci",
    "confidence_level",
    "count",
    "denominator",
    "comparator",
    "benchmark_value",
    "comparison",
    "rank",
    "quartile",
    "quartile_among",
    "direction_of_travel",
    "rag",
    "source",
];

/// A text cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage
/// return first) is prefixed with an apostrophe. Numbers are written as numbers, never text.
pub(super) fn safe_text(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

/// A value, interval end or benchmark with the measure's published decimals (halves away
/// from zero, as NHS England rounds): `18.8`, never `18.799999999999997`.
fn measured(m: &Measure, v: Option<f64>) -> String {
    v.and_then(rust_decimal::Decimal::from_f64_retain)
        .map(|d| {
            d.round_dp_with_strategy(
                m.decimals(),
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            )
            .to_string()
        })
        .unwrap_or_default()
}

/// The quartile the pages show (among English councils where there are values for them, else
/// among the region's) and which it is.
fn quartile(c: &crate::analysis::measure::CouncilResult) -> (String, &'static str) {
    match (c.quartile_national, c.quartile) {
        (Some(q), _) => (q.to_string(), "England"),
        (None, Some(q)) => (q.to_string(), "region"),
        _ => (String::new(), ""),
    }
}

/// The CSV for the analysed measures `keep` accepts and the councils `council` accepts.
fn csv(
    catalogue: &[Measure],
    analysed: &[Analysed],
    names: &std::collections::HashMap<String, String>,
    keep: impl Fn(&Measure) -> bool,
    council: impl Fn(&str) -> bool,
) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(e.into());
    writer.write_record(HEADER).map_err(fail)?;
    for m in catalogue.iter().filter(|m| keep(m)) {
        let Some(a) = analysed.iter().find(|a| a.measure == m.code) else {
            continue;
        };
        for c in a.analysis.councils.iter().filter(|c| council(&c.code)) {
            let (quartile, among) = quartile(c);
            let record = [
                safe_text(&m.display_code),
                safe_text(&m.title),
                safe_text(&c.code),
                safe_text(names.get(&c.code).map_or("", String::as_str)),
                a.period.to_string(),
                measured(m, c.value),
                measured(m, c.ci_low),
                measured(m, c.ci_high),
                a.analysis.level.label().to_string(),
                number(c.numerator),
                number(c.denominator),
                a.analysis.comparator.label().to_string(),
                measured(
                    m,
                    c.benchmark
                        .and_then(|b| rust_decimal::prelude::ToPrimitive::to_f64(&b.value)),
                ),
                c.comparison.label().to_string(),
                c.rank.map(|r| r.to_string()).unwrap_or_default(),
                quartile,
                among.to_string(),
                c.direction_of_travel.label().to_string(),
                c.rag.label().to_string(),
                c.source.map_or("", Provenance::as_str).to_string(),
            ];
            writer.write_record(&record).map_err(fail)?;
        }
    }
    writer.write_record([""]).map_err(fail)?;
    writer.write_record([LICENCE]).map_err(fail)?;
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

fn attachment(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Analyses the period asked for and answers the CSV of the measures `keep` accepts, for the
/// region's councils or, given `council`, for that council alone.
async fn download(
    state: &AppState,
    scope: Scope,
    q: &AnalysisQuery,
    stem: &str,
    keep: impl Fn(&Measure) -> bool,
    council: Option<&str>,
) -> Result<Response, AppError> {
    let (comparator, level) = q.choices()?;
    let (period, _) = choose_period(&state.pool, scope.view(), &q.period_query()).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let analysis = analysed_for(state, scope, period, comparator, level, council).await?;
    let names = council_names(state).await?;
    let bytes = csv(&catalogue, &analysis.analysed, &names, keep, |c| {
        council.is_none_or(|x| x == c)
    })?;
    Ok(attachment(
        &format!("{stem}-{}.csv", period.to_string().replace(' ', "-")),
        bytes,
    ))
}

async fn overview(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<AnalysisQuery>,
) -> Result<Response, AppError> {
    download(
        &state,
        visitor.viewer.data_view().into(),
        &q,
        "scorecard",
        |_| true,
        None,
    )
    .await
}

async fn measure(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(file): Path<String>,
    Params(q): Params<AnalysisQuery>,
) -> Result<Response, AppError> {
    let code = file.strip_suffix(".csv").unwrap_or(&file);
    let m = super::values::measure(&state, visitor.viewer.data_view(), code).await?;
    download(
        &state,
        visitor.viewer.data_view().into(),
        &q,
        &format!("scorecard-{}", m.code),
        |x| x.code == m.code,
        None,
    )
    .await
}

async fn authority(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(file): Path<String>,
    Params(q): Params<AnalysisQuery>,
) -> Result<Response, AppError> {
    let code = file.strip_suffix(".csv").unwrap_or(&file);
    let not_found = || AppError::NotFound(format!("a council with the code {code}"));
    let ons: OnsCode = code.parse().map_err(|_| not_found())?;
    let a = areas::authority(&state.pool, ons.as_str())
        .await?
        .ok_or_else(not_found)?;
    download(
        &state,
        visitor.viewer.scope_of(&a.ons_code),
        &q,
        &format!("scorecard-{}", a.ons_code),
        |_| true,
        Some(&a.ons_code),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(safe_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_text("+1"), "'+1");
        assert_eq!(safe_text("-2"), "'-2");
        assert_eq!(safe_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_text("\tx"), "'\tx");
        assert_eq!(safe_text("Halton"), "Halton");
        assert_eq!(safe_text(""), "");
    }
}
