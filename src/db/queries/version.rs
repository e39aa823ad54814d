//! The data version: one counter that every writing transaction bumps at commit (a deferred
//! trigger on each table an analysis reads), so that a cache keyed by it is never stale.

use sqlx::PgPool;

#[tracing::instrument(level = "debug", skip_all)]
pub async fn current(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT version FROM data_version")
        .fetch_one(pool)
        .await
}

/// The published data version: bumped only by writes the public can see (publications, the
/// catalogue, the reference, published commentary, and anything while the illustrative set is
/// on show, since the first real file hides it).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn published(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT published FROM data_version")
        .fetch_one(pool)
        .await
}

/// The records version: bumped by writes to the service's own records that signed-in pages show
/// (risk records, rounds and uploads, clearances; migration 0012), not by values.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn records(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT records FROM data_version")
        .fetch_one(pool)
        .await
}

/// The channel every writing transaction notifies at commit.
pub const CHANNEL: &str = "scorecard_data_version";

/// A connection listening for new data versions (from any instance or the command line).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn listen(pool: &PgPool) -> sqlx::Result<sqlx::postgres::PgListener> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Starts a new data version after a restore (which brings back an old counter), audited as
/// `restore` by `by`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn restored(conn: &mut sqlx::PgConnection, by: &str) -> sqlx::Result<()> {
    super::audit::record(conn, by, "restore", "the database", None, None).await?;
    sqlx::query!("UPDATE data_version SET version = version + 1, published = published + 1")
        .execute(&mut *conn)
        .await?;
    sqlx::query!("SELECT pg_notify($1, '')", CHANNEL)
        .execute(conn)
        .await
        .map(drop)
}
