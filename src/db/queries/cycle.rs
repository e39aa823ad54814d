//! The improvement cycle's records: the year's review window, the Board's decisions and
//! escalations, peer challenges and their action plans, councils' requests for support and the
//! annual report's issues. Each write is audited in its transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

use super::audit;
use crate::domain::Period;

/// The year's review window as set by the analyst, if set.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn window(
    db: impl PgExecutor<'_>,
    year: Period,
) -> sqlx::Result<Option<(NaiveDate, NaiveDate)>> {
    Ok(sqlx::query!(
        "SELECT opens, closes FROM review_windows WHERE year = $1",
        year as Period
    )
    .fetch_optional(db)
    .await?
    .map(|r| (r.opens, r.closes)))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_window(
    conn: &mut PgConnection,
    year: Period,
    opens: NaiveDate,
    closes: NaiveDate,
    by: &str,
) -> sqlx::Result<()> {
    super::submissions::ensure_periods(&mut *conn, &[year].into()).await?;
    let before = window(&mut *conn, year).await?;
    sqlx::query!(
        "INSERT INTO review_windows (year, opens, closes, set_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (year) DO UPDATE SET opens = $2, closes = $3, set_by = $4, set_at = now()",
        year as Period,
        opens,
        closes,
        by
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "cycle.window",
        &format!("review window {year}"),
        before.map(|(o, c)| serde_json::json!({ "opens": o, "closes": c })),
        Some(serde_json::json!({ "opens": opens, "closes": closes })),
    )
    .await
}

/// A thematic review of the year: when it opened and when self-assessments are due, and the
/// councils that self-assessed on it.
#[derive(Debug, Clone)]
pub struct ThemeState {
    pub title: String,
    pub opened_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub councils: Vec<String>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn themes(db: impl PgExecutor<'_>, year: Period) -> sqlx::Result<Vec<ThemeState>> {
    sqlx::query_as!(
        ThemeState,
        r#"SELECT t.title, t.opened_on, t.due_on,
                  coalesce(array_agg(DISTINCT s.ons_code) FILTER (WHERE s.ons_code IS NOT NULL),
                           '{}') AS "councils!"
           FROM themes t
           LEFT JOIN theme_criteria c ON c.theme_id = t.id
           LEFT JOIN self_assessments s ON s.criterion_id = c.id
           WHERE t.year = $1 GROUP BY t.id ORDER BY t.id"#,
        year as Period
    )
    .fetch_all(db)
    .await
}

/// A decision of the Board about a council's year.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Decision {
    pub id: i64,
    pub ons_code: String,
    pub year: String,
    pub decision: String,
    pub reason: String,
    pub decided_on: NaiveDate,
    pub accepted: Option<bool>,
    pub answered_on: Option<NaiveDate>,
    pub recorded_by: String,
}

/// The decisions of a year, of one council or (none) every council.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn decisions(
    db: impl PgExecutor<'_>,
    year: Period,
    council: Option<&str>,
) -> sqlx::Result<Vec<Decision>> {
    sqlx::query_as!(
        Decision,
        "SELECT id, ons_code, year, decision, reason, decided_on, accepted, answered_on, recorded_by
         FROM board_decisions WHERE year = $1 AND ($2::text IS NULL OR ons_code = $2)
         ORDER BY decided_on, id",
        year as Period,
        council
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn decide(
    conn: &mut PgConnection,
    council: &str,
    year: Period,
    decision: &str,
    reason: &str,
    decided_on: NaiveDate,
    by: &str,
) -> sqlx::Result<i64> {
    super::submissions::ensure_periods(&mut *conn, &[year].into()).await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO board_decisions (ons_code, year, decision, reason, decided_on, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        council,
        year as Period,
        decision,
        reason,
        decided_on,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "board.decision",
        &format!("board decision {id} on {council} for {year}"),
        None,
        Some(
            serde_json::json!({ "decision": decision, "reason": reason, "decided_on": decided_on }),
        ),
    )
    .await?;
    Ok(id)
}

/// The council's answer to a decision (accepted or not), once: false when the decision is not
/// the council's or was answered already.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn answer(
    conn: &mut PgConnection,
    council: &str,
    id: i64,
    accepted: bool,
    on: NaiveDate,
    by: &str,
) -> sqlx::Result<bool> {
    let answered = sqlx::query!(
        "UPDATE board_decisions SET accepted = $3, answered_on = $4, answered_by = $5
         WHERE id = $1 AND ons_code = $2 AND accepted IS NULL",
        id,
        council,
        accepted,
        on,
        by
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if answered {
        audit::record(
            conn,
            by,
            "board.answer",
            &format!("board decision {id} on {council}"),
            None,
            Some(serde_json::json!({ "accepted": accepted, "on": on })),
        )
        .await?;
    }
    Ok(answered)
}

/// An escalation of a council's year (MoU 7.4).
#[derive(Debug, Clone)]
pub struct Escalation {
    pub ons_code: String,
    pub escalated_to: String,
    pub reason: String,
    pub escalated_on: NaiveDate,
    pub recorded_by: String,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn escalations(
    db: impl PgExecutor<'_>,
    year: Period,
    council: Option<&str>,
) -> sqlx::Result<Vec<Escalation>> {
    sqlx::query_as!(
        Escalation,
        "SELECT ons_code, escalated_to, reason, escalated_on, recorded_by FROM escalations
         WHERE year = $1 AND ($2::text IS NULL OR ons_code = $2) ORDER BY escalated_on, id",
        year as Period,
        council
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn escalate(
    conn: &mut PgConnection,
    council: &str,
    year: Period,
    to: &str,
    reason: &str,
    on: NaiveDate,
    by: &str,
) -> sqlx::Result<()> {
    super::submissions::ensure_periods(&mut *conn, &[year].into()).await?;
    sqlx::query!(
        "INSERT INTO escalations (ons_code, year, escalated_to, reason, escalated_on, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        council,
        year as Period,
        to,
        reason,
        on,
        by
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "board.escalation",
        &format!("escalation of {council} for {year}"),
        None,
        Some(serde_json::json!({ "to": to, "reason": reason, "on": on })),
    )
    .await
}

/// A peer challenge as recorded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Challenge {
    pub id: i64,
    pub ons_code: String,
    pub origin: String,
    pub scope: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub team: String,
    pub findings: String,
    pub recommendations: String,
}

/// What a new peer challenge records.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewChallenge<'a> {
    pub ons_code: &'a str,
    pub year: Period,
    pub origin: &'a str,
    pub scope: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub team: &'a str,
    pub findings: &'a str,
    pub recommendations: &'a str,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn challenges(
    db: impl PgExecutor<'_>,
    year: Period,
    council: Option<&str>,
) -> sqlx::Result<Vec<Challenge>> {
    sqlx::query_as!(
        Challenge,
        "SELECT id, ons_code, origin, scope, starts_on, ends_on, team, findings, recommendations
         FROM peer_challenges WHERE year = $1 AND ($2::text IS NULL OR ons_code = $2)
         ORDER BY starts_on, id",
        year as Period,
        council
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_challenge(
    conn: &mut PgConnection,
    c: &NewChallenge<'_>,
    by: &str,
) -> sqlx::Result<i64> {
    super::submissions::ensure_periods(&mut *conn, &[c.year].into()).await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO peer_challenges (ons_code, year, origin, scope, starts_on, ends_on, team,
             findings, recommendations, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        c.ons_code,
        c.year as Period,
        c.origin,
        c.scope,
        c.starts_on,
        c.ends_on,
        c.team,
        c.findings,
        c.recommendations,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "peer.challenge",
        &format!("peer challenge {id} of {}", c.ons_code),
        None,
        Some(serde_json::json!(c)),
    )
    .await?;
    Ok(id)
}

/// An action of a peer challenge's plan, or support agreed in an assessment: something with an
/// owner and a due date.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub ons_code: String,
    /// `action` (a peer challenge's) or `support` (agreed in the annual assessment).
    pub kind: String,
    pub id: i64,
    /// The peer challenge of an action.
    pub challenge: Option<i64>,
    pub what: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

/// Every action and agreed support with a due date, of one council or every council.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn follow_ups(
    db: impl PgExecutor<'_>,
    council: Option<&str>,
) -> sqlx::Result<Vec<FollowUp>> {
    sqlx::query_as!(
        FollowUp,
        r#"SELECT c.ons_code AS "ons_code!", 'action' AS "kind!", a.id AS "id!",
                  a.challenge_id AS challenge, a.action AS "what!", a.owner AS "owner!",
                  a.due_on AS "due_on!", a.done_on
           FROM peer_actions a JOIN peer_challenges c ON c.id = a.challenge_id
           WHERE $1::text IS NULL OR c.ons_code = $1
           UNION ALL
           SELECT s.ons_code, 'support', e.id, NULL::bigint, e.body,
                  coalesce(e.details->>'owner', ''),
                  (e.details->>'follow_up')::date, NULL::date
           FROM assessment_entries e JOIN assessments s ON s.id = e.assessment_id
           WHERE e.kind = 'support' AND e.details ? 'follow_up'
             AND ($1::text IS NULL OR s.ons_code = $1)"#,
        council
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_action(
    conn: &mut PgConnection,
    council: &str,
    challenge: i64,
    action: &str,
    owner: &str,
    due_on: NaiveDate,
    by: &str,
) -> sqlx::Result<Option<i64>> {
    let id = sqlx::query_scalar!(
        "INSERT INTO peer_actions (challenge_id, action, owner, due_on, recorded_by)
         SELECT id, $3, $4, $5, $6 FROM peer_challenges WHERE id = $1 AND ons_code = $2
         RETURNING id",
        challenge,
        council,
        action,
        owner,
        due_on,
        by
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        audit::record(
            conn,
            by,
            "peer.action",
            &format!("action {id} of peer challenge {challenge} ({council})"),
            None,
            Some(serde_json::json!({ "action": action, "owner": owner, "due_on": due_on })),
        )
        .await?;
    }
    Ok(id)
}

/// A follow-up review of an action: what was found, and the date it was done (if it is).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn review_action(
    conn: &mut PgConnection,
    council: &str,
    action: i64,
    review: &str,
    done_on: Option<NaiveDate>,
    by: &str,
) -> sqlx::Result<bool> {
    let reviewed = sqlx::query!(
        "UPDATE peer_actions a SET review = $3, done_on = $4
         FROM peer_challenges c WHERE a.id = $1 AND c.id = a.challenge_id AND c.ons_code = $2",
        action,
        council,
        review,
        done_on
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if reviewed {
        audit::record(
            conn,
            by,
            "peer.review",
            &format!("action {action} ({council})"),
            None,
            Some(serde_json::json!({ "review": review, "done_on": done_on })),
        )
        .await?;
    }
    Ok(reviewed)
}

/// A council's request for support.
#[derive(Debug, Clone)]
pub struct Request {
    pub ons_code: String,
    pub tier: String,
    pub offer: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn requests(
    db: impl PgExecutor<'_>,
    year: Period,
    council: Option<&str>,
) -> sqlx::Result<Vec<Request>> {
    sqlx::query_as!(
        Request,
        "SELECT ons_code, tier, offer, reason, requested_by, requested_at FROM support_requests
         WHERE year = $1 AND ($2::text IS NULL OR ons_code = $2) ORDER BY id",
        year as Period,
        council
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
#[expect(
    clippy::too_many_arguments,
    reason = "a request's fields, its council and author"
)]
pub async fn request(
    conn: &mut PgConnection,
    council: &str,
    year: Period,
    tier: &str,
    offer: &str,
    reason: &str,
    routed_to: &[String],
    by: &str,
) -> sqlx::Result<()> {
    super::submissions::ensure_periods(&mut *conn, &[year].into()).await?;
    sqlx::query!(
        "INSERT INTO support_requests (ons_code, year, tier, offer, reason, requested_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        council,
        year as Period,
        tier,
        offer,
        reason,
        by
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "support.request",
        &format!("support request of {council} for {year}"),
        None,
        Some(serde_json::json!({
            "tier": tier, "offer": offer, "reason": reason, "routed_to": routed_to,
        })),
    )
    .await
}

/// An issue of the annual report.
#[derive(Debug, Clone)]
pub struct Issued {
    pub revision: i32,
    pub published: bool,
    pub reviewer: String,
    pub members: String,
    pub contents: serde_json::Value,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
}

/// Every issue of the year's report, the latest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn reports(db: impl PgExecutor<'_>, year: Period) -> sqlx::Result<Vec<Issued>> {
    sqlx::query_as!(
        Issued,
        "SELECT revision, published, reviewer, members, contents, issued_by, issued_at
         FROM annual_reports WHERE year = $1 ORDER BY revision DESC",
        year as Period
    )
    .fetch_all(db)
    .await
}

/// The latest issue of the year's report the Board published, if any.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn published_report(
    db: impl PgExecutor<'_>,
    year: Period,
) -> sqlx::Result<Option<Issued>> {
    sqlx::query_as!(
        Issued,
        "SELECT revision, published, reviewer, members, contents, issued_by, issued_at
         FROM annual_reports WHERE year = $1 AND published ORDER BY revision DESC LIMIT 1",
        year as Period
    )
    .fetch_optional(db)
    .await
}

/// The support agreed in the year's assessments: (council, tier, offer).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn support_agreed(
    db: impl PgExecutor<'_>,
    year: Period,
) -> sqlx::Result<Vec<(String, String, String)>> {
    Ok(sqlx::query!(
        r#"SELECT a.ons_code, coalesce(e.details->>'tier', '') AS "tier!", e.body
           FROM assessment_entries e JOIN assessments a ON a.id = e.assessment_id
           WHERE a.year = $1 AND e.kind = 'support' ORDER BY e.id"#,
        year as Period
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.ons_code, r.tier, r.body))
    .collect())
}

/// What an issue of the report records.
pub struct NewIssue<'a> {
    pub year: Period,
    pub reviewer: &'a str,
    pub members: &'a str,
    pub contents: &'a serde_json::Value,
    pub published: bool,
}

/// Issues the year's report as its next revision.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn issue(conn: &mut PgConnection, new: &NewIssue<'_>, by: &str) -> sqlx::Result<i32> {
    let NewIssue {
        year,
        reviewer,
        members,
        contents,
        published,
    } = *new;
    super::submissions::ensure_periods(&mut *conn, &[year].into()).await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('annual-report:' || $1, 0))",
        year as Period
    )
    .execute(&mut *conn)
    .await?;
    let revision = sqlx::query_scalar!(
        r#"INSERT INTO annual_reports (year, revision, reviewer, members, contents, issued_by,
               published)
           SELECT $1, coalesce(max(revision), 0) + 1, $2, $3, $4, $5, $6
           FROM annual_reports WHERE year = $1
           RETURNING revision"#,
        year as Period,
        reviewer,
        members,
        contents,
        by,
        published
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "board.report",
        &format!("annual report {year} revision {revision}"),
        None,
        Some(
            serde_json::json!({ "reviewer": reviewer, "members": members, "published": published }),
        ),
    )
    .await?;
    Ok(revision)
}
