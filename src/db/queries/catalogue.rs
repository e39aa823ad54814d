//! Writing the shipped catalogue: measures with their aliases, benchmark areas, the region of
//! focus and councils' sub-regions. Rows already present are left as they are, so that an
//! analyst's changes survive an upgrade.

use rust_decimal::Decimal;
use sqlx::PgConnection;

/// A catalogue measure as stored.
#[derive(Debug, Clone)]
pub struct MeasureRecord<'a> {
    pub code: &'a str,
    pub display_code: &'a str,
    pub title: &'a str,
    pub definition: &'a str,
    pub unit: &'a str,
    pub unit_label: &'a str,
    pub rate_multiplier: Option<i32>,
    pub polarity: &'a str,
    pub decimals: i16,
    pub domain: &'a str,
    pub teasc_section: Option<&'a str>,
    pub tier: &'a str,
    pub measure_type: &'a str,
    pub source: &'a str,
    pub frequency: &'a str,
    pub strategic_weight: i16,
    pub amber_tolerance: Option<Decimal>,
    pub tolerance_kind: Option<&'a str>,
    pub position: i32,
    pub tags: Vec<&'a str>,
    pub series_break: Option<&'a str>,
    pub type_reason: Option<&'a str>,
    pub plain_title: Option<&'a str>,
    /// Other codes: (scheme, alias).
    pub aliases: Vec<(&'a str, &'a str)>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_measure(conn: &mut PgConnection, m: &MeasureRecord<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO measures (code, display_code, title, definition, unit, unit_label,
             rate_multiplier, polarity, decimals, domain_slug, teasc_section, tier,
             measure_type, source, frequency, strategic_weight, amber_tolerance,
             tolerance_kind, position, tags, series_break, type_reason, plain_title)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
             $17, $18, $19, $20, $21, $22, $23)
         ON CONFLICT DO NOTHING",
        m.code,
        m.display_code,
        m.title,
        m.definition,
        m.unit,
        m.unit_label,
        m.rate_multiplier,
        m.polarity,
        m.decimals,
        m.domain,
        m.teasc_section,
        m.tier,
        m.measure_type,
        m.source,
        m.frequency,
        m.strategic_weight,
        m.amber_tolerance,
        m.tolerance_kind,
        m.position,
        &m.tags[..] as &[&str],
        m.series_break,
        m.type_reason,
        m.plain_title
    )
    .execute(&mut *conn)
    .await?;
    for (scheme, alias) in &m.aliases {
        sqlx::query!(
            "INSERT INTO measure_aliases (scheme, alias, measure_code) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            scheme,
            alias,
            m.code
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Makes `slug` the comparator group of a region whose published values are `area`'s.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_region_group(
    conn: &mut PgConnection,
    slug: &str,
    name: &str,
    area: &str,
    source: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO comparator_groups (slug, name, kind, benchmark_area, source)
         VALUES ($1, $2, 'region', $3, $4)
         ON CONFLICT (slug) DO UPDATE SET source = EXCLUDED.source",
        slug,
        name,
        area,
        source
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Records a council's sub-region (e.g. Greater Manchester).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_sub_region(
    conn: &mut PgConnection,
    ons_code: &str,
    sub_region: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE authorities SET sub_region = $2 WHERE ons_code = $1",
        ons_code,
        sub_region
    )
    .execute(conn)
    .await
    .map(drop)
}

/// A target for every council, owned by `source` (`analyst`, `national`, `illustrative`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_target(
    conn: &mut PgConnection,
    measure: &str,
    target: Decimal,
    amber_tolerance: Decimal,
    tolerance_kind: &str,
    source: &str,
    set_by: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
"INSERT INTO measure_targets (measure_code, target, amber_tolerance, tolerance_kind, source, set_by)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
measure,
target,
amber_tolerance,
tolerance_kind,
source,
set_by
)
    .execute(conn)
    .await
    .map(drop)
}

/// Removes every target owned by `source`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remove_targets(conn: &mut PgConnection, source: &str) -> sqlx::Result<u64> {
    Ok(
        sqlx::query!("DELETE FROM measure_targets WHERE source = $1", source)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
