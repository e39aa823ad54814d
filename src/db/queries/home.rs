//! What the home pages list: returns waiting, councils' places in the open rounds, commentary
//! by status, concerns shared and answered, and accepted returns not yet public. One council's
//! (`Some`) or every council's (`None`).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

use crate::domain::Period;
use crate::domain::round::UploadStatus;

/// A return submitted and waiting for the analyst's decision.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub id: i64,
    pub ons_code: String,
    pub name: String,
    pub period_code: String,
    pub submitted_at: DateTime<Utc>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn submitted(
    db: impl PgExecutor<'_>,
    council: Option<&str>,
) -> sqlx::Result<Vec<Submitted>> {
    sqlx::query_as!(
        Submitted,
        r#"SELECT u.id, a.ons_code, a.name, u.period_code AS "period_code!",
                  coalesce(u.submitted_at, u.created_at) AS "submitted_at!"
           FROM uploads u JOIN authorities a ON a.ons_code = u.ons_code
           WHERE u.status = 'submitted' AND ($1::text IS NULL OR u.ons_code = $1)
           ORDER BY u.submitted_at DESC"#,
        council
    )
    .fetch_all(db)
    .await
}

/// A council's place in a round whose quarter is not yet published (an open round): its
/// latest upload, if any.
#[derive(Debug, Clone)]
pub struct InRound {
    pub period: Period,
    pub due_on: NaiveDate,
    pub ons_code: String,
    pub name: String,
    pub upload: Option<i64>,
    pub status: Option<UploadStatus>,
    pub errors: i32,
    pub warnings: i32,
}

impl InRound {
    /// The council's return's place in the round.
    pub fn status(&self) -> crate::domain::round::ReturnStatus {
        crate::domain::round::ReturnStatus::of(self.status, self.errors, self.warnings)
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn open_rounds(
    db: impl PgExecutor<'_>,
    region: &str,
    council: Option<&str>,
) -> sqlx::Result<Vec<InRound>> {
    sqlx::query_as!(
        InRound,
        r#"SELECT r.period_code AS "period: Period", r.due_on, a.ons_code, a.name,
                  u.id AS "upload?", u.status AS "status?: UploadStatus",
                  coalesce(u.errors, 0) AS "errors!", coalesce(u.warnings, 0) AS "warnings!"
           FROM rounds r
           JOIN periods p ON p.code = r.period_code
           JOIN comparator_group_members m ON m.group_slug = $1
             AND (m.valid_from IS NULL OR m.valid_from <= p.ends_on)
             AND (m.valid_to IS NULL OR m.valid_to >= p.starts_on)
           JOIN authorities a ON a.ons_code = m.ons_code
           LEFT JOIN LATERAL (SELECT id, status, errors, warnings FROM uploads
                              WHERE ons_code = m.ons_code AND period_code = r.period_code
                              ORDER BY id DESC LIMIT 1) u ON true
           WHERE NOT EXISTS (SELECT 1 FROM publications pub
                             WHERE pub.period_code = r.period_code AND pub.ended_at IS NULL)
             AND ($2::text IS NULL OR m.ons_code = $2)
           ORDER BY p.sort_key DESC, a.name"#,
        region,
        council
    )
    .fetch_all(db)
    .await
}

/// The latest revision of a council's commentary on a domain and year.
#[derive(Debug, Clone)]
pub struct Commentary {
    pub ons_code: String,
    pub name: String,
    pub domain: String,
    pub period_code: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn commentary(
    db: impl PgExecutor<'_>,
    council: Option<&str>,
) -> sqlx::Result<Vec<Commentary>> {
    sqlx::query_as!(
        Commentary,
        r#"SELECT c.ons_code AS "ons_code!", a.name, d.name AS domain, c.period_code AS "period_code!",
                  c.status AS "status!", c.created_at AS "created_at!"
           FROM (SELECT DISTINCT ON (ons_code, domain_slug, period_code) *
                 FROM shown_commentary WHERE $1::text IS NULL OR ons_code = $1
                 ORDER BY ons_code, domain_slug, period_code, revision DESC) c
           JOIN authorities a ON a.ons_code = c.ons_code
           JOIN domains d ON d.slug = c.domain_slug
           WHERE c.status <> 'published'"#,
        council
    )
    .fetch_all(db)
    .await
}

/// An annual assessment whose concerns are shared with the council: when they were shared and
/// when the council last responded.
#[derive(Debug, Clone)]
pub struct Shared {
    pub ons_code: String,
    pub name: String,
    pub year: String,
    pub shared_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
}

impl Shared {
    /// Whether the council has responded since the concerns were last shared.
    pub fn answered(&self) -> bool {
        self.responded_at
            .is_some_and(|r| self.shared_at.is_none_or(|at| r > at))
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn shared(db: impl PgExecutor<'_>, council: Option<&str>) -> sqlx::Result<Vec<Shared>> {
    sqlx::query_as!(
        Shared,
        r#"SELECT s.ons_code, a.name, s.year,
                  (SELECT max(recorded_at) FROM assessment_entries e
                   WHERE e.assessment_id = s.id AND e.kind = 'concerns') AS shared_at,
                  (SELECT max(recorded_at) FROM assessment_entries e
                   WHERE e.assessment_id = s.id AND e.kind = 'response') AS responded_at
           FROM assessments s JOIN authorities a ON a.ons_code = s.ons_code
           WHERE s.status = 'shared' AND ($1::text IS NULL OR s.ons_code = $1)"#,
        council
    )
    .fetch_all(db)
    .await
}

/// A council's accepted returns that are not in their quarter's live publication: what the
/// public page gains when the quarter is next published.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn accepted_unpublished(
    db: impl PgExecutor<'_>,
    council: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"SELECT u.period_code AS "period_code!" FROM uploads u
           JOIN periods p ON p.code = u.period_code
           WHERE u.ons_code = $1 AND u.status = 'accepted'
             AND NOT EXISTS (SELECT 1 FROM publications pub
                             JOIN publication_submissions ps ON ps.publication_id = pub.id
                             WHERE pub.ended_at IS NULL AND pub.period_code = u.period_code
                               AND ps.submission_id = u.submission_id)
           ORDER BY p.sort_key"#,
        council
    )
    .fetch_all(db)
    .await
}
