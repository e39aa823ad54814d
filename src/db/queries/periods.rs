//! Periods that have data.

use sqlx::PgPool;

use crate::domain::Period;

/// Every period for which a value is shown (a current revision, never illustrative beside
/// real data), oldest first.
pub async fn with_data(pool: &PgPool) -> sqlx::Result<Vec<Period>> {
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT p.code FROM periods p
         WHERE EXISTS (SELECT 1 FROM observations o JOIN shown_submissions s ON s.id = o.submission_id
                       WHERE o.period_code = p.code)
         ORDER BY p.sort_key",
    )
    .fetch_all(pool)
    .await?;
    Ok(codes.iter().filter_map(|c| c.parse().ok()).collect())
}
