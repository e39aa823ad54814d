//! The overview, council and measure pages through the real router on a seeded database.

mod common;

use axum::http::StatusCode;
use common::{Start, app, database, get, text, texts};
use scorecard::domain::{NewObservation, Period};
use scraper::Html;

/// The 23 councils of NW ADASS before Cumbria's split in 2023.
const NORTH_WEST_23: [&str; 23] = [
    "Blackburn with Darwen",
    "Blackpool",
    "Bolton",
    "Bury",
    "Cheshire East",
    "Cheshire West and Chester",
    "Cumbria",
    "Halton",
    "Knowsley",
    "Lancashire",
    "Liverpool",
    "Manchester",
    "Oldham",
    "Rochdale",
    "Salford",
    "Sefton",
    "St. Helens",
    "Stockport",
    "Tameside",
    "Trafford",
    "Warrington",
    "Wigan",
    "Wirral",
];

fn seeded(measure: &str, area: &str, period: Period) -> NewObservation {
    common::seed_values()
        .into_iter()
        .find(|o| o.measure_code == measure && o.area_code == area && o.period == period)
        .expect("the generator has this value")
}

#[tokio::test]
async fn overview_names_all_23_councils_and_shows_a_seeded_value_in_its_cell() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/?period=2022-23").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let councils = texts(&html, "thead th.rug__council");
    let mut expected: Vec<String> = NORTH_WEST_23.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(councils, expected);

    let halton = seeded("1C2A", "E06000006", Period::year(2022));
    let halton_column = councils.iter().position(|c| c == "Halton").unwrap() + 4;
    let cell = texts(&html, "tr[data-measure='1C2A'] td")[halton_column - 1].clone();
    let shown = format!("{:.1}%", halton.value.unwrap());
    assert!(cell.starts_with(&shown), "cell {cell:?} shows {shown}");
    assert!(
        ["Better", "Worse", "Similar"]
            .iter()
            .any(|w| cell.contains(w)),
        "cell {cell:?} carries its comparison in words"
    );
    let england = seeded("1C2A", "E92000001", Period::year(2022));
    let england_cell = text(&html, "tr[data-measure='1C2A'] td[data-area='E92000001']").unwrap();
    assert_eq!(england_cell, format!("{:.1}%", england.value.unwrap()));
    assert!(
        body.contains("Illustrative data"),
        "seed data is labelled illustrative"
    );
    for domain in [
        "Leadership and governance",
        "Performance and outcomes",
        "Commissioning and quality",
        "National priorities and partnerships",
        "Resource and workforce",
        "Culture and challenge",
    ] {
        assert!(
            texts(&html, "tr.rug__domain th").contains(&domain.to_string()),
            "{domain}"
        );
    }
}

#[tokio::test]
async fn overview_defaults_to_the_latest_period_with_cumbrias_successors() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    assert_eq!(text(&html, "h1").unwrap(), "Regional overview, 2023-24");
    let councils = texts(&html, "thead th.rug__council");
    assert_eq!(councils.len(), 24);
    assert!(councils.contains(&"Cumberland".to_string()));
    assert!(councils.contains(&"Westmorland and Furness".to_string()));
    assert!(!councils.contains(&"Cumbria".to_string()));
    let quarterly = text(&html, "tr[data-measure='AS04'] td:nth-of-type(1)").unwrap();
    assert_eq!(
        quarterly, "2023-24 Q4",
        "quarterly measures show their latest quarter"
    );
}

#[tokio::test]
async fn council_page_shows_latest_value_earlier_values_and_benchmarks() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/authorities/E08000003").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    assert_eq!(text(&html, "h1").unwrap(), "Manchester");
    let row = "tr[data-measure='2A2']";
    let latest = seeded("2A2", "E08000003", Period::year(2023));
    assert_eq!(
        text(&html, &format!("{row} td.value")).unwrap(),
        scorecard::domain::format_value(latest.value.unwrap(), scorecard::domain::Unit::Rate, 1)
    );
    let earlier = texts(&html, &format!("{row} ul.earlier li"));
    assert_eq!(earlier.len(), 2, "three annual points in all: {earlier:?}");
    assert!(earlier[0].starts_with("2021-22: "));
    let quarterly = texts(&html, "tr[data-measure='AS04'] ul.earlier li");
    assert_eq!(quarterly.len(), 3, "at least three earlier quarters");
    let england = seeded("2A2", "E92000001", Period::year(2023));
    assert_eq!(
        text(&html, &format!("{row} td.england")).unwrap(),
        scorecard::domain::format_value(england.value.unwrap(), scorecard::domain::Unit::Rate, 1)
    );
    let region = seeded("2A2", "E12000002", Period::year(2023));
    assert_eq!(
        text(&html, &format!("{row} td.region")).unwrap(),
        scorecard::domain::format_value(region.value.unwrap(), scorecard::domain::Unit::Rate, 1)
    );
}

#[tokio::test]
async fn measure_page_ranks_every_council_best_first() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/measures/1C(2A)?period=2022-23").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let names = texts(&html, "#ranking tbody th");
    assert_eq!(names.len(), 23);
    for council in NORTH_WEST_23 {
        assert!(names.contains(&council.to_string()), "{council}");
    }
    let values: Vec<f64> = texts(&html, "#ranking td.value")
        .iter()
        .map(|v| v.trim_end_matches('%').parse().unwrap())
        .collect();
    assert!(
        values.windows(2).all(|w| w[0] >= w[1]),
        "higher is better: best first {values:?}"
    );
    assert_eq!(text(&html, "#ranking tbody td").unwrap(), "1");
    // The shared pieces: breadcrumb back to the same period, the selector, comparison tags.
    let crumb = html
        .select(&scraper::Selector::parse(".govuk-breadcrumbs__link").unwrap())
        .next()
        .unwrap();
    assert_eq!(crumb.value().attr("href"), Some("/?period=2022-23"));
    assert_eq!(crumb.text().collect::<String>(), "North West overview");
    assert_eq!(
        text(&html, ".govuk-breadcrumbs [aria-current=page]").unwrap(),
        "1C(2A)"
    );
    assert_eq!(text(&html, "#period option[selected]").unwrap(), "2022-23");
    let tags = texts(&html, "#ranking td.comparison .cmp");
    assert_eq!(tags.len(), 23, "a comparison in words for every council");
    let england = seeded("1C2A", "E92000001", Period::year(2022));
    assert_eq!(
        text(&html, "#england-value").unwrap(),
        format!("{:.1}%", england.value.unwrap())
    );

    let (status, body) = get(&app, "/measures/2A2?period=2022-23").await;
    assert_eq!(status, StatusCode::OK);
    let values: Vec<f64> = texts(&Html::parse_document(&body), "#ranking td.value")
        .iter()
        .map(|v| v.replace(',', "").parse().unwrap())
        .collect();
    assert!(
        values.windows(2).all(|w| w[0] <= w[1]),
        "lower is better: lowest first {values:?}"
    );
}

#[tokio::test]
async fn the_2023_24_code_reaches_the_same_measure() {
    let app = app(database(Start::Seeded).await);
    let (_, old) = get(&app, "/measures/1C2A").await;
    let (status, new) = get(&app, "/measures/3D2A").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        text(&Html::parse_document(&old), "h1"),
        text(&Html::parse_document(&new), "h1")
    );
}

#[tokio::test]
async fn unknown_things_are_404_pages_and_bad_periods_400() {
    let app = app(database(Start::Seeded).await);
    for uri in [
        "/authorities/E06999999",
        "/authorities/not-a-code",
        "/measures/ZZ9",
        "/nowhere",
        "/?period=2031-32",
    ] {
        let (status, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(
            text(&Html::parse_document(&body), "h1").unwrap(),
            "Page not found",
            "{uri}"
        );
    }
    let (status, body) = get(&app, "/?period=2023-25").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("The period parameter is not valid"));
    let (status, body) = get(&app, "/authorities/E06000006?period=Q5").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("The period parameter is not valid"), "{body}");
}

#[tokio::test]
async fn an_empty_database_says_so_instead_of_failing() {
    let app = app(database(Start::Empty).await);
    let (status, page) = get(&app, "/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let html = Html::parse_document(&page);
    assert_eq!(text(&html, "h1").as_deref(), Some("Page not found"));
    assert!(
        text(&html, "main").is_some_and(|t| t.contains("any data")),
        "the page says there is no data: {page}"
    );
}

#[tokio::test]
async fn health_and_static_assets() {
    let pool = database(Start::Empty).await;
    let app = app(pool.clone());
    assert_eq!(
        get(&app, "/healthz").await,
        (StatusCode::OK, "ok".to_string())
    );
    let (status, css) = get(&app, "/static/scorecard.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(css.contains(".govuk-table"));
    pool.close().await;
    let (status, _) = get(&app, "/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn pages_carry_intervals_comparisons_trends_and_headlines() {
    let app = app(database(Start::Seeded).await);
    let (_, body) = get(&app, "/authorities/E06000006?period=2023-24").await;
    let html = Html::parse_document(&body);
    let row = "tr[data-measure='1C2A']";
    let interval = text(&html, &format!("{row} .interval")).unwrap();
    assert!(
        interval.starts_with("95% CI ") && interval.contains(" to "),
        "{interval}"
    );
    let comparison = text(&html, &format!("{row} td.comparison strong")).unwrap();
    assert!(
        ["Better", "Similar", "Worse"].contains(&comparison.as_str()),
        "{comparison}"
    );
    let direction = text(&html, &format!("{row} td.direction")).unwrap();
    assert!(
        ["Improved", "Declined", "No significant change"].contains(&direction.as_str()),
        "{direction}"
    );
    assert!(!text(&html, &format!("{row} td.trend")).unwrap().is_empty());
    let rag = text(&html, &format!("{row} td.rag")).unwrap();
    assert!(
        rag.ends_with("against an illustrative target of 30.0%"),
        "1C(2A) has an illustrative target, used with illustrative values: {rag}"
    );
    assert!(text(&html, "#rag-summary").unwrap().starts_with("Of "));

    let (status, body) = get(&app, "/measures/1C2A?period=2022-23&comparator=region").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    assert!(
        text(&html, "#headline")
            .unwrap()
            .starts_with("Across the 23 councils, ")
    );
    assert!(
        text(&html, "#ranking thead")
            .unwrap()
            .contains("Compared with the region")
    );

    let (_, body) = get(&app, "/?period=2023-24&comparator=neighbours").await;
    let html = Html::parse_document(&body);
    let headlines = texts(&html, "#headlines li");
    assert_eq!(headlines.len(), 7, "overall and six domains");
    assert!(headlines[0].starts_with("All measures: of "));
    assert_eq!(
        get(&app, "/?comparator=planets").await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn domain_pages_show_their_measures_and_councils_commentary() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/domains/performance-outcomes?period=2023-24").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    assert_eq!(text(&html, "h1").unwrap(), "Performance and outcomes");
    assert!(
        html.select(&scraper::Selector::parse("tr[data-measure='1C2A']").unwrap())
            .next()
            .is_some()
    );
    assert!(
        html.select(&scraper::Selector::parse("tr[data-measure='RW03']").unwrap())
            .next()
            .is_none(),
        "only this domain"
    );
    let councils = texts(&html, ".commentary h3");
    assert_eq!(councils, vec!["Halton", "Manchester"]);
    assert!(
        text(&html, "#headline")
            .unwrap()
            .starts_with("Performance and outcomes: of ")
    );
    assert_eq!(
        get(&app, "/domains/astrology").await.0,
        StatusCode::NOT_FOUND
    );
    let (_, filtered) = get(&app, "/?domain=resource-workforce").await;
    let rows = texts(&Html::parse_document(&filtered), "tr.rug__domain th");
    assert_eq!(rows, vec!["Resource and workforce"]);
    assert_eq!(
        get(&app, "/?domain=astrology").await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn compare_puts_chosen_councils_side_by_side_over_time() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(
        &app,
        "/compare?authorities=E06000006,E06000007&measures=1C2A&measures=AS04",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let headers = texts(&html, "table[data-measure='1C2A'] thead th");
    assert_eq!(headers, vec!["Period", "Halton", "Warrington", "England"]);
    let periods = texts(&html, "table[data-measure='1C2A'] tbody th");
    assert_eq!(periods, vec!["2021-22", "2022-23", "2023-24"]);
    assert_eq!(texts(&html, "table[data-measure='AS04'] tbody th").len(), 8);
    let halton = seeded("1C2A", "E06000006", Period::year(2021));
    assert_eq!(
        text(&html, "table[data-measure='1C2A'] tbody tr td").unwrap(),
        format!("{:.1}%", halton.value.unwrap())
    );
    let (_, empty) = get(&app, "/compare").await;
    assert!(texts(&Html::parse_document(&empty), "input[name='authorities']").len() >= 23);
    assert_eq!(
        get(&app, "/compare?authorities=nonsense").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&app, "/compare?measures=ZZ9").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn regional_account_has_contents_headlines_overview_and_a_sheet_per_council() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/regional-account?period=2022-23").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let sheets = texts(&html, "article.council-sheet h3");
    assert_eq!(sheets.len(), 23);
    assert!(sheets.contains(&"Cumbria".to_string()));
    assert_eq!(texts(&html, "nav.contents ol ol li").len(), 23);
    assert_eq!(texts(&html, "#headlines > h3.govuk-heading-s").len(), 6);
    assert!(
        html.select(&scraper::Selector::parse("#overview table.rug").unwrap())
            .next()
            .is_some()
    );
    assert!(body.len() < 600_000, "{} bytes", body.len());
}

#[tokio::test]
async fn tables_download_as_tidy_csv_with_the_licence() {
    let app = app(database(Start::Seeded).await);
    let (status, csv) = get(&app, "/download/measures/1C2A.csv?period=2022-23").await;
    assert_eq!(status, StatusCode::OK);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with(
        "indicator_id,indicator_name,area_code,area_name,period,value,lower_ci,upper_ci"
    ));
    let rows: Vec<&str> = csv.lines().filter(|l| l.starts_with("1C(2A),")).collect();
    assert_eq!(rows.len(), 23);
    let last = csv.trim_end().lines().last().unwrap();
    assert!(
        last.contains(
            "Contains public sector information licensed under the Open Government Licence v3.0."
        ),
        "{last}"
    );
    let (_, council) = get(&app, "/download/authorities/E06000006.csv?period=2023-24").await;
    assert_eq!(
        council
            .lines()
            .filter(|l| l.contains(",E06000006,Halton,"))
            .count(),
        common::seeded_measures("E06000006", Period::year(2023)).len(),
        "a row for every measure with a value"
    );
    let (status, overview) = get(&app, "/download/overview.csv").await;
    assert_eq!(status, StatusCode::OK);
    // Tidy: one row per measure and council; every measure of the seed catalogue, all 23.
    let mut per_measure: std::collections::BTreeMap<&str, usize> = Default::default();
    for line in overview.lines().skip(1) {
        if let Some((id, rest)) = line.split_once(',')
            && rest.contains(",E0")
        {
            *per_measure.entry(id).or_default() += 1;
        }
    }
    let latest = common::seed_values()
        .iter()
        .map(|o| o.period)
        .max_by_key(|p| p.sort_key())
        .unwrap();
    assert_eq!(
        per_measure.len(),
        common::seeded_measures("E06000006", latest).len()
    );
    assert!(per_measure.values().all(|n| *n == 23), "{per_measure:?}");
    assert_eq!(
        get(&app, "/download/measures/ZZ9.csv").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn measure_page_has_charts_with_text_alternatives() {
    let app = app(database(Start::Seeded).await);
    let (_, body) = get(&app, "/measures/1C2A?period=2023-24").await;
    let html = Html::parse_document(&body);
    let svgs = html
        .select(&scraper::Selector::parse("svg.chart").unwrap())
        .count();
    assert_eq!(svgs, 3, "bars, funnel plot and trend");
    assert_eq!(
        html.select(&scraper::Selector::parse("svg.chart rect.bar").unwrap())
            .count(),
        24
    );
    assert_eq!(
        html.select(&scraper::Selector::parse("svg.chart circle.dot").unwrap())
            .count(),
        24
    );
    for title in texts(&html, "svg.chart title").iter().take(1) {
        assert!(!title.is_empty());
    }
    assert_eq!(
        html.select(&scraper::Selector::parse("svg.chart desc").unwrap())
            .count(),
        3
    );
    let (_, council) = get(&app, "/authorities/E06000006?period=2023-24").await;
    let html = Html::parse_document(&council);
    assert!(
        text(&html, "tr[data-measure='1C2A'] svg.sparkline title")
            .unwrap()
            .starts_with("Recent values: 2021-22 ")
    );
    assert!(
        html.select(&scraper::Selector::parse("tr[data-measure='1C2A'] svg.spine circle").unwrap())
            .next()
            .is_some()
    );
}

#[tokio::test]
async fn static_assets_are_served_with_an_etag_and_a_cache_lifetime() {
    let app = app(database(Start::Empty).await);
    let request = axum::http::Request::get("/static/govuk/govuk-frontend.min.css")
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, headers, body) = common::send(&app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(headers.contains_key("etag"));
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    assert!(String::from_utf8_lossy(&body).contains(".govuk-header"));
    let etag = headers["etag"].clone();
    let again = axum::http::Request::get("/static/govuk/govuk-frontend.min.css")
        .header("if-none-match", etag)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(common::send(&app, again).await.0, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn downloads_and_json_links_ask_for_what_the_page_shows() {
    let app = app(database(Start::Seeded).await);
    for page in [
        "/?period=2022-23&comparator=region&level=99.8",
        "/authorities/E06000006?period=2022-23&comparator=region&level=99.8",
        "/measures/1C2A?period=2022-23&comparator=region&level=99.8",
    ] {
        let (status, body) = get(&app, page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let html = Html::parse_document(&body);
        let sel = scraper::Selector::parse("a[href^='/download/'], a[href^='/api/v1/']").unwrap();
        let links: Vec<&str> = html
            .select(&sel)
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert_eq!(links.len(), 2, "{page}: a CSV and a JSON link");
        for link in links {
            assert!(
                link.ends_with("?period=2022-23&comparator=region&level=99.8"),
                "{page}: {link}"
            );
            let (status, _) = get(&app, link).await;
            assert_eq!(status, StatusCode::OK, "{link}");
        }
    }
}

#[tokio::test]
async fn the_council_page_is_arranged_by_domain_type_or_teasc_section() {
    let app = app(database(Start::Seeded).await);
    let page = "/authorities/E06000006?period=2023-24";
    let captions = |body: &str| {
        texts(&Html::parse_document(body), "caption")
            .into_iter()
            .map(|c| c.split(" Of ").next().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    let (_, by_domain) = get(&app, page).await;
    let (status, by_type) = get(&app, &format!("{page}&arrange=type")).await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&by_type);
    let names: Vec<String> = texts(&html, "caption")
        .iter()
        .map(|c| c.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        ["Outcomes", "Outputs", "People", "Finance"],
        "{names:?}"
    );
    // Every measure once whatever the arrangement, heaviest first within a block.
    let rows = |body: &str| texts(&Html::parse_document(body), "tbody tr[data-measure] th").len();
    assert_eq!(rows(&by_type), rows(&by_domain));
    for table in html.select(&scraper::Selector::parse("table.govuk-table").unwrap()) {
        let weights: Vec<i32> = table
            .select(&scraper::Selector::parse("td.weight").unwrap())
            .map(|w| w.text().collect::<String>().trim().parse().unwrap())
            .collect();
        assert!(weights.windows(2).all(|w| w[0] >= w[1]), "{weights:?}");
    }
    let (_, by_teasc) = get(&app, &format!("{page}&arrange=teasc")).await;
    let teasc = captions(&by_teasc);
    assert!(teasc[0].starts_with("Access to services"), "{teasc:?}");
    assert!(
        teasc.last().unwrap().starts_with("Not in the TEASC report"),
        "{teasc:?}"
    );
    assert_eq!(rows(&by_teasc), rows(&by_domain));
    // High weight, red: only those rows.
    let (_, red) = get(&app, &format!("{page}&filter=high-red")).await;
    let html = Html::parse_document(&red);
    let heavy_red = rows(&red);
    assert!(
        heavy_red > 0 && heavy_red < rows(&by_domain),
        "{heavy_red} heavy red rows"
    );
    for row in html.select(&scraper::Selector::parse("tbody tr[data-measure]").unwrap()) {
        let cell = |sel: &str| {
            row.select(&scraper::Selector::parse(sel).unwrap())
                .next()
                .unwrap()
                .text()
                .collect::<String>()
        };
        assert!(cell("td.weight").trim().parse::<i32>().unwrap() >= 3);
        assert!(
            cell("td.rag").trim().starts_with("Red"),
            "{}",
            cell("td.rag")
        );
    }
    assert_eq!(
        get(&app, &format!("{page}&arrange=alphabet")).await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_domains_index_lists_the_six_domains() {
    let app = app(database(Start::Seeded).await);
    let (status, body) = get(&app, "/domains").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let names = texts(&html, "#domains h2");
    assert_eq!(names.len(), 6);
    assert_eq!(names[0], "Leadership and governance");
    assert_eq!(names[5], "Culture and challenge");
    let links: Vec<&str> = html
        .select(&scraper::Selector::parse("#domains h2 a").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .collect();
    for link in links {
        assert_eq!(get(&app, link).await.0, StatusCode::OK, "{link}");
    }
    assert!(
        texts(&html, "header a").iter().any(|t| t == "Risk domains"),
        "linked from the header"
    );
}

#[tokio::test]
async fn an_error_page_quotes_its_request_id_unique_across_requests() {
    let app = app(database(Start::Empty).await);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..2 {
        let request = axum::http::Request::get("/authorities/E99999999")
            .body(axum::body::Body::empty())
            .unwrap();
        let (status, headers, body) = common::send(&app, request).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let id = headers["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        assert_eq!(id.matches('-').count(), 4, "a UUID: {id}");
        let page = Html::parse_document(&String::from_utf8_lossy(&body));
        assert!(
            text(&page, "#reference").is_some_and(|t| t.contains(&id)),
            "the page quotes {id}"
        );
        assert!(seen.insert(id), "each request its own id");
    }
}
