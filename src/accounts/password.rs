//! Passwords hashed with argon2id (the argon2 crate's defaults meet OWASP's minimum), on the
//! blocking pool: a check costs tens of milliseconds of CPU. Tokens for sign-in links and CSRF.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// The shortest password accepted (NCSC and OWASP ASVS 2.1.1 ask for at least 12).
pub const MIN_LENGTH: usize = 12;

/// Why a password is refused.
pub fn weakness(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Some(format!(
            "use at least {MIN_LENGTH} characters ({chars} given)"
        ));
    }
    if password.trim().is_empty() || password.chars().all(char::is_whitespace) {
        return Some("use letters, numbers or symbols, not only spaces".into());
    }
    if chars > 256 {
        return Some("use at most 256 characters".into());
    }
    None
}

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every hashing slot is taken and the queue is full: try again in a moment.
    #[error("too many passwords are being checked at once")]
    Busy,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Hashes at once and hashes waiting: one slot per core (each hash takes about 19 MiB and a core
/// for tens of milliseconds), so that a flood of sign-ins costs a bounded amount of memory, and
/// a bounded queue behind them; past it a request is refused at once.
#[derive(Debug)]
struct Limiter {
    slots: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
}

impl Limiter {
    fn new(size: usize, queue: usize) -> Limiter {
        Limiter {
            slots: Semaphore::new(size),
            waiting: AtomicUsize::new(0),
            queue,
        }
    }

    /// Runs `work` (a hash) in a slot on the blocking pool, or refuses when the queue is full.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(HashError::Busy);
        }
        let permit = self.slots.acquire().await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        let _permit = permit.map_err(|e| HashError::Failed(e.into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| HashError::Failed(e.into()))
    }
}

static HASHING: LazyLock<Limiter> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    Limiter::new(cores, cores * QUEUE_PER_CORE)
});

/// Hashes that may wait per slot before sign-ins are answered "busy, try again".
pub const QUEUE_PER_CORE: usize = 8;

async fn in_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    HASHING.run(work).await
}

/// The argon2id hash of a password, in PHC string form.
pub async fn hash(password: String) -> Result<String, HashError> {
    in_slot(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await?
    .map_err(HashError::Failed)
}

/// Whether `password` matches the stored hash. A missing or unreadable hash never matches,
/// and still costs one hash so that timing does not tell whether the account exists.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, HashError> {
    in_slot(move || {
        let argon2 = Argon2::default();
        match stored.as_deref().map(PasswordHash::new) {
            Some(Ok(parsed)) => argon2.verify_password(password.as_bytes(), &parsed).is_ok(),
            _ => {
                let _ = argon2.hash_password(password.as_bytes());
                false
            }
        }
    })
    .await
}

/// A random token of 32 bytes, hex: for sign-in links and CSRF.
pub fn token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex(&bytes)
}

/// The SHA-256 of a token, hex: what is stored instead of the token itself.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(
            verify("correct horse battery".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("correct horse batterz".into(), Some(stored))
                .await
                .unwrap()
        );
        assert!(!verify("anything at all".into(), None).await.unwrap());
        assert!(
            !verify("anything at all".into(), Some("not a hash".into()))
                .await
                .unwrap()
        );
    }

    #[test]
    fn short_passwords_are_refused_with_the_reason() {
        assert_eq!(
            weakness("short").as_deref(),
            Some("use at least 12 characters (5 given)")
        );
        assert_eq!(weakness("twelve chars"), None);
        assert_eq!(
            weakness(&" ".repeat(20)).as_deref(),
            Some("use letters, numbers or symbols, not only spaces")
        );
        assert!(weakness(&"\t\n ".repeat(5)).is_some());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_of_hashes_runs_two_at_a_time_and_the_excess_is_refused_at_once() {
        let limiter = std::sync::Arc::new(Limiter::new(2, 8));
        let running = std::sync::Arc::new(AtomicUsize::new(0));
        let peak = std::sync::Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let (limiter, running, peak) = (limiter.clone(), running.clone(), peak.clone());
                tokio::spawn(async move {
                    limiter
                        .run(move || {
                            let now = running.fetch_add(1, Ordering::AcqRel) + 1;
                            peak.fetch_max(now, Ordering::AcqRel);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::AcqRel);
                        })
                        .await
                })
            })
            .collect();
        let mut busy = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => {}
                Err(HashError::Busy) => busy += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(peak.load(Ordering::Acquire) <= 2, "at most two at once");
        assert!(busy >= 30, "the excess is refused: {busy} of 50");
        assert_eq!(limiter.waiting.load(Ordering::Acquire), 0);
        assert_eq!(limiter.slots.available_permits(), 2);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (token(), token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
