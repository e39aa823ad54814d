//! The project's illustrative data set: North West councils, a measure catalogue covering the
//! six domains and ten TEASC sections, and synthetic values. Loaded on the embedded default's
//! first start and by `scorecard seed`.

pub mod catalogue;
pub mod generate;

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use crate::db::queries::areas::upsert_councils_in;
use crate::db::queries::submissions::{self, NewSubmission, RecordOutcome};
use crate::ingest::councils::{CouncilRecord, council_kind};
use catalogue::{AREAS_CSV, AUTHORITIES_CSV, COMMENTARY_CSV, MEASURES_CSV, SeedCatalogue};

/// Bumped whenever the generator changes, so that a changed data set is a new revision.
const GENERATOR_VERSION: &str = "seed-generator-1";
pub const REGION_GROUP: &str = "north-west";

/// What loading the seed did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    Loaded { observations: usize, revision: i32 },
    AlreadyLoaded,
}

/// True when no value has been stored yet: the embedded default then seeds itself.
pub async fn database_is_empty(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM submissions)")
        .fetch_one(pool)
        .await
}

/// Loads the catalogue and values in one transaction; a second load of the same data set is a
/// no-op that says so.
pub async fn load(pool: &PgPool) -> anyhow::Result<SeedOutcome> {
    let catalogue = SeedCatalogue::load()?;
    let sha256 = fingerprint();
    let mut tx = pool.begin().await?;
    let region = catalogue
        .areas
        .iter()
        .find(|a| a.level == "region")
        .ok_or_else(|| anyhow::anyhow!("seed-data/areas.csv has no region"))?
        .clone();
    insert_reference(&mut tx, &catalogue, &region.code).await?;
    let rows = generate::observations(&catalogue, &region);
    let report = serde_json::json!({
        "summary": "Illustrative synthetic data generated from seed-data/",
        "errors": [], "warnings": [],
    });
    let outcome = submissions::record(
        &mut tx,
        &NewSubmission {
            kind: "seed",
            scope: "seed",
            source_filename: "seed-data/",
            sha256: &sha256,
            submitted_by: "scorecard seed",
            report,
        },
        &rows,
    )
    .await?;
    if matches!(outcome, RecordOutcome::Recorded(_)) {
        for c in &catalogue.commentary {
            sqlx::query(
                "INSERT INTO commentary (ons_code, domain_slug, period_code, revision, body, status, author)
                 VALUES ($1, $2, $3, 1, $4, 'published', 'illustrative seed data') ON CONFLICT DO NOTHING",
            )
            .bind(&c.ons_code)
            .bind(&c.domain)
            .bind(&c.period)
            .bind(&c.body)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(match outcome {
        RecordOutcome::Recorded(recorded) => SeedOutcome::Loaded {
            observations: rows.len(),
            revision: recorded.revision,
        },
        RecordOutcome::Unchanged { .. } => SeedOutcome::AlreadyLoaded,
    })
}

fn fingerprint() -> String {
    let mut hasher = Sha256::new();
    for part in [
        GENERATOR_VERSION,
        AUTHORITIES_CSV,
        AREAS_CSV,
        MEASURES_CSV,
        COMMENTARY_CSV,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    format!("{:x}", hasher.finalize())
}

/// Areas, councils, comparator groups and measures; rows already present are left as they are.
async fn insert_reference(
    conn: &mut PgConnection,
    catalogue: &SeedCatalogue,
    region_area: &str,
) -> sqlx::Result<()> {
    for area in &catalogue.areas {
        sqlx::query(
            "INSERT INTO areas (code, name, level) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(&area.code)
        .bind(&area.name)
        .bind(&area.level)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO comparator_groups (slug, name, kind, benchmark_area, source) VALUES
             ('england', 'England', 'england', 'E92000001', 'All English councils'),
             ($1, 'North West', 'region', $2, 'NW ADASS: the councils of the North West Towards Excellence Board')
         ON CONFLICT DO NOTHING",
    )
    .bind(REGION_GROUP)
    .bind(region_area)
    .execute(&mut *conn)
    .await?;
    let councils: Vec<CouncilRecord> = catalogue
        .authorities
        .iter()
        .map(|a| CouncilRecord {
            ons_code: a.ons_code.clone(),
            name: a.name.clone(),
            region: a.region.clone(),
            kind: council_kind(&a.kind).unwrap_or("unitary"),
            sub_region: Some(a.sub_region.clone()),
            population_all: Some(a.population_all),
            population_18_plus: Some(a.population_18_plus),
            population_65_plus: Some(a.population_65_plus),
            population_year: Some("illustrative, rounded".into()),
            cassr_code: a.cassr_code.clone(),
            valid_from: a.valid_from,
            valid_to: a.valid_to,
        })
        .collect();
    upsert_councils_in(&mut *conn, &councils).await?;
    for (position, m) in catalogue.measures.iter().enumerate() {
        sqlx::query(
            "INSERT INTO measures (code, display_code, title, definition, unit, unit_label,
                 rate_multiplier, polarity, decimals, domain_slug, teasc_section, tier,
                 measure_type, source, frequency, strategic_weight, target, amber_tolerance,
                 tolerance_kind, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                 $17, $18, $19, $20)
             ON CONFLICT DO NOTHING",
        )
        .bind(&m.code)
        .bind(&m.display_code)
        .bind(&m.title)
        .bind(&m.definition)
        .bind(m.unit.as_db())
        .bind(&m.unit_label)
        .bind(m.rate_multiplier)
        .bind(m.polarity.as_db())
        .bind(m.decimals as i16)
        .bind(&m.domain)
        .bind(&m.teasc_section)
        .bind(&m.tier)
        .bind(&m.measure_type)
        .bind(&m.source)
        .bind(&m.frequency)
        .bind(m.strategic_weight)
        .bind(m.target)
        .bind(m.amber_tolerance)
        .bind(&m.tolerance_kind)
        .bind(position as i32)
        .execute(&mut *conn)
        .await?;
        let aliases = [
            ("published", Some(&m.display_code)),
            ("ascof_2023", m.ascof_2023.as_ref()),
        ];
        for (scheme, alias) in aliases {
            let Some(alias) = alias.filter(|a| **a != m.code) else {
                continue;
            };
            sqlx::query(
                "INSERT INTO measure_aliases (scheme, alias, measure_code) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(scheme)
            .bind(alias)
            .bind(&m.code)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
