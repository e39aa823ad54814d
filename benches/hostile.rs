//! Hostile clients, measured on a real socket against a release build with the three official
//! years loaded and published: the process's memory before, at its peak and after 100 parallel
//! sign-ins; `/healthz` and `/` while 530 slow clients hold connections; every
//! `/whats-new/{id}` (its queries, and the first render); and two inflating workbooks (a small
//! file that unpacks to about a gigabyte) uploaded through the form with their token while
//! `/healthz` and `/` are timed. `cargo bench --bench hostile` prints the figures.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark fails loudly on what it did not expect"
)]
#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use scorecard::config::SiteConfig;
use scorecard::db::embedded::{Cluster, ClusterOptions};
use scorecard::domain::Period;
use scorecard::domain::access::Role;

const PASSWORD: &str = "correct horse battery staple";

/// The resident memory of this process, in MB.
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Samples the resident memory every 10 ms until stopped; the peak, in MB.
fn peak_sampler() -> (Arc<AtomicBool>, tokio::task::JoinHandle<f64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let handle = tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut peak = 0f64;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(rss_mb());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            peak.max(rss_mb())
        }
    });
    (stop, handle)
}

async fn send(
    address: SocketAddr,
    request: Request<Full<Bytes>>,
) -> (StatusCode, HeaderMap, Bytes) {
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    (parts.status, parts.headers, bytes)
}

fn get(path: &str, cookie: Option<&str>) -> Request<Full<Bytes>> {
    let mut r = Request::get(path).header("host", "bench");
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    r.body(Full::default()).unwrap()
}

async fn timed(address: SocketAddr, path: &str) -> Duration {
    let started = Instant::now();
    let (status, _, _) = send(address, get(path, None)).await;
    assert!(status.is_success(), "{path}: {status}");
    started.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The sign-in form's cookie and token.
async fn sign_in_form(address: SocketAddr) -> (String, String) {
    let (_, headers, body) = send(address, get("/login", None)).await;
    let cookie = headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = cookie.strip_prefix("scorecard_form=").unwrap().to_string();
    assert!(String::from_utf8_lossy(&body).contains(&token));
    (cookie, token)
}

fn sign_in(
    cookie: &str,
    token: &str,
    email: &str,
    password: &str,
    from: &str,
) -> Request<Full<Bytes>> {
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", token)
        .append_pair("email", email)
        .append_pair("password", password)
        .finish();
    Request::post("/login")
        .header("host", "bench")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .header("x-forwarded-for", from)
        .body(Full::new(Bytes::from(form)))
        .unwrap()
}

/// A workbook of about `compressed` bytes whose shared strings unpack to `inflated` bytes.
fn inflating_workbook(inflated: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "header").unwrap();
    let base = book.save_to_buffer().unwrap();
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(base)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..source.len() {
        let file = source.by_index(i).unwrap();
        if file.name().unwrap() != "xl/sharedStrings.xml" {
            out.raw_copy_file(file).unwrap();
        }
    }
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    out.start_file("xl/sharedStrings.xml", options).unwrap();
    out.write_all(b"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>").unwrap();
    let chunk = vec![b' '; 4 * 1024 * 1024];
    let mut written = 0;
    while written < inflated {
        out.write_all(&chunk).unwrap();
        written += chunk.len();
    }
    out.write_all(b"</t></si></sst>").unwrap();
    out.finish().unwrap().into_inner()
}

fn upload(cookie: &str, token: &str, filename: &str, bytes: &[u8]) -> Request<Full<Bytes>> {
    let boundary = "bench-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/submissions/check")
        .header("host", "bench")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", cookie)
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = std::env::temp_dir().join(format!("scorecard-bench-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cluster = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || Cluster::start(&dir, ClusterOptions { ephemeral: true })
    })
    .await
    .unwrap()
    .unwrap();
    let pool = scorecard::db::pool(cluster.connect_options("postgres"))
        .await
        .unwrap();
    scorecard::db::MIGRATOR.run(&pool).await.unwrap();
    scorecard::seed::reference::ensure(&pool).await.unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ascof");
    for year in ["2014-15", "2015-16", "2016-17"] {
        use std::io::Read;
        let name = format!("meas-from-asc-of-eng-{year}-open-data.csv");
        let gz = std::fs::read(fixtures.join(format!("{name}.gz"))).unwrap();
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut bytes)
            .unwrap();
        let analysis = scorecard::ingest::import::analyse(&pool, &name, &bytes, Default::default())
            .await
            .unwrap();
        scorecard::ingest::import::commit(&pool, &analysis, "bench")
            .await
            .unwrap();
        let mut tx = pool.begin().await.unwrap();
        let start: i32 = year[..4].parse().unwrap();
        scorecard::db::queries::publications::publish(&mut tx, Period::year(start), "bench")
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    scorecard::accounts::add_user(
        &pool,
        "analyst@example.org",
        Role::Analyst,
        None,
        Some(PASSWORD.into()),
        "bench",
    )
    .await
    .unwrap();
    let state = scorecard::web::AppState::new(
        pool.clone(),
        SiteConfig {
            trusted_proxies: vec![[127, 0, 0, 1].into()],
            ..SiteConfig::default()
        },
    );
    let app = scorecard::web::router(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let limits =
        scorecard::web::listener::Limits::within_descriptors(4096, Duration::from_secs(10));
    tokio::spawn(scorecard::web::listener::serve(
        listener,
        app,
        limits,
        std::future::pending(),
    ));
    for path in ["/", "/healthz"] {
        timed(address, path).await;
    }

    println!("hostile clients against a release build, three official years published\n");

    // 1. A hundred parallel sign-ins for unknown accounts, each from its own address.
    let before = rss_mb();
    let (cookie, token) = sign_in_form(address).await;
    let (stop, peak) = peak_sampler();
    let started = Instant::now();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let request = sign_in(
                &cookie,
                &token,
                &format!("nobody{i}@example.org"),
                "not the password",
                &format!("192.0.2.{}", i + 1),
            );
            tokio::spawn(async move { send(address, request).await.0 })
        })
        .collect();
    let mut answers = std::collections::BTreeMap::new();
    for t in tasks {
        *answers.entry(t.await.unwrap().as_u16()).or_insert(0) += 1;
    }
    let took = started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let peak = peak.await.unwrap();
    println!(
        "100 parallel sign-ins: answers {answers:?} in {:.2} s; memory {before:.0} MB before, {peak:.0} MB at peak, {:.0} MB a second after",
        took.as_secs_f64(),
        rss_mb()
    );

    // 2. 530 slow clients, each holding a connection with one byte of a 1,000-byte body.
    let mut slow = Vec::new();
    for _ in 0..530 {
        use tokio::io::AsyncWriteExt;
        let mut s = tokio::net::TcpStream::connect(address).await.unwrap();
        s.write_all(b"POST /login HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nc")
            .await
            .unwrap();
        slow.push(s);
    }
    let mut health = Vec::new();
    let mut home = Vec::new();
    for _ in 0..20 {
        health.push(timed(address, "/healthz").await);
        home.push(timed(address, "/").await);
    }
    println!(
        "530 slow clients: /healthz median {:.1} ms, max {:.1} ms; / median {:.1} ms, max {:.1} ms",
        median(health.clone()).as_secs_f64() * 1e3,
        health.iter().max().unwrap().as_secs_f64() * 1e3,
        median(home.clone()).as_secs_f64() * 1e3,
        home.iter().max().unwrap().as_secs_f64() * 1e3,
    );
    drop(slow);

    // 3. What's new: each publication's queries, and its first render.
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM publications ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    for id in ids {
        let started = Instant::now();
        let (status, _, _) = send(address, get(&format!("/whats-new/{id}"), None)).await;
        let first = started.elapsed();
        assert_eq!(status, StatusCode::OK);
        let mut queries = Vec::new();
        for _ in 0..20 {
            use scorecard::db::queries::publications as p;
            let started = Instant::now();
            p::publication(&pool, id).await.unwrap();
            p::revised(&pool, id).await.unwrap();
            p::new_measures(&pool, id).await.unwrap();
            p::new_commentary(&pool, id).await.unwrap();
            queries.push(started.elapsed());
        }
        println!(
            "/whats-new/{id}: first render {:.1} ms; its queries median {:.2} ms",
            first.as_secs_f64() * 1e3,
            median(queries).as_secs_f64() * 1e3
        );
    }

    // 4. Two inflating workbooks through the form, while /healthz and / are timed.
    let bomb = inflating_workbook(1024 * 1024 * 1024);
    let (form_cookie, token) = sign_in_form(address).await;
    let (status, headers, _) = send(
        address,
        sign_in(
            &form_cookie,
            &token,
            "analyst@example.org",
            PASSWORD,
            "192.0.2.200",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let session = headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (_, _, page) = send(address, get("/submissions", Some(&session))).await;
    let page = String::from_utf8_lossy(&page);
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let before = rss_mb();
    let (stop, peak) = peak_sampler();
    let timing = Arc::new(AtomicBool::new(true));
    let samples = Arc::new(AtomicU64::new(0));
    let sampler = tokio::spawn({
        let (timing, samples) = (timing.clone(), samples.clone());
        async move {
            let (mut health, mut home) = (Vec::new(), Vec::new());
            while timing.load(Ordering::Relaxed) {
                health.push(timed(address, "/healthz").await);
                home.push(timed(address, "/").await);
                samples.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (health, home)
        }
    });
    let started = Instant::now();
    let uploads: Vec<_> = (0..2)
        .map(|i| {
            let request = upload(&session, &csrf, &format!("bomb-{i}.xlsx"), &bomb);
            tokio::spawn(async move { send(address, request).await })
        })
        .collect();
    let mut refused = 0;
    for u in uploads {
        let (status, _, body) = u.await.unwrap();
        let body = String::from_utf8_lossy(&body);
        refused += usize::from(status == StatusCode::OK && body.contains("unpacks to more than"));
    }
    let took = started.elapsed();
    timing.store(false, Ordering::Relaxed);
    let (health, home) = sampler.await.unwrap();
    stop.store(true, Ordering::Relaxed);
    let peak = peak.await.unwrap();
    println!(
        "two {:.1} MB workbooks unpacking to 1 GB, in parallel: {refused} of 2 refused for their size in {:.2} s; meanwhile /healthz median {:.1} ms, / median {:.1} ms ({} samples); memory {before:.0} MB before, {peak:.0} MB at peak (+{:.0} MB)",
        bomb.len() as f64 / 1e6,
        took.as_secs_f64(),
        median(health).as_secs_f64() * 1e3,
        median(home).as_secs_f64() * 1e3,
        samples.load(Ordering::Relaxed),
        peak - before,
    );

    pool.close().await;
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
