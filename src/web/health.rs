//! `GET /healthz`: 200 when the database answers, 503 when it does not.

use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::{AppError, AppState};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    crate::db::ping(&state.pool)
        .await
        .map_err(|e| AppError::Unavailable(e.into()))?;
    Ok("ok")
}
