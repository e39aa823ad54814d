//! The service's own records as measures of Culture & challenge and Leadership & governance
//! (pure). From the analyst's regional facts, the councils' thematic self-assessments and their
//! quarterly returns, a year's (or quarter's) values:
//! - `LG01` directors of adult social services in post in the three years to the period end:
//!   the changes of director recorded for the year, plus the director in post;
//! - `LG02` corporate savings required (% of net revenue budget), as recorded for the year;
//! - `LG03` changes of political control in the three years, as recorded for the year;
//! - `CC01` regional network meetings attended in the quarter (% of those held);
//! - `CC03` Local Account published for the year (1), with the date it was published;
//! - `CC04` peer challenges held in the three years to the period end, for a council whose peer
//!   challenges the analyst records;
//! - `CC05` thematic self-assessments completed for the year (its themes with a level recorded);
//! - `CC06` quarterly returns on time in the year (% of the returns due).
//!
//! A fact recorded more than once for the same date counts as its latest recording; a value is
//! made only from what is recorded (no record is not a zero), except the returns, whose due
//! dates and arrivals the service itself holds.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use super::facts::{FactKind, attendance};
use super::{Period, long_date};

/// A fact as recorded: council, kind, value and the date it was true (latest recording first
/// for the same council, kind and date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub council: String,
    pub kind: FactKind,
    pub value: String,
    pub as_of: NaiveDate,
}

/// A quarterly return that was due: the council, the quarter, its due date and when the
/// council's return arrived (if it has).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub council: String,
    pub quarter: Period,
    pub due_on: NaiveDate,
    pub arrived_on: Option<NaiveDate>,
}

/// What the records say for a year.
#[derive(Debug, Default)]
pub struct Records {
    pub facts: Vec<Fact>,
    /// Councils and the themes (of a year) they recorded self-assessment levels for.
    pub self_assessed: Vec<(String, String, Period)>,
    pub returns: Vec<Due>,
}

/// One value derived from the records.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordValue {
    pub council: String,
    pub measure: &'static str,
    pub period: Period,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub note: String,
}

/// The years whose values a fact recorded with `as_of` can change: its own, the year a Local
/// Account covers, and the two after a peer challenge (whose count looks back three years).
pub fn years_touched(kind: FactKind, value: &str, as_of: NaiveDate) -> Vec<Period> {
    let year = Period::year_of(as_of);
    let mut years = vec![year];
    match kind {
        FactKind::LocalAccount => years.extend(value.parse::<Period>().ok()),
        FactKind::PeerChallenge => {
            years.extend((1..=2).map(|n| Period::year(year.year_start() + n)));
        }
        _ => {}
    }
    years.sort();
    years.dedup();
    years
}

impl Records {
    /// The values for financial `year` (and its quarters, for `CC01`).
    pub fn values(&self, year: Period) -> Vec<RecordValue> {
        let year = year.financial_year();
        let mut out = Vec::new();
        self.latest_of_year(year, &mut out);
        self.attendance(year, &mut out);
        self.local_accounts(year, &mut out);
        self.peer_challenges(year, &mut out);
        self.self_assessments(year, &mut out);
        self.returns_on_time(year, &mut out);
        out.sort_by(|a, b| {
            (a.measure, &a.council, a.period).cmp(&(b.measure, &b.council, b.period))
        });
        out
    }

    /// Each fact once per council, kind and date: its latest recording.
    fn facts(&self, kind: FactKind) -> impl Iterator<Item = &Fact> {
        let mut seen = BTreeSet::new();
        self.facts
            .iter()
            .filter(move |f| f.kind == kind && seen.insert((f.council.clone(), f.as_of)))
    }

    /// `LG01`, `LG02`, `LG03`: the latest fact dated in the year.
    fn latest_of_year(&self, year: Period, out: &mut Vec<RecordValue>) {
        let kinds = [
            (FactKind::DassChanges, "LG01"),
            (FactKind::SavingsRequired, "LG02"),
            (FactKind::ControlChanges, "LG03"),
        ];
        for (kind, measure) in kinds {
            let mut latest: BTreeMap<&str, &Fact> = BTreeMap::new();
            for f in self.facts(kind).filter(|f| in_period(f.as_of, year)) {
                let slot = latest.entry(f.council.as_str()).or_insert(f);
                if f.as_of > slot.as_of {
                    *slot = f;
                }
            }
            for (council, f) in latest {
                let Ok(recorded) = f.value.parse::<Decimal>() else {
                    continue;
                };
                let value = if kind == FactKind::DassChanges {
                    recorded + Decimal::ONE
                } else {
                    recorded
                };
                out.push(RecordValue {
                    council: council.to_string(),
                    measure,
                    period: year,
                    value,
                    numerator: None,
                    denominator: None,
                    note: format!(
                        "{}: {} (as of {})",
                        kind.label(),
                        kind.shown(&f.value),
                        long_date(f.as_of)
                    ),
                });
            }
        }
    }

    /// `CC01`: meetings attended of those held, per quarter of the year.
    fn attendance(&self, year: Period, out: &mut Vec<RecordValue>) {
        let by_quarter = latest_by_quarter(
            self.facts(FactKind::NetworkAttendance)
                .filter(|f| in_period(f.as_of, year)),
        );
        for ((council, quarter), f) in by_quarter {
            let Some((attended, held)) = attendance(&f.value) else {
                continue;
            };
            let (a, h) = (Decimal::from(attended), Decimal::from(held));
            out.push(RecordValue {
                council: council.to_string(),
                measure: "CC01",
                period: quarter,
                value: (a * Decimal::ONE_HUNDRED / h).round_dp(1),
                numerator: Some(a),
                denominator: Some(h),
                note: format!(
                    "{attended} of {held} meetings, as recorded on {}",
                    long_date(f.as_of)
                ),
            });
        }
    }

    /// `CC03`: the Local Account covering the year, with the date it was published.
    fn local_accounts(&self, year: Period, out: &mut Vec<RecordValue>) {
        let mut first: BTreeMap<&str, NaiveDate> = BTreeMap::new();
        for f in self.facts(FactKind::LocalAccount) {
            if f.value.parse::<Period>().ok() == Some(year) {
                let on = first.entry(f.council.as_str()).or_insert(f.as_of);
                *on = (*on).min(f.as_of);
            }
        }
        for (council, on) in first {
            out.push(RecordValue {
                council: council.to_string(),
                measure: "CC03",
                period: year,
                value: Decimal::ONE,
                numerator: None,
                denominator: None,
                note: format!("published {}", long_date(on)),
            });
        }
    }

    /// `CC04`: peer challenges held in the three years to the year's end.
    fn peer_challenges(&self, year: Period, out: &mut Vec<RecordValue>) {
        let end = year.ends_on();
        let start = three_years_to(end);
        let mut counts: BTreeMap<&str, (i64, Option<NaiveDate>)> = BTreeMap::new();
        for f in self
            .facts(FactKind::PeerChallenge)
            .filter(|f| f.as_of <= end)
        {
            let entry = counts.entry(f.council.as_str()).or_default();
            if f.as_of >= start {
                entry.0 += 1;
                entry.1 = entry.1.max(Some(f.as_of));
            }
        }
        for (council, (count, last)) in counts {
            out.push(RecordValue {
                council: council.to_string(),
                measure: "CC04",
                period: year,
                value: Decimal::from(count),
                numerator: None,
                denominator: None,
                note: match last {
                    Some(on) => format!("the latest held {}", long_date(on)),
                    None => "none in the three years".to_string(),
                },
            });
        }
    }

    /// `CC05`: the year's themes a council recorded self-assessment levels for.
    fn self_assessments(&self, year: Period, out: &mut Vec<RecordValue>) {
        let mut themes: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (council, theme, of) in &self.self_assessed {
            if *of == year {
                themes.entry(council).or_default().insert(theme);
            }
        }
        for (council, set) in themes {
            out.push(RecordValue {
                council: council.to_string(),
                measure: "CC05",
                period: year,
                value: Decimal::from(set.len()),
                numerator: None,
                denominator: None,
                note: format!(
                    "themes self-assessed: {}",
                    set.into_iter().collect::<Vec<_>>().join(", ")
                ),
            });
        }
    }

    /// `CC06`: the year's quarterly returns due, and how many arrived by their due date.
    fn returns_on_time(&self, year: Period, out: &mut Vec<RecordValue>) {
        let mut tally: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for due in self
            .returns
            .iter()
            .filter(|d| d.quarter.financial_year() == year)
        {
            let t = tally.entry(due.council.as_str()).or_default();
            t.1 += 1;
            if due.arrived_on.is_some_and(|on| on <= due.due_on) {
                t.0 += 1;
            }
        }
        for (council, (on_time, due)) in tally {
            let (n, d) = (Decimal::from(on_time), Decimal::from(due));
            out.push(RecordValue {
                council: council.to_string(),
                measure: "CC06",
                period: year,
                value: (n * Decimal::ONE_HUNDRED / d).round_dp(1),
                numerator: Some(n),
                denominator: Some(d),
                note: format!("{on_time} of {due} returns by their due date"),
            });
        }
    }
}

/// Each council's fact of each quarter: the one dated latest in it (of two for one date, the
/// first given, which is the later recording).
pub(crate) fn latest_by_quarter<'a>(
    facts: impl IntoIterator<Item = &'a Fact>,
) -> BTreeMap<(&'a str, Period), &'a Fact> {
    let mut by_quarter: BTreeMap<(&str, Period), &Fact> = BTreeMap::new();
    for f in facts {
        let slot = by_quarter
            .entry((f.council.as_str(), Period::quarter_of(f.as_of)))
            .or_insert(f);
        if f.as_of > slot.as_of {
            *slot = f;
        }
    }
    by_quarter
}

fn in_period(date: NaiveDate, period: Period) -> bool {
    period.starts_on() <= date && date <= period.ends_on()
}

/// The first day of the three years ending on `end`.
pub(crate) fn three_years_to(end: NaiveDate) -> NaiveDate {
    end.checked_sub_months(Months::new(36))
        .and_then(|d| d.succ_opt())
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn fact(council: &str, kind: FactKind, value: &str, as_of: NaiveDate) -> Fact {
        Fact {
            council: council.into(),
            kind,
            value: value.into(),
            as_of,
        }
    }

    fn find<'a>(values: &'a [RecordValue], measure: &str, council: &str) -> Vec<&'a RecordValue> {
        values
            .iter()
            .filter(|v| v.measure == measure && v.council == council)
            .collect()
    }

    #[test]
    fn facts_of_the_year_make_the_governance_measures() {
        let records = Records {
            facts: vec![
                // Latest recording first: the correction of 1 June wins over the first entry.
                fact("A", FactKind::DassChanges, "2", d(2015, 6, 1)),
                fact("A", FactKind::DassChanges, "1", d(2015, 5, 1)),
                fact("A", FactKind::ControlChanges, "0", d(2015, 5, 1)),
                fact("A", FactKind::SavingsRequired, "4.5", d(2016, 2, 1)),
                // Another year's fact is not this year's.
                fact("B", FactKind::DassChanges, "3", d(2014, 5, 1)),
            ],
            ..Records::default()
        };
        let values = records.values(Period::year(2015));
        let lg01 = find(&values, "LG01", "A");
        assert_eq!(lg01.len(), 1);
        assert_eq!(
            lg01[0].value,
            Decimal::from(3),
            "two changes: three directors"
        );
        assert!(lg01[0].note.contains("1 June 2015"), "{}", lg01[0].note);
        assert_eq!(find(&values, "LG03", "A")[0].value, Decimal::ZERO);
        assert_eq!(find(&values, "LG02", "A")[0].value, Decimal::new(45, 1));
        assert!(find(&values, "LG01", "B").is_empty());
    }

    #[test]
    fn attendance_local_accounts_and_peer_challenges() {
        let records = Records {
            facts: vec![
                fact("A", FactKind::NetworkAttendance, "7 of 9", d(2015, 6, 30)),
                fact("A", FactKind::NetworkAttendance, "2 of 3", d(2015, 12, 1)),
                fact("A", FactKind::LocalAccount, "2015-16", d(2016, 10, 3)),
                fact("A", FactKind::PeerChallenge, "Safeguarding", d(2013, 4, 1)),
                fact(
                    "A",
                    FactKind::PeerChallenge,
                    "Commissioning",
                    d(2012, 11, 1),
                ),
                fact("B", FactKind::PeerChallenge, "Prevention", d(2010, 11, 1)),
            ],
            ..Records::default()
        };
        let values = records.values(Period::year(2015));
        let cc01 = find(&values, "CC01", "A");
        assert_eq!(cc01.len(), 2, "one value a quarter");
        assert_eq!(cc01[0].period, Period::quarter(2015, 1).unwrap());
        assert_eq!(cc01[0].value, Decimal::new(778, 1), "7 of 9 is 77.8%");
        assert_eq!(cc01[1].period, Period::quarter(2015, 3).unwrap());
        let cc03 = find(&values, "CC03", "A");
        assert_eq!(cc03[0].value, Decimal::ONE);
        assert_eq!(cc03[0].note, "published 3 October 2016");
        // Three years to 31 March 2016 begin on 1 April 2013: one of A's two counts.
        assert_eq!(find(&values, "CC04", "A")[0].value, Decimal::ONE);
        assert_eq!(find(&values, "CC04", "B")[0].value, Decimal::ZERO);
        assert!(find(&values, "CC04", "C").is_empty(), "no record, no value");
    }

    #[test]
    fn self_assessments_and_returns_on_time() {
        let due = |council: &str, q: u8, arrived: Option<NaiveDate>| Due {
            council: council.into(),
            quarter: Period::quarter(2015, q).unwrap(),
            due_on: Period::quarter(2015, q).unwrap().ends_on() + chrono::Days::new(30),
            arrived_on: arrived,
        };
        let records = Records {
            self_assessed: vec![
                ("A".into(), "Safeguarding".into(), Period::year(2015)),
                ("A".into(), "Workforce".into(), Period::year(2015)),
                ("A".into(), "Prevention".into(), Period::year(2016)),
            ],
            returns: vec![
                due("A", 1, Some(d(2015, 7, 30))),
                due("A", 2, Some(d(2015, 11, 30))),
                due("A", 3, None),
                due("A", 4, Some(d(2016, 4, 1))),
            ],
            ..Records::default()
        };
        let values = records.values(Period::year(2015));
        assert_eq!(find(&values, "CC05", "A")[0].value, Decimal::from(2));
        let cc06 = find(&values, "CC06", "A")[0];
        assert_eq!(
            (cc06.value, cc06.numerator, cc06.denominator),
            (
                Decimal::from(50),
                Some(Decimal::from(2)),
                Some(Decimal::from(4))
            )
        );
    }
}
