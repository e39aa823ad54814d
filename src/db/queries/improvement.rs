//! A council's improvement themes: each edit a new version, the latest shown, audited.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use super::audit;

/// A theme's latest version.
#[derive(Debug, Clone)]
pub struct Theme {
    pub id: i64,
    pub version: i32,
    pub title: String,
    pub measures: Vec<String>,
    pub director: String,
    pub plan: String,
    pub progress: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// What a version records.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Edit<'a> {
    pub title: &'a str,
    pub measures: &'a [String],
    pub director: &'a str,
    pub plan: &'a str,
    pub progress: &'a str,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn current(db: impl PgExecutor<'_>, council: &str) -> sqlx::Result<Vec<Theme>> {
    sqlx::query_as!(
        Theme,
        "SELECT DISTINCT ON (t.id) t.id, v.version, v.title, v.measures, v.director, v.plan,
                v.progress, v.recorded_by, v.recorded_at
         FROM improvement_themes t JOIN improvement_theme_versions v ON v.theme_id = t.id
         WHERE t.ons_code = $1 ORDER BY t.id, v.version DESC",
        council
    )
    .fetch_all(db)
    .await
}

/// Adds a theme (`theme` none) or its next version; none when the theme is not the council's.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn save(
    conn: &mut PgConnection,
    council: &str,
    theme: Option<i64>,
    edit: &Edit<'_>,
    by: &str,
) -> sqlx::Result<Option<(i64, i32)>> {
    let id = match theme {
        Some(id) => {
            let owned = sqlx::query_scalar!(
                "SELECT id FROM improvement_themes WHERE id = $1 AND ons_code = $2 FOR UPDATE",
                id,
                council
            )
            .fetch_optional(&mut *conn)
            .await?;
            match owned {
                Some(id) => id,
                None => return Ok(None),
            }
        }
        None => sqlx::query_scalar!(
            "INSERT INTO improvement_themes (ons_code, created_by) VALUES ($1, $2) RETURNING id",
            council,
            by
        )
        .fetch_one(&mut *conn)
        .await?,
    };
    let version = sqlx::query_scalar!(
        r#"INSERT INTO improvement_theme_versions
               (theme_id, version, title, measures, director, plan, progress, recorded_by)
           SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7
           FROM improvement_theme_versions WHERE theme_id = $1
           RETURNING version"#,
        id,
        edit.title,
        edit.measures,
        edit.director,
        edit.plan,
        edit.progress,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        by,
        "improvement.theme",
        &format!("improvement theme {id} of {council}, version {version}"),
        None,
        Some(serde_json::json!(edit)),
    )
    .await?;
    Ok(Some((id, version)))
}
