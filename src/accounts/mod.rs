//! Accounts: adding, disabling and resetting users, one-time sign-in links, and signing in
//! with throttling. Every change is written to the audit log (by the query that makes it) in the
//! change's own transaction.

pub mod password;

use chrono::{Duration, Utc};
use sqlx::PgPool;

use crate::db::queries::{areas, sessions, users};
use crate::domain::access::{Account, Role};

/// Failed sign-ins allowed per account, and per address, within [`WINDOW_MINUTES`].
pub const PER_ACCOUNT: i64 = 5;
pub const PER_ADDRESS: i64 = 20;
pub const WINDOW_MINUTES: i32 = 15;
/// How long a one-time sign-in link works.
pub const LINK_HOURS: i64 = 24;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(String),
    /// Too many passwords are being checked at once: try again in a moment.
    #[error("too many passwords are being checked at once")]
    Busy,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<password::HashError> for AccountError {
    fn from(e: password::HashError) -> Self {
        match e {
            password::HashError::Busy => AccountError::Busy,
            password::HashError::Failed(e) => AccountError::Other(e),
        }
    }
}

/// What a sign-in attempt came to. Wrong email and wrong password are one outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    Accepted(Account),
    Refused,
    Throttled,
}

/// A new user: with a password (hashed here), or without one and a one-time link to set it.
pub async fn add_user(
    pool: &PgPool,
    email: &str,
    role: Role,
    council: Option<&str>,
    password: Option<String>,
    by: &str,
) -> Result<(users::User, Option<String>), AccountError> {
    let email = email.trim().to_lowercase();
    if !email.contains('@') || email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err(AccountError::Invalid(format!(
            "'{email}' is not an email address"
        )));
    }
    match (role, council) {
        (Role::Council, None) => {
            return Err(AccountError::Invalid(
                "a council user needs their council (--council ONS_CODE)".into(),
            ));
        }
        (Role::Analyst | Role::Admin, Some(_)) => {
            return Err(AccountError::Invalid(format!(
                "only council users belong to a council, not the {role} role"
            )));
        }
        _ => {}
    }
    if let Some(code) = council
        && areas::authority(pool, code).await?.is_none()
    {
        return Err(AccountError::Invalid(format!(
            "{code} is not a council in the reference"
        )));
    }
    if users::by_email(pool, &email).await?.is_some() {
        return Err(AccountError::Invalid(format!(
            "{email} already has an account"
        )));
    }
    let hash = match password {
        Some(p) => {
            if let Some(why) = password::weakness(&p) {
                return Err(AccountError::Invalid(format!("password: {why}")));
            }
            Some(password::hash(p).await?)
        }
        None => None,
    };
    let mut tx = pool.begin().await?;
    let user = users::insert(&mut tx, &email, role, council, hash.as_deref(), by).await?;
    let link = if hash.is_none() {
        Some(new_link(&mut tx, user.id).await?)
    } else {
        None
    };
    tx.commit().await?;
    Ok((user, link))
}

async fn new_link(conn: &mut sqlx::PgConnection, user_id: i64) -> sqlx::Result<String> {
    let token = password::token();
    users::insert_link(
        conn,
        user_id,
        &password::token_hash(&token),
        Utc::now() + Duration::hours(LINK_HOURS),
    )
    .await?;
    Ok(token)
}

/// A new one-time sign-in link for a user (a password reset); the old password stops working.
pub async fn reset(pool: &PgPool, email: &str, by: &str) -> Result<String, AccountError> {
    let user = users::by_email(pool, email)
        .await?
        .ok_or_else(|| AccountError::Invalid(format!("no account for {email}")))?;
    let mut tx = pool.begin().await?;
    users::clear_password(&mut tx, &user, by).await?;
    sessions::end_all_of(&mut *tx, user.id).await?;
    let token = new_link(&mut tx, user.id).await?;
    tx.commit().await?;
    Ok(token)
}

/// Disables (or enables again) a user. Nobody disables themselves, and the last admin stays.
pub async fn set_disabled(
    pool: &PgPool,
    email: &str,
    disabled: bool,
    by: &str,
) -> Result<users::User, AccountError> {
    let user = users::by_email(pool, email)
        .await?
        .ok_or_else(|| AccountError::Invalid(format!("no account for {email}")))?;
    if disabled && user.email.eq_ignore_ascii_case(by.trim()) {
        return Err(AccountError::Invalid(
            "you cannot disable your own account: ask another admin".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    // Serialises changes to admins, so that two admins disabling each other leave one.
    users::lock_admins(&mut tx).await?;
    if disabled
        && user.role == Role::Admin
        && user.disabled_at.is_none()
        && users::active_admins(&mut *tx).await? <= 1
    {
        return Err(AccountError::Invalid(
            "this is the last admin who can sign in: add another admin first".into(),
        ));
    }
    users::set_disabled(&mut tx, &user, disabled, by).await?;
    if disabled {
        sessions::end_all_of(&mut *tx, user.id).await?;
    }
    tx.commit().await?;
    Ok(users::by_id(pool, user.id).await?.unwrap_or(user))
}

/// Checks an email and password, throttled per account and per address: each attempt is
/// counted before its password is checked, under a lock on the account and the address, so that
/// however many arrive at once at most [`PER_ACCOUNT`] and [`PER_ADDRESS`] are ever checked in
/// [`WINDOW_MINUTES`]. A successful attempt is then forgotten; a failed one stays counted and is
/// written to the audit log.
pub async fn sign_in(
    pool: &PgPool,
    email: &str,
    password: String,
    address: &str,
) -> Result<SignIn, AccountError> {
    let attempt = {
        let mut tx = pool.begin().await?;
        let attempt = users::count_attempt(
            &mut tx,
            email,
            address,
            WINDOW_MINUTES,
            PER_ACCOUNT,
            PER_ADDRESS,
        )
        .await?;
        if attempt.is_none() {
            users::record_sign_in(&mut tx, email, "sign_in.throttled", Some(address)).await?;
        }
        tx.commit().await?;
        attempt
    };
    let Some(attempt) = attempt else {
        return Ok(SignIn::Throttled);
    };
    let user = users::by_email(pool, email)
        .await?
        .filter(|u| u.disabled_at.is_none());
    let stored = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .filter(|h| !h.is_empty());
    let matched = match password::verify(password, stored).await {
        Ok(m) => m,
        Err(e) => {
            // Not checked: the attempt does not count against the account.
            users::forget_attempt(pool, attempt).await?;
            return Err(e.into());
        }
    };
    let mut tx = pool.begin().await?;
    let outcome = match user {
        Some(user) if matched => {
            users::forget_attempt(&mut *tx, attempt).await?;
            users::record_sign_in(&mut tx, &user.email, "sign_in", Some(address)).await?;
            SignIn::Accepted(user.account())
        }
        _ => {
            users::record_sign_in(&mut tx, email, "sign_in.failed", Some(address)).await?;
            SignIn::Refused
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Uses a one-time link to set a password: the account, or why not.
pub async fn set_password_with_link(
    pool: &PgPool,
    token: &str,
    new_password: String,
) -> Result<Account, AccountError> {
    if let Some(why) = password::weakness(&new_password) {
        return Err(AccountError::Invalid(format!("password: {why}")));
    }
    let hash = password::hash(new_password).await?;
    let mut tx = pool.begin().await?;
    let user_id = users::use_link(&mut tx, &password::token_hash(token))
        .await?
        .ok_or_else(|| {
            AccountError::Invalid("this sign-in link has been used or has expired".into())
        })?;
    let user = users::by_id(&mut *tx, user_id)
        .await?
        .filter(|u| u.disabled_at.is_none())
        .ok_or_else(|| AccountError::Invalid("this account is disabled".into()))?;
    users::set_password(&mut tx, &user, &hash).await?;
    sessions::end_all_of(&mut *tx, user.id).await?;
    tx.commit().await?;
    Ok(user.account())
}
