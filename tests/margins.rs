//! Published margins of error on the official files (2014-15 to 2016-17): every council value
//! that comes with one is shown with the interval value ∓ margin (95%), or the margin scaled by
//! 3.090232 / 1.959964 (99.8%), never a Wilson interval on its weighted estimates, and its
//! comparison follows from that interval.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use common::{Start, app, database, get, official_bytes, official_name};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use scorecard::domain::Period;
use sqlx::PgPool;

async fn import_and_publish(pool: &PgPool, year: &str) {
    let analysis = scorecard::ingest::import::analyse(
        pool,
        &official_name(year),
        &official_bytes(year),
        Default::default(),
    )
    .await
    .unwrap();
    scorecard::ingest::import::commit(pool, &analysis, "test")
        .await
        .unwrap();
    common::publish(pool, Period::year(year[..4].parse().unwrap())).await;
}

#[tokio::test]
async fn every_value_with_a_published_margin_has_it_as_its_interval() {
    let pool = database(Start::Reference).await;
    for year in ["2014-15", "2015-16", "2016-17"] {
        import_and_publish(&pool, year).await;
    }
    let app = app(pool.clone());
    let mut checked = 0;
    let mut measures_seen = std::collections::BTreeSet::new();
    for year in ["2014-15", "2015-16", "2016-17"] {
        // (measure, council) → (value, margin) as stored from the file.
        let rows: Vec<(String, String, Decimal, Decimal, Option<Decimal>)> = sqlx::query_as(
            "SELECT measure_code, area_code, value, margin_of_error, base FROM current_observations
             WHERE period_code = $1 AND disaggregation = 'Total' AND value IS NOT NULL
               AND margin_of_error IS NOT NULL AND area_code IN (SELECT ons_code FROM authorities)",
        )
        .bind(year)
        .fetch_all(&pool)
        .await
        .unwrap();
        // The 2014-15 and 2015-16 files publish no margins (only a Base); 2016-17 does.
        assert_eq!(!rows.is_empty(), year == "2016-17", "{year}: margins");
        let stored: HashMap<(String, String), (f64, f64, Option<f64>)> = rows
            .into_iter()
            .map(|(m, a, v, e, b)| {
                (
                    (m, a),
                    (
                        v.to_f64().unwrap(),
                        e.to_f64().unwrap(),
                        b.and_then(|b| b.to_f64()),
                    ),
                )
            })
            .collect();
        let measures: std::collections::BTreeSet<&String> = stored.keys().map(|(m, _)| m).collect();
        for measure in measures {
            for (level, scale) in [("95", 1.0), ("99.8", 3.090_232 / 1.959_964)] {
                let uri = format!("/api/v1/measures/{measure}/values?period={year}&level={level}");
                let (status, body) = get(&app, &uri).await;
                assert_eq!(status, StatusCode::OK, "{uri}: {body}");
                let json: serde_json::Value = serde_json::from_str(&body).unwrap();
                for c in json["councils"].as_array().unwrap() {
                    let code = c["code"].as_str().unwrap().to_string();
                    let Some((value, margin, base)) = stored.get(&(measure.clone(), code.clone()))
                    else {
                        continue;
                    };
                    if json["data_period"] != year {
                        continue;
                    }
                    let (low, high) = (
                        c["ci_low"].as_f64().unwrap(),
                        c["ci_high"].as_f64().unwrap(),
                    );
                    assert_eq!(c["interval_method"], "margin_of_error", "{uri} {code}");
                    assert_eq!(c["base"].as_f64(), *base, "{uri} {code}: the respondents");
                    assert!(
                        (low - (value - margin * scale)).abs() < 1e-6,
                        "{uri} {code}: {low}"
                    );
                    assert!(
                        (high - (value + margin * scale)).abs() < 1e-6,
                        "{uri} {code}: {high}"
                    );
                    // The comparison follows from the interval.
                    if let Some(b) = c["benchmark_value"].as_f64() {
                        let polarity = json["measure"]["polarity"].as_str().unwrap();
                        let expected = match (high < b, low > b, polarity) {
                            (true, _, "higher_is_better") | (_, true, "lower_is_better") => "worse",
                            (true, _, "lower_is_better") | (_, true, "higher_is_better") => {
                                "better"
                            }
                            (true, _, _) => "lower",
                            (_, true, _) => "higher",
                            _ => "similar",
                        };
                        assert_eq!(
                            c["comparison"], expected,
                            "{uri} {code}: {low}–{high} against {b}"
                        );
                    }
                    checked += 1;
                    measures_seen.insert(measure.clone());
                }
            }
        }
    }
    assert!(checked > 500, "{checked} council values checked");
    // The measure page says how many answered, beside the published interval.
    let (status, page) = get(&app, "/measures/3A?period=2016-17").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("(published margin of error; "),
        "the interval's source"
    );
    assert!(page.contains("people answered)"), "the respondents");
    for survey in ["1A", "1B", "3A", "3B", "3D1", "4A", "4B"] {
        assert!(
            measures_seen.contains(survey),
            "{survey}: {measures_seen:?}"
        );
    }
}
