//! Reference data about councils: the lookup of every English council (ONS and CASSR codes,
//! type, region, populations, reorganisations) and each council's CIPFA nearest neighbours.

use chrono::NaiveDate;

use crate::domain::reference::{CouncilRecord, NeighbourPair, council_kind, region_code};

use super::decode::{self, Limits, Table};
use super::report::{Issue, Location};
use crate::domain::OnsCode;

fn one_table(filename: &str, bytes: &[u8]) -> Result<Table, Vec<Issue>> {
    let mut tables = decode::tables(filename, bytes, Limits::default()).map_err(|e| vec![e])?;
    if tables.is_empty() {
        return Err(vec![Issue::file("the file has no data")]);
    }
    Ok(tables.swap_remove(0))
}

/// The lookup's columns: the required ones, and the optional populations, year and CASSR code.
struct LookupColumns {
    code: usize,
    name: usize,
    region: usize,
    kind: usize,
    status: usize,
    pop: Option<usize>,
    pop18: Option<usize>,
    pop65: Option<usize>,
    year: Option<usize>,
    cassr: Option<usize>,
}

impl LookupColumns {
    /// The columns of `table`, or an error for each required one missing.
    fn of(table: &Table) -> Result<LookupColumns, Vec<Issue>> {
        let mut errors = Vec::new();
        let mut required = |name: &str| {
            let found = table.column(&[name]);
            if found.is_none() {
                errors.push(Issue::file(format!(
                    "the required column '{name}' is missing"
                )));
            }
            found
        };
        let (code, name, region, kind, status) = (
            required("la_code"),
            required("la_name"),
            required("region"),
            required("la_type"),
            required("status"),
        );
        let (Some(code), Some(name), Some(region), Some(kind), Some(status)) =
            (code, name, region, kind, status)
        else {
            return Err(errors);
        };
        let optional = |n: &str| table.column(&[n]);
        Ok(LookupColumns {
            code,
            name,
            region,
            kind,
            status,
            pop: optional("population"),
            pop18: optional("population_18plus"),
            pop65: optional("population_65plus"),
            year: optional("population_year"),
            cassr: optional("cassr_code"),
        })
    }

    /// One row as a council, or its problems added to `errors`.
    fn record(
        &self,
        at: &Location,
        row: &[String],
        errors: &mut Vec<Issue>,
    ) -> Option<CouncilRecord> {
        let cell = |i: Option<usize>| {
            i.and_then(|i| row.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let ons = cell(Some(self.code));
        if ons.parse::<OnsCode>().is_err() {
            errors.push(Issue::at(
                at,
                "la_code",
                &ons,
                "not an upper-tier council ONS code",
            ));
            return None;
        }
        let kind_text = cell(Some(self.kind));
        let Some(kind) = council_kind(&kind_text) else {
            errors.push(Issue::at(at, "la_type", &kind_text, "unknown council type"));
            return None;
        };
        let region_name = cell(Some(self.region));
        if region_code(&region_name).is_none() {
            errors.push(Issue::at(
                at,
                "region",
                &region_name,
                "unknown English region",
            ));
            return None;
        }
        let mut number_of = |i: Option<usize>, column: &str| -> Option<i32> {
            let text = cell(i);
            if text.is_empty() {
                return None;
            }
            let parsed = text.parse::<i32>().ok().filter(|n| *n >= 0);
            if parsed.is_none() {
                errors.push(Issue::at(at, column, &text, "not a whole number"));
            }
            parsed
        };
        let (population_all, population_18_plus, population_65_plus) = (
            number_of(self.pop, "population"),
            number_of(self.pop18, "population_18plus"),
            number_of(self.pop65, "population_65plus"),
        );
        let status_text = cell(Some(self.status));
        let (valid_from, valid_to) = validity(&status_text)
            .map_err(|reason| errors.push(Issue::at(at, "status", &status_text, reason)))
            .ok()?;
        let text_or_none = |s: String| (!s.is_empty()).then_some(s);
        Some(CouncilRecord {
            ons_code: ons,
            name: cell(Some(self.name)),
            region: region_name,
            kind,
            sub_region: None,
            population_all,
            population_18_plus,
            population_65_plus,
            population_year: text_or_none(cell(self.year)),
            cassr_code: text_or_none(cell(self.cassr)),
            valid_from,
            valid_to,
        })
    }
}

/// Parses the council lookup (`la_code, la_name, region, la_type, population…, cassr_code,
/// status`); every problem is reported, and any problem means nothing is returned.
pub fn parse_lookup(filename: &str, bytes: &[u8]) -> Result<Vec<CouncilRecord>, Vec<Issue>> {
    let table = one_table(filename, bytes)?;
    let columns = LookupColumns::of(&table)?;
    let mut errors = Vec::new();
    let mut records = Vec::new();
    for (number, row) in &table.rows {
        let at = Location {
            sheet: None,
            row: *number,
        };
        if let Some(record) = columns.record(&at, row, &mut errors) {
            records.push(record);
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

/// `current`, `created 2023-04`, `abolished 2023-04 (…)` → valid from / valid to.
fn validity(status: &str) -> Result<(Option<NaiveDate>, Option<NaiveDate>), String> {
    let lower = status.trim().to_lowercase();
    if lower.is_empty() || lower == "current" {
        return Ok((None, None));
    }
    let month = |rest: &str| -> Option<NaiveDate> {
        let ym = rest.trim().get(..7)?;
        NaiveDate::parse_from_str(&format!("{ym}-01"), "%Y-%m-%d").ok()
    };
    let bad = || "status must be 'current', 'created YYYY-MM' or 'abolished YYYY-MM'".to_string();
    if let Some(rest) = lower.strip_prefix("created") {
        return Ok((Some(month(rest).ok_or_else(bad)?), None));
    }
    if let Some(rest) = lower.strip_prefix("abolished") {
        let day = month(rest).and_then(|d| d.pred_opt()).ok_or_else(bad)?;
        return Ok((None, Some(day)));
    }
    Err(bad())
}

/// A neighbour's rank: none when not given, else a whole number from 1 (or an error).
fn rank_of(at: &Location, text: &str, errors: &mut Vec<Issue>) -> Option<i16> {
    if text.is_empty() {
        return None;
    }
    match text.parse::<i16>() {
        Ok(r) if r > 0 => Some(r),
        _ => {
            errors.push(Issue::at(
                at,
                "rank",
                text,
                "a rank is a whole number from 1",
            ));
            None
        }
    }
}

/// Parses `la_code, neighbour_code, rank[, source]`: pairs of councils, a council never its own
/// neighbour. Where a council's neighbours are listed from several sources, the first source
/// listed for it is used.
pub fn parse_neighbours(filename: &str, bytes: &[u8]) -> Result<Vec<NeighbourPair>, Vec<Issue>> {
    let table = one_table(filename, bytes)?;
    let (Some(la), Some(neighbour)) = (
        table.column(&["la_code"]),
        table.column(&["neighbour_code"]),
    ) else {
        return Err(vec![Issue::file(
            "the columns la_code and neighbour_code are required",
        )]);
    };
    let rank = table.column(&["rank"]);
    let source = table.column(&["source"]);
    let mut first_source: std::collections::HashMap<String, String> =
        std::collections::HashMap::new();
    let mut seen = std::collections::HashSet::new();
    let mut errors = Vec::new();
    let mut pairs = Vec::new();
    for (number, row) in &table.rows {
        let at = Location {
            sheet: None,
            row: *number,
        };
        let cell = |i: usize| super::decode::cell(row, i);
        let (a, b) = (cell(la), cell(neighbour));
        let row_source = source.map(cell).unwrap_or_default();
        if *first_source
            .entry(a.clone())
            .or_insert_with(|| row_source.clone())
            != row_source
        {
            continue;
        }
        if !seen.insert((a.clone(), b.clone())) {
            errors.push(Issue::at(
                &at,
                "neighbour_code",
                &b,
                format!("{a} lists this neighbour twice"),
            ));
            continue;
        }
        for (column, code) in [("la_code", &a), ("neighbour_code", &b)] {
            if code.parse::<OnsCode>().is_err() {
                errors.push(Issue::at(
                    &at,
                    column,
                    code,
                    "not an upper-tier council ONS code",
                ));
            }
        }
        if a == b {
            errors.push(Issue::at(
                &at,
                "neighbour_code",
                &b,
                "a council is not its own neighbour",
            ));
        }
        let rank = rank_of(&at, &rank.map(cell).unwrap_or_default(), &mut errors);
        pairs.push((a, b, rank));
    }
    if errors.is_empty() {
        Ok(pairs)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_become_validity_dates() {
        assert_eq!(validity("current"), Ok((None, None)));
        assert_eq!(
            validity("created 2023-04"),
            Ok((NaiveDate::from_ymd_opt(2023, 4, 1), None))
        );
        assert_eq!(
            validity(
                "abolished 2023-04 (split into Cumberland E06000063 and Westmorland and Furness E06000064)"
            ),
            Ok((None, NaiveDate::from_ymd_opt(2023, 3, 31)))
        );
        assert!(validity("merged").is_err());
    }

    #[test]
    fn lookup_errors_name_row_column_and_value() {
        let csv = b"la_code,la_name,region,la_type,status\nE06000006,Halton,North West,Unitary Authority,current\nE07000026,Allerdale,North West,Non-metropolitan District,current\n";
        let errors = parse_lookup("la.csv", csv).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, Some(3));
        assert_eq!(errors[0].value.as_deref(), Some("E07000026"));
    }
}
