//! Uploading through the site: check, see the report, commit; the list of submissions; the
//! template; and protection against cross-site posts.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Agent, Start, app, database, send, text, texts, upload};
use scorecard::domain::access::Role;

async fn analyst(app: &axum::Router, pool: &sqlx::PgPool) -> Agent {
    Agent::signed_in(app, pool, "analyst@example.org", Role::Analyst, None).await
}
use scraper::Html;

const HEADER: &str =
    "authority,authority name,measure,measure title,period,value,numerator,denominator,note\n";

async fn count(pool: &sqlx::PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn check_then_commit_a_template_through_the_site() {
    let pool = database(Start::Seeded).await;
    let app = app(pool.clone());
    let mut analyst = analyst(&app, &pool).await;
    let file = format!("{HEADER}E06000006,Halton,AS04,,2024-25 Q1,71.5,143,200,\n");
    let (status, _, body) = analyst
        .upload("/submissions/check", "halton.csv", file.as_bytes(), &[])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let html = Html::parse_document(&body);
    assert_eq!(text(&html, "#error-count").unwrap(), "0");
    assert_eq!(
        text(&html, "#values").unwrap(),
        "1 for 1 areas and 1 measures"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM observations WHERE period_code = '2024-25 Q1'"
        )
        .await,
        0,
        "nothing stored yet"
    );
    let form = scraper::Selector::parse("form[action$='/commit']").unwrap();
    let action = html
        .select(&form)
        .next()
        .expect("a commit button")
        .value()
        .attr("action")
        .unwrap()
        .to_string();

    let (status, headers, _) = analyst.post_form(&action, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/submissions/"));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM observations WHERE period_code = '2024-25 Q1'"
        )
        .await,
        1
    );

    let (status, body) = analyst.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Revision 1 of template:E06000006:2024-25 Q1"),
        "{body}"
    );
    let (_, list) = analyst.get("/submissions").await;
    let files = texts(
        &Html::parse_document(&list),
        "#submissions tbody td:nth-child(2)",
    );
    assert_eq!(files, vec!["halton.csv", "seed-data/"]);

    assert_eq!(
        analyst.post_form(&action, &[]).await.0,
        StatusCode::NOT_FOUND,
        "an upload commits once"
    );
    // The public sees neither the list nor the reports.
    let mut public = Agent::public(&app);
    for page in ["/submissions", location.as_str()] {
        let (status, _) = public.get(page).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}: sign in first");
    }
}

#[tokio::test]
async fn a_file_with_errors_shows_them_and_offers_no_commit() {
    let pool = database(Start::Seeded).await;
    let app = app(pool.clone());
    let mut analyst = analyst(&app, &pool).await;
    let file = format!("{HEADER}E06000006,Halton,AS04,,2024-25 Q1,lots,,,\n");
    let (status, _, body) = analyst
        .upload("/submissions/check", "bad.csv", file.as_bytes(), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    assert!(
        text(&html, ".govuk-error-summary__title")
            .unwrap()
            .contains("1 problem")
    );
    let row = texts(&html, "#issue-table tbody tr:first-child td");
    assert_eq!(row, vec!["Error", "", "2", "value", "lots", "not a number"]);
    assert!(
        html.select(&scraper::Selector::parse("#commit").unwrap())
            .next()
            .is_none()
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM uploads").await,
        0,
        "nothing staged"
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let pool = database(Start::Seeded).await;
    let app = app(pool);
    let mut request = upload("/submissions/check", "x.csv", HEADER.as_bytes(), &[]);
    request
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(&app, request).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_clearly() {
    let pool = database(Start::Seeded).await;
    let app = app(pool.clone());
    let mut analyst = analyst(&app, &pool).await;
    let big = vec![b'a'; 2 * 1024 * 1024];
    let (status, _, body) = analyst
        .upload("/submissions/check", "big.csv", &big, &[])
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        body.contains("too large") || body.contains("larger than"),
        "{body}"
    );
}

#[tokio::test]
async fn the_template_comes_pre_filled_as_csv_and_xlsx() {
    let pool = database(Start::Seeded).await;
    let app = app(pool.clone());
    let mut analyst = analyst(&app, &pool).await;
    let cookie = analyst.cookie.clone().unwrap();
    let get_bytes = |uri: &str| {
        Request::get(uri)
            .header("cookie", cookie.as_str())
            .body(Body::empty())
            .unwrap()
    };
    let (status, headers, body) = send(
        &app,
        get_bytes("/submissions/template?authority=E06000006&period=2024-25%20Q1&format=csv"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("scorecard-template-E06000006-2024-25-Q1.csv")
    );
    let text = scorecard::ingest::decode::text(&body);
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), HEADER.trim_end());
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter().any(|r| r.starts_with("E06000006,Halton,AS04,")),
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| r.contains(",2024-25 Q1,")));
    assert!(
        !rows.iter().any(|r| r.contains(",1C2A,")),
        "annual ASCOF measures are not in a quarterly template"
    );

    let (status, _, xlsx) = send(
        &app,
        get_bytes("/submissions/template?authority=E06000006&period=2024-25%20Q1&format=xlsx"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let tables = scorecard::ingest::decode::tables("t.xlsx", &xlsx, Default::default()).unwrap();
    assert_eq!(tables[0].sheet.as_deref(), Some("Submission"));
    assert_eq!(tables[0].rows.len(), rows.len());

    for (uri, status) in [
        (
            "/submissions/template?authority=E99&period=2024-25",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/submissions/template?authority=E06000006&period=2024",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/submissions/template?authority=E06000099&period=2024-25",
            StatusCode::NOT_FOUND,
        ),
        (
            "/submissions/template?authority=E06000006&period=2024-25&format=pdf",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        assert_eq!(analyst.get(uri).await.0, status, "{uri}");
    }
}
