//! The service's own records as measures: what `domain::records` derives from the analyst's
//! facts, the councils' self-assessments and their quarterly returns, stored as one revision per
//! year (`service-records:{year}`, provenance `service_record`), a new revision only when the
//! values change.

use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use super::submissions::{self, NewSubmission, RecordOutcome};
use crate::domain::records::{Due, Records};
use crate::domain::{NewObservation, Period, Provenance, ValueStatus};

/// The records of the region's councils (`region`: a comparator group slug).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn load(conn: &mut PgConnection, region: &str) -> sqlx::Result<Records> {
    let facts = super::facts::all(&mut *conn).await?;
    let self_assessed = sqlx::query!(
        r#"SELECT DISTINCT s.ons_code, t.title AS theme, t.year AS "year: Period"
           FROM self_assessments s
           JOIN theme_criteria c ON c.id = s.criterion_id
           JOIN themes t ON t.id = c.theme_id"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.ons_code, r.theme, r.year))
    .collect();
    let returns = sqlx::query!(
        r#"SELECT m.ons_code, r.period_code AS "quarter: Period", r.due_on,
                  (SELECT min(coalesce(u.submitted_at, u.created_at) AT TIME ZONE 'Europe/London')::date
                   FROM uploads u
                   WHERE u.ons_code = m.ons_code AND u.period_code = r.period_code
                     AND u.status = 'accepted') AS arrived_on
           FROM rounds r
           JOIN periods p ON p.code = r.period_code
           JOIN comparator_group_members m ON m.group_slug = $1
           WHERE r.due_on < (now() AT TIME ZONE 'Europe/London')::date
             AND (m.valid_from IS NULL OR m.valid_from <= p.ends_on)
             AND (m.valid_to IS NULL OR m.valid_to >= p.starts_on)"#,
        region
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| Due {
        council: r.ons_code,
        quarter: r.quarter,
        due_on: r.due_on,
        arrived_on: r.arrived_on,
    })
    .collect();
    Ok(Records {
        facts,
        self_assessed,
        returns,
    })
}

/// Derives each of `years`' values from the records and stores them as that year's revision
/// (none when they are what is stored already, or when there are none and never were: a year
/// without records adds no submission, so the illustrative set is not hidden by an empty one).
/// Call inside a transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn refresh(
    conn: &mut PgConnection,
    years: &[Period],
    region: &str,
    by: &str,
) -> sqlx::Result<()> {
    let records = load(&mut *conn, region).await?;
    for year in years {
        store(&mut *conn, &records, year.financial_year(), by).await?;
    }
    Ok(())
}

async fn store(
    conn: &mut PgConnection,
    records: &Records,
    year: Period,
    by: &str,
) -> sqlx::Result<Option<RecordOutcome>> {
    let values = records.values(year);
    let rows: Vec<NewObservation> = values
        .into_iter()
        .map(|v| NewObservation {
            area_code: v.council,
            measure_code: v.measure.to_string(),
            period: v.period,
            disaggregation: "Total".into(),
            value: Some(v.value),
            numerator: v.numerator,
            denominator: v.denominator,
            margin_of_error: None,
            base: None,
            status: ValueStatus::Final,
            note: Some(v.note),
        })
        .collect();
    let fingerprint = format!("{rows:?}");
    let sha256 = format!("{:x}", Sha256::digest(fingerprint.as_bytes()));
    let scope = format!("service-records:{year}");
    if rows.is_empty() {
        let stored =
            sqlx::query_scalar!("SELECT 1 FROM submissions WHERE scope = $1 LIMIT 1", scope)
                .fetch_optional(&mut *conn)
                .await?;
        if stored.is_none() {
            return Ok(None);
        }
    }
    submissions::record(
        conn,
        &NewSubmission {
            kind: Provenance::ServiceRecord.as_str(),
            scope: &scope,
            source_filename: "the service's own records",
            sha256: &sha256,
            submitted_by: by,
            report: serde_json::json!({ "format": "the service's own records", "values": rows.len() }),
        },
        &rows,
    )
    .await
    .map(Some)
}
