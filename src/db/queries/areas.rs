//! Councils, benchmark areas and comparator groups.

use sqlx::{PgConnection, PgPool};

use crate::domain::reference::{CouncilRecord, NeighbourPair, region_code, region_slug};
use crate::domain::{Authority, Period};

/// Councils as the scorecard shows them, from `authorities a` and `$from_rest` (joins, a
/// `WHERE`, an `ORDER BY`) with its arguments: one statement, checked at compile time.
macro_rules! authority_query {
    ($rest:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Authority,
            "SELECT a.ons_code, a.name, a.kind, a.region, a.sub_region, a.population_all,
                    a.population_18_plus, a.population_65_plus " + $rest
            $(, $arg)*
        )
    };
}

/// Every council's name by ONS code.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn council_names(
    pool: &PgPool,
) -> sqlx::Result<std::collections::HashMap<String, String>> {
    let rows = sqlx::query!("SELECT ons_code, name FROM authorities")
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|r| (r.ons_code, r.name)).collect())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn authority(pool: &PgPool, ons_code: &str) -> sqlx::Result<Option<Authority>> {
    authority_query!("FROM authorities a WHERE a.ons_code = $1", ons_code)
        .fetch_optional(pool)
        .await
}

/// A comparator group: its name and the area whose published values benchmark it.
#[derive(Debug, Clone)]
pub struct ComparatorGroup {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub benchmark_area: Option<String>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn comparator_group(pool: &PgPool, slug: &str) -> sqlx::Result<Option<ComparatorGroup>> {
    sqlx::query_as!(
        ComparatorGroup,
        "SELECT slug, name, kind, benchmark_area FROM comparator_groups WHERE slug = $1",
        slug
    )
    .fetch_optional(pool)
    .await
}

/// The members of a group during a period (e.g. Cumbria until 2022-23, its successors after),
/// ordered by name.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn members_during(
    pool: &PgPool,
    group_slug: &str,
    period: Period,
) -> sqlx::Result<Vec<Authority>> {
    authority_query!(
        "FROM comparator_group_members m
         JOIN authorities a ON a.ons_code = m.ons_code
         WHERE m.group_slug = $1
           AND (m.valid_from IS NULL OR m.valid_from <= $3)
           AND (m.valid_to IS NULL OR m.valid_to >= $2)
           AND (a.valid_from IS NULL OR a.valid_from <= $3)
           AND (a.valid_to IS NULL OR a.valid_to >= $2)
         ORDER BY a.name",
        group_slug,
        period.starts_on(),
        period.ends_on()
    )
    .fetch_all(pool)
    .await
}

/// Adds a benchmark area (England, a region, a council type) unless it is known.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_area(
    conn: &mut PgConnection,
    code: &str,
    name: &str,
    level: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO areas (code, name, level) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
        code,
        name,
        level
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Adds or updates councils from the lookup, with their region, type and England groups, in one
/// transaction. Sub-regions already recorded are kept.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn upsert_councils(
    pool: &PgPool,
    councils: &[CouncilRecord],
    by: &str,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    upsert_councils_in(&mut tx, councils).await?;
    super::audit::record(
        &mut tx,
        by,
        "reference.councils",
        "the council lookup",
        None,
        Some(serde_json::json!({ "councils": councils.len() })),
    )
    .await?;
    tx.commit().await
}

/// As [`upsert_councils`], inside the caller's transaction: one statement per table, whatever
/// the number of councils (array binds; a council listed twice counts once, the last).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn upsert_councils_in(
    tx: &mut PgConnection,
    councils: &[CouncilRecord],
) -> sqlx::Result<()> {
    let mut seen = std::collections::HashSet::new();
    let mut councils: Vec<&CouncilRecord> = councils
        .iter()
        .rev()
        .filter(|c| seen.insert(c.ons_code.as_str()))
        .collect();
    councils.reverse();
    let codes: Vec<&str> = councils.iter().map(|c| c.ons_code.as_str()).collect();
    let names: Vec<&str> = councils.iter().map(|c| c.name.as_str()).collect();
    let regions: Vec<&str> = councils.iter().map(|c| c.region.as_str()).collect();
    let region_areas: Vec<&str> = councils
        .iter()
        .map(|c| region_code(&c.region).unwrap_or(crate::domain::ENGLAND))
        .collect();
    let region_groups: Vec<String> = councils.iter().map(|c| region_slug(&c.region)).collect();
    sqlx::query!(
        "INSERT INTO areas (code, name, level) VALUES ('E92000001', 'England', 'england')
         ON CONFLICT DO NOTHING"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO comparator_groups (slug, name, kind, benchmark_area, source)
         VALUES ('england', 'England', 'england', 'E92000001', 'All English councils')
         ON CONFLICT DO NOTHING"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO areas (code, name, level)
         SELECT code, name, 'region' FROM UNNEST($1::text[], $2::text[]) AS r (code, name)
         ON CONFLICT DO NOTHING",
        &region_areas[..] as &[&str],
        &regions[..] as &[&str]
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO areas (code, name, level)
         SELECT code, name, 'council' FROM UNNEST($1::text[], $2::text[]) AS c (code, name)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name",
        &codes[..] as &[&str],
        &names[..] as &[&str]
    )
    .execute(&mut *tx)
    .await?;
    upsert_authorities(tx, &councils).await?;
    join_groups(
        tx,
        &codes,
        &councils,
        &region_groups,
        &regions,
        &region_areas,
    )
    .await?;
    Ok(())
}

/// Each council in its region's group, England's and its type's (the groups made if new).
#[tracing::instrument(level = "debug", skip_all)]
async fn join_groups(
    tx: &mut PgConnection,
    codes: &[&str],
    councils: &[&CouncilRecord],
    region_groups: &[String],
    regions: &[&str],
    region_areas: &[&str],
) -> sqlx::Result<()> {
    let type_groups: Vec<String> = councils
        .iter()
        .map(|c| format!("type-{}", c.kind.replace('_', "-")))
        .collect();
    let type_names: Vec<&str> = councils.iter().map(|c| type_group_name(c.kind)).collect();
    sqlx::query!(
        "INSERT INTO comparator_groups (slug, name, kind, benchmark_area, source)
         SELECT slug, name, 'region', area, 'Council lookup'
         FROM UNNEST($1::text[], $2::text[], $3::text[]) AS g (slug, name, area)
         ON CONFLICT DO NOTHING",
        region_groups,
        regions as &[&str],
        region_areas as &[&str]
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO comparator_groups (slug, name, kind, source)
         SELECT slug, name, 'council_type', 'Council type'
         FROM UNNEST($1::text[], $2::text[]) AS g (slug, name)
         ON CONFLICT DO NOTHING",
        &type_groups[..],
        &type_names[..] as &[&str]
    )
    .execute(&mut *tx)
    .await?;
    let from: Vec<Option<chrono::NaiveDate>> = councils.iter().map(|c| c.valid_from).collect();
    let to: Vec<Option<chrono::NaiveDate>> = councils.iter().map(|c| c.valid_to).collect();
    sqlx::query!(
        "INSERT INTO comparator_group_members (group_slug, ons_code, valid_from, valid_to)
         SELECT g.slug, c.code, c.valid_from, c.valid_to
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::date[], $5::date[])
              AS c (code, region_group, type_group, valid_from, valid_to)
         CROSS JOIN LATERAL (VALUES (c.region_group), ('england'), (c.type_group)) AS g (slug)
         ON CONFLICT (group_slug, ons_code) DO UPDATE SET valid_from = EXCLUDED.valid_from,
             valid_to = EXCLUDED.valid_to",
        codes as &[&str],
        region_groups,
        &type_groups[..],
        &from[..] as &[Option<chrono::NaiveDate>],
        &to[..] as &[Option<chrono::NaiveDate>]
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The councils' own records, added or updated (sub-regions and CASSR codes already recorded
/// are kept when the lookup has none).
#[tracing::instrument(level = "debug", skip_all)]
async fn upsert_authorities(
    tx: &mut PgConnection,
    councils: &[&CouncilRecord],
) -> sqlx::Result<()> {
    let text =
        |f: fn(&CouncilRecord) -> &str| -> Vec<&str> { councils.iter().map(|c| f(c)).collect() };
    let maybe = |f: fn(&CouncilRecord) -> Option<&str>| -> Vec<Option<&str>> {
        councils.iter().map(|c| f(c)).collect()
    };
    let number = |f: fn(&CouncilRecord) -> Option<i32>| -> Vec<Option<i32>> {
        councils.iter().map(|c| f(c)).collect()
    };
    let date =
        |f: fn(&CouncilRecord) -> Option<chrono::NaiveDate>| -> Vec<Option<chrono::NaiveDate>> {
            councils.iter().map(|c| f(c)).collect()
        };
    sqlx::query!(
        "INSERT INTO authorities (ons_code, cassr_code, name, kind, region, population_all,
             population_18_plus, population_65_plus, population_year, valid_from, valid_to, sub_region)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
             $6::int[], $7::int[], $8::int[], $9::text[], $10::date[], $11::date[], $12::text[])
         ON CONFLICT (ons_code) DO UPDATE SET cassr_code = COALESCE(EXCLUDED.cassr_code, authorities.cassr_code),
             sub_region = COALESCE(EXCLUDED.sub_region, authorities.sub_region),
             name = EXCLUDED.name, kind = EXCLUDED.kind, region = EXCLUDED.region,
             population_all = EXCLUDED.population_all, population_18_plus = EXCLUDED.population_18_plus,
             population_65_plus = EXCLUDED.population_65_plus, population_year = EXCLUDED.population_year,
             valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to",
        &text(|c| &c.ons_code)[..] as &[&str],
        &maybe(|c| c.cassr_code.as_deref())[..] as &[Option<&str>],
        &text(|c| &c.name)[..] as &[&str],
        &text(|c| c.kind)[..] as &[&str],
        &text(|c| &c.region)[..] as &[&str],
        &number(|c| c.population_all)[..] as &[Option<i32>],
        &number(|c| c.population_18_plus)[..] as &[Option<i32>],
        &number(|c| c.population_65_plus)[..] as &[Option<i32>],
        &maybe(|c| c.population_year.as_deref())[..] as &[Option<&str>],
        &date(|c| c.valid_from)[..] as &[Option<chrono::NaiveDate>],
        &date(|c| c.valid_to)[..] as &[Option<chrono::NaiveDate>],
        &maybe(|c| c.sub_region.as_deref())[..] as &[Option<&str>]
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// The name of the comparator group of councils of one type.
fn type_group_name(kind: &str) -> &'static str {
    match kind {
        "county" => "County councils",
        "unitary" => "Unitary authorities",
        "metropolitan_district" => "Metropolitan districts",
        _ => "London boroughs",
    }
}

/// Replaces each listed council's nearest-neighbour group with the pairs given.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn replace_neighbours(
    pool: &PgPool,
    pairs: &[NeighbourPair],
    source: &str,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    replace_neighbours_in(&mut tx, pairs, source).await?;
    super::audit::record(
        &mut tx,
        source,
        "reference.neighbours",
        "the nearest neighbours",
        None,
        Some(serde_json::json!({ "pairs": pairs.len() })),
    )
    .await?;
    tx.commit().await
}

/// As [`replace_neighbours`], inside the caller's transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn replace_neighbours_in(
    tx: &mut PgConnection,
    pairs: &[NeighbourPair],
    source: &str,
) -> sqlx::Result<()> {
    let mut owners: Vec<&str> = pairs.iter().map(|(a, _, _)| a.as_str()).collect();
    owners.sort_unstable();
    owners.dedup();
    for owner in owners {
        let slug = format!("neighbours-{}", owner.to_lowercase());
        sqlx::query!("DELETE FROM comparator_groups WHERE slug = $1", &slug)
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "INSERT INTO comparator_groups (slug, name, kind, owner_ons_code, source)
             SELECT $1, 'Nearest neighbours of ' || name, 'nearest_neighbours', ons_code, $3
             FROM authorities WHERE ons_code = $2",
            &slug,
            owner,
            source
        )
        .execute(&mut *tx)
        .await?;
    }
    let groups: Vec<String> = pairs
        .iter()
        .map(|(a, _, _)| format!("neighbours-{}", a.to_lowercase()))
        .collect();
    let members: Vec<&str> = pairs.iter().map(|(_, b, _)| b.as_str()).collect();
    let ranks: Vec<Option<i16>> = pairs.iter().map(|(_, _, r)| *r).collect();
    sqlx::query!(
        "INSERT INTO comparator_group_members (group_slug, ons_code, rank)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::smallint[])",
        &groups[..],
        &members[..] as &[&str],
        &ranks[..] as &[Option<i16>]
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
