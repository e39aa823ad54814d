//! The email queue and each user's choice of emails. Queued in the transaction of the event
//! (nothing lost if the service stops before it sends), once per event and recipient; sent by
//! claiming one message at a time for a lease, so that two senders never send the same one.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

/// Who an event's email goes to.
#[derive(Debug, Clone)]
pub enum To<'a> {
    /// Every enabled user of a council.
    Council(&'a str),
    /// Every enabled user of each council of a region (a comparator group).
    Region(&'a str),
    Analysts,
    User(i64),
}

/// The enabled users an email of `kind` goes to, less those who turned the kind off.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn recipients(
    db: impl PgExecutor<'_>,
    to: &To<'_>,
    kind: &str,
) -> sqlx::Result<Vec<i64>> {
    let (council, region, analysts, user) = match to {
        To::Council(c) => (Some(*c), None, false, None),
        To::Region(r) => (None, Some(*r), false, None),
        To::Analysts => (None, None, true, None),
        To::User(id) => (None, None, false, Some(*id)),
    };
    sqlx::query_scalar!(
        "SELECT u.id FROM users u
         WHERE u.disabled_at IS NULL
           AND ((u.role = 'council' AND u.ons_code = $1)
                OR (u.role = 'council' AND u.ons_code IN
                    (SELECT ons_code FROM comparator_group_members
                     WHERE group_slug = $2 AND valid_to IS NULL))
                OR ($3 AND u.role = 'analyst')
                OR u.id = $4)
           AND NOT EXISTS (SELECT 1 FROM mail_preferences p
                           WHERE p.user_id = u.id AND p.kind = $5 AND NOT p.wanted)
         ORDER BY u.id",
        council,
        region,
        analysts,
        user,
        kind
    )
    .fetch_all(db)
    .await
}

/// A message ready to queue.
#[derive(Debug, Clone)]
pub struct Queued<'a> {
    pub kind: &'a str,
    pub event: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub link: &'a str,
}

/// Queues the message for each user (once: a second queueing of the same event is ignored).
/// Returns how many were new.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn enqueue(conn: &mut PgConnection, m: &Queued<'_>, users: &[i64]) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "INSERT INTO mail_outbox (user_id, kind, event_key, subject, body_text, body_html, link)
         SELECT u, $2, $3 || ':' || u, $4, $5, $6, $7 FROM unnest($1::bigint[]) u
         ON CONFLICT (event_key) DO NOTHING",
        users,
        m.kind,
        m.event,
        m.subject,
        m.text,
        m.html,
        m.link
    )
    .execute(conn)
    .await?
    .rows_affected())
}

/// A message claimed for sending, with its recipient as they are now.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub kind: String,
    pub email: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i32,
    /// Whether the recipient may still get it (enabled, and the kind not turned off since).
    pub wanted: bool,
}

/// Claims the oldest message due, for `lease_seconds`: another sender skips it until the lease
/// ends (a sender that stopped mid-send leaves it to be tried again).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn claim(db: impl PgExecutor<'_>, lease_seconds: f64) -> sqlx::Result<Option<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"WITH next AS (
             SELECT id FROM mail_outbox
             WHERE sent_at IS NULL AND dropped_at IS NULL AND next_attempt_at <= clock_timestamp()
               AND (claimed_until IS NULL OR claimed_until < clock_timestamp())
             ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
           UPDATE mail_outbox m
           SET claimed_until = clock_timestamp() + make_interval(secs => $1),
               attempts = m.attempts + 1
           FROM next, users u
           WHERE m.id = next.id AND u.id = m.user_id
           RETURNING m.id, m.kind, u.email, m.subject, m.body_text, m.body_html, m.attempts,
                     (u.disabled_at IS NULL
                      AND (m.kind = 'sign_in_link' OR NOT EXISTS (
                           SELECT 1 FROM mail_preferences p
                           WHERE p.user_id = u.id AND p.kind = m.kind AND NOT p.wanted)))
                     AS "wanted!""#,
        lease_seconds
    )
    .fetch_optional(db)
    .await
}

/// Marks a message sent; a sign-in link's bodies are emptied (its token is not kept).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sent(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE mail_outbox SET sent_at = clock_timestamp(), claimed_until = NULL, last_error = NULL,
                body_text = CASE WHEN kind = 'sign_in_link' THEN '' ELSE body_text END,
                body_html = CASE WHEN kind = 'sign_in_link' THEN '' ELSE body_html END,
                link = CASE WHEN kind = 'sign_in_link' THEN '' ELSE link END
         WHERE id = $1",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Puts a message back to be tried again at `next`, with the error.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn retry(
    db: impl PgExecutor<'_>,
    id: i64,
    error: &str,
    next: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE mail_outbox SET claimed_until = NULL, last_error = $2, next_attempt_at = $3 WHERE id = $1",
        id,
        error,
        next
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Gives a message up, saying why.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn drop(conn: &mut PgConnection, id: i64, why: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE mail_outbox SET dropped_at = clock_timestamp(), dropped_why = $2, claimed_until = NULL,
                body_text = CASE WHEN kind = 'sign_in_link' THEN '' ELSE body_text END,
                body_html = CASE WHEN kind = 'sign_in_link' THEN '' ELSE body_html END,
                link = CASE WHEN kind = 'sign_in_link' THEN '' ELSE link END
         WHERE id = $1",
        id,
        why
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops the sign-in links not sent within `hours` (mail off, or the server down), emptying
/// them: a link's token is kept no longer than the link works. Returns how many.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn expire_links(db: impl PgExecutor<'_>, hours: i32) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "UPDATE mail_outbox SET dropped_at = clock_timestamp(),
                dropped_why = 'the link expired before it was sent', claimed_until = NULL,
                body_text = '', body_html = '', link = ''
         WHERE kind = 'sign_in_link' AND sent_at IS NULL AND dropped_at IS NULL
           AND created_at < clock_timestamp() - make_interval(hours => $1)",
        hours
    )
    .execute(db)
    .await?
    .rows_affected())
}

/// The kinds a user has turned off.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn turned_off(db: impl PgExecutor<'_>, user: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT kind FROM mail_preferences WHERE user_id = $1 AND NOT wanted ORDER BY kind",
        user
    )
    .fetch_all(db)
    .await
}

/// Records a user's choice of each kind.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn choose(
    conn: &mut PgConnection,
    user: i64,
    choices: &[(&str, bool)],
) -> sqlx::Result<()> {
    for (kind, wanted) in choices {
        sqlx::query!(
            "INSERT INTO mail_preferences (user_id, kind, wanted) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, kind) DO UPDATE SET wanted = excluded.wanted",
            user,
            kind,
            wanted
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
