//! Running the service for years: public responses cached with validators, two instances
//! sharing sessions and invalidating each other's caches, a database outage answered at once
//! and recovered from, an import killed half-way leaving nothing behind, and a graceful stop.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Agent, Start, app_and_state, database, database_named, send};
use scorecard::db::embedded::{Cluster, ClusterOptions};
use scorecard::domain::access::Role;

fn get_with(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn public_responses_are_kept_with_validators_and_signed_in_ones_are_private() {
    let pool = database(Start::Seeded).await;
    let (app, state) = app_and_state(pool.clone());
    let (status, headers, plain) = send(&app, get_with("/", &[])).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers["etag"].to_str().unwrap().to_string();
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public")
    );
    assert!(headers.contains_key("last-modified"));
    assert_eq!(state.pages.len(), 1, "kept");
    let (status, _, body) = send(&app, get_with("/", &[("if-none-match", &etag)])).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    for (encoding, decode) in [
        (
            "br",
            Box::new(|b: &[u8]| {
                let mut out = Vec::new();
                brotli::BrotliDecompress(&mut std::io::Cursor::new(b), &mut out).unwrap();
                out
            }) as Box<dyn Fn(&[u8]) -> Vec<u8>>,
        ),
        (
            "gzip",
            Box::new(|b: &[u8]| {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(b)
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }),
        ),
    ] {
        let (_, headers, body) = send(&app, get_with("/", &[("accept-encoding", encoding)])).await;
        assert_eq!(headers["content-encoding"], encoding);
        assert_eq!(headers["etag"].to_str().unwrap(), etag);
        assert_eq!(decode(&body), plain, "{encoding} decodes to the same page");
    }
    // A signed-in analyst gets a private page (it may hold unpublished values), revalidated
    // each time with a validator of its own: 304 when nothing changed, private too.
    let mut analyst =
        Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    let (_, headers, body) = analyst.send(get_with("/", &[])).await;
    assert_eq!(headers["cache-control"], "private, no-cache");
    assert!(body.contains("Signed in as analyst@example.org"));
    let mine = headers["etag"].to_str().unwrap().to_string();
    assert_ne!(mine, etag, "never the public page's validator");
    let (status, headers, body) = analyst
        .send(get_with("/", &[("if-none-match", &mine)]))
        .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(headers["cache-control"], "private, no-cache");
    assert!(body.is_empty());
    // A publication is a new data version: a new page, a new validator, for both.
    let (status, _, _) = analyst
        .post_form("/publication/2022-23/withdraw", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, headers, _) = send(&app, get_with("/", &[("if-none-match", &etag)])).await;
    assert_ne!(headers["etag"].to_str().unwrap(), etag);
    let (status, headers, _) = analyst
        .send(get_with("/", &[("if-none-match", &mine)]))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the analyst's page is fresh after the write"
    );
    assert_ne!(headers["etag"].to_str().unwrap(), mine);
}

#[tokio::test]
async fn two_instances_share_sessions_and_hear_each_others_publications() {
    let pool = database(Start::Seeded).await;
    let (a, a_state) = app_and_state(pool.clone());
    let (b, b_state) = app_and_state(pool.clone());
    for state in [&a_state, &b_state] {
        let (version, pool) = (state.version.clone(), pool.clone());
        tokio::spawn(async move { version.follow(pool).await });
    }
    let mut analyst = Agent::signed_in(&a, &pool, "analyst@example.org", Role::Analyst, None).await;
    let period = "/measures/1C2A?period=2022-23";
    assert_eq!(send(&b, get_with(period, &[])).await.0, StatusCode::OK);
    assert_eq!(
        send(&b, get_with(period, &[])).await.0,
        StatusCode::OK,
        "kept by B"
    );
    // Instance B knows the session made on A.
    analyst.app = b.clone();
    let (status, page) = analyst.get("/publication").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Signed in as analyst@example.org"));
    // Withdrawn through A; B hears it and stops serving the period.
    analyst.app = a.clone();
    let (status, _, _) = analyst
        .post_form("/publication/2022-23/withdraw", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let started = Instant::now();
    loop {
        let status = send(&b, get_with(period, &[])).await.0;
        if status == StatusCode::NOT_FOUND {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "B still serves a withdrawn period"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_database_outage_answers_503_at_once_and_the_service_recovers() {
    let dir = std::env::temp_dir().join(format!("scorecard-outage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let start = |dir: std::path::PathBuf| {
        tokio::task::spawn_blocking(move || {
            Cluster::start(&dir, ClusterOptions { ephemeral: true })
        })
    };
    let cluster = start(dir.clone()).await.unwrap().unwrap();
    let options = cluster.connect_options("postgres");
    let pool = scorecard::db::pool(options).await.unwrap();
    scorecard::db::MIGRATOR.run(&pool).await.unwrap();
    let (app, _) = app_and_state(pool.clone());
    assert_eq!(
        send(&app, get_with("/healthz", &[])).await.0,
        StatusCode::OK
    );
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .unwrap();
    for uri in ["/healthz", "/", "/api/v1/headlines"] {
        let started = Instant::now();
        let status = send(&app, get_with(uri, &[])).await.0;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{uri}");
        assert!(started.elapsed() < Duration::from_secs(3), "{uri}: at once");
    }
    let cluster = start(dir.clone()).await.unwrap().unwrap();
    let started = Instant::now();
    while send(&app, get_with("/healthz", &[])).await.0 != StatusCode::OK {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "recovers by itself"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    pool.close().await;
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_import_killed_half_way_leaves_nothing_half_done() {
    let (pool, url) = database_named(Start::Reference).await;
    let file = common::official_file("2016-17");
    let count = || async {
        let submissions: i64 = sqlx::query_scalar("SELECT count(*) FROM submissions")
            .fetch_one(&pool)
            .await
            .unwrap();
        let values: i64 = sqlx::query_scalar("SELECT count(*) FROM observations")
            .fetch_one(&pool)
            .await
            .unwrap();
        (submissions, values)
    };
    // Killed at several moments: before, during and perhaps after its commit.
    let mut after_kills = Vec::new();
    for delay in [200, 500, 900] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scorecard"))
            .args(["import", file.to_str().unwrap()])
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(delay)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        after_kills.push(count().await);
    }
    let (ok, out) = common::scorecard(&url, &["import", file.to_str().unwrap()]);
    assert!(ok, "the next import is clean: {out}");
    let (submissions, values) = count().await;
    assert_eq!(submissions, 1, "one submission, whatever happened before");
    assert!(values > 4_000, "every Total value of the file: {values}");
    for state in after_kills {
        assert!(
            state == (0, 0) || state == (1, values),
            "none or all of the file after a kill: {state:?}"
        );
    }
}

#[test]
fn the_service_stops_gracefully_finishing_what_it_started() {
    let data = std::env::temp_dir().join(format!("scorecard-stop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let port = 20_000 + (std::process::id() % 20_000) as u16;
    let mut server = Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .env("SCORECARD_DATA_DIR", &data)
        .env("SCORECARD_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let request = move |path: &str| -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .ok()?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).ok()?;
        Some(answer)
    };
    let started = Instant::now();
    while !request("/healthz").is_some_and(|a| a.starts_with("HTTP/1.1 200")) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the service starts"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // A request in flight when the stop comes still gets its answer.
    let in_flight = std::thread::spawn(move || {
        request("/regional-account?period=2022-23&comparator=neighbours")
    });
    std::thread::sleep(Duration::from_millis(50));
    let pid = server.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let answer = in_flight.join().unwrap().unwrap_or_default();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{}",
        answer.lines().next().unwrap_or("no answer")
    );
    let status = server.wait().unwrap();
    assert!(status.success(), "a clean exit: {status}");
    assert!(
        !data.join("postgres/postmaster.pid").exists(),
        "the embedded cluster stopped"
    );
    assert!(request("/healthz").is_none(), "new connections are refused");
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn a_restored_backup_serves_byte_identical_pages() {
    let (pool, url) = database_named(Start::Seeded).await;
    let file = std::env::temp_dir().join(format!("scorecard-backup-{}.dump", std::process::id()));
    let (ok, out) = common::scorecard(&url, &["backup", file.to_str().unwrap()]);
    assert!(ok, "{out}");
    let pages = [
        "/",
        "/authorities/E06000006?period=2022-23",
        "/measures/1C2A?period=2022-23",
        "/api/v1/headlines?period=2022-23",
        "/download/overview.csv?period=2022-23",
    ];
    let (app, _) = app_and_state(pool.clone());
    let mut before = Vec::new();
    for page in pages {
        let (status, _, body) = send(&app, get_with(page, &[])).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        before.push(body);
    }
    let (restored, restored_url) = database_named(Start::Empty).await;
    let (ok, out) = common::scorecard(&restored_url, &["restore", file.to_str().unwrap()]);
    assert!(ok, "{out}");
    let restores: Vec<String> =
        sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'restore'")
            .fetch_all(&restored)
            .await
            .unwrap();
    assert_eq!(
        restores.len(),
        1,
        "the restore is audited once: {restores:?}"
    );
    let (app, _) = app_and_state(restored.clone());
    for (page, was) in pages.iter().zip(before) {
        let (status, _, body) = send(&app, get_with(page, &[])).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(body == was, "{page} differs after the restore");
    }
    let _ = std::fs::remove_file(&file);
}

#[tokio::test]
async fn public_reads_come_from_a_streaming_replica_while_the_primary_is_away() {
    let root = std::env::temp_dir().join(format!("scorecard-replica-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let (primary_dir, standby_dir) = (root.join("primary"), root.join("standby"));
    let primary = tokio::task::spawn_blocking({
        let dir = primary_dir.clone();
        move || Cluster::start(&dir, ClusterOptions::default())
    })
    .await
    .unwrap()
    .unwrap();
    let pool = scorecard::db::pool(primary.connect_options("postgres"))
        .await
        .unwrap();
    scorecard::db::MIGRATOR.run(&pool).await.unwrap();
    scorecard::seed::load(&pool).await.unwrap();
    // A real replica: pg_basebackup from the primary, started as a hot standby.
    let standby = tokio::task::spawn_blocking({
        let dir = standby_dir.clone();
        move || {
            primary.base_backup(&dir)?;
            Cluster::start(&dir, ClusterOptions::default()).map(|s| (primary, s))
        }
    })
    .await
    .unwrap()
    .unwrap();
    let (primary, standby) = standby;
    let replica = scorecard::db::pool(standby.connect_options("postgres"))
        .await
        .unwrap();
    let in_recovery: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
        .fetch_one(&replica)
        .await
        .unwrap();
    assert!(in_recovery, "the replica is a standby");
    let site = scorecard::config::SiteConfig {
        region: "north-west".into(),
        max_upload_bytes: 1024 * 1024,
        public_url: None,
        trusted_proxies: Vec::new(),
    };
    let state = scorecard::web::AppState::new(pool.clone(), site).with_replica(replica.clone());
    let app = scorecard::web::router(state);
    let (status, _, with_primary) =
        send(&app, get_with("/measures/1C2A?period=2022-23", &[])).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&with_primary)
    );
    // The primary goes away: public pages are still served, from the replica.
    pool.close().await;
    tokio::task::spawn_blocking(move || primary.stop())
        .await
        .unwrap()
        .unwrap();
    for page in [
        "/measures/1C2A?period=2022-23",
        "/",
        "/authorities/E06000006",
        "/api/v1/headlines",
    ] {
        let (status, _, body) = send(&app, get_with(page, &[])).await;
        assert_eq!(status, StatusCode::OK, "{page} from the replica");
        if page.starts_with("/measures") {
            assert_eq!(body, with_primary, "the same page");
        }
    }
    assert_eq!(
        send(&app, get_with("/healthz", &[])).await.0,
        StatusCode::SERVICE_UNAVAILABLE,
        "health is the primary's"
    );
    replica.close().await;
    tokio::task::spawn_blocking(move || standby.stop())
        .await
        .unwrap()
        .unwrap();
    let _ = std::fs::remove_dir_all(&root);
}
