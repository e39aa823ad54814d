//! Councils' commentary (the Local Account side): the latest published revision for each
//! council, domain and period.

use sqlx::{PgConnection, PgPool};

use crate::domain::Period;
use crate::domain::access::DataView;

#[derive(Debug, Clone)]
pub struct Commentary {
    pub ons_code: String,
    pub council: String,
    pub domain_slug: String,
    pub body: String,
}

/// Published commentary for a period, optionally for one domain or one council. The public
/// sees it while the period is published; the analyst and the council see the latest
/// published revision whatever the period's state.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn published(
    pool: &PgPool,
    view: DataView,
    period: Period,
    domain: Option<&str>,
    council: Option<&str>,
) -> sqlx::Result<Vec<Commentary>> {
    // The published view holds published revisions only; the internal one every status.
    query_as_in_view!(
        view,
        Commentary,
        [
            r#"SELECT DISTINCT ON (c.ons_code, c.domain_slug) c.ons_code AS "ons_code!",
                   a.name AS council, c.domain_slug AS "domain_slug!", c.body AS "body!" FROM "#,
            "shown_commentary",
            "published_commentary",
            " c JOIN authorities a ON a.ons_code = c.ons_code
             WHERE c.period_code = $1 AND c.status = 'published'
               AND ($2::text IS NULL OR c.domain_slug = $2) AND ($3::text IS NULL OR c.ons_code = $3)
             ORDER BY c.ons_code, c.domain_slug, c.revision DESC"
        ],
        period as Period,
        domain,
        council;
        .fetch_all(pool).await
    )
}

/// Adds a published first revision of a council's commentary (the illustrative set's).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_published(
    conn: &mut PgConnection,
    ons_code: &str,
    domain: &str,
    period: &str,
    body: &str,
    author: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
"INSERT INTO commentary (ons_code, domain_slug, period_code, revision, body, status, author)
         VALUES ($1, $2, $3, 1, $4, 'published', $5) ON CONFLICT DO NOTHING",
ons_code,
domain,
period,
body,
author
)
    .execute(conn)
    .await
    .map(drop)
}

/// Removes every revision written by `author`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remove_by_author(conn: &mut PgConnection, author: &str) -> sqlx::Result<u64> {
    Ok(
        sqlx::query!("DELETE FROM commentary WHERE author = $1", author)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// One revision of a council's commentary on a domain.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Revision {
    pub domain_slug: String,
    pub revision: i32,
    pub body: String,
    pub status: String,
    pub author: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Every revision of a council's commentary for a period, newest first within each domain.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn history(pool: &PgPool, ons_code: &str, period: Period) -> sqlx::Result<Vec<Revision>> {
    sqlx::query_as!(
        Revision,
        "SELECT domain_slug, revision, body, status, author, created_at FROM commentary
         WHERE ons_code = $1 AND period_code = $2 ORDER BY domain_slug, revision DESC",
        ons_code,
        period as Period
    )
    .fetch_all(pool)
    .await
}

/// Adds the next revision of a council's commentary on a domain (a draft, or submitted for
/// publication), with its audit entry (`commentary.save` or `commentary.submit`, by its
/// author): the new revision.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_revision(
    conn: &mut PgConnection,
    ons_code: &str,
    domain: &str,
    period: Period,
    body: &str,
    status: &str,
    author: &str,
) -> sqlx::Result<Revision> {
    let revision = sqlx::query_as!(
        Revision,
        "INSERT INTO commentary (ons_code, domain_slug, period_code, revision, body, status, author)
         SELECT $1, $2, $3, coalesce(max(revision), 0) + 1, $4, $5, $6
         FROM commentary WHERE ons_code = $1 AND domain_slug = $2 AND period_code = $3
         RETURNING domain_slug, revision, body, status, author, created_at",
        ons_code,
        domain,
        period as Period,
        body,
        status,
        author
    )
    .fetch_one(&mut *conn)
    .await?;
    super::audit::record(
        conn,
        author,
        if status == "draft" {
            "commentary.save"
        } else {
            "commentary.submit"
        },
        &format!("commentary of {ons_code} on {domain} for {period}"),
        None,
        Some(serde_json::json!(revision)),
    )
    .await?;
    Ok(revision)
}
