//! A council's year with the Board, on its risk profile: the Board's decisions and the council's
//! answer (MoU 2.1 i), escalations (MoU 7.4), peer challenges with their action plans and
//! follow-up reviews, and the council's requests for support (routed to its sub-region's
//! directors and the analyst). The analyst records the Board's side; the council answers,
//! asks, and keeps its own peer challenges' plans. Never public.

use super::*;
use crate::db::queries::{cycle, users};
use crate::domain::access::Role;
use crate::domain::long_date;
use crate::risk::cycle::{DECISIONS, ESCALATIONS, label};

/// A peer challenge as the profile shows it, with its actions.
pub(super) struct ChallengeRow {
    pub id: i64,
    pub origin: &'static str,
    pub scope: String,
    pub dates: String,
    pub team: String,
    pub findings: String,
    pub recommendations: String,
    pub actions: Vec<(i64, String, String, String, String)>,
}

/// The council's year with the Board, as its profile shows it.
pub(super) struct BoardRecords {
    /// (id, decision in words, reason, decided on, the council's answer; answerable)
    pub decisions: Vec<(i64, &'static str, String, String, String, bool)>,
    pub escalations: Vec<(&'static str, String, String)>,
    pub challenges: Vec<ChallengeRow>,
    pub requests: Vec<(String, String, String)>,
    pub decision_choices: Vec<(&'static str, &'static str)>,
    pub escalation_choices: Vec<(&'static str, &'static str)>,
}

pub(super) async fn records(
    state: &AppState,
    council: &str,
    year: Period,
) -> Result<BoardRecords, AppError> {
    let decisions = cycle::decisions(&state.pool, year, Some(council))
        .await?
        .into_iter()
        .map(|d| {
            let answer = match (d.accepted, d.answered_on) {
                (Some(true), Some(on)) => format!("accepted by the council, {}", long_date(on)),
                (Some(false), Some(on)) => {
                    format!("not accepted by the council, {}", long_date(on))
                }
                _ => "awaiting the council's answer".to_string(),
            };
            let open = d.accepted.is_none();
            (
                d.id,
                label(&DECISIONS, &d.decision),
                d.reason,
                long_date(d.decided_on),
                answer,
                open,
            )
        })
        .collect();
    let escalations = cycle::escalations(&state.pool, year, Some(council))
        .await?
        .into_iter()
        .map(|e| {
            (
                label(&ESCALATIONS, &e.escalated_to),
                e.reason,
                long_date(e.escalated_on),
            )
        })
        .collect();
    let requests = cycle::requests(&state.pool, year, Some(council))
        .await?
        .into_iter()
        .map(|r| {
            (
                format!("{}: {}", support::tier_label(&r.tier), r.offer),
                r.reason,
                long_date(r.requested_at.date_naive()),
            )
        })
        .collect();
    Ok(BoardRecords {
        decisions,
        escalations,
        challenges: challenge_rows(state, council, year).await?,
        requests,
        decision_choices: DECISIONS.to_vec(),
        escalation_choices: ESCALATIONS.to_vec(),
    })
}

/// The council's peer challenges of the year, each with its action plan.
async fn challenge_rows(
    state: &AppState,
    council: &str,
    year: Period,
) -> Result<Vec<ChallengeRow>, AppError> {
    let follow_ups = cycle::follow_ups(&state.pool, Some(council)).await?;
    Ok(cycle::challenges(&state.pool, year, Some(council))
        .await?
        .into_iter()
        .map(|c| ChallengeRow {
            id: c.id,
            origin: if c.origin == "council" {
                "requested by the council (self-help)"
            } else {
                "proposed by the Board"
            },
            dates: format!("{} to {}", long_date(c.starts_on), long_date(c.ends_on)),
            actions: follow_ups
                .iter()
                .filter(|f| f.challenge == Some(c.id))
                .map(|f| {
                    let state = f
                        .done_on
                        .map_or_else(|| "open".into(), |d| format!("done {}", long_date(d)));
                    (
                        f.id,
                        f.what.clone(),
                        f.owner.clone(),
                        long_date(f.due_on),
                        state,
                    )
                })
                .collect(),
            scope: c.scope,
            team: c.team,
            findings: c.findings,
            recommendations: c.recommendations,
        })
        .collect())
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    decided_on: String,
}

/// The Board's decision on a council's year (the analyst records it).
pub(super) async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(f): Form<DecisionForm>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    visitor.require(visitor.viewer.can_manage_data(), "the Board's decisions")?;
    let year = year_of(&f.year)?;
    if label(&DECISIONS, &f.decision).is_empty() {
        return Err(AppError::bad_request(
            "decision",
            "accept the support proposed, targeted support or intervention",
        ));
    }
    let reason = required("reason", &f.reason, 5000)?;
    let on = iso_date(&f.decided_on, "decided_on")?;
    let mut tx = state.pool.begin().await?;
    let by = visitor.viewer.actor();
    cycle::decide(
        &mut tx,
        &authority.ons_code,
        year,
        &f.decision,
        reason,
        on,
        by,
    )
    .await?;
    tx.commit().await?;
    Ok(back(&authority.ons_code, year, "board"))
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    accepted: String,
}

/// The council's answer to a decision of the Board (its own users only, once).
pub(super) async fn answer(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::extract::Path(raw): axum::extract::Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> Result<Redirect, AppError> {
    let (code, id) = code_and_id(&raw)?;
    let authority = council_of(&state, &visitor, &code).await?;
    visitor.require(
        visitor.viewer.council() == Some(authority.ons_code.as_str()),
        format!("the Board's decisions on {code}"),
    )?;
    let year = year_of(&f.year)?;
    let accepted = match f.accepted.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::bad_request("accepted", "yes or no")),
    };
    let mut tx = state.pool.begin().await?;
    let today = Utc::now().date_naive();
    let by = visitor.viewer.actor();
    if !cycle::answer(&mut tx, &authority.ons_code, id, accepted, today, by).await? {
        return Err(AppError::NotFound(format!(
            "an open decision {id} on {code}"
        )));
    }
    tx.commit().await?;
    Ok(back(&authority.ons_code, year, "board"))
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct EscalationForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    escalated_on: String,
}

/// An escalation (the analyst records it for the Board).
pub(super) async fn escalate(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(f): Form<EscalationForm>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    visitor.require(visitor.viewer.can_manage_data(), "escalations")?;
    let year = year_of(&f.year)?;
    if label(&ESCALATIONS, &f.to).is_empty() {
        return Err(AppError::bad_request(
            "to",
            "the LGA, ADASS nationally or Government",
        ));
    }
    let reason = required("reason", &f.reason, 5000)?;
    let on = iso_date(&f.escalated_on, "escalated_on")?;
    let mut tx = state.pool.begin().await?;
    let by = visitor.viewer.actor();
    cycle::escalate(&mut tx, &authority.ons_code, year, &f.to, reason, on, by).await?;
    tx.commit().await?;
    Ok(back(&authority.ons_code, year, "board"))
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct ChallengeForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    origin: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    findings: String,
    #[serde(default)]
    recommendations: String,
}

/// A peer challenge: the analyst records either kind; a council records the one it asked for.
pub(super) async fn add_challenge(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(f): Form<ChallengeForm>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    let analyst = visitor.viewer.can_manage_data();
    let origin = match f.origin.as_str() {
        "board" if analyst => "board",
        "council" => "council",
        _ => {
            return Err(AppError::bad_request(
                "origin",
                "asked for by the council, or proposed by the Board",
            ));
        }
    };
    let year = year_of(&f.year)?;
    let (starts_on, ends_on) = (
        iso_date(&f.starts_on, "starts_on")?,
        iso_date(&f.ends_on, "ends_on")?,
    );
    if ends_on < starts_on {
        return Err(AppError::bad_request(
            "ends_on",
            "it ends on or after it starts",
        ));
    }
    let optional = |field: &'static str, text: &str| {
        if text.chars().count() > 10_000 {
            Err(AppError::bad_request(field, "keep it to 10000 characters"))
        } else {
            Ok(text.trim().to_string())
        }
    };
    let (findings, recommendations) = (
        optional("findings", &f.findings)?,
        optional("recommendations", &f.recommendations)?,
    );
    let challenge = cycle::NewChallenge {
        ons_code: &authority.ons_code,
        year,
        origin,
        scope: required("scope", &f.scope, 2000)?,
        starts_on,
        ends_on,
        team: required("team", &f.team, 2000)?,
        findings: &findings,
        recommendations: &recommendations,
    };
    let mut tx = state.pool.begin().await?;
    cycle::add_challenge(&mut tx, &challenge, visitor.viewer.actor()).await?;
    tx.commit().await?;
    Ok(back(&authority.ons_code, year, "peer-challenges"))
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due_on: String,
}

/// An action of a peer challenge's plan (the analyst, or the council's own users).
pub(super) async fn add_action(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::extract::Path(raw): axum::extract::Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Result<Redirect, AppError> {
    let (code, challenge) = code_and_id(&raw)?;
    let authority = council_of(&state, &visitor, &code).await?;
    let year = year_of(&f.year)?;
    let action = required("action", &f.action, 2000)?;
    let owner = required("owner", &f.owner, 300)?;
    let due = iso_date(&f.due_on, "due_on")?;
    let mut tx = state.pool.begin().await?;
    let by = visitor.viewer.actor();
    let added = cycle::add_action(
        &mut tx,
        &authority.ons_code,
        challenge,
        action,
        owner,
        due,
        by,
    )
    .await?;
    if added.is_none() {
        return Err(AppError::NotFound(format!(
            "peer challenge {challenge} of {code}"
        )));
    }
    tx.commit().await?;
    Ok(back(&authority.ons_code, year, "peer-challenges"))
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct ReviewForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    review: String,
    #[serde(default)]
    done_on: String,
}

/// A follow-up review of an action: what was found and, when it is done, the date.
pub(super) async fn review_action(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::extract::Path(raw): axum::extract::Path<(String, String)>,
    Form(f): Form<ReviewForm>,
) -> Result<Redirect, AppError> {
    let (code, action) = code_and_id(&raw)?;
    let authority = council_of(&state, &visitor, &code).await?;
    let year = year_of(&f.year)?;
    let review = required("review", &f.review, 5000)?;
    let done = match f.done_on.trim() {
        "" => None,
        d => Some(iso_date(d, "done_on")?),
    };
    let mut tx = state.pool.begin().await?;
    let by = visitor.viewer.actor();
    if !cycle::review_action(&mut tx, &authority.ons_code, action, review, done, by).await? {
        return Err(AppError::NotFound(format!("action {action} of {code}")));
    }
    tx.commit().await?;
    Ok(back(&authority.ons_code, year, "peer-challenges"))
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct RequestForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    offer: String,
    #[serde(default)]
    reason: String,
}

/// A council asks for support from its own risk page: a tier and offer of Table 1 and a reason,
/// routed to its sub-region's directors and the analyst (named in the audit entry).
pub(super) async fn ask_for_support(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(f): Form<RequestForm>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    visitor.require(
        visitor.viewer.council() == Some(authority.ons_code.as_str()),
        format!("a request for support for {code}"),
    )?;
    let year = year_of(&f.year)?;
    support::check_offer(&f.tier, &f.offer)
        .map_err(|(field, why)| AppError::bad_request(field, why))?;
    let reason = required("reason", &f.reason, 5000)?;
    let routed = routed_to(&state, &authority).await?;
    let mut tx = state.pool.begin().await?;
    let by = visitor.viewer.actor();
    cycle::request(
        &mut tx,
        &authority.ons_code,
        year,
        &f.tier,
        &f.offer,
        reason,
        &routed,
        by,
    )
    .await?;
    tx.commit().await?;
    Ok(back(&authority.ons_code, year, "support-requests"))
}

/// Who a council's request goes to: the analysts, and the directors (council users) of the
/// other councils of its sub-region.
async fn routed_to(
    state: &AppState,
    authority: &crate::domain::Authority,
) -> Result<Vec<String>, AppError> {
    let sub_region: Vec<String> = match &authority.sub_region {
        Some(s) => areas::members_during(
            &state.pool,
            &state.site.region,
            Period::year_of(Utc::now().date_naive()),
        )
        .await?
        .into_iter()
        .filter(|a| a.sub_region.as_ref() == Some(s) && a.ons_code != authority.ons_code)
        .map(|a| a.ons_code)
        .collect(),
        None => Vec::new(),
    };
    Ok(users::list(&state.pool)
        .await?
        .into_iter()
        .filter(|u| u.disabled_at.is_none())
        .filter(|u| {
            u.role == Role::Analyst
                || (u.role == Role::Council
                    && u.ons_code.as_ref().is_some_and(|c| sub_region.contains(c)))
        })
        .map(|u| u.email)
        .collect())
}

/// A council's code and a record's number from the path; either malformed: not found.
fn code_and_id(raw: &(String, String)) -> Result<(OnsCode, i64), AppError> {
    let not_found = || AppError::NotFound(format!("{}/{}", raw.0, raw.1));
    let code: OnsCode = raw.0.trim().parse().map_err(|_| not_found())?;
    let id: i64 = raw.1.trim().parse().map_err(|_| not_found())?;
    Ok((code, id))
}

fn back(code: &str, year: Period, anchor: &str) -> Redirect {
    Redirect::to(&format!("/risk/{code}?period={year}#{anchor}"))
}
