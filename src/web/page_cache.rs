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
//!
//! Signed-in pages are kept too ([`AppState::signed_pages`]), per data *and* records version,
//! per role and council (everything a page shows besides the user's own email and form token,
//! which it is rendered without: see [`super::spliced`]), per day (rounds fall late, follow-ups
//! due) and per path and query. They are answered `private, no-cache` with an `ETag` of the page
//! and the user's own words, so a browser revalidates and gets `304`. Pages that show what no
//! version counts (users, the audit log) are never kept.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::session::{Rendering, Visitor};
use super::spliced::{MARKS, Spliced};
use crate::domain::access::{Account, Viewer};
use tower_sessions::Session;

/// The most responses kept, and the most bytes (of all their encodings).
const MAX_ENTRIES: usize = 2048;
const MAX_BYTES: usize = 256 * 1024 * 1024;
/// The largest response kept.
const MAX_BODY: usize = 8 * 1024 * 1024;
/// What shared caches may do with a public response.
pub const PUBLIC_CACHE: &str =
    "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400";
/// A signed-in page: the browser alone keeps it, and asks each time (a `304` when unchanged).
pub const PRIVATE_CACHE: &str = "private, no-cache";

/// One rendered response, kept in every encoding it is served in.
#[derive(Debug)]
pub struct Page {
    content_type: Option<HeaderValue>,
    disposition: Option<HeaderValue>,
    etag: String,
    last_modified: HeaderValue,
    body: Kept,
}

#[derive(Debug)]
enum Kept {
    /// Nobody's own words: every encoding made once.
    Whole {
        identity: Bytes,
        gzip: Bytes,
        brotli: Option<Bytes>,
    },
    /// A signed-in page with holes for the user's own words: each encoding made per response
    /// from pieces compressed once.
    Spliced(Spliced),
}

/// The words a signed-in page's holes are filled with, in the order of [`MARKS`]: the email as
/// HTML text, the session's form token.
pub(super) struct Words<'a>([&'a str; 2]);

impl Page {
    fn size(&self) -> usize {
        match &self.body {
            Kept::Whole {
                identity,
                gzip,
                brotli,
            } => identity.len() + gzip.len() + brotli.as_ref().map_or(0, Bytes::len),
            Kept::Spliced(s) => s.size(),
        }
    }

    /// Renders the bytes in every encoding (on the blocking pool: it is CPU work); a signed-in
    /// page (`signed`) is cut at the marks it was rendered with, and not brotli'd (its holes are
    /// filled per response, which gzip's blocks allow).
    async fn new(version: i64, headers: &HeaderMap, body: Bytes, signed: bool) -> Option<Page> {
        let kept = tokio::task::spawn_blocking({
            let body = body.clone();
            move || {
                if signed && let Some(spliced) = Spliced::new(&body, &MARKS.all()) {
                    return Some(Kept::Spliced(spliced));
                }
                Some(Kept::Whole {
                    gzip: Bytes::from(gzip(&body)?),
                    brotli: if signed {
                        None
                    } else {
                        Some(Bytes::from(brotli(&body)?))
                    },
                    identity: body,
                })
            }
        })
        .await
        .ok()??;
        let now = chrono::Utc::now()
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        Some(Page {
            content_type: headers.get(header::CONTENT_TYPE).cloned(),
            disposition: headers.get(header::CONTENT_DISPOSITION).cloned(),
            etag: format!("{version}-{}", digest(&[&body])),
            last_modified: HeaderValue::from_str(&now).ok()?,
            body: kept,
        })
    }

    /// The response for a public request.
    fn respond(&self, request: &HeaderMap, head: bool) -> Response {
        self.respond_to(request, head, None)
    }

    /// The response for a request: `304` when its `If-None-Match` (or, for a public page,
    /// `If-Modified-Since`) matches, else the best encoding it accepts. A signed-in page
    /// (`words`) is private, with its holes filled and an `ETag` that is the user's own.
    fn respond_to(&self, request: &HeaderMap, head: bool, words: Option<&Words<'_>>) -> Response {
        let etag = match words {
            Some(w) => format!(
                "\"{}-{}\"",
                self.etag,
                digest(&[w.0[0].as_bytes(), w.0[1].as_bytes()])
            ),
            None => format!("\"{}\"", self.etag),
        };
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if words.is_some() {
                PRIVATE_CACHE
            } else {
                PUBLIC_CACHE
            }),
        );
        headers.insert(
            header::VARY,
            HeaderValue::from_static("accept-encoding, cookie"),
        );
        let modified_since =
            words.is_none() && request.get(header::IF_MODIFIED_SINCE) == Some(&self.last_modified);
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
            .unwrap_or(modified_since);
        if words.is_none() {
            headers.insert(header::LAST_MODIFIED, self.last_modified.clone());
        }
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
        let none = Words(["", ""]);
        let body = match (&self.body, preferred(accepts)) {
            (
                Kept::Whole {
                    brotli: Some(brotli),
                    ..
                },
                Encoding::Brotli,
            ) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                brotli.clone()
            }
            (Kept::Whole { identity, .. }, Encoding::Identity) => identity.clone(),
            (Kept::Whole { gzip, .. }, _) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                gzip.clone()
            }
            (Kept::Spliced(s), Encoding::Identity) => s.plain(&words.unwrap_or(&none).0),
            (Kept::Spliced(s), _) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                s.gzip(&words.unwrap_or(&none).0)
            }
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

/// The first 64 bits of the SHA-256 of `parts` (each length-prefixed), hex.
fn digest(parts: &[&[u8]]) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    /// The data version (public pages: the published one) and, for signed-in pages, the records
    /// version.
    version: (i64, i64),
    pages: HashMap<String, Arc<Page>>,
    order: VecDeque<String>,
    bytes: usize,
}

/// The kept responses of the current data version.
#[derive(Debug, Default)]
pub struct PageCache {
    entries: Mutex<Entries>,
    /// The pages being rendered: one render per key at a time, the others wait and take it.
    rendering: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl PageCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock(&self, version: (i64, i64)) -> std::sync::MutexGuard<'_, Entries> {
        let mut e = self.entries();
        if e.version != version {
            *e = Entries {
                version,
                ..Entries::default()
            };
        }
        e
    }

    fn get(&self, version: (i64, i64), key: &str) -> Option<Arc<Page>> {
        self.lock(version).pages.get(key).cloned()
    }

    /// The page kept for `key` under whatever version was current last.
    fn get_stale(&self, key: &str) -> Option<Arc<Page>> {
        self.entries().pages.get(key).cloned()
    }

    fn put(&self, version: (i64, i64), key: String, page: Arc<Page>) {
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

    /// Waits for any render of `key` in progress; the caller renders while it holds the turn.
    async fn turn(&self, key: &str) -> Turn<'_> {
        let lock = {
            let mut rendering = self
                .rendering
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(rendering.entry(key.to_string()).or_default())
        };
        Turn {
            guard: Some(lock.lock_owned().await),
            cache: self,
            key: key.to_string(),
        }
    }

    /// How many responses are kept.
    pub fn len(&self) -> usize {
        self.entries().pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A render's turn: when it ends, a key nobody else waits on is forgotten.
struct Turn<'a> {
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    cache: &'a PageCache,
    key: String,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.guard = None;
        let mut rendering = self
            .cache
            .rendering
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if rendering
            .get(&self.key)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            rendering.remove(&self.key);
        }
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
    "q",
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
    if !keepable(request.uri().path()) {
        return private(next.run(request).await);
    }
    if !super::session::anonymous(session.as_ref()).await {
        return signed(&state, request, next).await;
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
        Ok(v) => (v, 0),
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

/// Paths whose signed-in pages show what no version counts (users, the audit log): never kept.
fn kept_when_signed_in(path: &str) -> bool {
    !path.starts_with("/admin/") && path != "/audit" && path != "/settings"
}

/// A signed-in request: the kept page of the user's role and council, filled with their own
/// words; or rendered with marks in their place, kept, and filled.
async fn signed(state: &AppState, request: Request, next: Next) -> Response {
    let head = request.method() == Method::HEAD;
    let (mut parts, body) = request.into_parts();
    let visitor = match <Visitor as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut parts, state,
    )
    .await
    {
        Ok(visitor) => visitor,
        Err(e) => return private(super::AppError::into_response(e)),
    };
    let Visitor {
        viewer: Viewer::Signed(account),
        csrf,
    } = visitor
    else {
        return private(next.run(Request::from_parts(parts, body)).await);
    };
    let Ok(version) = state.version.signed_in(&state.pool).await else {
        return private(next.run(Request::from_parts(parts, body)).await);
    };
    let email = html_escape(&account.email);
    let words = Words([email.as_str(), csrf.as_str()]);
    if !kept_when_signed_in(parts.uri.path()) {
        parts.extensions.insert(Rendering(Visitor {
            viewer: Viewer::Signed(account),
            csrf,
        }));
        return private(next.run(Request::from_parts(parts, body)).await);
    }
    let key = signed_key(&account, &parts.uri);
    if let Some(page) = state.signed_pages.get(version, &key) {
        return page.respond_to(&parts.headers, head, Some(&words));
    }
    // Many readers of a page nobody has kept (after a write, say) wait for one render of it.
    let _turn = state.signed_pages.turn(&key).await;
    if let Some(page) = state.signed_pages.get(version, &key) {
        return page.respond_to(&parts.headers, head, Some(&words));
    }
    parts.extensions.insert(Rendering(Visitor {
        viewer: Viewer::Signed(Account {
            email: MARKS.email.clone(),
            ..account
        }),
        csrf: MARKS.token.clone(),
    }));
    parts.method = Method::GET;
    let asked = parts.headers.clone();
    let response = next.run(Request::from_parts(parts, body)).await;
    keep_signed(state, version, key, response, &asked, head, &words).await
}

/// The key of a signed-in page: who it is for (role and council, not the user), the day, the
/// path and the whole query (decoded, sorted).
fn signed_key(account: &Account, uri: &axum::http::Uri) -> String {
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    pairs.sort();
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!(
        "{}|{}|{}|{}?{query}",
        account.role,
        account.council.as_deref().unwrap_or_default(),
        chrono::Utc::now().date_naive(),
        uri.path()
    )
}

/// Text as the templates write it: askama's own HTML escaper, so a filled page is the page
/// askama would have rendered.
fn html_escape(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html)
        .map(|safe| safe.to_string())
        .unwrap_or_default()
}

/// A rendered body read whole, or the answer when it is larger than a page may be.
async fn collected(body: Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "response too large to keep",
        )
            .into_response()
    })
}

/// Keeps a freshly rendered signed-in page (a 200 that sets no cookie) and answers with it; any
/// other answer is sent as it is, private, with the user's words in place of the marks.
async fn keep_signed(
    state: &AppState,
    version: (i64, i64),
    key: String,
    response: Response,
    asked: &HeaderMap,
    head: bool,
    words: &Words<'_>,
) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = match collected(body).await {
        Ok(bytes) => bytes,
        Err(too_large) => return too_large,
    };
    let keep = parts.status == StatusCode::OK
        && !parts.headers.contains_key(header::SET_COOKIE)
        && !parts.headers.contains_key(header::CONTENT_ENCODING);
    if keep && let Some(page) = Page::new(version.0, &parts.headers, bytes.clone(), true).await {
        let page = Arc::new(page);
        state.signed_pages.put(version, key, Arc::clone(&page));
        return page.respond_to(asked, head, Some(words));
    }
    let filled = match Spliced::new(&bytes, &MARKS.all()) {
        Some(spliced) => spliced.plain(&words.0),
        None => bytes,
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    private(Response::from_parts(parts, Body::from(filled)))
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
    version: (i64, i64),
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
    let bytes = match collected(body).await {
        Ok(bytes) => bytes,
        Err(too_large) => return too_large,
    };
    match Page::new(version.0, &parts.headers, bytes.clone(), false).await {
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
        let page = Page::new(7, &headers, body.clone(), false).await.unwrap();
        assert!(page.etag.starts_with("7-"));
        let Kept::Whole {
            gzip,
            brotli: Some(brotli),
            ..
        } = &page.body
        else {
            panic!("a public page is kept whole, brotli included");
        };
        let mut unzipped = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gzip[..]), &mut unzipped)
            .unwrap();
        assert_eq!(unzipped.as_bytes(), &body[..]);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut std::io::Cursor::new(&brotli[..]), &mut unbrotli).unwrap();
        assert_eq!(unbrotli, &body[..]);
        assert!(brotli.len() < body.len() / 10);
    }
}
