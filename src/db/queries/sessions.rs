//! Session records (for tower-sessions): data as JSON, with an expiry.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgExecutor;

/// Inserts a new session; false when the id is taken.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    db: impl PgExecutor<'_>,
    id: &str,
    data: &Value,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        id,
        data,
        expires_at
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn save(
    db: impl PgExecutor<'_>,
    id: &str,
    data: &Value,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        id,
        data,
        expires_at
    )
    .execute(db)
    .await
    .map(drop)
}

/// A live session as stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub data: Value,
    pub expires_at: DateTime<Utc>,
}

/// A live session's data and expiry. A signed-in session whose account is no longer what it
/// signed in as (disabled, or its email, role or council changed) is not live: one read checks
/// both, so a signed-in request costs one round trip for who is asking.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn load(db: impl PgExecutor<'_>, id: &str) -> sqlx::Result<Option<Stored>> {
    sqlx::query_as!(
        Stored,
        r#"SELECT s.data, s.expires_at FROM sessions s
           LEFT JOIN users u ON u.id = (s.data #>> '{account,id}')::bigint
           WHERE s.id = $1 AND s.expires_at > now()
             AND (jsonb_typeof(s.data -> 'account') IS DISTINCT FROM 'object'
                  OR (u.disabled_at IS NULL
                      AND u.email = s.data #>> '{account,email}'
                      AND u.role = s.data #>> '{account,role}'
                      AND u.ons_code IS NOT DISTINCT FROM s.data #>> '{account,council}'))"#,
        id
    )
    .fetch_optional(db)
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(db: impl PgExecutor<'_>, id: &str) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM sessions WHERE id = $1", id)
        .execute(db)
        .await
        .map(drop)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_expired(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    Ok(
        sqlx::query!("DELETE FROM sessions WHERE expires_at <= now()")
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Ends every session of a user (after a reset, a password change or a disable).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn end_all_of(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "DELETE FROM sessions WHERE (data -> 'account' ->> 'id')::bigint = $1",
        user_id
    )
    .execute(db)
    .await?
    .rows_affected())
}
