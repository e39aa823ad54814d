//! A date typed as the GOV.UK date input asks for it (day, month and year in three boxes), read
//! with the design system's error messages (pure). Months may be numbers or names ("3", "Mar",
//! "March"), as the guidance asks; spaces around a part are ignored.

use chrono::NaiveDate;

/// What was typed, kept to show again with an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct DateParts {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub year: String,
}

/// No mistake (for a form shown fresh).
pub const NO_ERROR: Option<DateError> = None;

/// A mistake: the message, and which boxes to mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub message: String,
    pub day: bool,
    pub month: bool,
    pub year: bool,
}

impl DateParts {
    pub fn of(date: NaiveDate) -> DateParts {
        use chrono::Datelike;
        DateParts {
            day: date.day().to_string(),
            month: date.month().to_string(),
            year: date.year().to_string(),
        }
    }

    /// A date as one form field carries it: YYYY-MM-DD (a client's), or the three boxes joined
    /// as "day/month/year" by [`merged`].
    pub fn from_field(text: &str) -> DateParts {
        if let Ok(date) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            return DateParts::of(date);
        }
        let mut parts = text.splitn(3, '/').map(str::to_string);
        DateParts {
            day: parts.next().unwrap_or_default(),
            month: parts.next().unwrap_or_default(),
            year: parts.next().unwrap_or_default(),
        }
    }

    /// The date, or the GOV.UK message for `what` ("the due date"), which opens the message.
    pub fn read(&self, what: &str) -> Result<NaiveDate, DateError> {
        let (day, month, year) = (self.day.trim(), self.month.trim(), self.year.trim());
        let missing: Vec<&str> = [("day", day), ("month", month), ("year", year)]
            .iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(n, _)| *n)
            .collect();
        let error = |message: String, d: bool, m: bool, y: bool| DateError {
            message,
            day: d,
            month: m,
            year: y,
        };
        let what_cap = capitalised(what);
        if missing.len() == 3 {
            return Err(error(format!("Enter {what}"), true, true, true));
        }
        if !missing.is_empty() {
            let list = match missing.as_slice() {
                [one] => (*one).to_string(),
                [a, b] => format!("{a} and {b}"),
                _ => String::new(),
            };
            return Err(error(
                format!("{what_cap} must include a {list}"),
                day.is_empty(),
                month.is_empty(),
                year.is_empty(),
            ));
        }
        if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
            return Err(error(
                "Year must include 4 numbers".into(),
                false,
                false,
                true,
            ));
        }
        let not_real = || error(format!("{what_cap} must be a real date"), true, true, true);
        let d: u32 = day.parse().map_err(|_| not_real())?;
        let m = month_number(month).ok_or_else(not_real)?;
        let y: i32 = year.parse().map_err(|_| not_real())?;
        NaiveDate::from_ymd_opt(y, m, d).ok_or_else(not_real)
    }
}

/// A form's fields with each date input's three boxes (`{name}-day`, `{name}-month`,
/// `{name}-year`) joined into one field `{name}` = "day/month/year" (all three empty: an empty
/// field, a date not given). Other fields are kept as they came.
pub fn merged(fields: Vec<(String, String)>) -> Vec<(String, String)> {
    const PARTS: [&str; 3] = ["-day", "-month", "-year"];
    let part_of = |key: &str| {
        PARTS
            .iter()
            .position(|p| key.ends_with(p))
            .map(|i| (key[..key.len() - PARTS[i].len()].to_string(), i))
    };
    let mut dates: Vec<(String, [String; 3])> = Vec::new();
    let mut out = Vec::new();
    for (key, value) in fields {
        match part_of(&key) {
            Some((name, i)) => {
                let at = dates
                    .iter()
                    .position(|(n, _)| *n == name)
                    .unwrap_or_else(|| {
                        dates.push((name, Default::default()));
                        dates.len() - 1
                    });
                dates[at].1[i] = value;
            }
            None => out.push((key, value)),
        }
    }
    for (name, [d, m, y]) in dates {
        let joined = if [&d, &m, &y].iter().all(|p| p.trim().is_empty()) {
            String::new()
        } else {
            format!("{d}/{m}/{y}")
        };
        out.push((name, joined));
    }
    out
}

fn month_number(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return (1..=12).contains(&n).then_some(n);
    }
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = text.to_ascii_lowercase();
    NAMES
        .iter()
        .position(|n| lower.len() >= 3 && n.starts_with(&lower))
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(d: &str, m: &str, y: &str) -> DateParts {
        DateParts {
            day: d.into(),
            month: m.into(),
            year: y.into(),
        }
    }

    #[test]
    fn reads_a_real_date_with_the_month_as_a_number_or_a_name() {
        let expected = NaiveDate::from_ymd_opt(2026, 3, 7);
        assert_eq!(parts("7", "3", "2026").read("the due date").ok(), expected);
        assert_eq!(parts(" 07 ", "Mar", "2026").read("x").ok(), expected);
        assert_eq!(parts("7", "march", "2026").read("x").ok(), expected);
        assert_eq!(
            DateParts::of(expected.unwrap_or_default()),
            parts("7", "3", "2026")
        );
    }

    #[test]
    fn a_forms_three_boxes_become_one_field() {
        let field = |k: &str, v: &str| (k.to_string(), v.to_string());
        let merged = merged(vec![
            field("csrf", "t"),
            field("due_on-day", "7"),
            field("due_on-month", "3"),
            field("due_on-year", "2026"),
            field("done_on-day", ""),
            field("done_on-month", " "),
            field("done_on-year", ""),
        ]);
        assert_eq!(
            merged,
            [
                field("csrf", "t"),
                field("due_on", "7/3/2026"),
                field("done_on", "")
            ]
        );
        let date = NaiveDate::from_ymd_opt(2026, 3, 7);
        assert_eq!(DateParts::from_field("7/3/2026").read("x").ok(), date);
        assert_eq!(DateParts::from_field("2026-03-07").read("x").ok(), date);
        assert_eq!(
            DateParts::from_field("7//2026")
                .read("the date")
                .unwrap_err()
                .message,
            "The date must include a month"
        );
        assert_eq!(
            DateParts::from_field("")
                .read("the date")
                .unwrap_err()
                .message,
            "Enter the date"
        );
    }

    #[test]
    fn says_what_is_wrong_in_the_design_systems_words() {
        let message = |p: DateParts| p.read("the due date").unwrap_err().message;
        assert_eq!(message(parts("", "", "")), "Enter the due date");
        assert_eq!(
            message(parts("7", "", "2026")),
            "The due date must include a month"
        );
        assert_eq!(
            message(parts("", "", "2026")),
            "The due date must include a day and month"
        );
        assert_eq!(
            message(parts("7", "3", "26")),
            "Year must include 4 numbers"
        );
        assert_eq!(
            message(parts("31", "2", "2026")),
            "The due date must be a real date"
        );
        assert_eq!(
            message(parts("7", "13", "2026")),
            "The due date must be a real date"
        );
        assert_eq!(
            message(parts("7", "ma", "2026")),
            "The due date must be a real date"
        );
        let e = parts("7", "", "").read("the due date").unwrap_err();
        assert!(!e.day && e.month && e.year);
    }
}
