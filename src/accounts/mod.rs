//! Accounts: adding, disabling and resetting users, one-time sign-in links, and signing in
//! with throttling. Every change is written to the audit log in its own transaction.

pub mod password;

use chrono::{Duration, Utc};
use sqlx::PgPool;

use crate::db::queries::{areas, audit, users};
use crate::domain::account::{Account, Role};

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
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
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
    let user = users::insert(&mut tx, &email, role, council, hash.as_deref()).await?;
    audit::record(
        &mut tx,
        by,
        "user.add",
        &format!("user {}", user.email),
        None,
        Some(serde_json::json!(user)),
    )
    .await?;
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
    users::set_password(&mut tx, user.id, "").await?;
    let token = new_link(&mut tx, user.id).await?;
    audit::record(
        &mut tx,
        by,
        "user.reset",
        &format!("user {}", user.email),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Disables (or enables again) a user.
pub async fn set_disabled(
    pool: &PgPool,
    email: &str,
    disabled: bool,
    by: &str,
) -> Result<users::User, AccountError> {
    let user = users::by_email(pool, email)
        .await?
        .ok_or_else(|| AccountError::Invalid(format!("no account for {email}")))?;
    let mut tx = pool.begin().await?;
    users::set_disabled(&mut tx, user.id, disabled).await?;
    audit::record(
        &mut tx,
        by,
        if disabled {
            "user.disable"
        } else {
            "user.enable"
        },
        &format!("user {}", user.email),
        Some(serde_json::json!({ "disabled": user.disabled_at.is_some() })),
        Some(serde_json::json!({ "disabled": disabled })),
    )
    .await?;
    tx.commit().await?;
    Ok(users::by_id(pool, user.id).await?.unwrap_or(user))
}

/// Checks an email and password, throttled per account and per address.
pub async fn sign_in(
    pool: &PgPool,
    email: &str,
    password: String,
    address: &str,
) -> Result<SignIn, AccountError> {
    let (account_failures, address_failures) =
        users::recent_failures(pool, email, address, WINDOW_MINUTES).await?;
    if account_failures >= PER_ACCOUNT || address_failures >= PER_ADDRESS {
        return Ok(SignIn::Throttled);
    }
    let user = users::by_email(pool, email)
        .await?
        .filter(|u| u.disabled_at.is_none());
    let stored = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .filter(|h| !h.is_empty());
    if password::verify(password, stored).await?
        && let Some(user) = user
    {
        return Ok(SignIn::Accepted(user.account()));
    }
    users::record_failure(pool, email, address).await?;
    Ok(SignIn::Refused)
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
    users::set_password(&mut tx, user.id, &hash).await?;
    audit::record(
        &mut tx,
        &user.email,
        "user.set_password",
        &format!("user {}", user.email),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(user.account())
}

/// Whether a signed-in account is still allowed in (not disabled, same role and council).
pub async fn still_valid(pool: &PgPool, account: &Account) -> sqlx::Result<bool> {
    Ok(users::by_id(pool, account.id)
        .await?
        .is_some_and(|u| u.disabled_at.is_none() && u.account() == *account))
}
