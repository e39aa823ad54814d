//! The service as a hostile client meets it: session cookies in odd spellings, HEAD, junk
//! query strings and cookies, parallel sign-ins, large and slow bodies, a council reading its
//! neighbours' drafts through benchmarks, errors and outages. Each test is named for what it
//! guarantees; each failed before the change that made it pass.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode};
use common::{Agent, Cast, Start, app_and_state, app_with, database, send, sign_in_request};
use scorecard::config::SiteConfig;
use scorecard::domain::Period;
use scorecard::domain::access::Role;
use sqlx::PgPool;

const HALTON: &str = "E06000006";
const WARRINGTON: &str = "E06000007";
const QUARTER: &str = "2017-18 Q1";
const QUARTER_URL: &str = "2017-18%20Q1";

fn get(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.body(Body::empty()).unwrap()
}

/// Imports an official year, publishing it or not.
async fn import(pool: &PgPool, year: &str, publish: bool) {
    let analysis = scorecard::ingest::import::analyse(
        pool,
        &common::official_name(year),
        &common::official_bytes(year),
        Default::default(),
    )
    .await
    .unwrap();
    scorecard::ingest::import::commit(pool, &analysis, "test")
        .await
        .unwrap();
    if publish {
        let start: i32 = year[..4].parse().unwrap();
        common::publish(pool, Period::year(start)).await;
    }
}

/// 2016-17 published, 2015-16 imported but not published.
async fn one_published_one_not() -> PgPool {
    let pool = database(Start::Reference).await;
    import(&pool, "2016-17", true).await;
    import(&pool, "2015-16", false).await;
    pool
}

/// The session id in an agent's cookie.
fn session_id(agent: &Agent) -> String {
    agent
        .cookie
        .as_deref()
        .unwrap()
        .strip_prefix("scorecard_session=")
        .unwrap()
        .to_string()
}

fn cache_control(headers: &axum::http::HeaderMap) -> String {
    headers
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_session_cookie_in_any_spelling_never_puts_a_signed_in_page_in_the_public_cache() {
    let pool = one_published_one_not().await;
    let (app, _) = app_and_state(pool.clone());
    let analyst = Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    let id = session_id(&analyst);
    let spellings: Vec<HeaderValue> = vec![
        HeaderValue::from_str(&format!("scorecard%5Fsession={id}")).unwrap(),
        HeaderValue::from_str(&format!("scorecard_session ={id}")).unwrap(),
        HeaderValue::from_bytes(format!("x=\u{e9}; scorecard_session={id}").as_bytes()).unwrap(),
        HeaderValue::from_str(&format!("scorecard_session={id}")).unwrap(),
    ];
    for uri in [
        "/?period=2015-16",
        "/measures/1C2A?period=2015-16",
        "/download/overview.csv?period=2015-16",
        "/api/v1/headlines?period=2015-16",
        "/",
        "/measures/1C2A",
    ] {
        for cookie in &spellings {
            let mut request = get(uri, &[]);
            request.headers_mut().insert("cookie", cookie.clone());
            let (status, headers, _) = send(&app, request).await;
            if status == StatusCode::OK {
                assert!(
                    !cache_control(&headers).contains("public"),
                    "{uri} with {cookie:?}: {}",
                    cache_control(&headers)
                );
            }
            // Whatever the signed-in request got, the public gets only what was published.
            let (status, headers, body) = send(&app, get(uri, &[])).await;
            let body = String::from_utf8_lossy(&body);
            assert!(
                !body.contains("analyst@example.org"),
                "{uri}: a signed-in page"
            );
            assert!(!body.contains(&analyst.csrf), "{uri}: a form token");
            if uri.contains("2015-16") {
                assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: unpublished");
            } else {
                assert_eq!(status, StatusCode::OK, "{uri}");
                assert!(cache_control(&headers).starts_with("public"), "{uri}");
            }
        }
    }
}

#[tokio::test]
async fn head_gets_the_headers_of_get_from_the_cache_or_not() {
    let pool = database(Start::Seeded).await;
    let (app, state) = app_and_state(pool);
    // A HEAD first: rendered, kept, and answered with the GET's validators.
    let head = Request::head("/measures/1C2A").body(Body::empty()).unwrap();
    let (status, head_headers, body) = send(&app, head).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_empty());
    assert!(cache_control(&head_headers).starts_with("public"));
    let (status, get_headers, body) = send(&app, get("/measures/1C2A", &[])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(head_headers["etag"], get_headers["etag"]);
    assert_eq!(
        head_headers["content-length"].to_str().unwrap(),
        body.len().to_string()
    );
    assert_eq!(state.pages.len(), 1, "one page kept for both");
    // A HEAD after the GET: the same again.
    let head = Request::head("/measures/1C2A").body(Body::empty()).unwrap();
    let (_, again, _) = send(&app, head).await;
    assert_eq!(again["etag"], get_headers["etag"]);
    assert_eq!(again["cache-control"], get_headers["cache-control"]);
}

#[tokio::test]
async fn junk_query_parameters_and_session_cookies_are_served_from_the_cache() {
    let pool = database(Start::Seeded).await;
    let (app, state) = app_and_state(pool);
    let (status, headers, _) = send(&app, get("/measures/1C2A", &[])).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers["etag"].clone();
    let unknown_id = tower_sessions::session::Id::default().to_string();
    let junk_cookie = format!("scorecard_session={unknown_id}");
    for (uri, cookie) in [
        ("/measures/1C2A?junk=1", None),
        ("/measures/1C2A?junk=2&period=&utm_source=x", None),
        ("/measures/1C2A?%6A%75%6E%6B=3", None),
        ("/measures/1C2A", Some("scorecard_session=garbage")),
        ("/measures/1C2A", Some(junk_cookie.as_str())),
        ("/measures/1C2A?x=1", Some("other=1; scorecard_session=%ZZ")),
    ] {
        let mut request = get(uri, &[]);
        if let Some(c) = cookie {
            request.headers_mut().insert("cookie", c.parse().unwrap());
        }
        let (status, headers, _) = send(&app, request).await;
        assert_eq!(status, StatusCode::OK, "{uri} {cookie:?}");
        assert_eq!(headers["etag"], etag, "{uri} {cookie:?}: the kept page");
        assert!(cache_control(&headers).starts_with("public"));
    }
    assert_eq!(state.pages.len(), 1, "no new entry for junk");
    // Known parameters in another order or spelling are the same page too.
    let (_, a, _) = send(&app, get("/?comparator=region&period=2022-23", &[])).await;
    let (_, b, _) = send(&app, get("/?period=2022%2D23&comparator=region&x=y", &[])).await;
    assert_eq!(a["etag"], b["etag"]);
    assert_eq!(state.pages.len(), 2);
}

#[tokio::test]
async fn signed_in_work_and_healthz_keep_connections_while_anonymous_renders_queue() {
    let pool = database(Start::Seeded).await;
    let (app, state) = app_and_state(pool.clone());
    let mut analyst =
        Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    let all = state.public_renders.available_permits();
    assert!(all < pool.options().get_max_connections() as usize);
    let held = state
        .public_renders
        .clone()
        .acquire_many_owned(u32::try_from(all).unwrap())
        .await
        .unwrap();
    let anonymous = tokio::spawn({
        let app = app.clone();
        async move { send(&app, get("/measures/2A1", &[])).await.0 }
    });
    let started = Instant::now();
    assert_eq!(send(&app, get("/healthz", &[])).await.0, StatusCode::OK);
    assert_eq!(analyst.get("/rounds").await.0, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(2));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !anonymous.is_finished(),
        "an anonymous render waits its turn"
    );
    drop(held);
    assert_eq!(anonymous.await.unwrap(), StatusCode::OK);
}

#[tokio::test]
async fn an_official_file_of_twelve_megabytes_uploads_through_the_form_with_its_token() {
    let pool = database(Start::Reference).await;
    let (app, _) = app_with(pool.clone(), SiteConfig::default());
    let mut analyst =
        Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    let bytes = common::official_bytes("2016-17");
    assert!(bytes.len() >= 10 * 1024 * 1024, "{} bytes", bytes.len());
    let (status, headers, body) = analyst
        .upload(
            "/submissions/check",
            &common::official_name("2016-17"),
            &bytes,
            &[],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        common::text(&scraper::Html::parse_document(&body), "main").unwrap_or_default()
    );
    assert_eq!(headers["cache-control"], "private, no-store");
    assert!(body.contains("Validation report"), "{body}");
    assert!(body.contains("id=\"commit\""), "no errors, ready to commit");
    let staged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'upload.stage'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(staged, 1, "the staged upload is audited");
}

/// A request body that counts the bytes anyone read from it.
fn counted_body(chunks: usize, read: Arc<AtomicUsize>) -> Body {
    let stream = futures_util::stream::iter((0..chunks).map(move |_| {
        read.fetch_add(1024 * 1024, Ordering::SeqCst);
        Ok::<_, std::io::Error>(vec![b'x'; 1024 * 1024])
    }));
    Body::from_stream(stream)
}

#[tokio::test]
async fn large_bodies_are_refused_before_a_byte_is_read() {
    let pool = database(Start::Seeded).await;
    let (app, _) = app_with(pool.clone(), SiteConfig::default());
    // Anonymous: no session, no token, nothing read, whatever the path.
    for (path, declared) in [
        ("/nowhere", true),
        ("/submissions/check", true),
        ("/login", false),
    ] {
        let read = Arc::new(AtomicUsize::new(0));
        let mut request =
            Request::post(path).header("content-type", "application/x-www-form-urlencoded");
        if declared {
            request = request.header("content-length", (60 * 1024 * 1024).to_string());
        }
        let request = request.body(counted_body(60, read.clone())).unwrap();
        let (status, headers, _) = send(&app, request).await;
        assert!(
            matches!(
                status,
                StatusCode::FORBIDDEN | StatusCode::PAYLOAD_TOO_LARGE
            ),
            "{path}: {status}"
        );
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(read.load(Ordering::SeqCst), 0, "{path}: nothing read");
    }
    // Signed in, to a form that is not an upload: a declared 60 MB is refused unread; an
    // undeclared one is read no further than the form limit.
    let mut analyst =
        Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    let read = Arc::new(AtomicUsize::new(0));
    let request = Request::post("/publication/2022-23/publish")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("content-length", (60 * 1024 * 1024).to_string())
        .body(counted_body(60, read.clone()))
        .unwrap();
    let (status, _, _) = analyst.send(request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(read.load(Ordering::SeqCst), 0);
    let read = Arc::new(AtomicUsize::new(0));
    let request = Request::post("/publication/2022-23/publish")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(counted_body(60, read.clone()))
        .unwrap();
    let (status, _, _) = analyst.send(request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        read.load(Ordering::SeqCst) <= 2 * 1024 * 1024,
        "stopped early"
    );
}

/// A council's return of AS04 for the quarter: `numerator` of 200.
fn council_return(council: &str, name: &str, numerator: u32) -> String {
    format!(
        "authority,authority name,measure,measure title,period,value,numerator,denominator,note\n\
         {council},{name},AS04,,{QUARTER},{:.1},{numerator},200,\n",
        f64::from(numerator) / 2.0
    )
}

/// Uploads, submits and (as the analyst) accepts a council's return: accepted, not published.
async fn accepted_return(c: &mut Cast, council: &str, name: &str, numerator: u32) {
    let file = council_return(council, name, numerator);
    let agent = if council == HALTON {
        &mut c.halton
    } else {
        &mut c.warrington
    };
    let (status, headers, body) = agent
        .upload(
            "/returns",
            "return.csv",
            file.as_bytes(),
            &[("period", QUARTER)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = headers["location"].to_str().unwrap().to_string();
    let (status, _, _) = agent.post_form(&format!("{location}/submit"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, body) = c
        .analyst
        .post_form(&format!("{location}/accept"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
}

#[tokio::test]
async fn a_council_sees_other_councils_only_as_published_even_through_benchmarks() {
    let pool = database(Start::Reference).await;
    import(&pool, "2016-17", true).await;
    let (app, _) = app_and_state(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let (status, _, body) = c
        .analyst
        .post_form("/rounds", &[("period", QUARTER), ("due", "2017-08-15")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    accepted_return(&mut c, HALTON, "Halton", 143).await;
    accepted_return(&mut c, WARRINGTON, "Warrington", 60).await;
    // The analyst's region benchmark is of both drafts: (143 + 60) / 400 = 50.75%.
    let uri =
        format!("/api/v1/authorities/{HALTON}/scorecard?period={QUARTER_URL}&comparator=region");
    let (status, body) = c.analyst.get(&uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let analyst: serde_json::Value = serde_json::from_str(&body).unwrap();
    let as04 = |v: &serde_json::Value| {
        v["measures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["measure"]["code"] == "AS04")
            .cloned()
            .unwrap()
    };
    let both = as04(&analyst)["benchmark_value"].as_f64().unwrap();
    assert!((both - 50.75).abs() < 0.1, "{both}");
    // Halton's user: its own draft, against a region of published values only.
    let (status, csv) = c
        .halton
        .get(&format!(
            "/download/authorities/{HALTON}.csv?period={QUARTER_URL}&comparator=region"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let row = csv
        .lines()
        .find(|l| l.starts_with("AS04,"))
        .unwrap_or_default();
    assert!(!row.is_empty(), "{}", &csv[..csv.len().min(2000)]);
    assert!(row.contains("71.5"), "Halton's own draft: {row}");
    assert!(!row.contains("50.8") && !row.contains("30.0"), "{row}");
    assert!(!csv.contains("Warrington"), "no other council's row");
    let (_, body) = c.halton.get(&uri).await;
    let halton: serde_json::Value = serde_json::from_str(&body).unwrap();
    let benchmark = &as04(&halton)["benchmark_value"];
    assert!(
        benchmark.is_null() || (benchmark.as_f64().unwrap() - 71.5).abs() < 0.1,
        "{benchmark}"
    );
}

#[tokio::test]
async fn a_reset_or_a_disable_ends_every_session_of_that_user() {
    let pool = database(Start::Seeded).await;
    let (app, _) = app_and_state(pool.clone());
    let mut first = Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    let mut second = Agent::public(&app);
    let (status, _, _) = second
        .post_form(
            "/login",
            &[
                ("email", "analyst@example.org"),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(first.get("/rounds").await.0, StatusCode::OK);
    assert_eq!(second.get("/rounds").await.0, StatusCode::OK);
    scorecard::accounts::reset(&pool, "analyst@example.org", "admin@example.org")
        .await
        .unwrap();
    for agent in [&mut first, &mut second] {
        let (status, _) = agent.get("/rounds").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "sent to sign in");
    }
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn whitespace_passwords_self_disable_and_the_last_admin_are_refused() {
    let pool = database(Start::Reference).await;
    let add = |email: &'static str, role: Role, password: String| {
        let pool = pool.clone();
        async move {
            scorecard::accounts::add_user(&pool, email, role, None, Some(password), "test").await
        }
    };
    let err = add("blank@example.org", Role::Analyst, " ".repeat(20))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not only spaces"), "{err}");
    add("one@example.org", Role::Admin, common::PASSWORD.into())
        .await
        .unwrap();
    add("two@example.org", Role::Admin, common::PASSWORD.into())
        .await
        .unwrap();
    let err = scorecard::accounts::set_disabled(&pool, "one@example.org", true, "one@example.org")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("your own account"), "{err}");
    scorecard::accounts::set_disabled(&pool, "two@example.org", true, "one@example.org")
        .await
        .unwrap();
    let err = scorecard::accounts::set_disabled(&pool, "one@example.org", true, "command line")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("last admin"), "{err}");
    // Over HTTP, an admin disabling themselves is told why and stays in.
    let (app, _) = app_and_state(pool.clone());
    let mut one = Agent::public(&app);
    let (status, _, _) = one
        .post_form(
            "/login",
            &[("email", "one@example.org"), ("password", common::PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(one.get("/admin/users").await.0, StatusCode::OK);
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'one@example.org'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, _, body) = one
        .post_form(&format!("/admin/users/{id}/disable"), &[])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("your own account"), "{body}");
    assert_eq!(one.get("/admin/users").await.0, StatusCode::OK);
}

#[tokio::test]
async fn showing_the_sign_in_page_stores_nothing() {
    let pool = database(Start::Seeded).await;
    let (app, _) = app_and_state(pool.clone());
    for _ in 0..50 {
        let (status, _, _) = send(&app, get("/login", &[])).await;
        assert_eq!(status, StatusCode::OK);
    }
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    // A forged sign-in (no cookie, or a token that is not the cookie's) is refused.
    let request = sign_in_request(&app, "someone@example.org", "whatever password").await;
    let (parts, body) = request.into_parts();
    let mut forged = Request::from_parts(parts, body);
    forged.headers_mut().remove("cookie");
    assert_eq!(send(&app, forged).await.0, StatusCode::FORBIDDEN);
    let mut request = sign_in_request(&app, "someone@example.org", "whatever password").await;
    request.headers_mut().insert(
        "cookie",
        format!("scorecard_form={}", "a".repeat(64))
            .parse()
            .unwrap(),
    );
    assert_eq!(send(&app, request).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_councils_draft_changes_neither_public_validators_nor_the_public_cache() {
    let pool = database(Start::Reference).await;
    import(&pool, "2016-17", true).await;
    let (app, state) = app_and_state(pool.clone());
    let (_, before, _) = send(&app, get("/measures/1C2A", &[])).await;
    let (_, overview, _) = send(&app, get("/", &[])).await;
    assert_eq!(state.pages.len(), 2);
    let mut c = Cast::signed_in(&app, &pool).await;
    let (status, _, _) = c
        .analyst
        .post_form("/rounds", &[("period", QUARTER), ("due", "2017-08-15")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    accepted_return(&mut c, HALTON, "Halton", 143).await;
    let (_, after, _) = send(&app, get("/measures/1C2A", &[])).await;
    assert_eq!(before["etag"], after["etag"]);
    assert_eq!(state.pages.len(), 2, "the public cache was kept");
    // Publishing the quarter is news to the public.
    common::publish(&pool, QUARTER.parse().unwrap()).await;
    state.version.forget();
    let (_, now, _) = send(&app, get("/", &[])).await;
    assert_ne!(overview["etag"], now["etag"]);
}

#[tokio::test]
async fn a_parameter_given_twice_is_the_documented_400_and_errors_are_never_stored() {
    let pool = database(Start::Seeded).await;
    let (app, _) = app_and_state(pool);
    let (status, headers, body) = send(&app, get("/api/v1/headlines?period=a&period=b", &[])).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(headers["cache-control"], "no-store");
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"]["status"], 400);
    assert_eq!(json["error"]["parameter"], "period");
    let (status, headers, body) = send(&app, get("/measures/1C2A?period=a&period=b", &[])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(headers["cache-control"], "no-store");
    let html = scraper::Html::parse_document(&String::from_utf8(body).unwrap());
    assert_eq!(
        common::text(&html, "h1").as_deref(),
        Some("There is a problem with the address")
    );
    let (status, headers, _) = send(&app, get("/nowhere", &[])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["cache-control"], "no-store");
}

#[tokio::test]
async fn during_an_outage_signed_in_pages_are_503_and_kept_public_pages_are_served_stale() {
    use scorecard::db::embedded::{Cluster, ClusterOptions};
    let dir = std::env::temp_dir().join(format!("scorecard-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let start = |dir: std::path::PathBuf| {
        tokio::task::spawn_blocking(move || {
            Cluster::start(&dir, ClusterOptions { ephemeral: true })
        })
    };
    let cluster = start(dir.clone()).await.unwrap().unwrap();
    let pool = scorecard::db::pool(cluster.connect_options("postgres"))
        .await
        .unwrap();
    scorecard::db::MIGRATOR.run(&pool).await.unwrap();
    scorecard::seed::reference::ensure(&pool).await.unwrap();
    scorecard::seed::load(&pool).await.unwrap();
    let (app, _) = app_and_state(pool.clone());
    let mut analyst =
        Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    let (status, kept, page) = send(&app, get("/measures/1C2A", &[])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(cache_control(&kept).contains("stale-if-error"));
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .unwrap();
    let (status, headers, _) = analyst.send(get("/rounds", &[])).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(headers.contains_key("retry-after"));
    assert_eq!(headers["cache-control"], "no-store");
    let (status, headers, body) = send(&app, get("/measures/1C2A", &[])).await;
    assert_eq!(status, StatusCode::OK, "served stale");
    assert_eq!(headers["etag"], kept["etag"]);
    assert_eq!(body, page);
    assert_eq!(
        send(&app, get("/measures/2A1", &[])).await.0,
        StatusCode::SERVICE_UNAVAILABLE,
        "never rendered: nothing to serve"
    );
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn sign_outs_are_in_the_audit_log() {
    let pool = database(Start::Seeded).await;
    let (app, _) = app_and_state(pool.clone());
    let mut analyst =
        Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    let (status, _, _) = analyst.post_form("/logout", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let actor: String = sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'sign_out'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(actor, "analyst@example.org");
}

/// The service on a real socket, with the listener's limits.
async fn listening(
    pool: PgPool,
    limits: scorecard::web::listener::Limits,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let (app, _) = app_and_state(pool);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(scorecard::web::listener::serve(
        listener,
        app,
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    (address, stop)
}

/// One GET over a fresh connection: the status line, and how long it took.
async fn timed_get(address: SocketAddr, path: &str) -> (String, Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let started = Instant::now();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut response)).await;
    let text = String::from_utf8_lossy(&response);
    (
        text.lines().next().unwrap_or_default().to_string(),
        started.elapsed(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_at_once_while_slow_clients_hold_hundreds_of_connections() {
    use tokio::io::AsyncWriteExt;
    let pool = database(Start::Seeded).await;
    let limits = scorecard::web::listener::Limits {
        max_connections: 2000,
        header_timeout: Duration::from_secs(30),
    };
    let (address, _stop) = listening(pool, limits).await;
    let mut slow = Vec::new();
    for _ in 0..530 {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream
            .write_all(
                b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nc",
            )
            .await
            .unwrap();
        slow.push(stream);
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        let (status, took) = timed_get(address, "/healthz").await;
        assert!(status.contains("200"), "{status}");
        times.push(took);
    }
    times.sort();
    assert!(times[2] < Duration::from_millis(500), "{times:?}");
    drop(slow);
}

#[tokio::test]
async fn connections_are_capped_and_a_silent_one_is_closed_after_the_header_timeout() {
    use tokio::io::AsyncReadExt;
    let pool = database(Start::Seeded).await;
    let limits = scorecard::web::listener::Limits {
        max_connections: 4,
        header_timeout: Duration::from_secs(1),
    };
    let (address, _stop) = listening(pool, limits).await;
    let mut silent = Vec::new();
    for _ in 0..4 {
        silent.push(tokio::net::TcpStream::connect(address).await.unwrap());
    }
    // A fifth waits for a place: the four silent ones are closed after a second.
    let (status, took) = timed_get(address, "/healthz").await;
    assert!(status.contains("200"), "{status}");
    assert!(
        took >= Duration::from_millis(800),
        "waited for a place: {took:?}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    for mut s in silent {
        let mut rest = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut rest)).await;
        assert!(
            closed.is_ok(),
            "a silent connection is closed by the server"
        );
    }
}
