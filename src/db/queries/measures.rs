//! The measure catalogue.

use sqlx::{PgConnection, PgPool};

use crate::domain::{Measure, Polarity, Unit};

/// The catalogue's measures, with `$rest` (a `WHERE`, an `ORDER BY`) and its arguments: one
/// statement, checked at compile time.
macro_rules! measure_query {
    ($rest:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Measure,
            r#"SELECT m.code, m.display_code, m.title, m.definition, m.unit AS "unit: Unit",
                 m.unit_label, m.polarity AS "polarity: Polarity", m.decimals, m.domain_slug,
                 d.name AS domain_name, d.position AS domain_position,
                 t.name AS "teasc_section_name?", t.position AS "teasc_position?", m.tier,
                 m.measure_type, m.source, m.frequency, m.strategic_weight, m.tags,
                 m.series_break, m.type_reason, m.catalogued, m.plain_title
               FROM measures m JOIN domains d ON d.slug = m.domain_slug
               LEFT JOIN teasc_sections t ON t.slug = m.teasc_section "# + $rest
            $(, $arg)*
        )
    };
}

/// Every measure, in domain order and then catalogue order.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn catalogue(pool: &PgPool) -> sqlx::Result<Vec<Measure>> {
    measure_query!("ORDER BY d.position, m.position")
        .fetch_all(pool)
        .await
}

/// One measure by its normalised code or any alias (`1C2A`, `1C(2A)`, the 2023-24 `3D2A`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_code_or_alias(pool: &PgPool, code: &str) -> sqlx::Result<Option<Measure>> {
    measure_query!(
        "WHERE m.code = $1 OR m.display_code = $1
           OR m.code IN (SELECT measure_code FROM measure_aliases WHERE alias = $1)
         ORDER BY (m.code = $1) DESC, (m.display_code = $1) DESC LIMIT 1",
        code
    )
    .fetch_optional(pool)
    .await
}

/// Adds a measure an official file carries that the catalogue does not know: the file's code
/// and title, in the performance and outcomes domain (ASCOF), unit and polarity unknown, so that
/// no comparison is claimed until an analyst completes it. `scheme` is the alias scheme of the
/// published code (`published`, or `ascof_2023` for the renumbered codes).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_uncatalogued(
    conn: &mut PgConnection,
    code: &str,
    published: &str,
    title: &str,
    scheme: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO measures (code, display_code, title, definition, unit, unit_label, polarity,
             decimals, domain_slug, tier, measure_type, source, frequency, position, catalogued)
         SELECT $1,
                CASE WHEN EXISTS (SELECT 1 FROM measures WHERE display_code = $2)
                     THEN $2 || ' (' || $1 || ')' ELSE $2 END,
                $3, 'Not yet in the catalogue: imported from an official file.', 'unknown',
                'unknown', 'no_judgement', 1, 'performance-outcomes', 'ascof', 'outcome',
                'NHS Digital ASCOF open data (uncatalogued)', 'annual',
                COALESCE((SELECT max(position) FROM measures), 0) + 1, false
         ON CONFLICT (code) DO NOTHING",
        code,
        published,
        title
    )
    .execute(&mut *conn)
    .await?;
    if let Ok(alias) = published.parse::<crate::domain::MeasureCode>() {
        sqlx::query!(
            "INSERT INTO measure_aliases (scheme, alias, measure_code) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            scheme,
            alias.as_str(),
            code
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// What an analyst sets to complete an uncatalogued measure (or correct a catalogued one).
#[derive(Debug, Clone, Default)]
pub struct MeasureUpdate {
    pub title: Option<String>,
    pub unit: Option<Unit>,
    pub unit_label: Option<String>,
    pub rate_multiplier: Option<i32>,
    pub polarity: Option<Polarity>,
    pub decimals: Option<i16>,
    pub domain_slug: Option<String>,
}

/// A measure an analyst changed, and whether it is now catalogued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    pub code: String,
    pub catalogued: bool,
}

/// Applies an analyst's changes to a measure; it counts as catalogued once it has a unit and a
/// polarity. `None` when there is no such measure.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    pool: &PgPool,
    code: &str,
    change: &MeasureUpdate,
    by: &str,
) -> sqlx::Result<Option<Updated>> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query_as!(
        Updated,
        "UPDATE measures SET title = COALESCE($2, title), unit = COALESCE($3, unit),
             unit_label = COALESCE($4, $3, unit_label),
             rate_multiplier = CASE WHEN COALESCE($3, unit) = 'rate'
                                    THEN COALESCE($5, rate_multiplier, 100000) END,
             polarity = COALESCE($6, polarity), decimals = COALESCE($7, decimals),
             domain_slug = COALESCE($8, domain_slug),
             catalogued = COALESCE($3, unit) <> 'unknown'
         WHERE code = $1
         RETURNING code, catalogued",
        code,
        change.title,
        change.unit as Option<Unit>,
        change.unit_label,
        change.rate_multiplier,
        change.polarity as Option<Polarity>,
        change.decimals,
        change.domain_slug
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(u) = &updated {
        super::audit::record(
            &mut tx,
            by,
            "measure.update",
            &format!("measure {}", u.code),
            None,
            Some(serde_json::json!({
                "title": change.title, "unit": change.unit,
                "polarity": change.polarity,
                "decimals": change.decimals, "domain": change.domain_slug, "catalogued": u.catalogued,
            })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(updated)
}
