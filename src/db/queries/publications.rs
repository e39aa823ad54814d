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
#[tracing::instrument(level = "debug", skip_all)]
pub async fn publish(conn: &mut PgConnection, period: Period, by: &str) -> sqlx::Result<Published> {
    super::submissions::ensure_periods(&mut *conn, &[period, period.financial_year()].into())
        .await?;
    let before = live(&mut *conn, period).await?;
    sqlx::query!(
"UPDATE publications SET ended_at = clock_timestamp(), ended_by = $2, ended_how = 'republished'
         WHERE period_code = $1 AND ended_at IS NULL",
period as Period,
by
)
    .execute(&mut *conn)
    .await?;
    let publication: i64 = sqlx::query_scalar!(
        "INSERT INTO publications (period_code, published_by) VALUES ($1, $2) RETURNING id",
        period as Period,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    let submissions = sqlx::query!(
"INSERT INTO publication_submissions (publication_id, submission_id)
         SELECT $1, s.id FROM shown_submissions s
         WHERE EXISTS (SELECT 1 FROM observations o WHERE o.submission_id = s.id AND o.period_code = $2)",
publication,
period as Period
)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!("SELECT record_publication_contents($1)", publication)
        .execute(&mut *conn)
        .await?;
    let commentary = sqlx::query!(
        "UPDATE commentary c SET status = 'published', publication_id = $1
         FROM (SELECT DISTINCT ON (ons_code, domain_slug) id, status FROM commentary
               WHERE period_code = $2 ORDER BY ons_code, domain_slug, revision DESC) latest
         WHERE c.id = latest.id AND latest.status = 'submitted'",
        publication,
        period.financial_year() as Period
    )
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
        &format!("period {period}"),
        before.map(|b| serde_json::json!({ "published_at": b })),
        Some(serde_json::json!(published)),
    )
    .await?;
    Ok(published)
}

/// Withdraws the live publication of `period`; false when it was not published.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn withdraw(conn: &mut PgConnection, period: Period, by: &str) -> sqlx::Result<bool> {
    let ended: Option<DateTime<Utc>> = sqlx::query_scalar!(
"UPDATE publications SET ended_at = clock_timestamp(), ended_by = $2, ended_how = 'withdrawn'
         WHERE period_code = $1 AND ended_at IS NULL RETURNING published_at",
period as Period,
by
)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(at) = ended {
        audit::record(
            conn,
            by,
            "withdraw",
            &format!("period {period}"),
            Some(serde_json::json!({ "published_at": at })),
            None,
        )
        .await?;
    }
    Ok(ended.is_some())
}

/// When the live publication of `period` was made, if it is published.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn live(db: impl PgExecutor<'_>, period: Period) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "SELECT published_at FROM publications WHERE period_code = $1 AND ended_at IS NULL",
        period as Period
    )
    .fetch_optional(db)
    .await
}

/// A period with data, and its publication state.
#[derive(Debug, Clone)]
pub struct PeriodState {
    pub period: Period,
    pub published_at: Option<DateTime<Utc>>,
    pub published_by: Option<String>,
    /// Whether values or commentary changed since it was published.
    pub changed_since: bool,
}

/// Every period with data, newest first, with its publication state.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn states(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<PeriodState>> {
    sqlx::query_as!(
        PeriodState,
        r#"SELECT p.code AS "period: Period", pub.published_at AS "published_at?",
                pub.published_by AS "published_by?",
                (pub.id IS NULL
                 OR EXISTS (SELECT 1 FROM shown_submissions s
                            WHERE EXISTS (SELECT 1 FROM observations o WHERE o.submission_id = s.id AND o.period_code = p.code)
                              AND NOT EXISTS (SELECT 1 FROM publication_submissions ps
                                              WHERE ps.publication_id = pub.id AND ps.submission_id = s.id))
                 OR EXISTS (SELECT 1 FROM commentary c WHERE c.period_code = p.code AND c.status = 'submitted'))
                AS "changed_since!"
         FROM periods p
         LEFT JOIN publications pub ON pub.period_code = p.code AND pub.ended_at IS NULL
         WHERE EXISTS (SELECT 1 FROM observations o JOIN shown_submissions s ON s.id = o.submission_id
                       WHERE o.period_code = p.code)
            OR pub.id IS NOT NULL
         ORDER BY p.sort_key DESC"#
    )
    .fetch_all(db)
    .await
}

/// Takes the submissions of a kind out of every publication (before they are removed).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn forget_kind(conn: &mut PgConnection, kind: &str) -> sqlx::Result<u64> {
    let forgotten = sqlx::query!(
        "DELETE FROM publication_submissions ps USING submissions s
         WHERE s.id = ps.submission_id AND s.kind = $1",
        kind
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // What a publication left with nothing recorded it carried goes too.
    sqlx::query!(
        "DELETE FROM publication_measures x WHERE NOT EXISTS
           (SELECT 1 FROM publication_submissions ps WHERE ps.publication_id = x.publication_id)"
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM publication_revisions x WHERE NOT EXISTS
           (SELECT 1 FROM publication_submissions ps WHERE ps.publication_id = x.publication_id)"
    )
    .execute(&mut *conn)
    .await?;
    Ok(forgotten)
}

/// A publication, for "what's new".
#[derive(Debug, Clone)]
pub struct PublicationRow {
    pub id: i64,
    pub period: Period,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    /// The period's first publication (a new period), not a republication.
    pub first: bool,
    pub submissions: i64,
    pub commentary: i64,
}

/// Publications still standing, with `$rest` and its arguments: one checked statement.
macro_rules! publication_query {
    ($rest:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            PublicationRow,
            r#"SELECT p.id, p.period_code AS "period: Period", p.published_at, p.published_by,
                NOT EXISTS (SELECT 1 FROM publications q WHERE q.period_code = p.period_code AND q.id < p.id) AS "first!",
                (SELECT count(*) FROM publication_submissions ps WHERE ps.publication_id = p.id) AS "submissions!",
                (SELECT count(*) FROM commentary c WHERE c.publication_id = p.id) AS "commentary!"
             FROM publications p
             WHERE p.ended_how IS DISTINCT FROM 'withdrawn'
               AND (EXISTS (SELECT 1 FROM publication_submissions ps JOIN submissions s ON s.id = ps.submission_id
                            WHERE ps.publication_id = p.id AND s.kind <> 'illustrative')
                    OR NOT EXISTS (SELECT 1 FROM submissions r WHERE r.kind <> 'illustrative')) "# + $rest
            $(, $arg)*
        )
    };
}

/// Publications still standing (live, or replaced by a later one), newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn recent(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<PublicationRow>> {
    publication_query!("ORDER BY p.id DESC LIMIT $1", limit)
        .fetch_all(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn publication(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<PublicationRow>> {
    publication_query!("AND p.id = $1", id)
        .fetch_optional(db)
        .await
}

/// A value a publication changed from the period's previous publication.
#[derive(Debug, Clone)]
pub struct Revised {
    pub measure: String,
    pub area: String,
    pub area_name: String,
    pub was: Option<rust_decimal::Decimal>,
    pub now: Option<rust_decimal::Decimal>,
    pub why: String,
}

/// Values that differ from the period's previous publication: was, now and why (the value's
/// note, else the revision that brought it), as recorded when it was published.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revised(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Vec<Revised>> {
    sqlx::query_as!(
        Revised,
        "SELECT r.measure_code AS measure, r.area_code AS area, a.name AS area_name, r.was, r.now, r.why
         FROM publication_revisions r JOIN areas a ON a.code = r.area_code
         WHERE r.publication_id = $1
         ORDER BY r.measure_code, a.name",
        id
    )
    .fetch_all(db)
    .await
}

/// A measure a publication made public for the first time.
#[derive(Debug, Clone)]
pub struct NewMeasure {
    pub code: String,
    pub display_code: String,
    pub title: String,
}

/// Measures a publication made public for the first time.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn new_measures(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Vec<NewMeasure>> {
    sqlx::query_as!(
        NewMeasure,
        "SELECT m.code, m.display_code, m.title
         FROM publication_measures pm JOIN measures m ON m.code = pm.measure_code
         WHERE pm.publication_id = $1
           AND NOT EXISTS (SELECT 1 FROM publication_measures q
                           WHERE q.measure_code = pm.measure_code AND q.publication_id < $1)
         ORDER BY m.code",
        id
    )
    .fetch_all(db)
    .await
}

/// Commentary a publication made public.
#[derive(Debug, Clone)]
pub struct NewCommentary {
    pub ons_code: String,
    pub council: String,
    pub domain: String,
    pub body: String,
}

/// Commentary a publication made public.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn new_commentary(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Vec<NewCommentary>> {
    sqlx::query_as!(
        NewCommentary,
        "SELECT c.ons_code, a.name AS council, d.name AS domain, c.body FROM commentary c
         JOIN authorities a ON a.ons_code = c.ons_code JOIN domains d ON d.slug = c.domain_slug
         WHERE c.publication_id = $1 ORDER BY a.name, d.position",
        id
    )
    .fetch_all(db)
    .await
}
