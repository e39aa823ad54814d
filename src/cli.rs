//! The command line: `scorecard` (or `scorecard serve`) runs the site; other subcommands manage
//! the database.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::{DatabaseConfig, ServeConfig};
use crate::db::Database;
use crate::domain::Period;
use crate::ingest::{self, Options, decode::Limits, import::Committed};
use crate::seed::{self, SeedOutcome};

#[derive(Debug, Parser)]
#[command(
    name = "scorecard",
    version,
    about = "The regional adult social care balanced scorecard"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub serve: ServeConfig,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (the default).
    Serve(ServeConfig),
    /// Apply pending database migrations, then exit.
    Migrate(DatabaseConfig),
    /// Load the illustrative seed data set (a no-op when already loaded).
    Seed(DatabaseConfig),
    /// Check a file (official ASCOF open data, or the regional template) and store it as a new
    /// submission revision. Prints the validation report; exits non-zero when it has errors.
    Import(ImportArgs),
    /// Load reference data about councils: the lookup of every English council (and, with
    /// --neighbours, their CIPFA nearest neighbours), e.g. from ../shared/data/reference/.
    Reference(ReferenceArgs),
}

#[derive(Debug, clap::Args)]
pub struct ReferenceArgs {
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// The council lookup (la_code, la_name, region, la_type, population…, cassr_code, status).
    #[arg(long)]
    pub councils: Option<PathBuf>,
    /// Nearest neighbours (la_code, neighbour_code, rank).
    #[arg(long)]
    pub neighbours: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// The file: .csv (UTF-8 or Windows-1252) or .xlsx.
    pub file: PathBuf,
    /// Check and report only; store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The financial year of an official file whose name does not say it (e.g. 2016-17).
    #[arg(long)]
    pub period: Option<Period>,
    /// Who is submitting, for the record.
    #[arg(long, env = "USER", default_value = "command line")]
    pub by: String,
    /// The largest file accepted, in bytes.
    #[arg(long, env = "SCORECARD_MAX_UPLOAD_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_bytes: usize,
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    init_tracing();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        match cli.command {
            None => crate::server::serve(cli.serve).await,
            Some(Command::Serve(config)) => crate::server::serve(config).await,
            Some(Command::Migrate(config)) => {
                let db = Database::open(&config).await?;
                println!("migrations applied");
                db.close().await
            }
            Some(Command::Seed(config)) => {
                let db = Database::open(&config).await?;
                let outcome = seed::load(&db.pool).await;
                db.close().await?;
                match outcome? {
                    SeedOutcome::Loaded {
                        observations,
                        revision,
                    } => {
                        println!("seed data loaded: {observations} values (revision {revision})")
                    }
                    SeedOutcome::AlreadyLoaded => {
                        println!("seed data already loaded; nothing changed")
                    }
                }
                Ok(())
            }
            Some(Command::Import(args)) => import(args).await,
            Some(Command::Reference(args)) => reference(args).await,
        }
    })
}

/// Exits non-zero (through the error) when the file has errors.
async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let filename = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let db = Database::open(&args.database).await?;
    let options = Options {
        period: args.period,
        limits: Limits {
            max_bytes: args.max_bytes,
            ..Limits::default()
        },
    };
    let result = async {
        let analysis = ingest::import::analyse(&db.pool, &filename, &bytes, options).await?;
        println!("{}", analysis.report());
        if analysis.report().has_errors() {
            anyhow::bail!("{filename} was not imported: fix the errors above");
        }
        if args.dry_run {
            println!("dry run: nothing stored");
            return Ok(());
        }
        match ingest::import::commit(&db.pool, &analysis, &args.by).await? {
            Committed::Stored { submission_id, revision, superseded, values } => {
                print!("stored {values} values as submission {submission_id}, revision {revision}");
                match superseded {
                    Some(previous) => println!(" (supersedes submission {previous}, kept in history)"),
                    None => println!(),
                }
            }
            Committed::AlreadyCurrent { submission_id, revision } => println!(
                "identical to submission {submission_id} (revision {revision}), already current: nothing changed"
            ),
        }
        Ok(())
    }
    .await;
    db.close().await?;
    result
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

async fn reference(args: ReferenceArgs) -> anyhow::Result<()> {
    let read = |path: &PathBuf| -> anyhow::Result<(String, Vec<u8>)> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Ok((path.display().to_string(), bytes))
    };
    let report = |name: &str, issues: Vec<ingest::report::Issue>| {
        let report = ingest::report::Report::new(name);
        for issue in &issues {
            eprintln!("error: {}", report.describe(issue));
        }
        anyhow::anyhow!("{name} was not loaded: {} errors", issues.len())
    };
    let councils = match &args.councils {
        Some(path) => {
            let (name, bytes) = read(path)?;
            Some(ingest::councils::parse_lookup(&name, &bytes).map_err(|e| report(&name, e))?)
        }
        None => None,
    };
    let neighbours = match &args.neighbours {
        Some(path) => {
            let (name, bytes) = read(path)?;
            Some((
                ingest::councils::parse_neighbours(&name, &bytes).map_err(|e| report(&name, e))?,
                name,
            ))
        }
        None => None,
    };
    let db = Database::open(&args.database).await?;
    let result = async {
        if let Some(councils) = &councils {
            crate::db::queries::areas::upsert_councils(&db.pool, councils).await?;
            println!("{} councils loaded", councils.len());
        }
        if let Some((pairs, source)) = &neighbours {
            crate::db::queries::areas::replace_neighbours(&db.pool, pairs, source).await?;
            println!("{} nearest-neighbour pairs loaded", pairs.len());
        }
        anyhow::Ok(())
    }
    .await;
    db.close().await?;
    result
}
