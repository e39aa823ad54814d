//! The regional facts the analyst keeps per council: recorded from the council page (analyst
//! only, audited, each recording kept) and shown on it to everyone.

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::post;

use super::extract::Path;
use super::session::Visitor;
use super::values::Choice;
use super::{AppError, AppState};
use crate::db::queries::facts::{self, NewFact};
use crate::db::queries::records as db_records;
use crate::domain::OnsCode;
use crate::domain::facts::{FactKind, date};
use crate::domain::records;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/authorities/{ons_code}/facts", post(record))
}

/// A fact as the council page shows it.
pub(super) struct FactRow {
    pub label: &'static str,
    pub value: String,
    /// "Source, as of 1 April 2025".
    pub provenance: String,
}

/// The council's current facts, in the kinds' order.
pub(super) async fn rows(state: &AppState, council: &str) -> Result<Vec<FactRow>, AppError> {
    let mut current = facts::current(&state.pool, council).await?;
    current.sort_by_key(|f| FactKind::ALL.iter().position(|k| *k == f.kind));
    Ok(current
        .into_iter()
        .map(|f| FactRow {
            label: f.kind.label(),
            value: f.kind.shown(&f.value),
            provenance: format!("{}, as of {}", f.source, crate::domain::long_date(f.as_of)),
        })
        .collect())
}

/// The kinds a form offers.
pub(super) fn kinds() -> Vec<Choice> {
    FactKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str().to_string(),
            label: k.label().to_string(),
            selected: false,
        })
        .collect()
}

#[derive(Debug, serde::Deserialize)]
struct FactForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    as_of: String,
}

async fn record(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(form): Form<FactForm>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the council's facts")?;
    let authority = super::values::authority(&state, &code).await?;
    let kind: FactKind = form
        .kind
        .trim()
        .parse()
        .map_err(|_| AppError::bad_request("kind", "choose which fact this is"))?;
    let value = kind
        .check(&form.value)
        .map_err(|why| AppError::bad_request("value", why))?;
    let source = form.source.trim();
    if source.is_empty() || source.chars().count() > 300 {
        return Err(AppError::bad_request(
            "source",
            "say where the fact comes from (at most 300 characters)",
        ));
    }
    let as_of = date(&form.as_of).ok_or_else(|| {
        AppError::bad_request("as_of", "the date the fact was true (e.g. 1 April 2025)")
    })?;
    let mut tx = state.pool.begin().await?;
    let fact = NewFact {
        ons_code: &authority.ons_code,
        kind,
        value: &value,
        source,
        as_of,
    };
    facts::record(&mut tx, &fact, visitor.viewer.actor()).await?;
    let years = records::years_touched(kind, &value, as_of);
    db_records::refresh(&mut tx, &years, &state.site.region, visitor.viewer.actor()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/authorities/{}#facts",
        authority.ons_code
    )))
}
