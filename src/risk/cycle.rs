//! The year of sector-led improvement as the memorandum runs it (seed 001: 3.3-3.5, 7.1-7.4),
//! pure: the year's timetable with what is overdue, the order of follow-ups, and the
//! consultant's annual report to the Board built from the year's records.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};

use crate::domain::{Period, long_date};

/// The Board's decisions (MoU 2.1 i) and where an escalation goes (MoU 7.4), with their words.
pub const DECISIONS: [(&str, &str); 3] = [
    ("accept_support", "Accept the support proposed"),
    ("targeted_support", "Targeted support"),
    ("intervention", "Intervention"),
];
pub const ESCALATIONS: [(&str, &str); 3] = [
    ("lga", "The Local Government Association"),
    ("adass", "ADASS nationally"),
    (
        "government",
        "Government (the Department of Health and Social Care)",
    ),
];

pub fn label(choices: &[(&str, &'static str)], value: &str) -> &'static str {
    choices
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("", |(_, l)| l)
}

/// The annual review window by default: 1 July to 31 October of the year (MoU 3.3).
pub fn default_window(year: Period) -> (NaiveDate, NaiveDate) {
    let y = year.year_start();
    (
        NaiveDate::from_ymd_opt(y, 7, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(y, 10, 31).unwrap_or(NaiveDate::MIN),
    )
}

/// A thematic review of the year.
#[derive(Debug, Clone)]
pub struct Theme {
    pub title: String,
    pub opened_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    /// Councils that recorded a self-assessment level on it.
    pub councils: BTreeSet<String>,
}

/// What the timetable is built from.
#[derive(Debug, Clone)]
pub struct Year {
    pub year: Period,
    pub today: NaiveDate,
    /// The region's councils: code and name.
    pub councils: Vec<(String, String)>,
    pub themes: Vec<Theme>,
    pub window: (NaiveDate, NaiveDate),
    /// Each council's assessment status, where one is started.
    pub statuses: BTreeMap<String, String>,
    /// When the annual report was last issued.
    pub report_issued: Option<NaiveDate>,
}

/// One line of the timetable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub what: String,
    pub when: String,
    pub state: String,
    pub overdue: bool,
}

impl Year {
    /// When a theme's self-assessments are due: its own date, else the review window's opening.
    fn due(&self, theme: &Theme) -> NaiveDate {
        theme.due_on.unwrap_or(self.window.0)
    }

    /// When the report to the Board is due: a month after the review window closes.
    pub fn report_due(&self) -> NaiveDate {
        self.window
            .1
            .checked_add_months(Months::new(1))
            .unwrap_or(self.window.1)
    }

    /// Names of the region's councils not in `done`.
    fn missing(&self, done: &BTreeSet<String>) -> Vec<&str> {
        self.councils
            .iter()
            .filter(|(c, _)| !done.contains(c))
            .map(|(_, n)| n.as_str())
            .collect()
    }

    /// A thematic review's line: the councils that self-assessed, and those not yet.
    fn theme(&self, t: &Theme) -> Milestone {
        let (due, total) = (self.due(t), self.councils.len());
        let done = self
            .councils
            .iter()
            .filter(|(c, _)| t.councils.contains(c))
            .count();
        let missing = self.missing(&t.councils);
        Milestone {
            what: format!("Thematic review: {} (self-assessments in)", t.title),
            when: format!("opened {}, due {}", long_date(t.opened_on), long_date(due)),
            state: if missing.is_empty() {
                format!("all {total} councils self-assessed")
            } else {
                format!(
                    "{done} of {total} councils self-assessed; not yet: {}",
                    missing.join(", ")
                )
            },
            overdue: self.today > due && !missing.is_empty(),
        }
    }

    pub fn timetable(&self) -> Vec<Milestone> {
        let mut out = Vec::new();
        out.extend(self.themes.iter().map(|t| self.theme(t)));
        let (opens, closes) = self.window;
        out.push(Milestone {
            what: "Annual review".into(),
            when: format!("{} to {}", long_date(opens), long_date(closes)),
            state: if self.today < opens {
                "not yet open".into()
            } else if self.today <= closes {
                "open".into()
            } else {
                "closed".into()
            },
            overdue: false,
        });
        let finals: BTreeSet<String> = self
            .statuses
            .iter()
            .filter(|(_, s)| s.as_str() == "final")
            .map(|(c, _)| c.clone())
            .collect();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (council, _) in &self.councils {
            *counts
                .entry(
                    self.statuses
                        .get(council)
                        .map_or("not started", String::as_str),
                )
                .or_default() += 1;
        }
        let not_final = self.missing(&finals);
        out.push(Milestone {
            what: "Annual assessments: final views".into(),
            when: format!("by {}", long_date(closes)),
            state: counts
                .iter()
                .map(|(s, n)| format!("{s} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
                + &if not_final.is_empty() {
                    String::new()
                } else {
                    format!("; not final: {}", not_final.join(", "))
                },
            overdue: self.today > closes && !not_final.is_empty(),
        });
        let due = self.report_due();
        out.push(Milestone {
            what: "The consultant's annual report to the Board".into(),
            when: format!("by {}", long_date(due)),
            state: self.report_issued.map_or_else(
                || "not issued".into(),
                |d| format!("issued {}", long_date(d)),
            ),
            overdue: self.today > due && self.report_issued.is_none(),
        });
        out
    }

    /// Per council, whether it self-assessed on each theme (in the themes' order).
    pub fn self_assessments(&self) -> Vec<(String, Vec<bool>)> {
        self.councils
            .iter()
            .map(|(c, n)| {
                (
                    n.clone(),
                    self.themes.iter().map(|t| t.councils.contains(c)).collect(),
                )
            })
            .collect()
    }
}

/// Where a follow-up sorts: overdue first (by due date), then the rest by due date, done last.
pub fn follow_up_order(
    due: NaiveDate,
    done: Option<NaiveDate>,
    today: NaiveDate,
) -> (u8, NaiveDate) {
    match done {
        Some(_) => (2, due),
        None if due < today => (0, due),
        None => (1, due),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn year(today: NaiveDate) -> Year {
        Year {
            year: Period::year(2016),
            today,
            councils: vec![("A".into(), "Alpha".into()), ("B".into(), "Beta".into())],
            themes: vec![Theme {
                title: "Safeguarding".into(),
                opened_on: d(2016, 4, 1),
                due_on: None,
                councils: ["A".to_string()].into(),
            }],
            window: default_window(Period::year(2016)),
            statuses: [("A".to_string(), "final".to_string())].into(),
            report_issued: None,
        }
    }

    #[test]
    fn the_timetable_says_what_is_overdue() {
        // In June: nothing due yet.
        let june = year(d(2016, 6, 1)).timetable();
        assert!(june.iter().all(|m| !m.overdue), "{june:?}");
        assert_eq!(june[1].state, "not yet open");
        assert!(june[0].state.contains("not yet: Beta"), "{june:?}");
        // In December: Beta's self-assessment, its final view and the report are overdue.
        let december = year(d(2016, 12, 15)).timetable();
        let overdue: Vec<&str> = december
            .iter()
            .filter(|m| m.overdue)
            .map(|m| m.what.as_str())
            .collect();
        assert_eq!(
            overdue,
            [
                "Thematic review: Safeguarding (self-assessments in)",
                "Annual assessments: final views",
                "The consultant's annual report to the Board"
            ]
        );
        assert_eq!(december[2].state, "final 1, not started 1; not final: Beta");
        assert_eq!(december[3].when, "by 30 November 2016");
        let mut issued = year(d(2016, 12, 15));
        issued.report_issued = Some(d(2016, 11, 20));
        assert!(!issued.timetable()[3].overdue);
        assert_eq!(
            issued.self_assessments()[1],
            ("Beta".to_string(), vec![false])
        );
    }

    #[test]
    fn overdue_follow_ups_come_first() {
        let today = d(2017, 1, 1);
        let mut items = [
            (d(2017, 3, 1), None),
            (d(2016, 12, 1), Some(d(2016, 11, 1))),
            (d(2016, 12, 20), None),
            (d(2016, 10, 1), None),
        ];
        items.sort_by_key(|(due, done)| follow_up_order(*due, *done, today));
        assert_eq!(
            items.map(|(due, _)| due),
            [
                d(2016, 10, 1),
                d(2016, 12, 20),
                d(2017, 3, 1),
                d(2016, 12, 1)
            ]
        );
    }
}
