//! Current values (the latest revision of each) for the scorecard's views.

use sqlx::PgPool;

use crate::domain::{Observation, Period};

macro_rules! observation_columns {
    () => {
        "o.measure_code, o.area_code, o.period_code, p.sort_key AS period_sort_key, \
         o.value, o.numerator, o.denominator, o.margin_of_error, o.status"
    };
}

/// Values "as at" a period: for each measure, the latest period up to `as_at` in which any of
/// `members` has a value, and the values of `areas` (members plus benchmarks) in that period.
/// Quarterly and annual measures thus sit side by side, each at its own latest period.
pub async fn as_at(
    pool: &PgPool,
    as_at: Period,
    members: &[String],
    areas: &[String],
    measure_code: Option<&str>,
) -> sqlx::Result<Vec<Observation>> {
    sqlx::query_as(concat!(
        "WITH latest AS (
             SELECT o.measure_code, max(p.sort_key) AS sort_key
             FROM current_observations o JOIN periods p ON p.code = o.period_code
             WHERE p.sort_key <= $1 AND o.area_code = ANY($2) AND o.disaggregation = 'Total'
               AND ($4::text IS NULL OR o.measure_code = $4)
             GROUP BY o.measure_code)
         SELECT ",
        observation_columns!(),
        " FROM latest
         JOIN periods p ON p.sort_key = latest.sort_key
         JOIN current_observations o
           ON o.measure_code = latest.measure_code AND o.period_code = p.code
         WHERE o.disaggregation = 'Total' AND o.area_code = ANY($3)"
    ))
    .bind(as_at.sort_key())
    .bind(members)
    .bind(areas)
    .bind(measure_code)
    .fetch_all(pool)
    .await
}

/// Every current value of `areas` up to `as_at`, oldest first: the history behind trends.
pub async fn history(
    pool: &PgPool,
    as_at: Period,
    areas: &[String],
    measure_code: Option<&str>,
) -> sqlx::Result<Vec<Observation>> {
    sqlx::query_as(concat!(
        "SELECT ",
        observation_columns!(),
        " FROM current_observations o JOIN periods p ON p.code = o.period_code
         WHERE p.sort_key <= $1 AND o.area_code = ANY($2) AND o.disaggregation = 'Total'
           AND ($3::text IS NULL OR o.measure_code = $3)
         ORDER BY p.sort_key"
    ))
    .bind(as_at.sort_key())
    .bind(areas)
    .bind(measure_code)
    .fetch_all(pool)
    .await
}

/// Current Total values before `period`, of periods of the same kind (years or quarters),
/// oldest first: (area, measure, period code, value).
pub async fn series_before(
    pool: &PgPool,
    period: Period,
    areas: &[String],
    measures: &[String],
) -> sqlx::Result<Vec<(String, String, String, rust_decimal::Decimal)>> {
    sqlx::query_as(
        "SELECT o.area_code, o.measure_code, o.period_code, o.value
         FROM current_observations o JOIN periods p ON p.code = o.period_code
         WHERE p.sort_key < $1 AND (p.quarter IS NULL) = $2
           AND o.area_code = ANY($3) AND o.measure_code = ANY($4)
           AND o.disaggregation = 'Total' AND o.value IS NOT NULL
         ORDER BY p.sort_key",
    )
    .bind(period.sort_key())
    .bind(!period.is_quarter())
    .bind(areas)
    .bind(measures)
    .fetch_all(pool)
    .await
}

/// Every stored value of one area, measure and period, newest revision first: the history
/// behind "revised from … to …".
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Revision {
    pub submission_id: i64,
    pub revision: i32,
    pub source_filename: String,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub value: Option<rust_decimal::Decimal>,
    pub status: String,
}

pub async fn revisions(
    pool: &PgPool,
    area: &str,
    measure: &str,
    period: Period,
) -> sqlx::Result<Vec<Revision>> {
    sqlx::query_as(
        "SELECT s.id AS submission_id, s.revision, s.source_filename, s.submitted_at, o.value, o.status
         FROM observations o JOIN submissions s ON s.id = o.submission_id
         WHERE o.area_code = $1 AND o.measure_code = $2 AND o.period_code = $3
           AND o.disaggregation = 'Total'
         ORDER BY s.id DESC",
    )
    .bind(area)
    .bind(measure)
    .bind(period.to_string())
    .fetch_all(pool)
    .await
}

/// Values of one area that a later revision replaced, up to `as_at`: (measure, period, value,
/// the superseded revision), newest revision first.
pub async fn superseded(
    pool: &PgPool,
    area: &str,
    as_at: Period,
) -> sqlx::Result<Vec<(String, String, Option<rust_decimal::Decimal>, i32)>> {
    sqlx::query_as(
        "SELECT o.measure_code, o.period_code, o.value, s.revision
         FROM observations o
         JOIN submissions s ON s.id = o.submission_id AND s.status = 'superseded'
         JOIN periods p ON p.code = o.period_code
         WHERE o.area_code = $1 AND p.sort_key <= $2 AND o.disaggregation = 'Total'
         ORDER BY s.id DESC",
    )
    .bind(area)
    .bind(as_at.sort_key())
    .fetch_all(pool)
    .await
}
