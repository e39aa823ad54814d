//! The consultant's annual report to the Board: `/risk/annual-report?year=Y` (analyst) shows
//! the latest issue as it was issued (or the draft when none is), every issue kept as a revision,
//! and issues the next with the reviewer and the Board's members; `/annual-report?year=Y` (the
//! public) the summary of the latest issue the Board published, never a council's judgement.

use super::cycle::{YearQuery, asked_year};
use super::*;
use crate::db::queries::cycle;
use crate::risk::annual_report::{Inputs, Report, Summary};
use crate::risk::cycle::{DECISIONS, label};

/// The year's report built from the records as they are now.
async fn draft(state: &AppState, year: Period) -> Result<Report, AppError> {
    let councils = areas::members_during(&state.pool, &state.site.region, year).await?;
    let domains = domains::all(&state.pool).await?;
    let signal = crate::web::concerns::signal(state, year, None).await?;
    let excellence = signal
        .evaluations
        .iter()
        .filter(|e| e.fired && e.excellence)
        .map(|e| {
            let trigger = signal.defs.iter().find(|t| t.id == e.trigger);
            let measure = e
                .measure
                .as_deref()
                .map(|m| title_of(&signal.catalogue, m).1)
                .unwrap_or_default();
            let what = trigger.map_or(e.trigger, |t| t.title.as_str());
            (
                e.council.clone(),
                format!("{what} {measure}").trim().to_string(),
            )
        })
        .collect();
    let inputs = Inputs {
        year: year.to_string(),
        councils: councils.into_iter().map(|a| (a.ons_code, a.name)).collect(),
        domains,
        statuses: risk::assessment_statuses(&state.pool, year)
            .await?
            .into_iter()
            .map(|s| (s.council, s.status))
            .collect(),
        judgements: risk::judgements(&state.pool, year)
            .await?
            .into_iter()
            .map(|j| {
                let concern = j.level != "low";
                (
                    j.council,
                    j.domain,
                    support::level_label(&j.level).to_string(),
                    concern,
                )
            })
            .collect(),
        support: cycle::support_agreed(&state.pool, year)
            .await?
            .into_iter()
            .map(|(c, tier, offer)| (c, format!("{}: {offer}", support::tier_label(&tier))))
            .collect(),
        decisions: cycle::decisions(&state.pool, year, None)
            .await?
            .into_iter()
            .map(|d| (d.ons_code, label(&DECISIONS, &d.decision).to_string()))
            .collect(),
        criteria: risk::criteria(&state.pool, year)
            .await?
            .into_iter()
            .map(|c| (c.theme, c.title))
            .collect(),
        assessed: risk::self_assessed(&state.pool, year)
            .await?
            .into_iter()
            .map(|a| (a.council, a.theme, a.criterion, a.level))
            .collect(),
        excellence,
    };
    Ok(inputs.report())
}

/// An issue as the page lists it: revision, issued by and when, reviewer, members, published.
pub(super) struct IssueRow {
    pub revision: i32,
    pub issued: String,
    pub reviewer: String,
    pub members: String,
    pub published: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/annual_report.html")]
pub(super) struct ReportPage {
    layout: Layout,
    year: String,
    /// The latest issue's revision, or none: the draft is shown.
    shown: Option<i32>,
    report: Report,
    issues: Vec<IssueRow>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<YearQuery>,
) -> Result<ReportPage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the annual report")?;
    let year = asked_year(&q)?;
    let issued = cycle::reports(&state.pool, year).await?;
    let (shown, report) = match issued.first() {
        Some(latest) => (
            Some(latest.revision),
            serde_json::from_value(latest.contents.clone())
                .map_err(|e| AppError::Internal(anyhow::anyhow!("issued report: {e}")))?,
        ),
        None => (None, draft(&state, year).await?),
    };
    Ok(ReportPage {
        layout: Layout::new(
            &state,
            &visitor,
            format!("Annual report to the Board, {year}"),
        )
        .await?,
        year: year.to_string(),
        shown,
        report,
        issues: issued
            .into_iter()
            .map(|i| IssueRow {
                revision: i.revision,
                issued: format!("{}, {}", i.issued_by, i.issued_at.format("%-d %B %Y %H:%M")),
                reviewer: i.reviewer,
                members: i.members,
                published: i.published,
            })
            .collect(),
    })
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct IssueForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    reviewer: String,
    #[serde(default)]
    members: String,
    #[serde(default)]
    publish: String,
}

/// Issues the report as it stands now, kept as the year's next revision.
pub(super) async fn issue(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<IssueForm>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the annual report")?;
    let year = year_of(&f.year)?;
    let reviewer = required("reviewer", &f.reviewer, 300)?;
    let members = required("members", &f.members, 2000)?;
    let published = match f.publish.as_str() {
        "" => false,
        "yes" => true,
        _ => {
            return Err(AppError::bad_request(
                "publish",
                "yes, or leave it unticked",
            ));
        }
    };
    let report = draft(&state, year).await?;
    let contents = serde_json::to_value(&report).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = state.pool.begin().await?;
    let new = cycle::NewIssue {
        year,
        reviewer,
        members,
        contents: &contents,
        published,
    };
    cycle::issue(&mut tx, &new, visitor.viewer.actor()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/risk/annual-report?year={year}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/annual_summary.html")]
pub(super) struct SummaryPage {
    layout: Layout,
    summary: Summary,
    issued: String,
}

/// The public summary of the latest issue the Board published.
pub(super) async fn summary(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<YearQuery>,
) -> Result<SummaryPage, AppError> {
    let year = asked_year(&q)?;
    let published = cycle::published_report(&state.pool, year)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("a published annual report for {year}")))?;
    let report: Report = serde_json::from_value(published.contents)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("issued report: {e}")))?;
    Ok(SummaryPage {
        layout: Layout::new(
            &state,
            &visitor,
            format!("Annual report to the Board, {year}: summary"),
        )
        .await?,
        summary: report.summary(),
        issued: published.issued_at.format("%-d %B %Y").to_string(),
    })
}
