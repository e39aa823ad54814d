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
use axum::extract::{FromRequestParts, Request, State};
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
use crate::accounts::password;
use crate::db::queries::sessions;
use crate::domain::access::{Account, Viewer};

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
        let Some(sessions::Stored { data, expires_at }) =
            sessions::load(&self.pool, &id.to_string())
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

/// A session that cannot be read or written: its store (the database) is away.
fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::Unavailable(anyhow::anyhow!("session: {e}"))
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

/// The visitor a request is rendered for, decided already (by the page cache, which reads the
/// session once and renders a signed-in page with marks in place of the user's own words).
#[derive(Debug, Clone)]
pub struct Rendering(pub Visitor);

impl FromRequestParts<AppState> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        if let Some(Rendering(visitor)) = parts.extensions.get::<Rendering>() {
            return Ok(visitor.clone());
        }
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
        // An account no longer what it signed in as has no live session at all (the store's
        // load checks it: `sessions::load`).
        if now - signed_in_at > ABSOLUTE_HOURS * 3600 {
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

/// Whether a request loaded no session: no cookie the session layer accepted, or one naming a
/// session that does not exist (or has expired). A session that cannot be read (the database is
/// away) is not anonymous.
pub async fn anonymous(session: Option<&Session>) -> bool {
    let Some(session) = session else {
        return true;
    };
    // Loads the record (a primary-key read); an unknown id leaves the session empty.
    if session.id().is_some() && session.get::<serde_json::Value>(ACCOUNT).await.is_err() {
        return false;
    }
    session.is_empty().await
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

/// The only routes that take large bodies (multipart uploads, within the upload limit).
pub const UPLOADS: &[&str] = &["/submissions/check", "/returns"];
/// The largest body any other request may send: forms are small.
pub const FORM_LIMIT: usize = 64 * 1024;
/// The pre-session cookie that carries the sign-in forms' token (double submit), so that showing
/// the sign-in page stores nothing.
pub const FORM_COOKIE: &str = "scorecard_form";
/// How much of a multipart body is read to find its token, which comes first in our forms.
const TOKEN_PREFIX: usize = 16 * 1024;

/// The body an upload route takes: the file, and room for the form's other fields and the
/// multipart framing.
pub fn upload_limit(max_upload_bytes: usize) -> usize {
    max_upload_bytes.saturating_add(64 * 1024)
}

/// The body limit of a request: [`upload_limit`] for the upload routes, else [`FORM_LIMIT`].
pub fn body_limit(path: &str, max_upload_bytes: usize) -> usize {
    if UPLOADS.contains(&path) {
        upload_limit(max_upload_bytes)
    } else {
        FORM_LIMIT
    }
}

fn too_large(limit: usize) -> Response {
    (
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        AppError::bad_request(
            "file",
            format!(
                "the request is larger than the limit of {}",
                if limit >= 1024 * 1024 {
                    format!("{} MB", limit / (1024 * 1024))
                } else {
                    format!("{} KB", limit / 1024)
                }
            ),
        ),
    )
        .into_response()
}

fn refused() -> Response {
    AppError::Forbidden(
        "this form has expired or did not come from this site: go back, reload the page and try again"
            .into(),
    )
    .into_response()
}

/// The token a request must carry: its session's, or for the sign-in forms (before any session
/// exists) the one in the [`FORM_COOKIE`].
async fn expected_token(parts: &Parts) -> Option<String> {
    if let Some(session) = parts.extensions.get::<Session>()
        && let Ok(Some(token)) = session.get::<String>(TOKEN).await
    {
        return Some(token);
    }
    let path = parts.uri.path();
    if path == "/login" || path.starts_with("/sign-in/") {
        return form_cookie(&parts.headers);
    }
    None
}

/// The sign-in forms' token from the request's cookies, if it looks like one of ours.
pub fn form_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| std::str::from_utf8(v.as_bytes()).ok())
        .flat_map(tower_sessions::cookie::Cookie::split_parse_encoded)
        .filter_map(Result::ok)
        .find(|c| c.name() == FORM_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Refuses a state-changing request whose form (or `x-csrf-token` header) does not carry the
/// session's token. Nothing is read from a request that cannot succeed: one declaring a body
/// over its route's limit gets 413, and one without a session token 403, before a byte of the
/// body. Bodies are limited as they stream ([`body_limit`]); a multipart upload is read only as
/// far as its first field (the token), then handed on whole, still streaming.
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
    let limit = body_limit(request.uri().path(), state.site.max_upload_bytes);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    let (parts, body) = request.into_parts();
    let Some(expected) = expected_token(&parts).await else {
        return refused();
    };
    let body = Body::new(http_body_util::Limited::new(body, limit));
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (given, body, posted) = if let Some(h) = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        (Some(h.to_string()), body, None)
    } else if content_type.starts_with("multipart/form-data") {
        match multipart_token(&content_type, body).await {
            Ok((token, body)) => (token, body, None),
            Err(()) => return too_large(limit),
        }
    } else {
        match axum::body::to_bytes(body, FORM_LIMIT).await {
            Ok(bytes) => {
                let token = content_type
                    .starts_with("application/x-www-form-urlencoded")
                    .then(|| {
                        form_urlencoded::parse(&bytes)
                            .find(|(k, _)| k == CSRF_FIELD)
                            .map(|(_, v)| v.into_owned())
                    })
                    .flatten();
                (token, Body::from(bytes.clone()), Some(bytes))
            }
            Err(_) => return too_large(limit.min(FORM_LIMIT)),
        }
    };
    match given {
        Some(g) if constant_time_eq(expected.as_bytes(), g.as_bytes()) => {
            let mut response = next.run(Request::from_parts(parts, body)).await;
            // What was typed, for showing a mistaken form again (web/reshow.rs).
            if let Some(posted) =
                posted.filter(|_| response.status() == axum::http::StatusCode::BAD_REQUEST)
            {
                response
                    .extensions_mut()
                    .insert(super::reshow::Posted(posted));
            }
            response
        }
        _ => refused(),
    }
}

/// The `csrf` field of a multipart body, which our forms send first: the body is read until
/// its first part is complete (at most [`TOKEN_PREFIX`] bytes), and handed back whole, the
/// bytes read followed by the rest of the stream. `Err` when the body is over its limit.
async fn multipart_token(content_type: &str, body: Body) -> Result<(Option<String>, Body), ()> {
    use futures_util::StreamExt;
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return Ok((None, body));
    };
    let delimiter = format!("--{boundary}");
    let mut stream = body.into_data_stream();
    let mut prefix = Vec::new();
    let mut ended = false;
    while prefix.len() < TOKEN_PREFIX && occurrences(&prefix, delimiter.as_bytes()) < 2 {
        match stream.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(()),
            None => {
                ended = true;
                break;
            }
        }
    }
    let prefix = axum::body::Bytes::from(prefix);
    let mut form = multer::Multipart::new(
        futures_util::stream::once({
            let prefix = prefix.clone();
            async move { Ok::<_, std::convert::Infallible>(prefix) }
        }),
        boundary,
    );
    let token = match form.next_field().await {
        Ok(Some(field)) if field.name() == Some(CSRF_FIELD) => field.text().await.ok(),
        _ => None,
    };
    let head = futures_util::stream::once(async move { Ok::<_, axum::Error>(prefix) });
    let body = if ended {
        Body::from_stream(head)
    } else {
        Body::from_stream(head.chain(stream))
    };
    Ok((token, body))
}

fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
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

#[cfg(test)]
mod multipart_tests {
    use super::*;

    #[tokio::test]
    async fn the_token_of_a_large_multipart_body_is_found() {
        for size in [10, 3 * 1024 * 1024] {
            let mut body = b"--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nTOKEN\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n".to_vec();
            body.extend(vec![b'a'; size]);
            body.extend(b"\r\n--xyz--\r\n");
            let (token, _) = multipart_token("multipart/form-data; boundary=xyz", Body::from(body))
                .await
                .unwrap();
            assert_eq!(token.as_deref(), Some("TOKEN"), "{size}");
        }
    }
}
