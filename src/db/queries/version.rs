//! The data version: one counter that every writing transaction bumps at commit (a deferred
//! trigger on each table an analysis reads), so that a cache keyed by it is never stale.

use sqlx::PgPool;

pub async fn current(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT version FROM data_version")
        .fetch_one(pool)
        .await
}
