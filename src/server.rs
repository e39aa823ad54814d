//! Running the web service: open the database (seeding an empty one), serve until Ctrl-C or
//! SIGTERM, then stop the embedded cluster.

use anyhow::Context;

use crate::config::{ServeConfig, SiteConfig};
use crate::db::Database;
use crate::web::{self, AppState};

pub async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    let db = Database::open(&config.database).await?;
    let result = run(&db, &config).await;
    db.close().await?;
    result
}

async fn run(db: &Database, config: &ServeConfig) -> anyhow::Result<()> {
    if crate::seed::reference::ensure(&db.pool)
        .await
        .context("loading the shipped England reference")?
    {
        tracing::info!("shipped England reference and measure catalogue loaded");
    }
    if config.seed && crate::seed::wanted(&db.pool).await? {
        let outcome = crate::seed::load(&db.pool)
            .await
            .context("loading the seed data")?;
        tracing::info!(?outcome, "empty database: illustrative seed data loaded");
    }
    let mut state = AppState::new(
        db.pool.clone(),
        SiteConfig {
            region: config.region.clone(),
            max_upload_bytes: config.max_upload_bytes,
            public_url: config.public_url.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
        },
    );
    state.admission = std::sync::Arc::new(web::admission::Admission::new(
        web::admission::MAX_IN_FLIGHT,
        config.per_client_in_flight.max(1),
    ));
    let state = match &config.database_read_url {
        Some(url) => {
            let options = url
                .parse()
                .context("DATABASE_READ_URL is not a valid PostgreSQL URL")?;
            tracing::info!("public reads from the replica");
            state.with_replica(crate::db::pool(options).await?)
        }
        None => state,
    };
    let app = web::router(state.clone());
    tokio::spawn(sweep(db.pool.clone()));
    tokio::spawn({
        let (version, pool) = (state.version.clone(), db.pool.clone());
        async move { version.follow(pool).await }
    });
    start_mail(config, &state)?;
    tokio::spawn(warm(app.clone(), state));
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("listening on {}", config.bind))?;
    tracing::info!("scorecard listening on http://{}", listener.local_addr()?);
    let limits = web::listener::Limits::within_descriptors(
        config.max_connections,
        std::time::Duration::from_secs(10),
    );
    tracing::info!(max_connections = limits.max_connections, "connection limit");
    web::listener::serve(listener, app, limits, shutdown_signal()).await?;
    tracing::info!("shutting down");
    Ok(())
}

/// Starts the email sender when SMTP is configured; otherwise says mail is off.
fn start_mail(config: &ServeConfig, state: &AppState) -> anyhow::Result<()> {
    let (Some(url), Some(from)) = (&config.smtp_url, &config.mail_from) else {
        tracing::info!(
            "mail is off: set SCORECARD_SMTP_URL and SCORECARD_MAIL_FROM to send email (messages wait in the queue)"
        );
        return Ok(());
    };
    if config.public_url.is_none() {
        tracing::warn!(
            "SCORECARD_PUBLIC_URL is not set: links in email point at {}",
            crate::config::LOCAL_ADDRESS
        );
    }
    let sender = crate::mail::Sender::new(url, from)?;
    tracing::info!("mail is on");
    tokio::spawn(sender.run(
        state.pool.clone(),
        state.site.letterhead(),
        state.site.region.clone(),
        std::time::Duration::from_secs(config.mail_every.max(1)),
    ));
    Ok(())
}

/// After each new data version, renders the most read public pages in the background, so that
/// the first reader after a publication does not wait.
async fn warm(app: axum::Router, state: AppState) {
    use tower::ServiceExt;
    let mut last = None;
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let Ok(version) = state.version.published(&state.pool).await else {
            continue;
        };
        if last == Some(version) {
            continue;
        }
        last = Some(version);
        let mut paths = vec![
            "/".to_string(),
            "/regional-account".to_string(),
            "/api/v1/headlines".to_string(),
            "/compare".to_string(),
        ];
        if let Ok(periods) = crate::db::queries::periods::with_data(
            &state.pool,
            crate::domain::access::DataView::Published,
        )
        .await
            && let Some(latest) = periods.last()
            && let Ok(members) =
                crate::db::queries::areas::members_during(&state.pool, &state.site.region, *latest)
                    .await
        {
            paths.extend(
                members
                    .into_iter()
                    .map(|a| format!("/authorities/{}", a.ons_code)),
            );
        }
        let started = std::time::Instant::now();
        for path in &paths {
            let Ok(request) =
                axum::http::Request::get(path.as_str()).body(axum::body::Body::empty())
            else {
                continue;
            };
            if let Err(e) = app.clone().oneshot(request).await {
                tracing::warn!(error = %e, path, "warming");
            }
        }
        tracing::info!(
            version,
            pages = paths.len(),
            ms = started.elapsed().as_millis() as u64,
            "public pages warmed"
        );
    }
}

/// Every quarter of an hour: expired sessions and old failed sign-ins go.
async fn sweep(pool: sqlx::PgPool) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
    loop {
        every.tick().await;
        match crate::db::queries::sessions::delete_expired(&pool).await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "removing expired sessions"),
        }
        if let Err(e) = crate::db::queries::users::forget_old_failures(&pool).await {
            tracing::warn!(error = %e, "removing old failed sign-ins");
        }
        let hours = i32::try_from(crate::accounts::LINK_HOURS).unwrap_or(i32::MAX);
        match crate::db::queries::mail::expire_links(&pool, hours).await {
            Ok(n) if n > 0 => tracing::info!(links = n, "unsent sign-in links expired"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "expiring unsent sign-in links"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
