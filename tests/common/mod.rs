//! The test harness: one private PostgreSQL per test binary (or the server named by
//! `DATABASE_URL`), and a fresh database per test cloned from a migrated (optionally seeded)
//! template, so that tests run in parallel and never see each other's data.

#![allow(dead_code, reason = "each test binary uses part of the shared harness")]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use scorecard::config::SiteConfig;
use scorecard::db::embedded::{Cluster, ClusterOptions, find_binaries};
use scorecard::web::{AppState, router};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool};
use tower::ServiceExt;

/// The server every test of this binary uses.
struct Server {
    options: PgConnectOptions,
    _cluster: Option<Cluster>,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static TEMPLATES: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
static NEXT: AtomicUsize = AtomicUsize::new(0);

const EMPTY: &str = "scorecard_test_empty";
const REFERENCE: &str = "scorecard_test_reference";
const SEEDED: &str = "scorecard_test_seeded";

#[path = "../fixtures/official.rs"]
pub(crate) mod official;
pub(crate) use official::{official_bytes, official_name};

/// The official file for a year written out under its published name, for the command line:
/// once, in cargo's scratch directory for tests (never a new copy per test process: those
/// filled /tmp), written whole under a temporary name and renamed into place.
pub(crate) fn official_file(year: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("official-fixtures");
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let path = dir.join(official_name(year));
    if !path.exists() {
        let partial = dir.join(format!(
            "{}.{}.partial",
            official_name(year),
            std::process::id()
        ));
        std::fs::write(&partial, official_bytes(year)).expect("the fixture is written");
        std::fs::rename(&partial, &path).expect("the fixture is in place");
    }
    path
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| match std::env::var("DATABASE_URL") {
        Ok(url) => Server {
            options: url.parse().expect("DATABASE_URL is a PostgreSQL URL"),
            _cluster: None,
        },
        Err(_) => {
            let dir = std::env::temp_dir().join(format!("scorecard-test-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let cluster = Cluster::start(&dir, ClusterOptions { ephemeral: true })
                .expect("the embedded test cluster starts");
            stop_when_this_process_exits(cluster.data_dir().to_path_buf());
            Server {
                options: cluster.connect_options("postgres"),
                _cluster: Some(cluster),
            }
        }
    })
}

/// Statics are never dropped, so a watcher stops the cluster and removes its files once this
/// test process has gone.
fn stop_when_this_process_exits(dir: PathBuf) {
    use std::os::unix::process::CommandExt;
    let bin = find_binaries().expect("PostgreSQL binaries");
    let script = format!(
        "while [ -d /proc/{pid} ]; do sleep 0.2; done; '{pg_ctl}' -D '{dir}' stop -m immediate >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        dir = dir.display(),
    );
    let mut command = Command::new("sh");
    command
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if nix::unistd::geteuid().is_root() {
        let user = nix::unistd::User::from_name("postgres")
            .ok()
            .flatten()
            .expect("postgres user");
        command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    // Deliberately not waited for: it must outlive this process.
    #[expect(
        clippy::zombie_processes,
        reason = "the server child is killed and waited for when the harness drops"
    )]
    command.spawn().expect("the cluster watcher starts");
}

async fn admin() -> PgConnection {
    PgConnection::connect_with(&server().options.clone().database("postgres"))
        .await
        .expect("connect to the test server")
}

async fn prepare_templates() {
    let mut conn = admin().await;
    for name in [EMPTY, REFERENCE, SEEDED] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await
        .expect("drop old template");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create template");
        let pool = PgPool::connect_with(server().options.clone().database(name))
            .await
            .expect("connect template");
        scorecard::db::MIGRATOR
            .run(&pool)
            .await
            .expect("migrate template");
        if name == REFERENCE {
            scorecard::seed::reference::ensure(&pool)
                .await
                .expect("the shipped reference loads");
        }
        if name == SEEDED {
            scorecard::seed::load(&pool).await.expect("seed template");
        }
        pool.close().await;
    }
}

/// Which template a test's database starts from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Start {
    /// Migrated, no data.
    Empty,
    /// Migrated, with the shipped England reference and measure catalogue, and nothing else:
    /// a fresh install that does not load the illustrative set.
    Reference,
    /// Migrated and loaded with the reference and the illustrative seed data.
    Seeded,
}

/// A fresh database of its own for one test.
pub(crate) async fn database(start: Start) -> PgPool {
    database_named(start).await.0
}

/// A fresh database, with a URL for running the command-line program against it.
pub(crate) async fn database_named(start: Start) -> (PgPool, String) {
    TEMPLATES.get_or_init(prepare_templates).await;
    let template = match start {
        Start::Empty => EMPTY,
        Start::Reference => REFERENCE,
        Start::Seeded => SEEDED,
    };
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = admin().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY"
    )))
    .execute(&mut conn)
    .await
    .expect("clone the template");
    let pool = PgPool::connect_with(server().options.clone().database(&name))
        .await
        .expect("connect to the test database");
    (pool, url(&name))
}

fn url(database: &str) -> String {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        let (base, query) = url
            .split_once('?')
            .map_or((url.as_str(), ""), |(b, q)| (b, q));
        let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        return format!("{base}/{database}{query}");
    }
    let socket = server()
        .options
        .get_socket()
        .expect("the embedded cluster listens on a socket");
    format!(
        "postgres://{}@localhost/{database}?host={}",
        scorecard::db::embedded::SUPERUSER,
        socket.display()
    )
}

/// Runs the scorecard binary against the database at `url`: success, and stdout and stderr.
pub(crate) fn scorecard(url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the scorecard binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The real router over a test database, focused on the North West.
pub(crate) fn app(pool: PgPool) -> Router {
    app_and_state(pool).0
}

/// The router and its state, for tests that look inside (the cache).
pub(crate) fn app_and_state(pool: PgPool) -> (Router, AppState) {
    app_with(
        pool,
        SiteConfig {
            max_upload_bytes: 1024 * 1024,
            ..SiteConfig::default()
        },
    )
}

/// The router and its state with a configuration of the test's own.
pub(crate) fn app_with(pool: PgPool, site: SiteConfig) -> (Router, AppState) {
    let state = AppState::new(pool, site);
    (router(state.clone()), state)
}

/// GETs `uri` through the router: status and body as text.
pub(crate) async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
    let (status, _, bytes) =
        send(app, Request::get(uri).body(Body::empty()).expect("request")).await;
    (status, String::from_utf8(bytes).expect("UTF-8 body"))
}

/// Text of the first element matching `selector`, whitespace collapsed.
pub(crate) fn text(html: &scraper::Html, selector: &str) -> Option<String> {
    let sel = scraper::Selector::parse(selector).expect("valid selector");
    html.select(&sel)
        .next()
        .map(|e| collapse(&e.text().collect::<String>()))
}

/// Texts of every element matching `selector`.
pub(crate) fn texts(html: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("valid selector");
    html.select(&sel)
        .map(|e| collapse(&e.text().collect::<String>()))
        .collect()
}

pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sends `request` through the router: status, headers and body as text.
pub(crate) async fn send(
    app: &Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, headers, bytes.to_vec())
}

/// A multipart/form-data POST with one file field (and optional text fields).
pub(crate) fn upload(
    uri: &str,
    filename: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
) -> Request<Body> {
    let boundary = "scorecard-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(uri)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .expect("request")
}

/// Every value of the illustrative data set, as the seed generates it.
#[allow(dead_code, reason = "each test binary uses part of the shared harness")]
pub(crate) fn seed_values() -> Vec<scorecard::domain::NewObservation> {
    let catalogue = scorecard::seed::catalogue::SeedCatalogue::load().expect("seed catalogue");
    let region = catalogue
        .areas
        .iter()
        .find(|a| a.level == "region")
        .expect("a region")
        .clone();
    scorecard::seed::generate::observations(&catalogue, &region)
}

/// The measures the seed gives `area` a number for in some period up to `as_at`.
#[allow(dead_code, reason = "each test binary uses part of the shared harness")]
pub(crate) fn seeded_measures(
    area: &str,
    as_at: scorecard::domain::Period,
) -> std::collections::BTreeSet<String> {
    seed_values()
        .into_iter()
        .filter(|o| {
            o.area_code == area && o.value.is_some() && o.period.sort_key() <= as_at.sort_key()
        })
        .map(|o| o.measure_code)
        .collect()
}

/// The password of every test user.
#[allow(dead_code, reason = "each test binary uses part of the shared harness")]
pub(crate) const PASSWORD: &str = "correct horse battery staple";

/// A browser's side of the conversation: its session cookie and the form token of the last
/// page it saw.
#[allow(dead_code, reason = "each test binary uses part of the shared harness")]
pub(crate) struct Agent {
    pub app: Router,
    pub cookie: Option<String>,
    /// The sign-in forms' token cookie (set by /login before any session exists).
    pub form_cookie: Option<String>,
    pub csrf: String,
}

#[allow(dead_code, reason = "each test binary uses part of the shared harness")]
impl Agent {
    /// Someone who has not signed in.
    pub(crate) fn public(app: &Router) -> Agent {
        Agent {
            app: app.clone(),
            cookie: None,
            form_cookie: None,
            csrf: String::new(),
        }
    }

    /// A new user of `role` (with `council` for a council user), signed in through /login.
    pub(crate) async fn signed_in(
        app: &Router,
        pool: &PgPool,
        email: &str,
        role: scorecard::domain::access::Role,
        council: Option<&str>,
    ) -> Agent {
        scorecard::accounts::add_user(pool, email, role, council, Some(PASSWORD.into()), "test")
            .await
            .expect("add the user");
        let mut agent = Agent::public(app);
        let (status, _, body) = agent
            .post_form("/login", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "signed in: {body}");
        // A page with the signed-in header carries the session's form token (the overview is
        // a plain error page while nothing is published).
        let sign_in_token = agent.csrf.clone();
        for uri in ["/", "/whats-new"] {
            agent.get(uri).await;
            if agent.csrf != sign_in_token {
                break;
            }
        }
        assert_ne!(
            agent.csrf, sign_in_token,
            "a signed-in page carries the session's form token"
        );
        agent
    }

    fn absorb(&mut self, headers: &axum::http::HeaderMap, body: &str) {
        for value in headers.get_all("set-cookie") {
            let Ok(text) = value.to_str() else { continue };
            let pair = text.split(';').next().unwrap_or_default();
            if pair.starts_with("scorecard_session=") {
                self.cookie = if text.contains("Max-Age=0") {
                    None
                } else {
                    Some(pair.to_string())
                };
            }
            if pair.starts_with("scorecard_form=") {
                self.form_cookie = Some(pair.to_string());
            }
        }
        let html = scraper::Html::parse_document(body);
        let sel = scraper::Selector::parse("input[name=csrf]").expect("selector");
        if let Some(token) = html
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
        {
            self.csrf = token.to_string();
        }
    }

    /// Sends a request with the agent's cookie, and keeps what the response sets.
    pub(crate) async fn send(
        &mut self,
        mut request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let cookies: Vec<&str> = [&self.cookie, &self.form_cookie]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if !cookies.is_empty() && !request.headers().contains_key("cookie") {
            request
                .headers_mut()
                .insert("cookie", cookies.join("; ").parse().expect("cookie header"));
        }
        let (status, headers, bytes) = send(&self.app, request).await;
        let body = String::from_utf8_lossy(&bytes).into_owned();
        self.absorb(&headers, &body);
        (status, headers, body)
    }

    pub(crate) async fn get(&mut self, uri: &str) -> (StatusCode, String) {
        let (status, _, body) = self
            .send(Request::get(uri).body(Body::empty()).expect("request"))
            .await;
        (status, body)
    }

    /// A HEAD request: the status and headers a GET would have, with no body.
    pub(crate) async fn head(&mut self, uri: &str) -> (StatusCode, axum::http::HeaderMap) {
        let (status, headers, body) = self
            .send(Request::head(uri).body(Body::empty()).expect("request"))
            .await;
        assert!(body.is_empty(), "{uri}: a HEAD answer has no body");
        (status, headers)
    }

    /// A URL-encoded form POST carrying the form token (GETs /login first when the agent has
    /// no token yet, as a browser would have the form in front of it).
    pub(crate) async fn post_form(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        if self.csrf.is_empty() {
            self.get("/login").await;
        }
        let token = self.csrf.clone();
        self.post_form_with_token(uri, &token, fields).await
    }

    /// A form POST that must be accepted: a redirect (the form's next page) or a page, never an
    /// error. Returns the headers and the body.
    pub(crate) async fn post_accepted(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> (axum::http::HeaderMap, String) {
        let (status, headers, body) = self.post_form(uri, fields).await;
        assert!(
            status == StatusCode::SEE_OTHER || status == StatusCode::OK,
            "POST {uri} answered {status}: {body}"
        );
        (headers, body)
    }

    /// A form POST as a browser sends it from the page `from` (its `Referer`, with the `Host`).
    pub(crate) async fn post_form_from(
        &mut self,
        uri: &str,
        from: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("csrf", &self.csrf);
        for (k, v) in fields {
            form.append_pair(k, v);
        }
        let request = Request::post(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "scorecard.test")
            .header("referer", format!("http://scorecard.test{from}"))
            .body(Body::from(form.finish()))
            .expect("request");
        self.send(request).await
    }

    /// A URL-encoded form POST carrying `token` as its form token, whatever it is.
    pub(crate) async fn post_form_with_token(
        &mut self,
        uri: &str,
        token: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("csrf", token);
        for (k, v) in fields {
            form.append_pair(k, v);
        }
        let request = Request::post(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(form.finish()))
            .expect("request");
        self.send(request).await
    }

    /// A multipart upload carrying the form token.
    pub(crate) async fn upload(
        &mut self,
        uri: &str,
        filename: &str,
        bytes: &[u8],
        fields: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.send(upload(uri, filename, bytes, &all)).await
    }
}

/// Publishes a period, as the analyst would.
#[allow(dead_code, reason = "each test binary uses part of the shared harness")]
pub(crate) async fn publish(pool: &PgPool, period: scorecard::domain::Period) {
    let mut tx = pool.begin().await.expect("begin");
    scorecard::db::queries::publications::publish(&mut tx, period, "test")
        .await
        .expect("publish");
    tx.commit().await.expect("commit");
}

/// The people of the role tests: the analyst, Halton's and Warrington's directors, the public.
#[allow(dead_code, reason = "each test binary uses part of the shared harness")]
pub(crate) struct Cast {
    pub analyst: Agent,
    pub halton: Agent,
    pub warrington: Agent,
    pub public: Agent,
}

#[allow(dead_code, reason = "each test binary uses part of the shared harness")]
impl Cast {
    /// Everyone signed in through /login (the public not).
    pub(crate) async fn signed_in(app: &Router, pool: &PgPool) -> Cast {
        use scorecard::domain::access::Role;
        Cast {
            analyst: Agent::signed_in(app, pool, "analyst@example.org", Role::Analyst, None).await,
            halton: Agent::signed_in(
                app,
                pool,
                "dass@halton.example",
                Role::Council,
                Some("E06000006"),
            )
            .await,
            warrington: Agent::signed_in(
                app,
                pool,
                "dass@warrington.example",
                Role::Council,
                Some("E06000007"),
            )
            .await,
            public: Agent::public(app),
        }
    }
}

/// A sign-in form POST with its token cookie, as a browser that has the form would send it.
pub(crate) async fn sign_in_request(
    app: &axum::Router,
    email: &str,
    password: &str,
) -> Request<Body> {
    let (_, headers, body) = send(
        app,
        Request::get("/login").body(Body::empty()).expect("request"),
    )
    .await;
    let cookie = headers["set-cookie"].to_str().expect("sign-in form");
    let pair = cookie.split(';').next().expect("sign-in form").to_string();
    let token = pair
        .strip_prefix("scorecard_form=")
        .expect("sign-in form")
        .to_string();
    assert!(String::from_utf8_lossy(&body).contains(&token));
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &token)
        .append_pair("email", email)
        .append_pair("password", password)
        .finish();
    Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", pair)
        .body(Body::from(form))
        .expect("sign-in form")
}

/// Checks and stores a file as the importer does, and publishes its periods: its report.
pub(crate) async fn import(
    pool: &PgPool,
    name: &str,
    bytes: &[u8],
    period: Option<scorecard::domain::Period>,
) -> scorecard::ingest::report::Report {
    let analysis = scorecard::ingest::import::analyse(
        pool,
        name,
        bytes,
        scorecard::ingest::Options {
            period,
            ..scorecard::ingest::Options::default()
        },
    )
    .await
    .expect("the file is checked");
    if !analysis.report().has_errors() {
        scorecard::ingest::import::commit(pool, &analysis, "test")
            .await
            .expect("the file is stored");
        for period in analysis.contents.periods() {
            publish(pool, period).await;
        }
    }
    analysis.contents.report
}

pub(crate) const OFFICIAL_HEADER: &str = "Geographical Code,Geographical Description,Geographical Level,ONS Area Code,ASCOF Measure Code,Disaggregation Level,Measure Type,Measure Value,Measure Group,Measure Group Description\n";

/// An official-layout file: (council ONS code, CASSR number, name, code, value) per row, the
/// group description named after the code.
pub(crate) fn official_rows(rows: &[(&str, &str, &str, &str, &str)]) -> Vec<u8> {
    let mut s = OFFICIAL_HEADER.to_string();
    for (ons, cassr, name, code, value) in rows {
        s.push_str(&format!(
            "{cassr},{name},Council,{ons},{code},Total,Outcome,{value},{code},{code}: Measure {code} as published\n"
        ));
    }
    s.into_bytes()
}
