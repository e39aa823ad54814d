//! Public responses rendered once per *published* data version and kept as bytes, plain and
//! precompressed (gzip and brotli): a public page changes only when data is published, and is
//! read far more often. Each carries an `ETag` (a conditional request gets `304`, `HEAD` the same
//! headers as `GET`), `Last-Modified` and a `Cache-Control` a CDN can honour.
//!
//! Whether a request is public is decided from what the session layer actually loaded, never
//! from the raw `Cookie` header: this middleware runs inside the session layer, so every cookie
//! spelling the layer accepts is seen here too. A request that loaded a session is answered
//! fresh and marked private; an unknown or expired session cookie counts as none. The cache key
//! is the path with the known query parameters, decoded and sorted: other parameters are
//! dropped before the page is rendered, so junk in a query string cannot bypass the cache.
//! Rendering a page nobody has kept takes a permit from [`AppState::public_renders`], which
//! leaves a share of the database pool to signed-in work and `/healthz`.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use tower_sessions::Session;

/// The most responses kept, and the most bytes (of all their encodings).
const MAX_ENTRIES: usize = 2048;
const MAX_BYTES: usize = 256 * 1024 * 1024;
/// The largest response kept.
const MAX_BODY: usize = 8 * 1024 * 1024;
/// What shared caches may do with a public response.
pub const PUBLIC_CACHE: &str =
    "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400";

/// One rendered response in every encoding.
#[derive(Debug)]
pub struct Page {
    content_type: Option<HeaderValue>,
    disposition: Option<HeaderValue>,
    etag: HeaderValue,
    last_modified: HeaderValue,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

impl Page {
    fn size(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.brotli.len()
    }

    /// Renders the bytes in every encoding (on the blocking pool: it is CPU work).
    async fn new(version: i64, headers: &HeaderMap, body: Bytes) -> Option<Page> {
        let (gzip, brotli) = tokio::task::spawn_blocking({
            let body = body.clone();
            move || (gzip(&body), brotli(&body))
        })
        .await
        .ok()?;
        let digest = {
            use sha2::Digest;
            let hash = sha2::Sha256::digest(&body);
            hash[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let now = chrono::Utc::now()
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        Some(Page {
            content_type: headers.get(header::CONTENT_TYPE).cloned(),
            disposition: headers.get(header::CONTENT_DISPOSITION).cloned(),
            etag: HeaderValue::from_str(&format!("\"{version}-{digest}\"")).ok()?,
            last_modified: HeaderValue::from_str(&now).ok()?,
            identity: body,
            gzip: Bytes::from(gzip?),
            brotli: Bytes::from(brotli?),
        })
    }

    /// The response for a request: `304` when its `If-None-Match` or `If-Modified-Since`
    /// matches, else the best encoding it accepts.
    fn respond(&self, request: &HeaderMap, head: bool) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::LAST_MODIFIED, self.last_modified.clone());
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PUBLIC_CACHE),
        );
        headers.insert(
            header::VARY,
            HeaderValue::from_static("accept-encoding, cookie"),
        );
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(',')
                    .any(|t| t.trim() == self.etag.to_str().unwrap_or_default() || t.trim() == "*")
            })
            .unwrap_or_else(|| request.get(header::IF_MODIFIED_SINCE) == Some(&self.last_modified));
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        if let Some(t) = &self.content_type {
            headers.insert(header::CONTENT_TYPE, t.clone());
        }
        if let Some(d) = &self.disposition {
            headers.insert(header::CONTENT_DISPOSITION, d.clone());
        }
        let accepts = request
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let body = match preferred(accepts) {
            Encoding::Brotli => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                self.brotli.clone()
            }
            Encoding::Gzip => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                self.gzip.clone()
            }
            Encoding::Identity => self.identity.clone(),
        };
        if head {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            return (StatusCode::OK, headers).into_response();
        }
        (StatusCode::OK, headers, body).into_response()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The best encoding an `Accept-Encoding` header allows (a `q=0` refuses one).
fn preferred(accepts: &str) -> Encoding {
    let allowed = |name: &str| {
        accepts.split(',').any(|part| {
            let mut pieces = part.split(';').map(str::trim);
            let named = pieces.next().is_some_and(|n| n.eq_ignore_ascii_case(name));
            let q = pieces
                .find_map(|p| p.strip_prefix("q="))
                .map_or(1.0, |q| q.trim().parse::<f64>().unwrap_or(0.0));
            named && q > 0.0
        })
    };
    if allowed("br") {
        Encoding::Brotli
    } else if allowed("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

fn brotli(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut std::io::Cursor::new(body), &mut out, &params).ok()?;
    Some(out)
}

#[derive(Debug, Default)]
struct Entries {
    version: i64,
    pages: HashMap<String, Arc<Page>>,
    order: VecDeque<String>,
    bytes: usize,
}

/// The kept responses of the current data version.
#[derive(Debug, Default)]
pub struct PageCache {
    entries: Mutex<Entries>,
}

impl PageCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock(&self, version: i64) -> std::sync::MutexGuard<'_, Entries> {
        let mut e = self.entries();
        if e.version != version {
            *e = Entries {
                version,
                ..Entries::default()
            };
        }
        e
    }

    fn get(&self, version: i64, key: &str) -> Option<Arc<Page>> {
        self.lock(version).pages.get(key).cloned()
    }

    /// The page kept for `key` under whatever version was current last.
    fn get_stale(&self, key: &str) -> Option<Arc<Page>> {
        self.entries().pages.get(key).cloned()
    }

    fn put(&self, version: i64, key: String, page: Arc<Page>) {
        let mut e = self.lock(version);
        while !e.order.is_empty()
            && (e.order.len() >= MAX_ENTRIES || e.bytes + page.size() > MAX_BYTES)
        {
            if let Some(oldest) = e.order.pop_front()
                && let Some(old) = e.pages.remove(&oldest)
            {
                e.bytes -= old.size();
            }
        }
        if let Some(old) = e.pages.insert(key.clone(), Arc::clone(&page)) {
            e.bytes -= old.size();
        } else {
            e.order.push_back(key);
        }
        e.bytes += page.size();
    }

    /// How many responses are kept.
    pub fn len(&self) -> usize {
        self.entries().pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The query parameters public pages read; any other is dropped from the key and the request.
pub const PARAMETERS: &[&str] = &[
    "period",
    "comparator",
    "level",
    "domain",
    "arrange",
    "filter",
    "authorities",
    "measures",
];

/// Whether a path's responses may be kept at all (static files have their own validators; the
/// sign-in pages carry a form token).
fn keepable(path: &str) -> bool {
    !path.starts_with("/static/")
        && !path.starts_with("/sign-in/")
        && !matches!(path, "/healthz" | "/login" | "/logout")
}

/// The query string of a public read, canonical: known parameters only, decoded and encoded
/// again, in a fixed order (repeated parameters keep their order). `None` when nothing is left.
pub fn canonical_query(query: Option<&str>) -> Option<String> {
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .filter(|(k, v)| PARAMETERS.contains(&k.as_ref()) && !v.trim().is_empty())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    pairs.sort_by_key(|(k, _)| PARAMETERS.iter().position(|p| p == k));
    if pairs.is_empty() {
        return None;
    }
    Some(
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish(),
    )
}

fn private(mut response: Response) -> Response {
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    if !matches!(method, Method::GET | Method::HEAD) {
        let response = next.run(request).await;
        state.version.forget();
        return private(response);
    }
    let session = request.extensions().get::<Session>().cloned();
    if !keepable(request.uri().path()) || !super::session::anonymous(session.as_ref()).await {
        return private(next.run(request).await);
    }
    let head = method == Method::HEAD;
    let (key, asked, request) = as_rendered(request);
    // With a replica, public reads go to it, cached by its own published version.
    if let Some(replica) = &state.replica {
        use tower::ServiceExt;
        let mut fresh = Request::new(request.into_body());
        *fresh.uri_mut() = key.parse().unwrap_or_default();
        *fresh.headers_mut() = asked;
        if head {
            *fresh.method_mut() = Method::HEAD;
        }
        return match replica.router.clone().oneshot(fresh).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
    }
    let version = match state.version.published(&state.pool).await {
        Ok(v) => v,
        // The database is away: a page already rendered is served as it was (stale-if-error).
        Err(_) => {
            return match state.pages.get_stale(&key) {
                Some(page) => page.respond(&asked, head),
                None => next.run(request).await,
            };
        }
    };
    if let Some(page) = state.pages.get(version, &key) {
        return page.respond(&asked, head);
    }
    let Ok(_permit) = state.public_renders.acquire().await else {
        return next.run(request).await;
    };
    // Another request may have rendered it while this one waited.
    if let Some(page) = state.pages.get(version, &key) {
        return page.respond(&asked, head);
    }
    let response = next.run(request).await;
    let touched = match &session {
        Some(s) => !s.is_empty().await,
        None => false,
    };
    keep(&state, version, key, response, touched, &asked, head).await
}

/// The request as a public page is rendered and kept: a GET (a HEAD's headers are a GET's),
/// known parameters only, no cookies (nothing of a visitor's own reaches a kept page); with its
/// key and the headers it was asked with.
fn as_rendered(request: Request) -> (String, HeaderMap, Request) {
    let (mut parts, body) = request.into_parts();
    let query = canonical_query(parts.uri.query());
    let key = match &query {
        Some(q) => format!("{}?{q}", parts.uri.path()),
        None => parts.uri.path().to_string(),
    };
    if let Ok(uri) = key.parse() {
        parts.uri = uri;
    }
    parts.method = Method::GET;
    parts.headers.remove(header::COOKIE);
    let asked = parts.headers.clone();
    (key, asked, Request::from_parts(parts, body))
}

/// Keeps a freshly rendered public page and answers with it; what must not be kept (a
/// session touched, not 200, a cookie set, already encoded) is answered as private.
async fn keep(
    state: &AppState,
    version: i64,
    key: String,
    response: Response,
    touched: bool,
    asked: &HeaderMap,
    head: bool,
) -> Response {
    if touched
        || response.status() != StatusCode::OK
        || response.headers().contains_key(header::SET_COOKIE)
        || response.headers().contains_key(header::CONTENT_ENCODING)
    {
        return private(response);
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "response too large to keep",
        )
            .into_response();
    };
    match Page::new(version, &parts.headers, bytes.clone()).await {
        Some(page) => {
            let page = Arc::new(page);
            state.pages.put(version, key, Arc::clone(&page));
            page.respond(asked, head)
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_accepted_encoding_is_chosen() {
        assert_eq!(preferred("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(preferred("gzip"), Encoding::Gzip);
        assert_eq!(preferred("br;q=0, gzip;q=0.8"), Encoding::Gzip);
        assert_eq!(preferred("br;q=0.0, gzip;q=0"), Encoding::Identity);
        assert_eq!(preferred(""), Encoding::Identity);
        assert_eq!(preferred("identity"), Encoding::Identity);
    }

    #[tokio::test]
    async fn a_page_round_trips_in_every_encoding() {
        let body = Bytes::from("<h1>Regional overview</h1>".repeat(100));
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        let page = Page::new(7, &headers, body.clone()).await.unwrap();
        assert!(page.etag.to_str().unwrap().starts_with("\"7-"));
        let mut unzipped = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&page.gzip[..]),
            &mut unzipped,
        )
        .unwrap();
        assert_eq!(unzipped.as_bytes(), &body[..]);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut std::io::Cursor::new(&page.brotli[..]), &mut unbrotli)
            .unwrap();
        assert_eq!(unbrotli, &body[..]);
        assert!(page.brotli.len() < body.len() / 10);
    }
}
