//! Addresses the site refuses before any handler sees them: absurdly long paths or query
//! strings, and escapes that decode to invalid UTF-8 or control characters (a NUL byte would
//! otherwise reach PostgreSQL, which rejects it). They get the usual 400 page, never a 500.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppError;

/// The longest path and query string accepted, in bytes.
pub(super) const MAX_PATH: usize = 2048;
pub(super) const MAX_QUERY: usize = 8192;

/// Why an address is refused, if it is.
pub(super) fn problem(path: &str, query: Option<&str>) -> Option<AppError> {
    if path.len() > MAX_PATH {
        return Some(AppError::bad_request(
            "address",
            format!("the path is longer than {MAX_PATH} characters"),
        ));
    }
    if query.is_some_and(|q| q.len() > MAX_QUERY) {
        return Some(AppError::bad_request(
            "query",
            format!("the query string is longer than {MAX_QUERY} characters"),
        ));
    }
    let bad = |text: &str| {
        let decoded = percent_encoding::percent_decode_str(text).decode_utf8();
        match decoded {
            Err(_) => Some("it holds an escape that is not UTF-8 text"),
            Ok(t) if t.chars().any(char::is_control) => {
                Some("it holds a control character (such as a NUL byte)")
            }
            Ok(_) => None,
        }
    };
    if let Some(reason) = bad(path) {
        return Some(AppError::bad_request("address", reason));
    }
    // `+` is a space in a query string; it never hides a control character.
    if let Some(reason) = query.and_then(bad) {
        return Some(AppError::bad_request("query", reason));
    }
    None
}

pub(super) async fn refuse_malformed(request: Request, next: Next) -> Response {
    match problem(request.uri().path(), request.uri().query()) {
        Some(error) if request.uri().path().starts_with("/api/") => {
            super::api::ApiError(error).into_response()
        }
        Some(error) => error.into_response(),
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bad_utf8_and_length() {
        assert!(problem("/measures/%00", None).is_some());
        assert!(problem("/measures/%C3%28", None).is_some());
        assert!(problem("/", Some("period=%00")).is_some());
        assert!(problem(&"/a".repeat(MAX_PATH), None).is_some());
        assert!(problem("/", Some(&"a".repeat(MAX_QUERY + 1))).is_some());
        assert!(problem("/measures/1C(2A)", Some("period=2016-17&x=caf%C3%A9")).is_none());
    }
}
