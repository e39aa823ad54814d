//! Presentation shared by the scorecard pages: the region of focus, value look-up, grouping by
//! domain and value formatting.

use std::collections::HashMap;
use std::sync::Arc;

use super::cache::{Analysis, analysed_for};
use super::layout::{AnalysisQuery, PeriodOption, choose_period};
use super::{AppError, AppState};
use crate::analysis::intervals::Level;
use crate::analysis::measure::ComparatorKind;
use crate::db::queries::areas;
use crate::domain::access::{Scope, Viewer};
use crate::domain::{Authority, Measure, OnsCode, Period};

/// The name of the region of focus.
pub(super) async fn region_name(state: &AppState) -> Result<String, AppError> {
    let slug = &state.site.region;
    Ok(areas::comparator_group(&state.pool, slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("the region of focus '{slug}'")))?
        .name)
}

/// Measures in domain order, each turned into a row by `row` (measures without one are left out).
pub(super) fn group_by_domain<R>(
    catalogue: &[Measure],
    mut row: impl FnMut(&Measure) -> Option<R>,
) -> Vec<DomainGroupOf<R>> {
    let mut groups: Vec<DomainGroupOf<R>> = Vec::new();
    for m in catalogue {
        let Some(r) = row(m) else { continue };
        match groups.last_mut() {
            Some(g) if g.slug == m.domain_slug => g.rows.push(r),
            _ => groups.push(DomainGroupOf {
                slug: m.domain_slug.clone(),
                name: m.domain_name.clone(),
                rows: vec![r],
            }),
        }
    }
    groups
}

pub(super) struct DomainGroupOf<R> {
    pub slug: String,
    pub name: String,
    pub rows: Vec<R>,
}

/// The council an address names by its ONS code; "not found" for anything else.
pub(super) async fn authority(
    state: &AppState,
    code: &crate::domain::OnsCode,
) -> Result<crate::domain::Authority, AppError> {
    areas::authority(&state.pool, code.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("a council with the code {code}")))
}

/// Whether `view` may see a measure: one not yet catalogued is internal.
pub(super) fn shown_in(m: &Measure, view: crate::domain::access::DataView) -> bool {
    m.catalogued || view == crate::domain::access::DataView::Internal
}

/// A measure by its code or any alias, as `view` may see it: a measure not yet catalogued (an
/// official file brought it in unknown) is internal until an analyst completes it.
pub(super) async fn measure(
    state: &AppState,
    view: crate::domain::access::DataView,
    code: &str,
) -> Result<Measure, AppError> {
    crate::db::queries::measures::by_code_or_alias(&state.pool, code.trim())
        .await?
        .filter(|m| shown_in(m, view))
        .ok_or_else(|| AppError::NotFound(format!("a measure with the code {code}")))
}

/// A council's analysis as the viewer may see it (the council's own users and the analyst see its
/// unpublished values): the council, the period asked for (and the periods on offer), the
/// comparator and level, and the analysis. The council's page, its sheet of the Regional Account
/// and the API's scorecard start here.
pub(super) struct CouncilAnalysis {
    pub authority: Authority,
    pub scope: Scope,
    pub period: Period,
    pub periods: Vec<PeriodOption>,
    pub comparator: ComparatorKind,
    pub level: Level,
    pub analysis: Arc<Analysis>,
}

pub(super) async fn council_analysis(
    state: &AppState,
    viewer: &Viewer,
    code: &OnsCode,
    query: &AnalysisQuery,
) -> Result<CouncilAnalysis, AppError> {
    let authority = authority(state, code).await?;
    let scope = viewer.scope_of(&authority.ons_code);
    let (comparator, level) = query.choices()?;
    let (period, periods) = choose_period(&state.pool, scope.view(), &query.period_query()).await?;
    let analysis = analysed_for(
        state,
        scope.clone(),
        period,
        comparator,
        level,
        Some(&authority.ons_code),
    )
    .await?;
    Ok(CouncilAnalysis {
        authority,
        scope,
        period,
        periods,
        comparator,
        level,
        analysis,
    })
}

/// Council names by ONS code.
pub(super) async fn council_names(state: &AppState) -> Result<HashMap<String, String>, AppError> {
    Ok(areas::council_names(&state.pool).await?)
}

/// "95% CI 15.6% to 19.1%", or why there is none.
pub(super) fn interval_text(
    measure: &Measure,
    c: &crate::analysis::measure::CouncilResult,
    level: crate::analysis::intervals::Level,
) -> String {
    let survey =
        c.interval_method == Some(crate::analysis::intervals::IntervalMethod::MarginOfError);
    let answered = match (survey, c.base) {
        (true, Some(base)) => format!(" (published margin of error; {base:.0} people answered)"),
        (true, None) => " (published margin of error)".to_string(),
        _ => String::new(),
    };
    match (c.ci_low, c.ci_high) {
        (Some(low), Some(high)) => format!(
            "{} CI {} to {}{answered}",
            level.label(),
            measure.format_f64(low),
            measure.format_f64(high)
        ),
        _ => "no confidence interval".into(),
    }
}

/// A benchmark value as shown, with its method when it is not the published value.
pub(super) fn benchmark_text(
    measure: &Measure,
    b: Option<crate::analysis::benchmark::Benchmark>,
) -> String {
    match b {
        Some(b) if b.method == crate::analysis::benchmark::Method::Published => {
            measure.format(b.value)
        }
        Some(b) => format!(
            "{} ({})",
            measure.format(b.value),
            match b.method {
                crate::analysis::benchmark::Method::Median => "median",
                _ => "aggregate",
            }
        ),
        None => "–".into(),
    }
}

/// A choice in a `<select>`.
#[derive(Debug, Clone)]
pub(super) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The comparator choices, with `chosen` selected.
pub(super) fn comparator_choices(chosen: crate::analysis::measure::ComparatorKind) -> Vec<Choice> {
    use crate::analysis::measure::ComparatorKind::*;
    [
        (England, "england", "England"),
        (Region, "region", "Region"),
        (Neighbours, "neighbours", "Nearest neighbours (CIPFA)"),
        (Type, "type", "Councils of the same type"),
    ]
    .into_iter()
    .map(|(k, value, label)| Choice {
        value: value.into(),
        label: label.into(),
        selected: k == chosen,
    })
    .collect()
}

/// Stored values by (measure, area, period), for showing exact published decimals.
pub(super) type StoredIndex<'a> =
    HashMap<(&'a str, &'a str, Period), &'a crate::analysis::measure::Value>;

pub(super) fn stored_index(inputs: &crate::analysis::scorecard::Inputs) -> StoredIndex<'_> {
    inputs
        .values
        .iter()
        .map(|s| ((s.measure.as_str(), s.area.as_str(), s.period), &s.value))
        .collect()
}

/// A stored value as shown: its decimals, or the table symbol for why it is missing.
pub(super) fn stored_text(
    measure: &Measure,
    v: Option<&crate::analysis::measure::Value>,
) -> String {
    match v.and_then(|v| v.value) {
        Some(d) => measure.format(d),
        None if v.is_some() => "not available".into(),
        None => "–".into(),
    }
}
