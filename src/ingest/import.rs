//! The I/O side of an import: check a file against the database, then commit it as one
//! submission revision in one transaction (all of the file or none of it).

use std::collections::{BTreeSet, HashMap};

use sha2::{Digest, Sha256};
use sqlx::PgPool;

use super::report::Report;
use super::{FileContents, Format, Options, Series, read, warn_changes};
use crate::db::queries::submissions::{self, NewSubmission, RecordOutcome};
use crate::db::queries::{areas, known, measures, observations, uploads};
use crate::domain::{NewObservation, Period, Provenance};

/// A checked file, ready to commit when its report has no errors.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub filename: String,
    pub sha256: String,
    pub contents: FileContents,
}

impl Analysis {
    pub fn report(&self) -> &Report {
        &self.contents.report
    }
}

/// Why a file could not be checked: the database, or the check itself stopped (its task
/// panicked or the service is shutting down).
#[derive(Debug, thiserror::Error)]
pub enum AnalyseError {
    #[error("the file check stopped: {0}")]
    Stopped(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Files being decoded and checked at once.
static PARSES: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();

/// Reads and validates a file against the councils, measures and previous values stored.
pub async fn analyse(
    pool: &PgPool,
    filename: &str,
    bytes: &[u8],
    options: Options,
) -> Result<Analysis, AnalyseError> {
    let known = known::load(pool).await?;
    // Decoding and checking a file is CPU work (a 64 MB workbook takes seconds): it runs on the
    // blocking pool, never on the async workers that serve pages, and no more files at once
    // than leaves a core for the site.
    let _turn = PARSES
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(2, usize::from);
            tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))
        })
        .acquire()
        .await
        .map_err(|e| AnalyseError::Stopped(e.to_string()))?;
    let (name, owned) = (filename.to_string(), bytes.to_vec());
    let (mut contents, sha256) = tokio::task::spawn_blocking(move || {
        let contents = read(&name, &owned, options, &known);
        (contents, format!("{:x}", Sha256::digest(&owned)))
    })
    .await
    .map_err(|e| AnalyseError::Stopped(e.to_string()))?;
    let periods: BTreeSet<Period> = contents.periods().into_iter().collect();
    let measures: Vec<String> = contents
        .rows
        .iter()
        .map(|r| r.observation.measure_code.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let areas: Vec<String> = contents
        .rows
        .iter()
        .map(|r| r.observation.area_code.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut history: HashMap<(String, String), Series> = HashMap::new();
    for period in periods {
        for e in observations::series_before(pool, period, &areas, &measures).await? {
            history
                .entry((e.area, e.measure))
                .or_default()
                .push((e.period, e.value));
        }
    }
    warn_changes(&mut contents, &history);
    Ok(Analysis {
        filename: filename.to_string(),
        sha256,
        contents,
    })
}

/// What a commit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Committed {
    Stored {
        submission_id: i64,
        revision: i32,
        superseded: Option<i64>,
        values: usize,
    },
    /// The same bytes are already the current revision: nothing changed.
    AlreadyCurrent { submission_id: i64, revision: i32 },
}

#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    #[error("the file has {0} errors; nothing was stored")]
    HasErrors(usize),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Stores the file as a new revision of its scope, with its benchmark areas, in one
/// transaction; refuses a file with errors.
pub async fn commit(
    pool: &PgPool,
    analysis: &Analysis,
    submitted_by: &str,
) -> Result<Committed, CommitError> {
    let mut tx = pool.begin().await?;
    let committed = commit_in(&mut tx, analysis, submitted_by).await?;
    tx.commit().await?;
    Ok(committed)
}

/// A kept upload checked again against the stored data (which may have changed since it was
/// uploaded), with the period given with it; none when the upload has no file.
pub async fn reanalyse(
    pool: &PgPool,
    upload: i64,
    limits: super::decode::Limits,
) -> Result<Option<Analysis>, AnalyseError> {
    let Some(uploads::File {
        filename,
        bytes,
        period_code: period,
    }) = uploads::file(pool, upload).await?
    else {
        return Ok(None);
    };
    let options = Options {
        period: period.and_then(|p| p.parse().ok()),
        limits,
    };
    analyse(pool, &filename, &bytes, options).await.map(Some)
}

/// Stores a kept upload's analysis as a revision and records the upload as accepted (from
/// status `from`), both in `tx`: the submission's id, or none when the upload was no longer in
/// `from` (decided meanwhile).
pub async fn accept_in(
    tx: &mut sqlx::PgConnection,
    analysis: &Analysis,
    upload: i64,
    from: crate::domain::round::UploadStatus,
    submitted_by: &str,
    decided_by: &str,
) -> Result<Option<i64>, CommitError> {
    let submission = match commit_in(&mut *tx, analysis, submitted_by).await? {
        Committed::Stored { submission_id, .. }
        | Committed::AlreadyCurrent { submission_id, .. } => submission_id,
    };
    let decided = uploads::decide(
        tx,
        upload,
        from,
        crate::domain::round::UploadStatus::Accepted,
        decided_by,
        None,
        Some(submission),
    )
    .await?;
    Ok(decided.then_some(submission))
}

/// As [`commit`], inside the caller's transaction (which also records, say, the return it
/// accepts); the write is in the audit log.
pub async fn commit_in(
    tx: &mut sqlx::PgConnection,
    analysis: &Analysis,
    submitted_by: &str,
) -> Result<Committed, CommitError> {
    let report = analysis.report();
    if report.has_errors() {
        return Err(CommitError::HasErrors(report.errors.len()));
    }
    let contents = &analysis.contents;
    let format = contents
        .format
        .map_or(Provenance::CouncilReturn, Format::provenance)
        .as_str();
    for area in &contents.benchmarks {
        areas::insert_area(&mut *tx, &area.code, &area.name, &area.level).await?;
    }
    for m in &contents.new_measures {
        let scheme = if m.renumbered {
            "ascof_2023"
        } else {
            "published"
        };
        measures::insert_uncatalogued(&mut *tx, &m.code, &m.published, &m.title, scheme).await?;
    }
    let rows: Vec<_> = contents
        .rows
        .iter()
        .map(|r| r.observation.clone())
        .collect();
    let outcome = submissions::record(
        &mut *tx,
        &NewSubmission {
            kind: format,
            scope: &contents.scope,
            source_filename: &analysis.filename,
            sha256: &analysis.sha256,
            submitted_by,
            report: serde_json::to_value(report).unwrap_or_default(),
        },
        &rows,
    )
    .await?;
    if let RecordOutcome::Recorded(r) = &outcome {
        let warned: Vec<(&NewObservation, &str)> = contents
            .rows
            .iter()
            .filter_map(|row| Some((&row.observation, row.change_warning.as_deref()?)))
            .collect();
        submissions::record_warnings(&mut *tx, r.id, &warned).await?;
    }
    Ok(match outcome {
        RecordOutcome::Recorded(r) => Committed::Stored {
            submission_id: r.id,
            revision: r.revision,
            superseded: r.superseded,
            values: rows.len(),
        },
        RecordOutcome::Unchanged { id, revision } => Committed::AlreadyCurrent {
            submission_id: id,
            revision,
        },
    })
}
