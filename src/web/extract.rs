//! Reading a request's parameters into our types, with the site's own errors: a query or a path
//! segment that does not fit is the error page for pages and the documented JSON error under
//! `/api`, never axum's plain-text rejection.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::AppError;
use crate::domain::{OnsCode, Period};

/// The error as the caller's part of the site answers it.
fn answer(parts: &Parts, error: AppError) -> Response {
    if under_api(parts) {
        super::api::ApiError(error).into_response()
    } else {
        error.into_response()
    }
}

fn under_api(parts: &Parts) -> bool {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.path(), |o| o.0.path())
        .starts_with("/api/")
}

/// Query parameters. A query that does not fit (a parameter given twice, say) is the site's 400
/// naming the parameter: the error page for pages, the documented JSON error under `/api`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Params<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequestParts<S>
    for Params<T>
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query).map(Params).map_err(|e| {
            let message = e.to_string();
            let field = super::page_cache::PARAMETERS
                .iter()
                .chain(&["authority", "format", "who", "action"])
                .find(|p| message.contains(&format!("`{p}`")))
                .copied()
                .unwrap_or("query");
            answer(parts, AppError::bad_request(field, message))
        })
    }
}

/// A path segment parsed by its type (`Path<OnsCode>`, `Path<Period>`), so a handler holds the
/// typed value and a malformed segment is answered as the type says.
#[derive(Debug, Clone)]
pub(super) struct Path<T>(pub T);

/// How a malformed path segment of this type is answered.
pub(super) trait Segment: std::str::FromStr<Err: std::fmt::Display> {
    fn rejected(text: &str, reason: String, api: bool) -> AppError;
}

impl Segment for OnsCode {
    /// A page for a council code that cannot exist does not exist (404); the API says which
    /// parameter is wrong (400).
    fn rejected(text: &str, reason: String, api: bool) -> AppError {
        if api {
            AppError::bad_request("ons_code", reason)
        } else {
            AppError::NotFound(format!("a council with the code {text}"))
        }
    }
}

impl Segment for Period {
    fn rejected(_: &str, reason: String, _: bool) -> AppError {
        AppError::bad_request("period", reason)
    }
}

impl<S: Send + Sync, T: Segment> FromRequestParts<S> for Path<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(text) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        let api = under_api(parts);
        text.trim()
            .parse()
            .map(Path)
            .map_err(|e: T::Err| answer(parts, T::rejected(&text, e.to_string(), api)))
    }
}

/// A form body, as axum's `Form` reads it, with each GOV.UK date input's three boxes joined into
/// the one field the form's type names ([`crate::domain::date_input::merged`]): a handler reads
/// `due_on` whether the browser sent `due_on-day`, `-month` and `-year` or a client sent
/// `due_on=2026-03-07`.
#[derive(Debug, Clone)]
pub(super) struct Form<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let form_type = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !form_type {
            return Err(AppError::bad_request(
                "form",
                "send the form as application/x-www-form-urlencoded",
            ));
        }
        let body = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| AppError::bad_request("form", e.body_text()))?;
        let fields =
            crate::domain::date_input::merged(form_urlencoded::parse(&body).into_owned().collect());
        let joined = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        serde_urlencoded::from_str(&joined)
            .map(Form)
            .map_err(|e| AppError::bad_request("form", e.to_string()))
    }
}
