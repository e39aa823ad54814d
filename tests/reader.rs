//! The public reader (issue 25), over HTTP and a real database with five official sources
//! loaded: no internal text on a public page, every glossary term on a page linked to its
//! entry, downloads in the measure's decimals, search, the measure page's years, compare.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use std::collections::{BTreeSet, VecDeque};

use axum::http::StatusCode;
use common::official::{OFLOG_NAME, oflog_bytes};
use common::{Start, app, database, get, import, official_bytes, official_name, official_rows};
use scorecard::domain::glossary::{TERMS, find};
use scraper::{ElementRef, Html, Node, Selector};
use sqlx::PgPool;

/// Three ASCOF years, Oflog's metrics and a measure the catalogue does not know, published.
async fn five_years() -> PgPool {
    let pool = database(Start::Reference).await;
    for year in ["2014-15", "2015-16", "2016-17"] {
        let report = import(&pool, &official_name(year), &official_bytes(year), None).await;
        assert!(!report.has_errors(), "{report}");
    }
    let report = import(&pool, OFLOG_NAME, &oflog_bytes(), None).await;
    assert!(!report.has_errors(), "{report}");
    // A later year's file (a file is its year's whole revision: not 2016-17's).
    let unknown = official_rows(&[("E06000006", "321", "Halton", "9Z(1)", "41.2")]);
    let report = import(
        &pool,
        "meas-from-asc-of-eng-2019-20-open-data.csv",
        &unknown,
        None,
    )
    .await;
    assert!(!report.has_errors(), "{report}");
    pool
}

/// Elements whose text the glossary never links (as `web::glossary` skips them).
fn unlinked(el: ElementRef<'_>) -> bool {
    matches!(
        el.value().name(),
        "a" | "button"
            | "label"
            | "option"
            | "select"
            | "textarea"
            | "summary"
            | "script"
            | "style"
            | "svg"
    ) || el
        .value()
        .classes()
        .any(|c| c == "commentary" || c == "user-text")
}

/// Glossary terms used in `main`'s text (outside links, controls and councils' words) that
/// no link in `main` leads to.
fn unlinked_terms(html: &Html) -> Vec<&'static str> {
    let main = Selector::parse("main").unwrap();
    let Some(main) = html.select(&main).next() else {
        return Vec::new();
    };
    let links: BTreeSet<String> = main
        .select(&Selector::parse("a[href^='/glossary#']").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .map(|h| h.trim_start_matches("/glossary#").to_string())
        .collect();
    let mut missing = BTreeSet::new();
    for node in main.descendants() {
        let Node::Text(text) = node.value() else {
            continue;
        };
        if node.ancestors().filter_map(ElementRef::wrap).any(unlinked) {
            continue;
        }
        for term in TERMS {
            if find(term, text).is_some() && !links.contains(term.slug) {
                missing.insert(term.slug);
            }
        }
    }
    missing.into_iter().collect()
}

#[tokio::test]
async fn public_pages_carry_no_internal_text_and_link_every_glossary_term() {
    let pool = five_years().await;
    let app = app(pool.clone());
    let mut queue: VecDeque<String> = [
        "/",
        "/?period=2016-17",
        "/about",
        "/search?q=care+home+admissions",
        "/regional-account?period=2016-17",
        "/measures/1C2A?period=2016-17",
        "/authorities/E08000003?period=2016-17",
        "/authorities/E08000003/teasc?period=2016-17",
        "/authorities/E08000003/summary?period=2016-17",
        "/compare?authorities=E08000003,E06000006&measures=1C2A,2A2",
        "/?comparator=banana",
    ]
    .map(String::from)
    .into();
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    while let Some(page) = queue.pop_front() {
        if seen.len() >= 70 || !seen.insert(page.clone()) {
            continue;
        }
        let (status, body) = get(&app, &page).await;
        assert!(
            status.is_success() || status == StatusCode::BAD_REQUEST,
            "{page}: {status}"
        );
        for internal in [
            "uncatalogued",
            "Not yet in the catalogue",
            "MADs",
            "check this value",
            "command line",
            "&amp;#",
            "&amp;amp;",
            "[x]",
        ] {
            if body.contains(internal) {
                failures.push(format!("{page}: contains {internal:?}"));
            }
        }
        let html = Html::parse_document(&body);
        let missing = if page == "/glossary" {
            Vec::new()
        } else {
            unlinked_terms(&html)
        };
        if !missing.is_empty() {
            failures.push(format!(
                "{page}: terms without a glossary link: {missing:?}"
            ));
        }
        for a in html.select(&Selector::parse("main a[href^='/']").unwrap()) {
            let href = a.value().attr("href").unwrap();
            let path = href.split('#').next().unwrap();
            if !["/download", "/api", "/static", "/login", "/whats-new.atom"]
                .iter()
                .any(|p| path.starts_with(p))
                && !path.is_empty()
            {
                queue.push_back(path.to_string());
            }
        }
    }
    assert!(seen.len() >= 40, "crawled {} pages", seen.len());
    assert!(failures.is_empty(), "{failures:#?}");
    // The glossary itself has every entry, and the uncatalogued measure does not exist for
    // the public.
    let (_, glossary) = get(&app, "/glossary").await;
    let html = Html::parse_document(&glossary);
    for term in TERMS {
        assert!(
            html.select(&Selector::parse(&format!("#{}", term.slug)).unwrap())
                .next()
                .is_some(),
            "{}",
            term.slug
        );
    }
    assert_eq!(get(&app, "/measures/9Z1").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn downloads_have_the_measures_decimals_and_name_the_quartiles_comparator() {
    let pool = five_years().await;
    let app = app(pool);
    let (status, csv) = get(&app, "/download/measures/1C2A.csv?period=2016-17").await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (value, low, high) = (column("value"), column("lower_ci"), column("upper_ci"));
    let (quartile, among) = (column("quartile"), column("quartile_among"));
    let mut rows = 0;
    for record in reader.records().map(Result::unwrap) {
        if record.get(0) != Some("1C(2A)") {
            continue;
        }
        rows += 1;
        for i in [value, low, high] {
            let cell = &record[i];
            let decimals = cell.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(decimals <= 1, "{cell}: 1C(2A) is published to one decimal");
        }
        if !record[quartile].is_empty() {
            assert_eq!(&record[among], "England", "as the page says '(England)'");
        }
    }
    assert_eq!(rows, 23);
}

#[tokio::test]
async fn search_finds_measures_in_plain_words_and_councils_by_name() {
    let pool = five_years().await;
    let app = app(pool);
    let (status, body) = get(&app, "/search?q=care+home+admissions").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let found = common::texts(&html, "#measure-results li a");
    assert!(
        found
            .iter()
            .any(|t| t == "2A(2) Permanent admissions of older people to care homes"),
        "{found:?}"
    );
    let (_, body) = get(&app, "/search?q=wigan").await;
    let councils = common::texts(&Html::parse_document(&body), "#council-results li a");
    assert_eq!(councils, ["Wigan"]);
    // What an attacker sends: markup is escaped, a long query is read to its first 100
    // characters, an endless address is refused, and HEAD answers.
    let (status, body) = get(&app, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("<script>alert(1)") && body.contains("&#60;script&#62;"));
    let long = "a".repeat(150);
    let (status, body) = get(&app, &format!("/search?q={long}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&"a".repeat(100)) && !body.contains(&"a".repeat(101)));
    let endless = "a".repeat(10_000);
    let (status, _) = get(&app, &format!("/search?q={endless}")).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "an address that long is refused"
    );
    let mut public = common::Agent::public(&app);
    let (status, _) = public.head("/search?q=wigan").await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = get(&app, "/search?q=9Z1").await;
    assert!(
        !body.contains("9Z(1)"),
        "an uncatalogued measure is not found by the public"
    );
    // The measure page opens on its latest year with values and names the years its changes
    // use; the plain title is under the official one.
    let (_, body) = get(&app, "/measures/2A2").await;
    let html = Html::parse_document(&body);
    assert_eq!(
        common::text(&html, "#plain-title").as_deref(),
        Some("In plain words: Permanent admissions of older people to care homes.")
    );
    assert_eq!(
        common::text(&html, "#since-heading").as_deref(),
        Some("Since previous period (2015-16 to 2016-17)")
    );
    assert_eq!(
        common::text(&html, "#trend-heading").as_deref(),
        Some("Recent trend (2014-15 to 2016-17)")
    );
}

#[tokio::test]
async fn compare_offers_only_measures_with_values_and_says_when_a_table_is_empty() {
    let pool = five_years().await;
    let app = app(pool.clone());
    let (_, body) = get(&app, "/compare").await;
    let html = Html::parse_document(&body);
    let offered: Vec<String> = html
        .select(&Selector::parse("input[name=measures]").unwrap())
        .map(|i| i.value().attr("value").unwrap().to_string())
        .collect();
    let with_values: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT measure_code FROM published_observations
         WHERE disaggregation = 'Total' AND value IS NOT NULL",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(!offered.is_empty());
    for code in &offered {
        assert!(
            with_values.contains(code),
            "{code} has no values but is offered"
        );
    }
    assert!(
        !offered.contains(&"9Z1".to_string()),
        "uncatalogued: internal"
    );
    // A measure without values for the councils chosen says so, with no empty table.
    let (_, body) = get(&app, "/compare?authorities=E06000006&measures=CC01").await;
    let html = Html::parse_document(&body);
    assert_eq!(
        common::text(&html, ".compare-empty").as_deref(),
        Some("No values of this measure for the councils chosen, nor for England.")
    );
    assert!(
        html.select(&Selector::parse("table.compare-table").unwrap())
            .next()
            .is_none()
    );
}

#[tokio::test]
async fn the_one_page_summary_lists_the_red_measures_and_the_council_page_names_its_neighbours() {
    let pool = five_years().await;
    let app = app(pool.clone());
    // The red measures are the scorecard's (the API's reading of the same analysis).
    let (_, json) = get(
        &app,
        "/api/v1/authorities/E08000003/scorecard?period=2016-17",
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut red: Vec<String> = json["measures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["result"]["rag"] == "red")
        .map(|m| m["measure"]["code"].as_str().unwrap().to_string())
        .collect();
    red.sort();
    assert!(!red.is_empty(), "Manchester has red measures in 2016-17");
    let (status, body) = get(&app, "/authorities/E08000003/summary?period=2016-17").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let rows = Selector::parse("#red-E08000003 tbody tr").unwrap();
    let mut listed: Vec<String> = html
        .select(&rows)
        .map(|r| r.value().attr("data-measure").unwrap().to_string())
        .collect();
    listed.sort();
    // The ten of most weight, and a count of the rest (a sheet stays one page).
    assert_eq!(listed.len(), red.len().min(10));
    assert!(
        listed.iter().all(|m| red.contains(m)),
        "{listed:?} of {red:?}"
    );
    if red.len() > 10 {
        let caption = common::text(&html, "#red-caption-E08000003").unwrap();
        assert!(
            caption.ends_with(&format!(
                "and {} more on the council's page",
                red.len() - 10
            )),
            "{caption}"
        );
    }
    let headings = common::texts(&html, "#red-E08000003 thead th");
    assert_eq!(
        headings,
        ["Measure", "Value", "England", "CIPFA neighbours"],
        "value, benchmark and the neighbours' column"
    );
    for row in html.select(&rows) {
        let cells: Vec<String> = row
            .select(&Selector::parse("td").unwrap())
            .map(|c| common::collapse(&c.text().collect::<String>()))
            .collect();
        assert!(
            cells[0].contains("95% CI") || cells[0].contains("no confidence interval"),
            "{cells:?}"
        );
        assert!(cells[1] != "–", "a benchmark: {cells:?}");
    }
    // "Similar councils" are named: the council page lists its CIPFA neighbours.
    let mut expected: Vec<String> = sqlx::query_scalar(
        "SELECT a.name FROM comparator_groups g
         JOIN comparator_group_members m ON m.group_slug = g.slug
         JOIN authorities a ON a.ons_code = m.ons_code
         WHERE g.kind = 'nearest_neighbours' AND g.owner_ons_code = 'E08000003'
           AND m.ons_code <> 'E08000003'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    expected.sort();
    let (_, body) = get(&app, "/authorities/E08000003?period=2016-17").await;
    let mut named = common::texts(&Html::parse_document(&body), "#neighbours dd a");
    named.sort();
    assert!(!expected.is_empty());
    assert_eq!(named, expected);
}

#[tokio::test]
async fn the_measure_page_has_every_councils_years_and_the_change_since_the_first() {
    let pool = five_years().await;
    let app = app(pool.clone());
    let (_, body) = get(&app, "/measures/1C2A?period=2016-17").await;
    let html = Html::parse_document(&body);
    let periods = common::texts(&html, "#council-series thead th");
    assert_eq!(
        periods,
        [
            "Council",
            "2014-15",
            "2015-16",
            "2016-17",
            "Change since its first year shown"
        ]
    );
    let rows = Selector::parse("#council-series tbody tr").unwrap();
    assert_eq!(html.select(&rows).count(), 23);
    let manchester = html
        .select(&rows)
        .find(|r| r.value().attr("data-area") == Some("E08000003"))
        .unwrap();
    let cells: Vec<String> = manchester
        .select(&Selector::parse("td").unwrap())
        .map(|c| common::collapse(&c.text().collect::<String>()))
        .collect();
    let stored: Vec<rust_decimal::Decimal> = sqlx::query_scalar(
        "SELECT value FROM published_observations
         WHERE measure_code = '1C2A' AND area_code = 'E08000003' AND disaggregation = 'Total'
           AND period_code IN ('2014-15', '2015-16', '2016-17') ORDER BY period_code",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let expected: Vec<String> = stored.iter().map(|v| format!("{v:.1}%")).collect();
    assert_eq!(cells[..3], expected[..]);
    assert!(
        [
            "Improved since 2014-15",
            "Declined since 2014-15",
            "No significant change since 2014-15"
        ]
        .contains(&cells[3].as_str()),
        "{cells:?}"
    );
}

#[tokio::test]
async fn the_measure_pages_map_has_a_shape_per_council_coloured_as_the_ranked_list() {
    let pool = five_years().await;
    let app = app(pool);
    for period in ["2016-17", "2014-15"] {
        let (_, body) = get(&app, &format!("/measures/1C2A?period={period}")).await;
        let html = Html::parse_document(&body);
        let ranked: Vec<(String, String)> = html
            .select(&Selector::parse("#ranking tbody tr").unwrap())
            .map(|r| {
                let area = r.value().attr("data-area").unwrap().to_string();
                let word = common::collapse(
                    &r.select(&Selector::parse("td.comparison").unwrap())
                        .next()
                        .unwrap()
                        .text()
                        .collect::<String>(),
                );
                (area, word)
            })
            .collect();
        assert_eq!(ranked.len(), 23, "{period}");
        let shapes: Vec<(String, String, String)> = html
            .select(&Selector::parse("svg.map a").unwrap())
            .map(|a| {
                let path = a.select(&Selector::parse("path").unwrap()).next().unwrap();
                (
                    a.value().attr("data-area").unwrap().to_string(),
                    path.value().attr("class").unwrap().to_string(),
                    a.value().attr("href").unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            shapes.len(),
            23,
            "{period}: one shape per council of the region"
        );
        for (area, word) in &ranked {
            let (_, class, href) = shapes.iter().find(|s| &s.0 == area).unwrap();
            let expected = match word.as_str() {
                "Better" => "better",
                "Worse" => "worse",
                "Similar" => "similar",
                "Higher" | "Lower" => "neutral",
                _ => "none",
            };
            assert_eq!(
                class,
                &format!("map-area map-area--{expected}"),
                "{period} {area}"
            );
            assert_eq!(href, &format!("/authorities/{area}?period={period}"));
        }
        // Cumbria is in both years' region (its successors' merged shape); the attribution is on
        // the page.
        assert!(shapes.iter().any(|s| s.0 == "E10000006"), "{period}");
        assert!(body.contains("Contains OS data © Crown copyright and database right 2023."));
    }
}

#[tokio::test]
async fn the_council_page_locates_the_council_and_outlines_its_neighbours() {
    let pool = five_years().await;
    let app = app(pool);
    let page = "/authorities/E08000003?period=2016-17";
    let (_, body) = get(&app, page).await;
    let html = Html::parse_document(&body);
    let class_of = |html: &Html, class: &str| -> Vec<String> {
        html.select(&Selector::parse(&format!("#locator a path.map-area--{class}")).unwrap())
            .map(|p| {
                ElementRef::wrap(p.parent().unwrap())
                    .unwrap()
                    .value()
                    .attr("data-area")
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(class_of(&html, "focus"), ["E08000003"]);
    assert_eq!(
        class_of(&html, "region").len(),
        22,
        "the other councils of the region"
    );
    assert!(
        class_of(&html, "neighbour").is_empty(),
        "England is the comparator"
    );
    // With its CIPFA neighbours as the comparator, they are outlined: the same councils the
    // page names as its neighbours.
    let (_, body) = get(&app, &format!("{page}&comparator=neighbours")).await;
    let html = Html::parse_document(&body);
    let mut outlined = class_of(&html, "neighbour");
    outlined.sort();
    let mut named: Vec<String> = html
        .select(&Selector::parse("#neighbours dd a").unwrap())
        .map(|a| {
            a.value().attr("href").unwrap()["/authorities/".len()..]
                .split('?')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    named.sort();
    assert!(!named.is_empty());
    assert_eq!(outlined, named);
    assert!(body.contains("Contains OS data © Crown copyright and database right 2023."));
}

#[tokio::test]
async fn the_overview_maps_each_domain_by_the_share_of_measures_worse_than_england() {
    let pool = five_years().await;
    let app = app(pool);
    let (_, body) = get(&app, "/?period=2016-17").await;
    let html = Html::parse_document(&body);
    let domains = common::texts(&html, ".small-multiple figcaption");
    assert!(!domains.is_empty());
    let headings = common::texts(&html, "#domain-maps-table thead th");
    assert_eq!(
        headings[1..],
        domains[..],
        "the table has the maps' domains"
    );
    // Manchester's cell in each domain, recomputed from its scorecard against England.
    let (_, json) = get(
        &app,
        "/api/v1/authorities/E08000003/scorecard?period=2016-17&comparator=england",
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = html
        .select(&Selector::parse("#domain-maps-table tbody tr").unwrap())
        .find(|r| r.text().any(|t| t == "Manchester"))
        .unwrap();
    let cells: Vec<String> = row
        .select(&Selector::parse("td").unwrap())
        .map(|c| c.text().collect())
        .collect();
    for (domain, cell) in domains.iter().zip(&cells) {
        // The API names a domain by its slug: "Performance and outcomes" is
        // "performance-outcomes".
        let slug = domain.to_lowercase().replace(" and", "").replace(' ', "-");
        let (mut worse, mut compared) = (0, 0);
        for m in json["measures"].as_array().unwrap() {
            if m["measure"]["domain"].as_str() != Some(slug.as_str()) {
                continue;
            }
            match m["result"]["comparison"].as_str() {
                Some("worse") => {
                    worse += 1;
                    compared += 1;
                }
                Some("better" | "similar") => compared += 1,
                _ => {}
            }
        }
        let expected = if compared == 0 {
            "none compared".to_string()
        } else {
            format!(
                "{worse} of {compared} ({}%)",
                (worse * 100 + compared / 2) / compared
            )
        };
        assert_eq!(cell, &expected, "{domain}");
    }
    // Each small map has one linked shape per council of the region.
    for figure in html.select(&Selector::parse(".small-multiple").unwrap()) {
        let shapes = figure
            .select(&Selector::parse("svg.map a path").unwrap())
            .count();
        assert_eq!(shapes, 23);
    }
}
