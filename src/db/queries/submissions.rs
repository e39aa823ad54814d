//! Submissions and the observations they bring, written in one transaction with a bulk insert.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use sqlx::PgConnection;

use crate::domain::{NewObservation, Period};

/// What is known of a file before it is stored.
#[derive(Debug, Clone)]
pub struct NewSubmission<'a> {
    pub kind: &'a str,
    pub scope: &'a str,
    pub source_filename: &'a str,
    pub sha256: &'a str,
    pub submitted_by: &'a str,
    pub report: serde_json::Value,
}

/// A stored submission: its id, its revision within its scope and what it superseded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    pub revision: i32,
    pub superseded: Option<i64>,
}

/// What recording a submission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordOutcome {
    Recorded(Recorded),
    /// The scope's current revision has these exact bytes already: nothing was written.
    Unchanged {
        id: i64,
        revision: i32,
    },
}

/// Records a new revision of `submission.scope` with its observations (and its `import` audit
/// entry), unless the current revision has the same bytes. Call inside a transaction: the scope is locked so that two
/// uploads for the same scope at once each get their own revision, and the previous revision
/// is kept, marked superseded.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record(
    conn: &mut PgConnection,
    submission: &NewSubmission<'_>,
    rows: &[NewObservation],
) -> sqlx::Result<RecordOutcome> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        submission.scope
    )
    .execute(&mut *conn)
    .await?;
    let same = sqlx::query!(
        "SELECT id, revision FROM submissions WHERE scope = $1 AND status = 'current' AND sha256 = $2",
        submission.scope,
        submission.sha256
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(same) = same {
        return Ok(RecordOutcome::Unchanged {
            id: same.id,
            revision: same.revision,
        });
    }
    let previous = sqlx::query!(
        "SELECT id, revision FROM submissions WHERE scope = $1 ORDER BY revision DESC LIMIT 1",
        submission.scope
    )
    .fetch_optional(&mut *conn)
    .await?;
    let revision = previous.as_ref().map_or(1, |p| p.revision + 1);
    let id: i64 = sqlx::query_scalar!(
        "INSERT INTO submissions
             (kind, scope, revision, source_filename, sha256, submitted_by, row_count, report)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        submission.kind,
        submission.scope,
        revision,
        submission.source_filename,
        submission.sha256,
        submission.submitted_by,
        i32::try_from(rows.len()).unwrap_or(i32::MAX),
        &submission.report
    )
    .fetch_one(&mut *conn)
    .await?;
    if previous.is_some() {
        sqlx::query!(
            "UPDATE submissions SET status = 'superseded', superseded_by = $2
             WHERE scope = $1 AND status = 'current' AND id <> $2",
            submission.scope,
            id
        )
        .execute(&mut *conn)
        .await?;
    }
    let periods: BTreeSet<Period> = rows.iter().map(|r| r.period).collect();
    ensure_periods(&mut *conn, &periods).await?;
    insert_observations(&mut *conn, id, rows).await?;
    super::audit::record(
        &mut *conn,
        submission.submitted_by,
        "import",
        &format!("submission {id} ({} revision {revision})", submission.scope),
        None,
        Some(serde_json::json!({
            "file": submission.source_filename,
            "kind": submission.kind,
            "values": rows.len(),
            "periods": periods.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "superseded": previous.as_ref().map(|p| p.id),
        })),
    )
    .await?;
    Ok(RecordOutcome::Recorded(Recorded {
        id,
        revision,
        superseded: previous.map(|p| p.id),
    }))
}

/// Adds any periods not yet known.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ensure_periods(
    conn: &mut PgConnection,
    periods: &BTreeSet<Period>,
) -> sqlx::Result<()> {
    let codes: Vec<Period> = periods.iter().copied().collect();
    let years: Vec<i16> = periods.iter().map(|p| p.year_start() as i16).collect();
    let quarters: Vec<Option<i16>> = periods
        .iter()
        .map(|p| p.quarter_number().map(i16::from))
        .collect();
    let keys: Vec<i32> = periods.iter().map(|p| p.sort_key()).collect();
    let starts: Vec<chrono::NaiveDate> = periods.iter().map(|p| p.starts_on()).collect();
    let ends: Vec<chrono::NaiveDate> = periods.iter().map(|p| p.ends_on()).collect();
    sqlx::query!(
"INSERT INTO periods (code, year_start, quarter, sort_key, starts_on, ends_on)
         SELECT * FROM UNNEST($1::text[], $2::smallint[], $3::smallint[], $4::int[], $5::date[], $6::date[])
         ON CONFLICT (code) DO NOTHING",
&codes[..] as &[Period],
&years[..],
&quarters[..] as &[Option<i16>],
&keys[..],
&starts[..],
&ends[..]
)
    .execute(conn)
    .await?;
    Ok(())
}

/// One statement for all rows (array binds), in chunks that keep each bind modest.
#[tracing::instrument(level = "debug", skip_all)]
async fn insert_observations(
    conn: &mut PgConnection,
    submission_id: i64,
    rows: &[NewObservation],
) -> sqlx::Result<()> {
    for chunk in rows.chunks(20_000) {
        let text = |f: fn(&NewObservation) -> &str| -> Vec<&str> { chunk.iter().map(f).collect() };
        let number = |f: fn(&NewObservation) -> Option<Decimal>| -> Vec<Option<Decimal>> {
            chunk.iter().map(f).collect()
        };
        let periods: Vec<Period> = chunk.iter().map(|r| r.period).collect();
        let notes: Vec<Option<&str>> = chunk.iter().map(|r| r.note.as_deref()).collect();
        sqlx::query!(
"INSERT INTO observations
                 (submission_id, area_code, measure_code, period_code, disaggregation,
                  value, numerator, denominator, margin_of_error, status, note, base)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[],
                  $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[], $10::text[], $11::text[],
                  $12::numeric[])",
submission_id,
&text(|r| &r.area_code)[..] as &[&str],
&text(|r| &r.measure_code)[..] as &[&str],
&periods[..] as &[Period],
&text(|r| &r.disaggregation)[..] as &[&str],
&number(|r| r.value)[..] as &[Option<Decimal>],
&number(|r| r.numerator)[..] as &[Option<Decimal>],
&number(|r| r.denominator)[..] as &[Option<Decimal>],
&number(|r| r.margin_of_error)[..] as &[Option<Decimal>],
&text(|r| r.status.as_str())[..] as &[&str],
&notes[..] as &[Option<&str>],
&number(|r| r.base)[..] as &[Option<Decimal>]
)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Keeps the importer's warnings about values of a submission (a change far from the usual).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_warnings(
    conn: &mut PgConnection,
    submission_id: i64,
    warned: &[(&NewObservation, &str)],
) -> sqlx::Result<()> {
    if warned.is_empty() {
        return Ok(());
    }
    let text = |f: fn(&NewObservation) -> &str| -> Vec<&str> {
        warned.iter().map(|(o, _)| f(o)).collect()
    };
    let periods: Vec<Period> = warned.iter().map(|(o, _)| o.period).collect();
    let warnings: Vec<&str> = warned.iter().map(|(_, w)| *w).collect();
    sqlx::query!(
        "INSERT INTO value_warnings
             (submission_id, area_code, measure_code, period_code, disaggregation, warning)
         SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
         ON CONFLICT DO NOTHING",
        submission_id,
        &text(|o| &o.area_code)[..] as &[&str],
        &text(|o| &o.measure_code)[..] as &[&str],
        &periods[..] as &[Period],
        &text(|o| &o.disaggregation)[..] as &[&str],
        &warnings[..] as &[&str]
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A stored submission as the submissions page lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: i64,
    pub kind: String,
    pub scope: String,
    pub revision: i32,
    pub source_filename: String,
    pub submitted_by: String,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub status: String,
    pub superseded_by: Option<i64>,
    pub row_count: i32,
    pub report: serde_json::Value,
}

/// Stored submissions as listed, with `$rest` (a `WHERE`, an `ORDER BY`) and its arguments.
macro_rules! listed_query {
    ($rest:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Listed,
            "SELECT id, kind, scope, revision, source_filename, submitted_by, submitted_at, status,
                    superseded_by, row_count, report FROM submissions " + $rest
            $(, $arg)*
        )
    };
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(pool: &sqlx::PgPool) -> sqlx::Result<Vec<Listed>> {
    listed_query!("ORDER BY id DESC LIMIT 500")
        .fetch_all(pool)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(pool: &sqlx::PgPool, id: i64) -> sqlx::Result<Option<Listed>> {
    listed_query!("WHERE id = $1", id)
        .fetch_optional(pool)
        .await
}

/// True when no submission has ever been stored.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn none_yet(pool: &sqlx::PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"SELECT NOT EXISTS (SELECT 1 FROM submissions) AS "none!""#)
        .fetch_one(pool)
        .await
}

/// Removes every submission of one provenance with its values: (submissions, values) removed.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remove_kind(
    conn: &mut PgConnection,
    kind: crate::domain::Provenance,
) -> sqlx::Result<(u64, u64)> {
    let values = sqlx::query!(
"DELETE FROM observations WHERE submission_id IN (SELECT id FROM submissions WHERE kind = $1)",
kind.as_str()
)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let submissions = sqlx::query!("DELETE FROM submissions WHERE kind = $1", kind.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok((submissions, values))
}
