//! The command line: `scorecard` (or `scorecard serve`) runs the site; other subcommands manage
//! the database.

use clap::{Parser, Subcommand};

use crate::config::{DatabaseConfig, ServeConfig};
use crate::db::Database;
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
        }
    })
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
