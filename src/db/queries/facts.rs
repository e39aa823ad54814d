//! The regional facts the analyst keeps per council: each recording kept, the latest current.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::domain::facts::FactKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub kind: FactKind,
    pub value: String,
    pub source: String,
    pub as_of: NaiveDate,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A fact as recorded (checked already).
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewFact<'a> {
    pub ons_code: &'a str,
    pub kind: FactKind,
    pub value: &'a str,
    pub source: &'a str,
    pub as_of: NaiveDate,
}

/// Records a fact (a new row: the earlier ones stay), audited as `fact.record` by `by`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record(conn: &mut PgConnection, fact: &NewFact<'_>, by: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO council_facts (ons_code, kind, value, source, as_of, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        fact.ons_code,
        fact.kind as FactKind,
        fact.value,
        fact.source,
        fact.as_of,
        by
    )
    .execute(&mut *conn)
    .await?;
    let object = format!("council {} fact {}", fact.ons_code, fact.kind);
    super::audit::record(
        conn,
        by,
        "fact.record",
        &object,
        None,
        Some(serde_json::json!(fact)),
    )
    .await
}

/// Every fact of every council as recorded, the latest recording first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<crate::domain::records::Fact>> {
    sqlx::query_as!(
        crate::domain::records::Fact,
        r#"SELECT ons_code AS council, kind AS "kind: FactKind", value, as_of FROM council_facts
           ORDER BY recorded_at DESC, id DESC"#
    )
    .fetch_all(db)
    .await
}

/// A council's current facts (the latest recording of each kind).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn current(db: impl PgExecutor<'_>, ons_code: &str) -> sqlx::Result<Vec<Fact>> {
    sqlx::query_as!(
        Fact,
        r#"SELECT DISTINCT ON (kind) kind AS "kind: FactKind", value, source, as_of, recorded_by,
                  recorded_at
           FROM council_facts WHERE ons_code = $1 ORDER BY kind, id DESC"#,
        ons_code
    )
    .fetch_all(db)
    .await
}
