//! Current values (the latest revision of each) for the scorecard's views.

use sqlx::PgPool;

use crate::domain::Period;

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

/// A current Total value with where it came from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CurrentValue {
    pub measure: String,
    pub area: String,
    #[sqlx(try_from = "String")]
    pub period: Period,
    pub value: Option<rust_decimal::Decimal>,
    #[sqlx(try_from = "String")]
    pub provenance: crate::domain::Provenance,
}

/// Every current Total value of the given measures and areas, any period.
pub async fn values_of(
    pool: &PgPool,
    measures: &[String],
    areas: &[String],
) -> sqlx::Result<Vec<CurrentValue>> {
    sqlx::query_as(
        "SELECT o.measure_code AS measure, o.area_code AS area, o.period_code AS period, o.value,
                o.provenance
         FROM current_observations o
         WHERE o.measure_code = ANY($1) AND o.area_code = ANY($2) AND o.disaggregation = 'Total'",
    )
    .bind(measures)
    .bind(areas)
    .fetch_all(pool)
    .await
}
