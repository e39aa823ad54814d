//! `scorecard backup` and `scorecard restore`: the whole database with PostgreSQL's own tools.

use super::users::ACTOR;
use crate::config::DatabaseConfig;

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// The dump file (PostgreSQL custom format).
    pub file: std::path::PathBuf,
}

/// `scorecard backup FILE`: the whole database with pg_dump.
pub(super) async fn backup(db: &crate::db::Database, file: &std::path::Path) -> anyhow::Result<()> {
    let (conninfo, file) = (db.conninfo.clone(), file.to_path_buf());
    tokio::task::spawn_blocking(move || crate::db::backup::dump(&conninfo, &file)).await??;
    println!("backed up to the dump file");
    Ok(())
}

/// `scorecard restore FILE`: replaces the database's contents, then starts a new data version
/// so that every running instance forgets what it kept.
pub(super) async fn restore(
    db: &crate::db::Database,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    let (conninfo, file) = (db.conninfo.clone(), file.to_path_buf());
    tokio::task::spawn_blocking(move || crate::db::backup::restore(&conninfo, &file)).await??;
    let mut tx = db.pool.begin().await?;
    crate::db::queries::version::restored(&mut tx, ACTOR).await?;
    tx.commit().await?;
    println!("restored");
    Ok(())
}
