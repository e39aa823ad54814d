//! Removing the illustrative data set: its values, commentary and targets, in one transaction.

use sqlx::PgPool;

use super::{audit, catalogue, commentary, publications, settings, submissions};
use crate::domain::{ILLUSTRATIVE_AUTHOR, Provenance};

/// What removing the illustrative set took away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub submissions: u64,
    pub values: u64,
}

/// Removes the illustrative values, commentary and targets in one transaction, leaving real
/// data, the reference and the catalogue as they are; the set is not loaded again at start.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remove(pool: &PgPool, by: &str) -> sqlx::Result<Removed> {
    let mut tx = pool.begin().await?;
    publications::forget_kind(&mut tx, Provenance::Illustrative.as_str()).await?;
    let (submissions, values) = submissions::remove_kind(&mut tx, Provenance::Illustrative).await?;
    commentary::remove_by_author(&mut tx, ILLUSTRATIVE_AUTHOR).await?;
    catalogue::remove_targets(&mut tx, "illustrative").await?;
    settings::set(&mut *tx, settings::ILLUSTRATIVE_REMOVED, "true").await?;
    audit::record(
        &mut tx,
        by,
        "illustrative.remove",
        "the illustrative data set",
        None,
        Some(serde_json::json!({ "submissions": submissions, "values": values })),
    )
    .await?;
    tx.commit().await?;
    Ok(Removed {
        submissions,
        values,
    })
}
