//! Councils, benchmark areas and comparator groups.

use sqlx::PgPool;

use crate::domain::{Authority, Period};

macro_rules! authority_columns {
    () => {
        "a.ons_code, a.name, a.kind, a.region, a.sub_region, \
         a.population_all, a.population_18_plus, a.population_65_plus"
    };
}

pub async fn authority(pool: &PgPool, ons_code: &str) -> sqlx::Result<Option<Authority>> {
    sqlx::query_as(concat!(
        "SELECT ",
        authority_columns!(),
        " FROM authorities a WHERE a.ons_code = $1"
    ))
    .bind(ons_code)
    .fetch_optional(pool)
    .await
}

/// A comparator group: its name and the area whose published values benchmark it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ComparatorGroup {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub benchmark_area: Option<String>,
}

pub async fn comparator_group(pool: &PgPool, slug: &str) -> sqlx::Result<Option<ComparatorGroup>> {
    sqlx::query_as("SELECT slug, name, kind, benchmark_area FROM comparator_groups WHERE slug = $1")
        .bind(slug)
        .fetch_optional(pool)
        .await
}

/// The members of a group during a period (e.g. Cumbria until 2022-23, its successors after),
/// ordered by name.
pub async fn members_during(
    pool: &PgPool,
    group_slug: &str,
    period: Period,
) -> sqlx::Result<Vec<Authority>> {
    sqlx::query_as(concat!(
        "SELECT ",
        authority_columns!(),
        " FROM comparator_group_members m
         JOIN authorities a ON a.ons_code = m.ons_code
         WHERE m.group_slug = $1
           AND (m.valid_from IS NULL OR m.valid_from <= $3)
           AND (m.valid_to IS NULL OR m.valid_to >= $2)
           AND (a.valid_from IS NULL OR a.valid_from <= $3)
           AND (a.valid_to IS NULL OR a.valid_to >= $2)
         ORDER BY a.name"
    ))
    .bind(group_slug)
    .bind(period.starts_on())
    .bind(period.ends_on())
    .fetch_all(pool)
    .await
}
