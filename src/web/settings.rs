//! `/settings`: which emails a signed-in user gets. Every kind for their role is on until they
//! turn it off; sign-in links are always sent. The page is the user's own (never kept for
//! their role, as other signed-in pages are).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::get;

use super::layout::Layout;
use super::session::Visitor;
use super::{AppError, AppState};
use crate::db::queries::{audit, mail};
use crate::domain::access::{Account, Role};
use crate::mail::message::{Audience, KINDS, Kind};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/settings", get(show).post(save))
}

/// The kinds of email a user of this role may get.
fn kinds_for(account: &Account) -> Vec<&'static Kind> {
    KINDS
        .iter()
        .filter(|k| match (account.role, k.audience) {
            (_, Audience::Both) => account.role != Role::Admin,
            (Role::Council, Audience::Council) | (Role::Analyst, Audience::Analyst) => true,
            _ => false,
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/show.html")]
struct SettingsPage {
    layout: Layout,
    email: String,
    /// (kind, words, on)
    choices: Vec<(&'static str, &'static str, bool)>,
    saved: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
struct Saved {
    saved: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    super::extract::Params(q): super::extract::Params<Saved>,
) -> Result<SettingsPage, AppError> {
    let account = visitor.viewer.account().ok_or(AppError::SignIn)?;
    let off = mail::turned_off(&state.pool, account.id).await?;
    Ok(SettingsPage {
        choices: kinds_for(account)
            .into_iter()
            .map(|k| (k.id, k.words, !off.iter().any(|o| o == k.id)))
            .collect(),
        email: account.email.clone(),
        saved: q.saved.is_some(),
        layout: Layout::new(&state, &visitor, "Email settings".into()).await?,
    })
}

/// Saves the choices: each kind of the role ticked is on, every other is off. Audited.
async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    super::extract::Form(fields): super::extract::Form<Vec<(String, String)>>,
) -> Result<Redirect, AppError> {
    let account = visitor.viewer.account().ok_or(AppError::SignIn)?;
    let kinds = kinds_for(account);
    let ticked: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "email")
        .map(|(_, v)| v.as_str())
        .collect();
    if let Some(unknown) = ticked.iter().find(|t| !kinds.iter().any(|k| k.id == **t)) {
        return Err(AppError::bad_request(
            "email",
            format!("'{unknown}' is not an email you can choose"),
        ));
    }
    let choices: Vec<(&str, bool)> = kinds
        .iter()
        .map(|k| (k.id, ticked.contains(&k.id)))
        .collect();
    let mut tx = state.pool.begin().await?;
    mail::choose(&mut tx, account.id, &choices).await?;
    let off: Vec<&str> = choices.iter().filter(|c| !c.1).map(|c| c.0).collect();
    audit::record(
        &mut tx,
        visitor.viewer.actor(),
        "mail.settings",
        &format!("email settings of {}", account.email),
        None,
        Some(serde_json::json!({ "off": off })),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/settings?saved=1"))
}
