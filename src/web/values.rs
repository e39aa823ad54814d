//! Presentation shared by the scorecard pages: the region of focus, value look-up, grouping by
//! domain and value formatting.

use std::collections::HashMap;
use std::sync::Arc;

use super::{AppError, AppState};
use crate::analysis::intervals::Level;
use crate::analysis::measure::ComparatorKind;
use crate::analysis::scorecard::{self, Analysed, Inputs};
use crate::db::queries::analysis::inputs as analysis_inputs;
use crate::db::queries::areas;
use crate::domain::{Measure, Period};

/// The name of the region of focus.
pub async fn region_name(state: &AppState) -> Result<String, AppError> {
    let slug = &state.site.region;
    Ok(areas::comparator_group(&state.pool, slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("the region of focus '{slug}'")))?
        .name)
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

/// One analysed period: the inputs and every measure's analysis.
#[derive(Debug)]
pub struct Analysis {
    pub inputs: Inputs,
    pub analysed: Vec<Analysed>,
}

type CacheKey = (Period, ComparatorKind, Level, Option<String>);
/// What the analysis depends on besides its parameters: the latest submission and the size of
/// the reference data (councils and comparator groups).
type DataVersion = (i64, i64, i64);

/// Analyses computed per data version, so that pages and the API do not recompute them on
/// every request; a new submission or reference load starts afresh.
#[derive(Debug, Default)]
pub struct AnalysisCache {
    entries: std::sync::Mutex<(DataVersion, HashMap<CacheKey, Arc<Analysis>>)>,
}

/// The most analyses kept for one data version.
const CACHE_ENTRIES: usize = 64;

async fn data_version(state: &AppState) -> Result<DataVersion, AppError> {
    Ok(sqlx::query_as(
        "SELECT COALESCE((SELECT max(id) FROM submissions), 0),
                (SELECT count(*) FROM comparator_group_members), (SELECT count(*) FROM authorities)",
    )
    .fetch_one(&state.pool)
    .await?)
}

/// The analysis of every measure as at `period` for the region of focus, with the inputs it
/// was computed from.
pub async fn analysed(
    state: &AppState,
    period: Period,
    comparator: ComparatorKind,
    level: Level,
) -> Result<Arc<Analysis>, AppError> {
    analysed_for(state, period, comparator, level, None).await
}

/// As [`analysed`]; a council outside the region of focus is analysed on its own.
pub async fn analysed_for(
    state: &AppState,
    period: Period,
    comparator: ComparatorKind,
    level: Level,
    council: Option<&str>,
) -> Result<Arc<Analysis>, AppError> {
    let version = data_version(state).await?;
    let key: CacheKey = (period, comparator, level, council.map(str::to_string));
    if let Ok(entries) = state.cache.entries.lock()
        && entries.0 == version
        && let Some(hit) = entries.1.get(&key)
    {
        return Ok(Arc::clone(hit));
    }
    let mut inputs = analysis_inputs(&state.pool, period, &state.site.region).await?;
    if let Some(c) = council.filter(|c| !inputs.councils.iter().any(|x| x == c)) {
        inputs.councils = vec![c.to_string()];
    }
    let analysed = scorecard::analyse(&inputs, period, comparator, level);
    let analysis = Arc::new(Analysis { inputs, analysed });
    if let Ok(mut entries) = state.cache.entries.lock() {
        if entries.0 != version || entries.1.len() >= CACHE_ENTRIES {
            *entries = (version, HashMap::new());
        }
        entries.1.insert(key, Arc::clone(&analysis));
    }
    Ok(analysis)
}

/// Council names by ONS code.
pub async fn council_names(state: &AppState) -> Result<HashMap<String, String>, AppError> {
    Ok(areas::council_names(&state.pool).await?)
}

/// A computed number shown in the measure's units and decimals.
pub fn format_f64(measure: &Measure, value: f64) -> String {
    measure.format_f64(value)
}

/// "95% CI 15.6% to 19.1%", or why there is none.
pub fn interval_text(
    measure: &Measure,
    c: &crate::analysis::measure::CouncilResult,
    level: crate::analysis::intervals::Level,
) -> String {
    match (c.ci_low, c.ci_high) {
        (Some(low), Some(high)) => format!(
            "{} CI {} to {}",
            level.label(),
            format_f64(measure, low),
            format_f64(measure, high)
        ),
        _ => "no confidence interval".into(),
    }
}

/// A benchmark value as shown, with its method when it is not the published value.
pub fn benchmark_text(
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
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The comparator choices, with `chosen` selected.
pub fn comparator_choices(chosen: crate::analysis::measure::ComparatorKind) -> Vec<Choice> {
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
pub type StoredIndex<'a> = HashMap<(&'a str, &'a str, Period), &'a crate::analysis::measure::Value>;

pub fn stored_index(inputs: &crate::analysis::scorecard::Inputs) -> StoredIndex<'_> {
    inputs
        .values
        .iter()
        .map(|s| ((s.measure.as_str(), s.area.as_str(), s.period), &s.value))
        .collect()
}

/// A stored value as shown: its decimals, or the table symbol for why it is missing.
pub fn stored_text(measure: &Measure, v: Option<&crate::analysis::measure::Value>) -> String {
    match v.and_then(|v| v.value) {
        Some(d) => measure.format(d),
        None if v.is_some() => "[x]".into(),
        None => "–".into(),
    }
}
