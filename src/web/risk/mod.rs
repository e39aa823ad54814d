//! Risk (analyst, and a council's own users for its profile; never public), one module per
//! page: `matrix`, `profile`, `assessment` (intelligence, the annual assessment, thematic
//! self-assessment), `themes` and `catalogue`; here the router and what they share.
//!
//! `/risk` the regional matrix of councils × the six domains and the four headings, with fired
//! triggers, intelligence, excellence and the current judgement, and what changed since the
//! previous period; `/risk/{code}` a council's profile: the evidence, intelligence, thematic
//! self-assessment, and the annual assessment from draft to final view with support agreed;
//! `/risk/themes` the thematic reviews and their strengths report; `/risk/triggers` the
//! catalogue, editable; `/risk/cycle` the year's timetable (`cycle`), `/risk/follow-ups`; the
//! Board's decisions, escalations, peer challenges and requests for support (`board`).

mod assessment;
mod board;
mod catalogue;
mod cycle;
mod matrix;
mod profile;
mod reciprocity;
mod report;
mod themes;

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::{get, post};
use chrono::{NaiveDate, Utc};

use super::cache::analysed_for;
use super::extract::Form;
use super::extract::{Params, Path};
use super::layout::{Layout, PeriodOption, PeriodQuery, choose_period};
use super::session::Visitor;
use super::{AppError, AppState};
use crate::analysis::intervals::Level;
use crate::analysis::measure::ComparatorKind;
use crate::db::queries::risk::{self, NewEntry, NewIntelligence};
use crate::db::queries::{areas, domains, measures};
use crate::domain::access::DataView;
use crate::domain::{Measure, OnsCode, Period};
use crate::risk::records::{Intelligence, Trigger};
use crate::risk::support::{self, LEVELS, MENU};
use crate::risk::triggers::{self, Evaluation, PeriodData};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/risk", get(matrix::matrix))
        .route("/risk/themes", get(themes::themes).post(themes::add_theme))
        .route("/risk/triggers", get(catalogue::catalogue))
        .route("/risk/triggers/{id}", post(catalogue::edit_trigger))
        .route("/risk/scoring", post(catalogue::edit_scoring))
        .route("/risk/cycle", get(cycle::page))
        .route("/risk/cycle/window", post(cycle::set_window))
        .route("/risk/follow-ups", get(cycle::follow_ups))
        .route("/risk/annual-report", get(report::page).post(report::issue))
        .route("/annual-report", get(report::summary))
        .route(
            "/risk/reciprocity",
            get(reciprocity::page).post(reciprocity::record),
        )
        .route("/risk/{code}", get(profile::profile))
        .route("/risk/{code}/decisions", post(board::decide))
        .route("/risk/{code}/decisions/{id}/answer", post(board::answer))
        .route("/risk/{code}/escalations", post(board::escalate))
        .route("/risk/{code}/peer-challenges", post(board::add_challenge))
        .route(
            "/risk/{code}/peer-challenges/{id}/actions",
            post(board::add_action),
        )
        .route(
            "/risk/{code}/actions/{id}/review",
            post(board::review_action),
        )
        .route(
            "/risk/{code}/support-requests",
            post(board::ask_for_support),
        )
        .route(
            "/risk/{code}/intelligence",
            post(assessment::add_intelligence),
        )
        .route("/risk/{code}/assessment", post(assessment::assess))
        .route(
            "/risk/{code}/self-assessment",
            post(assessment::self_assess),
        )
}

/// Every trigger evaluated for `councils` at `period`, from the internal values (never
/// published data alone: the analyst sees what is accepted).
pub(super) async fn evaluate(
    state: &AppState,
    period: Period,
    councils: &[String],
    outside: Option<&str>,
) -> Result<(Vec<Evaluation>, Vec<Trigger>, Vec<Measure>), AppError> {
    let view = DataView::Internal;
    // Both analyses at once, each on the blocking pool.
    let (strict, loose) = tokio::try_join!(
        analysed_for(
            state,
            view,
            period,
            ComparatorKind::England,
            Level::P998,
            outside,
        ),
        analysed_for(
            state,
            view,
            period,
            ComparatorKind::England,
            Level::P95,
            outside,
        ),
    )?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let defs = risk::triggers(&state.pool).await?;
    let today = Utc::now().date_naive();
    let rounds = risk::round_states(&state.pool, &state.site.region, period, today).await?;
    let assessed = risk::self_assessed(&state.pool, period.financial_year()).await?;
    let params = risk::params_of(&defs)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the stored trigger parameters: {e}")))?;
    let councils = councils.to_vec();
    // The rules are CPU work over every council and measure: off the async workers.
    let (evaluations, catalogue) = tokio::task::spawn_blocking(move || {
        let data = PeriodData {
            as_at: period,
            catalogue: &catalogue,
            inputs: &strict.inputs,
            strict: &strict.analysed,
            loose: &loose.analysed,
            rounds: &rounds,
            self_assessed: &assessed,
        };
        let evaluations = triggers::evaluate(&data, &councils, &params);
        (evaluations, catalogue)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok((evaluations, defs, catalogue))
}

/// A measure's code and its title for a link ("1C2A 1C(2A) Adults …"), from the catalogue; a
/// code the catalogue does not know stands for itself.
pub(super) fn title_of(catalogue: &[Measure], code: &str) -> (String, String) {
    catalogue.iter().find(|m| m.code == code).map_or_else(
        || (code.to_string(), code.to_string()),
        |m| (m.code.clone(), format!("{} {}", m.display_code, m.title)),
    )
}

/// The council whose risk profile the visitor may see: the analyst any, a council user their own.
pub(super) async fn council_of(
    state: &AppState,
    visitor: &Visitor,
    code: &OnsCode,
) -> Result<crate::domain::Authority, AppError> {
    visitor.require(
        visitor.viewer.can_see_drafts_of(code.as_str()),
        format!("a risk profile for {code}"),
    )?;
    areas::authority(&state.pool, code.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("a risk profile for {code}")))
}

/// A date from a form: the GOV.UK date input's boxes (joined by [`Form`]) or YYYY-MM-DD, with the
/// design system's messages.
pub(super) fn iso_date(text: &str, field: &'static str) -> Result<NaiveDate, AppError> {
    crate::domain::date_input::DateParts::from_field(text)
        .read("the date")
        .map_err(|e| AppError::bad_request(field, e.message))
}

pub(super) fn year_of(text: &str) -> Result<Period, AppError> {
    let p: Period = AppError::period("year", text)?;
    Ok(p.financial_year())
}

pub(super) fn required<'a>(
    field: &'static str,
    text: &'a str,
    max: usize,
) -> Result<&'a str, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::bad_request(field, "this is needed"));
    }
    if t.chars().count() > max {
        return Err(AppError::bad_request(
            field,
            format!("keep it to {max} characters"),
        ));
    }
    Ok(t)
}
