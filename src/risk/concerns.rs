//! One graded concern per council and measure, from the trigger rules' findings. Pure.
//!
//! The rules of `risk::triggers` each look at one thing, so one weak measure used to fire
//! three times. Here every measure trigger that fired for a council (`significantly-worse`,
//! `worse-and-worsening`, `funnel-outlier`, `admissions-rising`, `unit-cost-change`,
//! `workforce`) and the council's standing against its CIPFA neighbours and the region
//! (`worse-than-neighbours`, `worse-than-region`, at 99.8%) become the *reasons* of one concern,
//! graded by [`points`]:
//!
//! - `significantly-worse` counts 2, every other reason 1;
//! - persistence: +1 for each of the two years before in which the concern also held;
//! - 5 points or more is **high**, 3–4 **medium**, 1–2 **low** (so `significantly-worse`
//!   alone is low; high needs several reasons, or reasons that persist);
//! - a significant improvement (direction of travel at 95%, or an improving trend at 99.8%)
//!   lowers the grade one step, and the concern says so;
//! - a pattern most of the region shares (a trigger firing for more than half of its councils
//!   for one measure) is reported once as a regional concern; it counts nothing in a council's
//!   grade, and the council's entry says "as most of the region";
//! - a value the data-quality screen queries is no concern until the analyst clears it.
//!
//! The numbers above are [`Scoring`]'s defaults; the analyst edits them, and every version is
//! kept (`db::queries::risk::scoring`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::domain::Period;
use crate::risk::triggers::{self, Evaluation};

pub const WORSE_THAN_NEIGHBOURS: &str = "worse-than-neighbours";
pub const WORSE_THAN_REGION: &str = "worse-than-region";

/// How serious a concern is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Low,
    Medium,
    High,
}

impl Grade {
    pub fn label(self) -> &'static str {
        match self {
            Grade::High => "High",
            Grade::Medium => "Medium",
            Grade::Low => "Low",
        }
    }

    /// The grade's weight in a council's score.
    pub fn weight(self, s: &Scoring) -> f64 {
        match self {
            Grade::High => s.high_weight,
            Grade::Medium => s.medium_weight,
            Grade::Low => s.low_weight,
        }
    }

    fn of(points: u32, s: &Scoring) -> Grade {
        if points >= s.high_from {
            Grade::High
        } else if points >= s.medium_from {
            Grade::Medium
        } else {
            Grade::Low
        }
    }

    fn lower(self) -> Grade {
        match self {
            Grade::High => Grade::Medium,
            _ => Grade::Low,
        }
    }
}

/// How concerns are graded and councils scored: the analyst's to edit, every version kept.
/// A key no rule knows, or a value of the wrong kind, is an error.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scoring {
    /// Points for `significantly-worse`.
    pub significantly_worse_points: u32,
    /// Points for every other reason.
    pub other_points: u32,
    /// The fewest points of a medium concern, and of a high one.
    pub medium_from: u32,
    pub high_from: u32,
    /// Each grade's weight in a council's score.
    pub high_weight: f64,
    pub medium_weight: f64,
    pub low_weight: f64,
    /// A pattern is the region's when one trigger fires for one measure in more than this
    /// share of its councils.
    pub regional_share: f64,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            significantly_worse_points: 2,
            other_points: 1,
            medium_from: 3,
            high_from: 5,
            high_weight: 3.0,
            medium_weight: 2.0,
            low_weight: 1.0,
            regional_share: 0.5,
        }
    }
}

impl Scoring {
    /// The parameters from their stored form; what makes no sense is an error naming the key.
    pub fn from_json(stored: &serde_json::Value) -> Result<Scoring, String> {
        let s: Scoring = serde_json::from_value(stored.clone()).map_err(|e| e.to_string())?;
        s.check()?;
        Ok(s)
    }

    /// Whether the parameters make sense together.
    pub fn check(&self) -> Result<(), String> {
        if self.medium_from == 0 || self.high_from <= self.medium_from {
            return Err(format!(
                "medium_from ({}) must be at least 1 and below high_from ({})",
                self.medium_from, self.high_from
            ));
        }
        let weights = [self.high_weight, self.medium_weight, self.low_weight];
        if weights
            .iter()
            .any(|w| !w.is_finite() || *w < 0.0 || *w > 100.0)
            || self.high_weight < self.medium_weight
            || self.medium_weight < self.low_weight
        {
            return Err(
                "the grade weights must be between 0 and 100, high ≥ medium ≥ low".to_string(),
            );
        }
        if !(self.regional_share > 0.0 && self.regional_share < 1.0) {
            return Err(format!(
                "regional_share ({}) must be between 0 and 1",
                self.regional_share
            ));
        }
        if self.significantly_worse_points > 20 || self.other_points > 20 {
            return Err("a reason's points must be 20 or fewer".to_string());
        }
        Ok(())
    }

    /// The grading and the score in words, for the pages that show them.
    pub fn explained(&self) -> String {
        format!(
            "significantly-worse counts {} point{}, every other reason {}; +1 for each of the two years before in which the concern held; {} points or more is high, {} or more medium, fewer low; a significant improvement lowers the grade one step; a council's score is the sum over its concerns of the measure's strategic weight × the grade's weight (high {}, medium {}, low {}) × the years it held of the last three; a pattern in more than {:.0}% of the region's councils is the region's and counts nothing",
            self.significantly_worse_points,
            if self.significantly_worse_points == 1 {
                ""
            } else {
                "s"
            },
            self.other_points,
            self.high_from,
            self.medium_from,
            self.high_weight,
            self.medium_weight,
            self.low_weight,
            self.regional_share * 100.0
        )
    }
}

/// A value of the council and England's in one year, for a concern's evidence.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct YearValue {
    #[schema(value_type = String, example = "2016-17")]
    pub period: Period,
    pub value: Option<f64>,
    pub england: Option<f64>,
}

/// One council's concern about one measure.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Concern {
    pub council: String,
    pub measure: String,
    pub grade: Grade,
    /// The trigger ids (and comparator standings) that made it, in a fixed order.
    pub reasons: Vec<String>,
    /// In how many of the last three years it held (this one included).
    pub years: u8,
    /// Whether its reasons are shared by most of the region.
    pub regional: bool,
    /// A significant improvement lowered its grade.
    pub improving: bool,
    /// Its own points (reasons not shared by most of the region, and persistence).
    pub points: u32,
    /// The grade in words, with its points.
    pub rule: String,
    /// The council has responded to it (a response linked to the measure in the year's
    /// assessment): explained, as against unexplained.
    pub explained: bool,
}

/// A pattern most of the region shares: reported once.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegionalConcern {
    pub measure: String,
    pub trigger: String,
    pub councils: usize,
    pub of: usize,
}

/// What grading looks at.
pub struct Grading<'a> {
    /// Every trigger evaluated at the period.
    pub now: &'a [Evaluation],
    /// The same for the years before, newest first (two are used).
    pub earlier: &'a [Vec<Evaluation>],
    /// The region's councils.
    pub councils: &'a [String],
    /// (council, measure) worse than the council's CIPFA neighbours, and than the region, at 99.8%.
    pub worse_than_neighbours: &'a HashSet<(String, String)>,
    pub worse_than_region: &'a HashSet<(String, String)>,
    /// (council, measure) significantly improving.
    pub improving: &'a HashSet<(String, String)>,
    /// (council, measure) with an open data-quality query.
    pub queried: &'a HashSet<(String, String)>,
    /// (council, measure) the council has responded to.
    pub responded: &'a HashSet<(String, String)>,
    pub scoring: &'a Scoring,
}

/// The measure triggers whose firing is a concern (not excellence, not council-wide).
fn concern_triggers(list: &[Evaluation]) -> impl Iterator<Item = (&str, &str, &'static str)> {
    list.iter()
        .filter(|e| e.fired && !e.excellence)
        .filter_map(|e| Some((e.council.as_str(), e.measure.as_deref()?, e.trigger)))
}

/// A concern's points before persistence and improvement.
pub fn points(reasons: &[&str], s: &Scoring) -> u32 {
    reasons
        .iter()
        .map(|r| {
            if *r == triggers::SIGNIFICANTLY_WORSE {
                s.significantly_worse_points
            } else {
                s.other_points
            }
        })
        .sum()
}

/// The patterns most of the region shares: a trigger firing for one measure in more than the
/// scoring's share of the region's councils.
fn regional_patterns(g: &Grading<'_>) -> Vec<RegionalConcern> {
    let in_region: HashSet<&str> = g.councils.iter().map(String::as_str).collect();
    // (measure, trigger) → councils it fired for.
    let mut spread: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (council, measure, trigger) in concern_triggers(g.now) {
        if in_region.contains(council) {
            *spread.entry((measure, trigger)).or_default() += 1;
        }
    }
    spread
        .iter()
        .filter(|(_, n)| **n as f64 > g.scoring.regional_share * g.councils.len() as f64)
        .map(|((measure, trigger), n)| RegionalConcern {
            measure: (*measure).to_string(),
            trigger: (*trigger).to_string(),
            councils: *n,
            of: g.councils.len(),
        })
        .collect()
}

/// (council, measure) → the reasons found now: the triggers that fired and the standings.
fn reasons_now<'a>(g: &Grading<'a>) -> BTreeMap<(String, String), BTreeSet<&'a str>> {
    let mut found: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
    for (council, measure, trigger) in concern_triggers(g.now) {
        found
            .entry((council.to_string(), measure.to_string()))
            .or_default()
            .insert(trigger);
    }
    for (standing, reason) in [
        (g.worse_than_neighbours, WORSE_THAN_NEIGHBOURS),
        (g.worse_than_region, WORSE_THAN_REGION),
    ] {
        for key in standing {
            found.entry(key.clone()).or_default().insert(reason);
        }
    }
    found
}

/// A concern's grading rule in words.
fn rule_words(
    base: u32,
    persistence: u32,
    years: usize,
    improving: bool,
    shared: &[&str],
) -> String {
    let mut rule = format!(
        "{} point{} from its reasons{}{}",
        base,
        if base == 1 { "" } else { "s" },
        if persistence > 0 {
            format!(", {persistence} for holding in {years} of the last three years")
        } else {
            String::new()
        },
        if improving {
            "; one grade lower for a significant improvement"
        } else {
            ""
        }
    );
    if !shared.is_empty() {
        rule.push_str(&format!("; {} as most of the region", shared.join(", ")));
    }
    rule
}

/// The concerns of every council of the region, and the patterns the region shares.
pub fn grade(g: &Grading<'_>) -> (Vec<Concern>, Vec<RegionalConcern>) {
    let regional = regional_patterns(g);
    let is_regional = |measure: &str, trigger: &str| {
        regional
            .iter()
            .any(|r| r.measure == measure && r.trigger == trigger)
    };
    let held_before: Vec<HashSet<(&str, &str)>> = g
        .earlier
        .iter()
        .take(2)
        .map(|list| {
            concern_triggers(list)
                .filter(|(_, m, t)| !is_regional(m, t))
                .map(|(c, m, _)| (c, m))
                .collect()
        })
        .collect();
    let mut concerns = Vec::new();
    for ((council, measure), reasons) in reasons_now(g) {
        let key = (council.clone(), measure.clone());
        if g.queried.contains(&key) {
            continue;
        }
        let (shared, own): (Vec<&str>, Vec<&str>) =
            reasons.iter().partition(|r| is_regional(&measure, r));
        let years = 1 + held_before
            .iter()
            .filter(|set| set.contains(&(council.as_str(), measure.as_str())))
            .count();
        let base = points(&own, g.scoring);
        let persistence = if own.is_empty() { 0 } else { years as u32 - 1 };
        let improving = g.improving.contains(&key);
        let mut grade = Grade::of(base + persistence, g.scoring);
        if improving {
            grade = grade.lower();
        }
        concerns.push(Concern {
            explained: g.responded.contains(&key),
            rule: rule_words(base, persistence, years, improving, &shared),
            council,
            measure,
            grade,
            reasons: reasons.iter().map(|r| (*r).to_string()).collect(),
            years: u8::try_from(years).unwrap_or(3),
            regional: !shared.is_empty(),
            improving,
            points: base + persistence,
        });
    }
    (concerns, regional)
}

/// The (council, measure) pairs with a value of which `keep` holds: the standings grading reads
/// (worse than the neighbours or the region, improving).
pub fn pairs(
    analysed: &[crate::analysis::scorecard::Analysed],
    keep: impl Fn(&crate::analysis::measure::CouncilResult) -> bool,
) -> HashSet<(String, String)> {
    analysed
        .iter()
        .flat_map(|a| {
            a.analysis
                .councils
                .iter()
                .filter(|c| c.value.is_some() && keep(c))
                .map(|c| (c.code.clone(), a.measure.clone()))
        })
        .collect()
}

/// A council's and England's values of a measure over the five years up to `period`, oldest
/// first.
pub fn history(
    inputs: &crate::analysis::scorecard::Inputs,
    council: &str,
    measure: &str,
    period: Period,
) -> Vec<YearValue> {
    use rust_decimal::prelude::ToPrimitive;
    let england = inputs.groups.england.published_area.as_deref();
    let value_of = |area: Option<&str>, p: Period| {
        let area = area?;
        inputs
            .values
            .iter()
            .find(|s| s.measure == measure && s.area == area && s.period == p)
            .and_then(|s| s.value.value)
            .and_then(|d| d.to_f64())
    };
    let mut years = Vec::new();
    let mut p = period;
    for _ in 0..5 {
        years.push(YearValue {
            period: p,
            value: value_of(Some(council), p),
            england: value_of(england, p),
        });
        p = p.previous();
    }
    years.reverse();
    years
}

/// A council's score: the sum over its concerns of the measure's strategic weight × the
/// grade's weight ([`Scoring`]) × the years it held. Concerns that are only the region's
/// pattern count nothing.
pub fn score(
    concerns: &[Concern],
    council: &str,
    weights: &HashMap<String, i16>,
    s: &Scoring,
) -> f64 {
    concerns
        .iter()
        .filter(|c| c.council == council)
        .filter(|c| c.points > 0)
        .map(|c| {
            f64::from(weights.get(&c.measure).copied().unwrap_or(1))
                * c.grade.weight(s)
                * f64::from(c.years)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::triggers::Evidence;

    fn fired(trigger: &'static str, council: &str, measure: &str) -> Evaluation {
        Evaluation {
            trigger,
            council: council.into(),
            measure: Some(measure.into()),
            fired: true,
            excellence: false,
            evidence: Evidence::default(),
        }
    }

    fn councils(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("E0800{i:04}")).collect()
    }

    struct Case {
        now: Vec<Evaluation>,
        earlier: Vec<Vec<Evaluation>>,
        neighbours: HashSet<(String, String)>,
        improving: HashSet<(String, String)>,
        queried: HashSet<(String, String)>,
        responded: HashSet<(String, String)>,
        scoring: Scoring,
    }

    impl Case {
        fn new(now: Vec<Evaluation>) -> Case {
            Case {
                now,
                earlier: Vec::new(),
                neighbours: HashSet::new(),
                improving: HashSet::new(),
                queried: HashSet::new(),
                responded: HashSet::new(),
                scoring: Scoring::default(),
            }
        }

        fn grade(&self, region: &[String]) -> (Vec<Concern>, Vec<RegionalConcern>) {
            grade(&Grading {
                now: &self.now,
                earlier: &self.earlier,
                councils: region,
                worse_than_neighbours: &self.neighbours,
                worse_than_region: &HashSet::new(),
                improving: &self.improving,
                queried: &self.queried,
                responded: &self.responded,
                scoring: &self.scoring,
            })
        }
    }

    fn key(c: &str, m: &str) -> (String, String) {
        (c.into(), m.into())
    }

    #[test]
    fn three_firings_of_one_measure_are_one_concern_graded_by_its_reasons() {
        let region = councils(10);
        let a = &region[0];
        let case = Case::new(vec![
            fired(triggers::SIGNIFICANTLY_WORSE, a, "1C2A"),
            fired(triggers::FUNNEL_OUTLIER, a, "1C2A"),
            fired(triggers::WORSE_AND_WORSENING, a, "1C2A"),
            fired(triggers::FUNNEL_OUTLIER, &region[1], "1C2A"),
            fired(triggers::WORSE_AND_WORSENING, &region[2], "2A1"),
            fired(triggers::FUNNEL_OUTLIER, &region[2], "2A1"),
            fired(triggers::FUNNEL_OUTLIER, &region[2], "2A1"),
        ]);
        let (concerns, regional) = case.grade(&region);
        assert!(regional.is_empty());
        assert_eq!(concerns.len(), 3);
        let of = |c: &str, m: &str| {
            concerns
                .iter()
                .find(|x| x.council == c && x.measure == m)
                .unwrap()
        };
        let first = of(a, "1C2A");
        assert_eq!(first.grade, Grade::Medium, "2 + 1 + 1 = 4 points");
        assert_eq!(
            first.reasons,
            vec![
                "funnel-outlier",
                "significantly-worse",
                "worse-and-worsening"
            ]
        );
        assert_eq!(of(&region[1], "1C2A").grade, Grade::Low, "1 point");
        assert_eq!(of(&region[2], "2A1").grade, Grade::Low, "2 points");
    }

    #[test]
    fn persistence_raises_a_grade_and_an_improvement_lowers_it() {
        let region = councils(10);
        let a = &region[0];
        let mut case = Case::new(vec![fired(triggers::FUNNEL_OUTLIER, a, "2A2")]);
        assert_eq!(case.grade(&region).0[0].grade, Grade::Low);
        case.earlier = vec![
            vec![fired(triggers::SIGNIFICANTLY_WORSE, a, "2A2")],
            vec![fired(triggers::FUNNEL_OUTLIER, a, "2A2")],
        ];
        let c = &case.grade(&region).0[0];
        assert_eq!(
            (c.years, c.grade),
            (3, Grade::Medium),
            "1 + 2 for three years"
        );
        assert!(
            c.rule.contains("holding in 3 of the last three years"),
            "{}",
            c.rule
        );
        case.neighbours.insert(key(a, "2A2"));
        assert_eq!(case.grade(&region).0[0].grade, Grade::Medium, "2 + 2");
        case.now
            .push(fired(triggers::SIGNIFICANTLY_WORSE, a, "2A2"));
        assert_eq!(case.grade(&region).0[0].grade, Grade::High, "4 + 2");
        case.improving.insert(key(a, "2A2"));
        let c = &case.grade(&region).0[0];
        assert_eq!(c.grade, Grade::Medium);
        assert!(c.improving && c.rule.contains("significant improvement"));
    }

    #[test]
    fn a_pattern_of_most_of_the_region_is_reported_once() {
        let region = councils(23);
        let mut now: Vec<Evaluation> = region[..12]
            .iter()
            .map(|c| fired(triggers::FUNNEL_OUTLIER, c, "2A2"))
            .collect();
        now.push(fired(triggers::SIGNIFICANTLY_WORSE, &region[0], "2A2"));
        let (concerns, regional) = Case::new(now).grade(&region);
        assert_eq!(
            regional,
            vec![RegionalConcern {
                measure: "2A2".into(),
                trigger: "funnel-outlier".into(),
                councils: 12,
                of: 23
            }]
        );
        let first = concerns.iter().find(|c| c.council == region[0]).unwrap();
        assert!(first.regional);
        assert_eq!(first.grade, Grade::Low, "its own reason only: 2 points");
        assert!(first.rule.contains("funnel-outlier as most of the region"));
        let other = concerns.iter().find(|c| c.council == region[5]).unwrap();
        assert_eq!((other.grade, other.regional), (Grade::Low, true));
        let weights = HashMap::from([("2A2".to_string(), 3)]);
        assert_eq!(
            score(&concerns, &region[5], &weights, &Scoring::default()),
            0.0,
            "the region's pattern only"
        );
        assert_eq!(
            score(&concerns, &region[0], &weights, &Scoring::default()),
            3.0 * 1.0
        );
    }

    #[test]
    fn a_concern_the_council_responded_to_is_explained() {
        let region = councils(10);
        let mut case = Case::new(vec![
            fired(triggers::SIGNIFICANTLY_WORSE, &region[0], "1C1A"),
            fired(triggers::SIGNIFICANTLY_WORSE, &region[0], "2A1"),
        ]);
        case.responded.insert(key(&region[0], "2A1"));
        case.responded.insert(key(&region[1], "1C1A"));
        let explained: Vec<(String, bool)> = case
            .grade(&region)
            .0
            .into_iter()
            .map(|c| (c.measure, c.explained))
            .collect();
        assert_eq!(
            explained,
            vec![("1C1A".to_string(), false), ("2A1".to_string(), true)],
            "another council's response explains nothing here"
        );
    }

    #[test]
    fn a_queried_value_is_no_concern() {
        let region = councils(10);
        let mut case = Case::new(vec![fired(
            triggers::SIGNIFICANTLY_WORSE,
            &region[0],
            "1C1A",
        )]);
        case.queried.insert(key(&region[0], "1C1A"));
        assert!(case.grade(&region).0.is_empty());
    }

    #[test]
    fn the_analysts_scoring_changes_grades_scores_and_the_regional_rule() {
        let region = councils(10);
        let a = &region[0];
        let mut case = Case::new(vec![
            fired(triggers::SIGNIFICANTLY_WORSE, a, "1C2A"),
            fired(triggers::FUNNEL_OUTLIER, a, "1C2A"),
        ]);
        // Default: 2 + 1 = 3, medium.
        let concerns = case.grade(&region).0;
        assert_eq!(concerns[0].grade, Grade::Medium);
        let weights = HashMap::from([("1C2A".to_string(), 2)]);
        assert_eq!(score(&concerns, a, &weights, &case.scoring), 2.0 * 2.0);
        case.scoring = Scoring {
            significantly_worse_points: 4,
            high_from: 5,
            high_weight: 10.0,
            ..Scoring::default()
        };
        let concerns = case.grade(&region).0;
        assert_eq!(concerns[0].grade, Grade::High, "4 + 1 = 5");
        assert_eq!(score(&concerns, a, &weights, &case.scoring), 2.0 * 10.0);
        // Two of ten councils: regional once the share is below a fifth.
        case.now
            .push(fired(triggers::FUNNEL_OUTLIER, &region[1], "1C2A"));
        assert!(case.grade(&region).1.is_empty());
        case.scoring.regional_share = 0.15;
        let (concerns, regional) = case.grade(&region);
        assert_eq!(regional.len(), 1);
        assert!(concerns.iter().all(|c| c.regional));
    }

    #[test]
    fn scoring_that_makes_no_sense_is_refused_with_its_key() {
        assert_eq!(
            Scoring::from_json(&serde_json::json!({})),
            Ok(Scoring::default())
        );
        let e = Scoring::from_json(&serde_json::json!({"medium_from": 6})).unwrap_err();
        assert!(e.contains("medium_from"), "{e}");
        let e = Scoring::from_json(&serde_json::json!({"regional_share": 1.5})).unwrap_err();
        assert!(e.contains("regional_share"), "{e}");
        let e = Scoring::from_json(&serde_json::json!({"low_weight": 9})).unwrap_err();
        assert!(e.contains("weights"), "{e}");
        let e = Scoring::from_json(&serde_json::json!({"hihg_from": 4})).unwrap_err();
        assert!(e.contains("hihg_from"), "{e}");
        assert!(Scoring::default().explained().contains("more than 50%"));
    }
}
