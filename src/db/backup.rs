//! Backup and restore with PostgreSQL's own tools (`pg_dump`, `pg_restore`), beside the server
//! binaries the embedded cluster uses: a custom-format dump of the whole database, restored over
//! an existing one in a single transaction.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

/// A PostgreSQL client program: beside `initdb`, else on `PATH`.
fn program(name: &str) -> PathBuf {
    super::embedded::find_binaries()
        .map(|dir| dir.join(name))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

fn run(mut command: Command, what: &str) -> anyhow::Result<()> {
    let out = command
        .output()
        .with_context(|| format!("running {what} (PostgreSQL's client programs are needed)"))?;
    if !out.status.success() {
        anyhow::bail!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Writes the whole database to `file` (custom format, compressed).
pub fn dump(conninfo: &str, file: &Path) -> anyhow::Result<()> {
    let mut command = Command::new(program("pg_dump"));
    command
        .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(file)
        .arg(format!("--dbname={conninfo}"));
    run(command, "pg_dump")
}

/// Replaces the database's contents by the dump's, in one transaction.
pub fn restore(conninfo: &str, file: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(file.is_file(), "{} is not a file", file.display());
    let mut command = Command::new(program("pg_restore"));
    command
        .args([
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
        ])
        .arg(format!("--dbname={conninfo}"))
        .arg(file);
    run(command, "pg_restore")
}
