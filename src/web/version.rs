//! The data version as this instance knows it. Without a listener every request reads the
//! counter (one primary-key read); with one, the counter is read once per change: PostgreSQL
//! notifies every instance at each commit (`LISTEN scorecard_data_version`), and a write made
//! through this instance forgets the version at once, so a redirect after a form never shows the
//! page from before it.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use sqlx::PgPool;

use crate::db::queries::version;

/// No version known: read it from the database.
const UNKNOWN: i64 = -1;

#[derive(Debug)]
pub struct DataVersion {
    /// Every write (drafts included): what internal analyses are keyed by.
    known: AtomicI64,
    /// Only what the public can see (publications, the catalogue, the reference): what public
    /// pages and their validators are keyed by, so that a council's draft changes neither.
    known_published: AtomicI64,
    /// The service's own records (risk, rounds, uploads): with `known`, what signed-in pages
    /// are keyed by.
    known_records: AtomicI64,
    listening: AtomicBool,
}

impl Default for DataVersion {
    fn default() -> Self {
        DataVersion {
            known: AtomicI64::new(UNKNOWN),
            known_published: AtomicI64::new(UNKNOWN),
            known_records: AtomicI64::new(UNKNOWN),
            listening: AtomicBool::new(false),
        }
    }
}

impl DataVersion {
    /// The current data version.
    pub async fn current(&self, pool: &PgPool) -> sqlx::Result<i64> {
        self.read(&self.known, pool, version::current).await
    }

    /// The current published data version.
    pub async fn published(&self, pool: &PgPool) -> sqlx::Result<i64> {
        self.read(&self.known_published, pool, version::published)
            .await
    }

    /// The current records version.
    pub async fn records(&self, pool: &PgPool) -> sqlx::Result<i64> {
        self.read(&self.known_records, pool, version::records).await
    }

    /// The data and records versions: what signed-in pages and the risk signal are kept by.
    pub async fn signed_in(&self, pool: &PgPool) -> sqlx::Result<(i64, i64)> {
        Ok((self.current(pool).await?, self.records(pool).await?))
    }

    async fn read<'p, F, Fut>(
        &self,
        known: &AtomicI64,
        pool: &'p PgPool,
        query: F,
    ) -> sqlx::Result<i64>
    where
        F: FnOnce(&'p PgPool) -> Fut,
        Fut: std::future::Future<Output = sqlx::Result<i64>>,
    {
        let listening = self.listening.load(Ordering::Acquire);
        if listening {
            let v = known.load(Ordering::Acquire);
            if v != UNKNOWN {
                return Ok(v);
            }
        }
        let v = query(pool).await?;
        if listening {
            // Only if nothing was heard meanwhile (a notification forgets it again).
            let _ = known.compare_exchange(UNKNOWN, v, Ordering::AcqRel, Ordering::Acquire);
        }
        Ok(v)
    }

    /// A write may have happened: read the versions again on the next request.
    pub fn forget(&self) {
        self.known.store(UNKNOWN, Ordering::Release);
        self.known_published.store(UNKNOWN, Ordering::Release);
        self.known_records.store(UNKNOWN, Ordering::Release);
    }

    /// Follows the database's notifications for as long as the service runs; while the listener
    /// is down, every request reads the counter.
    pub async fn follow(&self, pool: PgPool) {
        loop {
            match version::listen(&pool).await {
                Ok(mut listener) => {
                    self.forget();
                    self.listening.store(true, Ordering::Release);
                    tracing::debug!("listening for data versions");
                    while listener.recv().await.is_ok() {
                        self.forget();
                    }
                    self.listening.store(false, Ordering::Release);
                    self.forget();
                    tracing::warn!("data version listener lost; reading the counter per request");
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen for data versions"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}
