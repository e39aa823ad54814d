//! One error type for the site, turned into a page with the right status in one place.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::layout::Layout;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{field}: {message}")]
    BadRequest {
        field: &'static str,
        message: String,
    },
    /// Refused: a form without its token, or sign-in needed for the page.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The page needs a signed-in user: the public is sent to sign in.
    #[error("sign in needed")]
    SignIn,
    /// Too many attempts.
    #[error("too many requests: {0}")]
    TooMany(String),
    /// Too much work at once (password checks): try again in a moment.
    #[error("busy")]
    Busy,
    #[error("database unavailable: {0}")]
    Unavailable(anyhow::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::ingest::import::AnalyseError> for AppError {
    fn from(e: crate::ingest::import::AnalyseError) -> Self {
        match e {
            crate::ingest::import::AnalyseError::Database(e) => e.into(),
            stopped @ crate::ingest::import::AnalyseError::Stopped(_) => {
                AppError::Internal(stopped.into())
            }
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                AppError::Unavailable(e.into())
            }
            // Text PostgreSQL cannot store (a NUL byte, a bad encoding) or a value too long
            // for an index: the input's fault, not ours.
            sqlx::Error::Database(ref d)
                if matches!(
                    d.code().as_deref(),
                    Some("22021" | "22P05" | "54000" | "22001")
                ) =>
            {
                AppError::bad_request(
                    "input",
                    "it holds text that cannot be stored (such as a NUL byte) or is too long",
                )
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<crate::accounts::AccountError> for AppError {
    fn from(e: crate::accounts::AccountError) -> Self {
        match e {
            crate::accounts::AccountError::Invalid(why) => AppError::bad_request("form", why),
            crate::accounts::AccountError::Busy => AppError::Busy,
            crate::accounts::AccountError::Database(e) => e.into(),
            crate::accounts::AccountError::Other(e) => AppError::Internal(e),
        }
    }
}

impl AppError {
    /// The one reading of a period from a field: a malformed one is a 400 naming the field.
    pub fn period(field: &'static str, text: &str) -> Result<crate::domain::Period, AppError> {
        text.trim()
            .parse()
            .map_err(|e: crate::domain::PeriodError| AppError::bad_request(field, e.to_string()))
    }

    pub fn bad_request(field: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            field,
            message: message.into(),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::SignIn => StatusCode::SEE_OTHER,
            AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) | AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// What the error page needs to know of the request it answers.
#[derive(Debug, Clone, Default)]
pub(super) struct RequestContext {
    /// Its `x-request-id`.
    pub(super) id: String,
    /// A form was sent (a POST): a bad field is the form's, not the address's.
    pub(super) form: bool,
    /// The page the form was on, when it was this site's (a path).
    pub(super) back: Option<String>,
}

tokio::task_local! {
    /// The request being answered, for the error page and the log.
    pub(super) static REQUEST: RequestContext;
}

/// The request being answered, when there is one.
fn request() -> RequestContext {
    REQUEST.try_with(Clone::clone).unwrap_or_default()
}

#[derive(Template, WebTemplate)]
#[template(path = "errors/show.html")]
struct ErrorPage {
    layout: Layout,
    title: String,
    message: String,
    /// The request id, to quote when reporting the problem.
    reference: Option<String>,
    /// A form's problem: the field, for the error summary's link.
    field: Option<String>,
    /// The page the form was on.
    back: Option<String>,
}

impl AppError {
    /// A form's mistake, to show again on the form's page when it can be (web/reshow.rs).
    fn shown_again(
        &self,
        field: Option<&'static str>,
        back: &Option<String>,
    ) -> Option<super::reshow::FormError> {
        match (self, field, back) {
            (AppError::BadRequest { message, .. }, Some(field), Some(back)) => {
                Some(super::reshow::FormError {
                    field,
                    message: message.clone(),
                    back: back.clone(),
                })
            }
            _ => None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if matches!(self, AppError::SignIn) {
            return axum::response::Redirect::to("/login").into_response();
        }
        let status = self.status();
        let context = request();
        let reference = Some(context.id).filter(|id| !id.is_empty());
        let logged = reference.as_deref().unwrap_or("-");
        // A form's bad field is the form's problem, not the address's.
        let form_field = match &self {
            AppError::BadRequest { field, .. } if context.form => Some(*field),
            _ => None,
        };
        let (title, message) = match &self {
            AppError::NotFound(what) => (
                "Page not found".to_string(),
                format!(
                    "We could not find {what}. Check the address, or start from the regional overview."
                ),
            ),
            AppError::BadRequest { field, message } if form_field.is_some() => (
                "There is a problem".to_string(),
                format!("{}: {message}.", field.replace('_', " ")),
            ),
            AppError::BadRequest { field, message } => (
                "There is a problem with the address".to_string(),
                format!("The {field} parameter is not valid: {message}."),
            ),
            AppError::Forbidden(why) => {
                ("You cannot do that".to_string(), format!("Sorry: {why}."))
            }
            AppError::TooMany(why) => ("Too many attempts".to_string(), format!("{why}.")),
            AppError::SignIn => (
                "Sign in".to_string(),
                "Sign in to see this page.".to_string(),
            ),
            AppError::Busy => (
                "Sorry, the service is busy".to_string(),
                "Too many people are signing in at this moment. Try again in a few seconds."
                    .to_string(),
            ),
            AppError::Unavailable(e) => {
                tracing::error!(error = %e, request = logged, "database unavailable");
                (
                    "Sorry, the service is unavailable".to_string(),
                    "The scorecard cannot reach its database just now. Try again in a few minutes."
                        .to_string(),
                )
            }
            AppError::Internal(e) => {
                tracing::error!(error = ?e, request = logged, "internal error");
                (
                    "Sorry, there is a problem with the service".to_string(),
                    "Something went wrong on our side; it has been logged. Try again later."
                        .to_string(),
                )
            }
        };
        let shown_again = self.shown_again(form_field, &context.back);
        let page = ErrorPage {
            layout: Layout::plain(&title),
            title,
            message,
            back: context.back.filter(|_| form_field.is_some()),
            field: form_field.map(str::to_string),
            reference,
        };
        let mut response = (status, page).into_response();
        if let Some(error) = shown_again {
            response.extensions_mut().insert(error);
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}

/// The fallback for addresses that match no route.
pub(super) async fn not_found() -> AppError {
    AppError::NotFound("that page".into())
}
