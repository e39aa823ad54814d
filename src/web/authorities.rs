//! `GET /authorities/{ons_code}`: one council's balanced scorecard: each measure with its value
//! and interval, earlier values, England and the region, comparison, direction of travel, trend
//! and RAG, with the RAG summary overall and per domain.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::extract::{Params, Path};
use super::layout::{AnalysisQuery, Layout, PeriodOption};
use super::session::Visitor;
use super::values::{
    Choice, CouncilAnalysis, StoredIndex, benchmark_text, comparator_choices, council_analysis,
    interval_text, region_name, stored_index, stored_text,
};
use super::{AppError, AppState};
use crate::analysis::comparison::Comparison;
use crate::analysis::intervals::Level;
use crate::analysis::measure::{CouncilResult, Value};
use crate::analysis::rag::{Rag, RagRule, Summary};
use crate::analysis::scorecard::{Analysed, Inputs, council_results};
use crate::analysis::trend::{Direction, Trend};
use crate::charts::sparkline::{Sparkline, sparkline};
use crate::charts::spine::{Spine, spine};
use crate::db::queries::{measures, observations};
use crate::domain::{Authority, Measure, OnsCode, Period};
use rust_decimal::prelude::ToPrimitive;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/authorities/{ons_code}", get(show))
}

/// How many earlier values to show beside the latest (at least three points in all).
const EARLIER_VALUES: usize = 3;

pub(super) struct PastValue {
    pub period: String,
    pub value: String,
}

pub(super) struct CouncilRow {
    pub code: String,
    pub display_code: String,
    pub title: String,
    pub period: String,
    pub value: String,
    pub interval: String,
    pub england: String,
    pub region: String,
    pub comparison: Comparison,
    pub direction: Direction,
    pub trend: Trend,
    pub rag: Rag,
    pub rag_rule: String,
    pub earlier: Vec<PastValue>,
    /// "Revised: was 598.7 in revision 1" when a later revision replaced the value.
    pub revised: Option<String>,
    pub sparkline: Option<Sparkline>,
    pub spine: Option<Spine>,
    pub spine_text: String,
    /// The measure's strategic weight (1 to 3).
    pub weight: i16,
}

/// One domain of the council's page: its rows and their RAG summary.
pub(super) struct CouncilDomain {
    pub slug: String,
    pub name: String,
    pub rows: Vec<CouncilRow>,
    pub summary: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "authorities/show.html")]
struct CouncilPage {
    layout: Layout,
    /// The query string for this page's CSV and JSON: the same period, comparator and level.
    same_analysis: String,
    authority: Authority,
    region: String,
    period: String,
    periods: Vec<PeriodOption>,
    comparators: Vec<Choice>,
    comparator: &'static str,
    summary: String,
    domains: Vec<CouncilDomain>,
    /// Whether the visitor sees the council's unpublished values (its own users, the analyst).
    internal: bool,
    arrangements: Vec<Choice>,
    high_red: bool,
    /// The analyst's regional facts about the council, and the kinds the analyst's form offers.
    facts: Vec<super::facts::FactRow>,
    fact_kinds: Vec<Choice>,
    cqc_ratings: Vec<Choice>,
    /// The council's improvement themes, for its users and the analyst.
    improvement: Option<Vec<super::improvement::ThemeRow>>,
    /// Its CIPFA nearest neighbours ("similar councils"), by code and name.
    neighbours: Vec<(String, String)>,
    /// Where it is: the region with the council highlighted (and its neighbours outlined when
    /// they are the comparator).
    locator: Option<crate::maps::choropleth::Map>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Params(query): Params<AnalysisQuery>,
) -> Result<CouncilPage, AppError> {
    let CouncilAnalysis {
        authority,
        scope,
        period,
        periods,
        comparator,
        level,
        analysis,
    } = council_analysis(&state, &visitor.viewer, &code, &query).await?;
    let view = scope.view();
    let region = region_name(&state).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let superseded =
        observations::superseded(&state.pool, view, &authority.ons_code, period).await?;
    let council = Council::new(&analysis.inputs, &authority.ons_code, &superseded);
    let arrangement = Arrangement::parse(query.arrange.as_deref())?;
    let high_red = query.filter.as_deref() == Some("high-red");
    let domains = council_domains(
        &catalogue,
        &analysis.analysed,
        &council,
        level,
        arrangement,
        high_red,
    );
    let summary = Summary::of(domains.iter().flat_map(|d| d.rows.iter().map(|r| r.rag))).sentence();
    let layout = Layout::new(&state, &visitor, format!("{}, {period}", authority.name))
        .await?
        .showing(analysis.inputs.illustrative());
    Ok(CouncilPage {
        same_analysis: super::layout::same_analysis(period, comparator, level),
        layout,
        authority,
        region,
        period: period.to_string(),
        periods,
        comparators: comparator_choices(comparator),
        comparator: comparator.label(),
        summary,
        domains,
        internal: view == crate::domain::access::DataView::Internal,
        arrangements: Arrangement::ALL
            .iter()
            .map(|(a, param, label)| Choice {
                value: (*param).to_string(),
                label: (*label).to_string(),
                selected: *a == arrangement,
            })
            .collect(),
        high_red,
        facts: super::facts::rows(&state, code.as_str()).await?,
        fact_kinds: super::facts::kinds(),
        cqc_ratings: super::cqc::ratings(),
        improvement: super::improvement::rows(&state, &visitor, code.as_str()).await?,
        locator: locator(&analysis.inputs, code.as_str(), comparator),
        neighbours: neighbours_of(&state, &analysis.inputs, code.as_str()).await?,
    })
}

/// The council's locator map (pure).
fn locator(
    inputs: &Inputs,
    council: &str,
    comparator: crate::analysis::measure::ComparatorKind,
) -> Option<crate::maps::choropleth::Map> {
    let neighbours = match comparator {
        crate::analysis::measure::ComparatorKind::Neighbours => inputs
            .groups
            .neighbours_of
            .get(council)
            .map(|g| g.members.clone())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    crate::maps::choropleth::locator(&inputs.councils, council, &neighbours).map(|mut m| {
        m.title = "Where the council is".into();
        m.description = "The region's councils with this council highlighted; with CIPFA neighbours as the comparator, its neighbours are outlined. Each council links to its page.".into();
        m
    })
}

/// A council's CIPFA nearest neighbours in the period, named.
pub(super) async fn neighbours_of(
    state: &AppState,
    inputs: &Inputs,
    council: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let names = super::values::council_names(state).await?;
    Ok(inputs
        .groups
        .neighbours_of
        .get(council)
        .map(|g| {
            g.members
                .iter()
                .map(|c| {
                    (
                        c.clone(),
                        names.get(c).cloned().unwrap_or_else(|| c.clone()),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

/// A value of the council that a later revision replaced.
pub(super) type Superseded = crate::db::queries::observations::Replaced;

/// What the rows of one council's page are built from: the period's inputs indexed, the
/// council's periods with values, and its superseded values.
pub(super) struct Council<'a> {
    pub code: &'a str,
    inputs: &'a Inputs,
    stored: StoredIndex<'a>,
    /// (measure, period) of the council's values, oldest first.
    history: Vec<(&'a str, Period)>,
    superseded: &'a [Superseded],
}

impl<'a> Council<'a> {
    pub(super) fn new(
        inputs: &'a Inputs,
        code: &'a str,
        superseded: &'a [Superseded],
    ) -> Council<'a> {
        let mut history: Vec<(&str, Period)> = inputs
            .values
            .iter()
            .filter(|s| s.area == code && s.value.value.is_some())
            .map(|s| (s.measure.as_str(), s.period))
            .collect();
        history.sort_by_key(|(_, p)| p.sort_key());
        Council {
            code,
            inputs,
            stored: stored_index(inputs),
            history,
            superseded,
        }
    }

    fn stored(&self, measure: &str, area: &str, period: Period) -> Option<&'a Value> {
        self.stored.get(&(measure, area, period)).copied()
    }

    /// The council's periods of the same kind as `latest` (years or quarters) for a measure,
    /// up to `latest` (or before it).
    fn periods_of(&self, measure: &str, latest: Period, inclusive: bool) -> Vec<Period> {
        self.history
            .iter()
            .filter(|(code, p)| {
                *code == measure
                    && p.is_quarter() == latest.is_quarter()
                    && (p.sort_key() < latest.sort_key() || (inclusive && *p == latest))
            })
            .map(|(_, p)| *p)
            .collect()
    }
}

/// How the council page groups its measures: by risk domain, by type (the balanced scorecard's
/// blocks: outcome, output, people, financial) or by TEASC section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Arrangement {
    #[default]
    Domain,
    Type,
    Teasc,
}

impl Arrangement {
    pub(super) const ALL: [(Arrangement, &'static str, &'static str); 3] = [
        (Arrangement::Domain, "domain", "Risk domain"),
        (Arrangement::Type, "type", "Type (balanced scorecard)"),
        (Arrangement::Teasc, "teasc", "TEASC section"),
    ];

    pub(super) fn parse(text: Option<&str>) -> Result<Arrangement, AppError> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(Arrangement::Domain),
            Some(t) => Arrangement::ALL
                .iter()
                .find(|(_, param, _)| *param == t)
                .map(|(a, _, _)| *a)
                .ok_or_else(|| {
                    AppError::bad_request("arrange", format!("'{t}' is not domain, type or teasc"))
                }),
        }
    }

    /// The block a measure belongs to: its key (for order) and its name.
    fn block(self, m: &Measure) -> (i32, String, String) {
        match self {
            Arrangement::Domain => (
                i32::from(m.domain_position),
                m.domain_slug.clone(),
                m.domain_name.clone(),
            ),
            Arrangement::Type => {
                let (order, name) = TYPES
                    .iter()
                    .find(|(t, _, _)| *t == m.measure_type)
                    .map_or((5, "Other measures"), |(_, o, n)| (*o, *n));
                (order, format!("type-{}", m.measure_type), name.to_string())
            }
            Arrangement::Teasc => match (&m.teasc_section_name, m.teasc_position) {
                (Some(name), Some(p)) => (i32::from(p), format!("teasc-{p}"), name.clone()),
                _ => (99, "teasc-none".into(), "Not in the TEASC report".into()),
            },
        }
    }
}

/// The balanced scorecard's four blocks (seed 002): the type, its place and its name. Always
/// shown, an empty one saying so.
const TYPES: [(&str, i32, &str); 4] = [
    ("outcome", 1, "Outcomes"),
    ("output", 2, "Outputs"),
    ("people", 3, "People"),
    ("financial", 4, "Finance"),
];

/// Only the measures of strategic weight 3 or more rated red ("high weight, red").
pub(super) const HIGH_WEIGHT: i16 = 3;

/// The page's blocks (by the arrangement), each with its rows (measures the council has a value
/// for, heaviest first) and its RAG summary; with `high_red`, only heavy red rows. Pure.
pub(super) fn council_domains(
    catalogue: &[Measure],
    analysed: &[Analysed],
    council: &Council<'_>,
    level: Level,
    arrangement: Arrangement,
    high_red: bool,
) -> Vec<CouncilDomain> {
    let mut blocks: Vec<(i32, CouncilDomain)> = Vec::new();
    for (m, a, c) in council_results(catalogue, analysed, council.code) {
        let row = CouncilRow::build(m, a, c, council, level);
        if high_red && !(row.weight >= HIGH_WEIGHT && row.rag == Rag::Red) {
            continue;
        }
        let (order, slug, name) = arrangement.block(m);
        match blocks.iter_mut().find(|(_, b)| b.slug == slug) {
            Some((_, b)) => b.rows.push(row),
            None => blocks.push((
                order,
                CouncilDomain {
                    slug,
                    name,
                    rows: vec![row],
                    summary: String::new(),
                },
            )),
        }
    }
    if arrangement == Arrangement::Type && !high_red {
        for (kind, order, name) in TYPES {
            let slug = format!("type-{kind}");
            if !blocks.iter().any(|(_, b)| b.slug == slug) {
                let summary = "No measures of this type have values yet.".to_string();
                let (name, rows) = (name.to_string(), Vec::new());
                blocks.push((
                    order,
                    CouncilDomain {
                        slug,
                        name,
                        rows,
                        summary,
                    },
                ));
            }
        }
    }
    blocks.sort_by_key(|(order, _)| *order);
    blocks
        .into_iter()
        .map(|(_, mut b)| {
            b.rows.sort_by_key(|r| std::cmp::Reverse(r.weight));
            if !b.rows.is_empty() {
                b.summary = Summary::of(b.rows.iter().map(|r| r.rag)).sentence();
            }
            b
        })
        .collect()
}

impl CouncilRow {
    /// One measure's row for the council, from its result (which has a value).
    pub(super) fn build(
        m: &Measure,
        a: &Analysed,
        c: &CouncilResult,
        council: &Council<'_>,
        level: Level,
    ) -> CouncilRow {
        let earlier: Vec<PastValue> = council
            .periods_of(&m.code, a.period, false)
            .into_iter()
            .map(|p| PastValue {
                period: p.to_string(),
                value: stored_text(m, council.stored(&m.code, council.code, p)),
            })
            .collect();
        let skip = earlier.len().saturating_sub(EARLIER_VALUES);
        let series: Vec<(f64, String)> = council
            .periods_of(&m.code, a.period, true)
            .into_iter()
            .filter_map(|p| {
                let v = council.stored(&m.code, council.code, p)?.value?;
                Some((v.to_f64()?, format!("{p} {}", m.format(v))))
            })
            .collect();
        let (spine, spine_text) = c
            .value
            .map(|value| council.spine_of(m, a, c, value))
            .unwrap_or_default();
        let current = council.stored(&m.code, council.code, a.period);
        CouncilRow {
            code: m.code.clone(),
            display_code: m.display_code.clone(),
            title: m.title.clone(),
            period: a.period.to_string(),
            value: stored_text(m, current),
            interval: interval_text(m, c, level),
            england: benchmark_text(m, a.analysis.england),
            region: benchmark_text(m, a.analysis.region),
            comparison: c.comparison,
            direction: c.direction_of_travel,
            trend: c.trend,
            rag: c.rag,
            rag_rule: rag_rule_text(m, c),
            earlier: earlier.into_iter().skip(skip).collect(),
            revised: council.revised(m, a.period, current.and_then(|v| v.value)),
            sparkline: sparkline(&series[series.len().saturating_sub(EARLIER_VALUES + 1)..]),
            spine,
            spine_text,
            weight: m.strategic_weight,
        }
    }
}

impl Council<'_> {
    /// The council's value on the spine of England's (or the region's) values, and the spine
    /// in words.
    fn spine_of(
        &self,
        m: &Measure,
        a: &Analysed,
        c: &CouncilResult,
        value: f64,
    ) -> (Option<crate::charts::spine::Spine>, String) {
        let groups = &self.inputs.groups;
        let spread_of = if a.analysis.national {
            &groups.england.members
        } else {
            &groups.region.members
        };
        let spread: Vec<f64> = spread_of
            .iter()
            .filter_map(|other| self.stored(&m.code, other, a.period)?.value?.to_f64())
            .collect();
        let england = a.analysis.england.and_then(|b| b.value.to_f64());
        let region_value = a.analysis.region.and_then(|b| b.value.to_f64());
        let text = format!(
            "{} against the {} range of {} councils ({}), England (line) and the region (diamond); better to the right",
            m.format_f64(value),
            if a.analysis.national {
                "England"
            } else {
                "regional"
            },
            spread.len(),
            c.distance
        );
        (
            spine(value, &spread, england, region_value, m.polarity),
            text,
        )
    }

    /// "Revised on …: was …" when a later revision replaced the council's value.
    fn revised(
        &self,
        m: &Measure,
        period: Period,
        current: Option<rust_decimal::Decimal>,
    ) -> Option<String> {
        self.superseded
            .iter()
            .find(|r| r.measure == m.code && r.period == period && r.value != current)
            .map(|r| {
                let was = r
                    .value
                    .map_or_else(|| "no value".to_string(), |v| m.format(v));
                format!(
                    "Revised on {}: was {was} (revision {})",
                    r.replaced_at.format("%-d %B %Y"),
                    r.revision
                )
            })
    }
}

/// Which rule gave the RAG, and whose target it was.
fn rag_rule_text(m: &Measure, c: &CouncilResult) -> String {
    match (c.rag_rule, c.target) {
        (RagRule::Target, Some(t)) => {
            format!("against {} of {}", t.owner.words(), m.format_f64(t.value))
        }
        (RagRule::Benchmark, _) => "against benchmark".into(),
        _ => String::new(),
    }
}

impl CouncilRow {
    pub(super) fn rag_css(&self) -> &'static str {
        match self.rag {
            Rag::Green => "better",
            Rag::Amber => "similar",
            Rag::Red => "worse",
            Rag::NotRated => "none",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{analysed, inputs, measure, stored};
    use crate::analysis::rag::{Target, TargetOwner};
    use crate::analysis::trend::Tolerance;
    use rust_decimal::Decimal;

    fn row(inputs: &Inputs, superseded: &[Superseded]) -> Option<CouncilRow> {
        let council = Council::new(inputs, "E1", superseded);
        let (catalogue, analysed) = ([measure()], [analysed(inputs)]);
        let (m, a, c) = council_results(&catalogue, &analysed, "E1").next()?;
        Some(CouncilRow::build(m, a, c, &council, Level::P95))
    }

    #[test]
    fn a_row_carries_the_latest_value_its_earlier_values_and_the_regional_spread() {
        let row = row(&inputs(None, false), &[]).unwrap();
        assert_eq!(row.period, "2022-23");
        assert_eq!(row.value, "60.0%");
        let earlier: Vec<(&str, &str)> = row
            .earlier
            .iter()
            .map(|p| (p.period.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(earlier, [("2020-21", "50.0%"), ("2021-22", "55.0%")]);
        assert!(
            row.spine_text
                .starts_with("60.0% against the regional range of 4 councils"),
            "{}",
            row.spine_text
        );
        assert!(row.sparkline.is_some(), "three values draw a sparkline");
        // Without counts there is no interval, so no comparison and no RAG to explain.
        assert_eq!(row.interval, "no confidence interval");
        assert_eq!((row.rag, row.rag_rule.as_str()), (Rag::NotRated, ""));
        assert_eq!(row.revised, None);
    }

    #[test]
    fn a_target_names_its_owner_and_a_revision_what_it_replaced() {
        let target = Target {
            value: 65.0,
            tolerance: Tolerance::Absolute(2.0),
            owner: TargetOwner::Analyst,
        };
        let on = chrono::DateTime::parse_from_rfc3339("2026-11-30T09:00:00Z")
            .unwrap()
            .to_utc();
        let superseded = [Superseded {
            measure: "M1".to_string(),
            period: "2022-23".parse().unwrap(),
            value: Some(Decimal::new(598, 1)),
            revision: 1,
            replaced_at: on,
        }];
        let row = row(&inputs(Some(target), true), &superseded).unwrap();
        assert_eq!(row.rag, Rag::Red, "60.0 is more than 2 below 65");
        assert_eq!(row.rag_rule, "against the region's target of 65.0%");
        assert_eq!(
            row.revised.as_deref(),
            Some("Revised on 30 November 2026: was 59.8% (revision 1)")
        );
        assert!(row.interval.starts_with("95% CI"), "{}", row.interval);
    }

    #[test]
    fn no_row_for_a_council_without_a_value() {
        let mut without = inputs(None, false);
        without.values.retain(|s| s.area != "E1");
        without.values.push(stored("E2", "2021-22", 1, false));
        assert!(row(&without, &[]).is_none());
    }
}
