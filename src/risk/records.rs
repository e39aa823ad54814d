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

    /// Where `step` takes the assessment from this stage, or why it may not be taken now
    /// (MoU 2.1 b: concerns shared, then discussed, then the final view; a final assessment is
    /// changed only through a new revision).
    pub fn then(self, step: Step) -> Result<AssessmentStage, &'static str> {
        use AssessmentStage::{Discussed, Draft, Final, Shared};
        match (self, step) {
            (Final, Step::Reopen) => Ok(Shared),
            (_, Step::Reopen) => Err("only a final assessment is reopened as a new revision"),
            (Final, _) => Err(
                "the year's assessment is final: open a new revision, with its reason, to change it",
            ),
            (Draft, Step::Concerns) => Ok(Shared),
            (Draft, Step::Response) => Err("the concerns have not been shared with the council"),
            (Draft, Step::Discussion | Step::FinalWithoutDiscussion) => {
                Err("share the concerns with the council first (MoU 2.1 b)")
            }
            (Draft | Shared, Step::Final) => Err(
                "a final view comes after the concerns are shared and the discussion recorded (MoU 2.1 b); where the council declines to engage, record a final view without discussion, with the reason",
            ),
            (Shared, Step::FinalWithoutDiscussion) => Ok(Final),
            (Discussed, Step::FinalWithoutDiscussion) => {
                Err("the discussion is recorded: record the final view")
            }
            (Shared | Discussed, Step::Discussion) | (Discussed, Step::Final) => {
                Ok(if step == Step::Final {
                    Final
                } else {
                    Discussed
                })
            }
            (stage, Step::Concerns | Step::Response | Step::Judgement | Step::Support) => Ok(stage),
        }
    }
}

/// A step of the annual assessment: the analyst's, or the council's response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Concerns,
    Response,
    Discussion,
    Judgement,
    Support,
    Final,
    /// Where the council declines to engage: final, with the reason, without a discussion.
    FinalWithoutDiscussion,
    /// A final assessment opened again as a new revision, with the reason.
    Reopen,
}

impl Step {
    /// The kind of the entry the step records.
    pub fn kind(self) -> &'static str {
        match self {
            Step::Concerns => "concerns",
            Step::Response => "response",
            Step::Discussion => "discussion",
            Step::Judgement => "judgement",
            Step::Support => "support",
            Step::Final => "final",
            Step::FinalWithoutDiscussion => "final_without_discussion",
            Step::Reopen => "reopen",
        }
    }

    pub const ALL: [Step; 8] = [
        Step::Concerns,
        Step::Response,
        Step::Discussion,
        Step::Judgement,
        Step::Support,
        Step::Final,
        Step::FinalWithoutDiscussion,
        Step::Reopen,
    ];
}

#[cfg(test)]
mod tests {
    use super::AssessmentStage::{Discussed, Draft, Final, Shared};
    use super::Step;

    #[test]
    fn the_assessment_goes_from_shared_concerns_through_discussion_to_final() {
        assert_eq!(
            Draft.then(Step::Judgement),
            Ok(Draft),
            "a provisional judgement"
        );
        assert!(Draft.then(Step::Discussion).is_err());
        assert!(Draft.then(Step::Final).is_err());
        assert!(Draft.then(Step::Response).is_err());
        assert_eq!(Draft.then(Step::Concerns), Ok(Shared));
        assert!(
            Shared
                .then(Step::Final)
                .unwrap_err()
                .contains("without discussion")
        );
        assert_eq!(Shared.then(Step::Response), Ok(Shared));
        assert_eq!(Shared.then(Step::Discussion), Ok(Discussed));
        assert_eq!(
            Discussed.then(Step::Concerns),
            Ok(Discussed),
            "never back to shared"
        );
        assert_eq!(Discussed.then(Step::Final), Ok(Final));
    }

    #[test]
    fn final_without_discussion_and_a_closed_year() {
        assert_eq!(Shared.then(Step::FinalWithoutDiscussion), Ok(Final));
        assert!(Draft.then(Step::FinalWithoutDiscussion).is_err());
        assert!(Discussed.then(Step::FinalWithoutDiscussion).is_err());
        for step in Step::ALL
            .into_iter()
            .filter(|s| !matches!(s, Step::FinalWithoutDiscussion | Step::Reopen))
        {
            assert!(
                Final.then(step).unwrap_err().contains("new revision"),
                "{step:?}"
            );
        }
        assert_eq!(Final.then(Step::Reopen), Ok(Shared));
        assert!(Shared.then(Step::Reopen).is_err());
        let kinds: std::collections::BTreeSet<&str> = Step::ALL.iter().map(|s| s.kind()).collect();
        assert_eq!(
            kinds.len(),
            Step::ALL.len(),
            "each step its own kind of entry"
        );
    }
}

crate::domain::column::serde_text!(AssessmentStage);
crate::domain::column::text_column!(AssessmentStage);
