//! Users, one-time sign-in links and failed sign-ins. Each change to a user, and each sign-in
//! and sign-out, is written to the audit log by the query that makes it.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::domain::access::{Account, Role};

#[derive(Debug, Clone, serde::Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub ons_code: Option<String>,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn account(&self) -> Account {
        Account {
            id: self.id,
            email: self.email.clone(),
            role: self.role,
            council: self.ons_code.clone(),
        }
    }
}

/// Users with `$rest` (a `WHERE`, an `ORDER BY`) and its arguments: one checked statement.
macro_rules! user_query {
    ($rest:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            User,
            r#"SELECT id, email, role AS "role: Role", ons_code, password_hash, created_at,
                      disabled_at FROM users "# + $rest
            $(, $arg)*
        )
    };
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_email(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<Option<User>> {
    user_query!("WHERE email = lower($1)", email.trim())
        .fetch_optional(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_id(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<User>> {
    user_query!("WHERE id = $1", id).fetch_optional(db).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<User>> {
    user_query!("ORDER BY role, ons_code NULLS FIRST, email")
        .fetch_all(db)
        .await
}

/// Adds a user, audited as `user.add` by `by`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    conn: &mut PgConnection,
    email: &str,
    role: Role,
    ons_code: Option<&str>,
    password_hash: Option<&str>,
    by: &str,
) -> sqlx::Result<User> {
    let user = sqlx::query_as!(
        User,
        r#"INSERT INTO users (email, role, ons_code, password_hash) VALUES (lower($1), $2, $3, $4)
           RETURNING id, email, role AS "role: Role", ons_code, password_hash, created_at,
                     disabled_at"#,
        email.trim(),
        role as Role,
        ons_code,
        password_hash
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = serde_json::json!(user);
    let object = format!("user {}", user.email);
    super::audit::record(conn, by, "user.add", &object, None, Some(after)).await?;
    Ok(user)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_password(conn: &mut PgConnection, user: &User, hash: &str) -> sqlx::Result<()> {
    write_password(conn, user.id, hash).await?;
    let object = format!("user {}", user.email);
    super::audit::record(conn, &user.email, "user.set_password", &object, None, None).await
}

/// Clears a user's password (a reset: a one-time link sets the next), audited as `user.reset`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn clear_password(conn: &mut PgConnection, user: &User, by: &str) -> sqlx::Result<()> {
    write_password(conn, user.id, "").await?;
    let object = format!("user {}", user.email);
    super::audit::record(conn, by, "user.reset", &object, None, None).await
}

async fn write_password(conn: &mut PgConnection, id: i64, hash: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET password_hash = $2 WHERE id = $1",
        id,
        hash
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Disables a user (they can no longer sign in; their sessions end) or enables them again,
/// audited as `user.disable` or `user.enable` by `by`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_disabled(
    conn: &mut PgConnection,
    user: &User,
    disabled: bool,
    by: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END
         WHERE id = $1",
        user.id,
        disabled
    )
    .execute(&mut *conn)
    .await?;
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    let before = serde_json::json!({ "disabled": user.disabled_at.is_some() });
    let after = serde_json::json!({ "disabled": disabled });
    let object = format!("user {}", user.email);
    super::audit::record(conn, by, action, &object, Some(before), Some(after)).await
}

/// A sign-in (`sign_in`, `sign_in.failed`, `sign_in.throttled`) or a sign-out (`sign_out`) in
/// the audit log, with the address it came from when known.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_sign_in(
    conn: &mut PgConnection,
    email: &str,
    action: &str,
    address: Option<&str>,
) -> sqlx::Result<()> {
    let after = address.map(|a| serde_json::json!({ "address": a }));
    let object = format!("user {email}");
    super::audit::record(conn, email, action, &object, None, after).await
}

/// Stores a one-time sign-in link's token hash, valid until `expires_at`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_link(
    conn: &mut PgConnection,
    user_id: i64,
    token_sha256: &str,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sign_in_links (token_sha256, user_id, expires_at) VALUES ($1, $2, $3)",
        token_sha256,
        user_id,
        expires_at
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Uses a sign-in link once: the user it was for, if it is unused and unexpired.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn use_link(conn: &mut PgConnection, token_sha256: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "UPDATE sign_in_links SET used_at = now()
         WHERE token_sha256 = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING user_id",
        token_sha256
    )
    .fetch_optional(conn)
    .await
}

/// Counts a sign-in attempt for `email` from `address`: under a lock on both (so that parallel
/// attempts are counted one after another), the attempts of the last `minutes` are counted and,
/// if both are under their limits, this one is recorded. Its id, or `None` when throttled.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count_attempt(
    conn: &mut PgConnection,
    email: &str,
    address: &str,
    minutes: i32,
    per_account: i64,
    per_address: i64,
) -> sqlx::Result<Option<i64>> {
    // Always the account's lock first, then the address's: no two attempts wait on each other
    // in a circle.
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('sign-in account ' || lower($1), 0))",
        email.trim()
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('sign-in address ' || $1, 0))",
        address
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        "INSERT INTO sign_in_failures (email, address)
         SELECT lower($1), $2
         FROM (SELECT count(*) FILTER (WHERE email = lower($1)) AS account,
                      count(*) FILTER (WHERE address = $2) AS address
               FROM sign_in_failures
               WHERE at > clock_timestamp() - make_interval(mins => $3)
                 AND (email = lower($1) OR address = $2)) recent
         WHERE recent.account < $4 AND recent.address < $5
         RETURNING id",
        email.trim(),
        address,
        minutes,
        per_account,
        per_address
    )
    .fetch_optional(&mut *conn)
    .await
}

/// Forgets an attempt that succeeded (or was never checked).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn forget_attempt(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM sign_in_failures WHERE id = $1", id)
        .execute(db)
        .await
        .map(drop)
}

/// Takes the lock every change to an admin's standing waits on.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn lock_admins(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended('admins', 0))")
        .execute(conn)
        .await
        .map(drop)
}

/// Admins who can sign in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn active_admins(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM users WHERE role = 'admin' AND disabled_at IS NULL"#
    )
    .fetch_one(db)
    .await
}

/// Forgets failed sign-ins older than a day (throttling looks at minutes).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn forget_old_failures(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    Ok(
        sqlx::query!("DELETE FROM sign_in_failures WHERE at < now() - interval '1 day'")
            .execute(db)
            .await?
            .rows_affected(),
    )
}
