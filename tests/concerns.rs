//! The risk signal over HTTP, on the official 2015-16 and 2016-17 files with one implausible
//! value: graded concerns, the data-quality query that holds the value back, its clearing
//! (audited), the rules not evaluated, and the matrix ranked by score.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use axum::http::StatusCode;
use common::{Cast, Start, app, database, official_bytes, official_name, texts};
use scraper::Html;
use sqlx::PgPool;

const HALTON: &str = "E06000006";

async fn import(pool: &PgPool, name: &str, bytes: &[u8]) {
    let analysis = scorecard::ingest::import::analyse(pool, name, bytes, Default::default())
        .await
        .unwrap();
    assert!(!analysis.report().has_errors(), "{}", analysis.report());
    scorecard::ingest::import::commit(pool, &analysis, "test")
        .await
        .unwrap();
}

/// Two official years, and Halton's 1C2A for 2016-17 revised to an implausible 2.0%.
async fn with_a_collapse() -> PgPool {
    let pool = database(Start::Reference).await;
    for year in ["2015-16", "2016-17"] {
        import(&pool, &official_name(year), &official_bytes(year)).await;
    }
    let revision = format!(
        "authority,authority name,measure,measure title,period,value,numerator,denominator,note\n\
         {HALTON},Halton,1C2A,,2016-17,2.0,20,1000,recording system changed\n"
    );
    import(&pool, "halton-revision.csv", revision.as_bytes()).await;
    pool
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap()
}

#[tokio::test]
async fn concerns_are_graded_and_a_queried_value_waits_for_the_analyst() {
    let pool = with_a_collapse().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let uri = format!("/api/v1/authorities/{HALTON}/concerns?period=2016-17");
    let (status, body) = c.analyst.get(&uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = json(&body);
    assert_eq!(v["authority"]["code"], HALTON);
    assert_eq!(v["period"], "2016-17");
    let concerns = v["concerns"].as_array().unwrap();
    for concern in concerns {
        assert!(
            ["high", "medium", "low"].contains(&concern["grade"].as_str().unwrap()),
            "{concern}"
        );
        assert!(!concern["reasons"].as_array().unwrap().is_empty());
        let years = concern["years"].as_u64().unwrap();
        assert!((1..=3).contains(&years));
        assert_eq!(concern["evidence"]["values"].as_array().unwrap().len(), 5);
        assert_ne!(concern["measure"], "1C2A", "a queried value is no concern");
    }
    let measures: Vec<&str> = concerns
        .iter()
        .map(|c| c["measure"].as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = measures.iter().collect();
    assert_eq!(unique.len(), measures.len(), "one concern per measure");
    assert!(v["score"].as_f64().unwrap() >= 0.0);
    let query = v["queries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["measure"] == "1C2A" && q["rule"] == "extreme-change")
        .cloned()
        .unwrap_or_else(|| panic!("{}", v["queries"]));
    assert_eq!(query["cleared"], false);
    assert!(
        query["reason"]
            .as_str()
            .unwrap()
            .contains("to 2 in 2016-17"),
        "{query}"
    );
    let not_evaluated: Vec<&str> = v["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["trigger"].as_str().unwrap())
        .collect();
    assert!(
        not_evaluated.contains(&"unit-cost-change"),
        "{not_evaluated:?}"
    );
    assert!(not_evaluated.contains(&"level-1"), "{not_evaluated:?}");

    // Who may read it.
    assert_eq!(c.halton.get(&uri).await.0, StatusCode::OK);
    assert_eq!(c.warrington.get(&uri).await.0, StatusCode::NOT_FOUND);
    assert_eq!(c.public.get(&uri).await.0, StatusCode::UNAUTHORIZED);

    // The council cannot clear its own query; the analyst must say why.
    let clear = format!("/risk/{HALTON}/queries/clear");
    let fields = |note: &'static str| {
        vec![
            ("measure", "1C2A"),
            ("period", "2016-17"),
            ("rule", "extreme-change"),
            ("note", note),
        ]
    };
    c.halton
        .get(&format!("/risk/{HALTON}?period=2016-17"))
        .await;
    let (status, _, _) = c.halton.post_form(&clear, &fields("it is right")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    c.warrington.get("/").await;
    let (status, _, _) = c.warrington.post_form(&clear, &fields("not ours")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another council");
    // A forged form, and HEAD as a stranger, get nothing.
    let (status, _, _) = c
        .analyst
        .post_form_with_token(&clear, "forged", &fields("forged"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(c.public.head(&uri).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(c.warrington.head(&uri).await.0, StatusCode::NOT_FOUND);
    let cleared: i64 = sqlx::query_scalar("SELECT count(*) FROM query_clearances")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(cleared, 0, "nothing cleared by any of them");
    let (status, page) = c
        .analyst
        .get(&format!("/risk/{HALTON}?period=2016-17"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&page);
    assert!(
        texts(&html, "#query-list li[data-rule='extreme-change']")
            .iter()
            .any(|t| t.contains("Clear the query"))
    );
    let (status, _, body) = c.analyst.post_form(&clear, &fields("  ")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _, body) = c
        .analyst
        .post_form(
            &clear,
            &fields("Confirmed with Halton: a new recording system"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (action, actor): (String, String) =
        sqlx::query_as("SELECT action, actor FROM audit_log WHERE action = 'query.clear'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (action.as_str(), actor.as_str()),
        ("query.clear", "analyst@example.org")
    );
    let v = json(&c.analyst.get(&uri).await.1);
    let query = v["queries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["measure"] == "1C2A" && q["rule"] == "extreme-change")
        .cloned()
        .unwrap();
    assert_eq!(query["cleared"], true);
    let (_, page) = c
        .analyst
        .get(&format!("/risk/{HALTON}?period=2016-17"))
        .await;
    assert!(page.contains("Cleared by analyst@example.org"));
}

#[tokio::test]
async fn the_matrix_ranks_councils_by_their_score() {
    let pool = with_a_collapse().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let (status, page) = c.analyst.get("/risk?period=2016-17").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&page);
    let scores: Vec<f64> = texts(&html, "#matrix tbody td.score")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(scores.len(), 23);
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(scores[0] > 0.0, "official data gives some council concerns");
    let halton = html
        .select(
            &scraper::Selector::parse(&format!("#matrix tr[data-council='{HALTON}'] td.queries"))
                .unwrap(),
        )
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap();
    assert!(
        halton.trim().parse::<usize>().unwrap() >= 1,
        "Halton's open query"
    );
    assert!(page.contains("trigger firings"));
}

fn scores_of(page: &str) -> Vec<(String, f64)> {
    let html = Html::parse_document(page);
    let row = scraper::Selector::parse("#matrix tbody tr").unwrap();
    let score = scraper::Selector::parse("td.score").unwrap();
    html.select(&row)
        .map(|r| {
            (
                r.value().attr("data-council").unwrap().to_string(),
                r.select(&score)
                    .next()
                    .unwrap()
                    .text()
                    .collect::<String>()
                    .trim()
                    .parse()
                    .unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_analyst_edits_the_scoring_and_every_version_is_kept() {
    let pool = with_a_collapse().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let (_, page) = c.analyst.get("/risk?period=2016-17").await;
    assert!(page.contains("scoring version 1"), "the matrix names it");
    let before = scores_of(&page);
    let fields = |high_weight: &'static str, medium_from: &'static str| {
        vec![
            ("significantly_worse_points", "2"),
            ("other_points", "1"),
            ("medium_from", medium_from),
            ("high_from", "5"),
            ("high_weight", high_weight),
            ("medium_weight", "2"),
            ("low_weight", "1"),
            ("regional_percent", "50"),
        ]
    };
    // What makes no sense is refused, naming what is wrong; nothing changes.
    let (status, _, body) = c
        .analyst
        .post_form("/risk/scoring", &fields("3", "6"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("medium_from"), "{body}");
    let (status, _, _) = c
        .analyst
        .post_form("/risk/scoring", &fields("lots", "3"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A council's user may not; nor may a forged form.
    c.halton.get("/").await;
    let (status, _, _) = c
        .halton
        .post_form("/risk/scoring", &fields("30", "3"))
        .await;
    assert!(
        [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&status),
        "{status}"
    );
    let (status, _, _) = c
        .analyst
        .post_form_with_token("/risk/scoring", "forged", &fields("30", "3"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let version: i32 = sqlx::query_scalar("SELECT version FROM risk_scoring")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(version, 1, "nothing changed");

    // High concerns weigh ten times as much: the scores move, the version goes up, the
    // earlier one is kept and the change audited.
    let (status, _, body) = c
        .analyst
        .post_form("/risk/scoring", &fields("30", "3"))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, page) = c.analyst.get("/risk?period=2016-17").await;
    assert!(page.contains("scoring version 2"));
    assert!(
        page.contains("high 30"),
        "the page explains the new weights"
    );
    let after = scores_of(&page);
    assert_eq!(before.len(), after.len());
    assert_ne!(before, after, "the scores follow the scoring");
    assert!(after.windows(2).all(|w| w[0].1 >= w[1].1), "still ranked");
    let (_, page) = c.analyst.get("/risk/triggers").await;
    let html = Html::parse_document(&page);
    let earlier = texts(&html, "#scoring-versions tbody tr");
    assert_eq!(earlier.len(), 1, "{earlier:?}");
    assert!(earlier[0].contains("high 3,"), "{earlier:?}");
    let (before, after): (serde_json::Value, serde_json::Value) =
        sqlx::query_as("SELECT before, after FROM audit_log WHERE action = 'scoring.update'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (before["version"].clone(), after["version"].clone()),
        (1.into(), 2.into())
    );
    assert_eq!(after["params"]["high_weight"], 30.0);
    let v = json(
        &c.analyst
            .get(&format!(
                "/api/v1/authorities/{HALTON}/concerns?period=2016-17"
            ))
            .await
            .1,
    );
    assert_eq!(v["scoring_version"], 2);
}

#[tokio::test]
async fn a_councils_response_explains_the_concern_it_names() {
    let pool = with_a_collapse().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let uri = format!("/api/v1/authorities/{HALTON}/concerns?period=2016-17");
    let v = json(&c.analyst.get(&uri).await.1);
    let concerns = v["concerns"].as_array().unwrap().clone();
    assert!(!concerns.is_empty(), "Halton has concerns in 2016-17");
    assert!(concerns.iter().all(|c| c["explained"] == false));
    let measure = concerns[0]["measure"].as_str().unwrap().to_string();
    // The analyst shares the concerns; Halton answers one of them.
    let assessment = format!("/risk/{HALTON}/assessment");
    c.analyst.get("/risk?period=2016-17").await;
    let (status, _, body) = c
        .analyst
        .post_form(
            &assessment,
            &[
                ("year", "2016-17"),
                ("action", "concerns"),
                ("body", "We would like to discuss these."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, page) = c
        .halton
        .get(&format!("/risk/{HALTON}?period=2016-17"))
        .await;
    let html = Html::parse_document(&page);
    let options = texts(&html, "#respond-concern option");
    assert_eq!(
        options.len(),
        concerns.len() + 1,
        "each concern, or in general"
    );
    let (status, _, body) = c
        .halton
        .post_form(
            &assessment,
            &[
                ("year", "2016-17"),
                ("action", "respond"),
                ("concern", "NOT-A-MEASURE"),
                ("body", "?"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("concern"), "{body}");
    let (status, _, body) = c
        .halton
        .post_form(
            &assessment,
            &[
                ("year", "2016-17"),
                ("action", "respond"),
                ("concern", &measure),
                (
                    "body",
                    "A new provider opened in March; figures recover next year.",
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let v = json(&c.analyst.get(&uri).await.1);
    for concern in v["concerns"].as_array().unwrap() {
        let named = concern["measure"] == measure.as_str();
        assert_eq!(concern["explained"], named, "{concern}");
        if named {
            assert_eq!(
                concern["evidence"]["responses"][0],
                "A new provider opened in March; figures recover next year."
            );
        }
    }
    let (_, page) = c
        .analyst
        .get(&format!("/risk/{HALTON}?period=2016-17"))
        .await;
    let html = Html::parse_document(&page);
    let cells = texts(&html, "#graded-concerns td.response");
    assert_eq!(
        cells.iter().filter(|t| t.contains("Explained")).count(),
        1,
        "{cells:?}"
    );
    assert_eq!(
        cells.iter().filter(|t| t.contains("Unexplained")).count(),
        concerns.len() - 1
    );
    let (_, page) = c.analyst.get("/risk?period=2016-17").await;
    let html = Html::parse_document(&page);
    let unexplained: usize = texts(
        &html,
        &format!("#matrix tr[data-council='{HALTON}'] .unexplained"),
    )
    .iter()
    .map(|t| {
        t.split_whitespace()
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap()
    })
    .sum();
    assert_eq!(unexplained, concerns.len() - 1);
}

#[tokio::test]
async fn the_importers_warning_about_a_value_is_carried_to_its_concern_or_query() {
    let pool = with_a_collapse().await;
    // The official 2016-17 file, checked against 2015-16, warns of changes far from the usual:
    // kept with the submission, per value.
    let warned: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT w.area_code, w.measure_code, w.warning FROM value_warnings w
         JOIN comparator_group_members m ON m.ons_code = w.area_code
              AND m.group_slug = 'north-west'
         WHERE w.period_code = '2016-17' ORDER BY 1, 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        !warned.is_empty(),
        "the official file has changes to warn of"
    );
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let mut carried: Vec<(String, String)> = Vec::new();
    let councils: std::collections::BTreeSet<&str> =
        warned.iter().map(|(a, _, _)| a.as_str()).collect();
    for council in councils {
        let v = json(
            &c.analyst
                .get(&format!(
                    "/api/v1/authorities/{council}/concerns?period=2016-17"
                ))
                .await
                .1,
        );
        let warning_of = |measure: &str| {
            warned
                .iter()
                .find(|(a, m, _)| a == council && m == measure)
                .map(|(_, _, w)| w.as_str())
        };
        for concern in v["concerns"].as_array().unwrap() {
            let expected = warning_of(concern["measure"].as_str().unwrap());
            assert_eq!(
                concern["evidence"]["import_warning"].as_str(),
                expected,
                "{concern}"
            );
            if let Some(w) = expected {
                carried.push((council.to_string(), w.to_string()));
            }
        }
        for query in v["queries"].as_array().unwrap() {
            let expected = warning_of(query["measure"].as_str().unwrap());
            assert_eq!(query["import_warning"].as_str(), expected, "{query}");
            if let Some(w) = expected {
                carried.push((council.to_string(), w.to_string()));
            }
        }
    }
    assert!(
        !carried.is_empty(),
        "some warned value is a concern or a query"
    );
    // On the profile, beside the concern or the query.
    let (council, warning) = &carried[0];
    let (_, page) = c
        .analyst
        .get(&format!("/risk/{council}?period=2016-17"))
        .await;
    let shown = texts(&Html::parse_document(&page), ".import-warning");
    assert!(
        shown.iter().any(|t| t.contains(warning.as_str())),
        "{shown:?}"
    );
}

#[tokio::test]
async fn a_form_error_comes_back_on_its_page_from_this_site_and_nowhere_else() {
    let pool = database(Start::Reference).await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    c.analyst.get("/risk/triggers").await;
    let post = |referer: &str, token: &str| {
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("csrf", token),
            ("significantly_worse_points", "2"),
            ("other_points", "1"),
            ("medium_from", "9"),
            ("high_from", "5"),
            ("high_weight", "3"),
            ("medium_weight", "2"),
            ("low_weight", "1"),
            ("regional_percent", "50"),
        ] {
            form.append_pair(k, v);
        }
        axum::http::Request::post("/risk/scoring")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header("host", "scorecard.example")
            .header("referer", referer)
            .body(axum::body::Body::from(form.finish()))
            .unwrap()
    };
    let token = c.analyst.csrf.clone();
    let (status, _, page) = c
        .analyst
        .send(post("https://scorecard.example/risk/triggers", &token))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // From this site's page: that page again, with what was typed and the problem at its top.
    let html = Html::parse_document(&page);
    assert_eq!(texts(&html, "h1"), ["Risk triggers"], "{page}");
    let summary = texts(&html, ".govuk-error-summary__list li");
    assert_eq!(summary.len(), 1, "{page}");
    assert!(
        summary[0]
            .to_lowercase()
            .contains("medium_from (9) must be at least 1"),
        "{summary:?}"
    );
    let typed = html
        .select(&scraper::Selector::parse("#medium_from").unwrap())
        .next()
        .and_then(|i| i.value().attr("value"))
        .map(str::to_string);
    assert_eq!(
        typed.as_deref(),
        Some("9"),
        "what was typed, not what is stored"
    );
    // A Referer of another site, or one a browser would read as another site: no link.
    for referer in [
        "https://elsewhere.example/risk/triggers",
        "https://scorecard.example/\\elsewhere.example",
        "https://scorecard.example//elsewhere.example",
    ] {
        let (status, _, page) = c.analyst.send(post(referer, &token)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(!page.contains("back-to-form"), "{referer}");
        assert!(page.contains("Nothing was saved"));
    }
}
