//! The analysis of one period for every English council and every measure with data, from
//! the three official ASCOF years: the pure computation (intervals, benchmarks, comparisons,
//! ranks, spread, direction of travel, trend, RAG) timed apart from loading; then every risk
//! trigger evaluated for every council and each of the three years.
//! Run: `cargo bench --bench analysis`.

use std::time::{Duration, Instant};

use scorecard::analysis::intervals::Level;
use scorecard::analysis::measure::ComparatorKind;
use scorecard::analysis::scorecard::analyse;
use scorecard::db::embedded::{Cluster, ClusterOptions};
use scorecard::domain::Period;
use scorecard::ingest::{Options, import};
use sqlx::{Connection, PgConnection, PgPool};

const RUNS: usize = 50;

#[path = "../tests/fixtures/official.rs"]
mod official;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("scorecard-bench-analysis-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cluster = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || Cluster::start(&dir, ClusterOptions { ephemeral: true })
    })
    .await??;
    let mut conn = PgConnection::connect_with(&cluster.connect_options("postgres")).await?;
    sqlx::raw_sql("CREATE DATABASE bench")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let pool = PgPool::connect_with(cluster.connect_options("bench")).await?;
    scorecard::db::MIGRATOR.run(&pool).await?;
    scorecard::seed::reference::ensure(&pool).await?;
    for year in official::YEARS {
        let name = official::official_name(year);
        let bytes = official::official_bytes(year);
        let analysis = import::analyse(&pool, &name, &bytes, Options::default()).await?;
        import::commit(&pool, &analysis, "bench").await?;
    }

    let period = Period::year(2016);
    let started = Instant::now();
    let inputs = scorecard::db::queries::analysis::inputs(
        &pool,
        scorecard::domain::account::DataView::Internal,
        period,
        "england",
    )
    .await?;
    let load = started.elapsed();
    for (label, comparator) in [
        ("England", ComparatorKind::England),
        ("nearest neighbours", ComparatorKind::Neighbours),
    ] {
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        let mut results = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let analysed = analyse(&inputs, &inputs.councils, period, comparator, Level::P95);
            times.push(started.elapsed());
            results = analysed.iter().map(|a| a.analysis.councils.len()).sum();
        }
        times.sort();
        println!(
            "analysis of {period} against {label}: {} councils × {} measures = {results} council values; median {:.2} ms, max {:.2} ms over {RUNS} runs",
            inputs.councils.len(),
            results / inputs.councils.len().max(1),
            times[RUNS / 2].as_secs_f64() * 1000.0,
            times[RUNS - 1].as_secs_f64() * 1000.0
        );
    }
    println!(
        "loading its inputs from PostgreSQL ({} stored values): {:.1} ms",
        inputs.values.len(),
        load.as_secs_f64() * 1000.0
    );
    triggers(&pool).await?;
    pool.close().await;
    tokio::task::spawn_blocking(move || cluster.stop()).await??;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Every trigger for every English council and each official year, from analyses made once
/// (England at 99.8% and 95%, as the risk pages use them).
async fn triggers(pool: &PgPool) -> anyhow::Result<()> {
    let catalogue = scorecard::db::queries::measures::catalogue(pool).await?;
    let params = scorecard::db::queries::risk::params_of(
        &scorecard::db::queries::risk::triggers(pool).await?,
    );
    let mut periods = Vec::new();
    for year in [2014, 2015, 2016] {
        let period = Period::year(year);
        let inputs = scorecard::db::queries::analysis::inputs(
            pool,
            scorecard::domain::account::DataView::Internal,
            period,
            "england",
        )
        .await?;
        let at = |level| {
            analyse(
                &inputs,
                &inputs.councils,
                period,
                ComparatorKind::England,
                level,
            )
        };
        let (strict, loose) = (at(Level::P998), at(Level::P95));
        periods.push((inputs, strict, loose));
    }
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let (mut evaluated, mut fired) = (0, 0);
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut all = Vec::new();
        for (inputs, strict, loose) in &periods {
            let data = scorecard::analysis::triggers::PeriodData {
                catalogue: &catalogue,
                inputs,
                strict,
                loose,
                rounds: &[],
                self_assessed: &[],
            };
            all.extend(scorecard::analysis::triggers::evaluate(
                &data,
                &inputs.councils,
                &params,
            ));
        }
        times.push(started.elapsed());
        evaluated = all.len();
        fired = all.iter().filter(|e| e.fired).count();
    }
    times.sort();
    println!(
        "every trigger for {} councils × 3 years: {evaluated} evaluations ({fired} fired); median {:.2} ms, max {:.2} ms over {RUNS} runs",
        periods[0].0.councils.len(),
        times[RUNS / 2].as_secs_f64() * 1000.0,
        times[RUNS - 1].as_secs_f64() * 1000.0
    );
    Ok(())
}
