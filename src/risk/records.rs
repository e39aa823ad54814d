//! What the analyst keeps of risk, as the rules and pages read it: a trigger of Table 2 and an
//! intelligence item. Plain records (the database reads them, `db::queries::risk`).

use chrono::{DateTime, NaiveDate, Utc};

/// A trigger of Table 2, as the analyst keeps it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Trigger {
    pub id: String,
    pub heading: String,
    pub heading_name: String,
    pub title: String,
    pub source: String,
    pub kind: String,
    pub domains: Vec<String>,
    pub params: serde_json::Value,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl Trigger {
    /// The parameters as JSON, or nothing when the trigger has none.
    pub fn params_text(&self) -> String {
        match &self.params {
            serde_json::Value::Object(o) if o.is_empty() => String::new(),
            p => p.to_string(),
        }
    }
}

/// An intelligence item.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Intelligence {
    pub id: i64,
    pub ons_code: String,
    pub trigger_id: String,
    pub year: String,
    pub recorded_on: NaiveDate,
    pub source: String,
    pub evidence: String,
    pub link: Option<String>,
    pub severity: String,
    pub visibility: String,
    pub recorded_by: String,
}

/// A council's current judgement of one domain in the year's assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub council: String,
    pub domain: String,
    /// `low`, `some` or `significant`.
    pub level: String,
}

/// A council's assessment of the year and its status (`draft`, `shared`, `discussed`, `final`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentStatus {
    pub council: String,
    pub status: String,
}

/// Where a council's annual assessment is: a draft, concerns shared with the council, the
/// discussion recorded, the final view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentStage {
    Draft,
    Shared,
    Discussed,
    Final,
}

impl AssessmentStage {
    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentStage::Draft => "draft",
            AssessmentStage::Shared => "shared",
            AssessmentStage::Discussed => "discussed",
            AssessmentStage::Final => "final",
        }
    }

    /// The stage an entry of `kind` moves the assessment to, if it moves it.
    pub fn after(kind: &str) -> Option<AssessmentStage> {
        match kind {
            "concerns" => Some(AssessmentStage::Shared),
            "discussion" => Some(AssessmentStage::Discussed),
            "final" => Some(AssessmentStage::Final),
            _ => None,
        }
    }
}

crate::domain::column::serde_text!(AssessmentStage);
crate::domain::column::text_column!(AssessmentStage);
