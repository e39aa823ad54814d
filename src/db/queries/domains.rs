//! The six risk domains.

use sqlx::PgPool;

/// A domain's name and summary, by its slug.
pub async fn by_slug(pool: &PgPool, slug: &str) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as("SELECT name, summary FROM domains WHERE slug = $1")
        .bind(slug)
        .fetch_optional(pool)
        .await
}

/// Every domain's slug and name, in order.
pub async fn all(pool: &PgPool) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT slug, name FROM domains ORDER BY position")
        .fetch_all(pool)
        .await
}

/// Every domain's slug, name and summary, in order.
pub async fn with_summaries(pool: &PgPool) -> sqlx::Result<Vec<(String, String, String)>> {
    sqlx::query_as("SELECT slug, name, summary FROM domains ORDER BY position")
        .fetch_all(pool)
        .await
}
