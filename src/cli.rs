//! The command line: `scorecard` (or `scorecard serve`) runs the site; other subcommands manage
//! the database.

mod backup;
mod publication;
mod users;

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
    /// Load the illustrative seed data set (a no-op when already loaded), or remove it.
    Seed(SeedArgs),
    /// Check a file (official ASCOF open data, or the regional template) and store it as a new
    /// submission revision. Prints the validation report; exits non-zero when it has errors.
    Import(ImportArgs),
    /// Update the reference data about councils: the lookup of every English council (and, with
    /// --neighbours, their CIPFA nearest neighbours). The service ships one and loads it on
    /// first start; this loads a newer file.
    Reference(ReferenceArgs),
    /// Complete or correct a measure of the catalogue, e.g. one an official file brought in
    /// uncatalogued: `scorecard measure 2F --unit percent --polarity higher_is_better`.
    Measure(MeasureArgs),
    /// Users: add (the first analyst of a fresh install), list, disable, reset.
    User(users::UserArgs),
    /// Publish a period: its values and submitted commentary become public (again).
    Publish(publication::PublishArgs),
    /// Withdraw a period's publication: the public no longer sees it.
    Unpublish(publication::PublishArgs),
    /// Write the whole database to a file (pg_dump, custom format).
    Backup(backup::BackupArgs),
    /// Replace the database's contents by a backup (pg_restore, one transaction).
    Restore(backup::BackupArgs),
}

#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// Remove the illustrative data set (values, commentary, targets), leaving real data as it
    /// is; it is then not loaded again at start.
    #[arg(long)]
    pub remove: bool,
}

#[derive(Debug, clap::Args)]
pub struct MeasureArgs {
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// The measure's code (any of its codes: `2F`, `1C(2A)`).
    pub code: String,
    #[arg(long)]
    pub title: Option<String>,
    /// percent, rate, score, currency, count, days or ratio.
    #[arg(long)]
    pub unit: Option<String>,
    /// How the unit reads (e.g. "per 100,000 adults aged 65 and over").
    #[arg(long)]
    pub unit_label: Option<String>,
    /// For a rate: per how many people (e.g. 100000).
    #[arg(long)]
    pub rate_multiplier: Option<i32>,
    /// higher_is_better, lower_is_better or no_judgement.
    #[arg(long)]
    pub polarity: Option<String>,
    /// Decimal places to show (0 to 4).
    #[arg(long)]
    pub decimals: Option<i16>,
    /// The risk domain's slug (e.g. performance-outcomes).
    #[arg(long)]
    pub domain: Option<String>,
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
    /// Publish the file's periods once it is stored.
    #[arg(long)]
    pub publish: bool,
    /// The region of focus (a comparator group), whose councils' own records are derived
    /// afresh when publishing.
    #[arg(long, env = "SCORECARD_REGION", default_value = "north-west")]
    pub region: String,
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
                let db = open(&config).await?;
                println!("migrations applied");
                db.close().await
            }
            Some(Command::Seed(args)) if args.remove => {
                let db = open(&args.database).await?;
                let removed = crate::db::queries::illustrative::remove(&db.pool, "command line").await;
                db.close().await?;
                let removed = removed?;
                println!(
                    "illustrative data set removed: {} values in {} submissions; real data untouched",
                    removed.values, removed.submissions
                );
                Ok(())
            }
            Some(Command::Seed(args)) => {
                let db = open(&args.database).await?;
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
            Some(Command::Measure(args)) => measure(args).await,
            Some(Command::User(args)) => {
                let db = open(&args.database).await?;
                let result = users::user(&db.pool, args).await;
                db.close().await?;
                result
            }
            Some(Command::Publish(args)) => {
                let db = open(&args.database).await?;
                let result = publication::publish(&db.pool, args.period, &args.region).await;
                db.close().await?;
                result
            }
            Some(Command::Backup(args)) => {
                let db = open(&args.database).await?;
                let result = backup::backup(&db, &args.file).await;
                db.close().await?;
                result
            }
            Some(Command::Restore(args)) => {
                let db = open(&args.database).await?;
                let result = backup::restore(&db, &args.file).await;
                db.close().await?;
                result
            }
            Some(Command::Unpublish(args)) => {
                let db = open(&args.database).await?;
                let result = publication::unpublish(&db.pool, args.period).await;
                db.close().await?;
                result
            }
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
    let db = open(&args.database).await?;
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
        if args.publish {
            for period in analysis.contents.periods() {
                publication::publish(&db.pool, period, &args.region).await?;
            }
        }
        Ok(())
    }
    .await;
    db.close().await?;
    result
}

/// Opens the database (migrated) with the shipped England reference and catalogue loaded.
async fn open(config: &DatabaseConfig) -> anyhow::Result<Database> {
    let db = Database::open(config).await?;
    if let Err(e) = seed::reference::ensure(&db.pool).await {
        db.close().await?;
        return Err(e.context("loading the shipped England reference"));
    }
    Ok(db)
}

async fn measure(args: MeasureArgs) -> anyhow::Result<()> {
    use crate::db::queries::measures::{self, MeasureUpdate};
    use crate::domain::{Polarity, Unit};
    let unit = args
        .unit
        .as_deref()
        .map(|u| match u.parse::<Unit>() {
            Ok(Unit::Unknown) | Err(_) => anyhow::bail!(
                "--unit '{u}' is not a unit: use percent, rate, score, currency, count, days or ratio"
            ),
            Ok(unit) => Ok(unit),
        })
        .transpose()?;
    let polarity = args
        .polarity
        .as_deref()
        .map(|p| {
            p.parse::<Polarity>().map_err(|_| {
                anyhow::anyhow!("--polarity '{p}' is not a polarity: use higher_is_better, lower_is_better or no_judgement")
            })
        })
        .transpose()?;
    if let Some(d) = args.decimals.filter(|d| !(0..=4).contains(d)) {
        anyhow::bail!("--decimals {d} is out of range: use 0 to 4");
    }
    let code: crate::domain::MeasureCode = args.code.parse()?;
    let db = open(&args.database).await?;
    let result = async {
        let Some(found) = measures::by_code_or_alias(&db.pool, code.as_str()).await? else {
            anyhow::bail!("there is no measure {code}");
        };
        let change = MeasureUpdate {
            title: args.title.clone(),
            unit,
            unit_label: args.unit_label.clone(),
            rate_multiplier: args.rate_multiplier,
            polarity,
            decimals: args.decimals,
            domain_slug: args.domain.clone(),
        };
        match measures::update(&db.pool, &found.code, &change, users::ACTOR).await {
            Ok(Some(updated)) => {
                println!(
                    "measure {} updated{}",
                    updated.code,
                    if updated.catalogued {
                        ""
                    } else {
                        "; its unit is still unknown, so it is not compared"
                    }
                );
                Ok(())
            }
            Ok(None) => anyhow::bail!("there is no measure {code}"),
            Err(e) => Err(anyhow::Error::from(e).context(format!(
                "updating measure {code} (is the domain a known slug?)"
            ))),
        }
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
    let db = open(&args.database).await?;
    let result = async {
        if let Some(councils) = &councils {
            crate::db::queries::areas::upsert_councils(&db.pool, councils, users::ACTOR).await?;
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
