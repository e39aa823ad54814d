//! Presentation shared by the scorecard pages: the region of focus, value look-up, grouping by
//! domain and value formatting.

use std::collections::HashMap;

use super::{AppError, AppState};
use crate::db::queries::areas;
use crate::domain::{Authority, Measure, Observation, Period};

/// The region of focus for a period: its group, members and benchmark area.
pub struct RegionView {
    pub name: String,
    pub benchmark_area: Option<String>,
    pub members: Vec<Authority>,
}

pub async fn region_during(state: &AppState, period: Period) -> Result<RegionView, AppError> {
    let slug = &state.site.region;
    let group = areas::comparator_group(&state.pool, slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("the region of focus '{slug}'")))?;
    let members = areas::members_during(&state.pool, slug, period).await?;
    Ok(RegionView {
        name: group.name,
        benchmark_area: group.benchmark_area,
        members,
    })
}

/// Values indexed by (measure, area).
pub type ValueIndex<'a> = HashMap<(&'a str, &'a str), &'a Observation>;

pub fn index(observations: &[Observation]) -> ValueIndex<'_> {
    observations
        .iter()
        .map(|o| ((o.measure_code.as_str(), o.area_code.as_str()), o))
        .collect()
}

/// Measures in domain order, each turned into a row by `row` (measures without one are left out).
pub fn group_by_domain<R>(
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

pub struct DomainGroupOf<R> {
    pub slug: String,
    pub name: String,
    pub rows: Vec<R>,
}

/// A value as the page shows it, or the reason there is none.
pub fn formatted(measure: &Measure, observation: Option<&Observation>) -> String {
    match observation {
        Some(o) => match o.value {
            Some(v) => measure.format(v),
            None if o.status == "suppressed" => "[c]".into(),
            None => "[x]".into(),
        },
        None => "–".into(),
    }
}

/// The analysis of every measure as at `period` for the region of focus, with the inputs it
/// was computed from.
pub async fn analysed(
    state: &AppState,
    period: Period,
    comparator: crate::analysis::measure::ComparatorKind,
    level: crate::analysis::intervals::Level,
) -> Result<
    (
        crate::analysis::scorecard::Inputs,
        Vec<crate::analysis::scorecard::Analysed>,
    ),
    AppError,
> {
    let inputs =
        crate::db::queries::analysis::inputs(&state.pool, period, &state.site.region).await?;
    let analysed = crate::analysis::scorecard::analyse(&inputs, period, comparator, level);
    Ok((inputs, analysed))
}

/// Council names by ONS code.
pub async fn council_names(state: &AppState) -> Result<HashMap<String, String>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT ons_code, name FROM authorities")
        .fetch_all(&state.pool)
        .await?;
    Ok(rows.into_iter().collect())
}
