use clap::Parser;

fn main() -> anyhow::Result<()> {
    scorecard::cli::run(scorecard::cli::Cli::parse())
}
