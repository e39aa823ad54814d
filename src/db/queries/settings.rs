//! The service's own facts, by key: the shipped reference's fingerprint, whether the
//! illustrative data set was removed.

use sqlx::PgExecutor;

pub const REFERENCE_FINGERPRINT: &str = "reference.sha256";
pub const ILLUSTRATIVE_REMOVED: &str = "illustrative.removed";

#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT value FROM settings WHERE key = $1", key)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set(db: impl PgExecutor<'_>, key: &str, value: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
        key,
        value
    )
    .execute(db)
    .await
    .map(drop)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn unset(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM settings WHERE key = $1", key)
        .execute(db)
        .await
        .map(drop)
}
