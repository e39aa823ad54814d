//! The six risk domains.

use sqlx::PgPool;

/// A risk domain: its slug, name and summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    pub slug: String,
    pub name: String,
    pub summary: String,
}

/// A domain by its slug.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_slug(pool: &PgPool, slug: &str) -> sqlx::Result<Option<Domain>> {
    sqlx::query_as!(
        Domain,
        "SELECT slug, name, summary FROM domains WHERE slug = $1",
        slug
    )
    .fetch_optional(pool)
    .await
}

/// Every domain's slug and name, in order.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(pool: &PgPool) -> sqlx::Result<Vec<(String, String)>> {
    Ok(with_summaries(pool)
        .await?
        .into_iter()
        .map(|d| (d.slug, d.name))
        .collect())
}

/// Every domain, in order.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn with_summaries(pool: &PgPool) -> sqlx::Result<Vec<Domain>> {
    sqlx::query_as!(
        Domain,
        "SELECT slug, name, summary FROM domains ORDER BY position"
    )
    .fetch_all(pool)
    .await
}
