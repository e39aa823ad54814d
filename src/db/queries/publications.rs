//! Publishing a period: the submissions in force and the commentary submitted for it become
//! public together; withdrawing takes them off the public site again.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use super::audit;
use crate::domain::Period;

/// What publishing a period made public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Published {
    pub publication: i64,
    pub submissions: u64,
    pub commentary: u64,
}

/// Publishes `period` (again): the live publication, if any, ends as republished; the shown
/// submissions with values in the period, and the latest submitted commentary of its year, are
/// published.
pub async fn publish(conn: &mut PgConnection, period: Period, by: &str) -> sqlx::Result<Published> {
    let code = period.to_string();
    super::submissions::ensure_periods(&mut *conn, &[period, period.financial_year()].into())
        .await?;
    let before = live(&mut *conn, period).await?;
    sqlx::query(
        "UPDATE publications SET ended_at = clock_timestamp(), ended_by = $2, ended_how = 'republished'
         WHERE period_code = $1 AND ended_at IS NULL",
    )
    .bind(&code)
    .bind(by)
    .execute(&mut *conn)
    .await?;
    let publication: i64 = sqlx::query_scalar(
        "INSERT INTO publications (period_code, published_by) VALUES ($1, $2) RETURNING id",
    )
    .bind(&code)
    .bind(by)
    .fetch_one(&mut *conn)
    .await?;
    let submissions = sqlx::query(
        "INSERT INTO publication_submissions (publication_id, submission_id)
         SELECT $1, s.id FROM shown_submissions s
         WHERE EXISTS (SELECT 1 FROM observations o WHERE o.submission_id = s.id AND o.period_code = $2)",
    )
    .bind(publication)
    .bind(&code)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let commentary = sqlx::query(
        "UPDATE commentary c SET status = 'published', publication_id = $1
         FROM (SELECT DISTINCT ON (ons_code, domain_slug) id, status FROM commentary
               WHERE period_code = $2 ORDER BY ons_code, domain_slug, revision DESC) latest
         WHERE c.id = latest.id AND latest.status = 'submitted'",
    )
    .bind(publication)
    .bind(period.financial_year().to_string())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let published = Published {
        publication,
        submissions,
        commentary,
    };
    audit::record(
        conn,
        by,
        "publish",
        &format!("period {code}"),
        before.map(|b| serde_json::json!({ "published_at": b })),
        Some(serde_json::json!(published)),
    )
    .await?;
    Ok(published)
}

/// Withdraws the live publication of `period`; false when it was not published.
pub async fn withdraw(conn: &mut PgConnection, period: Period, by: &str) -> sqlx::Result<bool> {
    let code = period.to_string();
    let ended: Option<DateTime<Utc>> = sqlx::query_scalar(
        "UPDATE publications SET ended_at = clock_timestamp(), ended_by = $2, ended_how = 'withdrawn'
         WHERE period_code = $1 AND ended_at IS NULL RETURNING published_at",
    )
    .bind(&code)
    .bind(by)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(at) = ended {
        audit::record(
            conn,
            by,
            "withdraw",
            &format!("period {code}"),
            Some(serde_json::json!({ "published_at": at })),
            None,
        )
        .await?;
    }
    Ok(ended.is_some())
}

/// When the live publication of `period` was made, if it is published.
pub async fn live(db: impl PgExecutor<'_>, period: Period) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar(
        "SELECT published_at FROM publications WHERE period_code = $1 AND ended_at IS NULL",
    )
    .bind(period.to_string())
    .fetch_optional(db)
    .await
}

/// A period with data, and its publication state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PeriodState {
    #[sqlx(try_from = "String")]
    pub period: Period,
    pub published_at: Option<DateTime<Utc>>,
    pub published_by: Option<String>,
    /// Whether values or commentary changed since it was published.
    pub changed_since: bool,
}

/// Every period with data, newest first, with its publication state.
pub async fn states(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<PeriodState>> {
    sqlx::query_as(
        "SELECT p.code AS period, pub.published_at, pub.published_by,
                (pub.id IS NULL
                 OR EXISTS (SELECT 1 FROM shown_submissions s
                            WHERE EXISTS (SELECT 1 FROM observations o WHERE o.submission_id = s.id AND o.period_code = p.code)
                              AND NOT EXISTS (SELECT 1 FROM publication_submissions ps
                                              WHERE ps.publication_id = pub.id AND ps.submission_id = s.id))
                 OR EXISTS (SELECT 1 FROM commentary c WHERE c.period_code = p.code AND c.status = 'submitted'))
                AS changed_since
         FROM periods p
         LEFT JOIN publications pub ON pub.period_code = p.code AND pub.ended_at IS NULL
         WHERE EXISTS (SELECT 1 FROM observations o JOIN shown_submissions s ON s.id = o.submission_id
                       WHERE o.period_code = p.code)
            OR pub.id IS NOT NULL
         ORDER BY p.sort_key DESC",
    )
    .fetch_all(db)
    .await
}

/// Takes the submissions of a kind out of every publication (before they are removed).
pub async fn forget_kind(conn: &mut PgConnection, kind: &str) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM publication_submissions ps USING submissions s
         WHERE s.id = ps.submission_id AND s.kind = $1",
    )
    .bind(kind)
    .execute(conn)
    .await?
    .rows_affected())
}
