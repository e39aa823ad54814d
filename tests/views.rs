//! The further views: what's new (a page per publication, and its Atom feed) from crafted
//! publications.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use axum::http::StatusCode;
use common::{Start, app, database, get, text, texts};
use scorecard::domain::Period;
use scorecard::ingest::{Options, import};
use scraper::Html;
use sqlx::PgPool;

const HEADER: &str =
    "authority,authority name,measure,measure title,period,value,numerator,denominator,note\n";

async fn store(pool: &PgPool, name: &str, line: &str) {
    let bytes = format!("{HEADER}{line}\n");
    let analysis = import::analyse(pool, name, bytes.as_bytes(), Options::default())
        .await
        .unwrap();
    assert!(!analysis.report().has_errors(), "{}", analysis.report());
    import::commit(pool, &analysis, "analyst").await.unwrap();
}

/// The ids of the publications listed on /whats-new, newest first, with their titles.
fn listed(body: &str) -> Vec<(i64, String)> {
    let html = Html::parse_document(body);
    html.select(&scraper::Selector::parse("#publications a").unwrap())
        .map(|a| {
            let id = a.value().attr("href").unwrap().rsplit('/').next().unwrap();
            (id.parse().unwrap(), a.text().collect::<String>())
        })
        .collect()
}

#[tokio::test]
async fn whats_new_says_what_each_publication_made_public_and_feeds_it_as_atom() {
    let pool = database(Start::Reference).await;
    let year = Period::year(2024);
    store(
        &pool,
        "halton-v1.csv",
        "E06000006,Halton,2A2,,2024-25,598.7,,,",
    )
    .await;
    common::publish(&pool, year).await;
    store(
        &pool,
        "halton-v2.csv",
        "E06000006,Halton,2A2,,2024-25,740.9,,,corrected after audit",
    )
    .await;
    sqlx::query(
        "INSERT INTO commentary (ons_code, domain_slug, period_code, revision, body, status, author)
         VALUES ('E06000006', 'performance-outcomes', '2024-25', 1, 'Admissions rose after a care home closed.', 'submitted', 'dass')",
    )
    .execute(&pool)
    .await
    .unwrap();
    common::publish(&pool, year).await;
    let app = app(pool);

    let (status, body) = get(&app, "/whats-new").await;
    assert_eq!(status, StatusCode::OK);
    let list = listed(&body);
    let titles: Vec<&str> = list.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(titles, ["2024-25 published again", "2024-25 published"]);

    let (_, first) = get(&app, &format!("/whats-new/{}", list[1].0)).await;
    let html = Html::parse_document(&first);
    assert!(
        text(&html, "main p")
            .unwrap()
            .starts_with("New 2024-25 is published for the first time")
    );
    assert_eq!(texts(&html, "#new-measures li").len(), 1);
    assert!(texts(&html, "#new-measures li")[0].contains("2A(2)"));

    let (_, again) = get(&app, &format!("/whats-new/{}", list[0].0)).await;
    let html = Html::parse_document(&again);
    let row = texts(&html, "#revised tbody td");
    assert_eq!(row.len(), 5, "one revised value: {row:?}");
    assert_eq!(row[1], "Halton");
    assert_eq!((row[2].as_str(), row[3].as_str()), ("598.7", "740.9"));
    assert_eq!(row[4], "corrected after audit");
    assert!(again.contains("Admissions rose after a care home closed."));
    assert!(
        texts(&html, "#new-measures li").is_empty(),
        "2A(2) is not new any more"
    );

    let (status, atom) = get(&app, "/whats-new.atom").await;
    assert_eq!(status, StatusCode::OK);
    let feed = feed_rs::parser::parse(atom.as_bytes()).expect("a valid Atom feed");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    assert_eq!(titles, ["2024-25 published again", "2024-25 published"]);
    assert!(
        feed.entries[0].links[0]
            .href
            .ends_with(&format!("/whats-new/{}", list[0].0))
    );
    assert_eq!(get(&app, "/whats-new/99999").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_teasc_report_has_ten_sections_against_three_comparators() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/authorities/E06000006/teasc?period=2023-24%20Q2").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let html = Html::parse_document(&body);
    let sections = texts(&html, "section.teasc-section h2");
    assert_eq!(sections.len(), 10, "{sections:?}");
    assert_eq!(sections[0], "1. Access to services");
    assert_eq!(sections[9], "10. Views of users and carers");
    let mut outside = 0;
    // Every item of the catalogue's ten sections is listed, with or without a value.
    assert_eq!(texts(&html, "section.teasc-section tbody tr").len(), 80);
    let (mut all, mut at, mut sustained) = (0, 0, 0);
    for row in html.select(&scraper::Selector::parse("section.teasc-section tbody tr").unwrap()) {
        let cell = |class: &str| -> Vec<String> {
            row.select(&scraper::Selector::parse(&format!("td.{class}")).unwrap())
                .map(|c| c.text().collect::<String>())
                .collect()
        };
        let (now, before) = (cell("against"), cell("before"));
        assert_eq!(before.len(), 3, "the previous year against the same three");
        let well = |c: &str| c.contains("Better") || c.contains("Similar");
        if !now[0].contains("Not compared") {
            all += 1;
            at += usize::from(well(&now[0]));
            sustained += usize::from(well(&now[0]) && well(&before[0]));
        }
    }
    // The overall picture is the cells counted.
    let overall = text(&html, "#overall").unwrap();
    assert!(
        overall.contains(&format!("{at} of {all} items at or above the North West"))
            && overall.contains(&format!("{sustained} of them also the previous year")),
        "{overall} ({at}, {all}, {sustained})"
    );
    for section in html.select(&scraper::Selector::parse("section.teasc-section").unwrap()) {
        let rows: Vec<_> = section
            .select(&scraper::Selector::parse("tbody tr").unwrap())
            .collect();
        assert!(!rows.is_empty());
        // The share is computed from the North West column shown.
        let (mut compared, mut well) = (0, 0);
        for row in &rows {
            let cells: Vec<String> = row
                .select(&scraper::Selector::parse("td.against").unwrap())
                .map(|c| c.text().collect::<String>())
                .collect();
            assert_eq!(cells.len(), 3, "North West, same type, neighbours");
            let nw = &cells[0];
            if !nw.contains("Not compared") {
                compared += 1;
                if nw.contains("Better") || nw.contains("Similar") {
                    well += 1;
                }
                if nw.contains("Better") || nw.contains("Worse") {
                    outside += 1;
                }
            }
        }
        let share = section
            .select(&scraper::Selector::parse("p.share").unwrap())
            .next()
            .unwrap()
            .text()
            .collect::<String>();
        if compared > 0 {
            assert!(
                share.starts_with(&format!("{well} of {compared} items")),
                "{share}"
            );
        }
    }
    assert_eq!(texts(&html, "#outside-list li").len(), outside.max(1));
    assert_eq!(
        get(&app, "/authorities/E06999999/teasc").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn quarterly_measures_show_eight_quarters_beside_a_year_earlier() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/measures/AS04?period=2023-24%20Q4").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let header = texts(&html, "#trend-table thead th");
    assert_eq!(
        header,
        [
            "Period",
            "England",
            "Region",
            "England, a year earlier",
            "Region, a year earlier"
        ]
    );
    let rows: Vec<Vec<String>> = html
        .select(&scraper::Selector::parse("#trend-table tbody tr").unwrap())
        .map(|r| {
            r.text()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 8, "{rows:?}");
    assert_eq!(rows[0][0], "2022-23 Q1");
    assert_eq!(rows[7][0], "2023-24 Q4");
    for i in 4..8 {
        assert_eq!(
            rows[i][3],
            rows[i - 4][1],
            "England a year before {}",
            rows[i][0]
        );
        assert_eq!(
            rows[i][4],
            rows[i - 4][2],
            "region a year before {}",
            rows[i][0]
        );
    }
    assert!(rows[7][1] != "–", "England's value is shown");
    // The overview, the Regional Account and the API work for a quarter as for a year.
    for uri in [
        "/?period=2023-24%20Q4",
        "/regional-account?period=2023-24%20Q4",
        "/api/v1/headlines?period=2023-24%20Q4",
        "/authorities/E06000006?period=2023-24%20Q4",
    ] {
        assert_eq!(get(&app, uri).await.0, StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn the_overview_and_the_account_say_what_is_notable_with_rules_and_rows() {
    let app = app(database(Start::Seeded).await);
    for page in ["/?period=2023-24", "/regional-account?period=2023-24"] {
        let (status, body) = get(&app, page).await;
        assert_eq!(status, StatusCode::OK);
        let html = Html::parse_document(&body);
        let facts = texts(&html, "#notable p.fact");
        assert!(
            facts
                .iter()
                .any(|f| f.starts_with("The widest range is in")),
            "{page}: {facts:?}"
        );
        assert!(
            facts
                .iter()
                .any(|f| f.contains("councils are significantly")),
            "{page}"
        );
        // Every fact carries its rule.
        assert_eq!(
            texts(&html, "#notable details").len(),
            facts.len(),
            "{page}: a rule for every fact"
        );
        // 2023-24 includes Cumbria's successors.
        assert!(
            text(&html, "#boundary-note")
                .unwrap()
                .contains("Westmorland and Furness"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn a_council_has_a_one_page_summary() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/authorities/E06000006/summary?period=2023-24").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    assert_eq!(text(&html, "h1").unwrap(), "Halton");
    assert_eq!(texts(&html, "#summary-domains tbody tr").len(), 6);
    let (_, account) = get(&app, "/regional-account?period=2023-24").await;
    let account = Html::parse_document(&account);
    // The same sheet as in the Regional Account.
    assert_eq!(
        texts(&html, "#summary-domains tbody tr"),
        texts(
            &account,
            "#council-E06000006 table:not(.red-measures) tbody tr"
        )
    );
    // Its red measures too.
    assert_eq!(
        texts(&html, "#red-E06000006 tbody tr"),
        texts(&account, "#council-E06000006 #red-E06000006 tbody tr")
    );
}
