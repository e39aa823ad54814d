//! Current values (the latest revision of each) for the scorecard's views.

use sqlx::PgPool;

use crate::domain::Period;
use crate::domain::access::DataView;

/// A current Total value of an area and measure in an earlier period.
#[derive(Debug, Clone)]
pub struct Earlier {
    pub area: String,
    pub measure: String,
    pub period: Period,
    pub value: rust_decimal::Decimal,
}

/// Current Total values before `period`, of periods of the same kind (years or quarters),
/// oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn series_before(
    pool: &PgPool,
    period: Period,
    areas: &[String],
    measures: &[String],
) -> sqlx::Result<Vec<Earlier>> {
    sqlx::query_as!(
        Earlier,
        r#"SELECT o.area_code AS "area!", o.measure_code AS "measure!",
                  o.period_code AS "period!: Period", o.value AS "value!"
         FROM current_observations o JOIN periods p ON p.code = o.period_code
         WHERE p.sort_key < $1 AND (p.quarter IS NULL) = $2
           AND o.area_code = ANY($3) AND o.measure_code = ANY($4)
           AND o.disaggregation = 'Total' AND o.value IS NOT NULL
         ORDER BY p.sort_key"#,
        period.sort_key(),
        !period.is_quarter(),
        areas,
        measures
    )
    .fetch_all(pool)
    .await
}

/// A value of one area that a later revision replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct Replaced {
    pub measure: String,
    pub period: Period,
    pub value: Option<rust_decimal::Decimal>,
    /// The replaced revision.
    pub revision: i32,
    /// When the replacement was made (or, in the published view, published).
    pub replaced_at: chrono::DateTime<chrono::Utc>,
}

/// Values of one area that a later revision replaced, up to `as_at`, newest first. In the
/// published view, only values that were public and replaced by a later publication.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn superseded(
    pool: &PgPool,
    view: DataView,
    area: &str,
    as_at: Period,
) -> sqlx::Result<Vec<Replaced>> {
    match view {
        DataView::Internal => {
            sqlx::query_as!(
                Replaced,
                r#"SELECT o.measure_code AS measure, o.period_code AS "period: Period", o.value,
                          s.revision, next.submitted_at AS replaced_at
                 FROM observations o
                 JOIN submissions s ON s.id = o.submission_id AND s.status = 'superseded'
                 JOIN submissions next ON next.id = s.superseded_by
                 JOIN periods p ON p.code = o.period_code
                 WHERE o.area_code = $1 AND p.sort_key <= $2 AND o.disaggregation = 'Total'
                 ORDER BY s.id DESC"#,
                area,
                as_at.sort_key()
            )
            .fetch_all(pool)
            .await
        }
        DataView::Published => {
            sqlx::query_as!(
                Replaced,
                r#"SELECT o.measure_code AS measure, o.period_code AS "period: Period", o.value,
                          s.revision, live.published_at AS replaced_at
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
                 ORDER BY old.id DESC, s.id DESC"#,
                area,
                as_at.sort_key()
            )
            .fetch_all(pool)
            .await
        }
    }
}

/// A current Total value with where it came from.
#[derive(Debug, Clone)]
pub struct CurrentValue {
    pub measure: String,
    pub area: String,
    pub period: Period,
    pub value: Option<rust_decimal::Decimal>,
    pub provenance: crate::domain::Provenance,
}

/// Every current (or published) Total value of the given measures and areas, any period.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn values_of(
    pool: &PgPool,
    view: DataView,
    measures: &[String],
    areas: &[String],
) -> sqlx::Result<Vec<CurrentValue>> {
    query_as_in_view!(
        view,
        CurrentValue,
        [
            r#"SELECT o.measure_code AS "measure!", o.area_code AS "area!",
                   o.period_code AS "period!: Period", o.value,
                   o.provenance AS "provenance!: crate::domain::Provenance" FROM "#,
            "current_observations",
            "published_observations",
            " o WHERE o.measure_code = ANY($1) AND o.area_code = ANY($2) AND o.disaggregation = 'Total'"
        ],
        measures,
        areas;
        .fetch_all(pool).await
    )
}

/// A measure with at least one value in the view.
#[derive(Debug, Clone)]
pub struct WithValues {
    pub measure: String,
}

/// The measures with at least one Total value in the view (what a choice of measures offers).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn measures_with_values(pool: &PgPool, view: DataView) -> sqlx::Result<Vec<String>> {
    let rows = query_as_in_view!(
        view,
        WithValues,
        [
            r#"SELECT DISTINCT o.measure_code AS "measure!" FROM "#,
            "current_observations",
            "published_observations",
            " o WHERE o.disaggregation = 'Total' AND o.value IS NOT NULL"
        ];
        .fetch_all(pool).await
    )?;
    Ok(rows.into_iter().map(|r| r.measure).collect())
}

/// A period with a value.
#[derive(Debug, Clone)]
pub struct WithValue {
    pub period: Period,
}

/// The latest period with a Total value of `measure` in the view (a measure's page opens on it).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn latest_period_of(
    pool: &PgPool,
    view: DataView,
    measure: &str,
) -> sqlx::Result<Option<Period>> {
    let row = query_as_in_view!(
        view,
        WithValue,
        [
            r#"SELECT o.period_code AS "period!: Period" FROM "#,
            "current_observations",
            "published_observations",
            " o JOIN periods p ON p.code = o.period_code
             WHERE o.measure_code = $1 AND o.disaggregation = 'Total' AND o.value IS NOT NULL
             ORDER BY p.sort_key DESC LIMIT 1"
        ],
        measure;
        .fetch_optional(pool).await
    )?;
    Ok(row.map(|r| r.period))
}

/// The importer's warning about a current Total value.
#[derive(Debug, Clone)]
pub struct ValueWarning {
    pub area: String,
    pub measure: String,
    pub period: Period,
    pub warning: String,
}

/// The importer's warnings about the current Total values of `areas` (the warning kept with the
/// submission the current value came from).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn change_warnings(pool: &PgPool, areas: &[String]) -> sqlx::Result<Vec<ValueWarning>> {
    sqlx::query_as!(
        ValueWarning,
        r#"SELECT c.area_code AS "area!", c.measure_code AS "measure!",
                  c.period_code AS "period!: Period", w.warning
         FROM current_observations c
         JOIN value_warnings w ON w.submission_id = c.submission_id AND w.area_code = c.area_code
              AND w.measure_code = c.measure_code AND w.period_code = c.period_code
              AND w.disaggregation = c.disaggregation
         WHERE c.area_code = ANY($1) AND c.disaggregation = 'Total'"#,
        areas
    )
    .fetch_all(pool)
    .await
}
