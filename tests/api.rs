//! The JSON API: analysed values of a measure, a council's scorecard, headlines, and JSON errors
//! that name the parameter.

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
    assert_eq!(
        measures.len(),
        common::seeded_measures("E08000003", scorecard::domain::Period::year(2023)).len(),
        "every measure with a value up to 2023-24"
    );
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
    assert_eq!(
        v["measures"].as_array().unwrap().len(),
        common::seeded_measures("E08000003", scorecard::domain::Period::year(2023)).len()
    );
}

#[tokio::test]
async fn bad_parameters_are_400_json_naming_the_parameter() {
    let app = app(database(Start::Seeded).await);
    for (uri, parameter) in [
        ("/api/v1/headlines?period=2023", "period"),
        ("/api/v1/headlines?comparator=galaxy", "comparator"),
        ("/api/v1/headlines?level=90", "level"),
        ("/api/v1/authorities/XYZ/scorecard", "ons_code"),
        ("/api/v1/authorities/E06%2000006/triggers", "ons_code"),
        ("/api/v1/authorities/%E2%82%AC/concerns", "ons_code"),
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

/// The OpenAPI document generated from the response types, kept in `tests/fixtures/openapi.json`:
/// a change to any field shows here first. After an intended change, regenerate the file with
/// `UPDATE_OPENAPI=1 cargo test --test api openapi`.
#[tokio::test]
async fn openapi_document_is_the_contract() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let document: serde_json::Value = serde_json::from_str(&body).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi.json");
    let pretty = serde_json::to_string_pretty(&document).unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        pretty, expected,
        "the API's fields changed; if intended, regenerate tests/fixtures/openapi.json"
    );

    // Every field a real response carries is documented, and every documented field is there.
    let schemas = &document["components"]["schemas"];
    let properties = |name: &str| -> std::collections::BTreeSet<String> {
        let schema = &schemas[name];
        let mut keys: std::collections::BTreeSet<String> = schema["properties"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        for part in schema["allOf"].as_array().into_iter().flatten() {
            let part = match part["$ref"].as_str() {
                Some(r) => &schemas[r.trim_start_matches("#/components/schemas/")],
                None => part,
            };
            keys.extend(
                part["properties"]
                    .as_object()
                    .into_iter()
                    .flat_map(|o| o.keys().cloned()),
            );
        }
        keys
    };
    let (_, body) = get(&app, "/api/v1/measures/1C2A/values?period=2022-23").await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let top: std::collections::BTreeSet<String> =
        json.as_object().unwrap().keys().cloned().collect();
    assert_eq!(top, properties("MeasureValues"));
    let council: std::collections::BTreeSet<String> = json["councils"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(council, properties("CouncilValue"));
    let (_, body) = get(
        &app,
        "/api/v1/authorities/E06000006/scorecard?period=2022-23",
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let top: std::collections::BTreeSet<String> =
        json.as_object().unwrap().keys().cloned().collect();
    assert_eq!(top, properties("AuthorityScorecard"));
    let measure: std::collections::BTreeSet<String> = json["measures"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(measure, properties("ScorecardMeasure"));
}

#[tokio::test]
async fn a_council_outside_the_region_has_its_scorecard() {
    let pool = database(Start::Reference).await;
    let bytes = common::official_bytes("2016-17");
    let name = common::official_name("2016-17");
    let analysis = scorecard::ingest::import::analyse(&pool, &name, &bytes, Default::default())
        .await
        .unwrap();
    scorecard::ingest::import::commit(&pool, &analysis, "test")
        .await
        .unwrap();
    common::publish(&pool, scorecard::domain::Period::year(2016)).await;
    let app = app(pool);
    let (status, body) = get(&app, "/api/v1/authorities/E06000001/scorecard").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["authority"]["name"], "Hartlepool");
    let direct_payments = json["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["measure"]["code"] == "1C2A")
        .expect("Hartlepool's 1C(2A), as on its page and in its CSV");
    let (_, csv) = get(&app, "/download/authorities/E06000001.csv").await;
    let row = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[0] == "1C(2A)")
        .expect("the CSV has 1C(2A)");
    let csv_value: f64 = row[5].parse().unwrap();
    assert_eq!(direct_payments["result"]["value"].as_f64(), Some(csv_value));
}
