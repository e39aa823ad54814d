//! A council's improvement themes (seed 002, 12-13), on its page: a theme, the measures it
//! covers, a named director, an action plan and its progress. Kept by the council's own users
//! (and the analyst), every edit a version; seen by them, never by the public (a council's
//! working document, not published data).

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::post;

use super::extract::Path;
use super::session::Visitor;
use super::{AppError, AppState};
use crate::db::queries::improvement::{self, Edit};
use crate::db::queries::measures;
use crate::domain::OnsCode;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/authorities/{ons_code}/improvement-themes", post(add))
        .route(
            "/authorities/{ons_code}/improvement-themes/{id}",
            post(edit),
        )
}

/// A theme as the council page shows it.
pub(super) struct ThemeRow {
    pub id: i64,
    pub title: String,
    pub measures: String,
    pub director: String,
    pub plan: String,
    pub progress: String,
    pub version: String,
}

/// The council's themes for a visitor who may see them (its users, the analyst); none for
/// anyone else.
pub(super) async fn rows(
    state: &AppState,
    visitor: &Visitor,
    council: &str,
) -> Result<Option<Vec<ThemeRow>>, AppError> {
    if !visitor.viewer.can_see_drafts_of(council) {
        return Ok(None);
    }
    Ok(Some(
        improvement::current(&state.pool, council)
            .await?
            .into_iter()
            .map(|t| ThemeRow {
                id: t.id,
                title: t.title,
                measures: t.measures.join(", "),
                director: t.director,
                plan: t.plan,
                progress: t.progress,
                version: format!(
                    "version {}, by {}, {}",
                    t.version,
                    t.recorded_by,
                    t.recorded_at.format("%-d %B %Y")
                ),
            })
            .collect(),
    ))
}

#[derive(Debug, serde::Deserialize)]
struct ThemeForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    measures: String,
    #[serde(default)]
    director: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    progress: String,
}

async fn add(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(f): Form<ThemeForm>,
) -> Result<Redirect, AppError> {
    save(&state, &visitor, &code, None, &f).await
}

async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::extract::Path((code, id)): axum::extract::Path<(String, String)>,
    Form(f): Form<ThemeForm>,
) -> Result<Redirect, AppError> {
    let not_found = || AppError::NotFound(format!("improvement theme {id} of {code}"));
    let code: OnsCode = code.trim().parse().map_err(|_| not_found())?;
    let id: i64 = id.trim().parse().map_err(|_| not_found())?;
    save(&state, &visitor, &code, Some(id), &f).await
}

/// Checks the form (every measure code in the catalogue) and stores the theme's next version.
async fn save(
    state: &AppState,
    visitor: &Visitor,
    code: &OnsCode,
    theme: Option<i64>,
    f: &ThemeForm,
) -> Result<Redirect, AppError> {
    visitor.require(
        visitor.viewer.can_write_for(code.as_str()),
        format!("the improvement themes of {code}"),
    )?;
    let text = |field: &'static str, value: &'_ str, max: usize, needed: bool| {
        let v = value.trim().to_string();
        if needed && v.is_empty() {
            Err(AppError::bad_request(field, "this is needed"))
        } else if v.chars().count() > max {
            Err(AppError::bad_request(
                field,
                format!("keep it to {max} characters"),
            ))
        } else {
            Ok(v)
        }
    };
    let (title, director) = (
        text("title", &f.title, 200, true)?,
        text("director", &f.director, 200, true)?,
    );
    let (plan, progress) = (
        text("plan", &f.plan, 5000, true)?,
        text("progress", &f.progress, 5000, false)?,
    );
    let mut codes = Vec::new();
    for raw in f
        .measures
        .split([',', ';'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        match measures::by_code_or_alias(&state.pool, raw).await? {
            Some(m) if codes.len() < 30 => codes.push(m.code),
            Some(_) => return Err(AppError::bad_request("measures", "at most 30 measures")),
            None => {
                return Err(AppError::bad_request(
                    "measures",
                    format!("'{raw}' is not a measure of the catalogue"),
                ));
            }
        }
    }
    if codes.is_empty() {
        return Err(AppError::bad_request(
            "measures",
            "name the measures the theme covers (codes, separated by commas)",
        ));
    }
    let edit = Edit {
        title: &title,
        measures: &codes,
        director: &director,
        plan: &plan,
        progress: &progress,
    };
    let mut tx = state.pool.begin().await?;
    let saved =
        improvement::save(&mut tx, code.as_str(), theme, &edit, visitor.viewer.actor()).await?;
    if saved.is_none() {
        return Err(AppError::NotFound(format!(
            "an improvement theme of {code}"
        )));
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/authorities/{code}#improvement-themes"
    )))
}
