//! NHS Digital's "Measures from the ASCOF" open data: long format, one row per area, measure,
//! disaggregation and measure type (Outcome, Numerator, Denominator, Base, Margin Of Error).
//! The Total disaggregation is kept; England, region and council-type rows become benchmarks.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::cells::{self, Cell};
use super::decode::{Table, cell};
use super::report::{Issue, Location, Report};
use super::{BenchmarkArea, NewMeasure, Parsed};
use crate::domain::known::{Known, RENUMBERED_FROM};
use crate::domain::reference::region_code;
use crate::domain::{ENGLAND, MeasureCode, Period};

/// Whether a table looks like the official file.
pub fn recognises(table: &Table) -> bool {
    table.column(&["Measure Type"]).is_some()
        && table
            .column(&["ASCOF Measure Code", "Measure Group"])
            .is_some()
}

struct Columns {
    geo_code: usize,
    geo_name: usize,
    level: usize,
    ons: usize,
    group: usize,
    disaggregation: usize,
    measure_type: usize,
    value: usize,
    description: Option<usize>,
}

fn columns(table: &Table, errors: &mut Vec<Issue>) -> Option<Columns> {
    let mut find = |names: &[&str]| table.required(names, errors);
    Some(Columns {
        geo_code: find(&["Geographical Code"])?,
        geo_name: find(&["Geographical Description"])?,
        level: find(&["Geographical Level"])?,
        ons: find(&["ONS Area Code", "ONS Code"])?,
        group: find(&["Measure Group", "ASCOF Measure Code"])?,
        disaggregation: find(&["Disaggregation Level"])?,
        measure_type: find(&["Measure Type"])?,
        value: find(&["Measure Value"])?,
        description: table.column(&["Measure Group Description", "Measure Description"]),
    })
}

/// The sibling rows of one area, measure, period and disaggregation.
#[derive(Default)]
struct Siblings {
    at: Option<Location>,
    cells: HashMap<String, (Cell, Location)>,
}

/// Where an official file's year may come from besides its own content.
#[derive(Debug, Clone, Copy, Default)]
pub struct YearSources {
    /// From the file's name.
    pub from_name: Option<Period>,
    /// Given by the user (`--period`).
    pub given: Option<Period>,
}

/// What an official table holds: values, the benchmark areas they belong to, and the measures
/// the catalogue did not know.
#[derive(Debug, Default)]
pub struct Official {
    pub rows: Vec<Parsed>,
    pub benchmarks: Vec<BenchmarkArea>,
    pub new_measures: Vec<NewMeasure>,
}

/// A column naming each row's year (`Year`, `Financial Year`, `Reporting Period`…), if any.
fn year_column(table: &Table) -> Option<usize> {
    table.header.iter().position(|h| {
        let h = h.to_lowercase();
        (h.contains("year") || h.contains("period")) && !h.contains("description")
    })
}

/// The year of one row: its year column, else the file's name, else `--period`; a `--period`
/// that contradicts the file is an error.
fn row_year(
    row: &[String],
    column: Option<usize>,
    years: YearSources,
    at: &Location,
    header: &str,
) -> Result<Period, Issue> {
    let from_content = match column {
        Some(i) => {
            let text = row.get(i).map(|s| s.trim()).unwrap_or_default();
            Some(financial_year_in(text).ok_or_else(|| {
                Issue::at(
                    at,
                    header,
                    text,
                    "not a financial year (e.g. 2016-17, 2016/17, 201617)",
                )
            })?)
        }
        None => None,
    };
    let found = from_content.or(years.from_name);
    match (found, years.given) {
        (Some(f), Some(g)) if f != g => Err(Issue::at(
            at,
            header,
            &f.to_string(),
            format!("the file says {f} but the period given is {g}"),
        )),
        (Some(p), _) | (None, Some(p)) => Ok(p),
        (None, None) => Err(Issue::file(
            "the year of this official file is neither in a column of its own nor in its name: \
             give it (e.g. --period 2016-17), or rename the file to include it (…-2016-17-…)",
        )),
    }
}

/// Parses the Total rows into values. Councils must be known; benchmark areas are collected;
/// measure codes the catalogue does not know become uncatalogued measures, with a warning.
pub fn parse(table: &Table, years: YearSources, known: &Known, report: &mut Report) -> Official {
    let Some(columns) = columns(table, &mut report.errors) else {
        return Official::default();
    };
    let year = year_column(table);
    let year_header = year.map_or("Year", |i| table.header[i].as_str());
    let mut reading = Reading {
        table,
        c: columns,
        known,
        groups: HashMap::new(),
        order: Vec::new(),
        benchmarks: HashMap::new(),
        new_measures: HashMap::new(),
        skipped_disaggregations: 0,
        skipped_levels: HashMap::new(),
    };
    for (number, row) in &table.rows {
        let at = Location {
            sheet: table.sheet.clone(),
            row: *number,
        };
        if !cell(row, reading.c.disaggregation).eq_ignore_ascii_case("total") {
            reading.skipped_disaggregations += 1;
            continue;
        }
        let period = match row_year(row, year, years, &at, year_header) {
            Ok(p) => p,
            Err(issue) if issue.row.is_none() => {
                report.errors.push(issue);
                return Official::default();
            }
            Err(issue) => {
                report.errors.push(issue);
                continue;
            }
        };
        if let Err(issue) = reading.read(row, period, at) {
            report.errors.push(issue);
        }
    }
    reading.finish(report)
}

/// The state of reading one official table: the sibling rows (measure types) of each area,
/// measure and period, in file order, and what was found along the way.
struct Reading<'a> {
    table: &'a Table,
    c: Columns,
    known: &'a Known,
    groups: HashMap<(String, String, Period), Siblings>,
    order: Vec<(String, String, Period)>,
    benchmarks: HashMap<String, BenchmarkArea>,
    new_measures: HashMap<String, NewMeasure>,
    skipped_disaggregations: usize,
    skipped_levels: HashMap<String, usize>,
}

impl Reading<'_> {
    /// Reads one Total row of a known year: its area, measure and cell, kept with its siblings.
    /// A row at a geographical level the scorecard does not keep is counted and skipped.
    fn read(&mut self, row: &[String], period: Period, at: Location) -> Result<(), Issue> {
        let Some(area) = self.area_of(row, &at)? else {
            return Ok(());
        };
        let measure = self.measure_of(row, period, &at)?;
        let measure_type = cell(row, self.c.measure_type).to_ascii_lowercase();
        let raw = cell(row, self.c.value);
        let parsed = cells::parse(&raw)
            .map_err(|reason| Issue::at(&at, &self.table.header[self.c.value], &raw, reason))?;
        let key = (area, measure, period);
        let siblings = match self.groups.entry(key.clone()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                self.order.push(key);
                e.insert(Siblings::default())
            }
        };
        siblings.at.get_or_insert(at.clone());
        if let Some((_, first)) = siblings.cells.get(&measure_type) {
            return Err(Issue::row(
                &at,
                format!(
                    "duplicate row: the same area, measure and measure type as row {}",
                    first.row
                ),
            ));
        }
        siblings.cells.insert(measure_type, (parsed, at));
        Ok(())
    }

    /// The row's area: a known council, or a benchmark area (England, a region, a council
    /// type); none for a geographical level the scorecard does not keep.
    fn area_of(&mut self, row: &[String], at: &Location) -> Result<Option<String>, Issue> {
        let c = &self.c;
        let level = cell(row, c.level);
        let (ons, name) = (cell(row, c.ons), cell(row, c.geo_name));
        let ons_header = &self.table.header[c.ons];
        let area = match level.to_ascii_lowercase().as_str() {
            "council" | "local authority" | "cassr" => self
                .known
                .council(&ons, &cell(row, c.geo_code))
                .map(str::to_string)
                .ok_or_else(|| {
                    Issue::at(
                        at,
                        ons_header,
                        &ons,
                        format!("unknown council ({name}): not in the England reference"),
                    )
                })?,
            "england" | "national" | "country" => {
                benchmark(&mut self.benchmarks, ENGLAND, "England", "england")
            }
            "region" => {
                let code = region_area(&ons, &name).ok_or_else(|| {
                    Issue::at(
                        at,
                        ons_header,
                        &ons,
                        format!("a region row needs its E12 ONS code or an English region's name ({name})"),
                    )
                })?;
                benchmark(&mut self.benchmarks, &code, &name, "region")
            }
            "council type" => {
                let code = format!("CT-{}", slug(&name));
                benchmark(&mut self.benchmarks, &code, &name, "council_type")
            }
            _ => {
                *self.skipped_levels.entry(level).or_default() += 1;
                return Ok(None);
            }
        };
        Ok(Some(area))
    }

    /// The row's catalogue measure, through the aliases of its year; a code the catalogue does
    /// not know becomes an uncatalogued measure.
    fn measure_of(
        &mut self,
        row: &[String],
        period: Period,
        at: &Location,
    ) -> Result<String, Issue> {
        let group_text = cell(row, self.c.group);
        let published = strip_year_suffix(&group_text);
        if let Some(m) = self.known.measure_in(published, period) {
            return Ok(m.code.clone());
        }
        let code = uncatalogued(published, period, self.known).ok_or_else(|| {
            Issue::at(
                at,
                &self.table.header[self.c.group],
                &group_text,
                "not a measure code (letters, digits and brackets)",
            )
        })?;
        let description = self.c.description.map(|i| cell(row, i)).unwrap_or_default();
        self.new_measures
            .entry(code.clone())
            .or_insert_with(|| NewMeasure {
                code: code.clone(),
                published: published.to_string(),
                title: title_from(&description, published),
                renumbered: period.year_start() >= RENUMBERED_FROM,
                first_row: at.clone(),
            });
        Ok(code)
    }

    /// The values (each area, measure and period's Outcome with its counts), the benchmark
    /// areas and the new measures; notes and warnings for what was left out or added.
    fn finish(mut self, report: &mut Report) -> Official {
        if self.skipped_disaggregations > 0 {
            report.notes.push(format!("{} rows of other disaggregations (sex, age) were read and not kept: the scorecard keeps the Total", self.skipped_disaggregations));
        }
        let mut skipped_levels: Vec<_> = self.skipped_levels.into_iter().collect();
        skipped_levels.sort();
        for (level, count) in skipped_levels {
            report.warnings.push(Issue::file(format!(
                "{count} rows at the geographical level '{level}' were skipped: the scorecard keeps councils, regions, council types and England"
            )));
        }
        let mut new_measures: Vec<NewMeasure> = self.new_measures.into_values().collect();
        new_measures.sort_by_key(|m| m.first_row.row);
        for m in &new_measures {
            report.warnings.push(Issue::at(
                &m.first_row,
                &self.table.header[self.c.group],
                &m.published,
                format!(
                    "the measure {} ({}) is not in the catalogue: its values are imported as an uncatalogued measure {}, compared with nothing until an analyst sets its unit and polarity (scorecard measure {} --unit … --polarity …)",
                    m.published, m.title, m.code, m.code
                ),
            ));
        }
        let mut rows = Vec::with_capacity(self.order.len());
        for key in self.order {
            let Some(siblings) = self.groups.remove(&key) else {
                continue;
            };
            let Some(at) = siblings.at else { continue };
            let get = |t: &str| siblings.cells.get(t).map(|(c, _)| *c);
            let Some((outcome, _)) = siblings.cells.get("outcome") else {
                report.errors.push(Issue::row(
                    &at,
                    format!("no Outcome row for {} {} {}", key.0, key.1, key.2),
                ));
                continue;
            };
            let mut parsed = Parsed::new(
                at.clone(),
                key.0,
                key.1,
                key.2,
                *outcome,
                get("numerator").and_then(Cell::number),
                get("denominator").and_then(Cell::number),
                get("margin of error").and_then(Cell::number),
                None,
            );
            parsed.observation.base = get("base").and_then(Cell::number);
            rows.push(parsed);
        }
        let mut benchmarks: Vec<BenchmarkArea> = self.benchmarks.into_values().collect();
        benchmarks.sort_by(|a, b| a.code.cmp(&b.code));
        Official {
            rows,
            benchmarks,
            new_measures,
        }
    }
}

/// The catalogue code for a measure the catalogue does not know: the published code, normalised;
/// in the renumbered scheme, suffixed with `_2023` when the old scheme used the same code for
/// another measure. `None` when the text is not a measure code at all.
fn uncatalogued(published: &str, period: Period, known: &Known) -> Option<String> {
    let code: MeasureCode = published.parse().ok()?;
    let taken = known.measure(code.as_str()).is_some();
    Some(if period.year_start() >= RENUMBERED_FROM && taken {
        format!("{code}_2023")
    } else {
        code.to_string()
    })
}

/// A measure's title from the file's group description (`1A: Social care-related quality of
/// life` or the title alone), else a plain label.
fn title_from(description: &str, published: &str) -> String {
    let d = description.trim();
    let d = d
        .strip_prefix(published)
        .map(|rest| rest.trim_start_matches([':', ' ', '-', '–']))
        .unwrap_or(d)
        .trim();
    if d.is_empty() {
        format!("Uncatalogued measure {published}")
    } else {
        d.to_string()
    }
}

/// A region's area code: its E12 code, else from an English region's name.
fn region_area(ons: &str, name: &str) -> Option<String> {
    let ons = ons.trim().to_ascii_uppercase();
    if ons.starts_with("E12") && ons.len() == 9 && ons[3..].bytes().all(|b| b.is_ascii_digit()) {
        return Some(ons);
    }
    region_code(name).map(str::to_string)
}

fn benchmark(
    into: &mut HashMap<String, BenchmarkArea>,
    code: &str,
    name: &str,
    level: &str,
) -> String {
    into.entry(code.to_string())
        .or_insert_with(|| BenchmarkArea {
            code: code.to_string(),
            name: name.to_string(),
            level: level.to_string(),
        });
    code.to_string()
}

/// `2A(1)_1415` → `2A(1)`: 2014-15 files mark measures whose definition changed that year.
fn strip_year_suffix(code: &str) -> &str {
    match code.rsplit_once('_') {
        Some((base, year)) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => code,
    }
}

fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .take(28)
        .collect()
}

/// The financial year a text names, in every form NHS Digital's file names and year columns
/// have used: `2016-17`, `2016_17`, `2016/17`, `2016-2017`, `201617`, `20162017`, and the
/// four-digit `1617` or `2021` (2020-21), and the finance return's `14-15`. Only consecutive
/// years count, so `2016-18` is none.
pub fn financial_year_in(text: &str) -> Option<Period> {
    let runs = digit_runs(text);
    let consecutive = |a: i32, b: i32, modulo: i32| (a + 1) % modulo == b % modulo;
    let year = |y: i32| (2000..2100).contains(&y).then(|| Period::year(y));
    // The run after run `i`, when one separator joins them.
    let joined_to_next = |i: usize, end: usize| {
        runs.get(i + 1).filter(|(start, _, _)| {
            let gap = &text[end..*start];
            gap.len() == 1 && matches!(gap, "-" | "_" | "/" | " ")
        })
    };
    for (i, (_, end, run)) in runs.iter().enumerate() {
        let n = |s: &str| s.parse::<i32>().ok();
        match run.len() {
            4 => {
                let first = n(run)?;
                if let Some((_, _, next)) = joined_to_next(i, *end) {
                    let second = n(next)?;
                    match next.len() {
                        2 if consecutive(first, second, 100) => return year(first),
                        4 if first + 1 == second => return year(first),
                        _ => {}
                    }
                }
                let (a, b) = (first / 100, first % 100);
                if a + 1 == b {
                    return year(2000 + a);
                }
            }
            6 => {
                let (first, second) = (n(&run[..4])?, n(&run[4..])?);
                if consecutive(first, second, 100) {
                    return year(first);
                }
            }
            8 => {
                let (first, second) = (n(&run[..4])?, n(&run[4..])?);
                if first + 1 == second {
                    return year(first);
                }
            }
            _ => {}
        }
    }
    // Only when no fuller form is there: two two-digit years (`14-15`).
    runs.iter().enumerate().find_map(|(i, (_, end, run))| {
        let (_, _, next) = joined_to_next(i, *end)?;
        let (first, second) = (run.parse::<i32>().ok()?, next.parse::<i32>().ok()?);
        (run.len() == 2 && next.len() == 2 && consecutive(first, second, 100))
            .then(|| year(2000 + first))?
    })
}

/// The runs of ASCII digits in a text, each with its start and end byte offsets.
fn digit_runs(text: &str) -> Vec<(usize, usize, &str)> {
    let mut runs = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, i, &text[start..i]));
        } else {
            i += 1;
        }
    }
    runs
}

/// The financial year named in an official file's name, if any.
pub fn period_from_filename(filename: &str) -> Option<Period> {
    financial_year_in(filename)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_from_official_file_names() {
        assert_eq!(
            period_from_filename("meas-from-asc-of-eng-2016-17-open-data.csv"),
            Some(Period::year(2016))
        );
        assert_eq!(
            period_from_filename("ascof_2023_24.xlsx"),
            Some(Period::year(2023))
        );
        assert_eq!(period_from_filename("data.csv"), None);
        assert_eq!(period_from_filename("x-2016-18.csv"), None);
        for (name, year) in [
            ("meas-from-asc-of-eng-1617-open-data.csv", 2016),
            ("meas-from-asc-of-eng-2021-open-data.csv", 2020),
            ("ASCOF 2122 open data.xlsx", 2021),
            ("ascof-201718.csv", 2017),
            ("ascof-2018-2019.csv", 2018),
            ("ascof_2019_20_final.xlsx", 2019),
            ("ascof 2022/23.csv", 2022),
            ("meas-from-asc-of-eng-2023-24-open-data-csv.csv", 2023),
            ("pss-exp-eng-14-15-fin-coun-lev-exp-data.csv", 2014),
            ("ascof-v01-02-2016-17.csv", 2016),
        ] {
            assert_eq!(
                period_from_filename(name),
                Some(Period::year(year)),
                "{name}"
            );
        }
        for name in [
            "ascof-2019.csv",
            "v2.csv",
            "2016-2018.csv",
            "ascof-1234.csv",
            "table-14-16.csv",
        ] {
            assert_eq!(period_from_filename(name), None, "{name}");
        }
        assert_eq!(financial_year_in("2015/16"), Some(Period::year(2015)));
        assert_eq!(financial_year_in("FY 2015-16"), Some(Period::year(2015)));
    }

    #[test]
    fn titles_from_group_descriptions() {
        assert_eq!(
            title_from("1A: Social care-related quality of life", "1A"),
            "Social care-related quality of life"
        );
        assert_eq!(
            title_from("Carer quality of life", "1D"),
            "Carer quality of life"
        );
        assert_eq!(title_from("", "9Z"), "Uncatalogued measure 9Z");
    }

    #[test]
    fn year_suffixes_and_slugs() {
        assert_eq!(strip_year_suffix("2A(1)_1415"), "2A(1)");
        assert_eq!(strip_year_suffix("OFLOG_ASC7"), "OFLOG_ASC7");
        assert_eq!(slug("Inner London"), "inner-london");
    }
}
