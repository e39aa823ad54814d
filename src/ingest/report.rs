//! The validation report: every problem named by file, sheet, row, column, value and reason.

use std::fmt;

/// Where in a file a problem is, and what it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Issue {
    pub sheet: Option<String>,
    /// The row as a spreadsheet shows it (the header is row 1).
    pub row: Option<usize>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub reason: String,
}

impl Issue {
    pub fn file(reason: impl Into<String>) -> Issue {
        Issue {
            sheet: None,
            row: None,
            column: None,
            value: None,
            reason: reason.into(),
        }
    }

    pub fn at(at: &Location, column: &str, value: &str, reason: impl Into<String>) -> Issue {
        Issue {
            sheet: at.sheet.clone(),
            row: Some(at.row),
            column: Some(column.to_string()),
            value: Some(value.to_string()),
            reason: reason.into(),
        }
    }

    pub fn row(at: &Location, reason: impl Into<String>) -> Issue {
        Issue {
            sheet: at.sheet.clone(),
            row: Some(at.row),
            column: None,
            value: None,
            reason: reason.into(),
        }
    }
}

/// A row of a file: its sheet (for workbooks) and its number as a spreadsheet shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub sheet: Option<String>,
    pub row: usize,
}

/// What a file would change, and what is wrong with it. Errors block a commit; warnings do not.
/// Stored with each submission; fields added later default when older reports are read.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Report {
    pub file: String,
    pub format: String,
    pub rows_read: usize,
    pub values: usize,
    pub areas: usize,
    pub measures: usize,
    pub periods: Vec<String>,
    pub notes: Vec<String>,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

/// How many issues of each kind a report lists in full; the rest are counted.
pub const MAX_LISTED: usize = 500;

impl Report {
    pub fn new(file: &str) -> Report {
        Report {
            file: file.to_string(),
            ..Report::default()
        }
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Renders one issue as a sentence naming the file and position.
    pub fn describe(&self, issue: &Issue) -> String {
        let mut parts = vec![self.file.clone()];
        if let Some(sheet) = &issue.sheet {
            parts.push(format!("sheet '{sheet}'"));
        }
        if let Some(row) = issue.row {
            parts.push(format!("row {row}"));
        }
        if let Some(column) = &issue.column {
            parts.push(format!("column '{column}'"));
        }
        if let Some(value) = &issue.value {
            parts.push(format!("value '{value}'"));
        }
        format!("{}: {}", parts.join(", "), issue.reason)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} ({})", self.file, self.format)?;
        writeln!(
            f,
            "  {} rows read; {} values for {} areas, {} measures, periods {}",
            self.rows_read,
            self.values,
            self.areas,
            self.measures,
            if self.periods.is_empty() {
                "none".to_string()
            } else {
                self.periods.join(", ")
            }
        )?;
        for note in &self.notes {
            writeln!(f, "  note: {note}")?;
        }
        for (label, issues) in [("error", &self.errors), ("warning", &self.warnings)] {
            for issue in issues.iter().take(MAX_LISTED) {
                writeln!(f, "{label}: {}", self.describe(issue))?;
            }
            if issues.len() > MAX_LISTED {
                writeln!(f, "{label}: … and {} more", issues.len() - MAX_LISTED)?;
            }
        }
        write!(
            f,
            "{} errors, {} warnings",
            self.errors.len(),
            self.warnings.len()
        )
    }
}
