//! The Regional Account's sentences from the analyst's regional facts (seed 004): for
//! Leadership and governance, the directors' other responsibilities, the turnover of directors
//! in the year and the political make-up; for Culture and challenge, peer challenges held and
//! committed, Local Accounts, attendance at regional meetings, thematic points of contact and
//! personalisation progress in three bands. Facts are public (every council page shows them);
//! each sentence counts only the region's councils and says how many have no record.

use std::collections::BTreeMap;

use super::Detail;
use crate::domain::Period;
use crate::domain::facts::{FactKind, Progress, attendance};
use crate::domain::records::{Fact, latest_by_quarter, three_years_to};

/// The facts of the region's councils as of a year's end.
pub struct Recorded<'a> {
    facts: &'a [Fact],
    year: Period,
    councils: &'a [String],
}

impl<'a> Recorded<'a> {
    /// `facts` as recorded (latest recording first for the same council, kind and date).
    pub fn new(facts: &'a [Fact], year: Period, councils: &'a [String]) -> Self {
        Recorded {
            facts,
            year: year.financial_year(),
            councils,
        }
    }

    /// Leadership and governance: the directors' remits, their turnover, political control.
    pub fn governance(&self) -> Vec<Detail> {
        [self.remits(), self.turnover(), self.political_makeup()]
            .into_iter()
            .flatten()
            .collect()
    }

    /// Culture and challenge: peer challenges, Local Accounts, attendance, thematic contacts,
    /// personalisation.
    pub fn culture(&self) -> Vec<Detail> {
        [
            self.peer_challenges(),
            self.local_accounts(),
            self.attendance(),
            self.contacts(),
            self.personalisation(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn of_region(&self, kind: FactKind) -> impl Iterator<Item = &'a Fact> + '_ {
        self.facts
            .iter()
            .filter(move |f| f.kind == kind && self.councils.contains(&f.council))
    }

    /// Each council's fact of `kind` true at the year's end: the latest dated on or before it
    /// (of two recordings for one date, the later).
    fn latest(&self, kind: FactKind) -> BTreeMap<&'a str, &'a Fact> {
        let end = self.year.ends_on();
        let mut latest: BTreeMap<&str, &Fact> = BTreeMap::new();
        for f in self.of_region(kind).filter(|f| f.as_of <= end) {
            let slot = latest.entry(f.council.as_str()).or_insert(f);
            if f.as_of > slot.as_of {
                *slot = f;
            }
        }
        latest
    }

    fn in_year(&self, f: &Fact) -> bool {
        self.year.starts_on() <= f.as_of && f.as_of <= self.year.ends_on()
    }

    /// "; not recorded for 3" when some of the region's councils have no record.
    fn missing(&self, recorded: usize) -> String {
        match self.councils.len().saturating_sub(recorded) {
            0 => String::new(),
            n => format!("; not recorded for {n}"),
        }
    }

    /// "Of 14 directors: 5 jointly responsible for adults and children and 2 for public health."
    fn remits(&self) -> Option<Detail> {
        let latest = self.latest(FactKind::DassRemit);
        if latest.is_empty() {
            return None;
        }
        let with = |area: &str| latest.values().filter(|f| f.value.contains(area)).count();
        Some(Detail::new(
            format!(
                "Of {} directors recorded: {} jointly responsible for adults and children and {} for public health{}.",
                latest.len(),
                with("children"),
                with("public health"),
                self.missing(latest.len())
            ),
            "the latest record of each director's responsibilities besides adult social care as of the year's end (regional facts)",
        ))
    }

    /// "Turnover of directors in 2016-17: 3 of 20 councils (15%) appointed a new director."
    fn turnover(&self) -> Option<Detail> {
        let end = self.year.ends_on();
        let recorded: BTreeMap<&str, bool> = self
            .of_region(FactKind::DassSince)
            .filter(|f| f.as_of <= end)
            .fold(BTreeMap::new(), |mut m, f| {
                let started = crate::domain::facts::date(&f.value);
                let new = started.is_some_and(|d| self.year.starts_on() <= d && d <= end);
                *m.entry(f.council.as_str()).or_default() |= new;
                m
            });
        if recorded.is_empty() {
            return None;
        }
        let changed = recorded.values().filter(|c| **c).count();
        Some(Detail::new(
            format!(
                "Turnover of directors in {}: {changed} of {} councils ({}) appointed a new director{}.",
                self.year,
                recorded.len(),
                percent(changed, recorded.len()),
                self.missing(recorded.len())
            ),
            "a council counts as having a new director when a director's start date it recorded falls in the year; councils with no start date recorded are not counted",
        ))
    }

    /// "Political control of the region's councils: Labour 15, Conservative 4; not recorded for 2."
    fn political_makeup(&self) -> Option<Detail> {
        let latest = self.latest(FactKind::PoliticalControl);
        if latest.is_empty() {
            return None;
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for f in latest.values() {
            *counts.entry(f.value.as_str()).or_default() += 1;
        }
        let mut parts: Vec<(&str, usize)> = counts.into_iter().collect();
        parts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let listed: Vec<String> = parts.iter().map(|(c, n)| format!("{c} {n}")).collect();
        Some(Detail::new(
            format!(
                "Political control of the region's councils: {}{}.",
                listed.join(", "),
                self.missing(latest.len())
            ),
            "the latest political control the analyst recorded for each of the region's councils as of the year's end (regional facts)",
        ))
    }

    /// "9 councils held a peer challenge in 2016-17 and 14 in the three years to 31 March 2017;
    /// 5 have one planned after the year."
    fn peer_challenges(&self) -> Option<Detail> {
        let end = self.year.ends_on();
        let start = three_years_to(end);
        let councils = |keep: &dyn Fn(&Fact) -> bool| {
            let mut held: Vec<&str> = self
                .of_region(FactKind::PeerChallenge)
                .filter(|f| keep(f))
                .map(|f| f.council.as_str())
                .collect();
            held.sort_unstable();
            held.dedup();
            held.len()
        };
        let in_year = councils(&|f| self.in_year(f));
        let in_three = councils(&|f| start <= f.as_of && f.as_of <= end);
        let planned = councils(&|f| f.as_of > end);
        if in_three + planned == 0 {
            return None;
        }
        Some(Detail::new(
            format!(
                "{in_year} of {} councils held a peer challenge in {} and {in_three} in the three years to {}; {planned} committed to one after the year.",
                self.councils.len(),
                self.year,
                crate::domain::long_date(end)
            ),
            "peer challenges the analyst recorded with the date held; one dated after the year's end counts as committed",
        ))
    }

    /// "12 of 23 councils published a Local Account for 2016-17."
    fn local_accounts(&self) -> Option<Detail> {
        let year = self.year.to_string();
        let mut published: Vec<&str> = self
            .of_region(FactKind::LocalAccount)
            .filter(|f| f.value == year)
            .map(|f| f.council.as_str())
            .collect();
        published.sort_unstable();
        published.dedup();
        (!published.is_empty()).then(|| {
            Detail::new(
                format!(
                    "{} of {} councils published a Local Account for {}.",
                    published.len(),
                    self.councils.len(),
                    self.year
                ),
                "Local Accounts the analyst recorded as covering the year, whenever published",
            )
        })
    }

    /// "Directors of 14 of 23 councils were represented at 3 or more regional network meetings in
    /// 2016-17 (87 of 104 meetings attended, 84%)."
    fn attendance(&self) -> Option<Detail> {
        let by_quarter = latest_by_quarter(
            self.of_region(FactKind::NetworkAttendance)
                .filter(|f| self.in_year(f)),
        );
        let mut per_council: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for ((council, _), f) in by_quarter {
            if let Some((a, h)) = attendance(&f.value) {
                let t = per_council.entry(council).or_default();
                t.0 += usize::from(a);
                t.1 += usize::from(h);
            }
        }
        if per_council.is_empty() {
            return None;
        }
        let three = per_council.values().filter(|(a, _)| *a >= 3).count();
        let (attended, held) = per_council
            .values()
            .fold((0, 0), |(a, h), (x, y)| (a + x, h + y));
        Some(Detail::new(
            format!(
                "{three} of {} councils were represented at 3 or more regional network meetings in {} ({attended} of {held} meetings attended, {}){}.",
                self.councils.len(),
                self.year,
                percent(attended, held),
                self.missing(per_council.len())
            ),
            "meetings attended of those held, per quarter as the analyst recorded them (the latest recording of each quarter), summed over the year",
        ))
    }

    /// "20 of 23 councils have a named point of contact for every thematic improvement area."
    fn contacts(&self) -> Option<Detail> {
        let latest = self.latest(FactKind::ThematicContacts);
        let counted: Vec<(u8, u8)> = latest
            .values()
            .filter_map(|f| attendance(&f.value))
            .collect();
        if counted.is_empty() {
            return None;
        }
        let every = counted.iter().filter(|(a, b)| a == b).count();
        Some(Detail::new(
            format!(
                "{every} of {} councils have a named point of contact for every thematic improvement area, {} for some{}.",
                self.councils.len(),
                counted.iter().filter(|(a, b)| a < b && *a > 0).count(),
                self.missing(counted.len())
            ),
            "the latest record of thematic improvement areas with a named contact at the council, as of the year's end",
        ))
    }

    /// "6 councils had an action plan and were making good progress, 8 an action plan but slow
    /// progress, 3 no action plan shown or not engaged; not recorded for 6."
    fn personalisation(&self) -> Option<Detail> {
        let latest = self.latest(FactKind::Personalisation);
        let bands: Vec<Progress> = latest
            .values()
            .filter_map(|f| Progress::parse(&f.value))
            .collect();
        if bands.is_empty() {
            return None;
        }
        let n = |p: Progress| bands.iter().filter(|b| **b == p).count();
        Some(Detail::new(
            format!(
                "Personalisation progress: {} councils had an action plan and were making good progress, {} had an action plan but progress was slow, {} showed no action plan or were not engaged in regional activity{}.",
                n(Progress::Good),
                n(Progress::Slow),
                n(Progress::NoPlan),
                self.missing(bands.len())
            ),
            "the latest personalisation band the analyst recorded for each council as of the year's end (the region's three bands)",
        ))
    }
}

/// "15%": a whole-number share.
fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "no base".into();
    }
    format!("{:.0}%", part as f64 * 100.0 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

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

    fn councils() -> Vec<String> {
        ["A", "B", "C", "D"].map(String::from).to_vec()
    }

    fn sentences(details: Vec<Detail>) -> Vec<String> {
        details.into_iter().map(|d| d.sentence).collect()
    }

    #[test]
    fn governance_counts_remits_turnover_and_control_as_of_the_years_end() {
        use FactKind::*;
        let facts = [
            fact("A", DassRemit, "children", d(2016, 5, 1)),
            fact("B", DassRemit, "children and public health", d(2016, 5, 1)),
            fact("C", DassRemit, "none", d(2016, 5, 1)),
            fact("C", DassRemit, "children", d(2017, 6, 1)), // after the year: not yet true
            fact("Z", DassRemit, "children", d(2016, 5, 1)), // not of the region
            fact("A", DassSince, "2016-09-01", d(2016, 9, 1)),
            fact("B", DassSince, "2012-01-01", d(2015, 4, 1)),
            fact("C", DassSince, "2010-01-01", d(2014, 4, 1)),
            fact("C", DassSince, "2017-01-09", d(2017, 1, 9)),
            fact("A", PoliticalControl, "Labour", d(2016, 5, 5)),
            fact("B", PoliticalControl, "Labour", d(2016, 5, 5)),
            fact("C", PoliticalControl, "Conservative", d(2015, 5, 5)),
            fact("C", PoliticalControl, "No overall control", d(2016, 5, 5)),
        ];
        let councils = councils();
        let got = sentences(Recorded::new(&facts, Period::year(2016), &councils).governance());
        assert_eq!(
            got,
            [
                "Of 3 directors recorded: 2 jointly responsible for adults and children and 1 for public health; not recorded for 1.",
                "Turnover of directors in 2016-17: 2 of 3 councils (67%) appointed a new director; not recorded for 1.",
                "Political control of the region's councils: Labour 2, No overall control 1; not recorded for 1.",
            ]
        );
        assert!(
            Recorded::new(&[], Period::year(2016), &councils)
                .governance()
                .is_empty(),
            "nothing recorded, nothing said"
        );
    }

    #[test]
    fn culture_counts_challenges_accounts_attendance_contacts_and_bands() {
        use FactKind::*;
        let facts = [
            fact("A", PeerChallenge, "Safeguarding", d(2016, 10, 1)),
            fact("B", PeerChallenge, "Reablement", d(2015, 2, 1)),
            fact("C", PeerChallenge, "Commissioning", d(2017, 9, 1)),
            fact("A", LocalAccount, "2016-17", d(2017, 10, 2)),
            fact("B", LocalAccount, "2015-16", d(2016, 10, 2)),
            fact("A", NetworkAttendance, "2 of 3", d(2016, 6, 30)),
            fact("A", NetworkAttendance, "1 of 3", d(2016, 6, 20)), // same quarter, earlier
            fact("A", NetworkAttendance, "2 of 2", d(2016, 12, 1)),
            fact("B", NetworkAttendance, "2 of 3", d(2016, 6, 30)),
            fact("A", ThematicContacts, "10 of 10", d(2016, 4, 1)),
            fact("B", ThematicContacts, "4 of 10", d(2016, 4, 1)),
            fact("A", Personalisation, "good progress", d(2017, 3, 1)),
            fact("B", Personalisation, "slow progress", d(2017, 3, 1)),
            fact("C", Personalisation, "no plan", d(2017, 3, 1)),
        ];
        let councils = councils();
        let got = sentences(Recorded::new(&facts, Period::year(2016), &councils).culture());
        assert_eq!(
            got,
            [
                "1 of 4 councils held a peer challenge in 2016-17 and 2 in the three years to 31 March 2017; 1 committed to one after the year.",
                "1 of 4 councils published a Local Account for 2016-17.",
                "1 of 4 councils were represented at 3 or more regional network meetings in 2016-17 (6 of 8 meetings attended, 75%); not recorded for 2.",
                "1 of 4 councils have a named point of contact for every thematic improvement area, 1 for some; not recorded for 2.",
                "Personalisation progress: 1 councils had an action plan and were making good progress, 1 had an action plan but progress was slow, 1 showed no action plan or were not engaged in regional activity; not recorded for 1.",
            ]
        );
    }
}
