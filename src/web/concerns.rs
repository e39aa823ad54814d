//! The risk signal as the analyst reads it: every trigger evaluated for the region, the
//! data-quality screen's queries (with the analyst's clearings), one graded concern per council
//! and measure, the patterns the region shares, each council's score, and the rules that could
//! not be evaluated. Loads and calls the pure `risk` modules; `POST /risk/{code}/queries/clear`
//! clears a query.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::extract::State;
use axum::response::Redirect;
use axum::routing::post;
use axum::{Form, Router};
use chrono::Utc;

use super::cache::analysed_for;
use super::extract::Path;
use super::session::Visitor;
use super::{AppError, AppState};
use crate::analysis::comparison::Comparison;
use crate::analysis::intervals::Level;
use crate::analysis::measure::ComparatorKind;
use crate::analysis::trend::{Direction, Trend};
use crate::db::queries::risk::{self, Clearance, ConcernResponse};
use crate::db::queries::{areas, observations, periods};
use crate::domain::access::DataView;
use crate::domain::{Measure, OnsCode, Period};
use crate::risk::concerns::{self, Concern, Grading, RegionalConcern, Scoring};
use crate::risk::coverage::{Coverage, NotEvaluated};
use crate::risk::records::Trigger;
use crate::risk::screen::{self, Query, ScreenParams};
use crate::risk::triggers::Evaluation;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/risk/{code}/queries/clear", post(clear))
}

/// A query with its clearing, if the analyst has cleared it.
#[derive(Debug, Clone)]
pub(super) struct QueryState {
    pub query: Query,
    pub cleared: Option<Clearance>,
}

/// What the importer warned about a value when it was loaded (a change far from the usual).
pub(super) type Warnings = HashMap<(String, String), String>;

/// The risk signal of a period.
pub(super) struct Signal {
    pub evaluations: Vec<Evaluation>,
    /// The same for the periods before with data, newest first (at most two).
    pub earlier: Vec<Vec<Evaluation>>,
    pub defs: Vec<Trigger>,
    pub catalogue: Vec<Measure>,
    pub concerns: Vec<Concern>,
    pub regional: Vec<RegionalConcern>,
    pub queries: Vec<QueryState>,
    /// Per council of interest: the rules not evaluated.
    pub not_evaluated: HashMap<String, Vec<NotEvaluated>>,
    pub scores: HashMap<String, f64>,
    /// How the concerns were graded and the scores made.
    pub scoring: Scoring,
    pub scoring_version: i32,
    /// The councils' responses linked to concerns.
    pub responses: Vec<ConcernResponse>,
    /// (council, measure) → the importer's warning about the value at the measure's period.
    pub warnings: Warnings,
}

impl Signal {
    /// The importer's warning about a council's value of a measure, if it gave one.
    pub(super) fn warning(&self, council: &str, measure: &str) -> Option<&str> {
        self.warnings
            .get(&(council.to_string(), measure.to_string()))
            .map(String::as_str)
    }

    /// The council's responses linked to a concern, oldest first.
    pub(super) fn responses_to<'a>(
        &'a self,
        c: &'a Concern,
    ) -> impl Iterator<Item = &'a ConcernResponse> + 'a {
        self.responses
            .iter()
            .filter(|r| r.ons_code == c.council && r.measure == c.measure)
    }
}

/// (council, measure) pairs where `keep` holds of an analysis against `kind` at `level`.
async fn standing(
    state: &AppState,
    period: Period,
    kind: ComparatorKind,
    level: Level,
    outside: Option<&str>,
    keep: impl Fn(&crate::analysis::measure::CouncilResult) -> bool,
) -> Result<HashSet<(String, String)>, AppError> {
    let analysis = analysed_for(state, DataView::Internal, period, kind, level, outside).await?;
    Ok(concerns::pairs(&analysis.analysed, keep))
}

/// Who a signal is for: the region's councils, or one council beyond it graded on its own.
struct Scope {
    region: Vec<String>,
    councils: Vec<String>,
    outside: Option<String>,
}

impl Scope {
    async fn of(
        state: &AppState,
        period: Period,
        outside: Option<&str>,
    ) -> Result<Scope, AppError> {
        let region: Vec<String> = areas::members_during(&state.pool, &state.site.region, period)
            .await?
            .into_iter()
            .map(|a| a.ons_code)
            .collect();
        let outside = outside
            .filter(|c| !region.iter().any(|r| r == c))
            .map(str::to_string);
        let councils = match &outside {
            Some(c) => vec![c.clone()],
            None => region.clone(),
        };
        Ok(Scope {
            region,
            councils,
            outside,
        })
    }
}

/// The triggers evaluated in the two years before `period` that have data, newest first.
async fn earlier_evaluations(
    state: &AppState,
    period: Period,
    scope: &Scope,
) -> Result<Vec<Vec<Evaluation>>, AppError> {
    let available = periods::with_data(&state.pool, DataView::Internal).await?;
    let mut before = Vec::new();
    let mut p = period;
    for _ in 0..2 {
        p = p.previous();
        if !available.contains(&p) {
            break;
        }
        before.push(p);
    }
    // The years at once: their analyses run side by side on the blocking pool.
    let outside = scope.outside.as_deref();
    let evaluated = futures_util::future::try_join_all(
        before
            .into_iter()
            .map(|p| super::risk::evaluate(state, p, &scope.councils, outside)),
    )
    .await?;
    Ok(evaluated.into_iter().map(|(e, _, _)| e).collect())
}

/// A council's standing beside its grading: worse than its CIPFA neighbours, worse than the
/// region (99.8%), significantly improving (95%).
struct Standings {
    worse_than_neighbours: HashSet<(String, String)>,
    worse_than_region: HashSet<(String, String)>,
    improving: HashSet<(String, String)>,
}

async fn standings(
    state: &AppState,
    period: Period,
    outside: Option<&str>,
) -> Result<Standings, AppError> {
    let worse = |c: &crate::analysis::measure::CouncilResult| c.comparison == Comparison::Worse;
    let improving = |c: &crate::analysis::measure::CouncilResult| {
        c.direction_of_travel == Direction::Improved
            || matches!(
                c.trend,
                Trend::IncreasingAndGettingBetter | Trend::DecreasingAndGettingBetter
            )
    };
    Ok(Standings {
        worse_than_neighbours: standing(
            state,
            period,
            ComparatorKind::Neighbours,
            Level::P998,
            outside,
            worse,
        )
        .await?,
        worse_than_region: standing(
            state,
            period,
            ComparatorKind::Region,
            Level::P998,
            outside,
            worse,
        )
        .await?,
        improving: standing(
            state,
            period,
            ComparatorKind::England,
            Level::P95,
            outside,
            improving,
        )
        .await?,
    })
}

/// The screen's queries for the councils, each measure at its own data period against every
/// English council, with the analyst's clearings.
async fn screened(
    state: &AppState,
    period: Period,
    strict: &std::sync::Arc<super::cache::Analysis>,
    councils: &[String],
    measure_periods: &[(String, Period)],
) -> Result<Vec<QueryState>, AppError> {
    let found = {
        let (strict, councils) = (std::sync::Arc::clone(strict), councils.to_vec());
        let measure_periods = measure_periods.to_vec();
        // The screen reads every English council's values: off the async workers.
        tokio::task::spawn_blocking(move || {
            screen::screen(
                &strict.inputs,
                &measure_periods,
                &councils,
                &strict.inputs.groups.england.members,
                ScreenParams::default(),
            )
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
    };
    let clearances = risk::clearances(&state.pool, period.financial_year()).await?;
    Ok(found
        .into_iter()
        .map(|query| QueryState {
            cleared: clearances
                .iter()
                .find(|c| {
                    c.ons_code == query.council
                        && c.measure_code == query.measure
                        && c.period_code == query.period
                        && c.rule == query.rule
                })
                .cloned(),
            query,
        })
        .collect())
}

/// The importer's warnings about the councils' values at each measure's data period.
async fn warnings_of(
    state: &AppState,
    councils: &[String],
    measure_periods: &[(String, Period)],
) -> Result<Warnings, AppError> {
    Ok(observations::change_warnings(&state.pool, councils)
        .await?
        .into_iter()
        .filter(|w| {
            measure_periods
                .iter()
                .any(|(m, p)| *m == w.measure && *p == w.period)
        })
        .map(|w| ((w.area, w.measure), w.warning))
        .collect())
}

/// (council, measure) with a query the analyst has not cleared.
fn open_queries(queries: &[QueryState]) -> HashSet<(String, String)> {
    queries
        .iter()
        .filter(|q| q.cleared.is_none())
        .map(|q| (q.query.council.clone(), q.query.measure.clone()))
        .collect()
}

/// Excellence is no more trusted than a concern while its value is queried: a queried value's
/// rules do not fire, and say why.
fn hold_back(evaluations: Vec<Evaluation>, queried: &HashSet<(String, String)>) -> Vec<Evaluation> {
    evaluations
        .into_iter()
        .map(|mut e| {
            if let Some(m) = &e.measure
                && queried.contains(&(e.council.clone(), m.clone()))
            {
                e.fired = false;
                e.evidence.rule =
                    format!("not evaluated: the value is queried ({})", e.evidence.rule);
            }
            e
        })
        .collect()
}

/// Per council, the rules that could not be evaluated and why.
async fn not_evaluated_of(
    state: &AppState,
    period: Period,
    councils: &[String],
    catalogue: &[Measure],
    defs: &[Trigger],
    inputs: &crate::analysis::scorecard::Inputs,
) -> Result<HashMap<String, Vec<NotEvaluated>>, AppError> {
    let params = risk::params_of(defs)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the stored trigger parameters: {e}")))?;
    let today = Utc::now().date_naive();
    let rounds = risk::round_states(&state.pool, &state.site.region, period, today).await?;
    let assessed = risk::self_assessed(&state.pool, period.financial_year()).await?;
    Ok(councils
        .iter()
        .map(|c| {
            let coverage = Coverage {
                catalogue,
                inputs,
                period,
                council: c,
                params: &params,
                rounds: &rounds,
                self_assessed: &assessed,
                has_neighbours: inputs.groups.neighbours_of.contains_key(c),
            };
            (c.clone(), coverage.not_evaluated())
        })
        .collect())
}

/// The concerns, the region's patterns and each council's score.
struct Graded {
    concerns: Vec<Concern>,
    regional: Vec<RegionalConcern>,
    scores: HashMap<String, f64>,
}

impl Graded {
    fn of(g: &Grading<'_>, councils: &[String], catalogue: &[Measure]) -> Graded {
        let (concerns, regional) = concerns::grade(g);
        let weights: HashMap<String, i16> = catalogue
            .iter()
            .map(|m| (m.code.clone(), m.strategic_weight))
            .collect();
        let scores = councils
            .iter()
            .map(|c| {
                (
                    c.clone(),
                    concerns::score(&concerns, c, &weights, g.scoring),
                )
            })
            .collect();
        Graded {
            concerns,
            regional,
            scores,
        }
    }
}

/// The current scoring and its version; stored parameters that make no sense are an error.
async fn scoring_of(state: &AppState) -> Result<(Scoring, i32), AppError> {
    let stored = risk::scoring(&state.pool).await?;
    let scoring = stored
        .scoring()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok((scoring, stored.version))
}

/// The risk signal of `period` for the region's councils, or for `council` on its own when it
/// is outside the region: computed once per data and records version and shared by the matrix,
/// the profiles and the API.
pub(super) async fn signal(
    state: &AppState,
    period: Period,
    council: Option<&str>,
) -> Result<Arc<Signal>, AppError> {
    let scope = Scope::of(state, period, council).await?;
    let key = (period, scope.outside.clone());
    state
        .signals
        .get_or_compute(state, key, || computed(state, period, scope))
        .await
}

async fn computed(state: &AppState, period: Period, scope: Scope) -> Result<Signal, AppError> {
    let outside = scope.outside.as_deref();
    let ((evaluations, defs, catalogue), earlier, standings) = tokio::try_join!(
        super::risk::evaluate(state, period, &scope.councils, outside),
        earlier_evaluations(state, period, &scope),
        standings(state, period, outside),
    )?;
    let strict = analysed_for(
        state,
        DataView::Internal,
        period,
        ComparatorKind::England,
        Level::P998,
        outside,
    )
    .await?;
    // Each measure at its own data period.
    let measure_periods: Vec<(String, Period)> = strict
        .analysed
        .iter()
        .map(|a| (a.measure.clone(), a.period))
        .collect();
    let queries = screened(state, period, &strict, &scope.councils, &measure_periods).await?;
    let warnings = warnings_of(state, &scope.councils, &measure_periods).await?;
    let queried = open_queries(&queries);
    let evaluations = hold_back(evaluations, &queried);
    let responses = risk::concern_responses(&state.pool, period.financial_year()).await?;
    let (scoring, scoring_version) = scoring_of(state).await?;
    let graded = Graded::of(
        &Grading {
            now: &evaluations,
            earlier: &earlier,
            councils: if outside.is_some() {
                &[]
            } else {
                &scope.region
            },
            worse_than_neighbours: &standings.worse_than_neighbours,
            worse_than_region: &standings.worse_than_region,
            improving: &standings.improving,
            queried: &queried,
            responded: &responses
                .iter()
                .map(|r| (r.ons_code.clone(), r.measure.clone()))
                .collect(),
            scoring: &scoring,
        },
        &scope.councils,
        &catalogue,
    );
    let not_evaluated = not_evaluated_of(
        state,
        period,
        &scope.councils,
        &catalogue,
        &defs,
        &strict.inputs,
    )
    .await?;
    Ok(Signal {
        evaluations,
        earlier,
        defs,
        catalogue,
        concerns: graded.concerns,
        regional: graded.regional,
        queries,
        not_evaluated,
        scores: graded.scores,
        scoring,
        scoring_version,
        responses,
        warnings,
    })
}

#[derive(Debug, serde::Deserialize)]
struct ClearForm {
    measure: String,
    period: String,
    rule: String,
    #[serde(default)]
    note: String,
}

/// The analyst clears a query: the value is then evaluated like any other. Audited.
async fn clear(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(form): Form<ClearForm>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the data-quality queries")?;
    let period: Period = AppError::period("period", &form.period)?;
    let note = form.note.trim();
    if note.is_empty() || note.chars().count() > 2000 {
        return Err(AppError::bad_request(
            "note",
            "say why the value stands (at most 2,000 characters)",
        ));
    }
    let signal = signal(&state, period, Some(code.as_str())).await?;
    let open = signal.queries.iter().any(|q| {
        q.query.council == code.as_str()
            && q.query.measure == form.measure
            && q.query.rule == form.rule
            && q.query.period == period
    });
    if !open {
        return Err(AppError::NotFound("that query".into()));
    }
    let mut tx = state.pool.begin().await?;
    risk::clear_query(
        &mut tx,
        code.as_str(),
        &form.measure,
        period,
        &form.rule,
        note,
        visitor.viewer.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/risk/{}?period={}#queries",
        code.as_str(),
        percent_encoding::utf8_percent_encode(
            &period.to_string(),
            percent_encoding::NON_ALPHANUMERIC
        )
    )))
}
