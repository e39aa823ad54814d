//! The forms of a council's profile: intelligence, the annual assessment's steps, and the
//! thematic self-assessment.

use super::*;
use crate::mail::{self, Email, To};
use crate::risk::records::{AssessmentStage, Step};

#[derive(Debug, serde::Deserialize)]
pub(super) struct IntelligenceForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    trigger: String,
    #[serde(default)]
    recorded_on: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    link: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    visibility: String,
}

pub(super) async fn add_intelligence(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(f): Form<IntelligenceForm>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    visitor.require(
        visitor.viewer.can_write_for(&authority.ons_code),
        format!("a risk profile for {code}"),
    )?;
    let defs = risk::triggers(&state.pool).await?;
    if !defs
        .iter()
        .any(|t| t.id == f.trigger && t.kind == "qualitative")
    {
        return Err(AppError::bad_request(
            "trigger",
            format!("'{}' is not a qualitative trigger", f.trigger),
        ));
    }
    let year = year_of(&f.year)?;
    let recorded_on = iso_date(&f.recorded_on, "recorded_on")?;
    if !["low", "medium", "high"].contains(&f.severity.as_str()) {
        return Err(AppError::bad_request("severity", "low, medium or high"));
    }
    // A council's own items are for the analyst and the council; only the analyst keeps items
    // to themselves.
    let visibility = if visitor.viewer.can_manage_data() && f.visibility == "analyst" {
        "analyst"
    } else {
        "council"
    };
    let link = Some(f.link.trim()).filter(|l| !l.is_empty());
    if link
        .is_some_and(|l| !(l.starts_with("https://") || l.starts_with("http://")) || l.len() > 500)
    {
        return Err(AppError::bad_request(
            "link",
            "a web address starting https://",
        ));
    }
    let mut tx = state.pool.begin().await?;
    risk::add_intelligence(
        &mut tx,
        &NewIntelligence {
            ons_code: &authority.ons_code,
            trigger_id: &f.trigger,
            year,
            recorded_on,
            source: required("source", &f.source, 300)?,
            evidence: required("evidence", &f.evidence, 5000)?,
            link,
            severity: &f.severity,
            visibility,
        },
        visitor.viewer.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/risk/{}?period={year}#intelligence",
        authority.ons_code
    )))
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct AssessmentForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    who: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    offer: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    follow_up: String,
    #[serde(default)]
    offered_by: String,
    /// A response's concern: the measure it explains (empty: the concerns in general).
    #[serde(default)]
    concern: String,
}

/// An entry with a body and nothing else of the kind `kind`.
fn plain<'a>(kind: &'a str, f: &'a AssessmentForm) -> Result<NewEntry<'a>, AppError> {
    Ok(NewEntry {
        kind,
        domain: None,
        level: None,
        body: required("body", &f.body, 5000)?,
        details: serde_json::json!({}),
    })
}

/// The council's response, linked to the measure of the concern it explains when it names one.
async fn response<'a>(state: &AppState, f: &'a AssessmentForm) -> Result<NewEntry<'a>, AppError> {
    let details = match f.concern.trim() {
        "" => serde_json::json!({}),
        code => match measures::by_code_or_alias(&state.pool, code).await? {
            Some(m) => serde_json::json!({ "measure": m.code }),
            None => {
                return Err(AppError::bad_request(
                    "concern",
                    format!("'{code}' is not a measure of the catalogue"),
                ));
            }
        },
    };
    Ok(NewEntry {
        details,
        ..plain(Step::Response.kind(), f)?
    })
}

/// A judgement of one domain at one of the levels.
async fn judgement<'a>(state: &AppState, f: &'a AssessmentForm) -> Result<NewEntry<'a>, AppError> {
    if domains::by_slug(&state.pool, &f.domain).await?.is_none() {
        return Err(AppError::bad_request(
            "domain",
            format!("'{}' is not a risk domain", f.domain),
        ));
    }
    if !LEVELS.iter().any(|(l, _)| *l == f.level) {
        return Err(AppError::bad_request("level", "low, some or significant"));
    }
    Ok(NewEntry {
        domain: Some(&f.domain),
        level: Some(&f.level),
        ..plain(Step::Judgement.kind(), f)?
    })
}

/// Support agreed from the menu of Table 1, with its owner, follow-up and the council offering.
async fn support_agreed<'a>(
    state: &AppState,
    f: &'a AssessmentForm,
) -> Result<NewEntry<'a>, AppError> {
    support::check_offer(&f.tier, &f.offer)
        .map_err(|(field, why)| AppError::bad_request(field, why))?;
    let offered_by = f.offered_by.trim();
    if !offered_by.is_empty() && areas::authority(&state.pool, offered_by).await?.is_none() {
        return Err(AppError::bad_request(
            "offered_by",
            format!("{offered_by} is not a council"),
        ));
    }
    Ok(NewEntry {
        kind: Step::Support.kind(),
        domain: None,
        level: None,
        body: &f.offer,
        details: serde_json::json!({
            "tier": f.tier, "owner": required("owner", &f.owner, 300)?,
            "follow_up": iso_date(&f.follow_up, "follow_up")?, "offered_by": offered_by,
        }),
    })
}

/// The step and the entry it records (none for "start"), checked; a step the visitor may not
/// take is refused.
async fn step<'a>(
    state: &AppState,
    visitor: &Visitor,
    code: &OnsCode,
    f: &'a AssessmentForm,
    analyst: bool,
    own: bool,
) -> Result<Option<(Step, NewEntry<'a>)>, AppError> {
    Ok(Some(match f.action.as_str() {
        "start" if analyst => return Ok(None),
        "respond" if own => (Step::Response, response(state, f).await?),
        "concerns" if analyst => (Step::Concerns, plain(Step::Concerns.kind(), f)?),
        "final" if analyst => (Step::Final, plain(Step::Final.kind(), f)?),
        // The reason is the entry's body: a council that declines to engage, or what changed.
        "final_without_discussion" if analyst => (
            Step::FinalWithoutDiscussion,
            plain(Step::FinalWithoutDiscussion.kind(), f)?,
        ),
        "reopen" if analyst => (Step::Reopen, plain(Step::Reopen.kind(), f)?),
        "discussion" if analyst => (
            Step::Discussion,
            NewEntry {
                details: serde_json::json!({ "date": iso_date(&f.date, "date")?, "who": required("who", &f.who, 500)? }),
                ..plain(Step::Discussion.kind(), f)?
            },
        ),
        "judgement" if analyst => (Step::Judgement, judgement(state, f).await?),
        "support" if analyst => (Step::Support, support_agreed(state, f).await?),
        _ => {
            visitor.require(false, format!("the assessment of {code}"))?;
            return Err(AppError::bad_request(
                "action",
                format!("'{}' is not an assessment step", f.action),
            ));
        }
    }))
}

/// The assessment's workflow: the analyst starts it, shares concerns, records the discussion,
/// judges each domain, agrees support and records the final view; the council responds.
pub(super) async fn assess(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(f): Form<AssessmentForm>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    let year = year_of(&f.year)?;
    let analyst = visitor.viewer.can_manage_data();
    let own = visitor.viewer.council() == Some(authority.ons_code.as_str());
    let by = visitor.viewer.actor();
    let entry = step(&state, &visitor, &code, &f, analyst, own).await?;
    let mut tx = state.pool.begin().await?;
    let existing = risk::assessment_locked(&mut tx, &authority.ons_code, year).await?;
    let assessment = match existing {
        Some(a) => a,
        None if analyst => risk::start(&mut tx, &authority.ons_code, year, by).await?,
        None => {
            return Err(AppError::NotFound(format!(
                "an assessment of {code} for {year}"
            )));
        }
    };
    if let Some((step, mut entry)) = entry {
        if step == Step::Response && assessment.status == AssessmentStage::Draft {
            // The council does not see a draft: as if there were none.
            return Err(AppError::NotFound(format!(
                "an assessment of {code} for {year}"
            )));
        }
        let to = assessment
            .status
            .then(step)
            .map_err(|why| AppError::bad_request("action", why))?;
        if step == Step::Judgement && assessment.status == AssessmentStage::Draft {
            // Made before the concerns were shared: the council sees it as provisional.
            entry.details = serde_json::json!({ "provisional": true });
        }
        let added = risk::add_entry(&mut tx, &assessment, &entry, to, by).await?;
        let (council, name) = (&authority.ons_code, &authority.name);
        let (email, to) = match step {
            Step::Concerns => (
                Email::concerns_shared(council, &year.to_string(), added.id),
                To::Council(council),
            ),
            Step::Response => (
                Email::response_received(council, name, &year.to_string(), added.id),
                To::Analysts,
            ),
            _ => return finish(tx, &authority.ons_code, year).await,
        };
        mail::notify(&mut tx, &state.site.letterhead(), &email, to).await?;
    }
    finish(tx, &authority.ons_code, year).await
}

async fn finish(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    council: &str,
    year: crate::domain::Period,
) -> Result<Redirect, AppError> {
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/risk/{council}?period={year}#assessment"
    )))
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct SelfAssessForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    criterion: String,
    #[serde(default)]
    level: String,
}

pub(super) async fn self_assess(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(f): Form<SelfAssessForm>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    visitor.require(
        visitor.viewer.council() == Some(authority.ons_code.as_str()),
        format!("a risk profile for {code}"),
    )?;
    let year = year_of(&f.year)?;
    let criterion: i64 = f
        .criterion
        .parse()
        .map_err(|_| AppError::bad_request("criterion", "not a criterion"))?;
    if !risk::criteria(&state.pool, year)
        .await?
        .iter()
        .any(|c| c.id == criterion)
    {
        return Err(AppError::bad_request(
            "criterion",
            format!("not a criterion of {year}'s themes"),
        ));
    }
    let level: i16 = f
        .level
        .parse()
        .ok()
        .filter(|l| (0..=4).contains(l))
        .ok_or_else(|| AppError::bad_request("level", "0 (below Level 1) to 4"))?;
    let mut tx = state.pool.begin().await?;
    risk::self_assess(
        &mut tx,
        criterion,
        &authority.ons_code,
        level,
        visitor.viewer.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/risk/{}?period={year}#themes",
        authority.ons_code
    )))
}
