//! Configuration from the command line and environment variables (every one shown by `--help`).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the data lives: a PostgreSQL server named by `DATABASE_URL`, or the embedded default.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseConfig {
    /// PostgreSQL server to use (the database is created if missing). Unset: run the embedded
    /// default cluster under SCORECARD_DATA_DIR.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Directory for the embedded cluster's files (in `postgres/` below it).
    #[arg(long, env = "SCORECARD_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

impl DatabaseConfig {
    pub fn cluster_dir(&self) -> PathBuf {
        self.data_dir.join("postgres")
    }
}

/// How the web service runs.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,

    /// A streaming replica for public reads (pages and API for people not signed in); writes
    /// and signed-in reads stay on the primary.
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true)]
    pub database_read_url: Option<String>,

    /// Address and port to listen on.
    #[arg(long, env = "SCORECARD_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// The comparator group that is the region of focus (e.g. north-west, west-midlands).
    #[arg(long, env = "SCORECARD_REGION", default_value = "north-west")]
    pub region: String,

    /// The largest file accepted for upload, in bytes.
    #[arg(long, env = "SCORECARD_MAX_UPLOAD_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_upload_bytes: usize,

    /// The address people reach the service at (e.g. https://scorecard.example.org). When it
    /// is https, session cookies are marked Secure.
    #[arg(long, env = "SCORECARD_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Reverse proxies whose `X-Forwarded-For` is believed (comma-separated addresses): behind
    /// them, throttling and per-client limits use the client's address the proxy names.
    #[arg(long, env = "SCORECARD_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Connections open at once (fewer if the process's file limit is lower).
    #[arg(long, env = "SCORECARD_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,

    /// Requests one client address may have in flight at once (more are answered 429).
    #[arg(long, env = "SCORECARD_PER_CLIENT_IN_FLIGHT", default_value_t = crate::web::admission::PER_CLIENT)]
    pub per_client_in_flight: usize,

    /// The SMTP server email is sent through: `smtp://host:25`, `smtp://user:password@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:password@host` (TLS). Unset: mail is off (it waits in the
    /// queue).
    #[arg(long, env = "SCORECARD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The address email comes from, e.g. `North West scorecard <scorecard@example.org>`.
    #[arg(long, env = "SCORECARD_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Seconds between the sender's passes over the email queue (and the reminders' check).
    #[arg(long, env = "SCORECARD_MAIL_EVERY", default_value_t = 30)]
    pub mail_every: u64,

    /// Load the illustrative seed data when the database has no data yet.
    #[arg(long, env = "SCORECARD_SEED", default_value_t = true, action = clap::ArgAction::Set)]
    pub seed: bool,
}

/// What the web layer needs to know besides the database.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub region: String,
    pub max_upload_bytes: usize,
    /// Where people reach the service, if configured.
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            region: "north-west".into(),
            max_upload_bytes: 64 * 1024 * 1024,
            public_url: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Where links point when the service's public address is not configured.
pub const LOCAL_ADDRESS: &str = "http://127.0.0.1:3000";

impl SiteConfig {
    /// How emails address their links (the public address) and sign off.
    pub fn letterhead(&self) -> crate::mail::Letterhead {
        crate::mail::Letterhead::new(self.public_url.as_deref().unwrap_or(LOCAL_ADDRESS))
    }

    /// Session cookies are `Secure` when the service is reached over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"))
    }
}
