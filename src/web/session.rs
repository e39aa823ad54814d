//! Sessions and who is asking: tower-sessions with its records in PostgreSQL (they survive a
//! restart and are shared by every instance), the [`Visitor`] every page is built for, and the
//! synchroniser token that every state-changing form carries.
//!
//! A session is created only when someone opens the sign-in page (or signs in): public reading
//! writes nothing. Signed-in sessions end after [`IDLE`] without a request and [`ABSOLUTE`]
//! after sign-in, and at once when the account is disabled or changed.

use std::collections::HashMap;

use async_trait::async_trait;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use super::{AppError, AppState};
use crate::accounts::{self, password};
use crate::db::queries::sessions;
use crate::domain::account::{Account, Viewer};

/// A signed-in session ends after this long without a request…
pub const IDLE: time::Duration = time::Duration::minutes(30);
/// …and this long after sign-in, whatever happens.
pub const ABSOLUTE_HOURS: i64 = 12;
/// The session cookie's name.
pub const COOKIE: &str = "scorecard_session";
/// The form field (or `x-csrf-token` header) that carries the token.
pub const CSRF_FIELD: &str = "csrf";

const ACCOUNT: &str = "account";
const TOKEN: &str = "csrf";
const SIGNED_IN_AT: &str = "signed_in_at";
const SEEN_AT: &str = "seen_at";

/// The session layer: cookies `HttpOnly`, `SameSite=Lax`, `Secure` when the service is
/// reached over https, expiring after [`IDLE`] of inactivity.
pub fn layer(state: &AppState) -> SessionManagerLayer<PgStore> {
    SessionManagerLayer::new(PgStore {
        pool: state.pool.clone(),
    })
    .with_name(COOKIE)
    .with_http_only(true)
    .with_same_site(SameSite::Lax)
    .with_secure(state.site.secure_cookies())
    .with_expiry(Expiry::OnInactivity(IDLE))
}

/// Session records in the `sessions` table.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: sqlx::PgPool,
}

fn backend(e: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn expiry(record: &Record) -> DateTime<Utc> {
    DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0).unwrap_or_else(Utc::now)
}

#[async_trait]
impl SessionStore for PgStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_value(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        while !sessions::create(&self.pool, &record.id.to_string(), &data, expiry(record))
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_value(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        sessions::save(&self.pool, &record.id.to_string(), &data, expiry(record))
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some((data, expires_at)) = sessions::load(&self.pool, &id.to_string())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data: HashMap<String, serde_json::Value> = serde_json::from_value(data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(expires_at.timestamp())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sessions::delete(&self.pool, &id.to_string())
            .await
            .map_err(backend)
    }
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("session: {e}"))
}

/// Who a page is for, and the token its forms carry (empty when the visitor has no session).
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    pub viewer: Viewer,
    pub csrf: String,
}

impl Visitor {
    /// Goes on when the policy allows; otherwise the public is sent to sign in, and a signed-in
    /// user gets "not found" (another council's things do not exist for them).
    pub fn require(&self, allowed: bool, what: impl Into<String>) -> Result<(), AppError> {
        match (allowed, &self.viewer) {
            (true, _) => Ok(()),
            (false, Viewer::Public) => Err(AppError::SignIn),
            (false, Viewer::Signed(_)) => Err(AppError::NotFound(what.into())),
        }
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Some(session) = parts.extensions.get::<Session>().cloned() else {
            return Ok(Visitor::default());
        };
        let csrf: String = session
            .get(TOKEN)
            .await
            .map_err(session_error)?
            .unwrap_or_default();
        let Some(account) = session
            .get::<Account>(ACCOUNT)
            .await
            .map_err(session_error)?
        else {
            return Ok(Visitor {
                viewer: Viewer::Public,
                csrf,
            });
        };
        let now = Utc::now().timestamp();
        let signed_in_at: i64 = session
            .get(SIGNED_IN_AT)
            .await
            .map_err(session_error)?
            .unwrap_or(0);
        if now - signed_in_at > ABSOLUTE_HOURS * 3600
            || !accounts::still_valid(&state.pool, &account).await?
        {
            session.flush().await.map_err(session_error)?;
            return Ok(Visitor::default());
        }
        // Reading is not activity to tower-sessions: touch the session (at most once a
        // minute) so that the idle expiry runs from the last request.
        let seen_at: i64 = session
            .get(SEEN_AT)
            .await
            .map_err(session_error)?
            .unwrap_or(0);
        if now - seen_at >= 60 {
            session.insert(SEEN_AT, now).await.map_err(session_error)?;
        }
        Ok(Visitor {
            viewer: Viewer::Signed(account),
            csrf,
        })
    }
}

/// The session's form token, made now if it has none (the sign-in page).
pub async fn ensure_token(session: &Session) -> Result<String, AppError> {
    if let Some(token) = session.get::<String>(TOKEN).await.map_err(session_error)? {
        return Ok(token);
    }
    let token = password::token();
    session.insert(TOKEN, &token).await.map_err(session_error)?;
    Ok(token)
}

/// Signs `account` in: a new session id (no fixation), a new form token, the clock started.
pub async fn sign_in(session: &Session, account: &Account) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    let now = Utc::now().timestamp();
    session
        .insert(ACCOUNT, account)
        .await
        .map_err(session_error)?;
    session
        .insert(SIGNED_IN_AT, now)
        .await
        .map_err(session_error)?;
    session.insert(SEEN_AT, now).await.map_err(session_error)?;
    session
        .insert(TOKEN, password::token())
        .await
        .map_err(session_error)
}

/// Ends the session (its record is deleted and the cookie cleared).
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// Refuses a state-changing request whose form (or `x-csrf-token` header) does not carry the
/// session's token. The body is read (within the upload limit) and handed on unchanged.
pub async fn require_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let expected = match request.extensions().get::<Session>() {
        Some(session) => session.get::<String>(TOKEN).await.ok().flatten(),
        None => None,
    };
    let limit = state.site.max_upload_bytes.saturating_add(64 * 1024);
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return AppError::bad_request(
                "file",
                format!(
                    "the upload is larger than the limit of {} MB",
                    state.site.max_upload_bytes / (1024 * 1024)
                ),
            )
            .into_response();
        }
    };
    let given = match parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        Some(h) => Some(h.to_string()),
        None => submitted_token(&parts, &bytes).await,
    };
    match (expected, given) {
        (Some(e), Some(g)) if constant_time_eq(e.as_bytes(), g.as_bytes()) => {
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        _ => AppError::Forbidden(
            "this form has expired or did not come from this site: go back, reload the page and try again"
                .into(),
        )
        .into_response(),
    }
}

/// The `csrf` field of a URL-encoded or multipart form.
async fn submitted_token(parts: &Parts, bytes: &axum::body::Bytes) -> Option<String> {
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return form_urlencoded::parse(bytes)
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned());
    }
    if content_type.starts_with("multipart/form-data") {
        let mut copy = Request::new(Body::from(bytes.clone()));
        *copy.headers_mut() = parts.headers.clone();
        let mut form = Multipart::from_request(copy, &()).await.ok()?;
        while let Ok(Some(field)) = form.next_field().await {
            if field.name() == Some(CSRF_FIELD) {
                return field.text().await.ok();
            }
        }
    }
    None
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
