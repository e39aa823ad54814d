use clap::Parser;

fn main() -> std::process::ExitCode {
    match scorecard::cli::run(scorecard::cli::Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
