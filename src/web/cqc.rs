//! `POST /authorities/{ons_code}/cqc`: the analyst enters one council's CQC assessment from
//! CQC's published report (analyst only). The form's fields become one row of CQC's layout and
//! go through the same reader and checks as an imported file: stored as a revision of the
//! council's own scope (`cqc-la-assessment:{ons_code}`), so that a later file or entry for the
//! council supersedes it and no other council's assessment is touched.

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::post;

use super::extract::Path;
use super::session::Visitor;
use super::values::Choice;
use super::{AppError, AppState};
use crate::domain::OnsCode;
use crate::ingest::import;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/authorities/{ons_code}/cqc", post(record))
}

/// The quality statements' fields, in CQC's order.
const STATEMENTS: [&str; 9] = [
    "qs1", "qs2", "qs3", "qs4", "qs5", "qs6", "qs7", "qs8", "qs9",
];

/// The overall ratings a form offers (CQC's words).
pub(super) fn ratings() -> Vec<Choice> {
    [
        "Outstanding",
        "Good",
        "Requires improvement",
        "Inadequate",
        "Not rated",
    ]
    .iter()
    .map(|r| Choice {
        value: (*r).to_string(),
        label: (*r).to_string(),
        selected: false,
    })
    .collect()
}

#[derive(Debug, serde::Deserialize)]
struct CqcForm {
    #[serde(default)]
    overall: String,
    #[serde(default)]
    assessed: String,
    #[serde(default)]
    qs1: String,
    #[serde(default)]
    qs2: String,
    #[serde(default)]
    qs3: String,
    #[serde(default)]
    qs4: String,
    #[serde(default)]
    qs5: String,
    #[serde(default)]
    qs6: String,
    #[serde(default)]
    qs7: String,
    #[serde(default)]
    qs8: String,
    #[serde(default)]
    qs9: String,
}

impl CqcForm {
    fn scores(&self) -> [&str; 9] {
        [
            &self.qs1, &self.qs2, &self.qs3, &self.qs4, &self.qs5, &self.qs6, &self.qs7, &self.qs8,
            &self.qs9,
        ]
        .map(|s| s.trim())
    }

    /// The entry as one row of CQC's layout.
    fn as_csv(&self, ons_code: &str) -> Result<Vec<u8>, csv::Error> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["la_code", "overall_rating", "assessment_date"];
        let names: Vec<String> = STATEMENTS.iter().map(|s| format!("{s}_score")).collect();
        header.extend(names.iter().map(String::as_str));
        out.write_record(&header)?;
        let mut row = vec![ons_code, self.overall.trim(), self.assessed.trim()];
        row.extend(self.scores());
        out.write_record(&row)?;
        out.into_inner().map_err(|e| e.into_error().into())
    }
}

async fn record(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Form(form): Form<CqcForm>,
) -> Result<Redirect, AppError> {
    visitor.require(
        visitor.viewer.can_manage_data(),
        "the council's CQC assessment",
    )?;
    let authority = super::values::authority(&state, &code).await?;
    let bytes = form
        .as_csv(&authority.ons_code)
        .map_err(|e| AppError::Internal(e.into()))?;
    let name = format!("cqc-assessment-{}-entered.csv", authority.ons_code);
    let options = super::submissions::options(&state, None);
    let analysis = import::analyse(&state.pool, &name, &bytes, options).await?;
    if let Some(issue) = analysis.report().errors.first() {
        let field = match issue.column.as_deref() {
            Some("overall_rating") => "overall",
            Some("assessment_date") => "assessed",
            Some(c) => STATEMENTS
                .iter()
                .find(|s| c.starts_with(*s))
                .copied()
                .unwrap_or("overall"),
            None => "overall",
        };
        return Err(AppError::bad_request(field, issue.reason.clone()));
    }
    import::commit(&state.pool, &analysis, visitor.viewer.actor())
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Redirect::to(&format!(
        "/authorities/{}#cqc",
        authority.ons_code
    )))
}
