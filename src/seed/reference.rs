//! The England reference that ships with the service (`seed-data/reference/`, official
//! statistics under the OGL) and the measure catalogue (`seed-data/measures.csv`): every English
//! council since 2014-15, their regions, types and CIPFA nearest neighbours, the North West's
//! sub-regions, and the measures. Loaded on first start and whenever the shipped files change,
//! so that official files import on a fresh install with no prior step.

use anyhow::Context;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use super::catalogue::{AREAS_CSV, AUTHORITIES_CSV, MEASURES_CSV, SeedCatalogue};
use crate::db::queries::areas::{insert_area, replace_neighbours_in, upsert_councils_in};
use crate::db::queries::catalogue::{self, MeasureRecord};
use crate::db::queries::settings;
use crate::ingest::councils::{parse_lookup, parse_neighbours};

pub const LOOKUP_CSV: &[u8] = include_bytes!("../../seed-data/reference/la_lookup.csv");
pub const NEIGHBOURS_CSV: &[u8] = include_bytes!("../../seed-data/reference/neighbours.csv");
const NEIGHBOURS_SOURCE: &str = "seed-data/reference/neighbours.csv";

/// The region of focus the catalogue describes.
pub const REGION_GROUP: &str = "north-west";

/// Bumped when the loading itself changes, so that existing databases reload.
const LOADER_VERSION: &str = "reference-1";

fn fingerprint() -> String {
    let mut hasher = Sha256::new();
    for part in [
        LOADER_VERSION.as_bytes(),
        LOOKUP_CSV,
        NEIGHBOURS_CSV,
        AUTHORITIES_CSV.as_bytes(),
        AREAS_CSV.as_bytes(),
        MEASURES_CSV.as_bytes(),
    ] {
        hasher.update(part);
        hasher.update([0]);
    }
    format!("{:x}", hasher.finalize())
}

/// The catalogue's measures, in its order, with their published and 2023-24 codes as aliases.
async fn insert_measures(
    tx: &mut sqlx::PgConnection,
    catalogue: &SeedCatalogue,
) -> anyhow::Result<()> {
    for (position, m) in catalogue.measures.iter().enumerate() {
        let mut aliases = Vec::new();
        if m.display_code != m.code {
            aliases.push(("published", m.display_code.as_str()));
        }
        if let Some(renumbered) = &m.ascof_2023 {
            aliases.push(("ascof_2023", renumbered.as_str()));
        }
        catalogue::insert_measure(
            &mut *tx,
            &MeasureRecord {
                code: &m.code,
                display_code: &m.display_code,
                title: &m.title,
                definition: &m.definition,
                unit: m.unit.as_str(),
                unit_label: &m.unit_label,
                rate_multiplier: m.rate_multiplier,
                polarity: m.polarity.as_str(),
                decimals: i16::try_from(m.decimals).unwrap_or(1),
                domain: &m.domain,
                teasc_section: m.teasc_section.as_deref(),
                tier: &m.tier,
                measure_type: &m.measure_type,
                source: &m.source,
                frequency: &m.frequency,
                strategic_weight: m.strategic_weight,
                amber_tolerance: m.amber_tolerance,
                tolerance_kind: m.tolerance_kind.as_deref(),
                position: i32::try_from(position).unwrap_or(i32::MAX),
                tags: m.tags(),
                series_break: m.series_break.as_deref(),
                type_reason: m.type_reason.as_deref(),
                plain_title: m.plain_title.as_deref(),
                aliases,
            },
        )
        .await?;
    }
    Ok(())
}

/// Loads the shipped reference unless this version of it is loaded already; true when it
/// loaded. One transaction: all of it or none.
pub async fn ensure(pool: &PgPool) -> anyhow::Result<bool> {
    let sha = fingerprint();
    if settings::get(pool, settings::REFERENCE_FINGERPRINT)
        .await?
        .as_deref()
        == Some(sha.as_str())
    {
        return Ok(false);
    }
    let describe = |name: &str, issues: Vec<crate::ingest::report::Issue>| {
        let report = crate::ingest::report::Report::new(name);
        let first = issues
            .first()
            .map(|i| report.describe(i))
            .unwrap_or_default();
        anyhow::anyhow!(
            "the shipped {name} has {} errors, first: {first}",
            issues.len()
        )
    };
    let councils = parse_lookup("seed-data/reference/la_lookup.csv", LOOKUP_CSV)
        .map_err(|e| describe("la_lookup.csv", e))?;
    let neighbours = parse_neighbours("seed-data/reference/neighbours.csv", NEIGHBOURS_CSV)
        .map_err(|e| describe("neighbours.csv", e))?;
    let catalogue = SeedCatalogue::load()?;
    let mut tx = pool.begin().await?;
    for area in &catalogue.areas {
        insert_area(&mut tx, &area.code, &area.name, &area.level).await?;
    }
    upsert_councils_in(&mut tx, &councils).await?;
    replace_neighbours_in(&mut tx, &neighbours, NEIGHBOURS_SOURCE).await?;
    let region = catalogue
        .areas
        .iter()
        .find(|a| a.level == "region")
        .context("seed-data/areas.csv has no region")?;
    catalogue::insert_region_group(
        &mut tx,
        REGION_GROUP,
        &region.name,
        &region.code,
        "NW ADASS: the councils of the North West Towards Excellence Board",
    )
    .await?;
    for a in &catalogue.authorities {
        catalogue::set_sub_region(&mut tx, &a.ons_code, &a.sub_region).await?;
    }
    insert_measures(&mut tx, &catalogue).await?;
    settings::set(&mut *tx, settings::REFERENCE_FINGERPRINT, &sha).await?;
    tx.commit().await?;
    Ok(true)
}
