//! Import throughput on the largest official file (2016-17, 83,500 rows): the full path
//! (decode, parse, validate against the database, commit as one revision) against a bare
//! PostgreSQL COPY of the same rows into an unindexed table. Run: `cargo bench --bench import`.

use std::time::{Duration, Instant};

use scorecard::db::embedded::{Cluster, ClusterOptions};
use scorecard::ingest::Options;
use scorecard::ingest::import::{Committed, analyse, commit};
use sqlx::{Connection, PgConnection, PgPool};

const RUNS: usize = 5;
const YEAR: &str = "2016-17";

#[path = "../tests/fixtures/official.rs"]
mod official;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bytes = official::official_bytes(YEAR);
    let rows = bytes.iter().filter(|b| **b == b'\n').count() - 1;

    let dir = std::env::temp_dir().join(format!("scorecard-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cluster = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || Cluster::start(&dir, ClusterOptions::default())
    })
    .await??;
    let admin = cluster.connect_options("postgres");

    let template = "bench_template";
    let mut conn = PgConnection::connect_with(&admin).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {template}")))
        .execute(&mut conn)
        .await?;
    let pool = PgPool::connect_with(cluster.connect_options(template)).await?;
    scorecard::db::MIGRATOR.run(&pool).await?;
    scorecard::seed::load(&pool).await?;
    pool.close().await;

    let mut full = Vec::new();
    let mut copy = Vec::new();
    for run in 0..RUNS {
        let name = format!("bench_{run}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE {template}"
        )))
        .execute(&mut conn)
        .await?;
        let pool = PgPool::connect_with(cluster.connect_options(&name)).await?;

        let started = Instant::now();
        let analysis = analyse(
            &pool,
            &official::official_name(YEAR),
            &bytes,
            Options::default(),
        )
        .await?;
        anyhow::ensure!(!analysis.report().has_errors(), "{}", analysis.report());
        let committed = commit(&pool, &analysis, "bench").await?;
        full.push(started.elapsed());
        anyhow::ensure!(matches!(committed, Committed::Stored { .. }));

        let mut c = pool.acquire().await?;
        sqlx::raw_sql(
            "CREATE TABLE raw_ascof (geo_code text, geo_name text, geo_level text, ons text, code text,
                 disaggregation text, measure_type text, value text, measure_group text, description text)",
        )
        .execute(&mut *c)
        .await?;
        let started = Instant::now();
        let mut copy_in = c
            .copy_in_raw(
                "COPY raw_ascof FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'WIN1252')",
            )
            .await?;
        copy_in.send(bytes.as_slice()).await?;
        let copied = copy_in.finish().await?;
        copy.push(started.elapsed());
        anyhow::ensure!(copied as usize == rows);
        drop(c);
        pool.close().await;
    }
    conn.close().await?;
    tokio::task::spawn_blocking(move || cluster.stop()).await??;
    let _ = std::fs::remove_dir_all(&dir);

    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (full, copy) = (median(full), median(copy));
    println!(
        "file: {} ({rows} rows, {} bytes)",
        official::official_name(YEAR),
        bytes.len()
    );
    println!(
        "full import (decode, parse, validate, commit), median of {RUNS}: {:.3} s = {:.0} rows/s",
        full.as_secs_f64(),
        rows as f64 / full.as_secs_f64()
    );
    println!(
        "bare COPY of the same rows, median of {RUNS}: {:.3} s = {:.0} rows/s",
        copy.as_secs_f64(),
        rows as f64 / copy.as_secs_f64()
    );
    println!(
        "full import / bare COPY: {:.2}x",
        full.as_secs_f64() / copy.as_secs_f64()
    );
    Ok(())
}
