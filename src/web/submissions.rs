//! Submissions: the list of every file that changed data, each with its report; uploading a
//! file to see its validation report before committing it; the pre-filled template.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::extract::Params;
use super::layout::Layout;
use super::session::Visitor;
use super::values::Choice;
use super::{AppError, AppState};
use crate::db::queries::submissions::{self as queries, Listed};
use crate::db::queries::uploads::{self, NewUpload};
use crate::db::queries::{areas, measures};
use crate::domain::{OnsCode, Period};
use crate::ingest::Options;
use crate::ingest::decode::Limits;
use crate::ingest::import;
use crate::ingest::report::Report;
use crate::ingest::template::{self, TemplateRow};

pub(super) fn router(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/submissions", get(index))
        .route("/submissions/{id}", get(show))
        .route(
            "/submissions/check",
            post(check).layer(DefaultBodyLimit::max(super::session::upload_limit(
                max_upload_bytes,
            ))),
        )
        .route("/submissions/uploads/{id}/commit", post(commit))
        .route("/submissions/template", get(download_template))
        .route(
            "/submissions/illustrative/remove",
            post(remove_illustrative),
        )
}

/// Removes the illustrative data set, leaving real data untouched, then shows the list.
async fn remove_illustrative(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the submissions")?;
    let removed =
        crate::db::queries::illustrative::remove(&state.pool, visitor.viewer.actor()).await?;
    tracing::info!(?removed, "illustrative data set removed");
    Ok(Redirect::to("/submissions"))
}

pub(super) struct ListedRow {
    pub id: i64,
    pub kind: &'static str,
    pub scope: String,
    pub revision: i32,
    pub file: String,
    pub by: String,
    pub at: String,
    pub status: String,
    pub values: i32,
    pub warnings: usize,
}

fn kind_label(kind: &str) -> &'static str {
    kind.parse::<crate::domain::Provenance>()
        .map_or("Unknown", |p| p.label())
}

/// A submission's stored report; a report of another shape is an error, never an empty page.
fn report_of(s: &Listed) -> Result<Report, AppError> {
    serde_json::from_value(s.report.clone()).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "submission {}'s stored report cannot be read: {e}",
            s.id
        ))
    })
}

impl TryFrom<&Listed> for ListedRow {
    type Error = AppError;

    fn try_from(s: &Listed) -> Result<Self, AppError> {
        let report = report_of(s)?;
        Ok(ListedRow {
            id: s.id,
            kind: kind_label(&s.kind),
            scope: s.scope.clone(),
            revision: s.revision,
            file: s.source_filename.clone(),
            by: s.submitted_by.clone(),
            at: s.submitted_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            status: match s.superseded_by {
                Some(next) => format!("Superseded by submission {next}"),
                None => "Current".into(),
            },
            values: s.row_count,
            warnings: report.warnings.len(),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "submissions/index.html")]
struct IndexPage {
    layout: Layout,
    submissions: Vec<ListedRow>,
    /// Whether the illustrative data set is loaded (and can be removed).
    illustrative_loaded: bool,
    councils: Vec<Choice>,
    max_megabytes: usize,
    /// The years an official file may be of, newest first (its name usually says).
    years: Vec<String>,
    /// The periods a template may be for: the round quarters and the years, the current quarter
    /// chosen.
    template_periods: Vec<Choice>,
}

async fn index(State(state): State<AppState>, visitor: Visitor) -> Result<IndexPage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the submissions")?;
    let listed = queries::list(&state.pool).await?;
    let today = chrono::Utc::now().date_naive();
    let councils = areas::members_during(&state.pool, &state.site.region, Period::year_of(today))
        .await?
        .into_iter()
        .map(|a| Choice {
            value: a.ons_code,
            label: a.name,
            selected: false,
        })
        .collect();
    Ok(IndexPage {
        layout: Layout::new(&state, &visitor, "Submissions".into()).await?,
        illustrative_loaded: listed
            .iter()
            .any(|s| s.kind == crate::domain::Provenance::Illustrative.as_str()),
        submissions: listed
            .iter()
            .map(ListedRow::try_from)
            .collect::<Result<_, _>>()?,
        councils,
        max_megabytes: state.site.max_upload_bytes / (1024 * 1024),
        years: Period::years_from(2010, today)
            .iter()
            .map(ToString::to_string)
            .collect(),
        template_periods: Period::quarters_around(today)
            .into_iter()
            .chain(Period::years_from(2014, today))
            .map(|p| Choice {
                selected: p == Period::quarter_of(today),
                value: p.to_string(),
                label: p.to_string(),
            })
            .collect(),
    })
}

pub(super) struct IssueRow {
    pub kind: &'static str,
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub value: String,
    pub reason: String,
}

pub(super) fn issue_rows(report: &Report) -> Vec<IssueRow> {
    let row = |kind, i: &crate::ingest::report::Issue| IssueRow {
        kind,
        sheet: i.sheet.clone().unwrap_or_default(),
        row: i.row.map(|r| r.to_string()).unwrap_or_default(),
        column: i.column.clone().unwrap_or_default(),
        value: i.value.clone().unwrap_or_default(),
        reason: i.reason.clone(),
    };
    report
        .errors
        .iter()
        .take(crate::ingest::report::MAX_LISTED)
        .map(|i| row("Error", i))
        .chain(
            report
                .warnings
                .iter()
                .take(crate::ingest::report::MAX_LISTED)
                .map(|i| row("Warning", i)),
        )
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "submissions/report.html")]
struct ReportPage {
    layout: Layout,
    heading: String,
    report: Report,
    issues: Vec<IssueRow>,
    /// The staged upload to commit, when the file has no errors.
    commit_upload: Option<i64>,
    submission: Option<ListedRow>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<ReportPage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the submissions")?;
    let not_found = || AppError::NotFound(format!("submission {id}"));
    let number: i64 = id.parse().map_err(|_| not_found())?;
    let s = queries::get(&state.pool, number)
        .await?
        .ok_or_else(not_found)?;
    let report = report_of(&s)?;
    Ok(ReportPage {
        layout: Layout::new(&state, &visitor, format!("Submission {number}")).await?,
        heading: format!("Submission {number}: {}", s.source_filename),
        issues: issue_rows(&report),
        report,
        commit_upload: None,
        submission: Some(ListedRow::try_from(&s)?),
    })
}

/// Reads the multipart upload: the file, and an optional period for official files.
pub(super) async fn read_upload(
    mut multipart: Multipart,
) -> Result<(String, Vec<u8>, Option<Period>), AppError> {
    let mut file = None;
    let mut period = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::bad_request("file", e.body_text()))?
    {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::bad_request("file", e.body_text()))?;
                file = Some((name, bytes.to_vec()));
            }
            Some("period") => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| AppError::bad_request("period", e.body_text()))?;
                if !text.trim().is_empty() {
                    period = Some(AppError::period("period", &text)?);
                }
            }
            _ => {}
        }
    }
    let (name, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| AppError::bad_request("file", "choose a file to upload"))?;
    Ok((name, bytes, period))
}

pub(super) fn options(state: &AppState, period: Option<Period>) -> Options {
    Options {
        period,
        limits: Limits {
            max_bytes: state.site.max_upload_bytes,
            ..Limits::default()
        },
    }
}

async fn check(
    State(state): State<AppState>,
    visitor: Visitor,
    multipart: Multipart,
) -> Result<ReportPage, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the submissions")?;
    let (filename, bytes, period) = read_upload(multipart).await?;
    let analysis = import::analyse(&state.pool, &filename, &bytes, options(&state, period)).await?;
    let commit_upload = if analysis.report().has_errors() {
        None
    } else {
        let report = analysis.report();
        let mut tx = state.pool.begin().await?;
        let id = uploads::insert(
            &mut tx,
            &NewUpload {
                filename: &filename,
                bytes: &bytes,
                sha256: &analysis.sha256,
                ons_code: None,
                period: period.map(|p| p.to_string()),
                uploaded_by: visitor.viewer.actor(),
                report: serde_json::to_value(report).map_err(|e| AppError::Internal(e.into()))?,
                errors: report.errors.len(),
                warnings: report.warnings.len(),
            },
        )
        .await?;
        tx.commit().await?;
        Some(id)
    };
    let report = analysis.contents.report;
    Ok(ReportPage {
        layout: Layout::new(&state, &visitor, format!("Check {filename}")).await?,
        heading: format!("Validation report: {filename}"),
        issues: issue_rows(&report),
        report,
        commit_upload,
        submission: None,
    })
}

async fn commit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "the submissions")?;
    let not_found =
        || AppError::NotFound(format!("upload {id}: it may have been committed already"));
    let number: i64 = id.parse().map_err(|_| not_found())?;
    let upload = uploads::get(&state.pool, number)
        .await?
        .filter(|u| u.ons_code.is_none() && u.status == crate::domain::round::UploadStatus::Draft)
        .ok_or_else(not_found)?;
    let analysis = import::reanalyse(&state.pool, upload.id, options(&state, None).limits)
        .await?
        .ok_or_else(not_found)?;
    let mut tx = state.pool.begin().await?;
    let actor = visitor.viewer.actor();
    let submission = import::accept_in(
        &mut tx,
        &analysis,
        upload.id,
        crate::domain::round::UploadStatus::Draft,
        actor,
        actor,
    )
    .await
    .map_err(|e| match e {
        import::CommitError::HasErrors(n) => AppError::bad_request(
            "file",
            format!("the file now has {n} errors; upload it again to see them"),
        ),
        import::CommitError::Database(e) => AppError::from(e),
    })?
    .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/submissions/{submission}")).into_response())
}

#[derive(Debug, serde::Deserialize)]
struct TemplateQuery {
    authority: Option<String>,
    period: Option<String>,
    format: Option<String>,
}

async fn download_template(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<TemplateQuery>,
) -> Result<Response, AppError> {
    let code: OnsCode = q.authority.as_deref().unwrap_or_default().parse().map_err(
        |e: crate::domain::OnsCodeError| AppError::bad_request("authority", e.to_string()),
    )?;
    visitor.require(
        visitor.viewer.can_write_for(code.as_str()),
        format!("a council with the code {code}"),
    )?;
    let authority = areas::authority(&state.pool, code.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("a council with the code {code}")))?;
    let period: Period = AppError::period("period", q.period.as_deref().unwrap_or_default())?;
    let rows: Vec<TemplateRow> = measures::catalogue(&state.pool)
        .await?
        .into_iter()
        .filter(|m| m.tier != "ascof" && (m.frequency == "quarterly") == period.is_quarter())
        .map(|m| TemplateRow {
            authority: authority.ons_code.clone(),
            authority_name: authority.name.clone(),
            measure: m.code,
            measure_title: m.title,
            period: period.to_string(),
        })
        .collect();
    let stem = format!(
        "scorecard-template-{}-{}",
        authority.ons_code,
        period.to_string().replace(' ', "-")
    );
    let (bytes, content_type, extension) = match q.format.as_deref() {
        Some("xlsx") => (
            template::xlsx(&rows).map_err(|e| AppError::Internal(e.into()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        None | Some("csv") => (
            template::csv(&rows).map_err(|e| AppError::Internal(e.into()))?,
            "text/csv; charset=utf-8",
            "csv",
        ),
        Some(other) => {
            return Err(AppError::bad_request(
                "format",
                format!("'{other}' is not csv or xlsx"),
            ));
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{extension}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
