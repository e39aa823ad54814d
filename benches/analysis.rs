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
        scorecard::domain::access::DataView::Internal,
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
    )
    .map_err(anyhow::Error::msg)?;
    let mut periods = Vec::new();
    for year in [2014, 2015, 2016] {
        let period = Period::year(year);
        let inputs = scorecard::db::queries::analysis::inputs(
            pool,
            scorecard::domain::access::DataView::Internal,
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
        let neighbours = analyse(
            &inputs,
            &inputs.councils,
            period,
            ComparatorKind::Neighbours,
            Level::P998,
        );
        periods.push((period, inputs, strict, loose, neighbours));
    }
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let (mut evaluated, mut fired) = (0, 0);
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut all = Vec::new();
        for (period, inputs, strict, loose, _) in &periods {
            let data = scorecard::risk::triggers::PeriodData {
                as_at: *period,
                catalogue: &catalogue,
                inputs,
                strict,
                loose,
                rounds: &[],
                self_assessed: &[],
            };
            all.extend(scorecard::risk::triggers::evaluate(
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
        periods[0].1.councils.len(),
        times[RUNS / 2].as_secs_f64() * 1000.0,
        times[RUNS - 1].as_secs_f64() * 1000.0
    );
    grade_the_nation(&catalogue, &params, &periods);
    Ok(())
}

type Analysed = Vec<scorecard::analysis::scorecard::Analysed>;

/// The risk signal of 2016-17 for every English council: triggers of three years, the
/// data-quality screen, one graded concern per council and measure; timed, and counted.
fn grade_the_nation(
    catalogue: &[scorecard::domain::Measure],
    params: &scorecard::risk::triggers::Params,
    periods: &[(
        Period,
        scorecard::analysis::scorecard::Inputs,
        Analysed,
        Analysed,
        Analysed,
    )],
) {
    use scorecard::analysis::comparison::Comparison;
    use scorecard::risk::{concerns, screen};
    use std::collections::{HashMap, HashSet};
    let evaluate = |i: usize| {
        let (period, inputs, strict, loose, _) = &periods[i];
        scorecard::risk::triggers::evaluate(
            &scorecard::risk::triggers::PeriodData {
                as_at: *period,
                catalogue,
                inputs,
                strict,
                loose,
                rounds: &[],
                self_assessed: &[],
            },
            &inputs.councils,
            params,
        )
    };
    let (_, inputs, strict, loose, neighbours) = &periods[2];
    let mut times = Vec::new();
    let mut result = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let now = evaluate(2);
        let earlier = vec![evaluate(1), evaluate(0)];
        let worse_n = concerns::pairs(neighbours, |c| c.comparison == Comparison::Worse);
        let improving = concerns::pairs(loose, |c| {
            c.direction_of_travel == scorecard::analysis::trend::Direction::Improved
        });
        let measure_periods: Vec<(String, Period)> = strict
            .iter()
            .map(|a| (a.measure.clone(), a.period))
            .collect();
        let queries = screen::screen(
            inputs,
            &measure_periods,
            &inputs.councils,
            &inputs.councils,
            screen::ScreenParams::default(),
        );
        let queried: HashSet<(String, String)> = queries
            .iter()
            .map(|q| (q.council.clone(), q.measure.clone()))
            .collect();
        let (graded, regional) = concerns::grade(&concerns::Grading {
            now: &now,
            earlier: &earlier,
            councils: &inputs.councils,
            worse_than_neighbours: &worse_n,
            worse_than_region: &HashSet::new(),
            improving: &improving,
            queried: &queried,
            responded: &HashSet::new(),
            scoring: &concerns::Scoring::default(),
        });
        times.push(started.elapsed());
        let old = now
            .iter()
            .filter(|e| e.fired && !e.excellence && e.measure.is_some())
            .count();
        result = Some((graded, regional, queries, old));
    }
    times.sort();
    let Some((graded, regional, queries, old)) = result else {
        return;
    };
    let by_grade = |g: concerns::Grade| graded.iter().filter(|c| c.grade == g).count();
    let councils: HashSet<&str> = graded.iter().map(|c| c.council.as_str()).collect();
    let with_queries: HashSet<&str> = queries.iter().map(|q| q.council.as_str()).collect();
    let mut rules: HashMap<&str, usize> = HashMap::new();
    for q in &queries {
        *rules.entry(q.rule).or_default() += 1;
    }
    println!(
        "risk signal 2016-17, {} councils (England as the region): {} trigger firings on measures became {} concerns ({} high, {} medium, {} low) in {} councils; {} regional patterns; {} queries in {} councils {rules:?}; median {:.1} ms, max {:.1} ms over {RUNS} runs (three years of triggers, the screen and the grading)",
        inputs.councils.len(),
        old,
        graded.len(),
        by_grade(concerns::Grade::High),
        by_grade(concerns::Grade::Medium),
        by_grade(concerns::Grade::Low),
        councils.len(),
        regional.len(),
        queries.len(),
        with_queries.len(),
        times[RUNS / 2].as_secs_f64() * 1000.0,
        times[RUNS - 1].as_secs_f64() * 1000.0
    );
    // Per council: how many concerns of each grade, and queries (min / median / max).
    let spread = |count: &dyn Fn(&str) -> usize| {
        let mut n: Vec<usize> = inputs.councils.iter().map(|c| count(c)).collect();
        n.sort_unstable();
        format!("{}/{}/{}", n[0], n[n.len() / 2], n[n.len() - 1])
    };
    let of = |c: &str, g: Option<concerns::Grade>| {
        graded
            .iter()
            .filter(|x| x.council == c && g.is_none_or(|g| x.grade == g))
            .count()
    };
    println!(
        "per council (min/median/max): concerns {}, high {}, medium {}, low {}, queries {}",
        spread(&|c| of(c, None)),
        spread(&|c| of(c, Some(concerns::Grade::High))),
        spread(&|c| of(c, Some(concerns::Grade::Medium))),
        spread(&|c| of(c, Some(concerns::Grade::Low))),
        spread(&|c| queries.iter().filter(|q| q.council == c).count()),
    );
}
