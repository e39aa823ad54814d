//! Loading what the analysis of a period needs: the catalogue's specifications, recent values of
//! every area, and the comparator groups.

use crate::domain::access::DataView;
use std::collections::HashMap;

use rust_decimal::prelude::ToPrimitive;
use sqlx::PgPool;

use crate::analysis::measure::{Group, Groups, Spec, Value};
use crate::analysis::rag::{Target, TargetOwner};
use crate::analysis::scorecard::{Inputs, Stored};
use crate::analysis::trend::Tolerance;
use crate::domain::{Period, Polarity, Provenance, Unit};

/// How many years of values before the period are loaded (enough for five-point trends).
const YEARS_OF_HISTORY: i32 = 5;

struct SpecRow {
    code: String,
    unit: Unit,
    polarity: Polarity,
    decimals: i16,
    rate_multiplier: Option<i32>,
    amber_tolerance: Option<rust_decimal::Decimal>,
    tolerance_kind: Option<String>,
    series_break: Option<String>,
}

struct ValueRow {
    measure_code: String,
    area_code: String,
    period_code: Period,
    value: Option<rust_decimal::Decimal>,
    numerator: Option<rust_decimal::Decimal>,
    denominator: Option<rust_decimal::Decimal>,
    margin_of_error: Option<rust_decimal::Decimal>,
    base: Option<rust_decimal::Decimal>,
    provenance: Provenance,
}

struct TargetRow {
    measure_code: String,
    ons_code: Option<String>,
    target: rust_decimal::Decimal,
    amber_tolerance: rust_decimal::Decimal,
    tolerance_kind: String,
    source: String,
}

struct MemberRow {
    slug: String,
    kind: String,
    benchmark_area: Option<String>,
    owner_ons_code: Option<String>,
    ons_code: String,
}

/// Loads the inputs (in the published or internal view) for analysing `as_at` with `region` (a comparator group slug) as the region
/// of focus.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn inputs(
    pool: &PgPool,
    view: DataView,
    as_at: Period,
    region: &str,
) -> sqlx::Result<Inputs> {
    let specs = sqlx::query_as!(
        SpecRow,
        r#"SELECT m.code, m.unit AS "unit: Unit", m.polarity AS "polarity: Polarity", m.decimals,
                  m.rate_multiplier, m.amber_tolerance, m.tolerance_kind, m.series_break
           FROM measures m JOIN domains d ON d.slug = m.domain_slug ORDER BY d.position, m.position"#
    )
    .fetch_all(pool)
    .await?;
    let values = query_as_in_view!(
        view,
        ValueRow,
        [
            r#"SELECT o.measure_code AS "measure_code!", o.area_code AS "area_code!",
                   o.period_code AS "period_code!: Period", o.value, o.numerator, o.denominator,
                   o.margin_of_error, o.base, o.provenance AS "provenance!: Provenance" FROM "#,
            "current_observations",
            "published_observations",
            " o JOIN periods p ON p.code = o.period_code
             WHERE p.sort_key <= $1 AND p.year_start >= $2 AND o.disaggregation = 'Total'"
        ],
        as_at.sort_key(),
        (as_at.year_start() - YEARS_OF_HISTORY) as i16;
        .fetch_all(pool).await?
    );
    let members = sqlx::query_as!(
        MemberRow,
        "SELECT g.slug, g.kind, g.benchmark_area, g.owner_ons_code, m.ons_code
         FROM comparator_groups g
         JOIN comparator_group_members m ON m.group_slug = g.slug
         JOIN authorities a ON a.ons_code = m.ons_code
         WHERE (m.valid_from IS NULL OR m.valid_from <= $2) AND (m.valid_to IS NULL OR m.valid_to >= $1)
           AND (a.valid_from IS NULL OR a.valid_from <= $2) AND (a.valid_to IS NULL OR a.valid_to >= $1)
         ORDER BY g.slug, a.name",
        as_at.starts_on(),
        as_at.ends_on()
    )
    .fetch_all(pool)
    .await?;
    // The most specific target first: one council's before all councils', one period's before
    // every period's, the analyst's before a national one before an illustrative one.
    let targets = sqlx::query_as!(
        TargetRow,
        "SELECT measure_code, ons_code, target, amber_tolerance, tolerance_kind, source
         FROM measure_targets WHERE period_code IS NULL OR period_code = $1
         ORDER BY measure_code, ons_code NULLS LAST, period_code NULLS LAST,
                  CASE source WHEN 'analyst' THEN 1 WHEN 'national' THEN 2 ELSE 3 END",
        as_at as Period
    )
    .fetch_all(pool)
    .await?;
    Ok(assemble(specs, values, members, targets, region))
}

/// A tolerance as stored: a relative one in percent of the target.
fn tolerance(amount: Option<rust_decimal::Decimal>, kind: Option<&str>) -> Option<Tolerance> {
    match (amount.and_then(|t| t.to_f64()), kind) {
        (Some(t), Some("relative")) => Some(Tolerance::Relative(t / 100.0)),
        (Some(t), Some(_)) => Some(Tolerance::Absolute(t)),
        _ => None,
    }
}

/// Targets by measure (for every council) and by measure and council. Illustrative targets
/// rate only illustrative values; the first row of each scope (the most specific) wins.
fn targets_of(
    rows: Vec<TargetRow>,
    illustrative: bool,
) -> (HashMap<String, Target>, HashMap<(String, String), Target>) {
    let mut all = HashMap::new();
    let mut one = HashMap::new();
    for r in rows {
        let Ok(owner) = r.source.parse::<TargetOwner>() else {
            continue;
        };
        if owner == TargetOwner::Illustrative && !illustrative {
            continue;
        }
        let (Some(value), Some(tolerance)) = (
            r.target.to_f64(),
            tolerance(Some(r.amber_tolerance), Some(&r.tolerance_kind)),
        ) else {
            continue;
        };
        let target = Target {
            value,
            tolerance,
            owner,
        };
        match r.ons_code {
            Some(council) => one.entry((r.measure_code, council)).or_insert(target),
            None => all.entry(r.measure_code).or_insert(target),
        };
    }
    (all, one)
}

/// The comparator groups from their members, and the region's councils.
fn groups_of(members: Vec<MemberRow>, region: &str) -> (Groups, Vec<String>) {
    let mut groups = Groups::default();
    let mut type_groups: HashMap<String, Group> = HashMap::new();
    let mut type_of_council: HashMap<String, String> = HashMap::new();
    let mut councils = Vec::new();
    for m in members {
        if m.slug == region {
            groups.region.published_area = m.benchmark_area.clone();
            councils.push(m.ons_code.clone());
            groups.region.members.push(m.ons_code.clone());
        }
        match m.kind.as_str() {
            "england" => {
                groups.england.published_area = m.benchmark_area.clone();
                groups.england.members.push(m.ons_code);
            }
            "council_type" => {
                type_of_council.insert(m.ons_code.clone(), m.slug.clone());
                type_groups
                    .entry(m.slug)
                    .or_default()
                    .members
                    .push(m.ons_code);
            }
            "nearest_neighbours" => {
                if let Some(owner) = m.owner_ons_code.filter(|o| *o != m.ons_code) {
                    groups
                        .neighbours_of
                        .entry(owner)
                        .or_default()
                        .members
                        .push(m.ons_code);
                }
            }
            _ => {}
        }
    }
    groups.type_of = type_of_council
        .into_iter()
        .filter_map(|(council, slug)| Some((council, type_groups.get(&slug)?.clone())))
        .collect();
    (groups, councils)
}

fn assemble(
    specs: Vec<SpecRow>,
    values: Vec<ValueRow>,
    members: Vec<MemberRow>,
    targets: Vec<TargetRow>,
    region: &str,
) -> Inputs {
    let illustrative = values
        .iter()
        .any(|v| v.provenance == Provenance::Illustrative);
    let (mut targets, mut council_targets) = targets_of(targets, illustrative);
    let specs = specs
        .into_iter()
        .map(|s| {
            let tolerance = tolerance(s.amber_tolerance, s.tolerance_kind.as_deref());
            let council_targets = council_targets
                .extract_if(|(measure, _), _| *measure == s.code)
                .map(|((_, council), t)| (council, t))
                .collect();
            Spec {
                target: targets.remove(&s.code),
                code: s.code,
                unit: s.unit,
                polarity: s.polarity,
                decimals: u32::try_from(s.decimals).unwrap_or(1),
                rate_multiplier: s.rate_multiplier,
                council_targets,
                tolerance,
                series_from: crate::domain::series_from(s.series_break.as_deref()),
            }
        })
        .collect();
    let values = values
        .into_iter()
        .map(|r| Stored {
            period: r.period_code,
            measure: r.measure_code,
            area: r.area_code,
            value: Value {
                value: r.value,
                numerator: r.numerator,
                denominator: r.denominator,
                margin_of_error: r.margin_of_error,
                base: r.base,
                provenance: Some(r.provenance),
            }
            .usable(),
        })
        .collect();
    let (groups, councils) = groups_of(members, region);
    Inputs {
        specs,
        values,
        groups,
        councils,
    }
}
