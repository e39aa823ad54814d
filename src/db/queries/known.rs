//! The councils and measures an import is checked against.

use sqlx::PgPool;

use crate::domain::known::{Known, KnownMeasure, Populations};
use crate::domain::{MeasureCode, Unit};

struct MeasureRow {
    code: String,
    display_code: String,
    unit: Unit,
    decimals: i16,
    rate_multiplier: Option<i32>,
    frequency: String,
    tier: String,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn load(pool: &PgPool) -> sqlx::Result<Known> {
    let mut known = Known::default();
    let councils = sqlx::query!(
        "SELECT ons_code, name, cassr_code, population_18_plus, population_65_plus, population_year
         FROM authorities
         ORDER BY valid_to IS NULL, valid_to"
    )
    .fetch_all(pool)
    .await?;
    // A CASSR number reused by a successor council means the current council.
    for c in councils {
        if let Some(cassr) = c.cassr_code {
            known.cassr.insert(cassr, c.ons_code.clone());
        }
        if c.population_18_plus.is_some() || c.population_65_plus.is_some() {
            let populations = Populations {
                adults: c.population_18_plus.map(i64::from),
                older: c.population_65_plus.map(i64::from),
                estimate: c
                    .population_year
                    .unwrap_or_else(|| "an ONS estimate".into()),
            };
            known.populations.insert(c.ons_code.clone(), populations);
        }
        known.councils.insert(c.ons_code, c.name);
    }
    let measures = sqlx::query_as!(
        MeasureRow,
        r#"SELECT code, display_code, unit AS "unit: Unit", decimals, rate_multiplier, frequency,
                  tier FROM measures"#
    )
    .fetch_all(pool)
    .await?;
    let aliases = sqlx::query!("SELECT scheme, alias, measure_code FROM measure_aliases")
        .fetch_all(pool)
        .await?;
    for m in &measures {
        let known_measure = KnownMeasure {
            code: m.code.clone(),
            unit: m.unit,
            decimals: u32::try_from(m.decimals).unwrap_or(1),
            rate_multiplier: m.rate_multiplier,
            frequency: m.frequency.clone(),
            tier: m.tier.clone(),
        };
        for code in [&m.code, &m.display_code] {
            if let Ok(normalised) = code.parse::<MeasureCode>() {
                known
                    .measures
                    .insert(normalised.to_string(), known_measure.clone());
            }
        }
    }
    for a in aliases {
        let (Ok(normalised), Some(m)) = (
            a.alias.parse::<MeasureCode>(),
            known.measures.get(&a.measure_code).cloned(),
        ) else {
            continue;
        };
        let into = if a.scheme == "ascof_2023" {
            &mut known.renumbered
        } else {
            &mut known.measures
        };
        into.entry(normalised.to_string()).or_insert(m);
    }
    Ok(known)
}
