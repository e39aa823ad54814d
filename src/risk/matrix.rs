//! The regional matrix: councils × the six domains and the four headings of Table 2, ranked by
//! score. Pure: built from the signal, the catalogue and what the analyst keeps.

use std::collections::{BTreeSet, HashMap};

use crate::domain::Measure;
use crate::risk::concerns::{Concern, Grade};
use crate::risk::records::{AssessmentStatus, Intelligence, Judgement, Trigger};
use crate::risk::support;
use crate::risk::triggers::Evaluation;

/// The domains a fired trigger speaks to: its measure's domain, else the trigger's own.
pub fn domains_of<'a>(
    e: &'a Evaluation,
    defs: &'a HashMap<&str, &Trigger>,
    measures: &'a HashMap<&str, &Measure>,
) -> Vec<&'a str> {
    match e.measure.as_deref().and_then(|m| measures.get(m)) {
        Some(m) => vec![m.domain_slug.as_str()],
        None => defs
            .get(e.trigger)
            .map(|t| t.domains.iter().map(String::as_str).collect())
            .unwrap_or_default(),
    }
}

/// One cell of the matrix: a council in a domain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    /// Distinct graded concerns (one per measure) in the domain, and how many of each grade.
    pub concerns: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    /// Concerns the council has not responded to.
    pub unexplained: usize,
    /// Trigger firings in the domain (a measure may fire several rules).
    pub fired: usize,
    /// No measure of the domain has a value for the council.
    pub no_data: bool,
    pub excellence: usize,
    pub intelligence: usize,
    pub judgement: Option<String>,
}

impl Cell {
    pub fn judgement_label(&self) -> &'static str {
        self.judgement.as_deref().map_or("", support::level_label)
    }
}

/// A council's findings under one heading of Table 2: trigger firings, and intelligence items
/// with how many are of high severity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeadingCell {
    pub fired: usize,
    pub intelligence: usize,
    pub high: usize,
}

/// A council's row of the matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow {
    pub code: String,
    pub name: String,
    /// Σ strategic weight × grade × years held, over the council's concerns.
    pub score: f64,
    /// Open data-quality queries.
    pub queries: usize,
    pub cells: Vec<Cell>,
    /// Fired concerns and intelligence by heading, in the headings' order.
    pub by_heading: Vec<HeadingCell>,
    /// Concerns fired now and not at the previous period, and the reverse.
    pub new: usize,
    pub cleared: usize,
    pub status: String,
}

/// What the matrix is built from.
pub struct MatrixInputs<'a> {
    pub councils: &'a [(String, String)],
    pub domains: &'a [(String, String)],
    pub headings: &'a [String],
    pub now: &'a [Evaluation],
    pub before: &'a [Evaluation],
    pub defs: &'a [Trigger],
    pub catalogue: &'a [Measure],
    pub intelligence: &'a [Intelligence],
    /// The current judgement of each council and domain.
    pub judgements: &'a [Judgement],
    /// Each assessment of the year, judged or not.
    pub assessments: &'a [AssessmentStatus],
    pub concerns: &'a [Concern],
    pub scores: &'a HashMap<String, f64>,
    /// Open queries per council.
    pub queries: &'a HashMap<String, usize>,
    /// (council, domain) pairs with at least one value.
    pub with_data: &'a BTreeSet<(String, String)>,
}

/// The catalogue and trigger definitions by id, for the matrix's lookups.
struct Lookup<'a> {
    m: &'a MatrixInputs<'a>,
    defs: HashMap<&'a str, &'a Trigger>,
    measures: HashMap<&'a str, &'a Measure>,
}

impl<'a> Lookup<'a> {
    fn new(m: &'a MatrixInputs<'a>) -> Lookup<'a> {
        Lookup {
            m,
            defs: m.defs.iter().map(|t| (t.id.as_str(), t)).collect(),
            measures: m.catalogue.iter().map(|x| (x.code.as_str(), x)).collect(),
        }
    }

    /// A domain's column.
    fn at(&self, slug: &str) -> Option<usize> {
        self.m.domains.iter().position(|(d, _)| d == slug)
    }

    /// A trigger's heading's column.
    fn heading_of(&self, trigger: &str) -> Option<usize> {
        self.defs
            .get(trigger)
            .and_then(|t| self.m.headings.iter().position(|h| *h == t.heading))
    }

    /// Trigger firings and excellence flags per domain, and firings per heading.
    fn count_firings(&self, code: &str, cells: &mut [Cell], by_heading: &mut [HeadingCell]) {
        for e in self.m.now.iter().filter(|e| e.council == code && e.fired) {
            for d in domains_of(e, &self.defs, &self.measures) {
                if let Some(i) = self.at(d) {
                    if e.excellence {
                        cells[i].excellence += 1;
                    } else {
                        cells[i].fired += 1;
                    }
                }
            }
            if !e.excellence
                && let Some(h) = self.heading_of(e.trigger)
            {
                by_heading[h].fired += 1;
            }
        }
    }

    /// Intelligence items per domain and per heading (with how many are of high severity).
    fn count_intelligence(&self, code: &str, cells: &mut [Cell], by_heading: &mut [HeadingCell]) {
        for item in self.m.intelligence.iter().filter(|i| i.ons_code == code) {
            if let Some(h) = self.heading_of(&item.trigger_id) {
                by_heading[h].intelligence += 1;
                by_heading[h].high += usize::from(item.severity == "high");
            }
            let domains = self
                .defs
                .get(item.trigger_id.as_str())
                .map(|t| t.domains.as_slice())
                .unwrap_or_default();
            for d in domains {
                if let Some(i) = self.at(d) {
                    cells[i].intelligence += 1;
                }
            }
        }
    }

    /// Graded concerns per domain, by grade, and how many are unexplained.
    fn count_concerns(&self, code: &str, cells: &mut [Cell]) {
        for c in self.m.concerns.iter().filter(|c| c.council == code) {
            if let Some(i) = self
                .measures
                .get(c.measure.as_str())
                .and_then(|x| self.at(&x.domain_slug))
            {
                cells[i].concerns += 1;
                cells[i].unexplained += usize::from(!c.explained);
                match c.grade {
                    Grade::High => cells[i].high += 1,
                    Grade::Medium => cells[i].medium += 1,
                    Grade::Low => cells[i].low += 1,
                }
            }
        }
    }

    /// One council's row.
    fn row(&self, code: &str, name: &str) -> MatrixRow {
        let m = self.m;
        let mut cells: Vec<Cell> = m
            .domains
            .iter()
            .map(|(slug, _)| Cell {
                no_data: !m.with_data.contains(&(code.to_string(), slug.clone())),
                ..Cell::default()
            })
            .collect();
        let mut by_heading = vec![HeadingCell::default(); m.headings.len()];
        self.count_firings(code, &mut cells, &mut by_heading);
        self.count_intelligence(code, &mut cells, &mut by_heading);
        self.count_concerns(code, &mut cells);
        for j in m.judgements.iter().filter(|j| j.council == code) {
            if let Some(i) = self.at(&j.domain) {
                cells[i].judgement = Some(j.level.clone());
            }
        }
        // The status is the assessment's own, whether or not a domain is judged yet.
        let status = m
            .assessments
            .iter()
            .find(|a| a.council == code)
            .map_or_else(|| "No assessment".to_string(), |a| a.status.clone());
        let (now, before) = (fired(m.now, code), fired(m.before, code));
        MatrixRow {
            code: code.to_string(),
            name: name.to_string(),
            score: m.scores.get(code).copied().unwrap_or_default(),
            queries: m.queries.get(code).copied().unwrap_or_default(),
            cells,
            by_heading,
            new: now.difference(&before).count(),
            cleared: before.difference(&now).count(),
            status,
        }
    }
}

/// A council's fired concerns (trigger and measure), for what changed since the period before.
fn fired(list: &[Evaluation], council: &str) -> BTreeSet<(String, Option<String>)> {
    list.iter()
        .filter(|e| e.council == council && e.fired && !e.excellence)
        .map(|e| (e.trigger.to_string(), e.measure.clone()))
        .collect()
}

/// The regional matrix, highest score first: for each council, per domain its graded concerns
/// (by grade), trigger firings, excellence flags, intelligence items and the current judgement;
/// concerns per heading; open queries; and the change since the previous period. Pure.
pub fn build_matrix(m: &MatrixInputs<'_>) -> Vec<MatrixRow> {
    let lookup = Lookup::new(m);
    let mut rows: Vec<MatrixRow> = m
        .councils
        .iter()
        .map(|(code, name)| lookup.row(code, name))
        .collect();
    // Highest score first; equal scores by name.
    rows.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::measure;
    use chrono::Utc;

    fn trigger(id: &str, heading: &str) -> Trigger {
        Trigger {
            id: id.into(),
            heading: heading.into(),
            heading_name: heading.into(),
            title: id.into(),
            source: String::new(),
            kind: "quantitative".into(),
            domains: vec!["d".into()],
            params: serde_json::json!({}),
            version: 1,
            updated_by: String::new(),
            updated_at: Utc::now(),
        }
    }

    fn concern(council: &str, grade: Grade) -> Concern {
        Concern {
            council: council.into(),
            measure: "M1".into(),
            grade,
            reasons: vec!["significantly-worse".into()],
            years: 1,
            regional: false,
            improving: false,
            points: 2,
            rule: String::new(),
            explained: council == "A",
        }
    }

    fn item(council: &str, trigger: &str, severity: &str) -> Intelligence {
        Intelligence {
            id: 1,
            ons_code: council.into(),
            trigger_id: trigger.into(),
            year: "2016-17".into(),
            recorded_on: Utc::now().date_naive(),
            source: String::new(),
            evidence: String::new(),
            link: None,
            severity: severity.into(),
            visibility: "council".into(),
            recorded_by: String::new(),
        }
    }

    #[test]
    fn the_matrix_ranks_by_score_counts_by_grade_and_heading_and_says_no_data() {
        let councils = vec![
            ("A".to_string(), "Aston".to_string()),
            ("B".to_string(), "Bury".to_string()),
            ("C".to_string(), "Crewe".to_string()),
        ];
        let domains = vec![
            ("d".to_string(), "Domain".to_string()),
            ("e".to_string(), "Empty".to_string()),
        ];
        let headings = vec!["performance".to_string(), "leadership".to_string()];
        let defs = vec![
            trigger("significantly-worse", "performance"),
            trigger("dass-turnover", "leadership"),
        ];
        let concerns = vec![
            concern("B", Grade::High),
            concern("B", Grade::Low),
            concern("A", Grade::Medium),
        ];
        let scores = HashMap::from([("A".to_string(), 2.0), ("B".to_string(), 7.0)]);
        let with_data: BTreeSet<(String, String)> = ["A", "B", "C"]
            .iter()
            .map(|c| ((*c).to_string(), "d".to_string()))
            .collect();
        let intelligence = vec![
            item("C", "dass-turnover", "high"),
            item("C", "dass-turnover", "low"),
        ];
        let rows = build_matrix(&MatrixInputs {
            councils: &councils,
            domains: &domains,
            headings: &headings,
            now: &[],
            before: &[],
            defs: &defs,
            catalogue: &[Measure {
                domain_slug: "d".into(),
                ..measure()
            }],
            intelligence: &intelligence,
            judgements: &[],
            assessments: &[AssessmentStatus {
                council: "A".to_string(),
                status: "shared".to_string(),
            }],
            concerns: &concerns,
            scores: &scores,
            queries: &HashMap::from([("C".to_string(), 2)]),
            with_data: &with_data,
        });
        let order: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(order, ["B", "A", "C"], "highest score first, then by name");
        let b = &rows[0];
        assert_eq!(
            (b.cells[0].concerns, b.cells[0].high, b.cells[0].low),
            (2, 1, 1)
        );
        assert_eq!(
            (b.cells[0].unexplained, rows[1].cells[0].unexplained),
            (2, 0),
            "A responded to its concern"
        );
        assert!(b.cells[1].no_data && !b.cells[0].no_data);
        assert_eq!(
            rows[1].status, "shared",
            "the assessment's own status, unjudged"
        );
        assert_eq!(b.status, "No assessment");
        let c = &rows[2];
        assert_eq!(c.queries, 2);
        assert_eq!(
            c.by_heading[1],
            HeadingCell {
                fired: 0,
                intelligence: 2,
                high: 1
            }
        );
    }
}
