//! What needs a signed-in user's attention, as their home page lists it (pure): each item a
//! sentence and the page where it is done, with a due date or the moment it arrived. Overdue
//! first (longest overdue first), then what is due (soonest first), then the rest (newest
//! first).

use chrono::{DateTime, NaiveDate, Utc};

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    /// What kind of thing it is ("Return waiting for a decision"), for the list's heading.
    pub kind: &'static str,
    /// The sentence: what and whose.
    pub text: String,
    /// Where it is done.
    pub href: String,
    pub due: Option<NaiveDate>,
    /// When it arrived (a submission, a response), for items without a due date.
    pub at: Option<DateTime<Utc>>,
}

impl Todo {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.due.is_some_and(|d| d < today)
    }

    /// "overdue by 3 days", "due today", "due in 5 days (1 March 2026)", or nothing.
    pub fn due_words(&self, today: NaiveDate) -> String {
        let Some(due) = self.due else {
            return String::new();
        };
        let days = (due - today).num_days();
        let plural = |n: i64| format!("{n} day{}", if n == 1 { "" } else { "s" });
        match days {
            d if d < 0 => format!("overdue by {} (due {})", plural(-d), super::long_date(due)),
            0 => format!("due today ({})", super::long_date(due)),
            d => format!("due in {} ({})", plural(d), super::long_date(due)),
        }
    }
}

/// The items in the order the home page shows them.
pub fn ordered(mut items: Vec<Todo>, today: NaiveDate) -> Vec<Todo> {
    items.sort_by(|a, b| {
        let rank = |t: &Todo| match t.due {
            Some(d) if d < today => 0,
            Some(_) => 1,
            None => 2,
        };
        rank(a)
            .cmp(&rank(b))
            .then(a.due.cmp(&b.due))
            .then(b.at.cmp(&a.at))
            .then(a.text.cmp(&b.text))
    });
    items
}

/// Whether an item with a due date is worth listing yet: overdue, or due within the window
/// (a round's return, an action), so that a due date months away is not yet a thing to do.
pub fn in_window(due: NaiveDate, today: NaiveDate, days: i64) -> bool {
    (due - today).num_days() <= days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn item(text: &str, due: Option<NaiveDate>, at_hour: Option<u32>) -> Todo {
        Todo {
            kind: "Test",
            text: text.into(),
            href: "/".into(),
            due,
            at: at_hour.map(|h| day(1).and_hms_opt(h, 0, 0).unwrap().and_utc()),
        }
    }

    #[test]
    fn overdue_comes_first_then_due_soonest_then_newest() {
        let today = day(10);
        let items = vec![
            item("old arrival", None, Some(8)),
            item("due later", Some(day(20)), None),
            item("overdue a little", Some(day(9)), None),
            item("new arrival", None, Some(17)),
            item("overdue most", Some(day(2)), None),
            item("due today", Some(day(10)), None),
        ];
        let texts: Vec<String> = ordered(items, today).into_iter().map(|t| t.text).collect();
        assert_eq!(
            texts,
            [
                "overdue most",
                "overdue a little",
                "due today",
                "due later",
                "new arrival",
                "old arrival"
            ]
        );
    }

    #[test]
    fn due_words_count_the_days() {
        let today = day(10);
        assert_eq!(
            item("", Some(day(7)), None).due_words(today),
            "overdue by 3 days (due 7 March 2026)"
        );
        assert_eq!(
            item("", Some(day(9)), None).due_words(today),
            "overdue by 1 day (due 9 March 2026)"
        );
        assert_eq!(
            item("", Some(day(10)), None).due_words(today),
            "due today (10 March 2026)"
        );
        assert_eq!(
            item("", Some(day(11)), None).due_words(today),
            "due in 1 day (11 March 2026)"
        );
        assert_eq!(item("", None, Some(3)).due_words(today), "");
        assert!(item("", Some(day(9)), None).overdue(today));
        assert!(!item("", Some(day(10)), None).overdue(today));
    }

    #[test]
    fn a_due_date_far_off_is_not_yet_listed() {
        assert!(in_window(day(24), day(10), 14));
        assert!(!in_window(day(25), day(10), 14));
        assert!(in_window(day(1), day(10), 14));
    }
}
