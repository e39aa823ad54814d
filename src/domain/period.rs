//! Financial years (`2023-24`) and their quarters (`2023-24 Q2`, Q1 = April to June).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

/// A financial year or one quarter of it, parsed once so that invalid periods cannot travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    year_start: i32,
    quarter: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a period: use a financial year like 2023-24 or a quarter like 2023-24 Q2")]
pub struct PeriodError(pub String);

impl Period {
    pub fn year(year_start: i32) -> Self {
        Period {
            year_start,
            quarter: None,
        }
    }

    /// `quarter` is 1 to 4 (Q1 = April to June); anything else is rejected.
    pub fn quarter(year_start: i32, quarter: u8) -> Option<Self> {
        (1..=4).contains(&quarter).then_some(Period {
            year_start,
            quarter: Some(quarter),
        })
    }

    /// The financial year (April to March) a date falls in.
    pub fn year_of(date: NaiveDate) -> Self {
        use chrono::Datelike;
        Period::year(if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        })
    }

    /// The financial quarter (Q1 = April to June) a date falls in.
    pub fn quarter_of(date: NaiveDate) -> Self {
        use chrono::Datelike;
        let months_in = (date.month() + 8) % 12; // April 0 … March 11
        Period {
            year_start: Period::year_of(date).year_start,
            quarter: Some(u8::try_from(months_in / 3 + 1).unwrap_or(1)),
        }
    }

    pub fn year_start(self) -> i32 {
        self.year_start
    }

    pub fn quarter_number(self) -> Option<u8> {
        self.quarter
    }

    pub fn is_quarter(self) -> bool {
        self.quarter.is_some()
    }

    /// The code as it goes in a link's path or query ("2024-25%20Q1").
    pub fn in_url(self) -> String {
        self.to_string().replace(' ', "%20")
    }

    /// The financial year this period belongs to.
    pub fn financial_year(self) -> Period {
        Period::year(self.year_start)
    }

    /// Orders periods in publication order: a year's figure sorts after its fourth quarter.
    pub fn sort_key(self) -> i32 {
        self.year_start * 10 + i32::from(self.quarter.unwrap_or(5))
    }

    pub fn starts_on(self) -> NaiveDate {
        let month0 = self.quarter.map_or(0, |q| u32::from(q - 1) * 3);
        month_start(self.year_start, 4 + month0)
    }

    pub fn ends_on(self) -> NaiveDate {
        let months = if self.quarter.is_some() { 3 } else { 12 };
        let month0 = self.quarter.map_or(0, |q| u32::from(q - 1) * 3);
        month_start(self.year_start, 4 + month0 + months)
            .pred_opt()
            .unwrap_or(NaiveDate::MIN)
    }

    /// The same period a year before: the previous year, or the same quarter of it.
    pub fn year_earlier(self) -> Period {
        Period {
            year_start: self.year_start - 1,
            quarter: self.quarter,
        }
    }

    /// The previous period of the same kind (year before, or quarter before).
    pub fn previous(self) -> Period {
        match self.quarter {
            None => Period::year(self.year_start - 1),
            Some(1) => Period {
                year_start: self.year_start - 1,
                quarter: Some(4),
            },
            Some(q) => Period {
                year_start: self.year_start,
                quarter: Some(q - 1),
            },
        }
    }

    /// The quarters a collection round may be opened for on `today`: the last year's four and
    /// the next five years' (a form's list, oldest first).
    pub fn quarters_around(today: NaiveDate) -> Vec<Period> {
        let mut first = Period::quarter_of(today);
        for _ in 0..4 {
            first = first.previous();
        }
        std::iter::successors(Some(first), |q| Some(q.next()))
            .take(25)
            .collect()
    }

    /// Financial years from the one starting in `first` to the one after `today`'s, newest first
    /// (a form's list).
    pub fn years_from(first: i32, today: NaiveDate) -> Vec<Period> {
        let last = Period::year_of(today).year_start + 1;
        (first..=last).rev().map(Period::year).collect()
    }

    /// The next period of the same kind (year after, or quarter after).
    pub fn next(self) -> Period {
        match self.quarter {
            None => Period::year(self.year_start + 1),
            Some(4) => Period {
                year_start: self.year_start + 1,
                quarter: Some(1),
            },
            Some(q) => Period {
                year_start: self.year_start,
                quarter: Some(q + 1),
            },
        }
    }
}

/// First day of `month` counted from January of `year` (13 = January of the next year).
fn month_start(year: i32, month: u32) -> NaiveDate {
    let year = year + ((month - 1) / 12) as i32;
    let month = (month - 1) % 12 + 1;
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:02}",
            self.year_start,
            (self.year_start + 1).rem_euclid(100)
        )?;
        if let Some(q) = self.quarter {
            write!(f, " Q{q}")?;
        }
        Ok(())
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// Accepts `2023-24`, `2023/24`, `2023-2024`, each optionally followed by ` Q1`…` Q4`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodError(s.to_string());
        let trimmed = s.trim();
        let (year_part, quarter) = match trimmed.rsplit_once(|c: char| c.is_whitespace()) {
            Some((y, q)) => {
                let q = q.strip_prefix(['Q', 'q']).ok_or_else(err)?;
                let q: u8 = q.parse().map_err(|_| err())?;
                (y.trim(), Some(q))
            }
            None => (trimmed, None),
        };
        let (start, end) = year_part.split_once(['-', '/']).ok_or_else(err)?;
        if start.len() != 4 || !start.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let year_start: i32 = start.parse().map_err(|_| err())?;
        let end_ok = match end.len() {
            2 => end.parse::<i32>().ok() == Some((year_start + 1).rem_euclid(100)),
            4 => end.parse::<i32>().ok() == Some(year_start + 1),
            _ => false,
        };
        if !end_ok
            || !end.bytes().all(|b| b.is_ascii_digit())
            || !(1990..=2100).contains(&year_start)
        {
            return Err(err());
        }
        match quarter {
            None => Ok(Period::year(year_start)),
            Some(q) => Period::quarter(year_start, q).ok_or_else(err),
        }
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_date_falls_in_its_financial_year_and_quarter() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(Period::year_of(d(2016, 3, 31)), Period::year(2015));
        assert_eq!(Period::year_of(d(2016, 4, 1)), Period::year(2016));
        assert_eq!(
            Period::quarter_of(d(2016, 4, 1)),
            Period::quarter(2016, 1).unwrap()
        );
        assert_eq!(
            Period::quarter_of(d(2016, 9, 30)),
            Period::quarter(2016, 2).unwrap()
        );
        assert_eq!(
            Period::quarter_of(d(2016, 12, 1)),
            Period::quarter(2016, 3).unwrap()
        );
        assert_eq!(
            Period::quarter_of(d(2017, 3, 31)),
            Period::quarter(2016, 4).unwrap()
        );
    }

    #[test]
    fn parses_years_and_quarters() {
        assert_eq!("2023-24".parse(), Ok(Period::year(2023)));
        assert_eq!("2023/24".parse(), Ok(Period::year(2023)));
        assert_eq!("2015-2016".parse(), Ok(Period::year(2015)));
        assert_eq!("2023-24 Q2".parse(), Ok(Period::quarter(2023, 2).unwrap()));
        assert_eq!("1999-00".parse(), Ok(Period::year(1999)));
        assert_eq!(Period::quarter(2023, 2).unwrap().in_url(), "2023-24%20Q2");
        assert_eq!(Period::year(2023).in_url(), "2023-24");
        let q4 = Period::quarter(2023, 4).unwrap();
        assert_eq!(q4.next(), Period::quarter(2024, 1).unwrap());
        assert_eq!(q4.next().previous(), q4);
        assert_eq!(Period::year(2023).next(), Period::year(2024));
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let quarters = Period::quarters_around(today);
        assert_eq!(quarters.len(), 25);
        assert_eq!(quarters[0].to_string(), "2025-26 Q3");
        assert_eq!(quarters[4].to_string(), "2026-27 Q3");
        assert_eq!(quarters[24].to_string(), "2031-32 Q3");
        let years = Period::years_from(2014, today);
        assert_eq!(
            years.first().map(ToString::to_string).as_deref(),
            Some("2027-28")
        );
        assert_eq!(
            years.last().map(ToString::to_string).as_deref(),
            Some("2014-15")
        );
    }

    #[test]
    fn rejects_malformed_periods() {
        for bad in [
            "",
            "2023",
            "2023-25",
            "2023-24 Q5",
            "2023-24 Q0",
            "23-24",
            "2023-24 X1",
            "abcd-ef",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn quarters_cover_the_financial_year() {
        let q1 = Period::quarter(2023, 1).unwrap();
        assert_eq!(q1.starts_on(), NaiveDate::from_ymd_opt(2023, 4, 1).unwrap());
        assert_eq!(q1.ends_on(), NaiveDate::from_ymd_opt(2023, 6, 30).unwrap());
        let q4 = Period::quarter(2023, 4).unwrap();
        assert_eq!(q4.starts_on(), NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        assert_eq!(q4.ends_on(), NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
        let y = Period::year(2023);
        assert_eq!(y.ends_on(), q4.ends_on());
        assert!(y.sort_key() > q4.sort_key());
        assert_eq!(q1.previous(), Period::quarter(2022, 4).unwrap());
    }

    proptest! {
        #[test]
        fn display_round_trips(year in 1990i32..2100, q in proptest::option::of(1u8..=4)) {
            let p = match q { Some(q) => Period::quarter(year, q).unwrap(), None => Period::year(year) };
            prop_assert_eq!(p.to_string().parse::<Period>(), Ok(p));
        }
    }
}
