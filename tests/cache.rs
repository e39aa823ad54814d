//! The analysis cache tells the truth: a write committed while the service runs is seen on the
//! next request, whatever the order of submission ids; reference changes count; concurrent
//! requests for the same analysis compute it once.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use common::{Agent, Start, app_and_state, database, get};
use scorecard::db::queries::submissions::{self, NewSubmission};
use scorecard::db::queries::version;
use scorecard::domain::access::Role;
use scorecard::domain::{NewObservation, Period, ValueStatus};
use sqlx::PgPool;

const HALTON: &str = "E06000006";

async fn halton_as04(agent: &mut Agent, period: &str) -> f64 {
    let (status, body) = agent
        .get(&format!(
            "/api/v1/measures/AS04/values?period={}",
            period.replace(' ', "%20")
        ))
        .await;
    assert_eq!(status, axum::http::StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["councils"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == HALTON)
        .and_then(|c| c["value"].as_f64())
        .unwrap()
}

fn return_of(period: Period, value: &str) -> NewObservation {
    NewObservation {
        area_code: HALTON.into(),
        measure_code: "AS04".into(),
        period,
        disaggregation: "Total".into(),
        value: Some(value.parse().unwrap()),
        numerator: None,
        denominator: None,
        margin_of_error: None,
        base: None,
        status: ValueStatus::Final,
        note: None,
    }
}

/// Records a council return for one quarter inside `tx` (not committed).
async fn record(tx: &mut sqlx::PgConnection, period: Period, value: &str, sha: char) {
    submissions::record(
        tx,
        &NewSubmission {
            kind: "council_return",
            scope: &format!("template:{HALTON}:{period}"),
            source_filename: "return.csv",
            sha256: &sha.to_string().repeat(64),
            submitted_by: "test",
            report: serde_json::json!({}),
        },
        &[return_of(period, value)],
    )
    .await
    .unwrap();
}

async fn seeded_app() -> (PgPool, axum::Router, scorecard::web::AppState) {
    let pool = database(Start::Seeded).await;
    let (app, state) = app_and_state(pool.clone());
    (pool, app, state)
}

#[tokio::test]
async fn writes_committed_out_of_id_order_are_seen_on_the_next_request() {
    let pool = database(Start::Reference).await;
    let (app, _) = app_and_state(pool.clone());
    // The analyst sees what is accepted, published or not.
    let mut analyst =
        Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    let q1 = Period::quarter(2024, 1).unwrap();
    let q2 = Period::quarter(2024, 2).unwrap();
    let mut first = pool.begin().await.unwrap();
    record(&mut first, q1, "10.5", 'f').await;
    first.commit().await.unwrap();
    let before = halton_as04(&mut analyst, "2024-25 Q1").await;
    assert_eq!(before, 10.5);
    // A slow upload takes the lower id and commits last.
    let mut slow = pool.begin().await.unwrap();
    record(&mut slow, q1, "12.5", 'a').await;
    let mut fast = pool.begin().await.unwrap();
    record(&mut fast, q2, "13.5", 'b').await;
    fast.commit().await.unwrap();
    assert_eq!(halton_as04(&mut analyst, "2024-25 Q2").await, 13.5);
    assert_eq!(
        halton_as04(&mut analyst, "2024-25 Q1").await,
        before,
        "the uncommitted return is not shown"
    );
    slow.commit().await.unwrap();
    assert_eq!(
        halton_as04(&mut analyst, "2024-25 Q1").await,
        12.5,
        "the lower id committed later is seen on the next request"
    );
}

#[tokio::test]
async fn a_neighbour_change_with_the_same_counts_bumps_the_version() {
    let pool = database(Start::Seeded).await;
    let v0 = version::current(&pool).await.unwrap();
    let pairs: Vec<(String, String, Option<i16>)> = vec![
        (HALTON.into(), "E06000007".into(), None),
        (HALTON.into(), "E06000008".into(), None),
    ];
    scorecard::db::queries::areas::replace_neighbours(&pool, &pairs, "test")
        .await
        .unwrap();
    let v1 = version::current(&pool).await.unwrap();
    assert!(v1 > v0);
    let swapped: Vec<(String, String, Option<i16>)> = vec![
        (HALTON.into(), "E06000007".into(), None),
        (HALTON.into(), "E06000009".into(), None),
    ];
    scorecard::db::queries::areas::replace_neighbours(&pool, &swapped, "test")
        .await
        .unwrap();
    assert!(
        version::current(&pool).await.unwrap() > v1,
        "same number of members, different members: a new version"
    );
}

#[tokio::test]
async fn concurrent_requests_for_one_analysis_compute_it_once() {
    let (_, app, state) = seeded_app().await;
    let requests = (0..8).map(|_| {
        let app = app.clone();
        tokio::spawn(async move { get(&app, "/api/v1/headlines").await.0 })
    });
    for r in futures_join(requests).await {
        assert_eq!(r, axum::http::StatusCode::OK);
    }
    assert_eq!(state.cache.computations(), 1);
    // Another comparator of the same period shares the inputs but is its own analysis.
    let (status, _) = get(&app, "/api/v1/headlines?comparator=region").await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert_eq!(state.cache.computations(), 2);
    let (status, _) = get(&app, "/api/v1/headlines").await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert_eq!(state.cache.computations(), 2, "served from the cache");
}

async fn futures_join<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}

/// Liverpool's 2B1 and the period it is for, from the measure's JSON for the latest period
/// the public can see.
async fn liverpool_2b1(app: &axum::Router) -> (String, f64) {
    let (status, body) = get(app, "/api/v1/measures/2B1/values").await;
    assert_eq!(status, axum::http::StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let liverpool = json["councils"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "E08000012")
        .unwrap();
    (
        json["period"].as_str().unwrap().to_string(),
        liverpool["value"].as_f64().unwrap(),
    )
}

#[tokio::test]
async fn an_import_while_the_service_runs_is_seen_on_the_next_request() {
    let (pool, url) = common::database_named(Start::Reference).await;
    let (app, _) = app_and_state(pool);
    let import = |year: &'static str| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            let file = common::official_file(year);
            common::scorecard(&url, &["import", "--publish", file.to_str().unwrap()])
        })
    };
    let (ok, out) = import("2015-16").await.unwrap();
    assert!(ok, "{out}");
    let (period, first) = liverpool_2b1(&app).await;
    assert_eq!(period, "2015-16");
    assert_eq!(liverpool_2b1(&app).await, (period, first), "served again");
    let (ok, out) = import("2016-17").await.unwrap();
    assert!(ok, "{out}");
    assert_eq!(
        liverpool_2b1(&app).await,
        ("2016-17".to_string(), 75.6),
        "the imported year is the latest on the next request"
    );
}
