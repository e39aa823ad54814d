//! Email: events queue their messages in the database (in the event's own transaction, through
//! [`notify`]), and a sender delivers them over SMTP ([`Sender`], with [`lettre`]: a maintained
//! client that speaks SMTP, STARTTLS and TLS, and builds MIME messages). Without
//! `SCORECARD_SMTP_URL` and `SCORECARD_MAIL_FROM` the service runs and says mail is off; what is
//! queued waits.
//!
//! Delivery is once per message: a sender claims one message for a lease, sends it, and marks
//! it sent and audited in one transaction. A failure puts it back with a later attempt
//! (doubling, up to [`MAX_BACKOFF_MINUTES`]) and after [`MAX_ATTEMPTS`] it is given up. A sender
//! that stops between the server's acceptance and the mark (the one window no queue can close)
//! sends it again after the lease with the same Message-ID, which mail systems use to show it
//! once.

pub mod message;
pub mod reminders;

use std::time::Duration;

use chrono::Utc;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sqlx::{PgConnection, PgPool};

pub use crate::db::queries::mail::To;
use crate::db::queries::{audit, mail};
pub use message::Email;

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i32 = 10;
/// The longest wait between attempts.
pub const MAX_BACKOFF_MINUTES: i64 = 6 * 60;
/// How long a claimed message is the claimer's (longer than an SMTP exchange may take).
const LEASE_SECONDS: f64 = 120.0;

/// Where links in emails point and how the emails sign off.
#[derive(Debug, Clone)]
pub struct Letterhead {
    pub base_url: String,
    pub service: String,
}

impl Letterhead {
    pub fn new(base_url: &str) -> Letterhead {
        Letterhead {
            base_url: base_url.trim_end_matches('/').to_string(),
            service: "Adult social care scorecard".into(),
        }
    }
}

/// Queues an event's email to its recipients (those who have not turned its kind off), in the
/// caller's transaction. Returns how many were queued.
pub async fn notify(
    conn: &mut PgConnection,
    letterhead: &Letterhead,
    email: &Email,
    to: To<'_>,
) -> sqlx::Result<u64> {
    let users = mail::recipients(&mut *conn, &to, email.kind).await?;
    if users.is_empty() {
        return Ok(0);
    }
    let (text, html) = email.bodies(&letterhead.base_url, &letterhead.service);
    let link = email.address(&letterhead.base_url);
    mail::enqueue(
        conn,
        &mail::Queued {
            kind: email.kind,
            event: &email.event,
            subject: &email.subject,
            text: &text,
            html: &html,
            link: &link,
        },
        &users,
    )
    .await
}

/// Emails a user their one-time sign-in link (a first password, or a reset), and returns the
/// link, which the admin or the command line shows as well.
pub async fn sign_in_link(
    pool: &PgPool,
    letterhead: &Letterhead,
    user: i64,
    token: &str,
    first: bool,
) -> sqlx::Result<String> {
    let address = format!("{}/sign-in/{token}", letterhead.base_url);
    let email = Email::sign_in(
        &address,
        &crate::accounts::password::token_hash(token),
        crate::accounts::LINK_HOURS,
        first,
    );
    let mut tx = pool.begin().await?;
    notify(&mut tx, letterhead, &email, To::User(user)).await?;
    tx.commit().await?;
    Ok(address)
}

/// The wait before attempt `attempts + 1`: one minute, doubling, at most six hours.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let minutes = 1_i64
        .checked_shl(u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30))
        .unwrap_or(i64::MAX);
    chrono::Duration::minutes(minutes.min(MAX_BACKOFF_MINUTES))
}

/// Delivers queued email over SMTP.
#[derive(Clone)]
pub struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    host: String,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender").field("from", &self.from).finish()
    }
}

impl Sender {
    /// From `smtp://host:port`, `smtp://user:pass@host:587?tls=required` or `smtps://host`.
    pub fn new(smtp_url: &str, from: &str) -> anyhow::Result<Sender> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("SCORECARD_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("SCORECARD_MAIL_FROM '{from}': {e}"))?;
        let host = from.email.domain().to_string();
        Ok(Sender {
            transport,
            from,
            host,
        })
    }

    /// Sends every message due now, one at a time; returns how many were sent.
    pub async fn deliver_due(&self, pool: &PgPool) -> anyhow::Result<usize> {
        let mut sent = 0;
        while let Some(m) = mail::claim(pool, LEASE_SECONDS).await? {
            if self.deliver(pool, m).await? {
                sent += 1;
            }
        }
        Ok(sent)
    }

    /// One claimed message: sent and audited, dropped, or put back for later.
    async fn deliver(&self, pool: &PgPool, m: mail::Claimed) -> anyhow::Result<bool> {
        let mut tx = pool.begin().await?;
        if !m.wanted {
            mail::drop(
                &mut tx,
                m.id,
                "the user is disabled or turned these emails off",
            )
            .await?;
            audit::record(
                &mut tx,
                "mail",
                "mail.dropped",
                &format!("mail {}", m.id),
                None,
                None,
            )
            .await?;
            tx.commit().await?;
            return Ok(false);
        }
        match self.send(&m).await {
            Ok(()) => {
                mail::sent(&mut tx, m.id).await?;
                audit::record(
                    &mut tx,
                    "mail",
                    "mail.sent",
                    &format!("mail {} to {}", m.id, m.email),
                    None,
                    Some(serde_json::json!({ "kind": m.kind, "attempts": m.attempts })),
                )
                .await?;
                tx.commit().await?;
                Ok(true)
            }
            Err(e) if m.attempts >= MAX_ATTEMPTS => {
                tracing::warn!(id = m.id, error = %e, "email given up");
                mail::drop(
                    &mut tx,
                    m.id,
                    &format!("not sent after {MAX_ATTEMPTS} attempts: {e}"),
                )
                .await?;
                tx.commit().await?;
                Ok(false)
            }
            Err(e) => {
                tracing::info!(id = m.id, attempts = m.attempts, error = %e, "email not sent; will retry");
                drop(tx);
                mail::retry(pool, m.id, &e.to_string(), Utc::now() + backoff(m.attempts)).await?;
                Ok(false)
            }
        }
    }

    async fn send(&self, m: &mail::Claimed) -> anyhow::Result<()> {
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(m.email.parse()?)
            .subject(m.subject.clone())
            .message_id(Some(format!("<scorecard-mail-{}@{}>", m.id, self.host)))
            .multipart(MultiPart::alternative_plain_html(
                m.body_text.clone(),
                m.body_html.clone(),
            ))?;
        self.transport.send(message).await?;
        Ok(())
    }

    /// Sends what is due, then every `every`, for as long as the service runs; each pass also
    /// queues the reminders that have fallen due.
    pub async fn run(self, pool: PgPool, letterhead: Letterhead, region: String, every: Duration) {
        loop {
            if let Err(e) =
                reminders::queue_due(&pool, &letterhead, &region, Utc::now().date_naive()).await
            {
                tracing::warn!(error = %e, "queueing reminders");
            }
            if let Err(e) = self.deliver_due(&pool).await {
                tracing::warn!(error = %e, "sending email");
            }
            tokio::time::sleep(every).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_a_minute_to_six_hours() {
        let minutes: Vec<i64> = (1..=12).map(|a| backoff(a).num_minutes()).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]);
        assert_eq!(backoff(0).num_minutes(), 1);
        assert_eq!(backoff(i32::MAX).num_minutes(), 360);
    }
}
