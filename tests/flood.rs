//! Sign-in floods, as a hostile client sends them: parallel wrong passwords for one account and
//! from one address, and a hundred sign-ins at once. They share the process's password hashing
//! threads with every other sign-in, so they live in a test binary of their own and run one at a
//! time.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::{Start, app_with, database, send, sign_in_request};
use scorecard::config::SiteConfig;
use scorecard::domain::access::Role;

/// The floods run one after the other: each fills the hashing queue on purpose.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// An agent whose requests come from `address` through the trusted proxy 127.0.0.1.
fn through_proxy(mut request: Request<Body>, address: &str) -> Request<Body> {
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    request
        .headers_mut()
        .insert("x-forwarded-for", address.parse().unwrap());
    request
}

fn proxied_site() -> SiteConfig {
    SiteConfig {
        trusted_proxies: vec![IpAddr::from([127, 0, 0, 1])],
        ..SiteConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_are_checked_five_times_per_account_and_twenty_per_address() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let pool = database(Start::Reference).await;
    let (app, _) = app_with(pool.clone(), proxied_site());
    scorecard::accounts::add_user(
        &pool,
        "target@example.org",
        Role::Analyst,
        None,
        Some(common::PASSWORD.into()),
        "test",
    )
    .await
    .unwrap();
    // Thirty at once for one account, each from its own address.
    let mut requests = Vec::new();
    for i in 0..30 {
        requests.push(through_proxy(
            sign_in_request(&app, "target@example.org", "wrong password here").await,
            &format!("198.51.100.{}", i + 1),
        ));
    }
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|request| {
            let app = app.clone();
            tokio::spawn(async move { send(&app, request).await.0 })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked, 5, "{statuses:?}");
    assert_eq!(throttled, 25, "{statuses:?}");
    // Now even the right password waits.
    let request = through_proxy(
        sign_in_request(&app, "target@example.org", common::PASSWORD).await,
        "198.51.100.99",
    );
    assert_eq!(send(&app, request).await.0, StatusCode::TOO_MANY_REQUESTS);
    // Thirty at once from one address, each for another account.
    let mut requests = Vec::new();
    for i in 0..30 {
        requests.push(through_proxy(
            sign_in_request(
                &app,
                &format!("nobody{i}@example.org"),
                "wrong password here",
            )
            .await,
            "203.0.113.7",
        ));
    }
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|request| {
            let app = app.clone();
            tokio::spawn(async move { send(&app, request).await.0 })
        })
        .collect();
    let mut checked = 0;
    for t in tasks {
        let status = t.await.unwrap();
        assert!(
            matches!(
                status,
                StatusCode::UNAUTHORIZED
                    | StatusCode::TOO_MANY_REQUESTS
                    | StatusCode::SERVICE_UNAVAILABLE
            ),
            "{status}"
        );
        checked += usize::from(status == StatusCode::UNAUTHORIZED);
    }
    assert!(checked <= 20, "{checked} checked from one address");
    let failures: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'sign_in.failed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        failures,
        5 + i64::try_from(checked).unwrap(),
        "each failure is audited"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_sign_ins_is_answered_busy_with_retry_after_not_queued_without_end() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let pool = database(Start::Reference).await;
    let (app, _) = app_with(pool.clone(), proxied_site());
    let mut requests = Vec::new();
    for i in 0..100 {
        requests.push(through_proxy(
            sign_in_request(
                &app,
                &format!("unknown{i}@example.org"),
                "any password at all",
            )
            .await,
            &format!("192.0.2.{}", i + 1),
        ));
    }
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|request| {
            let app = app.clone();
            tokio::spawn(async move { send(&app, request).await })
        })
        .collect();
    let mut busy = 0;
    for t in tasks {
        let (status, headers, _) = t.await.unwrap();
        match status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert!(headers.contains_key("retry-after"));
                assert_eq!(headers["cache-control"], "no-store");
            }
            other => panic!("{other}"),
        }
    }
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let capacity = cores * (scorecard::accounts::password::QUEUE_PER_CORE + 1);
    if capacity < 100 {
        assert!(busy > 0, "past {capacity} waiting, sign-ins are refused");
    }
    // The attempts refused as busy were never checked, so they do not count against anyone.
    let counted: i64 = sqlx::query_scalar("SELECT count(*) FROM sign_in_failures")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(counted, 100 - busy);
}
