//! HTTP: the router, one module per area of the site, and the error type that maps failures to
//! pages.

mod admin;
pub mod admission;
mod api;
mod authorities;
mod cache;
pub mod client;
mod commentary;
mod compare;
mod concerns;
mod council_series;
mod cqc;
mod domain_maps;
mod domains;
mod downloads;
mod error;
mod extract;
mod facts;
mod glossary;
mod guard;
mod health;
mod home;
mod improvement;
mod layout;
pub mod listener;
mod login;
mod measures;
mod overview;
pub mod page_cache;
mod regional_account;
mod reshow;
mod returns;
mod risk;
mod search;
pub mod session;
mod settings;
mod spliced;
mod submissions;
mod teasc;
mod values;
pub mod version;
mod whats_new;

use std::sync::Arc;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request};
use sqlx::PgPool;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::SiteConfig;
pub use error::AppError;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub site: Arc<SiteConfig>,
    pub cache: Arc<cache::AnalysisCache>,
    pub version: Arc<version::DataVersion>,
    pub pages: Arc<page_cache::PageCache>,
    /// Signed-in pages, kept per data and records version and per role and council, with holes
    /// for each user's own words.
    pub signed_pages: Arc<page_cache::PageCache>,
    /// Each period's risk signal (for the region, or a council outside it), per version.
    signals: Arc<cache::Memo<(crate::domain::Period, Option<String>), concerns::Signal>>,
    /// Each home page's list of things to do (per role and council, and day), per version.
    todos: Arc<cache::Memo<(home::Whose, chrono::NaiveDate), Vec<crate::domain::todo::Todo>>>,
    /// Public pages rendered at once (each may hold a database connection): a share of the pool
    /// stays free for signed-in work and `/healthz` however many anonymous readers miss the
    /// cache.
    pub public_renders: Arc<tokio::sync::Semaphore>,
    /// Requests in flight, overall and per client.
    pub admission: Arc<admission::Admission>,
    /// Where public reads go when a read replica is configured (`DATABASE_READ_URL`).
    pub replica: Option<Arc<Replica>>,
}

/// Public reads from a streaming replica: the same site over the replica's pool, with its own
/// data version (read from the replica, so that a kept page never runs ahead of its data).
#[derive(Debug)]
pub struct Replica {
    pub state: AppState,
    pub router: Router,
}

impl AppState {
    pub fn new(pool: PgPool, site: SiteConfig) -> AppState {
        AppState {
            public_renders: public_renders(&pool),
            admission: Arc::default(),
            pool,
            site: Arc::new(site),
            cache: Arc::default(),
            version: Arc::default(),
            pages: Arc::default(),
            signed_pages: Arc::default(),
            signals: Arc::default(),
            todos: Arc::default(),
            replica: None,
        }
    }

    /// Public reads (cacheable GETs without a session) are answered from `pool`, a replica.
    pub fn with_replica(mut self, pool: PgPool) -> AppState {
        let state = AppState {
            public_renders: public_renders(&pool),
            admission: Arc::clone(&self.admission),
            pool,
            site: Arc::clone(&self.site),
            cache: Arc::default(),
            version: Arc::default(),
            pages: Arc::default(),
            signed_pages: Arc::default(),
            signals: Arc::default(),
            todos: Arc::default(),
            replica: None,
        };
        self.replica = Some(Arc::new(Replica {
            router: routes(state.clone()),
            state,
        }));
        self
    }
}

/// Anonymous renders allowed at once: three quarters of the pool's connections.
fn public_renders(pool: &PgPool) -> Arc<tokio::sync::Semaphore> {
    let connections = pool.options().get_max_connections() as usize;
    Arc::new(tokio::sync::Semaphore::new(
        (connections - connections / 4).max(1),
    ))
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole site: the routes, behind the public page cache, compression, limits, request ids
/// and security headers.
pub fn router(state: AppState) -> Router {
    reshow::around(routes(state.clone()))
        .layer(CsrfLayer::new())
        .layer(axum::middleware::map_response(no_store_errors))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(state, admission::admit))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(tower_http::LatencyUnit::Micros)),
        )
        .layer(axum::middleware::from_fn(with_request_id))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
}

/// The routes with their sessions, form tokens and address checks. The stylesheets and images
/// under `/static` are embedded in the binary (`build.rs`), served with an ETag, and
/// precompressed in release builds.
fn routes(state: AppState) -> Router {
    let static_files = memory_serve::load!()
        .index_file(None)
        .cache_control(memory_serve::CacheControl::Medium)
        .into_router();
    Router::new()
        .nest("/api/v1", api::router())
        .merge(overview::router())
        .merge(domains::router())
        .merge(regional_account::router())
        .merge(compare::router())
        .merge(downloads::router())
        .merge(authorities::router())
        .merge(facts::router())
        .merge(cqc::router())
        .merge(improvement::router())
        .merge(measures::router())
        .merge(health::router())
        .merge(home::router())
        .merge(login::router())
        .merge(admin::router())
        .merge(risk::router())
        .merge(concerns::router())
        .merge(whats_new::router())
        .merge(teasc::router())
        .merge(glossary::router())
        .merge(search::router())
        .merge(settings::router())
        .merge(commentary::router())
        .merge(returns::router(state.site.max_upload_bytes))
        .merge(submissions::router(state.site.max_upload_bytes))
        .nest("/static", static_files)
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(glossary::link_terms))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::require_token,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            page_cache::serve,
        ))
        .layer(session::layer(&state))
        .with_state(state)
        .layer(axum::middleware::from_fn(guard::refuse_malformed))
}

/// Errors are never kept by a browser or a shared cache.
async fn no_store_errors(mut response: axum::response::Response) -> axum::response::Response {
    let status = response.status();
    if status.is_client_error() || status.is_server_error() {
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
    response
}

/// Everything from this site only, no inline script or style, never framed, forms only to
/// this site.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Runs the request with its id (a UUID, unique across instances), whether it sends a form,
/// and the page the form was on, at hand for the error page and the log.
async fn with_request_id(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let context = {
        let header = |name| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        // Only this site's own pages: the path of a same-host Referer.
        let back = header(axum::http::header::REFERER)
            .zip(header(axum::http::header::HOST))
            .and_then(|(referer, host)| {
                let rest = referer
                    .strip_prefix("https://")
                    .or_else(|| referer.strip_prefix("http://"))?;
                let path = rest.strip_prefix(host.as_str())?;
                (path.starts_with('/')
                    && !path.starts_with("//")
                    && !path.contains(['\\', '"', '<', '>'])
                    && !path.chars().any(char::is_control))
                .then(|| path.to_string())
            });
        error::RequestContext {
            id: header(REQUEST_ID).unwrap_or_default(),
            form: request.method() == axum::http::Method::POST,
            back,
        }
    };
    error::REQUEST.scope(context, next.run(request)).await
}
