//! Risk: the trigger catalogue, intelligence items, thematic self-assessments, the collection
//! rounds as the `return-missing` rule sees them, and the annual assessments.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};

use super::audit;
use crate::domain::Period;
use crate::domain::round::ReturnStatus;
use crate::risk::concerns::Scoring;
use crate::risk::records::{AssessmentStage, AssessmentStatus, Intelligence, Judgement, Trigger};
use crate::risk::triggers::{Params, RoundState, SelfAssessed};

#[tracing::instrument(level = "debug", skip_all)]
pub async fn triggers(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Trigger>> {
    sqlx::query_as!(
        Trigger,
        "SELECT t.id, t.heading, h.name AS heading_name, t.title, t.source, t.kind, t.domains,
                t.params, t.version, t.updated_by, t.updated_at
         FROM triggers t JOIN trigger_headings h ON h.slug = t.heading
         ORDER BY h.position, t.position"
    )
    .fetch_all(db)
    .await
}

/// The rules' parameters: every trigger's own, merged once ([`Params::merged`]).
pub fn params_of(triggers: &[Trigger]) -> Result<Params, String> {
    Params::merged(triggers.iter().map(|t| (t.id.as_str(), &t.params)))
}

/// Changes a trigger: the earlier version is kept, the version goes up, the change is audited.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_trigger(
    conn: &mut PgConnection,
    id: &str,
    title: &str,
    source: &str,
    domains: &[String],
    params: &serde_json::Value,
    by: &str,
) -> sqlx::Result<bool> {
    let before = sqlx::query!(
        "INSERT INTO trigger_versions (trigger_id, version, title, source, domains, params, updated_by, updated_at)
         SELECT id, version, title, source, domains, params, updated_by, updated_at FROM triggers WHERE id = $1
         RETURNING title, source, domains, params, version",
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(before) = before else {
        return Ok(false);
    };
    sqlx::query!(
"UPDATE triggers SET title = $2, source = $3, domains = $4, params = $5, version = version + 1,
             updated_by = $6, updated_at = now() WHERE id = $1",
id,
title,
source,
domains,
params,
by
)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "trigger.update",
        &format!("trigger {id}"),
        Some(serde_json::json!({ "title": before.title, "source": before.source, "domains": before.domains, "params": before.params, "version": before.version })),
        Some(serde_json::json!({ "title": title, "source": source, "domains": domains, "params": params, "version": before.version + 1 })),
    )
    .await?;
    Ok(true)
}

/// A council's intelligence for a year (only items the council may see, unless `all`), or
/// every council's when `council` is none.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn intelligence(
    db: impl PgExecutor<'_>,
    council: Option<&str>,
    year: Period,
    all: bool,
) -> sqlx::Result<Vec<Intelligence>> {
    sqlx::query_as!(
        Intelligence,
        "SELECT id, ons_code, trigger_id, year, recorded_on, source, evidence, link, severity,
                visibility, recorded_by
         FROM intelligence
         WHERE year = $1 AND ($2::text IS NULL OR ons_code = $2) AND ($3 OR visibility = 'council')
         ORDER BY recorded_on DESC, id DESC",
        year as Period,
        council,
        all
    )
    .fetch_all(db)
    .await
}

/// A new intelligence item.
pub struct NewIntelligence<'a> {
    pub ons_code: &'a str,
    pub trigger_id: &'a str,
    pub year: Period,
    pub recorded_on: NaiveDate,
    pub source: &'a str,
    pub evidence: &'a str,
    pub link: Option<&'a str>,
    pub severity: &'a str,
    pub visibility: &'a str,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_intelligence(
    conn: &mut PgConnection,
    item: &NewIntelligence<'_>,
    by: &str,
) -> sqlx::Result<Intelligence> {
    super::submissions::ensure_periods(&mut *conn, &[item.year].into()).await?;
    let added = sqlx::query_as!(
        Intelligence,
        "INSERT INTO intelligence (ons_code, trigger_id, year, recorded_on, source, evidence, link, severity, visibility, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING id, ons_code, trigger_id, year, recorded_on, source, evidence, link, severity, visibility, recorded_by",
        item.ons_code,
        item.trigger_id,
        item.year as Period,
        item.recorded_on,
        item.source,
        item.evidence,
        item.link,
        item.severity,
        item.visibility,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "intelligence.add",
        &format!("intelligence {} on {}", added.id, added.ons_code),
        None,
        Some(serde_json::json!(added)),
    )
    .await?;
    Ok(added)
}

/// Every council's place in each collection round due up to `as_at`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn round_states(
    pool: &PgPool,
    region: &str,
    as_at: Period,
    today: NaiveDate,
) -> sqlx::Result<Vec<RoundState>> {
    let rows = sqlx::query!(
        r#"SELECT m.ons_code, r.period_code AS "period: Period", r.due_on, u.status AS "status?: crate::domain::round::UploadStatus",
                  coalesce(u.errors, 0) AS "errors!", coalesce(u.warnings, 0) AS "warnings!"
         FROM rounds r
         JOIN periods p ON p.code = r.period_code
         JOIN comparator_group_members m ON m.group_slug = $2
         LEFT JOIN LATERAL (SELECT status, errors, warnings FROM uploads
                            WHERE ons_code = m.ons_code AND period_code = r.period_code
                            ORDER BY id DESC LIMIT 1) u ON true
         WHERE p.sort_key <= $1
           AND (m.valid_from IS NULL OR m.valid_from <= p.ends_on) AND (m.valid_to IS NULL OR m.valid_to >= p.starts_on)"#,
        as_at.sort_key(),
        region
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let status = ReturnStatus::of(r.status, r.errors, r.warnings);
            RoundState {
                late: status.late(r.due_on, today),
                council: r.ons_code,
                period: r.period,
                status,
            }
        })
        .collect())
}

/// The latest self-assessed level of every council on every criterion of the year's themes.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn self_assessed(pool: &PgPool, year: Period) -> sqlx::Result<Vec<SelfAssessed>> {
    sqlx::query_as!(
        SelfAssessed,
        "SELECT DISTINCT ON (s.ons_code, s.criterion_id) s.ons_code AS council, t.title AS theme,
                c.title AS criterion, c.key, s.level
         FROM self_assessments s
         JOIN theme_criteria c ON c.id = s.criterion_id
         JOIN themes t ON t.id = c.theme_id
         WHERE t.year = $1
         ORDER BY s.ons_code, s.criterion_id, s.id DESC",
        year as Period
    )
    .fetch_all(pool)
    .await
}

/// A theme's criterion.
#[derive(Debug, Clone)]
pub struct Criterion {
    pub id: i64,
    pub theme: String,
    pub title: String,
    pub key: bool,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn criteria(pool: &PgPool, year: Period) -> sqlx::Result<Vec<Criterion>> {
    sqlx::query_as!(
        Criterion,
        "SELECT c.id, t.title AS theme, c.title, c.key FROM theme_criteria c
         JOIN themes t ON t.id = c.theme_id WHERE t.year = $1 ORDER BY t.id, c.id",
        year as Period
    )
    .fetch_all(pool)
    .await
}

/// Adds a theme for a year with its criteria (at most two themes a year).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_theme(
    conn: &mut PgConnection,
    year: Period,
    title: &str,
    criteria: &[(String, bool)],
    due_on: Option<chrono::NaiveDate>,
    by: &str,
) -> sqlx::Result<Option<i64>> {
    super::submissions::ensure_periods(&mut *conn, &[year].into()).await?;
    let count: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM themes WHERE year = $1"#,
        year as Period
    )
    .fetch_one(&mut *conn)
    .await?;
    if count >= 2 {
        return Ok(None);
    }
    let id: i64 = sqlx::query_scalar!(
        "INSERT INTO themes (year, title, due_on) VALUES ($1, $2, $3) RETURNING id",
        year as Period,
        title,
        due_on
    )
    .fetch_one(&mut *conn)
    .await?;
    for (criterion, key) in criteria {
        sqlx::query!(
            "INSERT INTO theme_criteria (theme_id, title, key) VALUES ($1, $2, $3)",
            id,
            criterion,
            key
        )
        .execute(&mut *conn)
        .await?;
    }
    audit::record(
        conn,
        by,
        "theme.add",
        &format!("theme {id} ({year})"),
        None,
        Some(serde_json::json!({ "title": title, "criteria": criteria })),
    )
    .await?;
    Ok(Some(id))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn self_assess(
    conn: &mut PgConnection,
    criterion: i64,
    council: &str,
    level: i16,
    by: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
"INSERT INTO self_assessments (criterion_id, ons_code, level, recorded_by) VALUES ($1, $2, $3, $4)",
criterion,
council,
level,
by
)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        by,
        "theme.self_assess",
        &format!("criterion {criterion} for {council}"),
        None,
        Some(serde_json::json!({ "level": level })),
    )
    .await
}

/// A council's annual risk assessment.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Assessment {
    pub id: i64,
    pub ons_code: String,
    pub year: String,
    pub status: AssessmentStage,
    /// 1, and one more each time the final assessment is reopened.
    pub revision: i32,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One step of an assessment: concerns shared, a response, a discussion, a judgement, support
/// agreed, the final view.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub id: i64,
    pub kind: String,
    pub domain_slug: Option<String>,
    pub level: Option<String>,
    pub body: String,
    pub details: serde_json::Value,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn assessment(
    db: impl PgExecutor<'_>,
    council: &str,
    year: Period,
) -> sqlx::Result<Option<Assessment>> {
    assessment_query!("WHERE ons_code = $1 AND year = $2", council, year as Period)
        .fetch_optional(db)
        .await
}

/// Assessments with `$rest` (a `WHERE`, a lock) and its arguments: one checked statement.
macro_rules! assessment_query {
    ($rest:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Assessment,
            r#"SELECT id, ons_code, year, status AS "status: AssessmentStage", revision, created_by,
                      created_at
               FROM assessments "# + $rest
            $(, $arg)*
        )
    };
}
use assessment_query;

/// The council's assessment for the year, locked until the transaction ends (so that two steps
/// at once are checked one after the other).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn assessment_locked(
    conn: &mut PgConnection,
    council: &str,
    year: Period,
) -> sqlx::Result<Option<Assessment>> {
    assessment_query!(
        "WHERE ons_code = $1 AND year = $2 FOR UPDATE",
        council,
        year as Period
    )
    .fetch_optional(conn)
    .await
}

/// The current judgement per council and domain in the year's assessments (for the matrix).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn judgements(pool: &PgPool, year: Period) -> sqlx::Result<Vec<Judgement>> {
    sqlx::query_as!(
        Judgement,
        r#"SELECT DISTINCT ON (a.ons_code, e.domain_slug) a.ons_code AS council,
                  e.domain_slug AS "domain!", e.level AS "level!"
         FROM assessments a JOIN assessment_entries e ON e.assessment_id = a.id AND e.kind = 'judgement'
         WHERE a.year = $1 ORDER BY a.ons_code, e.domain_slug, e.id DESC"#,
        year as Period
    )
    .fetch_all(pool)
    .await
}

/// Every council's assessment status for a year.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn assessment_statuses(
    pool: &PgPool,
    year: Period,
) -> sqlx::Result<Vec<AssessmentStatus>> {
    sqlx::query_as!(
        AssessmentStatus,
        "SELECT ons_code AS council, status FROM assessments WHERE year = $1 ORDER BY ons_code",
        year as Period
    )
    .fetch_all(pool)
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn entries(db: impl PgExecutor<'_>, assessment: i64) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as!(
        Entry,
        "SELECT id, kind, domain_slug, level, body, details, recorded_by, recorded_at
         FROM assessment_entries WHERE assessment_id = $1 ORDER BY id",
        assessment
    )
    .fetch_all(db)
    .await
}

/// The council's assessment for the year, started as a draft if there is none.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn start(
    conn: &mut PgConnection,
    council: &str,
    year: Period,
    by: &str,
) -> sqlx::Result<Assessment> {
    if let Some(a) = assessment(&mut *conn, council, year).await? {
        return Ok(a);
    }
    super::submissions::ensure_periods(&mut *conn, &[year].into()).await?;
    let a = sqlx::query_as!(
        Assessment,
        r#"INSERT INTO assessments (ons_code, year, created_by) VALUES ($1, $2, $3)
           RETURNING id, ons_code, year, status AS "status: AssessmentStage", revision,
                     created_by, created_at"#,
        council,
        year as Period,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "assessment.start",
        &format!("assessment of {council} for {year}"),
        None,
        Some(serde_json::json!(a)),
    )
    .await?;
    Ok(a)
}

/// A new entry of an assessment.
pub struct NewEntry<'a> {
    pub kind: &'a str,
    pub domain: Option<&'a str>,
    pub level: Option<&'a str>,
    pub body: &'a str,
    pub details: serde_json::Value,
}

/// Records an entry and moves the assessment to `to` (the stage its step leads to, checked by
/// `AssessmentStage::then`); reopening a final assessment starts its next revision.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_entry(
    conn: &mut PgConnection,
    a: &Assessment,
    entry: &NewEntry<'_>,
    to: AssessmentStage,
    by: &str,
) -> sqlx::Result<Entry> {
    let revision = if entry.kind == "reopen" {
        a.revision + 1
    } else {
        a.revision
    };
    let added = sqlx::query_as!(
        Entry,
        "INSERT INTO assessment_entries
             (assessment_id, kind, domain_slug, level, body, details, recorded_by, revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id, kind, domain_slug, level, body, details, recorded_by, recorded_at",
        a.id,
        entry.kind,
        entry.domain,
        entry.level,
        entry.body,
        entry.details,
        by,
        revision
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE assessments SET status = $2, revision = $3 WHERE id = $1",
        a.id,
        to as AssessmentStage,
        revision
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        &format!("assessment.{}", entry.kind),
        &format!("assessment of {} for {}", a.ons_code, a.year),
        Some(serde_json::json!({ "status": a.status, "revision": a.revision })),
        Some(serde_json::json!({ "status": to, "revision": revision, "entry": added })),
    )
    .await?;
    Ok(added)
}

/// An analyst's clearing of a data-quality query.
#[derive(Debug, Clone)]
pub struct Clearance {
    pub ons_code: String,
    pub measure_code: String,
    pub period_code: Period,
    pub rule: String,
    pub note: String,
    pub cleared_by: String,
    pub cleared_at: chrono::DateTime<chrono::Utc>,
}

/// Every clearing recorded for the periods of a year.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn clearances(db: impl PgExecutor<'_>, year: Period) -> sqlx::Result<Vec<Clearance>> {
    sqlx::query_as!(
        Clearance,
        r#"SELECT c.ons_code, c.measure_code, c.period_code AS "period_code: Period", c.rule, c.note,
                  c.cleared_by, c.cleared_at
           FROM query_clearances c JOIN periods p ON p.code = c.period_code
           WHERE p.year_start = $1"#,
        i16::try_from(year.year_start()).unwrap_or(i16::MAX)
    )
    .fetch_all(db)
    .await
}

/// Clears a query (once; clearing it again keeps the first), with the audit entry in the same
/// transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn clear_query(
    conn: &mut sqlx::PgConnection,
    council: &str,
    measure: &str,
    period: Period,
    rule: &str,
    note: &str,
    by: &str,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "INSERT INTO query_clearances (ons_code, measure_code, period_code, rule, note, cleared_by)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        council,
        measure,
        period as Period,
        rule,
        note,
        by
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        super::audit::record(
            conn,
            by,
            "query.clear",
            &format!("query {rule} on {measure} of {council} for {period}"),
            None,
            Some(serde_json::json!({ "note": note })),
        )
        .await?;
    }
    Ok(inserted)
}

/// The scoring as stored: its parameters, version, and who changed it when.
#[derive(Debug, Clone)]
pub struct StoredScoring {
    pub params: serde_json::Value,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl StoredScoring {
    /// The parameters the grading uses; stored parameters that make no sense are an error.
    pub fn scoring(&self) -> Result<Scoring, String> {
        Scoring::from_json(&self.params)
            .map_err(|e| format!("the stored scoring (version {}): {e}", self.version))
    }
}

/// The current scoring.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn scoring(db: impl PgExecutor<'_>) -> sqlx::Result<StoredScoring> {
    sqlx::query_as!(
        StoredScoring,
        "SELECT params, version, updated_by, updated_at FROM risk_scoring"
    )
    .fetch_one(db)
    .await
}

/// The earlier versions of the scoring, newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn scoring_versions(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<StoredScoring>> {
    sqlx::query_as!(
        StoredScoring,
        "SELECT params, version, updated_by, updated_at FROM risk_scoring_versions
         ORDER BY version DESC"
    )
    .fetch_all(db)
    .await
}

/// Changes the scoring: the earlier version is kept, the version goes up, the change is audited.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_scoring(
    conn: &mut PgConnection,
    scoring: &Scoring,
    by: &str,
) -> sqlx::Result<i32> {
    let before = sqlx::query_as!(
        StoredScoring,
        "INSERT INTO risk_scoring_versions (version, params, updated_by, updated_at)
         SELECT version, params, updated_by, updated_at FROM risk_scoring FOR UPDATE
         RETURNING params, version, updated_by, updated_at"
    )
    .fetch_one(&mut *conn)
    .await?;
    let params = serde_json::to_value(scoring).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let version: i32 = sqlx::query_scalar!(
        "UPDATE risk_scoring SET params = $1, version = version + 1, updated_by = $2,
             updated_at = now() RETURNING version",
        &params,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "scoring.update",
        "the risk scoring",
        Some(serde_json::json!({ "params": before.params, "version": before.version })),
        Some(serde_json::json!({ "params": params, "version": version })),
    )
    .await?;
    Ok(version)
}

/// A council's response to one concern: the measure it speaks to, in the year's assessment.
#[derive(Debug, Clone)]
pub struct ConcernResponse {
    pub ons_code: String,
    pub measure: String,
    pub body: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// Every response linked to a concern in the year's assessments, oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn concern_responses(
    db: impl PgExecutor<'_>,
    year: Period,
) -> sqlx::Result<Vec<ConcernResponse>> {
    sqlx::query_as!(
        ConcernResponse,
        r#"SELECT a.ons_code, e.details->>'measure' AS "measure!", e.body, e.recorded_by, e.recorded_at
         FROM assessments a
         JOIN assessment_entries e ON e.assessment_id = a.id AND e.kind = 'response'
         WHERE a.year = $1 AND e.details ? 'measure'
         ORDER BY e.id"#,
        year as Period
    )
    .fetch_all(db)
    .await
}
