//! Passwords hashed with argon2id (the argon2 crate's defaults meet OWASP's minimum) in PHC
//! strings, on hashing threads of their own that each keep one hash's working memory: a check
//! costs tens of milliseconds of CPU and 19 MiB, allocated once per thread, not once per check.
//! Tokens for sign-in links and CSRF.

use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::sync::{Arc, LazyLock, Mutex};

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

/// Password hashing runs on its own threads, one per core, fed through a bounded queue: each
/// hash takes about 19 MiB and a core for tens of milliseconds, so a flood of sign-ins costs at
/// most one hash's memory per thread, kept by that thread's allocator and reused (on the
/// blocking pool every thread would keep its own), and past the queue a sign-in is refused at
/// once rather than held.
#[derive(Debug)]
struct Hashers {
    jobs: std::sync::mpsc::SyncSender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

impl Hashers {
    fn new(threads: usize, queue: usize) -> Hashers {
        let (jobs, waiting) = std::sync::mpsc::sync_channel::<Job>(queue);
        let waiting = Arc::new(Mutex::new(waiting));
        for i in 0..threads {
            let waiting = Arc::clone(&waiting);
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        let next = match waiting.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match next {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "a password hashing thread did not start");
            }
        }
        Hashers { jobs }
    }

    /// Runs `work` (a hash) on a hashing thread, or refuses when the queue is full.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            if let Ok(value) = outcome {
                let _ = done.send(value);
            }
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(std::sync::mpsc::TrySendError::Full(_)) => return Err(HashError::Busy),
            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => {
                return Err(HashError::Failed(anyhow::anyhow!(
                    "the password hashing threads have stopped"
                )));
            }
        }
        result
            .await
            .map_err(|_| HashError::Failed(anyhow::anyhow!("a password hash failed")))
    }
}

static HASHING: LazyLock<Hashers> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    Hashers::new(cores, cores * QUEUE_PER_CORE)
});

/// Hashes that may wait per hashing thread before sign-ins are answered "busy, try again".
pub const QUEUE_PER_CORE: usize = 8;

async fn in_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    HASHING.run(work).await
}

/// The most working memory a stored hash may ask for, in KiB (ours ask for the default 19 MiB).
const MAX_MEMORY_KIB: u32 = 64 * 1024;

thread_local! {
    /// A hashing thread's working memory, kept from one hash to the next.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Argon2 of `password` and `salt` into `out`, in this thread's kept memory.
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    MEMORY.with_borrow_mut(|blocks| {
        let needed = params.block_count();
        if blocks.len() != needed {
            *blocks = vec![Block::new(); needed];
        }
        Argon2::new(algorithm, version, params.clone()).hash_password_into_with_memory(
            password,
            salt,
            out,
            &mut blocks[..],
        )
    })
}

/// A new argon2id hash of `password` with a random salt, as a PHC string.
fn hash_now(password: &[u8]) -> anyhow::Result<String> {
    let params = Params::default();
    let salt: [u8; 16] = rand::rng().random();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(
        Algorithm::Argon2id,
        Version::V0x13,
        &params,
        password,
        &salt,
        &mut out,
    )
    .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches a stored PHC string; `None` when the string is not one we can
/// check (not argon2, unreadable, or asking for more memory than we allow).
fn matches(password: &[u8], stored: &str) -> Option<bool> {
    let parsed = PasswordHash::new(stored).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).ok()?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).ok()?;
    if params.m_cost() > MAX_MEMORY_KIB {
        return None;
    }
    let (salt, expected) = (parsed.salt?, parsed.hash?);
    let mut out = vec![0u8; expected.len()];
    compute(
        algorithm,
        version,
        &params,
        password,
        salt.as_ref(),
        &mut out,
    )
    .ok()?;
    Some(Output::new(&out).ok()? == expected)
}

/// The argon2id hash of a password, in PHC string form. Setting a password is rare and needs
/// an account or a sign-in link, so it waits (up to 10 s) for a place rather than being turned
/// away by a flood of sign-ins.
pub async fn hash(password: String) -> Result<String, HashError> {
    let started = std::time::Instant::now();
    loop {
        let attempt = password.clone();
        match in_slot(move || hash_now(attempt.as_bytes())).await {
            Err(HashError::Busy) if started.elapsed() < std::time::Duration::from_secs(10) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            other => return other?.map_err(HashError::Failed),
        }
    }
}

/// Whether `password` matches the stored hash. A missing or unreadable hash never matches,
/// and still costs one hash so that timing does not tell whether the account exists.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, HashError> {
    in_slot(move || {
        match stored
            .as_deref()
            .and_then(|s| matches(password.as_bytes(), s))
        {
            Some(matched) => matched,
            None => {
                let _ = hash_now(password.as_bytes());
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

    #[tokio::test]
    async fn hashes_are_standard_phc_strings_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash("correct horse battery".into()).await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok(),
            "the argon2 crate verifies our hash"
        );
        let theirs = Argon2::default()
            .hash_password(b"correct horse battery")
            .unwrap()
            .to_string();
        assert!(
            verify("correct horse battery".into(), Some(theirs.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("correct horse batterz".into(), Some(theirs))
                .await
                .unwrap()
        );
        // A stored hash asking for a gigabyte of memory is not checked.
        let greedy = ours.replace("m=19456", "m=1048576");
        assert!(
            !verify("correct horse battery".into(), Some(greedy))
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
        use std::sync::atomic::{AtomicUsize, Ordering};
        let hashers = Arc::new(Hashers::new(2, 8));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let (hashers, running, peak) = (hashers.clone(), running.clone(), peak.clone());
                tokio::spawn(async move {
                    hashers
                        .run(move || {
                            let now = running.fetch_add(1, Ordering::AcqRel) + 1;
                            peak.fetch_max(now, Ordering::AcqRel);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::AcqRel);
                            std::thread::current().name().map(str::to_string)
                        })
                        .await
                })
            })
            .collect();
        let mut busy = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(thread) => assert!(thread.unwrap().starts_with("argon2-")),
                Err(HashError::Busy) => busy += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(peak.load(Ordering::Acquire) <= 2, "at most two at once");
        assert!(busy >= 30, "the excess is refused: {busy} of 50");
        // The queue is free again once the flood has passed.
        assert_eq!(hashers.run(|| 7).await.unwrap(), 7);
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
