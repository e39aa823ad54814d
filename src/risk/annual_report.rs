//! The consultant's annual report to the North West Towards Excellence Board (seed 001: 3.5,
//! 7.1), pure: for each council the judgement per domain, the support agreed and the Board's
//! decision; the themes' strengths and areas for development (naming the councils that did not
//! self-assess); the region's recurring concerns; excellence to share. Issued reports are kept
//! as they were issued (serialised), and the public sees only a summary without any council's
//! judgement.

use std::collections::{BTreeMap, BTreeSet};

/// A council's part of the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CouncilPart {
    pub name: String,
    pub status: String,
    /// (domain, judgement in words), every domain.
    pub judgements: Vec<(String, String)>,
    pub support: Vec<String>,
    pub decisions: Vec<String>,
}

/// A theme's part: strengths (Level 3 or 4) and areas for development (below Level 2), per
/// criterion with the councils named, and the councils that did not self-assess.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ThemePart {
    pub title: String,
    pub strengths: Vec<String>,
    pub development: Vec<String>,
    pub not_self_assessed: Vec<String>,
}

/// The report as issued.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub year: String,
    pub councils: Vec<CouncilPart>,
    pub themes: Vec<ThemePart>,
    pub recurring: Vec<String>,
    pub excellence: Vec<String>,
}

/// What the public may read of an issued report: the themes' strengths and areas for
/// development by criterion (without naming councils), the recurring concerns as counts, and
/// the excellence to share.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    pub year: String,
    pub themes: Vec<(String, usize, usize)>,
    pub recurring: Vec<String>,
    pub excellence: Vec<String>,
}

/// What the report is built from.
#[derive(Debug, Default)]
pub struct Inputs {
    pub year: String,
    /// The region's councils: code and name.
    pub councils: Vec<(String, String)>,
    /// Risk domains: slug and name, in order.
    pub domains: Vec<(String, String)>,
    pub statuses: BTreeMap<String, String>,
    /// (council, domain slug, judgement in words, "some" or "significant" concern?)
    pub judgements: Vec<(String, String, String, bool)>,
    /// (council, support agreed)
    pub support: Vec<(String, String)>,
    /// (council, the Board's decision in words)
    pub decisions: Vec<(String, String)>,
    /// (theme, criterion), in order.
    pub criteria: Vec<(String, String)>,
    /// (council, theme, criterion, level 0 to 4)
    pub assessed: Vec<(String, String, String, i16)>,
    /// (council, what it is excellent at)
    pub excellence: Vec<(String, String)>,
}

/// Councils at least this many make a concern "recurring".
const RECURRING: usize = 2;

impl Inputs {
    fn name<'a>(&'a self, code: &'a str) -> &'a str {
        self.councils
            .iter()
            .find(|(c, _)| c == code)
            .map_or(code, |(_, n)| n.as_str())
    }

    pub fn report(&self) -> Report {
        Report {
            year: self.year.clone(),
            councils: self
                .councils
                .iter()
                .map(|(c, n)| self.council(c, n))
                .collect(),
            themes: self.themes(),
            recurring: self.recurring(),
            excellence: self
                .excellence
                .iter()
                .map(|(c, what)| format!("{}: {what}", self.name(c)))
                .collect(),
        }
    }

    fn council(&self, code: &str, name: &str) -> CouncilPart {
        let of = |list: &[(String, String)]| -> Vec<String> {
            list.iter()
                .filter(|(c, _)| c == code)
                .map(|(_, s)| s.clone())
                .collect()
        };
        CouncilPart {
            name: name.to_string(),
            status: self
                .statuses
                .get(code)
                .cloned()
                .unwrap_or_else(|| "not started".into()),
            judgements: self
                .domains
                .iter()
                .map(|(slug, domain)| {
                    let judged = self
                        .judgements
                        .iter()
                        .find(|(c, d, _, _)| c == code && d == slug)
                        .map_or_else(
                            || "Not judged".to_string(),
                            |(_, _, words, _)| words.clone(),
                        );
                    (domain.clone(), judged)
                })
                .collect(),
            support: of(&self.support),
            decisions: of(&self.decisions),
        }
    }

    fn themes(&self) -> Vec<ThemePart> {
        let mut ordered: Vec<&String> = Vec::new();
        for (t, _) in &self.criteria {
            if !ordered.contains(&t) {
                ordered.push(t);
            }
        }
        ordered
            .into_iter()
            .map(|theme| {
                let mut part = ThemePart {
                    title: theme.clone(),
                    strengths: Vec::new(),
                    development: Vec::new(),
                    not_self_assessed: Vec::new(),
                };
                for (_, criterion) in self.criteria.iter().filter(|(t, _)| t == theme) {
                    let at = |keep: &dyn Fn(i16) -> bool| -> Vec<&str> {
                        self.assessed
                            .iter()
                            .filter(|(_, t, c, l)| t == theme && c == criterion && keep(*l))
                            .map(|(council, _, _, _)| self.name(council))
                            .collect()
                    };
                    let strong = at(&|l| l >= 3);
                    if !strong.is_empty() {
                        part.strengths
                            .push(format!("{criterion}: {}", strong.join(", ")));
                    }
                    let weak = at(&|l| l < 2);
                    if !weak.is_empty() {
                        part.development
                            .push(format!("{criterion}: {}", weak.join(", ")));
                    }
                }
                let assessed: BTreeSet<&str> = self
                    .assessed
                    .iter()
                    .filter(|(_, t, _, _)| t == theme)
                    .map(|(c, _, _, _)| c.as_str())
                    .collect();
                part.not_self_assessed = self
                    .councils
                    .iter()
                    .filter(|(c, _)| !assessed.contains(c.as_str()))
                    .map(|(_, n)| n.clone())
                    .collect();
                part
            })
            .collect()
    }

    /// Domains judged of some or significant concern in at least two councils.
    fn recurring(&self) -> Vec<String> {
        self.domains
            .iter()
            .filter_map(|(slug, domain)| {
                let councils: Vec<&str> = self
                    .judgements
                    .iter()
                    .filter(|(_, d, _, concern)| d == slug && *concern)
                    .map(|(c, _, _, _)| self.name(c))
                    .collect();
                (councils.len() >= RECURRING).then(|| {
                    format!(
                        "{domain}: some or significant concern in {} councils ({})",
                        councils.len(),
                        councils.join(", ")
                    )
                })
            })
            .collect()
    }
}

impl Report {
    /// The public summary: nothing of any council's judgement, status or decision.
    pub fn summary(&self) -> Summary {
        Summary {
            year: self.year.clone(),
            themes: self
                .themes
                .iter()
                .map(|t| (t.title.clone(), t.strengths.len(), t.development.len()))
                .collect(),
            recurring: self
                .recurring
                .iter()
                .map(|r| r.split(" (").next().unwrap_or_default().to_string())
                .collect(),
            excellence: self.excellence.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> Inputs {
        let s = |x: &str| x.to_string();
        Inputs {
            year: s("2016-17"),
            councils: vec![
                (s("A"), s("Alpha")),
                (s("B"), s("Beta")),
                (s("C"), s("Gamma")),
            ],
            domains: vec![
                (s("po"), s("Performance and outcomes")),
                (s("rw"), s("Resource and workforce")),
            ],
            statuses: [(s("A"), s("final"))].into(),
            judgements: vec![
                (s("A"), s("po"), s("Some concern"), true),
                (s("B"), s("po"), s("Significant concern"), true),
                (s("A"), s("rw"), s("Low concern"), false),
            ],
            support: vec![(s("A"), s("Targeted support: Peer mentoring"))],
            decisions: vec![(s("A"), s("Targeted support"))],
            criteria: vec![(s("Safeguarding"), s("Making safeguarding personal"))],
            assessed: vec![
                (
                    s("A"),
                    s("Safeguarding"),
                    s("Making safeguarding personal"),
                    4,
                ),
                (
                    s("B"),
                    s("Safeguarding"),
                    s("Making safeguarding personal"),
                    1,
                ),
            ],
            excellence: vec![(s("C"), s("2B(1) reablement outcomes"))],
        }
    }

    #[test]
    fn the_report_covers_every_council_theme_concern_and_strength() {
        let r = inputs().report();
        assert_eq!(r.councils.len(), 3);
        assert_eq!(
            r.councils[0].judgements,
            [
                (
                    "Performance and outcomes".to_string(),
                    "Some concern".to_string()
                ),
                (
                    "Resource and workforce".to_string(),
                    "Low concern".to_string()
                )
            ]
        );
        assert_eq!(r.councils[0].support, ["Targeted support: Peer mentoring"]);
        assert_eq!(r.councils[2].status, "not started");
        assert_eq!(
            r.themes[0].strengths,
            ["Making safeguarding personal: Alpha"]
        );
        assert_eq!(
            r.themes[0].development,
            ["Making safeguarding personal: Beta"]
        );
        assert_eq!(r.themes[0].not_self_assessed, ["Gamma"]);
        assert_eq!(
            r.recurring,
            ["Performance and outcomes: some or significant concern in 2 councils (Alpha, Beta)"]
        );
        assert_eq!(r.excellence, ["Gamma: 2B(1) reablement outcomes"]);
    }

    #[test]
    fn the_public_summary_names_no_councils_judgement() {
        let s = inputs().report().summary();
        assert_eq!(s.themes, [("Safeguarding".to_string(), 1, 1)]);
        assert_eq!(
            s.recurring,
            ["Performance and outcomes: some or significant concern in 2 councils"]
        );
        let text = serde_json::to_string(&s).unwrap();
        assert!(!text.contains("Beta") && !text.contains("Alpha"), "{text}");
    }
}
