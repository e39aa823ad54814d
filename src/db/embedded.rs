//! The embedded default database: a private PostgreSQL cluster run with the system's server
//! binaries, listening only on a Unix socket inside its own data directory.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sqlx::postgres::PgConnectOptions;

/// The superuser the embedded cluster is created with.
pub const SUPERUSER: &str = "scorecard";
pub const PORT: u16 = 5432;
/// `sun_path` is 108 bytes on Linux, including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "PostgreSQL's server binaries (initdb, pg_ctl) were not found on PATH or under \
         /usr/lib/postgresql/*/bin. Install them (Debian: `apt-get install postgresql`) or set \
         DATABASE_URL to use a running server."
    )]
    BinariesNotFound,
    #[error(
        "the process runs as root and PostgreSQL refuses to; no `postgres` system user to run it as"
    )]
    NoPostgresUser,
    #[error("data directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "data directory {0} is not empty and holds no PostgreSQL cluster; choose another \
         SCORECARD_DATA_DIR"
    )]
    NotACluster(PathBuf),
    #[error(
        "the socket path {0} is too long for a Unix socket; choose a shorter SCORECARD_DATA_DIR"
    )]
    PathTooLong(PathBuf),
    #[error("`{command}` failed: {detail}")]
    Command { command: String, detail: String },
}

/// Settings of a cluster that do not depend on where it lives.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClusterOptions {
    /// Trade durability for speed: for throwaway test clusters only.
    pub ephemeral: bool,
}

/// A running private cluster. Stopped by [`Cluster::stop`], or on drop.
#[derive(Debug)]
pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    run_as: Option<(nix::unistd::Uid, nix::unistd::Gid)>,
    running: bool,
}

impl Cluster {
    /// Initialises the cluster in `dir` if it has none, then starts it (or adopts it when a
    /// previous run left it running).
    pub fn start(dir: &Path, options: ClusterOptions) -> Result<Cluster, ClusterError> {
        let bin = find_binaries().ok_or(ClusterError::BinariesNotFound)?;
        let run_as = postgres_user_if_root()?;
        let io = |source| ClusterError::Io {
            path: dir.to_path_buf(),
            source,
        };
        fs::create_dir_all(dir).map_err(io)?;
        let dir = fs::canonicalize(dir).map_err(io)?;
        let socket = dir.join(format!(".s.PGSQL.{PORT}"));
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(ClusterError::PathTooLong(socket));
        }
        let cluster = Cluster {
            dir,
            bin,
            run_as,
            running: false,
        };
        cluster.initialise_if_needed()?;
        cluster.write_settings(options)?;
        cluster.start_server()
    }

    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    /// Connection options for one database of this cluster, over its socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
    }

    /// Copies the running cluster into `to` as a streaming replica of it (pg_basebackup with
    /// `-R`): [`Cluster::start`] on `to` then runs a hot standby with its own socket.
    pub fn base_backup(&self, to: &Path) -> Result<(), ClusterError> {
        let io = |source| ClusterError::Io {
            path: to.to_path_buf(),
            source,
        };
        fs::create_dir_all(to).map_err(io)?;
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(to, fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
        if let Some((uid, gid)) = self.run_as {
            nix::unistd::chown(to, Some(uid), Some(gid)).map_err(|e| io(e.into()))?;
        }
        let port = PORT.to_string();
        self.run(
            "pg_basebackup",
            [
                OsStr::new("-D"),
                to.as_os_str(),
                OsStr::new("-R"),
                OsStr::new("-X"),
                OsStr::new("stream"),
                OsStr::new("--checkpoint=fast"),
                OsStr::new("-h"),
                self.dir.as_os_str(),
                OsStr::new("-p"),
                OsStr::new(&port),
                OsStr::new("-U"),
                OsStr::new(SUPERUSER),
            ],
        )?;
        // The primary's socket lives in its data directory: its lock file came along.
        for entry in fs::read_dir(to).map_err(io)?.flatten() {
            if entry.file_name().to_string_lossy().starts_with(".s.PGSQL.") {
                fs::remove_file(entry.path()).map_err(io)?;
            }
        }
        Ok(())
    }

    /// Stops the server cleanly (fast shutdown: open sessions are ended, data is kept).
    pub fn stop(mut self) -> Result<(), ClusterError> {
        self.stop_server()
    }

    fn stop_server(&mut self) -> Result<(), ClusterError> {
        if !self.running {
            return Ok(());
        }
        self.running = false;
        self.pg_ctl(["stop", "-m", "fast", "-w", "-t", "60"])
            .map(drop)
    }

    fn initialise_if_needed(&self) -> Result<(), ClusterError> {
        if self.dir.join("PG_VERSION").exists() {
            return Ok(());
        }
        let io = |source| ClusterError::Io {
            path: self.dir.clone(),
            source,
        };
        if fs::read_dir(&self.dir).map_err(io)?.next().is_some() {
            return Err(ClusterError::NotACluster(self.dir.clone()));
        }
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700)).map_err(io)?;
        if let Some((uid, gid)) = self.run_as {
            nix::unistd::chown(&self.dir, Some(uid), Some(gid))
                .map_err(|e| io(std::io::Error::from(e)))?;
        }
        self.run(
            "initdb",
            [
                OsStr::new("-D"),
                self.dir.as_os_str(),
                OsStr::new("-U"),
                OsStr::new(SUPERUSER),
                OsStr::new("-A"),
                OsStr::new("trust"),
                OsStr::new("-E"),
                OsStr::new("UTF8"),
                OsStr::new("--no-locale"),
                OsStr::new("--no-instructions"),
            ],
        )?;
        let conf = self.dir.join("postgresql.conf");
        let mut text = fs::read_to_string(&conf).map_err(io)?;
        text.push_str("\ninclude_if_exists = 'scorecard.conf'\n");
        fs::write(&conf, text).map_err(io)
    }

    /// Rewritten at every start, so that a moved data directory still finds its socket.
    fn write_settings(&self, options: ClusterOptions) -> Result<(), ClusterError> {
        let quoted = self.dir.display().to_string().replace('\'', "''");
        let mut text = format!(
            "# Written by scorecard at every start.\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{quoted}'\n\
             unix_socket_permissions = 0700\n\
             port = {PORT}\n\
             max_connections = 100\n"
        );
        if options.ephemeral {
            text.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let path = self.dir.join("scorecard.conf");
        fs::write(&path, text).map_err(|source| ClusterError::Io {
            path: path.clone(),
            source,
        })?;
        if let Some((uid, gid)) = self.run_as {
            nix::unistd::chown(&path, Some(uid), Some(gid)).map_err(|e| ClusterError::Io {
                path,
                source: e.into(),
            })?;
        }
        Ok(())
    }

    fn start_server(mut self) -> Result<Cluster, ClusterError> {
        let already_running = self.pg_ctl(["status"]).is_ok();
        if !already_running {
            let log = self.dir.join("server.log");
            let result = self.pg_ctl([
                OsStr::new("start"),
                OsStr::new("-w"),
                OsStr::new("-t"),
                OsStr::new("60"),
                OsStr::new("-l"),
                log.as_os_str(),
            ]);
            if let Err(ClusterError::Command { command, detail }) = result {
                let tail = fs::read_to_string(&log).unwrap_or_default();
                let tail: Vec<&str> = tail.lines().rev().take(10).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                return Err(ClusterError::Command {
                    command,
                    detail: format!("{detail}\nserver log:\n{}", tail.join("\n")),
                });
            }
        }
        self.running = true;
        tracing::info!(dir = %self.dir.display(), adopted = already_running, "embedded PostgreSQL running");
        Ok(self)
    }

    fn pg_ctl<I, S>(&self, args: I) -> Result<Output, ClusterError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut all: Vec<std::ffi::OsString> = vec!["-D".into(), self.dir.clone().into()];
        all.extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self.run("pg_ctl", all)
    }

    fn run<I, S>(&self, program: &str, args: I) -> Result<Output, ClusterError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let path = self.bin.join(program);
        let mut command = Command::new(&path);
        command.args(args).current_dir(&self.dir).env("LC_ALL", "C");
        if let Some((uid, gid)) = self.run_as {
            command.uid(uid.as_raw()).gid(gid.as_raw());
        }
        let output = command.output().map_err(|e| ClusterError::Command {
            command: path.display().to_string(),
            detail: match (e.kind(), self.run_as) {
                (std::io::ErrorKind::PermissionDenied, Some(_)) => format!(
                    "{e}: the cluster runs as the postgres user, who must be able to reach {} \
                     (make its parent directories searchable, e.g. chmod o+x)",
                    self.dir.display()
                ),
                _ => e.to_string(),
            },
        })?;
        if output.status.success() {
            Ok(output)
        } else {
            Err(ClusterError::Command {
                command: path.display().to_string(),
                detail: format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stdout).trim(),
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            })
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Err(e) = self.stop_server() {
            tracing::error!(error = %e, "could not stop the embedded PostgreSQL");
        }
    }
}

/// The directory holding `initdb` and `pg_ctl`: on PATH, else the newest
/// `/usr/lib/postgresql/*/bin` (Debian's layout).
pub fn find_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    // Where `initdb` really lives (a PATH entry may hold links to a few of the programs only):
    // pg_basebackup, pg_dump and pg_restore are beside it.
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .find(|dir| has_both(dir))
        .map(|dir| {
            fs::canonicalize(dir.join("initdb"))
                .ok()
                .and_then(|real| real.parent().map(Path::to_path_buf))
                .filter(|real| has_both(real))
                .unwrap_or(dir)
        });
    on_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let version = entry.file_name().to_str()?.parse().ok()?;
                let bin = entry.path().join("bin");
                has_both(&bin).then_some((version, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
}

fn postgres_user_if_root() -> Result<Option<(nix::unistd::Uid, nix::unistd::Gid)>, ClusterError> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let user = nix::unistd::User::from_name("postgres")
        .ok()
        .flatten()
        .ok_or(ClusterError::NoPostgresUser)?;
    Ok(Some((user.uid, user.gid)))
}
