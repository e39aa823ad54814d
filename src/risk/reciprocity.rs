//! Reciprocity between councils (MoU 2.1 e-g), pure: the excellence directory (strengths from
//! excellence flags, the themes' self-assessments at Level 3 or 4 and the analyst's entries),
//! the matching tool that finds, for a concern, the councils strong in that measure or area, and
//! the balance of officer and member days given and received, so that a disproportionate ask
//! is visible.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

/// A council's strength in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strength {
    pub council: String,
    /// What it is strong in: a measure's code and title, a theme's criterion, an area.
    pub area: String,
    /// Where it comes from: "excellence flag", "self-assessment (Level 4)", "the analyst".
    pub source: String,
    /// A measure's code, when the strength is a measure's.
    pub measure: Option<String>,
    pub contact: String,
}

/// The strengths that answer a concern: a measure's code (`2B1`, `2B(1)`) matches its
/// strengths exactly; words match every strength whose area holds them all (case ignored).
pub fn matches<'a>(directory: &'a [Strength], concern: &str) -> Vec<&'a Strength> {
    let concern = concern.trim();
    if concern.is_empty() {
        return Vec::new();
    }
    let code: Option<String> = concern
        .parse::<crate::domain::MeasureCode>()
        .ok()
        .map(|c| c.as_str().to_string());
    let words: Vec<String> = concern
        .to_lowercase()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    directory
        .iter()
        .filter(|s| {
            let by_code = code.is_some() && s.measure == code;
            let area = s.area.to_lowercase();
            by_code || words.iter().all(|w| area.contains(w.as_str()))
        })
        .collect()
}

/// A council's officer and member days given and received.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Balance {
    pub given: Decimal,
    pub received: Decimal,
    /// Given more than twice the region's average: asked disproportionately (MoU 2.1 g).
    pub disproportionate: bool,
}

/// Each council's balance from (giver, receiver, days), over the region's `councils`.
pub fn balances(
    councils: &[String],
    contributions: &[(String, String, Decimal)],
) -> BTreeMap<String, Balance> {
    let mut out: BTreeMap<String, Balance> = councils
        .iter()
        .map(|c| (c.clone(), Balance::default()))
        .collect();
    for (giver, receiver, days) in contributions {
        out.entry(giver.clone()).or_default().given += *days;
        out.entry(receiver.clone()).or_default().received += *days;
    }
    let total: Decimal = out.values().map(|b| b.given).sum();
    let count = Decimal::from(out.len().max(1));
    let average = total / count;
    for b in out.values_mut() {
        b.disproportionate = b.given > Decimal::TWO * average && b.given > Decimal::ZERO;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strength(council: &str, area: &str, measure: Option<&str>) -> Strength {
        Strength {
            council: council.into(),
            area: area.into(),
            source: "excellence flag".into(),
            measure: measure.map(str::to_string),
            contact: String::new(),
        }
    }

    #[test]
    fn a_concern_finds_the_councils_strong_in_it() {
        let directory = [
            strength(
                "A",
                "2B1 Older people at home 91 days after reablement",
                Some("2B1"),
            ),
            strength("B", "Making safeguarding personal", None),
            strength("C", "Safeguarding adults reviews", None),
        ];
        let by_code: Vec<&str> = matches(&directory, "2B(1)")
            .iter()
            .map(|s| s.council.as_str())
            .collect();
        assert_eq!(by_code, ["A"]);
        let by_words: Vec<&str> = matches(&directory, "safeguarding")
            .iter()
            .map(|s| s.council.as_str())
            .collect();
        assert_eq!(by_words, ["B", "C"]);
        assert_eq!(matches(&directory, "safeguarding personal").len(), 1);
        assert!(matches(&directory, "  ").is_empty());
    }

    #[test]
    fn a_council_asked_far_more_than_the_rest_is_flagged() {
        let councils: Vec<String> = ["A", "B", "C", "D"].map(String::from).to_vec();
        let d = Decimal::from;
        let given = [
            ("A".to_string(), "B".to_string(), d(6)),
            ("A".to_string(), "C".to_string(), d(4)),
            ("B".to_string(), "D".to_string(), d(2)),
        ];
        let b = balances(&councils, &given);
        // 12 days over 4 councils: an average of 3; A gave 10.
        assert_eq!(b["A"].given, d(10));
        assert!(b["A"].disproportionate);
        assert!(!b["B"].disproportionate);
        assert_eq!(b["D"].received, d(2));
    }
}
