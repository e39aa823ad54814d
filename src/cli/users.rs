//! `scorecard user …`: accounts from the command line (the first analyst of a fresh install is
//! made here).

use std::io::Read;

use crate::accounts;
use crate::config::DatabaseConfig;
use crate::db::queries::users;
use crate::domain::access::Role;

/// Who the command line's writes are recorded as.
pub(super) const ACTOR: &str = "command line";

#[derive(Debug, clap::Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(subcommand)]
    pub action: UserAction,
    /// The address people reach the service at, for sign-in links.
    #[arg(
        long,
        env = "SCORECARD_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000",
        global = true
    )]
    pub public_url: String,
}

#[derive(Debug, clap::Subcommand)]
pub enum UserAction {
    /// Add a user. Without --password-stdin, prints a one-time sign-in link to choose a password.
    Add {
        email: String,
        /// analyst, council or admin.
        #[arg(long)]
        role: Role,
        /// A council user's council (ONS code, e.g. E06000006).
        #[arg(long)]
        council: Option<String>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List every user.
    List,
    /// Stop a user signing in (their sessions end); --enable lets them in again.
    Disable {
        email: String,
        #[arg(long)]
        enable: bool,
    },
    /// Print a new one-time sign-in link; the old password stops working.
    Reset { email: String },
}

pub(super) async fn user(pool: &sqlx::PgPool, args: UserArgs) -> anyhow::Result<()> {
    let letterhead = crate::mail::Letterhead::new(&args.public_url);
    match args.action {
        UserAction::Add {
            email,
            role,
            council,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text)?;
                Some(text.trim_end_matches(['\r', '\n']).to_string())
            } else {
                None
            };
            let (user, token) =
                accounts::add_user(pool, &email, role, council.as_deref(), password, ACTOR).await?;
            println!("added {} ({})", user.email, user.role.label());
            if let Some(token) = token {
                let link =
                    crate::mail::sign_in_link(pool, &letterhead, user.id, &token, true).await?;
                println!(
                    "one-time sign-in link (valid {} hours, also emailed): {link}",
                    accounts::LINK_HOURS
                );
            }
        }
        UserAction::List => {
            for u in users::list(pool).await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    u.email,
                    u.role,
                    u.ons_code.as_deref().unwrap_or("-"),
                    if u.disabled_at.is_some() {
                        "disabled"
                    } else {
                        "active"
                    }
                );
            }
        }
        UserAction::Disable { email, enable } => {
            let user = accounts::set_disabled(pool, &email, !enable, ACTOR).await?;
            println!(
                "{} is {}",
                user.email,
                if user.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                }
            );
        }
        UserAction::Reset { email } => {
            let token = accounts::reset(pool, &email, ACTOR).await?;
            let user = users::by_email(pool, &email.trim().to_lowercase())
                .await?
                .ok_or_else(|| anyhow::anyhow!("no account for {email}"))?;
            let link = crate::mail::sign_in_link(pool, &letterhead, user.id, &token, false).await?;
            println!(
                "one-time sign-in link (valid {} hours, also emailed): {link}",
                accounts::LINK_HOURS
            );
        }
    }
    Ok(())
}
