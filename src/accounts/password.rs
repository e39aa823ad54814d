//! Passwords hashed with argon2id (the argon2 crate's defaults meet OWASP's minimum), on the
//! blocking pool: a check costs tens of milliseconds of CPU. Tokens for sign-in links and CSRF.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use rand::Rng;
use sha2::{Digest, Sha256};

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
    if chars > 256 {
        return Some("use at most 256 characters".into());
    }
    None
}

/// The argon2id hash of a password, in PHC string form.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await?
}

/// Whether `password` matches the stored hash. A missing or unreadable hash never matches,
/// and still costs one hash so that timing does not tell whether the account exists.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let argon2 = Argon2::default();
        match stored.as_deref().map(PasswordHash::new) {
            Some(Ok(parsed)) => Ok(argon2.verify_password(password.as_bytes(), &parsed).is_ok()),
            _ => {
                let _ = argon2.hash_password(password.as_bytes());
                Ok(false)
            }
        }
    })
    .await?
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
