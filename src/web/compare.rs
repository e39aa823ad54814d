//! `GET /compare?authorities=A,B&measures=X,Y`: chosen councils side by side over time, one
//! table per measure (periods down, councils and England across). Without a choice, a form to
//! make one (checkbox groups work without JavaScript).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;

use super::layout::{Layout, choose_period};
use super::session::Visitor;
use super::values::{Choice, region_name};
use super::{AppError, AppState};
use crate::db::queries::observations::CurrentValue;
use crate::db::queries::{areas, measures, observations};
use crate::domain::{ENGLAND, Measure, MeasureCode, OnsCode, Period, Provenance};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/compare", get(show))
}

/// The most councils and measures compared at once.
const MAX_CHOICES: usize = 12;

pub(super) struct ComparedMeasure {
    pub code: String,
    pub title: String,
    pub rows: Vec<(String, Vec<String>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "compare/show.html")]
struct ComparePage {
    layout: Layout,
    region: String,
    council_choices: Vec<Choice>,
    measure_choices: Vec<Choice>,
    columns: Vec<String>,
    compared: Vec<ComparedMeasure>,
}

/// Every value of a repeated or comma-separated parameter.
fn values(query: &str, key: &str) -> Vec<String> {
    form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k == key)
        .flat_map(|(_, v)| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// The councils and measures asked for: valid codes, at most [`MAX_CHOICES`] of each.
fn choices(query: &str) -> Result<(Vec<OnsCode>, Vec<MeasureCode>), AppError> {
    let councils: Vec<OnsCode> = values(query, "authorities")
        .iter()
        .map(|c| {
            c.parse().map_err(|e: crate::domain::OnsCodeError| {
                AppError::bad_request("authorities", e.to_string())
            })
        })
        .collect::<Result<_, _>>()?;
    let codes: Vec<MeasureCode> = values(query, "measures")
        .iter()
        .map(|c| {
            c.parse().map_err(|e: crate::domain::MeasureCodeError| {
                AppError::bad_request("measures", e.to_string())
            })
        })
        .collect::<Result<_, _>>()?;
    if councils.len() > MAX_CHOICES || codes.len() > MAX_CHOICES {
        return Err(AppError::bad_request(
            "authorities",
            format!("choose at most {MAX_CHOICES} councils and {MAX_CHOICES} measures"),
        ));
    }
    Ok((councils, codes))
}

impl ComparedMeasure {
    /// One measure's table: its periods down (oldest first), one cell per area across ("–" for
    /// no row, "not available" for a row without a number).
    pub(super) fn build(m: &Measure, rows: &[CurrentValue], areas: &[String]) -> ComparedMeasure {
        let mut periods: Vec<Period> = rows
            .iter()
            .filter(|r| r.measure == m.code)
            .map(|r| r.period)
            .collect();
        periods.sort();
        periods.dedup();
        let table = periods
            .iter()
            .map(|p| {
                let cells = areas
                    .iter()
                    .map(|area| {
                        rows.iter()
                            .find(|r| r.measure == m.code && r.area == *area && r.period == *p)
                            .map_or_else(
                                || "–".to_string(),
                                |r| {
                                    r.value
                                        .map_or_else(|| "not available".into(), |v| m.format(v))
                                },
                            )
                    })
                    .collect();
                (p.to_string(), cells)
            })
            .collect();
        ComparedMeasure {
            code: m.code.clone(),
            title: format!("{} {}", m.display_code, m.title),
            rows: table,
        }
    }
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<ComparePage, AppError> {
    let view = visitor.viewer.data_view();
    let query = query.unwrap_or_default();
    let (councils, codes) = choices(&query)?;
    // Only measures with values in the viewer's view are offered.
    let with_values = observations::measures_with_values(&state.pool, view).await?;
    let catalogue: Vec<_> = measures::catalogue(&state.pool)
        .await?
        .into_iter()
        .filter(|m| with_values.contains(&m.code))
        .collect();
    let mut chosen_measures = Vec::new();
    for code in &codes {
        let m = super::values::measure(&state, visitor.viewer.data_view(), code.as_str()).await?;
        chosen_measures.push(m);
    }
    let mut chosen_councils = Vec::new();
    for code in &councils {
        let a = areas::authority(&state.pool, code.as_str())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("a council with the code {code}")))?;
        chosen_councils.push(a);
    }
    let mut area_codes: Vec<String> = chosen_councils.iter().map(|a| a.ons_code.clone()).collect();
    area_codes.push(ENGLAND.to_string());
    let measure_codes: Vec<String> = chosen_measures.iter().map(|m| m.code.clone()).collect();
    let rows = observations::values_of(&state.pool, view, &measure_codes, &area_codes).await?;
    let illustrative = rows
        .iter()
        .any(|r| r.provenance == Provenance::Illustrative);
    let compared = chosen_measures
        .iter()
        .map(|m| ComparedMeasure::build(m, &rows, &area_codes))
        .collect();
    let (latest, _) = choose_period(&state.pool, view, &Default::default()).await?;
    let members = areas::members_during(&state.pool, &state.site.region, latest).await?;
    let mut columns: Vec<String> = chosen_councils.iter().map(|a| a.name.clone()).collect();
    columns.push("England".into());
    Ok(ComparePage {
        layout: Layout::new(&state, &visitor, "Compare councils".into())
            .await?
            .showing(illustrative),
        region: region_name(&state).await?,
        council_choices: members
            .into_iter()
            .map(|a| Choice {
                selected: councils.iter().any(|c| c.as_str() == a.ons_code),
                value: a.ons_code,
                label: a.name,
            })
            .collect(),
        measure_choices: catalogue
            .into_iter()
            .map(|m| Choice {
                selected: codes.iter().any(|c| c.as_str() == m.code),
                value: m.code,
                label: format!("{} {}", m.display_code, m.title),
            })
            .collect(),
        columns,
        compared,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{measure, period};
    use rust_decimal::Decimal;

    fn value(area: &str, p: &str, value: Option<i64>) -> CurrentValue {
        CurrentValue {
            measure: "M1".into(),
            area: area.into(),
            period: period(p),
            value: value.map(|v| Decimal::new(v, 1)),
            provenance: Provenance::Official,
        }
    }

    #[test]
    fn a_measure_table_has_periods_down_and_areas_across() {
        let rows = [
            value("E2", "2022-23", Some(412)),
            value("E1", "2021-22", Some(500)),
            value(ENGLAND, "2022-23", Some(455)),
            value("E1", "2022-23", None),
        ];
        let areas = ["E1".to_string(), "E2".to_string(), ENGLAND.to_string()];
        let table = ComparedMeasure::build(&measure(), &rows, &areas);
        assert_eq!(table.title, "1A A percentage");
        let expect = |p: &str, cells: [&str; 3]| {
            (
                p.to_string(),
                cells.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            table.rows,
            [
                expect("2021-22", ["50.0%", "–", "–"]),
                expect("2022-23", ["not available", "41.2%", "45.5%"]),
            ]
        );
    }

    proptest::proptest! {
        /// Any query string gives choices or a 400, never a panic.
        #[test]
        fn any_query_string_is_choices_or_a_clear_error(
            councils in "[A-Za-z0-9,%&= ]{0,120}",
            measures in "\\PC{0,60}",
            rest in "\\PC{0,40}",
        ) {
            let query = format!("authorities={councils}&measures={measures}&{rest}");
            match choices(&query) {
                Ok((councils, measures)) => {
                    proptest::prop_assert!(councils.len() <= MAX_CHOICES && measures.len() <= MAX_CHOICES);
                }
                Err(e) => proptest::prop_assert!(matches!(e, AppError::BadRequest { .. }), "{e}"),
            }
        }
    }

    #[test]
    fn choices_are_codes_repeated_or_comma_separated_and_limited() {
        let (councils, measures) =
            choices("authorities=E06000006,E06000007&authorities=E08000001&measures=1C2A").unwrap();
        assert_eq!(councils.len(), 3);
        assert_eq!(measures.len(), 1);
        assert!(choices("authorities=not-a-code").is_err());
        let many = vec!["E06000006"; MAX_CHOICES + 1].join(",");
        assert!(choices(&format!("authorities={many}")).is_err());
    }
}
