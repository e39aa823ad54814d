//! The database: connection (to a server or the embedded cluster), migrations, and queries
//! grouped by the table or aggregate they serve.

pub mod backup;
pub mod embedded;
pub mod queries;

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};

use crate::config::DatabaseConfig;
use embedded::{Cluster, ClusterOptions};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// The embedded cluster's application database.
pub const DATABASE_NAME: &str = "scorecard";

/// An open database: the pool, and the embedded cluster behind it when there is one.
pub struct Database {
    pub pool: PgPool,
    cluster: Option<Cluster>,
    /// How PostgreSQL's own programs connect (a URL, or libpq keywords for the cluster).
    pub conninfo: String,
}

impl Database {
    /// Connects (starting the embedded cluster when no `DATABASE_URL` is set), creates the
    /// database if it is missing, and applies pending migrations.
    pub async fn open(config: &DatabaseConfig) -> anyhow::Result<Database> {
        let (options, cluster, conninfo) = match &config.database_url {
            Some(url) => {
                let options: PgConnectOptions = url
                    .parse()
                    .context("DATABASE_URL is not a valid PostgreSQL URL")?;
                (options, None, url.clone())
            }
            None => {
                let dir = config.cluster_dir();
                let cluster = tokio::task::spawn_blocking(move || {
                    Cluster::start(&dir, ClusterOptions::default())
                })
                .await??;
                let conninfo = format!(
                    "host={} port={} user={} dbname={DATABASE_NAME}",
                    cluster.data_dir().display(),
                    embedded::PORT,
                    embedded::SUPERUSER
                );
                (
                    cluster.connect_options(DATABASE_NAME),
                    Some(cluster),
                    conninfo,
                )
            }
        };
        ensure_database(&options).await?;
        let pool = pool(options).await?;
        MIGRATOR.run(&pool).await.context("applying migrations")?;
        Ok(Database {
            pool,
            cluster,
            conninfo,
        })
    }

    /// Closes the pool, then stops the embedded cluster if this process runs one.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(cluster) = self.cluster {
            tokio::task::spawn_blocking(move || cluster.stop()).await??;
        }
        Ok(())
    }
}

/// A pool whose acquire timeout is short, so that a database outage gives fast 503s.
pub async fn pool(options: PgConnectOptions) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(1))
        .connect_with(options)
        .await
        .context("connecting to PostgreSQL")
}

/// Creates the database named in `options` when the server does not have it yet.
pub async fn ensure_database(options: &PgConnectOptions) -> anyhow::Result<()> {
    let name = options.get_database().unwrap_or(DATABASE_NAME).to_string();
    let admin = options.clone().database("postgres");
    let mut conn = admin
        .connect()
        .await
        .context("connecting to PostgreSQL's maintenance database")?;
    let exists: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS "exists!""#,
        &name
    )
    .fetch_one(&mut conn)
    .await?;
    if !exists {
        let quoted = name.replace('"', "\"\"");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{quoted}\"")))
            .execute(&mut conn)
            .await
            .with_context(|| format!("creating database {name}"))?;
    }
    conn.close().await?;
    Ok(())
}

/// Whether the database answers at all (for `/healthz`).
pub async fn ping(pool: &PgPool) -> sqlx::Result<()> {
    sqlx::query!(r#"SELECT 1 AS "one!""#)
        .fetch_one(pool)
        .await
        .map(drop)
}
