//! Reciprocity's records: the analyst's excellence entries, Beacon events, officer and member
//! days given, and councils' signing of the memorandum. Each write is audited.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};

use super::audit;

/// An analyst's entry in the excellence directory: (council, area, summary, contact).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn entries(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<Vec<(String, String, String, String)>> {
    Ok(
        sqlx::query!("SELECT ons_code, area, summary, contact FROM excellence_entries ORDER BY id")
            .fetch_all(db)
            .await?
            .into_iter()
            .map(|r| (r.ons_code, r.area, r.summary, r.contact))
            .collect(),
    )
}

/// A Beacon event: (host, held on, topic, funding).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn events(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<Vec<(String, NaiveDate, String, String)>> {
    Ok(sqlx::query!(
        "SELECT host, held_on, topic, funding FROM beacon_events ORDER BY held_on DESC, id"
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.host, r.held_on, r.topic, r.funding))
    .collect())
}

/// Officer and member days given: (giver, receiver, days).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn contributions(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<Vec<(String, String, Decimal)>> {
    Ok(
        sqlx::query!("SELECT giver, receiver, days FROM contributions ORDER BY id")
            .fetch_all(db)
            .await?
            .into_iter()
            .map(|r| (r.giver, r.receiver, r.days))
            .collect(),
    )
}

/// A council's latest signing of the memorandum: (council, DASS, lead member, chief executive,
/// signed on, review due).
pub type Signup = (String, String, String, String, NaiveDate, NaiveDate);

#[tracing::instrument(level = "debug", skip_all)]
pub async fn signups(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Signup>> {
    Ok(sqlx::query!(
        "SELECT DISTINCT ON (ons_code) ons_code, dass, lead_member, chief_executive, signed_on,
                review_due
         FROM mou_signups ORDER BY ons_code, signed_on DESC, id DESC"
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| {
        (
            r.ons_code,
            r.dass,
            r.lead_member,
            r.chief_executive,
            r.signed_on,
            r.review_due,
        )
    })
    .collect())
}

/// One of reciprocity's records, as the analyst enters it.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record<'a> {
    Excellence {
        council: &'a str,
        area: &'a str,
        summary: &'a str,
        contact: &'a str,
    },
    Event {
        host: &'a str,
        held_on: NaiveDate,
        topic: &'a str,
        funding: &'a str,
    },
    Contribution {
        giver: &'a str,
        receiver: &'a str,
        kind: &'a str,
        days: Decimal,
        given_on: NaiveDate,
        note: &'a str,
    },
    Signup {
        council: &'a str,
        dass: &'a str,
        lead_member: &'a str,
        chief_executive: &'a str,
        signed_on: NaiveDate,
        review_due: NaiveDate,
    },
}

/// Stores a record, audited as `reciprocity.{record}`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add(conn: &mut PgConnection, record: &Record<'_>, by: &str) -> sqlx::Result<()> {
    let action = match *record {
        Record::Excellence { .. } => {
            excellence(conn, record, by).await?;
            "reciprocity.excellence"
        }
        Record::Event { .. } => {
            event(conn, record, by).await?;
            "reciprocity.event"
        }
        Record::Contribution { .. } => {
            contribution(conn, record, by).await?;
            "reciprocity.contribution"
        }
        Record::Signup { .. } => {
            signup(conn, record, by).await?;
            "reciprocity.signup"
        }
    };
    audit::record(
        conn,
        by,
        action,
        "reciprocity",
        None,
        Some(serde_json::json!(record)),
    )
    .await
}

async fn excellence(conn: &mut PgConnection, record: &Record<'_>, by: &str) -> sqlx::Result<()> {
    if let Record::Excellence {
        council,
        area,
        summary,
        contact,
    } = *record
    {
        sqlx::query!(
            "INSERT INTO excellence_entries (ons_code, area, summary, contact, recorded_by)
             VALUES ($1, $2, $3, $4, $5)",
            council,
            area,
            summary,
            contact,
            by
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

async fn event(conn: &mut PgConnection, record: &Record<'_>, by: &str) -> sqlx::Result<()> {
    if let Record::Event {
        host,
        held_on,
        topic,
        funding,
    } = *record
    {
        sqlx::query!(
            "INSERT INTO beacon_events (host, held_on, topic, funding, recorded_by)
             VALUES ($1, $2, $3, $4, $5)",
            host,
            held_on,
            topic,
            funding,
            by
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

async fn contribution(conn: &mut PgConnection, record: &Record<'_>, by: &str) -> sqlx::Result<()> {
    if let Record::Contribution {
        giver,
        receiver,
        kind,
        days,
        given_on,
        note,
    } = *record
    {
        sqlx::query!(
            "INSERT INTO contributions (giver, receiver, kind, days, given_on, note, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            giver,
            receiver,
            kind,
            days,
            given_on,
            note,
            by
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

async fn signup(conn: &mut PgConnection, record: &Record<'_>, by: &str) -> sqlx::Result<()> {
    if let Record::Signup {
        council,
        dass,
        lead_member,
        chief_executive,
        signed_on,
        review_due,
    } = *record
    {
        sqlx::query!(
            "INSERT INTO mou_signups (ons_code, dass, lead_member, chief_executive, signed_on,
                 review_due, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            council,
            dass,
            lead_member,
            chief_executive,
            signed_on,
            review_due,
            by
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}
