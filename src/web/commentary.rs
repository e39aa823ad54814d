//! `/authorities/{code}/commentary`: a council's commentary per domain for a year (the Local
//! Account side): drafts with a preview, submission for publication, and every revision kept.
//! Only the council's own users (and the analyst) see or write it before it is published.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::get;
use axum::{Form, Router};

use super::extract::{Params, Path};
use super::layout::{Layout, PeriodQuery};
use super::session::Visitor;
use super::{AppError, AppState};
use crate::db::queries::commentary::{self, Revision};
use crate::db::queries::{areas, domains, periods};
use crate::domain::access::DataView;
use crate::domain::{OnsCode, Period};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/authorities/{code}/commentary", get(show).post(save))
}

/// The longest commentary accepted for one domain, in characters.
const MAX_CHARS: usize = 5000;

/// One domain's commentary: the latest revision (its text, for editing and preview), and the
/// earlier ones.
pub(super) struct DomainCommentary {
    pub slug: String,
    pub name: String,
    pub latest: Option<Revision>,
    pub paragraphs: Vec<String>,
    pub history: Vec<Revision>,
}

impl DomainCommentary {
    /// Groups a period's revisions (newest first within each domain) by domain, in the domains'
    /// order; the preview is the latest revision's paragraphs.
    pub(super) fn build(
        domains: &[(String, String)],
        revisions: &[Revision],
    ) -> Vec<DomainCommentary> {
        domains
            .iter()
            .map(|(slug, name)| {
                let mine: Vec<Revision> = revisions
                    .iter()
                    .filter(|r| r.domain_slug == *slug)
                    .cloned()
                    .collect();
                let latest = mine.first().cloned();
                let paragraphs = latest
                    .as_ref()
                    .map(|r| {
                        r.body
                            .split("\n\n")
                            .map(|p| p.trim().to_string())
                            .filter(|p| !p.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                DomainCommentary {
                    slug: slug.clone(),
                    name: name.clone(),
                    latest,
                    paragraphs,
                    history: mine,
                }
            })
            .collect()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "commentary/show.html")]
struct CommentaryPage {
    layout: Layout,
    code: String,
    council: String,
    period: String,
    years: Vec<String>,
    domains: Vec<DomainCommentary>,
    can_write: bool,
    max_chars: usize,
}

/// The council, if the visitor may see its drafts (otherwise it has no commentary page).
async fn council_of(
    state: &AppState,
    visitor: &Visitor,
    code: &OnsCode,
) -> Result<crate::domain::Authority, AppError> {
    visitor.require(
        visitor.viewer.can_see_drafts_of(code.as_str()),
        format!("commentary for {code}"),
    )?;
    areas::authority(&state.pool, code.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("commentary for {code}")))
}

/// The year asked for, else the latest year with data.
async fn year(state: &AppState, query: &PeriodQuery) -> Result<(Period, Vec<String>), AppError> {
    let mut years: Vec<Period> = periods::with_data(&state.pool, DataView::Internal)
        .await?
        .into_iter()
        .map(|p| p.financial_year())
        .collect();
    years.dedup();
    let chosen = match query
        .period
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(text) => {
            let p: Period = AppError::period("period", text)?;
            if p.is_quarter() {
                return Err(AppError::bad_request(
                    "period",
                    "commentary is for a year, e.g. 2023-24",
                ));
            }
            p
        }
        None => *years
            .last()
            .ok_or_else(|| AppError::NotFound("any year with data".into()))?,
    };
    Ok((chosen, years.iter().rev().map(Period::to_string).collect()))
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Params(query): Params<PeriodQuery>,
) -> Result<CommentaryPage, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    let (period, years) = year(&state, &query).await?;
    let revisions = commentary::history(&state.pool, &authority.ons_code, period).await?;
    let domains = domains::all(&state.pool).await?;
    Ok(CommentaryPage {
        layout: Layout::new(
            &state,
            &visitor,
            format!("{} commentary, {period}", authority.name),
        )
        .await?,
        can_write: visitor.viewer.can_write_for(&authority.ons_code),
        code: authority.ons_code,
        council: authority.name,
        period: period.to_string(),
        years,
        domains: DomainCommentary::build(&domains, &revisions),
        max_chars: MAX_CHARS,
    })
}

#[derive(Debug, serde::Deserialize)]
struct Edit {
    #[serde(default)]
    period: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    action: String,
}

/// The commentary's text (line endings as typed on any system, within the limit) and the
/// status it is saved with: a draft, or submitted for publication.
fn checked(edit: &Edit) -> Result<(String, &'static str), AppError> {
    let body = edit.body.trim().replace("\r\n", "\n");
    if body.is_empty() {
        return Err(AppError::bad_request(
            "body",
            "write the commentary before saving it",
        ));
    }
    if body.chars().count() > MAX_CHARS {
        return Err(AppError::bad_request(
            "body",
            format!("keep it to {MAX_CHARS} characters"),
        ));
    }
    let status = match edit.action.as_str() {
        "save" => "draft",
        "submit" => "submitted",
        other => {
            return Err(AppError::bad_request(
                "action",
                format!("'{other}' is not save or submit"),
            ));
        }
    };
    Ok((body, status))
}

async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(edit): Form<Edit>,
) -> Result<Redirect, AppError> {
    let authority = council_of(&state, &visitor, &code).await?;
    visitor.require(
        visitor.viewer.can_write_for(&authority.ons_code),
        format!("commentary for {code}"),
    )?;
    let period: Period = AppError::period("period", &edit.period)?;
    if period.is_quarter() {
        return Err(AppError::bad_request(
            "period",
            "commentary is for a year, e.g. 2023-24",
        ));
    }
    if domains::by_slug(&state.pool, &edit.domain).await?.is_none() {
        return Err(AppError::bad_request(
            "domain",
            format!("'{}' is not a risk domain", edit.domain),
        ));
    }
    let (body, status) = checked(&edit)?;
    let mut tx = state.pool.begin().await?;
    crate::db::queries::submissions::ensure_periods(&mut tx, &[period].into()).await?;
    commentary::add_revision(
        &mut tx,
        &authority.ons_code,
        &edit.domain,
        period,
        &body,
        status,
        visitor.viewer.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/authorities/{}/commentary?period={}#domain-{}",
        authority.ons_code, period, edit.domain
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revision(domain: &str, n: i32, body: &str, status: &str) -> Revision {
        Revision {
            domain_slug: domain.into(),
            revision: n,
            body: body.into(),
            status: status.into(),
            author: "dass@halton.gov.uk".into(),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn each_domain_shows_its_latest_revision_as_paragraphs_and_keeps_the_rest() {
        let domains = [
            ("leadership".to_string(), "Leadership".to_string()),
            ("performance".to_string(), "Performance".to_string()),
        ];
        let revisions = [
            revision(
                "performance",
                2,
                "Reablement grew.\n\nWaits fell.",
                "submitted",
            ),
            revision("performance", 1, "Reablement grew.", "draft"),
        ];
        let built = DomainCommentary::build(&domains, &revisions);
        assert_eq!(built.len(), 2);
        assert!(built[0].latest.is_none() && built[0].history.is_empty());
        let performance = &built[1];
        assert_eq!(performance.latest.as_ref().map(|r| r.revision), Some(2));
        assert_eq!(performance.paragraphs, ["Reablement grew.", "Waits fell."]);
        assert_eq!(performance.history.len(), 2);
    }
}
