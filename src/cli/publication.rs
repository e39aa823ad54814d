//! `scorecard publish` and `scorecard unpublish`: publication from the command line.

use super::users::ACTOR;
use crate::config::DatabaseConfig;
use crate::db::queries::{publications, records};
use crate::domain::Period;

#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// The period, e.g. 2023-24 or "2024-25 Q2".
    pub period: Period,
    /// The comparator group that is the region of focus, whose councils' own records are
    /// derived afresh before publishing.
    #[arg(long, env = "SCORECARD_REGION", default_value = "north-west")]
    pub region: String,
}

pub(super) async fn publish(
    pool: &sqlx::PgPool,
    period: Period,
    region: &str,
) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    records::refresh(&mut tx, &[period], region, ACTOR).await?;
    let p = publications::publish(&mut tx, period, ACTOR).await?;
    tx.commit().await?;
    println!(
        "{period} published: {} submissions, {} commentaries",
        p.submissions, p.commentary
    );
    Ok(())
}

pub(super) async fn unpublish(pool: &sqlx::PgPool, period: Period) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    let withdrawn = publications::withdraw(&mut tx, period, ACTOR).await?;
    tx.commit().await?;
    if withdrawn {
        println!("{period} withdrawn: the public no longer sees it");
    } else {
        println!("{period} was not published; nothing changed");
    }
    Ok(())
}
