//! Signing in and out: `/login` (email and password, throttled, one message for any mistake),
//! `POST /logout`, and `/sign-in/{token}` (a one-time link to choose a password).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use tower_sessions::Session;

use super::layout::Layout;
use super::session::{self, Visitor};
use super::{AppError, AppState};
use crate::accounts::{self, AccountError, SignIn, password};
use crate::db::queries::users;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(show).post(sign_in))
        .route("/logout", post(sign_out))
        .route("/sign-in/{token}", get(choose_password).post(set_password))
}

/// The one message for a wrong email or a wrong password.
pub(super) const REFUSED: &str = "Enter a correct email address and password";

#[derive(Template, WebTemplate)]
#[template(path = "login/show.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    error: Option<String>,
}

/// The sign-in forms' token: the one the visitor's form cookie already holds, else a new one.
/// Nothing is stored: the token travels in an `HttpOnly`, `SameSite=Strict` cookie and in the
/// form, and the two must agree (`session::require_token`).
fn form_token(headers: &HeaderMap) -> String {
    session::form_cookie(headers).unwrap_or_else(password::token)
}

/// A sign-in form's response: the page, with its token's cookie.
fn with_form_cookie(
    state: &AppState,
    token: &str,
    status: StatusCode,
    page: impl IntoResponse,
) -> Response {
    let cookie = tower_sessions::cookie::Cookie::build((session::FORM_COOKIE, token.to_string()))
        .path("/")
        .http_only(true)
        .secure(state.site.secure_cookies())
        .same_site(tower_sessions::cookie::SameSite::Strict)
        .build();
    let mut response = (status, page).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

async fn page(
    state: &AppState,
    token: &str,
    email: String,
    error: Option<String>,
) -> Result<LoginPage, AppError> {
    let visitor = Visitor {
        csrf: token.to_string(),
        ..Visitor::default()
    };
    Ok(LoginPage {
        layout: Layout::new(state, &visitor, "Sign in".into()).await?,
        email,
        error,
    })
}

async fn show(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let token = form_token(&headers);
    let page = page(&state, &token, String::new(), None).await?;
    Ok(with_form_cookie(&state, &token, StatusCode::OK, page))
}

#[derive(Debug, serde::Deserialize)]
struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Where every user lands after signing in: what needs their attention.
const HOME: &str = "/home";

/// The address a request came from (the client, behind a trusted proxy), for throttling.
fn address(state: &AppState, request: &Request) -> String {
    super::client::of(request, &state.site.trusted_proxies)
        .map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Result<Response, AppError> {
    let from = address(&state, &request);
    let token = form_token(request.headers());
    let Form(form): Form<Credentials> = Form::from_request(request, &state)
        .await
        .map_err(|e| AppError::bad_request("form", e.body_text()))?;
    let email = form.email.trim().to_lowercase();
    match accounts::sign_in(&state.pool, &email, form.password, &from).await? {
        SignIn::Accepted(account) => {
            session::sign_in(&session, &account).await?;
            Ok(Redirect::to(HOME).into_response())
        }
        SignIn::Refused => {
            let page = page(&state, &token, email, Some(REFUSED.into())).await?;
            Ok(with_form_cookie(
                &state,
                &token,
                StatusCode::UNAUTHORIZED,
                page,
            ))
        }
        SignIn::Throttled => Err(AppError::TooMany(format!(
            "Too many failed sign-ins for this account or from this address: wait {} minutes and try again",
            accounts::WINDOW_MINUTES
        ))),
    }
}

async fn sign_out(
    State(state): State<AppState>,
    visitor: Visitor,
    session: Session,
) -> Result<Redirect, AppError> {
    session::sign_out(&session).await?;
    if let Some(account) = visitor.viewer.account() {
        let mut conn = state.pool.acquire().await?;
        users::record_sign_in(&mut conn, &account.email, "sign_out", None).await?;
    }
    Ok(Redirect::to("/"))
}

#[derive(Template, WebTemplate)]
#[template(path = "login/set_password.html")]
struct SetPasswordPage {
    layout: Layout,
    token: String,
    min_length: usize,
    error: Option<String>,
}

async fn password_page(
    state: &AppState,
    csrf: &str,
    token: String,
    error: Option<String>,
) -> Result<SetPasswordPage, AppError> {
    let visitor = Visitor {
        csrf: csrf.to_string(),
        ..Visitor::default()
    };
    Ok(SetPasswordPage {
        layout: Layout::new(state, &visitor, "Choose your password".into()).await?,
        token,
        min_length: password::MIN_LENGTH,
        error,
    })
}

/// Tokens are 64 hex digits; anything else is not a link we made.
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn choose_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if !well_formed(&token) {
        return Err(AppError::NotFound("that sign-in link".into()));
    }
    let csrf = form_token(&headers);
    let page = password_page(&state, &csrf, token, None).await?;
    Ok(with_form_cookie(&state, &csrf, StatusCode::OK, page))
}

#[derive(Debug, serde::Deserialize)]
struct NewPassword {
    #[serde(default)]
    password: String,
}

async fn set_password(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<NewPassword>,
) -> Result<Response, AppError> {
    if !well_formed(&token) {
        return Err(AppError::NotFound("that sign-in link".into()));
    }
    match accounts::set_password_with_link(&state.pool, &token, form.password).await {
        Ok(account) => {
            session::sign_in(&session, &account).await?;
            Ok(Redirect::to(HOME).into_response())
        }
        Err(AccountError::Invalid(why)) => {
            let csrf = form_token(&headers);
            let page = password_page(&state, &csrf, token, Some(why)).await?;
            Ok(with_form_cookie(
                &state,
                &csrf,
                StatusCode::BAD_REQUEST,
                page,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
