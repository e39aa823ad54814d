//! Analyses kept per data version, so that pages and the API do not recompute them on every
//! request. The version is the database's counter, which every writing transaction bumps at
//! commit: an import on any instance, in any order of submission ids, is seen on the next
//! request. A version is read before the inputs are loaded, so an entry is never older than
//! its key (at worst a commit in between makes it newer, and it is recomputed once).
//!
//! The inputs of a period are loaded once and shared by every analysis of that period;
//! concurrent requests for the same analysis compute it once; the computation runs on the
//! blocking pool, off the async workers; the least recently added entries go first.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use super::{AppError, AppState};
use crate::analysis::intervals::Level;
use crate::analysis::measure::ComparatorKind;
use crate::analysis::scorecard::{self, Analysed, Inputs};
use crate::db::queries::analysis::inputs as load_inputs;
use crate::domain::Period;
use crate::domain::access::{DataView, Scope};

/// One analysed period: the inputs (shared with every analysis of the period) and every
/// measure's analysis.
#[derive(Debug)]
pub(super) struct Analysis {
    pub inputs: Arc<Inputs>,
    pub analysed: Vec<Analysed>,
}

/// Which analysis: the view (published or internal), the period, comparator and level, and a
/// council outside the region of focus analysed on its own (`None` for the region's councils).
type Key = (Scope, Period, ComparatorKind, Level, Option<String>);

/// The most analyses (and periods' inputs) kept at once.
const CAPACITY: usize = 64;

#[derive(Debug, Default)]
struct Entries {
    version: i64,
    inputs: HashMap<(Scope, Period), Arc<OnceCell<Arc<Inputs>>>>,
    analyses: HashMap<Key, Arc<OnceCell<Arc<Analysis>>>>,
    order: VecDeque<Key>,
}

#[derive(Debug, Default)]
pub struct AnalysisCache {
    entries: Mutex<Entries>,
    computed: AtomicUsize,
}

impl AnalysisCache {
    /// How many analyses have been computed (not served from the cache) since start.
    pub fn computations(&self) -> usize {
        self.computed.load(Ordering::Relaxed)
    }

    /// The entries of `version`: everything kept for an older version is dropped first.
    fn at(&self, version: i64) -> std::sync::MutexGuard<'_, Entries> {
        let mut e = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if e.version != version {
            *e = Entries {
                version,
                ..Entries::default()
            };
        }
        e
    }

    fn inputs_cell(&self, version: i64, key: (Scope, Period)) -> Arc<OnceCell<Arc<Inputs>>> {
        let mut e = self.at(version);
        if e.inputs.len() >= CAPACITY && !e.inputs.contains_key(&key) {
            e.inputs.clear();
        }
        Arc::clone(e.inputs.entry(key).or_default())
    }

    fn analysis_cell(&self, version: i64, key: &Key) -> Arc<OnceCell<Arc<Analysis>>> {
        let mut e = self.at(version);
        if let Some(cell) = e.analyses.get(key) {
            return Arc::clone(cell);
        }
        if e.order.len() >= CAPACITY
            && let Some(oldest) = e.order.pop_front()
        {
            e.analyses.remove(&oldest);
        }
        e.order.push_back(key.clone());
        Arc::clone(e.analyses.entry(key.clone()).or_default())
    }
}

/// The analysis of every measure as at `period` for the region of focus, from the values of
/// `view`.
pub(super) async fn analysed(
    state: &AppState,
    view: DataView,
    period: Period,
    comparator: ComparatorKind,
    level: Level,
) -> Result<Arc<Analysis>, AppError> {
    analysed_for(state, view, period, comparator, level, None).await
}

/// A period's inputs in one view, loaded once per data version.
async fn inputs_in(
    state: &AppState,
    version: i64,
    view: DataView,
    period: Period,
) -> Result<Arc<Inputs>, AppError> {
    Ok(state
        .cache
        .inputs_cell(version, (Scope::All(view), period))
        .get_or_try_init(|| async {
            load_inputs(&state.pool, view, period, &state.site.region)
                .await
                .map(Arc::new)
        })
        .await?
        .clone())
}

/// A period's inputs in a scope: one view, or a council's own (its unpublished values over
/// everyone's published ones).
async fn inputs_of(
    state: &AppState,
    version: i64,
    scope: &Scope,
    period: Period,
) -> Result<Arc<Inputs>, AppError> {
    match scope {
        Scope::All(view) => inputs_in(state, version, *view, period).await,
        Scope::Council(council) => Ok(state
            .cache
            .inputs_cell(version, (scope.clone(), period))
            .get_or_try_init(|| async {
                let published = inputs_in(state, version, DataView::Published, period).await?;
                let internal = inputs_in(state, version, DataView::Internal, period).await?;
                Ok::<_, AppError>(Arc::new(Inputs::overlaid(&published, &internal, council)))
            })
            .await?
            .clone()),
    }
}

/// As [`analysed`], in any scope; a council outside the region of focus is analysed on its own.
pub(super) async fn analysed_for(
    state: &AppState,
    scope: impl Into<Scope>,
    period: Period,
    comparator: ComparatorKind,
    level: Level,
    council: Option<&str>,
) -> Result<Arc<Analysis>, AppError> {
    let scope = scope.into();
    let version = state.version.current(&state.pool).await?;
    let cache = &state.cache;
    let inputs = inputs_of(state, version, &scope, period).await?;
    let outside = council
        .filter(|c| !inputs.councils.iter().any(|x| x == c))
        .map(str::to_string);
    let key: Key = (scope, period, comparator, level, outside.clone());
    let cell = cache.analysis_cell(version, &key);
    let analysis = cell
        .get_or_try_init(|| async {
            let councils = outside.map_or_else(|| inputs.councils.clone(), |c| vec![c]);
            cache.computed.fetch_add(1, Ordering::Relaxed);
            tokio::task::spawn_blocking(move || {
                let analysed = scorecard::analyse(&inputs, &councils, period, comparator, level);
                Arc::new(Analysis { inputs, analysed })
            })
            .await
            .map_err(|e| AppError::Internal(e.into()))
        })
        .await?;
    Ok(Arc::clone(analysis))
}

/// Values computed once per data and records version and key: concurrent requests for the same
/// key compute it once; a new version drops everything kept for the old one.
pub(super) struct Memo<K, V> {
    entries: Mutex<MemoEntries<K, V>>,
}

type MemoEntries<K, V> = ((i64, i64), HashMap<K, Arc<OnceCell<Arc<V>>>>);

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            entries: Mutex::new(((0, 0), HashMap::new())),
        }
    }
}

impl<K, V> std::fmt::Debug for Memo<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl<K: std::hash::Hash + Eq, V> Memo<K, V> {
    /// The value of `key` at the current versions, computed by `compute` when nobody has.
    pub(super) async fn get_or_compute<F, Fut>(
        &self,
        state: &AppState,
        key: K,
        compute: F,
    ) -> Result<Arc<V>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, AppError>>,
    {
        let versions = state.version.signed_in(&state.pool).await?;
        let cell = {
            let mut e = self
                .entries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if e.0 != versions || e.1.len() >= CAPACITY {
                *e = (versions, HashMap::new());
            }
            Arc::clone(e.1.entry(key).or_default())
        };
        let value = cell
            .get_or_try_init(|| async { compute().await.map(Arc::new) })
            .await?;
        Ok(Arc::clone(value))
    }
}
