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
    pub against: Vec<Against>,
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

/// The report's sections from the three analyses (region, type, neighbours, in that order).
/// Pure.
pub(super) fn sections(
    catalogue: &[Measure],
    analyses: [&[Analysed]; 3],
    council: &str,
) -> Vec<Section> {
    let mut sections: Vec<(i16, Section)> = Vec::new();
    for m in catalogue {
        let (Some(name), Some(position)) = (&m.teasc_section_name, m.teasc_position) else {
            continue;
        };
        let results: Vec<Option<(&Analysed, &crate::analysis::measure::CouncilResult)>> = analyses
            .iter()
            .map(|all| {
                let a = all.iter().find(|a| a.measure == m.code)?;
                let c = a.analysis.councils.iter().find(|c| c.code == council)?;
                c.value.map(|_| (a, c))
            })
            .collect();
        let Some(Some((first, c0))) = results.first() else {
            continue;
        };
        let against = results
            .iter()
            .map(|r| match r {
                Some((_, c)) => Against {
                    benchmark: c
                        .benchmark
                        .map_or_else(|| "–".into(), |b| benchmark_text(m, Some(b))),
                    comparison: c.comparison,
                },
                None => Against {
                    benchmark: "–".into(),
                    comparison: Comparison::NotCompared,
                },
            })
            .collect();
        let item = Item {
            code: m.code.clone(),
            title: format!("{} {}", m.display_code, m.title),
            period: first.period.to_string(),
            value: c0.value.map_or_else(|| "–".into(), |v| m.format_f64(v)),
            against,
        };
        let region = c0.comparison;
        let section = match sections.iter_mut().find(|(p, _)| *p == position) {
            Some((_, s)) => s,
            None => {
                sections.push((
                    position,
                    Section {
                        name: name.clone(),
                        items: Vec::new(),
                        compared: 0,
                        well: 0,
                    },
                ));
                &mut sections.last_mut().expect("just pushed").1
            }
        };
        if region != Comparison::NotCompared {
            section.compared += 1;
            if matches!(region, Comparison::Better | Comparison::Similar) {
                section.well += 1;
            }
        }
        section.items.push(item);
    }
    sections.sort_by_key(|(p, _)| *p);
    sections.into_iter().map(|(_, s)| s).collect()
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
    let mut analyses = Vec::new();
    for kind in COMPARATORS {
        analyses.push(
            analysed_for(
                &state,
                scope.clone(),
                period,
                kind,
                Level::P95,
                Some(&authority.ons_code),
            )
            .await?,
        );
    }
    let sections = sections(
        &catalogue,
        [
            &analyses[0].analysed,
            &analyses[1].analysed,
            &analyses[2].analysed,
        ],
        &authority.ons_code,
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
        sections,
        outside,
    })
}
