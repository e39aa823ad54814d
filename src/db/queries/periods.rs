//! Periods that have data.

use sqlx::PgPool;

use crate::domain::Period;

/// Every period for which any value is stored, oldest first.
pub async fn with_data(pool: &PgPool) -> sqlx::Result<Vec<Period>> {
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT p.code FROM periods p
         WHERE EXISTS (SELECT 1 FROM observations o WHERE o.period_code = p.code)
         ORDER BY p.sort_key",
    )
    .fetch_all(pool)
    .await?;
    Ok(codes.iter().filter_map(|c| c.parse().ok()).collect())
}
