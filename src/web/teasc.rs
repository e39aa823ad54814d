//! `GET /authorities/{code}/teasc?period=…`: the TEASC benchmarking report of one council for a
//! quarter (or year): the ten sections, every item against the North West, councils of the same
//! type and the CIPFA nearest neighbours side by side, the share of items performing at or above
//! the North West per section, and the items significantly outside the regional average.
//! Laid out for print as the council's quarterly report.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::cache::analysed_for;
use super::extract::{Params, Path};
use super::layout::{Layout, PeriodOption, PeriodQuery, choose_period};
use super::session::Visitor;
use super::values::benchmark_text;
use super::{AppError, AppState};
use crate::analysis::comparison::Comparison;
use crate::analysis::intervals::Level;
use crate::analysis::measure::ComparatorKind;
use crate::analysis::scorecard::Analysed;
use crate::db::queries::measures;
use crate::domain::{Measure, OnsCode};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/authorities/{code}/teasc", get(show))
}

/// The three comparators of the report, in its order.
pub(super) const COMPARATORS: [ComparatorKind; 3] = [
    ComparatorKind::Region,
    ComparatorKind::Type,
    ComparatorKind::Neighbours,
];

/// One comparator's cell: its value and how the council compares with it.
pub(super) struct Against {
    pub benchmark: String,
    pub comparison: Comparison,
}

pub(super) struct Item {
    pub code: String,
    pub title: String,
    pub period: String,
    pub value: String,
    /// The value's interval and its method ("95% CI 57.0% to 63.0% (published margin of
    /// error; 412 people answered)"): what the comparisons' significance rests on.
    pub interval: Option<String>,
    /// This year's comparisons, then the previous year's (same comparators).
    pub against: Vec<Against>,
    pub before: Vec<Against>,
    /// The picture against the North West over the two years ("sustained", "improved", …).
    pub picture: &'static str,
    /// Of particular interest to the Board (seed 003, 3.1.7): self-directed support, direct
    /// payments, safeguarding.
    pub interest: bool,
}

pub(super) struct Section {
    pub name: String,
    pub items: Vec<Item>,
    /// Items compared with the North West, and those significantly better or similar.
    pub compared: usize,
    pub well: usize,
}

impl Section {
    pub(super) fn share(&self) -> String {
        if self.compared == 0 {
            "No item could be compared with the North West".into()
        } else {
            format!(
                "{} of {} items at or above the North West ({}%)",
                self.well,
                self.compared,
                (self.well * 100 + self.compared / 2) / self.compared
            )
        }
    }
}

/// At or above the North West: significantly better, or similar.
fn well(c: Comparison) -> bool {
    matches!(c, Comparison::Better | Comparison::Similar)
}

/// The two years' picture against the North West.
fn picture(now: Comparison, before: Comparison) -> &'static str {
    match (now, before) {
        (Comparison::NotCompared, _) => "",
        (_, Comparison::NotCompared) => "no previous year",
        (n, b) if well(n) && well(b) => "sustained at or above",
        (n, _) if well(n) => "improved to at or above",
        (_, b) if well(b) => "fell below",
        _ => "below both years",
    }
}

/// Whether an item is of the Board's particular interest (3.1.7).
fn of_interest(m: &Measure) -> bool {
    let title = m.title.to_lowercase();
    m.teasc_section_name.as_deref() == Some("Self directed support")
        || title.contains("direct payment")
        || title.contains("safeguard")
}

/// How a council stands against one comparator's analysis of a measure.
fn stands(m: &Measure, all: &[Analysed], council: &str) -> Against {
    let found = all
        .iter()
        .find(|a| a.measure == m.code)
        .and_then(|a| a.analysis.councils.iter().find(|c| c.code == council))
        .filter(|c| c.value.is_some());
    match found {
        Some(c) => Against {
            benchmark: c
                .benchmark
                .map_or_else(|| "–".into(), |b| benchmark_text(m, Some(b))),
            comparison: c.comparison,
        },
        None => Against {
            benchmark: "–".into(),
            comparison: Comparison::NotCompared,
        },
    }
}

/// One item: the council's value (or "no data for" the period) against the three comparators
/// this year and the previous year.
fn item(
    m: &Measure,
    now: [&[Analysed]; 3],
    before: [&[Analysed]; 3],
    council: &str,
    period: &str,
) -> Item {
    let first = now[0].iter().find(|a| a.measure == m.code);
    let result = first.and_then(|a| {
        let c = a.analysis.councils.iter().find(|c| c.code == council)?;
        Some((c, a.analysis.level))
    });
    let value = result.and_then(|(c, _)| c.value);
    let interval = result
        .filter(|(c, _)| c.value.is_some() && c.ci_low.is_some())
        .map(|(c, level)| super::values::interval_text(m, c, level));
    let against: Vec<Against> = now.iter().map(|all| stands(m, all, council)).collect();
    let before: Vec<Against> = before.iter().map(|all| stands(m, all, council)).collect();
    Item {
        code: m.code.clone(),
        title: format!("{} {}", m.display_code, m.title),
        period: first.map_or_else(|| period.to_string(), |a| a.period.to_string()),
        value: value.map_or_else(|| format!("no data for {period}"), |v| m.format_f64(v)),
        interval,
        picture: picture(against[0].comparison, before[0].comparison),
        interest: of_interest(m),
        against,
        before,
    }
}

/// The report's sections, every catalogue item of each in the seed's order whether or not the
/// council has a value, from the three analyses (region, type, neighbours) of the period and
/// of the previous year. Pure.
pub(super) fn sections(
    catalogue: &[Measure],
    now: [&[Analysed]; 3],
    before: [&[Analysed]; 3],
    council: &str,
    period: &str,
) -> Vec<Section> {
    let mut sections: Vec<(i16, Section)> = Vec::new();
    for m in catalogue {
        let (Some(name), Some(position)) = (&m.teasc_section_name, m.teasc_position) else {
            continue;
        };
        let item = item(m, now, before, council, period);
        let index = match sections.iter().position(|(p, _)| *p == position) {
            Some(i) => i,
            None => {
                let name = name.clone();
                let section = Section {
                    name,
                    items: Vec::new(),
                    compared: 0,
                    well: 0,
                };
                sections.push((position, section));
                sections.len() - 1
            }
        };
        let section = &mut sections[index].1;
        let region = item.against[0].comparison;
        if region != Comparison::NotCompared {
            section.compared += 1;
            section.well += usize::from(well(region));
        }
        section.items.push(item);
    }
    sections.sort_by_key(|(p, _)| *p);
    sections.into_iter().map(|(_, s)| s).collect()
}

/// The report's overall picture (seed 003, 3.2.1 and 3.1.7): the share of items at or above the
/// North West, how many of them were so the previous year too, and the share with the Board's
/// items of particular interest counted twice.
pub(super) fn overall(sections: &[Section]) -> String {
    let items: Vec<&Item> = sections
        .iter()
        .flat_map(|s| &s.items)
        .filter(|i| i.against[0].comparison != Comparison::NotCompared)
        .collect();
    if items.is_empty() {
        return "No item could be compared with the North West.".into();
    }
    let percent = |a: usize, b: usize| (a * 100 + b / 2) / b.max(1);
    let at = items
        .iter()
        .filter(|i| well(i.against[0].comparison))
        .count();
    let sustained = items
        .iter()
        .filter(|i| i.picture == "sustained at or above")
        .count();
    let weight = |i: &&Item| if i.interest { 2 } else { 1 };
    let weighted_at: usize = items
        .iter()
        .filter(|i| well(i.against[0].comparison))
        .map(weight)
        .sum();
    let weighted: usize = items.iter().map(weight).sum();
    format!(
        "{at} of {} items at or above the North West ({}%); {sustained} of them also the previous year ({}%). Counting self-directed support, direct payments and safeguarding twice, as the Board's particular interest: {}%.",
        items.len(),
        percent(at, items.len()),
        percent(sustained, items.len()),
        percent(weighted_at, weighted)
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "teasc/show.html")]
struct TeascPage {
    layout: Layout,
    code: String,
    name: String,
    period: String,
    periods: Vec<PeriodOption>,
    sections: Vec<Section>,
    previous: String,
    overall: String,
    /// Items significantly better or worse than the North West: (section, item, comparison).
    outside: Vec<(String, String, Comparison)>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<OnsCode>,
    Params(q): Params<PeriodQuery>,
) -> Result<TeascPage, AppError> {
    let authority = super::values::authority(&state, &code).await?;
    let scope = visitor.viewer.scope_of(&authority.ons_code);
    let view = scope.view();
    let (period, periods) = choose_period(&state.pool, view, &q).await?;
    let catalogue = measures::catalogue(&state.pool).await?;
    // This year's and the previous year's analyses against the three comparators.
    let previous = period.year_earlier();
    let mut analyses = Vec::new();
    for p in [period, previous] {
        for kind in COMPARATORS {
            let outside = Some(authority.ons_code.as_str());
            analyses.push(analysed_for(&state, scope.clone(), p, kind, Level::P95, outside).await?);
        }
    }
    let of = |i: usize| analyses[i].analysed.as_slice();
    let sections = sections(
        &catalogue,
        [of(0), of(1), of(2)],
        [of(3), of(4), of(5)],
        &authority.ons_code,
        &period.to_string(),
    );
    let outside = sections
        .iter()
        .flat_map(|s| {
            s.items.iter().filter_map(|i| {
                let c = i.against.first()?.comparison;
                matches!(c, Comparison::Better | Comparison::Worse)
                    .then(|| (s.name.clone(), i.title.clone(), c))
            })
        })
        .collect();
    Ok(TeascPage {
        layout: Layout::new(
            &state,
            &visitor,
            format!("TEASC report: {}, {period}", authority.name),
        )
        .await?
        .showing(analyses[0].inputs.illustrative()),
        code: authority.ons_code,
        name: authority.name,
        period: period.to_string(),
        periods,
        overall: overall(&sections),
        previous: previous.to_string(),
        sections,
        outside,
    })
}
