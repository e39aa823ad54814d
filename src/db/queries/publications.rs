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
    sqlx::query!(
"UPDATE publications SET ended_at = clock_timestamp(), ended_by = $2, ended_how = 'republished'
         WHERE period_code = $1 AND ended_at IS NULL",
&code,
by
)
    .execute(&mut *conn)
    .await?;
    let publication: i64 = sqlx::query_scalar!(
        "INSERT INTO publications (period_code, published_by) VALUES ($1, $2) RETURNING id",
        &code,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    let submissions = sqlx::query!(
"INSERT INTO publication_submissions (publication_id, submission_id)
         SELECT $1, s.id FROM shown_submissions s
         WHERE EXISTS (SELECT 1 FROM observations o WHERE o.submission_id = s.id AND o.period_code = $2)",
publication,
&code
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
        period.financial_year().to_string()
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
    let ended: Option<DateTime<Utc>> = sqlx::query_scalar!(
"UPDATE publications SET ended_at = clock_timestamp(), ended_by = $2, ended_how = 'withdrawn'
         WHERE period_code = $1 AND ended_at IS NULL RETURNING published_at",
&code,
by
)
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
    sqlx::query_scalar!(
        "SELECT published_at FROM publications WHERE period_code = $1 AND ended_at IS NULL",
        period.to_string()
    )
    .fetch_optional(db)
    .await
}

/// A period with data, and its publication state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PeriodState {
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
    let forgotten = sqlx::query!(
        "DELETE FROM publication_submissions ps USING submissions s
         WHERE s.id = ps.submission_id AND s.kind = $1",
        kind
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // What a publication left with nothing recorded it carried goes too.
    for table in [
        "DELETE FROM publication_measures x WHERE NOT EXISTS
           (SELECT 1 FROM publication_submissions ps WHERE ps.publication_id = x.publication_id)",
        "DELETE FROM publication_revisions x WHERE NOT EXISTS
           (SELECT 1 FROM publication_submissions ps WHERE ps.publication_id = x.publication_id)",
    ] {
        sqlx::query(table).execute(&mut *conn).await?;
    }
    Ok(forgotten)
}

/// A publication, for "what's new".
#[derive(Debug, Clone, sqlx::FromRow)]
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

macro_rules! publication_select {
    () => {
        "SELECT p.id, p.period_code AS period, p.published_at, p.published_by,
                NOT EXISTS (SELECT 1 FROM publications q WHERE q.period_code = p.period_code AND q.id < p.id) AS first,
                (SELECT count(*) FROM publication_submissions ps WHERE ps.publication_id = p.id) AS submissions,
                (SELECT count(*) FROM commentary c WHERE c.publication_id = p.id) AS commentary
         FROM publications p
         WHERE p.ended_how IS DISTINCT FROM 'withdrawn'
           AND (EXISTS (SELECT 1 FROM publication_submissions ps JOIN submissions s ON s.id = ps.submission_id
                        WHERE ps.publication_id = p.id AND s.kind <> 'illustrative')
                OR NOT EXISTS (SELECT 1 FROM submissions r WHERE r.kind <> 'illustrative'))"
    };
}

/// Publications still standing (live, or replaced by a later one), newest first.
pub async fn recent(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<PublicationRow>> {
    sqlx::query_as(concat!(
        publication_select!(),
        " ORDER BY p.id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn publication(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<PublicationRow>> {
    sqlx::query_as(concat!(publication_select!(), " AND p.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A value a publication changed from the period's previous publication.
#[derive(Debug, Clone, sqlx::FromRow)]
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
pub async fn revised(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Vec<Revised>> {
    sqlx::query_as(
        "SELECT r.measure_code AS measure, r.area_code AS area, a.name AS area_name, r.was, r.now, r.why
         FROM publication_revisions r JOIN areas a ON a.code = r.area_code
         WHERE r.publication_id = $1
         ORDER BY r.measure_code, a.name",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

/// Measures a publication made public for the first time: (code, display code, title).
pub async fn new_measures(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Vec<(String, String, String)>> {
    sqlx::query_as(
        "SELECT m.code, m.display_code, m.title
         FROM publication_measures pm JOIN measures m ON m.code = pm.measure_code
         WHERE pm.publication_id = $1
           AND NOT EXISTS (SELECT 1 FROM publication_measures q
                           WHERE q.measure_code = pm.measure_code AND q.publication_id < $1)
         ORDER BY m.code",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

/// Commentary a publication made public: (council code, council, domain, text).
pub async fn new_commentary(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Vec<(String, String, String, String)>> {
    sqlx::query_as(
        "SELECT c.ons_code, a.name, d.name, c.body FROM commentary c
         JOIN authorities a ON a.ons_code = c.ons_code JOIN domains d ON d.slug = c.domain_slug
         WHERE c.publication_id = $1 ORDER BY a.name, d.position",
    )
    .bind(id)
    .fetch_all(db)
    .await
}
