//! Periods that have data.

use sqlx::PgPool;

use crate::domain::Period;
use crate::domain::access::DataView;

/// Every period for which a value is shown (a current revision, never illustrative beside
/// real data; in the published view, a live publication), oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn with_data(pool: &PgPool, view: DataView) -> sqlx::Result<Vec<Period>> {
    match view {
        DataView::Internal => {
            sqlx::query_scalar!(
                r#"SELECT p.code AS "code: Period" FROM periods p
                 WHERE EXISTS (SELECT 1 FROM observations o JOIN shown_submissions s ON s.id = o.submission_id
                               WHERE o.period_code = p.code)
                 ORDER BY p.sort_key"#
            )
            .fetch_all(pool)
            .await
        }
        DataView::Published => {
            sqlx::query_scalar!(
                r#"SELECT p.code AS "code: Period" FROM periods p
                 WHERE EXISTS (SELECT 1 FROM published_observations o WHERE o.period_code = p.code)
                 ORDER BY p.sort_key"#
            )
            .fetch_all(pool)
            .await
        }
    }
}
