//! The measure catalogue.

use sqlx::PgPool;

use crate::domain::Measure;

macro_rules! measure_select {
    () => {
        "SELECT m.code, m.display_code, m.title, m.definition, m.unit, \
     m.unit_label, m.polarity, m.decimals, m.domain_slug, d.name AS domain_name, \
     d.position AS domain_position, t.name AS teasc_section_name, m.tier, m.measure_type, \
     m.source, m.frequency, m.strategic_weight \
     FROM measures m JOIN domains d ON d.slug = m.domain_slug \
     LEFT JOIN teasc_sections t ON t.slug = m.teasc_section"
    };
}

/// Every measure, in domain order and then catalogue order.
pub async fn catalogue(pool: &PgPool) -> sqlx::Result<Vec<Measure>> {
    sqlx::query_as(concat!(
        measure_select!(),
        " ORDER BY d.position, m.position"
    ))
    .fetch_all(pool)
    .await
}

/// One measure by its normalised code or any alias (`1C2A`, `1C(2A)`, the 2023-24 `3D2A`).
pub async fn by_code_or_alias(pool: &PgPool, code: &str) -> sqlx::Result<Option<Measure>> {
    sqlx::query_as(concat!(
        measure_select!(),
        " WHERE m.code = $1 OR m.display_code = $1 \
         OR m.code IN (SELECT measure_code FROM measure_aliases WHERE alias = $1) \
         ORDER BY (m.code = $1) DESC, (m.display_code = $1) DESC LIMIT 1"
    ))
    .bind(code)
    .fetch_optional(pool)
    .await
}
