//! Getting figures in: official ASCOF files, the adult social care finance return, Oflog's adult
//! social care metrics, CQC's assessments of councils and the regional template, read
//! (`decode`), parsed (`ascof`, `finance`, `oflog`, `cqc`, `template`), validated (`validate`) into a report, then committed as one
//! submission revision (`import`). Everything but `import` is pure.

pub mod ascof;
pub mod cells;
pub mod councils;
pub mod cqc;
pub mod decode;
pub mod finance;
pub mod import;
pub mod oflog;
pub mod report;
pub mod template;
pub mod validate;

use std::collections::{BTreeSet, HashMap};

use rust_decimal::Decimal;

use crate::domain::known::Known;
use crate::domain::{NewObservation, Period, Provenance, ValueStatus};
use cells::{Cell, Missing};
use decode::Limits;
use report::{Issue, Location, Report};
use validate::Change;

/// A value read from a file, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub at: Location,
    pub observation: NewObservation,
    /// Decimal places the value was given to, for rounding-aware checks.
    pub decimals: u32,
    /// The importer's warning that the value moved far more than the usual change: kept with
    /// the value when it is stored, for the risk signal to show.
    pub change_warning: Option<String>,
}

impl Parsed {
    #[expect(
        clippy::too_many_arguments,
        reason = "a value read from a file: where it is and each of its cells"
    )]
    pub fn new(
        at: Location,
        area: String,
        measure: String,
        period: Period,
        value: Cell,
        numerator: Option<Decimal>,
        denominator: Option<Decimal>,
        margin_of_error: Option<Decimal>,
        note: Option<String>,
    ) -> Parsed {
        let (value, decimals, status, flags) = match value {
            Cell::Number {
                value,
                decimals,
                flags,
            } => (
                Some(value),
                decimals,
                if flags.provisional {
                    ValueStatus::Provisional
                } else {
                    ValueStatus::Final
                },
                flags.describe(),
            ),
            Cell::Missing(why) => (None, 0, missing_status(why), None),
        };
        let note = match (note, flags) {
            (Some(n), Some(f)) => Some(format!("{n} ({f})")),
            (n, f) => n.or(f),
        };
        // Nobody in the denominator: a rate of nothing is not available, not 0%.
        let (value, status, note) = if empty_ratio(numerator, denominator) {
            (
                None,
                ValueStatus::NotAvailable,
                Some(note.map_or_else(|| NOBODY.to_string(), |n| format!("{n} ({NOBODY})"))),
            )
        } else {
            (value, status, note)
        };
        Parsed {
            at,
            observation: NewObservation {
                area_code: area,
                measure_code: measure,
                period,
                disaggregation: "Total".into(),
                value,
                numerator,
                denominator,
                margin_of_error,
                base: None,
                status,
                note,
            },
            decimals,
            change_warning: None,
        }
    }
}

/// Why a value with a numerator and denominator of 0 is not available.
const NOBODY: &str = "not available: 0 of 0";

/// A numerator and denominator both 0: there is no proportion to state.
pub fn empty_ratio(numerator: Option<Decimal>, denominator: Option<Decimal>) -> bool {
    denominator.is_some_and(|d| d.is_zero()) && numerator.is_none_or(|n| n.is_zero())
}

/// The stored status of a value a table symbol says is missing.
fn missing_status(why: Missing) -> ValueStatus {
    match why {
        Missing::Blank | Missing::NotAvailable => ValueStatus::NotAvailable,
        Missing::NotApplicable => ValueStatus::NotApplicable,
        Missing::Suppressed => ValueStatus::Suppressed,
        Missing::Low => ValueStatus::Low,
        Missing::LowReliability => ValueStatus::LowReliability,
    }
}

/// A benchmark geography an official file carries (England, a region, a council type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkArea {
    pub code: String,
    pub name: String,
    pub level: String,
}

/// Which kind of file it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    AscofOfficial,
    /// The Office for Local Government's adult social care metrics.
    Oflog,
    /// CQC's assessments of councils' Care Act duties.
    CqcAssessments,
    /// NHS Digital's adult social care finance return (ASC-FR), councils as columns.
    Finance,
    RegionalTemplate,
}

impl Format {
    /// Where the values of a file of this format come from.
    pub fn provenance(self) -> Provenance {
        match self {
            Format::AscofOfficial | Format::Oflog | Format::CqcAssessments | Format::Finance => {
                Provenance::Official
            }
            Format::RegionalTemplate => Provenance::CouncilReturn,
        }
    }
}

/// A file read and checked: the report, and what committing it would store.
#[derive(Debug, Clone)]
pub struct FileContents {
    pub format: Option<Format>,
    /// What a later file revises: one official year, or one council's period.
    pub scope: String,
    pub rows: Vec<Parsed>,
    pub benchmarks: Vec<BenchmarkArea>,
    /// Measures the file carries that the catalogue did not know, to add as uncatalogued.
    pub new_measures: Vec<NewMeasure>,
    pub report: Report,
}

impl FileContents {
    /// Holds a council's return to what it may carry: the regional template, with rows for
    /// its own council and the round's period only; anything else is an error in the report.
    pub fn restrict_to_return(&mut self, council: &str, period: Period) {
        if self.format != Some(Format::RegionalTemplate) {
            self.report.errors.push(Issue::file(
                "a council's return is the regional template: download it from this page, fill it in and upload it",
            ));
            return;
        }
        for row in &self.rows {
            let o = &row.observation;
            if o.area_code != council {
                self.report.errors.push(Issue::at(
                    &row.at,
                    "authority",
                    &o.area_code,
                    format!("a return holds its own council's values only ({council})"),
                ));
            } else if o.period != period {
                self.report.errors.push(Issue::at(
                    &row.at,
                    "period",
                    &o.period.to_string(),
                    format!("this return is for {period}"),
                ));
            }
        }
    }

    /// The periods the file has values for, oldest first.
    pub fn periods(&self) -> Vec<Period> {
        let set: BTreeSet<Period> = self.rows.iter().map(|r| r.observation.period).collect();
        set.into_iter().collect()
    }
}

/// A measure an official file carries that the catalogue does not know.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMeasure {
    /// The catalogue code it is stored under.
    pub code: String,
    /// The code as the file published it.
    pub published: String,
    pub title: String,
    /// Whether the code is in ASCOF's 2023-24 numbering.
    pub renumbered: bool,
    pub first_row: Location,
}

/// What the caller knows besides the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The period of an official file, when its name does not say.
    pub period: Option<Period>,
    pub limits: Limits,
}

/// Reads and validates a file against what is known (pure; no database).
pub fn read(filename: &str, bytes: &[u8], options: Options, known: &Known) -> FileContents {
    let mut report = Report::new(filename);
    let mut contents = FileContents {
        format: None,
        scope: String::new(),
        rows: Vec::new(),
        benchmarks: Vec::new(),
        new_measures: Vec::new(),
        report: Report::default(),
    };
    let tables = match decode::tables(filename, bytes, options.limits) {
        Ok(t) => t,
        Err(issue) => {
            report.errors.push(issue);
            contents.report = report;
            return contents;
        }
    };
    for table in &tables {
        report.rows_read += table.rows.len();
        let Some(format) = Format::of(table) else {
            let where_ = table
                .sheet
                .as_ref()
                .map_or("the file".to_string(), |s| format!("sheet '{s}'"));
            report.notes.push(format!(
                "{where_} was skipped: its header is not one of {KINDS}"
            ));
            continue;
        };
        if contents.format.is_some_and(|f| f != format) {
            report.errors.push(Issue::file(
                "the workbook mixes files of different kinds: upload them separately",
            ));
            continue;
        }
        contents.format = Some(format);
        let input = TableInput {
            table,
            filename,
            options,
            known,
        };
        let rows = parse_table(format, &input, &mut contents, &mut report);
        contents.rows.extend(rows);
    }
    match contents.format {
        None if report.errors.is_empty() => report.errors.push(Issue::file(format!(
            "no sheet has a recognised header: expected one of {KINDS}"
        ))),
        Some(format) => {
            report.format = format.name().into();
            // A revision with no values would replace its scope's values with nothing.
            if contents.rows.is_empty() && report.errors.is_empty() {
                report.errors.push(Issue::file(
                    "nothing to store: no value of the scorecard's measures is in this file",
                ));
            }
        }
        None => {}
    }
    check_values(&contents.rows, known, &mut report);
    check_duplicates(&contents.rows, &mut report);
    contents.scope = scope(&contents, &mut report);
    warn_missing(&contents, known, &mut report);
    count(&contents.rows, &mut report);
    contents.report = report;
    contents
}

/// The kinds of file read, for messages.
const KINDS: &str = "the ASCOF open-data layout, the adult social care finance return (councils as columns), Oflog's adult social care metrics (Financial year, Local authority code, Code, Value), CQC's assessments of councils, or the regional template (authority, measure, period, value)";

impl Format {
    /// The kind of a table, by its header.
    fn of(table: &decode::Table) -> Option<Format> {
        if ascof::recognises(table) {
            Some(Format::AscofOfficial)
        } else if oflog::recognises(table) {
            Some(Format::Oflog)
        } else if cqc::recognises(table) {
            Some(Format::CqcAssessments)
        } else if finance::recognises(table) {
            Some(Format::Finance)
        } else if template::recognises(table) {
            Some(Format::RegionalTemplate)
        } else {
            None
        }
    }

    /// What the report calls it.
    fn name(self) -> &'static str {
        match self {
            Format::AscofOfficial => "NHS Digital ASCOF open data",
            Format::Oflog => "Oflog adult social care metrics",
            Format::CqcAssessments => "CQC assessments of councils (Care Act duties)",
            Format::Finance => "NHS Digital adult social care finance return (ASC-FR)",
            Format::RegionalTemplate => "regional submission template",
        }
    }
}

/// One table of a file, and what reading it needs.
struct TableInput<'a> {
    table: &'a decode::Table,
    filename: &'a str,
    options: Options,
    known: &'a Known,
}

/// The values of one table of a known format; benchmark areas, new measures and a finance
/// table's scope go into `contents`.
fn parse_table(
    format: Format,
    input: &TableInput<'_>,
    contents: &mut FileContents,
    report: &mut Report,
) -> Vec<Parsed> {
    let TableInput {
        table,
        filename,
        options,
        known,
    } = *input;
    match format {
        Format::AscofOfficial => {
            let years = ascof::YearSources {
                from_name: ascof::period_from_filename(filename),
                given: options.period,
            };
            let official = ascof::parse(table, years, known, report);
            contents.benchmarks.extend(official.benchmarks);
            contents.new_measures.extend(official.new_measures);
            official.rows
        }
        Format::Oflog => {
            let metrics = oflog::parse(table, known, report);
            contents.new_measures.extend(metrics.new_measures);
            metrics.rows
        }
        Format::CqcAssessments => {
            let assessed = cqc::parse(table, known, report);
            contents.new_measures.extend(assessed.new_measures);
            assessed.rows
        }
        Format::Finance => {
            let Some(period) = finance::year(filename, options.period) else {
                report.errors.push(Issue::file(
                    "the year of a finance return: name it in the file name (e.g. 2014-15) or give the period",
                ));
                return Vec::new();
            };
            let rows = finance::parse(table, period, known, report);
            contents.scope = finance::scope(period, &rows);
            rows
        }
        Format::RegionalTemplate => template::parse(table, known, &mut report.errors),
    }
}

/// The report's counts of values, areas, measures and periods.
fn count(rows: &[Parsed], report: &mut Report) {
    let areas: BTreeSet<&str> = rows
        .iter()
        .map(|r| r.observation.area_code.as_str())
        .collect();
    let measures: BTreeSet<&str> = rows
        .iter()
        .map(|r| r.observation.measure_code.as_str())
        .collect();
    let periods: BTreeSet<Period> = rows.iter().map(|r| r.observation.period).collect();
    report.values = rows.len();
    report.areas = areas.len();
    report.measures = measures.len();
    report.periods = periods.iter().map(Period::to_string).collect();
}

fn check_values(rows: &[Parsed], known: &Known, report: &mut Report) {
    for row in rows {
        let o = &row.observation;
        let Some(measure) = known.measure(&o.measure_code) else {
            continue;
        };
        let value = o.value.map(|v| (v, row.decimals));
        for (column, reason) in validate::value_errors(
            measure.unit,
            measure.rate_multiplier,
            value,
            o.numerator,
            o.denominator,
        ) {
            let shown = match column {
                "numerator" => o.numerator,
                "denominator" => o.denominator,
                _ => o.value,
            };
            report.errors.push(Issue::at(
                &row.at,
                column,
                &shown.map(|d| d.to_string()).unwrap_or_default(),
                format!("{} {}: {reason}", o.area_code, o.measure_code),
            ));
        }
    }
}

fn check_duplicates(rows: &[Parsed], report: &mut Report) {
    let mut seen: HashMap<(&str, &str, Period), usize> = HashMap::new();
    for row in rows {
        let o = &row.observation;
        if let Some(first) = seen.insert((&o.area_code, &o.measure_code, o.period), row.at.row) {
            report.errors.push(Issue::row(
                &row.at,
                format!(
                    "duplicate row: {} {} {} is also at row {first}",
                    o.area_code, o.measure_code, o.period
                ),
            ));
        }
    }
}

/// One official year, or one council's period for the template (which must hold only that).
fn scope(contents: &FileContents, report: &mut Report) -> String {
    let periods: BTreeSet<Period> = contents.rows.iter().map(|r| r.observation.period).collect();
    let councils: BTreeSet<&str> = contents
        .rows
        .iter()
        .map(|r| r.observation.area_code.as_str())
        .collect();
    match contents.format {
        Some(Format::AscofOfficial) => periods
            .iter()
            .next()
            .map_or_else(String::new, |p| format!("ascof-official:{p}")),
        // Each edition of Oflog's file carries every year so far: a later one revises it all.
        Some(Format::Oflog) => "oflog-asc".to_string(),
        // A council's latest assessment replaces its earlier one; a file lists every council
        // assessed so far. One council's entry (the analyst's form) is a scope of its own, so
        // that it touches no other council's.
        Some(Format::CqcAssessments) => match councils.iter().next() {
            Some(one) if councils.len() == 1 => format!("cqc-la-assessment:{one}"),
            _ => "cqc-la-assessments".to_string(),
        },
        // Set as the table was read: the year and which table of the return.
        Some(Format::Finance) => contents.scope.clone(),
        Some(Format::RegionalTemplate) => {
            if councils.len() > 1 || periods.len() > 1 {
                report.errors.push(Issue::file(format!(
                    "a template holds one council's figures for one period; this one has {} councils and {} periods",
                    councils.len(),
                    periods.len()
                )));
            }
            match (councils.iter().next(), periods.iter().next()) {
                (Some(c), Some(p)) => format!("template:{c}:{p}"),
                _ => String::new(),
            }
        }
        None => String::new(),
    }
}

/// Warns of measures most areas report but some do not (official files), or of catalogue
/// measures a council's template leaves out.
fn warn_missing(contents: &FileContents, known: &Known, report: &mut Report) {
    let with_value = contents
        .rows
        .iter()
        .filter(|r| r.observation.value.is_some());
    match contents.format {
        Some(Format::AscofOfficial | Format::Oflog) => {
            let mut present: HashMap<&str, Vec<&str>> = HashMap::new();
            for r in with_value.filter(|r| {
                r.observation
                    .area_code
                    .parse::<crate::domain::OnsCode>()
                    .is_ok()
            }) {
                present
                    .entry(&r.observation.area_code)
                    .or_default()
                    .push(&r.observation.measure_code);
            }
            for (area, measure) in validate::missing_measures(&present) {
                report.warnings.push(Issue::file(format!(
                    "{area} has no value for {measure}, which most councils report"
                )));
            }
        }
        Some(Format::RegionalTemplate) => {
            let given: BTreeSet<&str> = with_value
                .map(|r| r.observation.measure_code.as_str())
                .collect();
            let Some(period) = contents.rows.first().map(|r| r.observation.period) else {
                return;
            };
            let mut expected: Vec<&str> = known
                .measures
                .values()
                .filter(|m| {
                    m.tier != "ascof" && (m.frequency == "quarterly") == period.is_quarter()
                })
                .map(|m| m.code.as_str())
                .collect();
            expected.sort_unstable();
            expected.dedup();
            for measure in expected.into_iter().filter(|m| !given.contains(m)) {
                report.warnings.push(Issue::file(format!(
                    "no value for the expected measure {measure} in {period}"
                )));
            }
        }
        Some(Format::CqcAssessments | Format::Finance) | None => {}
    }
}

/// Earlier values of one area and measure, oldest first: periods of the same kind (years or
/// quarters) before the file's.
pub type Series = Vec<(Period, Decimal)>;

/// Warns of councils' values that moved far more than the usual change since the previous
/// period. The usual change is that of the other councils in the file (at least five, as in an
/// official file), else the council's own earlier changes (at least four, as for a template).
pub fn warn_changes(contents: &mut FileContents, history: &HashMap<(String, String), Series>) {
    let mut by_measure: HashMap<&str, Vec<Change<usize>>> = HashMap::new();
    let mut own: Vec<(usize, Vec<Change<usize>>)> = Vec::new();
    for (i, row) in contents.rows.iter().enumerate() {
        let o = &row.observation;
        if o.area_code.parse::<crate::domain::OnsCode>().is_err() {
            continue;
        }
        let (Some(current), Some(series)) = (
            o.value,
            history.get(&(o.area_code.clone(), o.measure_code.clone())),
        ) else {
            continue;
        };
        let Some((last_period, last)) = series.last() else {
            continue;
        };
        if *last_period != o.period.previous() {
            continue;
        }
        let change = Change {
            key: i,
            previous: *last,
            current,
        };
        by_measure
            .entry(&o.measure_code)
            .or_default()
            .push(change.clone());
        let mut past: Vec<Change<usize>> = series
            .windows(2)
            .filter(|w| w[1].0.previous() == w[0].0)
            .map(|w| Change {
                key: usize::MAX,
                previous: w[0].1,
                current: w[1].1,
            })
            .collect();
        past.push(change);
        own.push((i, past));
    }
    let mut flagged: Vec<(usize, Decimal, Decimal, f64, f64)> = Vec::new();
    for changes in by_measure.values().filter(|c| c.len() >= 5) {
        for (c, median, mad) in validate::implausible_changes(changes) {
            flagged.push((c.key, c.previous, c.current, median, mad));
        }
    }
    for (i, changes) in own {
        let measure = contents.rows[i].observation.measure_code.as_str();
        if by_measure.get(measure).is_some_and(|c| c.len() >= 5) || changes.len() < 5 {
            continue;
        }
        for (c, median, mad) in validate::implausible_changes(&changes) {
            if c.key == i {
                flagged.push((i, c.previous, c.current, median, mad));
            }
        }
    }
    flagged.sort_by_key(|f| f.0);
    for (i, previous, current, median, mad) in flagged {
        let row = &mut contents.rows[i];
        let o = &row.observation;
        let warning = format!(
            "{} {} changed from {previous} to {current} since {}: far from the usual change ({median:+.2}, MAD {mad:.2}); please check it",
            o.area_code,
            o.measure_code,
            o.period.previous()
        );
        contents.report.warnings.push(Issue::at(
            &row.at,
            "value",
            &current.to_string(),
            warning.clone(),
        ));
        row.change_warning = Some(warning);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const OFFICIAL_HEADER: &str = "Geographical Code,Geographical Description,Geographical Level,ONS Area Code,ASCOF Measure Code,Disaggregation Level,Measure Type,Measure Value,Measure Group,Measure Group Description\n";
    const TEMPLATE_HEADER: &str =
        "authority,authority name,measure,measure title,period,value,numerator,denominator,note\n";

    /// The header and first 400 rows of the official 2016-17 file, as published.
    static OFFICIAL_SAMPLE: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
        use std::io::Read;
        let gz = include_bytes!(
            "../../tests/fixtures/ascof/meas-from-asc-of-eng-2016-17-open-data.csv.gz"
        );
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut text)
            .unwrap();
        text.split_inclusive(|b| *b == b'\n')
            .take(401)
            .flatten()
            .copied()
            .collect()
    });

    /// A regional template as a workbook, with a few rows.
    static TEMPLATE_WORKBOOK: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let rows = [
            TEMPLATE_HEADER.trim_end().split(',').collect::<Vec<_>>(),
            vec![
                "E06000006",
                "Halton",
                "AS04",
                "",
                "2017-18 Q1",
                "71.5",
                "143",
                "200",
                "",
            ],
            vec![
                "E06000006",
                "Halton",
                "2A1",
                "",
                "2017-18 Q1",
                "[c]",
                "",
                "",
                "small",
            ],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet
                    .write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *cell)
                    .unwrap();
            }
        }
        book.save_to_buffer().unwrap()
    });

    /// Random damage: (where, what: delete, insert, replace or cut, which byte).
    fn edits() -> impl Strategy<Value = Vec<(prop::sample::Index, u8, u8)>> {
        proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..12)
    }

    fn damage(base: &[u8], edits: &[(prop::sample::Index, u8, u8)]) -> Vec<u8> {
        let mut bytes = base.to_vec();
        for (at, kind, byte) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => {
                    bytes.remove(i);
                }
                1 => bytes.insert(i, *byte),
                2 => bytes[i] = *byte,
                _ => bytes.truncate(i),
            }
        }
        bytes
    }

    fn known() -> Known {
        let mut k = Known::default();
        k.councils.insert("E06000006".into(), "Halton".into());
        k
    }

    /// A CSV field quoted so that any text survives as one cell.
    fn quoted(s: &str) -> String {
        format!("\"{}\"", s.replace('"', "\"\""))
    }

    #[test]
    fn a_return_holds_its_own_councils_values_for_its_period_only() {
        let mut k = known();
        k.councils.insert("E06000007".into(), "Warrington".into());
        k.measures.insert(
            "AS04".into(),
            crate::domain::known::KnownMeasure {
                code: "AS04".into(),
                unit: crate::domain::Unit::Percent,
                decimals: 1,
                rate_multiplier: None,
                frequency: "quarterly".into(),
                tier: "teasc".into(),
            },
        );
        let q1 = Period::quarter(2024, 1).unwrap();
        let reasons = |line: &str| {
            let csv = format!("{TEMPLATE_HEADER}{line}\n");
            let mut contents = read("return.csv", csv.as_bytes(), Options::default(), &k);
            assert!(!contents.report.has_errors(), "{}", contents.report);
            contents.restrict_to_return("E06000006", q1);
            contents
                .report
                .errors
                .iter()
                .map(|e| (e.row, e.reason.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(reasons("E06000006,Halton,AS04,,2024-25 Q1,71.5,,,"), []);
        assert_eq!(
            reasons("E06000007,Warrington,AS04,,2024-25 Q1,70,,,"),
            [(
                Some(2),
                "a return holds its own council's values only (E06000006)".to_string()
            )]
        );
        assert_eq!(
            reasons("E06000006,Halton,AS04,,2024-25 Q2,72,,,"),
            [(Some(2), "this return is for 2024-25 Q1".to_string())]
        );
        let mut official = read(
            "f-2016-17.csv",
            OFFICIAL_HEADER.as_bytes(),
            Options::default(),
            &k,
        );
        official.restrict_to_return("E06000006", q1);
        assert!(
            official.report.has_errors(),
            "an official file is not a return"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_bytes_give_a_report_never_a_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..512),
            xlsx in any::<bool>(),
        ) {
            let name = if xlsx { "f.xlsx" } else { "f-2016-17.csv" };
            let contents = read(name, &bytes, Options::default(), &known());
            prop_assert!(contents.report.has_errors() || contents.format.is_some() || contents.rows.is_empty());
        }

        #[test]
        fn official_rows_with_any_cells_never_panic_and_symbols_are_never_numbers(
            value in "\\PC{0,12}",
            level in prop_oneof![Just("Council".to_string()), Just("England".to_string()), Just("Region".to_string()), Just("Council type".to_string()), "\\PC{0,8}"],
            code in "\\PC{0,8}",
            ons in "\\PC{0,10}",
        ) {
            let csv = format!(
                "{OFFICIAL_HEADER}321,Halton,{},{},{},Total,Outcome,{},{},x\n",
                quoted(&level), quoted(&ons), quoted(&code), quoted(&value), quoted(&code)
            );
            let contents = read("meas-2016-17.csv", csv.as_bytes(), Options::default(), &known());
            if let Ok(cells::Cell::Missing(_)) = cells::parse(&value) {
                prop_assert!(contents.rows.iter().all(|r| r.observation.value.is_none()));
            }
        }

        /// The first rows of a real official file, damaged at random: bytes deleted, inserted or
        /// replaced, or the file cut short. A report every time, never a panic.
        #[test]
        fn a_damaged_official_file_gives_a_report(edits in edits()) {
            let bytes = damage(&OFFICIAL_SAMPLE, &edits);
            let contents = read("meas-from-asc-of-eng-2016-17-open-data.csv", &bytes, Options::default(), &known());
            prop_assert!(contents.report.has_errors() || contents.format.is_some());
        }

        /// A real workbook (the regional template), damaged at random.
        #[test]
        fn a_damaged_workbook_gives_a_report(edits in edits()) {
            let bytes = damage(&TEMPLATE_WORKBOOK, &edits);
            let contents = read("return.xlsx", &bytes, Options::default(), &known());
            prop_assert!(contents.report.has_errors() || contents.format.is_some());
        }

        #[test]
        fn template_rows_with_any_cells_never_panic(
            cells in proptest::collection::vec("\\PC{0,10}", 9),
        ) {
            let row: Vec<String> = cells.iter().map(|c| quoted(c)).collect();
            let csv = format!("{TEMPLATE_HEADER}{}\n", row.join(","));
            let contents = read("return.csv", csv.as_bytes(), Options::default(), &known());
            prop_assert!(contents.rows.len() <= 1);
        }
    }

    #[test]
    fn an_unknown_code_in_an_official_file_is_a_warning_not_an_error() {
        let csv = format!(
            "{OFFICIAL_HEADER}321,Halton,Council,E06000006,7Q(1),Total,Outcome,12.5,7Q(1),7Q(1): A new measure\n"
        );
        let contents = read(
            "ascof-2019-20.csv",
            csv.as_bytes(),
            Options::default(),
            &known(),
        );
        assert!(!contents.report.has_errors(), "{}", contents.report);
        assert_eq!(contents.new_measures.len(), 1);
        assert_eq!(contents.new_measures[0].code, "7Q1");
        assert_eq!(contents.new_measures[0].title, "A new measure");
        assert_eq!(contents.rows[0].observation.measure_code, "7Q1");
        assert!(
            contents.report.warnings[0]
                .reason
                .contains("not in the catalogue")
        );
    }
}
