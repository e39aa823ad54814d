//! The audit log: every write, who made it, when, and the object before and after.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};

/// Records one write, inside the writer's transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record(
    conn: &mut PgConnection,
    actor: &str,
    action: &str,
    object: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO audit_log (actor, action, object, before, after) VALUES ($1, $2, $3, $4, $5)",
        actor,
        action,
        object,
        before,
        after
    )
    .execute(conn)
    .await
    .map(drop)
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The newest entries first, optionally only one actor's or one kind of action's.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    db: impl PgExecutor<'_>,
    actor: Option<&str>,
    action: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as!(
        Entry,
        "SELECT id, at, actor, action, object, before, after FROM audit_log
         WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
         ORDER BY id DESC LIMIT $3",
        actor,
        action,
        limit
    )
    .fetch_all(db)
    .await
}

/// The kinds of action recorded so far, for the filter.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn actions(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .fetch_all(db)
        .await
}
