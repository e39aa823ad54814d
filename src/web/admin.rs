//! The analyst's and admin's pages: publication (`/publication`: publish or withdraw a period),
//! users (`/admin/users`: add, disable, reset) and the audit log (`/audit`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Form, Router};

use super::extract::Params;
use super::layout::Layout;
use super::session::Visitor;
use super::{AppError, AppState};
use crate::accounts;
use crate::db::queries::{audit, publications, records, users};
use crate::domain::Period;
use crate::domain::access::Role;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/publication", get(publication))
        .route("/publication/{period}/publish", post(publish))
        .route("/publication/{period}/withdraw", post(withdraw))
        .route("/admin/users", get(users_page).post(add_user))
        .route("/admin/users/{id}/{action}", post(change_user))
        .route("/audit", get(audit_page))
}

/// A period on the publication page.
pub(super) struct PeriodRow {
    pub period: String,
    pub published: String,
    pub live: bool,
    pub changed: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/publication.html")]
struct PublicationPage {
    layout: Layout,
    periods: Vec<PeriodRow>,
}

async fn publication(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<PublicationPage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "publication")?;
    let periods = publications::states(&state.pool)
        .await?
        .into_iter()
        .map(|s| PeriodRow {
            period: s.period.to_string(),
            published: match (&s.published_at, &s.published_by) {
                (Some(at), Some(by)) => format!("{} by {by}", at.format("%-d %B %Y %H:%M")),
                _ => "Not published".into(),
            },
            live: s.published_at.is_some(),
            changed: s.changed_since,
        })
        .collect();
    Ok(PublicationPage {
        layout: Layout::new(&state, &visitor, "Publication".into()).await?,
        periods,
    })
}

async fn publish(
    State(state): State<AppState>,
    visitor: Visitor,
    super::extract::Path(period): super::extract::Path<Period>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "publication")?;
    let mut tx = state.pool.begin().await?;
    // The service's own records of the year are derived afresh, so that what is published
    // includes the self-assessments and returns recorded since.
    records::refresh(
        &mut tx,
        &[period],
        &state.site.region,
        visitor.viewer.actor(),
    )
    .await?;
    publications::publish(&mut tx, period, visitor.viewer.actor()).await?;
    tx.commit().await?;
    Ok(Redirect::to("/publication"))
}

async fn withdraw(
    State(state): State<AppState>,
    visitor: Visitor,
    super::extract::Path(period): super::extract::Path<Period>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "publication")?;
    let mut tx = state.pool.begin().await?;
    publications::withdraw(&mut tx, period, visitor.viewer.actor()).await?;
    tx.commit().await?;
    Ok(Redirect::to("/publication"))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<users::User>,
    /// A sign-in link just made, to pass on to its user.
    link: Option<(String, String)>,
}

async fn users_page(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<UsersPage, AppError> {
    visitor.require(visitor.viewer.can_manage_users(), "users")?;
    Ok(UsersPage {
        layout: Layout::new(&state, &visitor, "Users".into()).await?,
        users: users::list(&state.pool).await?,
        link: None,
    })
}

#[derive(Debug, serde::Deserialize)]
struct NewUser {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    council: String,
}

async fn add_user(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<NewUser>,
) -> Result<UsersPage, AppError> {
    visitor.require(visitor.viewer.can_manage_users(), "users")?;
    let role: Role = form
        .role
        .parse()
        .map_err(|e: String| AppError::bad_request("role", e))?;
    let council = Some(form.council.trim()).filter(|c| !c.is_empty());
    let (user, token) = accounts::add_user(
        &state.pool,
        &form.email,
        role,
        council,
        None,
        visitor.viewer.actor(),
    )
    .await?;
    Ok(UsersPage {
        layout: Layout::new(&state, &visitor, "Users".into()).await?,
        users: users::list(&state.pool).await?,
        link: match token {
            Some(t) => Some((
                user.email,
                crate::mail::sign_in_link(&state.pool, &state.site.letterhead(), user.id, &t, true)
                    .await?,
            )),
            None => None,
        },
    })
}

async fn change_user(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
) -> Result<UsersPage, AppError> {
    visitor.require(visitor.viewer.can_manage_users(), "users")?;
    let not_found = || AppError::NotFound(format!("user {id}"));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let user = users::by_id(&state.pool, id).await?.ok_or_else(not_found)?;
    let by = visitor.viewer.actor();
    let link = match action.as_str() {
        "disable" => {
            accounts::set_disabled(&state.pool, &user.email, true, by).await?;
            None
        }
        "enable" => {
            accounts::set_disabled(&state.pool, &user.email, false, by).await?;
            None
        }
        "reset" => {
            let token = accounts::reset(&state.pool, &user.email, by).await?;
            let address = crate::mail::sign_in_link(
                &state.pool,
                &state.site.letterhead(),
                user.id,
                &token,
                false,
            )
            .await?;
            Some((user.email.clone(), address))
        }
        _ => return Err(AppError::NotFound(format!("the action {action}"))),
    };
    Ok(UsersPage {
        layout: Layout::new(&state, &visitor, "Users".into()).await?,
        users: users::list(&state.pool).await?,
        link,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
}

/// An audit entry as shown.
pub(super) struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub before: String,
    pub after: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    actions: Vec<String>,
    actor: String,
    action: String,
    entries: Vec<AuditRow>,
}

/// The newest entries shown at once.
const AUDIT_ROWS: i64 = 500;

async fn audit_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<AuditQuery>,
) -> Result<AuditPage, AppError> {
    visitor.require(visitor.viewer.can_read_audit(), "the audit log")?;
    let actor = q.actor.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let action = q.action.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let show =
        |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    let entries = audit::list(&state.pool, actor, action, AUDIT_ROWS)
        .await?
        .into_iter()
        .map(|e| AuditRow {
            at: e.at.format("%-d %B %Y %H:%M:%S").to_string(),
            before: show(&e.before),
            after: show(&e.after),
            actor: e.actor,
            action: e.action,
            object: e.object,
        })
        .collect();
    Ok(AuditPage {
        layout: Layout::new(&state, &visitor, "Audit log".into()).await?,
        actions: audit::actions(&state.pool).await?,
        actor: actor.unwrap_or_default().to_string(),
        action: action.unwrap_or_default().to_string(),
        entries,
    })
}
