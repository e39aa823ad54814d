//! The overview's small multiples: per risk domain, the region's councils coloured by their
//! share of the domain's measures significantly worse than England, with a table of the same
//! numbers as the maps' text alternative.

use std::collections::HashMap;

use crate::analysis::comparison::Comparison;
use crate::analysis::scorecard::Analysed;
use crate::domain::Measure;
use crate::maps::choropleth::{Map, map};

/// One council's count in one domain: measures significantly worse, of those compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Worse {
    pub worse: usize,
    pub compared: usize,
}

impl Worse {
    /// The map's class: none compared, none worse, up to a tenth, up to a quarter, more.
    pub(super) fn class(self) -> &'static str {
        match (self.worse, self.compared) {
            (_, 0) => "none",
            (0, _) => "w0",
            (w, c) if w * 10 <= c => "w1",
            (w, c) if w * 4 <= c => "w2",
            _ => "w3",
        }
    }

    pub(super) fn text(self) -> String {
        if self.compared == 0 {
            "none compared".into()
        } else {
            format!(
                "{} of {} ({}%)",
                self.worse,
                self.compared,
                (self.worse * 100 + self.compared / 2) / self.compared
            )
        }
    }
}

pub(super) struct DomainMaps {
    /// Per domain: its name and its map.
    pub maps: Vec<(String, Map)>,
    /// The text alternative: per council, its count in each domain (in the maps' order).
    pub rows: Vec<(String, Vec<String>)>,
}

/// Per domain with any comparison, each council's share of measures significantly worse
/// than England (`analysed` against England).
pub(super) fn domain_maps(
    catalogue: &[Measure],
    analysed: &[Analysed],
    councils: &[String],
    names: &HashMap<String, String>,
) -> DomainMaps {
    let mut domains: Vec<(&str, &str)> = Vec::new();
    for m in catalogue {
        if !domains.iter().any(|(slug, _)| *slug == m.domain_slug) {
            domains.push((&m.domain_slug, &m.domain_name));
        }
    }
    let mut counts: Vec<(&str, Vec<Worse>)> = Vec::new();
    for (slug, name) in domains {
        let per_council: Vec<Worse> = councils
            .iter()
            .map(|code| count(catalogue, analysed, slug, code))
            .collect();
        if per_council.iter().any(|w| w.compared > 0) {
            counts.push((name, per_council));
        }
    }
    let name_of = |code: &String| names.get(code).cloned().unwrap_or_else(|| code.clone());
    let maps = counts
        .iter()
        .filter_map(|(name, per_council)| {
            let focus: Vec<(String, &'static str, String)> = councils
                .iter()
                .zip(per_council)
                .map(|(code, w)| {
                    let title = format!(
                        "{}: {} measures significantly worse than England",
                        name_of(code),
                        w.text()
                    );
                    (code.clone(), w.class(), title)
                })
                .collect();
            let mut m = map(&focus, (200.0, 240.0))?;
            m.title = format!("{name}: share of measures significantly worse than England");
            m.id = format!("map-domain-{}", maps_id(name));
            m.description = "Each council of the region shaded by its share of the domain's measures significantly worse than England; the same numbers are in the table below.".into();
            Some(((*name).to_string(), m))
        })
        .collect();
    let rows = councils
        .iter()
        .enumerate()
        .map(|(i, code)| {
            (
                name_of(code),
                counts.iter().map(|(_, per)| per[i].text()).collect(),
            )
        })
        .collect();
    DomainMaps { maps, rows }
}

/// An element id from a domain's name ("Resource and workforce" → "resource-and-workforce").
fn maps_id(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// A council's measures of one domain compared with England with a polarity, and how many of
/// them are significantly worse.
fn count(catalogue: &[Measure], analysed: &[Analysed], domain: &str, council: &str) -> Worse {
    let mut w = Worse::default();
    for (m, _, c) in crate::analysis::scorecard::council_results(catalogue, analysed, council) {
        if m.domain_slug != domain {
            continue;
        }
        match c.comparison {
            Comparison::Worse => {
                w.worse += 1;
                w.compared += 1;
            }
            Comparison::Better | Comparison::Similar => w.compared += 1,
            _ => {}
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_fall_into_bands_with_their_words() {
        let w = |worse, compared| Worse { worse, compared };
        assert_eq!(w(0, 0).class(), "none");
        assert_eq!(w(0, 5).class(), "w0");
        assert_eq!(w(1, 10).class(), "w1");
        assert_eq!(w(2, 10).class(), "w2");
        assert_eq!(w(3, 10).class(), "w3");
        assert_eq!(w(3, 10).text(), "3 of 10 (30%)");
        assert_eq!(w(0, 0).text(), "none compared");
    }
}
