//! Councils' quarterly returns and the collection rounds: a council user uploads their
//! council's return (a draft, with its validation report), fixes and uploads again, and submits
//! it; the analyst accepts it (it becomes a submission revision) or sends it back with a reason.
//! `/rounds/{period}` shows every council of the region for a quarter, with its status.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use chrono::Utc;

use super::layout::Layout;
use super::session::Visitor;
use super::submissions::{IssueRow, issue_rows, options, read_upload};
use super::{AppError, AppState};
use crate::db::queries::uploads::{self, NewUpload, Upload};
use crate::db::queries::{areas, submissions};
use crate::domain::Period;
use crate::domain::date_input::{DateError, DateParts};
use crate::domain::round::ReturnStatus;
use crate::domain::round::UploadStatus;
use crate::ingest::import::{self, CommitError};
use crate::ingest::report::Report;
use crate::mail::{self, Email, To};

pub(super) fn router(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/returns",
            get(index)
                .post(upload)
                .layer(DefaultBodyLimit::max(super::session::upload_limit(
                    max_upload_bytes,
                ))),
        )
        .route("/returns/{id}", get(show))
        .route("/returns/{id}/submit", post(submit))
        .route("/returns/{id}/accept", post(accept))
        .route("/returns/{id}/send-back", post(send_back))
        .route("/rounds", get(rounds).post(open_round))
        .route("/rounds/{period}", get(round))
}

/// One return in a list.
pub(super) struct ReturnRow {
    pub id: i64,
    pub period: String,
    pub file: String,
    pub by: String,
    pub at: String,
    pub status: ReturnStatus,
    pub reason: String,
}

impl From<&Upload> for ReturnRow {
    fn from(u: &Upload) -> Self {
        ReturnRow {
            id: u.id,
            period: u.period_code.clone().unwrap_or_default(),
            file: u.filename.clone(),
            by: u.uploaded_by.clone(),
            at: u.created_at.format("%-d %B %Y %H:%M UTC").to_string(),
            status: ReturnStatus::of(Some(u.status), u.errors, u.warnings),
            reason: u.reason.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "returns/index.html")]
struct IndexPage {
    layout: Layout,
    council: String,
    council_name: String,
    rounds: Vec<(String, String)>,
    returns: Vec<ReturnRow>,
    max_megabytes: usize,
}

/// A council user's returns; the analyst works from the rounds.
async fn index(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let Some(council) = visitor.viewer.council().map(str::to_string) else {
        visitor.require(visitor.viewer.can_manage_data(), "returns")?;
        return Ok(Redirect::to("/rounds").into_response());
    };
    let authority = areas::authority(&state.pool, &council)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("the council {council}")))?;
    let rounds = uploads::rounds(&state.pool)
        .await?
        .into_iter()
        .map(|r| (r.period_code, r.due_on.format("%-d %B %Y").to_string()))
        .collect();
    let returns = uploads::of_council(&state.pool, &council)
        .await?
        .iter()
        .map(ReturnRow::from)
        .collect();
    Ok(IndexPage {
        layout: Layout::new(&state, &visitor, format!("{} returns", authority.name)).await?,
        council,
        council_name: authority.name,
        rounds,
        returns,
        max_megabytes: state.site.max_upload_bytes / (1024 * 1024),
    }
    .into_response())
}

/// A council user's upload: checked, held to their council and the round's quarter, and kept
/// as a draft whatever its errors.
async fn upload(
    State(state): State<AppState>,
    visitor: Visitor,
    multipart: Multipart,
) -> Result<Redirect, AppError> {
    let council = visitor
        .viewer
        .council()
        .map(str::to_string)
        .ok_or(AppError::SignIn)?;
    let (filename, bytes, period) = read_upload(multipart).await?;
    let period = period
        .ok_or_else(|| AppError::bad_request("period", "choose the quarter of the return"))?;
    uploads::round(&state.pool, &period.to_string())
        .await?
        .ok_or_else(|| {
            AppError::bad_request(
                "period",
                format!("no collection round is open for {period}"),
            )
        })?;
    let mut analysis = import::analyse(
        &state.pool,
        &filename,
        &bytes,
        options(&state, Some(period)),
    )
    .await?;
    analysis.contents.restrict_to_return(&council, period);
    let report = analysis.report();
    let mut tx = state.pool.begin().await?;
    let id = uploads::insert(
        &mut tx,
        &NewUpload {
            filename: &filename,
            bytes: &bytes,
            sha256: &analysis.sha256,
            ons_code: Some(&council),
            period: Some(period.to_string()),
            uploaded_by: visitor.viewer.actor(),
            report: serde_json::to_value(report).map_err(|e| AppError::Internal(e.into()))?,
            errors: report.errors.len(),
            warnings: report.warnings.len(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/returns/{id}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "returns/show.html")]
struct ShowPage {
    layout: Layout,
    row: ReturnRow,
    council_name: String,
    report: Report,
    issues: Vec<IssueRow>,
    can_submit: bool,
    can_decide: bool,
    submission: Option<i64>,
}

/// The return, if the visitor may see it (another council's return does not exist for them).
async fn visible(state: &AppState, visitor: &Visitor, id: &str) -> Result<Upload, AppError> {
    let not_found = || AppError::NotFound(format!("return {id}"));
    let number: i64 = id.parse().map_err(|_| not_found())?;
    let upload = uploads::get(&state.pool, number).await?;
    let council = upload.as_ref().and_then(|u| u.ons_code.clone());
    visitor.require(
        council
            .as_deref()
            .is_some_and(|c| visitor.viewer.can_see_drafts_of(c)),
        format!("return {id}"),
    )?;
    upload.ok_or_else(not_found)
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<ShowPage, AppError> {
    let upload = visible(&state, &visitor, &id).await?;
    let report: Report = serde_json::from_value(upload.report.clone()).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "return {}'s report cannot be read: {e}",
            upload.id
        ))
    })?;
    let council = upload.ons_code.clone().unwrap_or_default();
    let council_name = areas::authority(&state.pool, &council)
        .await?
        .map_or_else(|| council.clone(), |a| a.name);
    Ok(ShowPage {
        layout: Layout::new(&state, &visitor, format!("Return {}", upload.id)).await?,
        can_submit: upload.status == UploadStatus::Draft
            && upload.errors == 0
            && visitor.viewer.council() == Some(council.as_str()),
        can_decide: upload.status == UploadStatus::Submitted && visitor.viewer.can_manage_data(),
        submission: upload.submission_id,
        issues: issue_rows(&report),
        report,
        council_name,
        row: ReturnRow::from(&upload),
    })
}

async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    let upload = visible(&state, &visitor, &id).await?;
    let council = upload.ons_code.clone().unwrap_or_default();
    visitor.require(
        visitor.viewer.council() == Some(council.as_str()),
        format!("return {id}"),
    )?;
    if upload.errors > 0 {
        return Err(AppError::bad_request(
            "return",
            "a return with errors cannot be submitted: correct the file and upload it again",
        ));
    }
    let mut tx = state.pool.begin().await?;
    if !uploads::decide(
        &mut tx,
        upload.id,
        UploadStatus::Draft,
        UploadStatus::Submitted,
        visitor.viewer.actor(),
        None,
        None,
    )
    .await?
    {
        return Err(AppError::bad_request(
            "return",
            "only a draft can be submitted",
        ));
    }
    let name = areas::authority(&state.pool, &council)
        .await?
        .map_or_else(|| council.clone(), |a| a.name);
    let period = upload.period_code.clone().unwrap_or_default();
    let email = Email::return_submitted(upload.id, &name, &period);
    mail::notify(&mut tx, &state.site.letterhead(), &email, To::Analysts).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/returns/{}", upload.id)))
}

/// The analyst accepts a submitted return: it becomes a revision of the council's quarter.
async fn accept(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), format!("return {id}"))?;
    let upload = visible(&state, &visitor, &id).await?;
    let analysis = import::reanalyse(&state.pool, upload.id, options(&state, None).limits)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("return {id}")))?;
    let mut tx = state.pool.begin().await?;
    import::accept_in(
        &mut tx,
        &analysis,
        upload.id,
        UploadStatus::Submitted,
        &upload.uploaded_by,
        visitor.viewer.actor(),
    )
    .await
    .map_err(|e| match e {
        CommitError::HasErrors(n) => AppError::bad_request(
            "return",
            format!("the file now has {n} errors against the stored data: send it back"),
        ),
        CommitError::Database(e) => e.into(),
    })?
    .ok_or_else(|| AppError::bad_request("return", "only a submitted return can be accepted"))?;
    decided(&state, &mut tx, &upload, true).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/returns/{}", upload.id)))
}

/// Tells the council's users their return was accepted or sent back (in the decision's
/// transaction).
async fn decided(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    upload: &Upload,
    accepted: bool,
) -> Result<(), AppError> {
    let (Some(council), Some(period)) = (&upload.ons_code, &upload.period_code) else {
        return Ok(());
    };
    let email = Email::return_decided(upload.id, period, accepted);
    mail::notify(tx, &state.site.letterhead(), &email, To::Council(council)).await?;
    Ok(())
}

#[derive(Debug, serde::Deserialize)]
struct Reason {
    #[serde(default)]
    reason: String,
}

async fn send_back(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<Reason>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), format!("return {id}"))?;
    let upload = visible(&state, &visitor, &id).await?;
    let reason = form.reason.trim();
    if reason.is_empty() || reason.len() > 2000 {
        return Err(AppError::bad_request(
            "reason",
            "say why the return is sent back (up to 2,000 characters)",
        ));
    }
    let mut tx = state.pool.begin().await?;
    if !uploads::decide(
        &mut tx,
        upload.id,
        UploadStatus::Submitted,
        UploadStatus::SentBack,
        visitor.viewer.actor(),
        Some(reason),
        None,
    )
    .await?
    {
        return Err(AppError::bad_request(
            "return",
            "only a submitted return can be sent back",
        ));
    }
    decided(&state, &mut tx, &upload, false).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/returns/{}", upload.id)))
}

#[derive(Template, WebTemplate)]
#[template(path = "returns/rounds.html")]
struct RoundsPage {
    layout: Layout,
    rounds: Vec<(String, String, String)>,
    /// The quarters a round may be opened for, and whether each is the one chosen.
    quarters: Vec<(String, bool)>,
    due: DateParts,
    period_error: Option<String>,
    due_error: Option<DateError>,
}

impl RoundsPage {
    async fn new(state: &AppState, visitor: &Visitor, form: &NewRound) -> Result<Self, AppError> {
        let rounds = uploads::rounds(&state.pool)
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.period_code,
                    r.due_on.format("%-d %B %Y").to_string(),
                    r.opened_by,
                )
            })
            .collect();
        Ok(RoundsPage {
            layout: Layout::new(state, visitor, "Collection rounds".into()).await?,
            rounds,
            quarters: Period::quarters_around(Utc::now().date_naive())
                .into_iter()
                .map(|q| {
                    let code = q.to_string();
                    let chosen = code == form.period.trim();
                    (code, chosen)
                })
                .collect(),
            due: form.parts(),
            period_error: None,
            due_error: None,
        })
    }
}

async fn rounds(State(state): State<AppState>, visitor: Visitor) -> Result<RoundsPage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the collection rounds")?;
    RoundsPage::new(&state, &visitor, &NewRound::default()).await
}

/// The round form: a quarter from the list and the due date, as the GOV.UK date input's three
/// boxes (`due-day`, `due-month`, `due-year`, joined by the site's form reader) or, from a
/// client, `due` as YYYY-MM-DD.
#[derive(Debug, Default, serde::Deserialize)]
struct NewRound {
    #[serde(default)]
    period: String,
    #[serde(default)]
    due: String,
}

impl NewRound {
    fn parts(&self) -> DateParts {
        DateParts::from_field(&self.due)
    }
}

/// Opens a round (or moves its due date), and emails the region's councils. A mistake shows
/// the form again with what was typed, an error summary and the messages by the fields.
async fn open_round(
    State(state): State<AppState>,
    visitor: Visitor,
    super::extract::Form(form): super::extract::Form<NewRound>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    visitor.require(visitor.viewer.can_manage_data(), "the collection rounds")?;
    let period = form
        .period
        .trim()
        .parse::<Period>()
        .ok()
        .filter(|p| p.is_quarter());
    let due = form.parts().read("the due date");
    let (Some(period), Ok(due)) = (period, &due) else {
        let mut page = RoundsPage::new(&state, &visitor, &form).await?;
        page.period_error = period
            .is_none()
            .then(|| "Select the quarter the round collects".to_string());
        page.due_error = due.err();
        return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
    };
    let due = *due;
    let mut tx = state.pool.begin().await?;
    submissions::ensure_periods(&mut tx, &std::iter::once(period).collect()).await?;
    uploads::open_round(&mut tx, &period.to_string(), due, visitor.viewer.actor()).await?;
    let email = Email::round_opened(&period.to_string(), due);
    mail::notify(
        &mut tx,
        &state.site.letterhead(),
        &email,
        To::Region(&state.site.region),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/rounds/{}", period.in_url())).into_response())
}

/// A council's line in a round.
pub(super) struct RoundRow {
    pub code: String,
    pub name: String,
    pub status: ReturnStatus,
    pub late: bool,
    pub when: String,
    pub by: String,
    pub link: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "returns/round.html")]
struct RoundPage {
    layout: Layout,
    period: String,
    due: String,
    rows: Vec<RoundRow>,
}

async fn round(
    State(state): State<AppState>,
    visitor: Visitor,
    super::extract::Path(period): super::extract::Path<Period>,
) -> Result<RoundPage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the collection rounds")?;
    let code = period.to_string();
    let round = uploads::round(&state.pool, &code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("a collection round for {code}")))?;
    let latest = uploads::latest_for_period(&state.pool, &code).await?;
    let today = Utc::now().date_naive();
    let rows = areas::members_during(&state.pool, &state.site.region, period)
        .await?
        .into_iter()
        .map(|a| {
            let upload = latest
                .iter()
                .find(|u| u.ons_code.as_deref() == Some(a.ons_code.as_str()));
            let status = ReturnStatus::of(
                upload.map(|u| u.status),
                upload.map_or(0, |u| u.errors),
                upload.map_or(0, |u| u.warnings),
            );
            RoundRow {
                late: status.late(round.due_on, today),
                when: upload
                    .map(|u| {
                        u.reviewed_at
                            .or(u.submitted_at)
                            .unwrap_or(u.created_at)
                            .format("%-d %B %Y %H:%M")
                            .to_string()
                    })
                    .unwrap_or_default(),
                by: upload
                    .map(|u| {
                        u.reviewed_by
                            .clone()
                            .unwrap_or_else(|| u.uploaded_by.clone())
                    })
                    .unwrap_or_default(),
                link: upload.map(|u| u.id),
                status,
                code: a.ons_code,
                name: a.name,
            }
        })
        .collect();
    Ok(RoundPage {
        layout: Layout::new(&state, &visitor, format!("Collection round {code}")).await?,
        period: code,
        due: round.due_on.format("%-d %B %Y").to_string(),
        rows,
    })
}
