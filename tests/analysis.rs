//! The analysis on real official data: the England value recomputed from councils' counts, and
//! the West Midlands headline for direct payments in 2015-16 (METHODS.md §3, seed 004).

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use std::collections::HashMap;

use common::{Start, database, official_bytes, official_name};
use rust_decimal_macros::dec;
use scorecard::analysis::benchmark::{self, Member, Method};
use scorecard::analysis::comparison::Comparison;
use scorecard::analysis::headlines;
use scorecard::analysis::intervals::Level;
use scorecard::analysis::measure::ComparatorKind;
use scorecard::analysis::scorecard::analyse;
use scorecard::domain::{Period, Unit};
use scorecard::ingest::Options;
use scorecard::ingest::import;
use sqlx::PgPool;

async fn with_2015_16() -> PgPool {
    let pool = database(Start::Reference).await;
    let bytes = official_bytes("2015-16");
    let analysis = import::analyse(&pool, &official_name("2015-16"), &bytes, Options::default())
        .await
        .unwrap();
    import::commit(&pool, &analysis, "test").await.unwrap();
    pool
}

#[tokio::test]
async fn england_direct_payments_recomputed_from_council_counts_is_the_published_28_1() {
    let pool = with_2015_16().await;
    let inputs = scorecard::db::queries::analysis::inputs(
        &pool,
        scorecard::domain::access::DataView::Internal,
        Period::year(2015),
        "west-midlands",
    )
    .await
    .unwrap();
    let members: Vec<Member> = inputs
        .values
        .iter()
        .filter(|s| s.measure == "1C2A" && inputs.groups.england.members.contains(&s.area))
        .map(|s| Member {
            value: s.value.value,
            numerator: s.value.numerator,
            denominator: s.value.denominator,
        })
        .collect();
    assert_eq!(members.len(), 152);
    let b = benchmark::benchmark(None, &members, Unit::Percent, None, 1).unwrap();
    assert_eq!((b.value, b.method), (dec!(28.1), Method::Aggregate));
}

#[tokio::test]
async fn west_midlands_direct_payments_headline() {
    let pool = with_2015_16().await;
    let inputs = scorecard::db::queries::analysis::inputs(
        &pool,
        scorecard::domain::access::DataView::Internal,
        Period::year(2015),
        "west-midlands",
    )
    .await
    .unwrap();
    assert_eq!(inputs.councils.len(), 14);
    let analysed = analyse(
        &inputs,
        &inputs.councils,
        Period::year(2015),
        ComparatorKind::England,
        Level::P95,
    );
    let dp = analysed.iter().find(|a| a.measure == "1C2A").unwrap();
    assert_eq!(dp.analysis.england.unwrap().value, dec!(28.1));
    let names: HashMap<String, String> = sqlx::query_as("SELECT ons_code, name FROM authorities")
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let h = headlines::for_measure("direct payments", &dp.analysis, &names, |v| {
        format!("{v:.1}%")
    });
    assert_eq!(h.numbers.min, Some(17.3));
    assert_eq!(h.numbers.min_councils, vec!["Warwickshire"]);
    assert_eq!(h.numbers.max, Some(38.5));
    assert_eq!(h.numbers.max_councils, vec!["Sandwell"]);
    assert_eq!(
        (h.numbers.above, h.numbers.below, h.numbers.similar),
        (4, 6, 4)
    );
    assert!(
        h.sentence.starts_with(
            "Across the 14 councils, direct payments ranged from 17.3% (Warwickshire) to 38.5% (Sandwell); 4 were significantly above the England value of 28.1%, 6 significantly below, 4 similar (95%)."
        ),
        "{}",
        h.sentence
    );
    assert!(
        h.sentence.contains("upper quartile of English councils"),
        "ranked nationally: {}",
        h.sentence
    );
    let warwickshire = dp
        .analysis
        .councils
        .iter()
        .find(|c| c.code == "E10000031")
        .unwrap();
    assert_eq!(warwickshire.comparison, Comparison::Worse);
    let (low, high) = (warwickshire.ci_low.unwrap(), warwickshire.ci_high.unwrap());
    assert_eq!(
        ((low * 10.0).round() / 10.0, (high * 10.0).round() / 10.0),
        (15.6, 19.1)
    );
    assert_eq!(
        warwickshire.rank,
        Some(14),
        "lowest of 14, higher is better"
    );
    assert_eq!(warwickshire.quartile, Some(4));
}

#[tokio::test]
async fn comparators_region_type_and_neighbours() {
    let pool = with_2015_16().await;
    let inputs = scorecard::db::queries::analysis::inputs(
        &pool,
        scorecard::domain::access::DataView::Internal,
        Period::year(2015),
        "west-midlands",
    )
    .await
    .unwrap();
    for kind in [
        ComparatorKind::Region,
        ComparatorKind::Type,
        ComparatorKind::Neighbours,
    ] {
        let analysed = analyse(
            &inputs,
            &inputs.councils,
            Period::year(2015),
            kind,
            Level::P95,
        );
        let dp = analysed.iter().find(|a| a.measure == "1C2A").unwrap();
        for c in &dp.analysis.councils {
            let b = c
                .benchmark
                .unwrap_or_else(|| panic!("{kind:?} benchmark for {}", c.code));
            match kind {
                ComparatorKind::Region => assert_eq!(
                    (b.value, b.method),
                    (dp.analysis.region.unwrap().value, Method::Published)
                ),
                _ => assert_eq!(b.method, Method::Aggregate),
            }
            assert_ne!(c.comparison, Comparison::NotCompared);
        }
    }
    let region = analyse(
        &inputs,
        &inputs.councils,
        Period::year(2015),
        ComparatorKind::Region,
        Level::P95,
    );
    let dp = region.iter().find(|a| a.measure == "1C2A").unwrap();
    let published: Option<rust_decimal::Decimal> = sqlx::query_scalar(
        "SELECT value FROM current_observations WHERE area_code = 'E12000005' AND measure_code = '1C2A' AND period_code = '2015-16'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(dp.analysis.region.map(|b| b.value), published);
}
