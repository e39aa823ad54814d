//! The risk signal over HTTP, on the official 2015-16 and 2016-17 files with one implausible
//! value: graded concerns, the data-quality query that holds the value back, its clearing
//! (audited), the rules not evaluated, and the matrix ranked by score.

#![allow(clippy::unwrap_used)]

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
