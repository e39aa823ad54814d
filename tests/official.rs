//! Real official files on a fresh install (nothing but migrations and the shipped England
//! reference): every layout imports, codes the catalogue does not know come in as uncatalogued
//! measures, every table symbol keeps its reason, the year comes from the file's content or
//! name, provenance decides the illustrative banner, and the illustrative set can be removed
//! without touching real values.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use axum::http::StatusCode;
use common::official::{OFLOG_NAME, finance_bytes, oflog_bytes};
use common::{
    OFFICIAL_HEADER, Start, app, database, database_named, get, import, official_bytes,
    official_file, official_name, official_rows as official, scorecard, text, texts,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use scorecard::domain::Period;
use scorecard::ingest::Options;
use scorecard::ingest::import::{analyse, commit};
use scraper::Html;
use sqlx::PgPool;

async fn value(pool: &PgPool, area: &str, measure: &str, period: &str) -> Option<Decimal> {
    sqlx::query_scalar(
        "SELECT value FROM current_observations
         WHERE area_code = $1 AND measure_code = $2 AND period_code = $3 AND disaggregation = 'Total'",
    )
    .bind(area)
    .bind(measure)
    .bind(period)
    .fetch_optional(pool)
    .await
    .unwrap()
    .flatten()
}

/// Councils with values, and whether England and every region have some, for a period.
async fn coverage(pool: &PgPool, period: &str) -> (i64, bool, i64) {
    sqlx::query_as(
        "SELECT count(DISTINCT area_code) FILTER (WHERE area_code IN (SELECT ons_code FROM authorities)),
                bool_or(area_code = 'E92000001'),
                count(DISTINCT area_code) FILTER (WHERE area_code LIKE 'E12%')
         FROM current_observations WHERE period_code = $1 AND value IS NOT NULL",
    )
    .bind(period)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// An official file's Total rows as a workbook, with a notes sheet before the data.
fn as_workbook(csv_bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(csv_bytes);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let mut book = rust_xlsxwriter::Workbook::new();
    let notes = book.add_worksheet().set_name("Notes").unwrap();
    notes
        .write_string(0, 0, "Measures from the ASCOF, England")
        .unwrap();
    let sheet = book.add_worksheet().set_name("Data").unwrap();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    let mut r = 1u32;
    for record in reader.records() {
        let record = record.unwrap();
        if &record[5] != "Total" {
            continue;
        }
        for (c, cell) in record.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if c == 7 => sheet.write_number(r, c as u16, n).unwrap(),
                _ => sheet.write_string(r, c as u16, cell).unwrap(),
            };
        }
        r += 1;
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn every_official_layout_imports_on_a_fresh_install() {
    let (pool, url) = database_named(Start::Reference).await;
    // 2016-17 as published (Windows-1252 CSV, "ONS Area Code"), through the command line.
    let file = official_file("2016-17");
    let (ok, out) = scorecard(&url, &["import", file.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("0 errors"), "{out}");
    // 2015-16 with the other header variant ("ONS Code"), as UTF-8.
    let bytes = String::from_utf8_lossy(&official_bytes("2015-16"))
        .replacen("ONS Area Code", "ONS Code", 1)
        .into_bytes();
    let report = import(&pool, &official_name("2015-16"), &bytes, None).await;
    assert!(!report.has_errors(), "{report}");
    // 2014-15 as a workbook whose data is on its second sheet.
    let book = as_workbook(&official_bytes("2014-15"));
    let report = import(
        &pool,
        "meas-from-asc-of-eng-2014-15-open-data.xlsx",
        &book,
        None,
    )
    .await;
    assert!(!report.has_errors(), "{report}");

    for year in ["2014-15", "2015-16", "2016-17"] {
        assert_eq!(
            coverage(&pool, year).await,
            (152, true, 9),
            "{year}: every council, England and the nine regions"
        );
    }
    // Values as published: a council, England and a region in each layout.
    assert_eq!(
        value(&pool, "E10000031", "1C2A", "2014-15").await,
        Some(dec!(26.7))
    );
    assert_eq!(
        value(&pool, "E92000001", "2A2", "2014-15").await,
        Some(dec!(668.8))
    );
    assert_eq!(
        value(&pool, "E12000002", "1B", "2014-15").await,
        Some(dec!(78.1))
    );
    assert_eq!(
        value(&pool, "E10000031", "1C2A", "2015-16").await,
        Some(dec!(17.3))
    );
    assert_eq!(
        value(&pool, "E92000001", "1C2A", "2015-16").await,
        Some(dec!(28.1))
    );
    assert_eq!(
        value(&pool, "E12000005", "2A2", "2015-16").await,
        Some(dec!(646.5))
    );
    assert_eq!(
        value(&pool, "E08000012", "2B1", "2016-17").await,
        Some(dec!(75.6))
    );
    assert_eq!(
        value(&pool, "E12000002", "1C2A", "2016-17").await,
        Some(dec!(23.8))
    );
    // Nothing illustrative was ever loaded: every value is official.
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT provenance FROM current_observations")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(kinds, ["official"]);
}

#[tokio::test]
async fn an_unknown_code_imports_as_an_uncatalogued_measure_and_symbols_keep_their_reason() {
    let (pool, url) = database_named(Start::Reference).await;
    let bytes = official(&[
        ("E06000006", "321", "Halton", "1C(2A)", "27.5"),
        ("E06000006", "321", "Halton", "9Z(1)", "41.2"),
        ("E06000007", "322", "Warrington", "9Z(1)", ":"),
        ("E06000008", "323", "Blackburn with Darwen", "9Z(1)", "[c]"),
        ("E06000009", "324", "Blackpool", "9Z(1)", "low"),
        ("E06000049", "325", "Cheshire East", "9Z(1)", "[z]"),
        (
            "E06000050",
            "326",
            "Cheshire West and Chester",
            "9Z(1)",
            "12.5 [u]",
        ),
    ]);
    let report = import(
        &pool,
        "meas-from-asc-of-eng-2019-20-open-data.csv",
        &bytes,
        None,
    )
    .await;
    assert!(!report.has_errors(), "{report}");
    let warning = report
        .warnings
        .iter()
        .find(|w| w.value.as_deref() == Some("9Z(1)"))
        .unwrap_or_else(|| panic!("a warning names the new code: {report}"));
    assert_eq!(warning.row, Some(3), "the first row that carries it");
    assert!(warning.reason.contains("not in the catalogue"), "{report}");
    assert!(warning.reason.contains("Measure 9Z(1) as published"));

    let (title, unit, polarity, catalogued): (String, String, String, bool) =
        sqlx::query_as("SELECT title, unit, polarity, catalogued FROM measures WHERE code = '9Z1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(title, "Measure 9Z(1) as published");
    assert_eq!(
        (unit.as_str(), polarity.as_str(), catalogued),
        ("unknown", "no_judgement", false)
    );
    assert_eq!(
        value(&pool, "E06000006", "9Z1", "2019-20").await,
        Some(dec!(41.2))
    );
    let statuses: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT area_code, status, note FROM current_observations WHERE measure_code = '9Z1' ORDER BY area_code",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let status_of = |area: &str| {
        statuses
            .iter()
            .find(|s| s.0 == area)
            .map(|s| (s.1.clone(), s.2.clone()))
            .unwrap()
    };
    assert_eq!(status_of("E06000007").0, "not_available", "':'");
    assert_eq!(status_of("E06000008").0, "suppressed", "'[c]'");
    assert_eq!(status_of("E06000009").0, "low", "'low'");
    assert_eq!(status_of("E06000049").0, "not_applicable", "'[z]'");
    assert_eq!(
        status_of("E06000050"),
        ("final".into(), Some("low reliability".into())),
        "'12.5 [u]' keeps its value and its flag"
    );

    // No better or worse is claimed for it until an analyst sets its unit and polarity; until
    // then it is internal: the public finds no such measure.
    let app = app(pool.clone());
    for page in [
        "/api/v1/measures/9Z1/values?period=2019-20",
        "/measures/9Z1",
        "/download/measures/9Z1.csv",
    ] {
        assert_eq!(get(&app, page).await.0, StatusCode::NOT_FOUND, "{page}");
    }
    let mut analyst = common::Agent::signed_in(
        &app,
        &pool,
        "analyst@example.org",
        scorecard::domain::access::Role::Analyst,
        None,
    )
    .await;
    let (status, body) = analyst
        .get("/api/v1/measures/9Z1/values?period=2019-20")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let halton = json["councils"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "E06000006")
        .unwrap();
    assert_eq!(halton["comparison"], "not_compared");
    assert_eq!(halton["source"], "official");

    // The analyst completes it from the command line; it is then catalogued.
    let (ok, out) = scorecard(
        &url,
        &[
            "measure",
            "9Z(1)",
            "--unit",
            "lux",
            "--polarity",
            "higher_is_better",
        ],
    );
    assert!(!ok && out.contains("--unit 'lux' is not a unit"), "{out}");
    let (ok, out) = scorecard(
        &url,
        &[
            "measure",
            "9Z(1)",
            "--unit",
            "percent",
            "--polarity",
            "higher_is_better",
        ],
    );
    assert!(ok, "{out}");
    let (unit, polarity, catalogued): (String, String, bool) =
        sqlx::query_as("SELECT unit, polarity, catalogued FROM measures WHERE code = '9Z1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (unit.as_str(), polarity.as_str(), catalogued),
        ("percent", "higher_is_better", true)
    );
    // Completed, it is public (a new app: the page cache of the one above is per process, and
    // the measure's change bumped the published version anyway).
    let (status, body) = get(&app, "/api/v1/measures/9Z1/values?period=2019-20").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The 2023-24 renumbering: `3D2A` is the old 1C(2A), and `1B` now means the old 1J.
    let renumbered = official(&[
        ("E06000006", "321", "Halton", "3D2A", "30.1"),
        ("E06000006", "321", "Halton", "1B", "0.4"),
    ]);
    let report = import(
        &pool,
        "meas-from-asc-of-eng-2023-24-open-data.csv",
        &renumbered,
        None,
    )
    .await;
    assert!(!report.has_errors(), "{report}");
    assert_eq!(
        value(&pool, "E06000006", "1C2A", "2023-24").await,
        Some(dec!(30.1))
    );
    assert_eq!(
        value(&pool, "E06000006", "1J", "2023-24").await,
        Some(dec!(0.4))
    );
    assert_eq!(value(&pool, "E06000006", "1B", "2023-24").await, None);
}

#[tokio::test]
async fn the_year_comes_from_the_content_else_the_name_else_the_period_given() {
    let pool = database(Start::Reference).await;
    let mut with_year = String::from("Year,");
    with_year.push_str(OFFICIAL_HEADER);
    with_year.push_str(
        "2019/20,321,Halton,Council,E06000006,1C(2A),Total,Outcome,27.5,1C(2A),Direct payments\n",
    );
    let report = import(&pool, "ascof.csv", with_year.as_bytes(), None).await;
    assert!(!report.has_errors(), "{report}");
    assert_eq!(report.periods, ["2019-20"]);

    let plain = official(&[("E06000006", "321", "Halton", "1C(2A)", "27.5")]);
    let report = import(&pool, "ascof.csv", &plain, None).await;
    let reason = &report.errors[0].reason;
    assert!(
        reason.contains("--period") && reason.contains("name"),
        "the error names the options: {reason}"
    );
    let report = import(&pool, "ascof.csv", &plain, Some(Period::year(2018))).await;
    assert!(!report.has_errors(), "{report}");
    assert_eq!(report.periods, ["2018-19"]);
    let report = import(&pool, "ascof-1718.csv", &plain, None).await;
    assert_eq!(report.periods, ["2017-18"], "{report}");
    let report = import(&pool, "ascof-2021.csv", &plain, Some(Period::year(2019))).await;
    assert!(
        report.errors[0].reason.contains("the file says 2020-21"),
        "{report}"
    );
}

#[tokio::test]
async fn the_banner_follows_the_values_and_removing_the_illustrative_set_keeps_real_data() {
    let (pool, url) = database_named(Start::Seeded).await;
    let app = app(pool.clone());
    let (_, body) = get(&app, "/authorities/E06000006").await;
    assert!(
        text(&Html::parse_document(&body), "#illustrative-title").is_some(),
        "seed values carry the banner"
    );

    let file = official_file("2016-17");
    let (ok, out) = scorecard(&url, &["import", "--publish", file.to_str().unwrap()]);
    assert!(ok, "{out}");
    for page in ["/", "/authorities/E06000006", "/measures/1C2A"] {
        let (status, body) = get(&app, page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let html = Html::parse_document(&body);
        assert!(
            text(&html, "#illustrative-title").is_none(),
            "{page} shows official values and no banner"
        );
    }
    let (_, body) = get(&app, "/").await;
    let period = text(&Html::parse_document(&body), "h1").unwrap();
    assert!(
        period.contains("2016-17"),
        "only real periods are offered: {period}"
    );
    let (_, csv) = get(&app, "/download/measures/1C2A.csv").await;
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",rag,source"));
    assert!(lines.next().unwrap().ends_with(",official"));
    // The illustrative targets rate illustrative values only: official values are rated
    // against the benchmark.
    let (_, body) = get(&app, "/api/v1/authorities/E06000006/scorecard").await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let rules: Vec<&str> = json["measures"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["result"]["rag_rule"].as_str())
        .collect();
    assert!(!rules.is_empty());
    assert!(!rules.contains(&"target"), "{rules:?}");

    let official_before: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM current_observations WHERE provenance = 'official'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (ok, out) = scorecard(&url, &["seed", "--remove"]);
    assert!(ok, "{out}");
    assert!(out.contains("real data untouched"), "{out}");
    let (official_after, illustrative, illustrative_commentary): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM current_observations WHERE provenance = 'official'),
                (SELECT count(*) FROM submissions WHERE kind = 'illustrative'),
                (SELECT count(*) FROM commentary WHERE author = 'illustrative seed data')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(official_after, official_before);
    assert_eq!((illustrative, illustrative_commentary), (0, 0));
    assert!(
        !scorecard::seed::wanted(&pool).await.unwrap(),
        "a removed set is not loaded again at start"
    );
    assert_eq!(
        value(&pool, "E12000002", "1C2A", "2016-17").await,
        Some(dec!(23.8))
    );
}

#[tokio::test]
async fn malformed_addresses_answer_400_or_404_never_500() {
    let app = app(database(Start::Seeded).await);
    for uri in [
        "/measures/%00",
        "/authorities/%FF%FE",
        "/?period=%00",
        "/compare?authorities=E06000006%00",
        "/download/measures/%00.csv",
    ] {
        let (status, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        let html = Html::parse_document(&body);
        assert_eq!(
            text(&html, "h1").as_deref(),
            Some("There is a problem with the address"),
            "{uri}"
        );
    }
    let (status, body) = get(&app, "/api/v1/measures/%00/values").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"]["status"], 400);
    let long = format!("/measures/{}", "A".repeat(5000));
    assert_eq!(get(&app, &long).await.0, StatusCode::BAD_REQUEST);
    for uri in [
        "/measures/ZZZ",
        "/authorities/E06999999",
        "/nowhere/%E2%9C%93",
    ] {
        assert_eq!(get(&app, uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn oflogs_own_metrics_import_as_published_and_its_ascof_repeats_are_skipped() {
    let pool = database(Start::Reference).await;
    let report = import(&pool, OFLOG_NAME, &oflog_bytes(), None).await;
    assert!(!report.has_errors(), "{report}");
    assert_eq!(report.format, "Oflog adult social care metrics");
    for (oflog, ascof) in [("ASC1", "1D"), ("ASC2", "1J"), ("ASC5", "2D")] {
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.starts_with(&format!("{oflog} repeats ASCOF {ascof}"))),
            "{:?}",
            report.notes
        );
    }
    // Workforce turnover (ASC7) is the catalogue's RW05 (display code OFLOG_ASC7): the values
    // are the file's, to the last digit, with their provenance.
    for (council, expected) in [
        ("E08000003", dec!(21.41150174)),
        ("E06000006", dec!(25.02206054)),
        ("E10000017", dec!(27.77314486)),
    ] {
        assert_eq!(
            value(&pool, council, "RW05", "2016-17").await,
            Some(expected),
            "{council}"
        );
    }
    assert_eq!(
        value(&pool, "E06000007", "RW05", "2016-17").await,
        None,
        "blank in the file"
    );
    assert!(
        value(&pool, "E08000003", "OFLOG_ASC6", "2018-19")
            .await
            .is_some()
    );
    let repeated: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM observations o JOIN submissions s ON s.id = o.submission_id
         WHERE s.scope = 'oflog-asc' AND o.measure_code IN ('1D', '1J', '3D1', '3D2', '2D')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(repeated, 0, "nothing stored twice");
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT kind FROM submissions WHERE scope = 'oflog-asc'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(kinds, ["official"]);
    // The page shows it as an official value; the council page's People block has it.
    let app = app(pool.clone());
    let (status, page) = get(&app, "/measures/RW05?period=2016-17").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("21.4"), "Manchester's turnover on the page");
    let (_, page) = get(&app, "/authorities/E08000003?period=2016-17&arrange=type").await;
    let html = Html::parse_document(&page);
    let people = text(&html, "#domain-type-people").unwrap_or_default();
    assert!(people.contains("turnover"), "{people}");
    // The four blocks are always there: one without values says so (no finance file here).
    let headings = texts(&html, "h2.govuk-heading-m");
    assert!(headings.iter().any(|h| h == "Finance"), "{headings:?}");
    let page_text = common::collapse(&page);
    assert!(page_text.contains("No measures of this type have values yet."));
    assert!(
        text(&html, "caption#caption-type-people").is_some(),
        "a block with values is a table"
    );
    // An ASCOF measure is an outcome unless the catalogue says why not, on its page and in the
    // database (a non-outcome ASCOF measure without a reason is refused).
    let (_, measure) = get(&app, "/measures/1C2A?period=2016-17").await;
    assert_eq!(
        text(&Html::parse_document(&measure), "#measure-type dd").as_deref(),
        Some(
            "Output (a measure of process). It counts how support is paid for (direct payments), a process the council controls, rather than what the support achieves for the person."
        )
    );
    let without_reason: Vec<String> = sqlx::query_scalar(
        "SELECT code FROM measures WHERE tier = 'ascof' AND measure_type <> 'outcome'
           AND type_reason IS NULL",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(without_reason.is_empty(), "{without_reason:?}");
    let refused = sqlx::query("UPDATE measures SET type_reason = NULL WHERE code = '1C2A'")
        .execute(&pool)
        .await;
    assert!(refused.is_err(), "the catalogue's rule is the database's");
    // A data page uses the window's width; every page names its feed.
    assert!(page.contains("govuk-width-container govuk-width-container--wide"));
    assert!(
        page.contains(
            r#"<link rel="alternate" type="application/atom+xml" href="/whats-new.atom""#
        )
    );
    // The workforce trigger runs on the real turnover: Cheshire East (38.2%, the region's
    // highest) is in the region's worst quartile, Oldham (17.4%, the lowest) is not.
    let mut analyst = common::Agent::signed_in(
        &app,
        &pool,
        "analyst@example.org",
        scorecard::domain::access::Role::Analyst,
        None,
    )
    .await;
    for (council, fires) in [("E06000049", true), ("E08000004", false)] {
        let (status, body) = analyst
            .get(&format!(
                "/api/v1/authorities/{council}/triggers?period=2016-17"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let workforce = v["triggers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == "workforce" && t["measure"] == "RW05")
            .unwrap_or_else(|| panic!("workforce evaluated on RW05 for {council}"));
        assert_eq!(workforce["fired"], fires, "{council}: {workforce}");
    }
}

#[tokio::test]
async fn cqc_assessments_import_as_scores_for_the_year_assessed() {
    let pool = database(Start::Reference).await;
    let name = "cqc-la-assessments-to-2025-10.csv";
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cqc")
            .join(name),
    )
    .unwrap();
    let report = import(&pool, name, &bytes, None).await;
    assert!(!report.has_errors(), "{report}");
    assert_eq!(
        report.format,
        "CQC assessments of councils (Care Act duties)"
    );
    // Halton, assessed July 2025 (2025-26): good overall (3), statement scores as published.
    for (measure, expected) in [
        ("CQC_OVERALL", dec!(3)),
        ("CQC_QS1", dec!(2)),
        ("CQC_QS2", dec!(3)),
        ("CQC_QS9", dec!(3)),
        ("CQC_AVERAGE", dec!(2.56)),
    ] {
        assert_eq!(
            value(&pool, "E06000006", measure, "2025-26").await,
            Some(expected),
            "{measure}"
        );
    }
    let note: Option<String> = sqlx::query_scalar(
        "SELECT note FROM current_observations
         WHERE area_code = 'E06000006' AND measure_code = 'CQC_OVERALL'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(note.as_deref(), Some("assessed July 2025"));
    // County Durham was assessed (August 2024) but not given an overall rating.
    assert_eq!(
        value(&pool, "E06000047", "CQC_OVERALL", "2024-25").await,
        None
    );
    assert_eq!(
        value(&pool, "E06000047", "CQC_QS1", "2024-25").await,
        Some(dec!(2))
    );
    // Hertfordshire, assessed May 2024, is in 2024-25.
    assert_eq!(
        value(&pool, "E10000015", "CQC_OVERALL", "2024-25").await,
        Some(dec!(3))
    );
}

#[tokio::test]
async fn the_finance_returns_councils_as_columns_give_spend_per_adult_and_unit_costs() {
    let pool = database(Start::Reference).await;
    for table in ["exp-data", "unit-cost", "act-data"] {
        let (name, bytes) = finance_bytes(&format!("pss-exp-eng-14-15-fin-coun-lev-{table}.csv"));
        let report = import(&pool, &name, &bytes, None).await;
        assert!(!report.has_errors(), "{report}");
        assert_eq!(
            report.format,
            "NHS Digital adult social care finance return (ASC-FR)"
        );
    }
    let numbers = |council: &'static str, measure: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (Option<Decimal>, Option<Decimal>, Option<Decimal>)>(
                "SELECT value, numerator, denominator FROM current_observations
                 WHERE area_code = $1 AND measure_code = $2 AND period_code = '2014-15'",
            )
            .bind(council)
            .bind(measure)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    // Unit costs as published (£ per person per week), numerator in £ and weeks of care.
    for (council, cost, spend, weeks) in [
        ("E06000006", dec!(407.44), dec!(12662.1), dec!(31076.95)),
        ("E08000003", dec!(521.68), dec!(47202), dec!(90481)),
        ("E10000017", dec!(504.35), dec!(135621.69), dec!(268904.9)),
    ] {
        assert_eq!(
            numbers(council, "FIN_UC_RN").await,
            (Some(cost), Some(spend * dec!(1000)), Some(weeks)),
            "{council}"
        );
    }
    // Gross current expenditure (£ thousands, as published) over the reference's adults.
    for (council, gross, adults) in [
        ("E06000006", dec!(43216.75), dec!(100914)),
        ("E08000003", dec!(180565), dec!(431869)),
        ("E10000017", dec!(398284.78), dec!(974092)),
    ] {
        let pounds = gross * dec!(1000);
        assert_eq!(
            numbers(council, "RW01").await,
            (
                Some((pounds / adults).round_dp(2)),
                Some(pounds),
                Some(adults)
            ),
            "{council}"
        );
    }
    let note: Option<String> = sqlx::query_scalar(
        "SELECT note FROM current_observations WHERE area_code = 'E06000006' AND measure_code = 'RW01'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        note.as_deref(),
        Some("over the reference's adults (ONS mid-2020 population estimate)"),
        "the denominator's year is said"
    );
    // The two tables are separate revisions: the second did not supersede the first.
    let scopes: Vec<String> = sqlx::query_scalar(
        "SELECT scope FROM submissions WHERE scope LIKE 'asc-fr:%' ORDER BY scope",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        scopes,
        [
            "asc-fr:2014-15:FIN_DP_SHARE+FIN_NET_ADULT+FIN_PREV_SHARE+FIN_SPEND_65+RW01",
            "asc-fr:2014-15:FIN_HC_HOUR",
            "asc-fr:2014-15:FIN_UC_RN+FIN_UC_RN_1864+FIN_UC_RN_65"
        ]
    );
    // The other derived measures, against figures computed independently from the published
    // cells (Halton, Manchester, Lancashire): value, numerator (£), denominator.
    let expected = [
        // Net current expenditure over adults.
        (
            "E06000006",
            "FIN_NET_ADULT",
            dec!(351.22),
            Some(dec!(35442700)),
            Some(dec!(100914)),
        ),
        (
            "E08000003",
            "FIN_NET_ADULT",
            dec!(370.72),
            Some(dec!(160102000)),
            Some(dec!(431869)),
        ),
        // Long- and short-term support for 65+ over the reference's people aged 65 and over.
        (
            "E06000006",
            "FIN_SPEND_65",
            dec!(567.06),
            Some(dec!(13669050)),
            Some(dec!(24105)),
        ),
        (
            "E10000017",
            "FIN_SPEND_65",
            dec!(697.72),
            Some(dec!(178363930)),
            Some(dec!(255637)),
        ),
        // Shares of the total: direct payments; prevention.
        (
            "E06000006",
            "FIN_DP_SHARE",
            dec!(7.72),
            Some(dec!(3337220)),
            Some(dec!(43216750)),
        ),
        (
            "E08000003",
            "FIN_DP_SHARE",
            dec!(3.84),
            Some(dec!(6942000)),
            Some(dec!(180565000)),
        ),
        (
            "E10000017",
            "FIN_PREV_SHARE",
            dec!(2.96),
            Some(dec!(11802140)),
            Some(dec!(398284780)),
        ),
        // Residential and nursing unit costs by age band: the reasons' numerators over weeks.
        (
            "E06000006",
            "FIN_UC_RN_1864",
            dec!(871.22),
            Some(dec!(2823890)),
            Some(dec!(3241.29)),
        ),
        (
            "E06000006",
            "FIN_UC_RN_65",
            dec!(353.44),
            Some(dec!(9838210)),
            Some(dec!(27835.66)),
        ),
        (
            "E08000003",
            "FIN_UC_RN_65",
            dec!(452.07),
            Some(dec!(32995000)),
            Some(dec!(72987)),
        ),
        (
            "E10000017",
            "FIN_UC_RN_1864",
            dec!(831.30),
            Some(dec!(29372190)),
            Some(dec!(35332.8)),
        ),
        // The hourly rate of external home care, as published.
        ("E06000006", "FIN_HC_HOUR", dec!(11.52), None, None),
        ("E10000017", "FIN_HC_HOUR", dec!(12.17), None, None),
    ];
    for (council, measure, value, numerator, denominator) in expected {
        assert_eq!(
            numbers(council, measure).await,
            (Some(value), numerator, denominator),
            "{council} {measure}"
        );
    }
    // The measure page says where the series breaks, beside its definition and its trend.
    let app = app(pool.clone());
    let (status, body) = get(&app, "/measures/FIN_UC_RN_65?period=2014-15").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let said = text(&html, "#series-break").unwrap_or_default();
    assert!(
        said.contains("2014-15") && said.contains("PSS-EX1"),
        "{said}"
    );
    let (_, body) = get(&app, "/measures/1C2A").await;
    assert!(text(&Html::parse_document(&body), "#series-break").is_none());
}

#[tokio::test]
async fn the_finance_returns_long_layout_gives_the_bridging_years_spend_as_its_own_series() {
    let pool = database(Start::Reference).await;
    let (name, bytes) = finance_bytes("pss-exp-eng-15-16-fin-add-data.csv");
    let report = import(&pool, &name, &bytes, None).await;
    assert!(!report.has_errors(), "{report}");
    assert_eq!(
        report.format,
        "NHS Digital adult social care finance return (ASC-FR)"
    );
    // The bridging year's PSS-EX1 service groups (£ thousands summed from the published rows,
    // computed independently): per adult, per person aged 65+, direct payments' share.
    let expected = [
        (
            "E06000006",
            "FIN_PSS_GROSS_ADULT",
            dec!(510.60),
            dec!(51527000),
            dec!(100914),
        ),
        (
            "E08000003",
            "FIN_PSS_GROSS_ADULT",
            dec!(336.75),
            dec!(145432000),
            dec!(431869),
        ),
        (
            "E10000017",
            "FIN_PSS_GROSS_65",
            dec!(957.01),
            dec!(244646518.88),
            dec!(255637),
        ),
        (
            "E06000006",
            "FIN_PSS_DP_SHARE",
            dec!(8.00),
            dec!(4123000),
            dec!(51527000),
        ),
        (
            "E10000017",
            "FIN_PSS_DP_SHARE",
            dec!(7.32),
            dec!(34158212.62),
            dec!(466910128.621),
        ),
    ];
    for (council, measure, value, numerator, denominator) in expected {
        let got: (Option<Decimal>, Option<Decimal>, Option<Decimal>) = sqlx::query_as(
            "SELECT value, numerator, denominator FROM current_observations
             WHERE area_code = $1 AND measure_code = $2 AND period_code = '2015-16'",
        )
        .bind(council)
        .bind(measure)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            got,
            (Some(value), Some(numerator), Some(denominator)),
            "{council} {measure}"
        );
    }
    // The classifications differ: nothing of the bridging year is an ASC-FR measure.
    let joined: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM current_observations
         WHERE period_code = '2015-16' AND measure_code IN ('RW01', 'FIN_DP_SHARE', 'FIN_SPEND_65')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(joined, 0);
    // The activity table (weeks of care, no money) is recognised, says it makes no measure
    // and stores nothing: an empty revision would replace another table's values with none.
    let submissions = |pool: PgPool| async move {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM submissions")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let before = submissions(pool.clone()).await;
    let (name, bytes) = finance_bytes("pss-exp-eng-15-16-fin-act.csv");
    let report = import(&pool, &name, &bytes, None).await;
    assert_eq!(
        report.format,
        "NHS Digital adult social care finance return (ASC-FR)"
    );
    let noted = |n: &String| n.contains("no measure of the scorecard");
    assert!(report.notes.iter().any(noted), "{report}");
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.reason.starts_with("nothing to store")),
        "{report}"
    );
    assert_eq!(before, submissions(pool.clone()).await);
}

/// Issue 18's "done when": from the official files alone (no illustrative data), 2015-16's
/// Resource and workforce domain has spend in £, the council page's balanced view has a Finance
/// block of real values, and a domain still without values says which sources would fill it.
#[tokio::test]
async fn official_files_alone_fill_the_resource_domain_and_say_what_fills_the_rest() {
    let pool = database(Start::Reference).await;
    for name in [
        "pss-exp-eng-14-15-fin-coun-lev-exp-data.csv",
        "pss-exp-eng-14-15-fin-coun-lev-unit-cost.csv",
        "pss-exp-eng-15-16-fin-add-data.csv",
    ] {
        let (name, bytes) = finance_bytes(name);
        let report = import(&pool, &name, &bytes, None).await;
        assert!(!report.has_errors(), "{report}");
    }
    let report = import(&pool, OFLOG_NAME, &oflog_bytes(), None).await;
    assert!(!report.has_errors(), "{report}");
    let app = app(pool.clone());
    let (status, body) = get(&app, "/regional-account?period=2015-16").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let headlines = texts(&html, "#headlines p");
    let of = |domain: &str| {
        headlines
            .iter()
            .find(|h| h.starts_with(domain))
            .unwrap_or_else(|| panic!("{domain}: {headlines:?}"))
            .clone()
    };
    assert!(
        of("Resource and workforce: of ").contains("council values"),
        "{headlines:?}"
    );
    assert!(
        of("Culture and challenge").contains("Its measures come from: ")
            && of("Culture and challenge").contains("The service's own records;"),
        "{headlines:?}"
    );
    let (_, body) = get(&app, "/authorities/E06000006?period=2015-16&arrange=type").await;
    let html = Html::parse_document(&body);
    let finance = texts(&html, "#domain-type-financial tbody tr");
    assert!(
        finance
            .iter()
            .any(|r| r.contains("FIN_PSS_GROSS_ADULT") && r.contains("£511")),
        "the bridging year's spend per adult, £510.60: {finance:?}"
    );
    assert!(
        finance
            .iter()
            .any(|r| r.contains("FIN_UC_RN_65") && r.contains("£353")),
        "{finance:?}"
    );
}

/// The Regional Account's sentences of seed 004 on real data, recomputed here from the stored
/// values: 1C(2A)'s range across the North West, councils above and below England, and the
/// national quartiles (rank among every English council with a value, ties sharing the better
/// rank).
#[tokio::test]
async fn the_regional_accounts_range_sentence_is_the_published_values_counted() {
    let pool = database(Start::Reference).await;
    for year in ["2015-16", "2016-17"] {
        let report = import(&pool, &official_name(year), &official_bytes(year), None).await;
        assert!(!report.has_errors(), "{report}");
    }
    let values: Vec<(String, Decimal, bool)> = sqlx::query_as(
        "SELECT o.area_code, o.value,
                EXISTS (SELECT 1 FROM comparator_group_members m
                        WHERE m.group_slug = 'north-west' AND m.ons_code = o.area_code)
         FROM current_observations o JOIN authorities a ON a.ons_code = o.area_code
         WHERE o.measure_code = '1C2A' AND o.period_code = '2016-17'
           AND o.disaggregation = 'Total' AND o.value IS NOT NULL",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let england: Decimal = sqlx::query_scalar(
        "SELECT value FROM current_observations
         WHERE measure_code = '1C2A' AND period_code = '2016-17' AND area_code = 'E92000001'
           AND disaggregation = 'Total'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let region: Vec<Decimal> = values.iter().filter(|v| v.2).map(|v| v.1).collect();
    assert_eq!(region.len(), 23);
    let (low, high) = (region.iter().min().unwrap(), region.iter().max().unwrap());
    let above = region.iter().filter(|v| **v > england).count();
    let below = region.iter().filter(|v| **v < england).count();
    let n = values.len();
    let quartile = |v: Decimal| {
        let rank = 1 + values.iter().filter(|o| o.1 > v).count();
        (4 * rank).div_ceil(n)
    };
    let upper = region.iter().filter(|v| quartile(**v) == 1).count();
    let lower = region.iter().filter(|v| quartile(**v) == 4).count();
    let expected = format!(
        "1C(2A) Proportion of people using social care who receive direct payments: a variation between {low:.1}% and {high:.1}% with {above} councils above England average ({england:.1}%) and {below} below; {upper} councils in the upper quartile and {lower} in the lower when compared nationally."
    );
    let app = app(pool.clone());
    let (status, body) = get(&app, "/regional-account?period=2016-17").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let details = texts(&html, "#details-performance-outcomes li");
    assert!(details.contains(&expected), "{expected}\n{details:#?}");
    // The councils' direction of travel, counted over the domain's ASCOF measures.
    assert!(
        details[0].ends_with("static or negative."),
        "{:?}",
        details.first()
    );
}

/// The Regional Account's change in net spend: the 2014-15 finance return as published, and a
/// 2015-16 return of the same measure in the service's own layout (no second ASC-FR year of
/// net expenditure is in the repository: 2015-16 is the bridging year), recomputed here from
/// the stored numerators.
#[tokio::test]
async fn the_regional_accounts_net_spend_change_names_the_councils_at_the_ends() {
    let pool = database(Start::Reference).await;
    let (name, bytes) = finance_bytes("pss-exp-eng-14-15-fin-coun-lev-exp-data.csv");
    let report = import(&pool, &name, &bytes, None).await;
    assert!(!report.has_errors(), "{report}");
    let before: Vec<(String, String, Decimal, Decimal)> = sqlx::query_as(
        "SELECT o.area_code, a.name, o.numerator, o.denominator
         FROM current_observations o
         JOIN authorities a ON a.ons_code = o.area_code
         JOIN comparator_group_members m ON m.ons_code = o.area_code AND m.group_slug = 'north-west'
         WHERE o.measure_code = 'FIN_NET_ADULT' AND o.period_code = '2014-15'
           AND o.numerator IS NOT NULL
         ORDER BY o.area_code",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(before.len() >= 20, "{}", before.len());
    // Each council's net spend changed by a different share: -6%, -5.5%, … in half-point steps,
    // sent as each council's return in the service's template (one council a file).
    for (i, (code, name, net, adults)) in before.iter().enumerate() {
        let factor = Decimal::ONE + (Decimal::from(i as i64) - dec!(12)) / dec!(200);
        let after = (net * factor).round_dp(0);
        let value = (after / adults).round_dp(2);
        let file = format!(
            "authority,authority name,measure,measure title,period,value,numerator,denominator,note\n\
             {code},{name},FIN_NET_ADULT,,2015-16,{value},{after},{adults},\n"
        );
        let analysis = analyse(&pool, "net.csv", file.as_bytes(), Options::default())
            .await
            .unwrap();
        assert!(!analysis.report().has_errors(), "{}", analysis.report());
        commit(&pool, &analysis, "test").await.unwrap();
    }
    common::publish(&pool, Period::year(2015)).await;
    let after: Vec<(String, Decimal)> = sqlx::query_as(
        "SELECT area_code, numerator FROM current_observations
         WHERE measure_code = 'FIN_NET_ADULT' AND period_code = '2015-16'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut changes: Vec<(f64, &str)> = before
        .iter()
        .filter_map(|(code, name, net, _)| {
            let (_, now) = after.iter().find(|(c, _)| c == code)?;
            let ratio = now / net;
            Some((
                (ratio.to_string().parse::<f64>().unwrap() - 1.0) * 100.0,
                name.as_str(),
            ))
        })
        .collect();
    changes.sort_by(|a, b| b.0.total_cmp(&a.0));
    let rises: Vec<_> = changes.iter().filter(|c| c.0 > 0.0).collect();
    let falls: Vec<_> = changes.iter().filter(|c| c.0 < 0.0).collect();
    let expected = format!(
        "{} of {} councils increased net expenditure on adult social care from 2014-15 to 2015-16, with increases ranging from {:.1}% at {} to {:.1}% at {}; {} reduced it, the largest being {} with a reduction of {:.1}%.",
        rises.len(),
        changes.len(),
        rises[0].0,
        rises[0].1,
        rises[rises.len() - 1].0,
        rises[rises.len() - 1].1,
        falls.len(),
        falls[falls.len() - 1].1,
        -falls[falls.len() - 1].0
    );
    let app = app(pool.clone());
    let (status, body) = get(&app, "/regional-account?period=2015-16").await;
    assert_eq!(status, StatusCode::OK);
    let details = texts(
        &Html::parse_document(&body),
        "#details-resource-workforce li",
    );
    assert!(details.contains(&expected), "{expected}\n{details:#?}");
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("The share of council spending")),
        "what the share would need is said: {details:#?}"
    );
}

/// The TEASC report shows each value's interval and, for a survey measure, that it is the
/// publisher's margin of error its comparisons rest on (value ± the published margin).
#[tokio::test]
async fn the_teasc_report_shows_the_published_margin_of_error_behind_a_survey_item() {
    let pool = database(Start::Reference).await;
    let report = import(
        &pool,
        &official_name("2016-17"),
        &official_bytes("2016-17"),
        None,
    )
    .await;
    assert!(!report.has_errors(), "{report}");
    let surveyed: Vec<(String, Decimal, Decimal, i16)> = sqlx::query_as(
        "SELECT o.measure_code, o.value, o.margin_of_error, m.decimals
         FROM current_observations o JOIN measures m ON m.code = o.measure_code
         WHERE o.area_code = 'E06000006' AND o.period_code = '2016-17'
           AND o.disaggregation = 'Total' AND o.margin_of_error IS NOT NULL
           AND m.teasc_section IS NOT NULL AND m.unit = 'percent'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        !surveyed.is_empty(),
        "a survey item with a published margin"
    );
    let app = app(pool.clone());
    let (status, body) = get(&app, "/authorities/E06000006/teasc?period=2016-17").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    for (code, value, moe, decimals) in surveyed {
        let cell = texts(&html, &format!("tr[data-measure='{code}'] td .interval"));
        let d = usize::try_from(decimals).unwrap();
        let expected = format!(
            "95% CI {:.d$}% to {:.d$}% (published margin of error",
            value - moe,
            value + moe
        );
        assert!(
            cell.first().is_some_and(|c| c.starts_with(&expected)),
            "{code}: {expected} in {cell:?}"
        );
    }
}
