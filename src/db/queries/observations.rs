//! Current values (the latest revision of each) for the scorecard's views.

use sqlx::PgPool;

use crate::domain::Period;
use crate::domain::account::DataView;

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

/// A value of one area that a later revision replaced: (measure, period, value, the replaced
/// revision, when the replacement was made, or published).
pub type Replaced = (
    String,
    String,
    Option<rust_decimal::Decimal>,
    i32,
    chrono::DateTime<chrono::Utc>,
);

/// Values of one area that a later revision replaced, up to `as_at`, newest first. In the
/// published view, only values that were public and replaced by a later publication.
pub async fn superseded(
    pool: &PgPool,
    view: DataView,
    area: &str,
    as_at: Period,
) -> sqlx::Result<Vec<Replaced>> {
    let sql = match view {
        DataView::Internal => {
            "SELECT o.measure_code, o.period_code, o.value, s.revision, next.submitted_at
             FROM observations o
             JOIN submissions s ON s.id = o.submission_id AND s.status = 'superseded'
             JOIN submissions next ON next.id = s.superseded_by
             JOIN periods p ON p.code = o.period_code
             WHERE o.area_code = $1 AND p.sort_key <= $2 AND o.disaggregation = 'Total'
             ORDER BY s.id DESC"
        }
        DataView::Published => {
            "SELECT o.measure_code, o.period_code, o.value, s.revision, live.published_at
             FROM publications old
             JOIN publications live ON live.period_code = old.period_code AND live.ended_at IS NULL
             JOIN publication_submissions ps ON ps.publication_id = old.id
             JOIN submissions s ON s.id = ps.submission_id
             JOIN observations o ON o.submission_id = s.id AND o.period_code = old.period_code
             JOIN periods p ON p.code = o.period_code
             WHERE old.ended_how = 'republished' AND o.area_code = $1 AND p.sort_key <= $2
               AND o.disaggregation = 'Total'
               AND NOT EXISTS (SELECT 1 FROM publication_submissions lp
                               WHERE lp.publication_id = live.id AND lp.submission_id = s.id)
             ORDER BY old.id DESC, s.id DESC"
        }
    };
    sqlx::query_as(sql)
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
    pub period: Period,
    pub value: Option<rust_decimal::Decimal>,
    pub provenance: crate::domain::Provenance,
}

/// Every current (or published) Total value of the given measures and areas, any period.
pub async fn values_of(
    pool: &PgPool,
    view: DataView,
    measures: &[String],
    areas: &[String],
) -> sqlx::Result<Vec<CurrentValue>> {
    let sql = in_view!(
        view,
        "SELECT o.measure_code AS measure, o.area_code AS area, o.period_code AS period, o.value,
                o.provenance FROM ",
        "current_observations",
        "published_observations",
        " o WHERE o.measure_code = ANY($1) AND o.area_code = ANY($2) AND o.disaggregation = 'Total'"
    );
    sqlx::query_as(sql)
        .bind(measures)
        .bind(areas)
        .fetch_all(pool)
        .await
}

/// The importer's warning about a current Total value.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ValueWarning {
    pub area: String,
    pub measure: String,
    pub period: Period,
    pub warning: String,
}

/// The importer's warnings about the current Total values of `areas` (the warning kept with the
/// submission the current value came from).
pub async fn change_warnings(pool: &PgPool, areas: &[String]) -> sqlx::Result<Vec<ValueWarning>> {
    sqlx::query_as(
        "SELECT c.area_code AS area, c.measure_code AS measure, c.period_code AS period, w.warning
         FROM current_observations c
         JOIN value_warnings w ON w.submission_id = c.submission_id AND w.area_code = c.area_code
              AND w.measure_code = c.measure_code AND w.period_code = c.period_code
              AND w.disaggregation = c.disaggregation
         WHERE c.area_code = ANY($1) AND c.disaggregation = 'Total'",
    )
    .bind(areas)
    .fetch_all(pool)
    .await
}
