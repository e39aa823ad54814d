//! The JSON API: analysed values of a measure, a council's scorecard, headlines, and JSON errors
//! that name the parameter.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Start, app, database, get};
use serde_json::Value;

async fn json(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let (status, body) = get(app, uri).await;
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{uri}: {e}: {body}")),
    )
}

#[tokio::test]
async fn measure_values_for_every_council_with_benchmarks_and_methods() {
    let app = app(database(Start::Seeded).await);
    let (status, v) = json(
        &app,
        "/api/v1/measures/1C(2A)/values?period=2022-23&comparator=england",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["measure"]["code"], "1C2A");
    assert_eq!(v["data_period"], "2022-23");
    assert_eq!(v["comparator"], "england");
    let councils = v["councils"].as_array().unwrap();
    assert_eq!(councils.len(), 23);
    let halton = councils.iter().find(|c| c["code"] == "E06000006").unwrap();
    assert_eq!(halton["name"], "Halton");
    for field in [
        "value",
        "numerator",
        "denominator",
        "ci_low",
        "ci_high",
        "benchmark_value",
        "comparison",
        "rank",
        "quartile",
        "mads",
        "direction_of_travel",
        "trend",
        "rag",
    ] {
        assert!(!halton[field].is_null(), "{field} in {halton}");
    }
    let (x, n) = (
        halton["numerator"].as_f64().unwrap(),
        halton["denominator"].as_f64().unwrap(),
    );
    let (low, high) = (
        halton["ci_low"].as_f64().unwrap(),
        halton["ci_high"].as_f64().unwrap(),
    );
    assert!(low < x / n * 100.0 && x / n * 100.0 < high);
    assert_eq!(v["benchmarks"]["england"]["method"], "published");
    assert!(
        v["methods"]["interval"]
            .as_str()
            .unwrap()
            .contains("Wilson")
    );
    let ranks: Vec<u64> = councils
        .iter()
        .map(|c| c["rank"].as_u64().unwrap())
        .collect();
    assert!(ranks.contains(&1) && ranks.iter().all(|r| (1..=23).contains(r)));
    assert!(
        v["headline"]["sentence"]
            .as_str()
            .unwrap()
            .starts_with("Across the 23 councils")
    );

    let (status, v) = json(
        &app,
        "/api/v1/measures/1C2A/values?period=2022-23&comparator=region",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        v["councils"][0]["benchmark_value"],
        v["benchmarks"]["region"]["value"]
    );
}

#[tokio::test]
async fn a_councils_scorecard_with_its_rag_summary() {
    let app = app(database(Start::Seeded).await);
    let (status, v) = json(
        &app,
        "/api/v1/authorities/E08000003/scorecard?period=2023-24",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["authority"]["name"], "Manchester");
    let measures = v["measures"].as_array().unwrap();
    assert!(measures.len() > 80, "{}", measures.len());
    let overall = &v["rag_summary"]["overall"];
    let total = overall["measures"].as_u64().unwrap();
    let parts: u64 = ["green", "amber", "red", "not_rated"]
        .iter()
        .map(|k| overall[*k].as_u64().unwrap())
        .sum();
    assert_eq!(total, parts);
    assert_eq!(total, measures.len() as u64);
    assert!(
        v["rag_summary"]["sentence"]
            .as_str()
            .unwrap()
            .starts_with("Of ")
    );
    assert_eq!(v["rag_summary"]["domains"].as_array().unwrap().len(), 6);
    let dp = measures
        .iter()
        .find(|m| m["measure"]["code"] == "1C2A")
        .unwrap();
    assert_eq!(
        dp["result"]["rag_rule"], "target",
        "1C(2A) has a target in the catalogue"
    );
}

#[tokio::test]
async fn headlines_overall_per_domain_and_per_measure() {
    let app = app(database(Start::Seeded).await);
    let (status, v) = json(&app, "/api/v1/headlines?period=2023-24").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(
        v["overall"]["sentence"]
            .as_str()
            .unwrap()
            .starts_with("All measures: of ")
    );
    assert!(
        v["overall"]["rule"]
            .as_str()
            .unwrap()
            .contains("confidence interval")
    );
    assert_eq!(v["domains"].as_array().unwrap().len(), 6);
    assert!(v["measures"].as_array().unwrap().len() > 80);
}

#[tokio::test]
async fn bad_parameters_are_400_json_naming_the_parameter() {
    let app = app(database(Start::Seeded).await);
    for (uri, parameter) in [
        ("/api/v1/headlines?period=2023", "period"),
        ("/api/v1/headlines?comparator=galaxy", "comparator"),
        ("/api/v1/headlines?level=90", "level"),
        ("/api/v1/authorities/XYZ/scorecard", "ons_code"),
        ("/api/v1/measures/1C2A/values?comparator=", "none"),
    ] {
        let (status, v) = json(&app, uri).await;
        if parameter == "none" {
            assert_eq!(
                status,
                StatusCode::OK,
                "an empty comparator means the default"
            );
            continue;
        }
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(v["error"]["parameter"], parameter, "{uri}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    }
    for uri in [
        "/api/v1/measures/ZZ9/values",
        "/api/v1/authorities/E06000099/scorecard",
        "/api/v1/nothing",
        "/api/v1/headlines?period=2030-31",
    ] {
        let (status, v) = json(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(v["error"]["status"], 404);
    }
}
