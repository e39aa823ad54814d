//! A council's place in a quarter's collection round, from its latest return and the due date.

use chrono::NaiveDate;

/// Where an upload is: checked and kept as a draft, submitted to the analyst, accepted (a
/// submission revision), or sent back with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadStatus {
    Draft,
    Submitted,
    Accepted,
    SentBack,
}

impl UploadStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UploadStatus::Draft => "draft",
            UploadStatus::Submitted => "submitted",
            UploadStatus::Accepted => "accepted",
            UploadStatus::SentBack => "sent_back",
        }
    }
}

super::column::serde_text!(UploadStatus);
super::column::text_column!(UploadStatus);

/// Where a council stands in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnStatus {
    NotStarted,
    /// Uploaded, not yet submitted (with the errors and warnings of its check).
    Draft {
        errors: i32,
        warnings: i32,
    },
    Submitted {
        warnings: i32,
    },
    Accepted,
    SentBack,
}

impl ReturnStatus {
    /// From an upload's stored status and counts.
    pub fn of(status: Option<UploadStatus>, errors: i32, warnings: i32) -> ReturnStatus {
        match status {
            None => ReturnStatus::NotStarted,
            Some(UploadStatus::Submitted) => ReturnStatus::Submitted { warnings },
            Some(UploadStatus::Accepted) => ReturnStatus::Accepted,
            Some(UploadStatus::SentBack) => ReturnStatus::SentBack,
            Some(UploadStatus::Draft) => ReturnStatus::Draft { errors, warnings },
        }
    }

    /// Still owed by the council: not yet with the analyst (submitted or accepted).
    pub fn owed(&self) -> bool {
        !matches!(
            self,
            ReturnStatus::Submitted { .. } | ReturnStatus::Accepted
        )
    }

    /// Late: due before today and still owed.
    pub fn late(&self, due: NaiveDate, today: NaiveDate) -> bool {
        today > due && self.owed()
    }

    /// In words, for the round's table.
    pub fn words(&self) -> String {
        let plural = |n: i32, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        match self {
            ReturnStatus::NotStarted => "Not started".into(),
            ReturnStatus::Draft { errors, warnings } => format!(
                "Draft ({}, {})",
                plural(*errors, "error"),
                plural(*warnings, "warning")
            ),
            ReturnStatus::Submitted { warnings } => {
                format!("Submitted ({})", plural(*warnings, "warning"))
            }
            ReturnStatus::Accepted => "Accepted".into(),
            ReturnStatus::SentBack => "Sent back".into(),
        }
    }

    /// The tag's class (the words carry the meaning).
    pub fn css(&self) -> &'static str {
        match self {
            ReturnStatus::NotStarted => "govuk-tag--grey",
            ReturnStatus::Draft { .. } => "govuk-tag--yellow",
            ReturnStatus::Submitted { .. } => "govuk-tag--blue",
            ReturnStatus::Accepted => "govuk-tag--green",
            ReturnStatus::SentBack => "govuk-tag--red",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 8, d).unwrap()
    }

    #[test]
    fn statuses_read_from_the_latest_upload() {
        assert_eq!(ReturnStatus::of(None, 0, 0), ReturnStatus::NotStarted);
        assert_eq!(
            ReturnStatus::of(Some(UploadStatus::Draft), 2, 1).words(),
            "Draft (2 errors, 1 warning)"
        );
        assert_eq!(
            ReturnStatus::of(Some(UploadStatus::Submitted), 0, 3).words(),
            "Submitted (3 warnings)"
        );
        assert_eq!(
            ReturnStatus::of(Some(UploadStatus::Accepted), 0, 0),
            ReturnStatus::Accepted
        );
        assert_eq!(
            ReturnStatus::of(Some(UploadStatus::SentBack), 0, 0),
            ReturnStatus::SentBack
        );
    }

    #[test]
    fn late_is_past_the_due_date_and_not_with_the_analyst() {
        let due = day(15);
        assert!(
            !ReturnStatus::NotStarted.late(due, day(15)),
            "due today is not late"
        );
        assert!(ReturnStatus::NotStarted.late(due, day(16)));
        assert!(ReturnStatus::SentBack.late(due, day(16)));
        assert!(!ReturnStatus::Submitted { warnings: 0 }.late(due, day(16)));
        assert!(!ReturnStatus::Accepted.late(due, day(30)));
        assert!(ReturnStatus::SentBack.owed() && !ReturnStatus::Accepted.owed());
    }
}
