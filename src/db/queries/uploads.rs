//! Uploaded files and councils' returns: every upload is kept with its validation report, from
//! draft to a decision (accepted as a submission revision, or sent back with a reason).

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::round::UploadStatus;
use sqlx::{PgConnection, PgExecutor};

/// An upload's record (without its bytes).
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: i64,
    pub filename: String,
    pub ons_code: Option<String>,
    pub period_code: Option<String>,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
    pub status: UploadStatus,
    pub errors: i32,
    pub warnings: i32,
    pub report: serde_json::Value,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub submission_id: Option<i64>,
}

/// Uploads with `$select` (`SELECT` or `SELECT DISTINCT ON (…)`) and `$rest` (a `WHERE`, an
/// `ORDER BY`) with its arguments: one checked statement.
macro_rules! upload_query {
    ($select:literal, $rest:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Upload,
            $select + r#" id, filename, ons_code, period_code, uploaded_by, created_at,
                 status AS "status: UploadStatus", errors, warnings, report, submitted_at, reviewed_by, reviewed_at, reason,
                 submission_id FROM uploads "# + $rest
            $(, $arg)*
        )
    };
}

/// A new upload: the file, whose council and period it is for (a council's return), who sent
/// it, and its validation report.
pub struct NewUpload<'a> {
    pub filename: &'a str,
    pub bytes: &'a [u8],
    pub sha256: &'a str,
    pub ons_code: Option<&'a str>,
    pub period: Option<String>,
    pub uploaded_by: &'a str,
    pub report: serde_json::Value,
    pub errors: usize,
    pub warnings: usize,
}

/// Keeps an upload, and writes its audit entry in the same transaction: a council's return
/// (`return.upload`) or a file the analyst staged (`upload.stage`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(conn: &mut PgConnection, u: &NewUpload<'_>) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar!(
"INSERT INTO uploads (filename, bytes, sha256, ons_code, period_code, uploaded_by, report, errors, warnings)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
u.filename,
u.bytes,
u.sha256,
u.ons_code,
u.period.as_deref(),
u.uploaded_by,
&u.report,
i32::try_from(u.errors).unwrap_or(i32::MAX),
i32::try_from(u.warnings).unwrap_or(i32::MAX)
)
    .fetch_one(&mut *conn)
    .await?;
    let (action, object) = match u.ons_code {
        Some(council) => (
            "return.upload",
            format!(
                "return {id} of {council} for {}",
                u.period.as_deref().unwrap_or("no period")
            ),
        ),
        None => ("upload.stage", format!("upload {id}")),
    };
    super::audit::record(
        conn,
        u.uploaded_by,
        action,
        &object,
        None,
        Some(serde_json::json!({
            "file": u.filename, "sha256": u.sha256, "errors": u.errors, "warnings": u.warnings
        })),
    )
    .await?;
    Ok(id)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Upload>> {
    upload_query!("SELECT", "WHERE id = $1", id)
        .fetch_optional(db)
        .await
}

/// An upload's file, with the period given with it.
#[derive(Debug, Clone)]
pub struct File {
    pub filename: String,
    pub bytes: Vec<u8>,
    pub period_code: Option<String>,
}

/// An upload's file: name, bytes and the period given with it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn file(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<File>> {
    sqlx::query_as!(
        File,
        "SELECT filename, bytes, period_code FROM uploads WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await
}

/// A council's returns, newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_council(db: impl PgExecutor<'_>, ons_code: &str) -> sqlx::Result<Vec<Upload>> {
    upload_query!("SELECT", "WHERE ons_code = $1 ORDER BY id DESC", ons_code)
        .fetch_all(db)
        .await
}

/// The latest return of each council for a period.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn latest_for_period(db: impl PgExecutor<'_>, period: &str) -> sqlx::Result<Vec<Upload>> {
    upload_query!(
        "SELECT DISTINCT ON (ons_code)",
        "WHERE period_code = $1 AND ons_code IS NOT NULL ORDER BY ons_code, id DESC",
        period
    )
    .fetch_all(db)
    .await
}

/// Moves an upload from status `from` to `to`, recording who and why, with its audit entry
/// (`return.submit`, `return.accept`, `return.send_back` for a council's return; `upload.commit`
/// for a file the analyst staged); false when it was not in `from` (already decided, or never
/// submitted).
pub async fn decide(
    conn: &mut PgConnection,
    id: i64,
    from: UploadStatus,
    to: UploadStatus,
    by: &str,
    reason: Option<&str>,
    submission_id: Option<i64>,
) -> sqlx::Result<bool> {
    let Some(decided) = sqlx::query!(
        "UPDATE uploads SET status = $3,
             submitted_at = CASE WHEN $3 = 'submitted' THEN now() ELSE submitted_at END,
             reviewed_by = CASE WHEN $3 IN ('accepted', 'sent_back') THEN $4 ELSE reviewed_by END,
             reviewed_at = CASE WHEN $3 IN ('accepted', 'sent_back') THEN now() ELSE reviewed_at END,
             reason = coalesce($5, reason),
             submission_id = coalesce($6, submission_id)
         WHERE id = $1 AND status = $2
         RETURNING ons_code",
        id,
        from as UploadStatus,
        to as UploadStatus,
        by,
        reason,
        submission_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(false);
    };
    let (action, object) = match (&decided.ons_code, to) {
        (Some(council), UploadStatus::Submitted) => {
            ("return.submit", format!("return {id} of {council}"))
        }
        (Some(_), UploadStatus::Accepted) => ("return.accept", format!("return {id}")),
        (Some(_), UploadStatus::SentBack) => ("return.send_back", format!("return {id}")),
        (Some(_), UploadStatus::Draft) => ("return.reopen", format!("return {id}")),
        (None, _) => ("upload.commit", format!("upload {id}")),
    };
    super::audit::record(
        conn,
        by,
        action,
        &object,
        Some(serde_json::json!({ "status": from })),
        Some(serde_json::json!({ "status": to, "reason": reason, "submission": submission_id })),
    )
    .await?;
    Ok(true)
}

/// A quarter's collection round.
#[derive(Debug, Clone)]
pub struct Round {
    pub period_code: String,
    pub due_on: NaiveDate,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
}

#[tracing::instrument(level = "debug", skip_all)]
/// Opens (or moves the due date of) a quarter's round, with its audit entry.
pub async fn open_round(
    conn: &mut PgConnection,
    period: &str,
    due_on: NaiveDate,
    by: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO rounds (period_code, due_on, opened_by) VALUES ($1, $2, $3)
         ON CONFLICT (period_code) DO UPDATE SET due_on = excluded.due_on",
        period,
        due_on,
        by
    )
    .execute(&mut *conn)
    .await?;
    super::audit::record(
        conn,
        by,
        "round.open",
        &format!("round {period}"),
        None,
        Some(serde_json::json!({ "due": due_on })),
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn rounds(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Round>> {
    sqlx::query_as!(
        Round,
        "SELECT r.period_code, r.due_on, r.opened_by, r.opened_at FROM rounds r
         JOIN periods p ON p.code = r.period_code ORDER BY p.sort_key DESC"
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn round(db: impl PgExecutor<'_>, period: &str) -> sqlx::Result<Option<Round>> {
    sqlx::query_as!(
        Round,
        "SELECT period_code, due_on, opened_by, opened_at FROM rounds WHERE period_code = $1",
        period
    )
    .fetch_optional(db)
    .await
}
