//! Risk over HTTP and a real database: who sees what, the triggers evaluated on official data,
//! intelligence, thematic self-assessment, trigger versions, and the annual assessment from
//! draft to final view with support agreed, in the audit log.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use axum::http::StatusCode;
use common::{Cast, Start, app, database, official_bytes, official_name, text, texts};
use scorecard::domain::Period;
use scraper::Html;
use sqlx::PgPool;

const HALTON: &str = "E06000006";
const WARRINGTON: &str = "E06000007";

async fn official() -> PgPool {
    let pool = database(Start::Reference).await;
    for year in ["2015-16", "2016-17"] {
        let analysis = scorecard::ingest::import::analyse(
            &pool,
            &official_name(year),
            &official_bytes(year),
            Default::default(),
        )
        .await
        .unwrap();
        scorecard::ingest::import::commit(&pool, &analysis, "test")
            .await
            .unwrap();
    }
    common::publish(&pool, Period::year(2016)).await;
    pool
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap()
}

#[tokio::test]
async fn triggers_are_evaluated_on_official_data_and_seen_by_the_council_and_analyst_only() {
    let pool = official().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let uri = format!("/api/v1/authorities/{HALTON}/triggers?period=2016-17");
    let (status, body) = c.halton.get(&uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = json(&body);
    assert_eq!(v["authority"]["name"], "Halton");
    let triggers = v["triggers"].as_array().unwrap();
    for id in [
        "significantly-worse",
        "worse-and-worsening",
        "funnel-outlier",
        "admissions-rising",
        "return-missing",
        "level-1",
        "significantly-better",
    ] {
        assert!(
            triggers.iter().any(|t| t["id"] == id),
            "{id} evaluated for Halton"
        );
    }
    let admissions: Vec<&serde_json::Value> = triggers
        .iter()
        .filter(|t| t["id"] == "admissions-rising")
        .collect();
    assert_eq!(admissions.len(), 2, "2A(1) and 2A(2)");
    for t in &admissions {
        let e = &t["evidence"];
        assert_eq!(t["heading"], "resources");
        assert!(
            e["previous"].is_number() && e["change_percent"].is_number(),
            "{t}"
        );
        // Fired exactly when the rule says, from the numbers it shows: the rise, the region's,
        // and the exact Poisson test's p-value with the count.
        let change = e["change_percent"].as_f64().unwrap();
        let region = e["region_change_percent"].as_f64();
        let rule = e["rule"].as_str().unwrap();
        let p: f64 = rule
            .split("p = ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap()
            .parse()
            .unwrap();
        let count: f64 = rule
            .split("(here ")
            .nth(1)
            .and_then(|r| r.split(')').next())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            t["fired"].as_bool().unwrap(),
            change > 10.0 && region.is_none_or(|r| r <= 10.0) && count >= 10.0 && p < 0.025,
            "{t}"
        );
    }
    assert!(
        triggers
            .iter()
            .filter(|t| t["fired"] == true)
            .all(|t| !t["evidence"]["rule"].as_str().unwrap().is_empty())
    );
    assert_eq!(c.warrington.get(&uri).await.0, StatusCode::NOT_FOUND);
    assert_eq!(c.public.get(&uri).await.0, StatusCode::UNAUTHORIZED);
    let (status, body) = c.analyst.get(&uri).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["triggers"], v["triggers"]);

    // The matrix renders every council of the region; the profile shows the fired evidence.
    let (status, page) = c.analyst.get("/risk?period=2016-17").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&page);
    assert_eq!(texts(&html, "#matrix tbody tr").len(), 23);
    // The map shades each council by its score's band: none, or the lower, middle or upper
    // third of the scores of councils with concerns (recomputed here from the matrix).
    let rows = scraper::Selector::parse("#matrix tbody tr").unwrap();
    let score_of: Vec<(String, f64)> = html
        .select(&rows)
        .map(|r| {
            let code = r.value().attr("data-council").unwrap().to_string();
            let score = r
                .select(&scraper::Selector::parse("td.score").unwrap())
                .next()
                .unwrap()
                .text()
                .collect::<String>()
                .trim()
                .parse()
                .unwrap();
            (code, score)
        })
        .collect();
    let mut positive: Vec<f64> = score_of.iter().map(|s| s.1).filter(|s| *s > 0.0).collect();
    positive.sort_by(f64::total_cmp);
    let cut = |k: usize| positive[(positive.len() * k).saturating_sub(1) / 3];
    for (code, score) in &score_of {
        let expected = if *score <= 0.0 {
            "s0"
        } else if *score <= cut(1) {
            "s1"
        } else if *score <= cut(2) {
            "s2"
        } else {
            "s3"
        };
        let path =
            scraper::Selector::parse(&format!("svg.map a[data-area='{code}'] path")).unwrap();
        let class = html
            .select(&path)
            .next()
            .unwrap()
            .value()
            .attr("class")
            .unwrap();
        assert_eq!(
            class,
            format!("map-area map-area--{expected}"),
            "{code} scored {score}"
        );
        // Each shape leads to the council's risk profile, where the score is explained.
        let link = scraper::Selector::parse(&format!("svg.map a[data-area='{code}']")).unwrap();
        let href = html.select(&link).next().unwrap().value().attr("href");
        assert!(
            href.unwrap().starts_with(&format!("/risk/{code}?period=")),
            "{href:?}"
        );
    }
    let cells = texts(&html, "#matrix td.domain-cell");
    let concerns: usize = cells
        .iter()
        .filter(|t| !t.starts_with("No data"))
        .map(|t| t.split(' ').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert!(
        cells.iter().any(|t| t.starts_with("No data")),
        "official ASCOF alone leaves some domains without values"
    );
    assert!(
        concerns > 0,
        "official data fires some concerns across the region"
    );
    let (status, page) = c
        .halton
        .get(&format!("/risk/{HALTON}?period=2016-17"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let fired = triggers
        .iter()
        .filter(|t| t["fired"] == true && t["excellence"] == false)
        .count();
    assert_eq!(
        texts(&Html::parse_document(&page), "#concern-table tbody tr").len(),
        fired
    );
    for uri in [format!("/risk/{HALTON}"), "/risk".to_string()] {
        assert_eq!(
            c.warrington.get(&uri).await.0,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    for uri in ["/risk", "/risk/triggers"] {
        assert_eq!(c.halton.get(uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
    for uri in ["/risk", "/risk/E06000006", "/risk/themes", "/risk/triggers"] {
        assert_eq!(c.public.get(uri).await.0, StatusCode::SEE_OTHER, "{uri}");
    }
}

/// The assessment form's fields for one step of Halton's 2016-17 assessment.
fn step(
    action: &'static str,
    fields: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    let mut all = vec![("year", "2016-17"), ("action", action)];
    all.extend_from_slice(fields);
    all
}

const ASSESSMENT: &str = "/risk/E06000006/assessment";
const PROFILE: &str = "/risk/E06000006?period=2016-17";
const CONCERNS: &str = "Admissions to residential care rising fast.";

/// Official data, everyone signed in, and Halton's 2016-17 assessment started by the analyst.
async fn started() -> (PgPool, Cast) {
    let pool = official().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    c.analyst
        .post_accepted(ASSESSMENT, &step("start", &[]))
        .await;
    (pool, c)
}

fn assessment_status(page: &str) -> String {
    text(&Html::parse_document(page), "#assessment-status").unwrap()
}

#[tokio::test]
async fn a_draft_assessment_is_the_analysts_until_its_concerns_are_shared() {
    let (_, mut c) = started().await;
    // A draft is the analyst's: the council cannot see it or respond yet.
    assert_eq!(
        assessment_status(&c.halton.get(PROFILE).await.1),
        "not started"
    );
    let respond = step("respond", &[("body", "We have a recovery plan.")]);
    assert_eq!(
        c.halton.post_form(ASSESSMENT, &respond).await.0,
        StatusCode::NOT_FOUND
    );
    c.analyst
        .post_accepted(ASSESSMENT, &step("concerns", &[("body", CONCERNS)]))
        .await;
    let (_, page) = c.halton.get(PROFILE).await;
    assert_eq!(assessment_status(&page), "shared");
    assert!(page.contains(CONCERNS));
    c.halton.post_accepted(ASSESSMENT, &respond).await;
    // Warrington can neither read nor answer Halton's assessment; the council cannot judge.
    assert_eq!(
        c.warrington.post_form(ASSESSMENT, &respond).await.0,
        StatusCode::NOT_FOUND
    );
    let judge = step(
        "judgement",
        &[
            ("domain", "performance-outcomes"),
            ("level", "some"),
            ("body", "Improving"),
        ],
    );
    assert_eq!(
        c.halton.post_form(ASSESSMENT, &judge).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn support_must_come_from_the_menu_and_a_judgement_must_be_a_level() {
    let (_, mut c) = started().await;
    let off_menu = step(
        "support",
        &[
            ("tier", "support"),
            ("offer", "LGA peer review"),
            ("owner", "x"),
            ("follow_up", "2017-09-30"),
        ],
    );
    let bad_level = step(
        "judgement",
        &[
            ("domain", "performance-outcomes"),
            ("level", "red"),
            ("body", "x"),
        ],
    );
    for bad in [off_menu, bad_level] {
        let (status, _, page) = c.analyst.post_form(ASSESSMENT, &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert!(page.contains("Nothing was saved."), "{page}");
    }
}

#[tokio::test]
async fn the_final_view_keeps_every_step_and_the_latest_judgement_counts() {
    let (pool, mut c) = started().await;
    c.analyst
        .post_accepted(ASSESSMENT, &step("concerns", &[("body", CONCERNS)]))
        .await;
    c.halton
        .post_accepted(
            ASSESSMENT,
            &step("respond", &[("body", "We have a recovery plan.")]),
        )
        .await;
    for fields in [
        step(
            "discussion",
            &[
                ("date", "2017-06-01"),
                ("who", "DASS, analyst"),
                ("body", "Agreed the plan is credible."),
            ],
        ),
        step(
            "judgement",
            &[
                ("domain", "performance-outcomes"),
                ("level", "significant"),
                ("body", "Admissions well above the region"),
            ],
        ),
        step(
            "judgement",
            &[
                ("domain", "performance-outcomes"),
                ("level", "some"),
                ("body", "A credible plan is in place"),
            ],
        ),
        step(
            "judgement",
            &[
                ("domain", "resource-workforce"),
                ("level", "low"),
                ("body", "Stable"),
            ],
        ),
        step(
            "support",
            &[
                ("tier", "targeted"),
                ("offer", "Peer mentoring"),
                ("owner", "NW ADASS"),
                ("follow_up", "2017-09-30"),
                ("offered_by", WARRINGTON),
            ],
        ),
        step(
            "final",
            &[("body", "Some concern on outcomes; targeted support agreed.")],
        ),
    ] {
        c.analyst.post_accepted(ASSESSMENT, &fields).await;
    }
    let (_, page) = c.halton.get(PROFILE).await;
    let html = Html::parse_document(&page);
    assert_eq!(text(&html, "#assessment-status").unwrap(), "final");
    let judgements = texts(&html, "#judgements td.judgement");
    assert_eq!(
        judgements[1], "Some concern",
        "the latest judgement counts: {judgements:?}"
    );
    assert_eq!(judgements[4], "Low concern");
    assert_eq!(texts(&html, "#entries li").len(), 8, "every step kept");
    assert!(page.contains("Peer mentoring") && page.contains("owner: NW ADASS"));
    // The matrix shows the judgement; the audit log has the whole workflow.
    let (_, page) = c.analyst.get("/risk?period=2016-17").await;
    let row = text(
        &Html::parse_document(&page),
        &format!("tr[data-council='{HALTON}']"),
    )
    .unwrap();
    assert!(
        row.contains("Some concern") && row.contains("final"),
        "{row}"
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'assessment.%' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "assessment.start",
            "assessment.concerns",
            "assessment.response",
            "assessment.discussion",
            "assessment.judgement",
            "assessment.judgement",
            "assessment.judgement",
            "assessment.support",
            "assessment.final",
        ]
    );
}

#[tokio::test]
async fn steps_out_of_order_are_refused_and_a_final_year_opens_only_as_a_new_revision() {
    let (pool, mut c) = started().await;
    // A judgement before sharing is provisional where the council sees it.
    let judge = |level: &'static str| {
        step(
            "judgement",
            &[
                ("domain", "performance-outcomes"),
                ("level", level),
                ("body", "Early view"),
            ],
        )
    };
    c.analyst.post_accepted(ASSESSMENT, &judge("some")).await;
    // No discussion and no final view before the concerns are shared.
    let discussion = step(
        "discussion",
        &[("date", "2017-06-01"), ("who", "DASS"), ("body", "Met")],
    );
    let final_view = step("final", &[("body", "Some concern")]);
    for early in [&discussion, &final_view] {
        let (status, _, page) = c.analyst.post_form(ASSESSMENT, early).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{early:?}");
        assert!(
            page.contains("share the concerns") || page.contains("after the concerns are shared"),
            "{page}"
        );
    }
    c.analyst
        .post_accepted(ASSESSMENT, &step("concerns", &[("body", CONCERNS)]))
        .await;
    let (_, page) = c.halton.get(PROFILE).await;
    let judgements = texts(&Html::parse_document(&page), "#judgements td.judgement");
    assert_eq!(
        judgements[1], "Some concern (provisional)",
        "{judgements:?}"
    );
    // Shared but not discussed: a final view is refused, a final view without discussion
    // (with the reason) is taken.
    let (status, _, page) = c.analyst.post_form(ASSESSMENT, &final_view).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("without discussion"), "{page}");
    c.analyst
        .post_accepted(
            ASSESSMENT,
            &step(
                "final_without_discussion",
                &[("body", "The council declined to meet twice.")],
            ),
        )
        .await;
    assert_eq!(assessment_status(&c.halton.get(PROFILE).await.1), "final");
    // Closed: sharing again, a judgement, a response are refused; nothing silently reverts.
    for late in [step("concerns", &[("body", "More")]), judge("low")] {
        let (status, _, page) = c.analyst.post_form(ASSESSMENT, &late).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{late:?}");
        assert!(page.contains("new revision"), "{page}");
    }
    let (status, _, _) = c
        .halton
        .post_form(ASSESSMENT, &step("respond", &[("body", "Late")]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(assessment_status(&c.halton.get(PROFILE).await.1), "final");
    // Reopened, with its reason: a new revision, audited; then the steps again.
    c.analyst
        .post_accepted(
            ASSESSMENT,
            &step(
                "reopen",
                &[("body", "New evidence from the CQC assessment.")],
            ),
        )
        .await;
    assert_eq!(
        assessment_status(&c.halton.get(PROFILE).await.1),
        "shared, revision 2"
    );
    c.analyst.post_accepted(ASSESSMENT, &discussion).await;
    c.analyst.post_accepted(ASSESSMENT, &final_view).await;
    assert_eq!(
        assessment_status(&c.halton.get(PROFILE).await.1),
        "final, revision 2"
    );
    let audited: Vec<(String, serde_json::Value)> = sqlx::query_as(
        "SELECT action, after FROM audit_log WHERE action LIKE 'assessment.%' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let actions: Vec<&str> = audited.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "assessment.start",
            "assessment.judgement",
            "assessment.concerns",
            "assessment.final_without_discussion",
            "assessment.reopen",
            "assessment.discussion",
            "assessment.final",
        ]
    );
    assert_eq!(audited[4].1["revision"], 2, "{:?}", audited[4].1);
    assert_eq!(audited[4].1["status"], "shared");
}

#[tokio::test]
async fn an_offer_off_its_tier_is_named_in_the_forms_error() {
    let (_, mut c) = started().await;
    let (status, _, page) = c
        .analyst
        .post_form(
            ASSESSMENT,
            &step(
                "support",
                &[
                    ("tier", "support"),
                    ("offer", "LGA peer review"),
                    ("owner", "x"),
                    ("follow_up", "2017-09-30"),
                ],
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("is not an offer of Support (self-help)") && page.contains("Buddying"),
        "{page}"
    );
    let (status, _, page) = c
        .analyst
        .post_form(
            ASSESSMENT,
            &step(
                "support",
                &[
                    ("tier", "gold"),
                    ("offer", "Buddying"),
                    ("owner", "x"),
                    ("follow_up", "2017-09-30"),
                ],
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("not a tier of the menu of support"), "{page}");
}

#[tokio::test]
async fn intelligence_is_seen_as_its_visibility_says_and_only_qualitative_triggers_by_hand() {
    let pool = official().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let add = |visibility: &'static str, evidence: &'static str| {
        vec![
            ("year", "2016-17"),
            ("trigger", "audit-letter"),
            ("recorded_on", "2017-03-01"),
            ("source", "Annual audit letter"),
            ("evidence", evidence),
            ("severity", "medium"),
            ("visibility", visibility),
        ]
    };
    let uri = format!("/risk/{HALTON}/intelligence");
    // Both profiles read (and kept) before the writes: the writes make the next reads fresh.
    for agent in [&mut c.analyst, &mut c.halton] {
        let (_, page) = agent.get(&format!("/risk/{HALTON}?period=2016-17")).await;
        assert!(!page.contains("Shared with Halton"));
    }
    for (visibility, evidence) in [
        ("analyst", "Only for the analyst"),
        ("council", "Shared with Halton"),
    ] {
        let (status, _, body) = c.analyst.post_form(&uri, &add(visibility, evidence)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    }
    let (_, page) = c
        .halton
        .get(&format!("/risk/{HALTON}?period=2016-17"))
        .await;
    assert!(page.contains("Shared with Halton") && !page.contains("Only for the analyst"));
    let (_, page) = c
        .analyst
        .get(&format!("/risk/{HALTON}?period=2016-17"))
        .await;
    assert!(page.contains("Shared with Halton") && page.contains("Only for the analyst"));
    let bad = vec![
        ("year", "2016-17"),
        ("trigger", "significantly-worse"),
        ("recorded_on", "2017-03-01"),
        ("source", "x"),
        ("evidence", "x"),
        ("severity", "low"),
    ];
    assert_eq!(
        c.analyst.post_form(&uri, &bad).await.0,
        StatusCode::BAD_REQUEST,
        "quantitative triggers are not recorded by hand"
    );
    assert_eq!(
        c.warrington.post_form(&uri, &add("council", "x")).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_key_element_below_level_1_in_a_thematic_review_fires_level_1() {
    let pool = official().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let (status, _, body) = c
        .analyst
        .post_form(
            "/risk/themes",
            &[
                ("year", "2016-17"),
                ("title", "Safeguarding"),
                ("criteria", "Leadership\n(not key) Training"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let criterion: i64 =
        sqlx::query_scalar("SELECT id FROM theme_criteria WHERE title = 'Leadership'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let criterion = criterion.to_string();
    let (status, _, _) = c
        .halton
        .post_form(
            &format!("/risk/{HALTON}/self-assessment"),
            &[
                ("year", "2016-17"),
                ("criterion", &criterion),
                ("level", "0"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = c
        .halton
        .get(&format!(
            "/api/v1/authorities/{HALTON}/triggers?period=2016-17"
        ))
        .await;
    let v = json(&body);
    let level_1 = v["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "level-1")
        .unwrap();
    assert_eq!(level_1["fired"], true);
    assert_eq!(
        level_1["evidence"]["rule"],
        "below Level 1 on: Leadership (Safeguarding)"
    );
    let (_, report) = c.analyst.get("/risk/themes?period=2016-17").await;
    assert!(report.contains("Safeguarding: the region's strengths"));
}

#[tokio::test]
async fn editing_a_triggers_parameters_keeps_the_earlier_version_and_checks_them() {
    let pool = official().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let (status, _, body) = c
        .analyst
        .post_form(
            "/risk/triggers/admissions-rising",
            &[
                ("title", "Admissions rising"),
                (
                    "source",
                    "Financial concerns (NW Strategic Finance Leads Group)",
                ),
                ("domains", "resource-workforce,performance-outcomes"),
                (
                    "params",
                    r#"{"admissions_measures": ["2A1", "2A2"], "admissions_rise_percent": 5}"#,
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let versions: Vec<(i32, serde_json::Value)> = sqlx::query_as(
        "SELECT version, params FROM trigger_versions WHERE trigger_id = 'admissions-rising'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].1["admissions_rise_percent"], 10);
    let (_, body) = c
        .analyst
        .get(&format!(
            "/api/v1/authorities/{HALTON}/triggers?period=2016-17"
        ))
        .await;
    for t in json(&body)["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["id"] == "admissions-rising")
    {
        assert!(
            t["evidence"]["rule"]
                .as_str()
                .unwrap()
                .contains("more than 5%"),
            "{t}"
        );
    }
    let bad_params = [
        ("title", "x"),
        ("source", "x"),
        ("domains", "performance-outcomes"),
        ("params", r#"{"admissions_rise_percent": "lots"}"#),
    ];
    assert_eq!(
        c.analyst
            .post_form("/risk/triggers/admissions-rising", &bad_params)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
}

/// The Board's year for Halton, as each role sees and writes it.
#[tokio::test]
async fn the_boards_decisions_escalations_and_requests_per_role() {
    let (pool, mut c) = started().await;
    let year = [("year", "2016-17")];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut f = year.to_vec();
        f.extend_from_slice(extra);
        f
    };
    let decision = with(&[
        ("decision", "targeted_support"),
        ("reason", "Admissions rising; peer mentoring proposed."),
        ("decided_on", "2016-11-20"),
    ]);
    let uri = format!("/risk/{HALTON}/decisions");
    // Only the analyst records the Board's decision; the council and a neighbour cannot.
    assert_eq!(
        c.halton.post_form(&uri, &decision).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.warrington.post_form(&uri, &decision).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _, page) = c
        .analyst
        .post_form(
            &uri,
            &with(&[
                ("decision", "praise"),
                ("reason", "x"),
                ("decided_on", "2016-11-20"),
            ]),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("targeted support or intervention"), "{page}");
    c.analyst.post_accepted(&uri, &decision).await;
    let (_, page) = c.halton.get(PROFILE).await;
    let html = Html::parse_document(&page);
    assert_eq!(
        text(&html, "#decisions td.decision").unwrap(),
        "Targeted support"
    );
    assert!(page.contains("awaiting the council"));
    // The council answers once; Warrington cannot see Halton's profile or answer.
    let id: i64 = sqlx::query_scalar("SELECT id FROM board_decisions")
        .fetch_one(&pool)
        .await
        .unwrap();
    let answer = format!("/risk/{HALTON}/decisions/{id}/answer");
    let yes = with(&[("accepted", "yes")]);
    assert_eq!(c.warrington.get(PROFILE).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        c.warrington.post_form(&answer, &yes).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.analyst.post_form(&answer, &yes).await.0,
        StatusCode::NOT_FOUND
    );
    c.halton.post_accepted(&answer, &yes).await;
    assert_eq!(
        c.halton.post_form(&answer, &yes).await.0,
        StatusCode::NOT_FOUND,
        "once"
    );
    assert!(
        c.halton
            .get(PROFILE)
            .await
            .1
            .contains("accepted by the council")
    );
    // An escalation, seen by the council.
    c.analyst
        .post_accepted(
            &format!("/risk/{HALTON}/escalations"),
            &with(&[
                ("to", "lga"),
                ("reason", "Problems persist."),
                ("escalated_on", "2017-02-01"),
            ]),
        )
        .await;
    let (_, page) = c.halton.get(PROFILE).await;
    assert!(
        page.contains("The Local Government Association") && page.contains("Problems persist.")
    );
    // The council asks for support: off the menu is refused; the request is routed.
    let requests = format!("/risk/{HALTON}/support-requests");
    let (status, _, _) = c
        .halton
        .post_form(
            &requests,
            &with(&[
                ("tier", "support"),
                ("offer", "LGA peer review"),
                ("reason", "x"),
            ]),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let ask = with(&[
        ("tier", "targeted"),
        ("offer", "Peer mentoring"),
        ("reason", "A new DASS wants a mentor."),
    ]);
    assert_eq!(
        c.analyst.post_form(&requests, &ask).await.0,
        StatusCode::NOT_FOUND
    );
    c.halton.post_accepted(&requests, &ask).await;
    assert!(
        c.halton
            .get(PROFILE)
            .await
            .1
            .contains("A new DASS wants a mentor.")
    );
    let (_, page) = c.analyst.get("/risk/cycle?year=2016-17").await;
    assert!(
        page.contains("A new DASS wants a mentor."),
        "the analyst sees it on the cycle"
    );
    let routed: serde_json::Value =
        sqlx::query_scalar("SELECT after FROM audit_log WHERE action = 'support.request'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let to: Vec<&str> = routed["routed_to"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(to.contains(&"analyst@example.org"), "{to:?}");
    assert!(
        !to.contains(&"dass@halton.example"),
        "not to itself: {to:?}"
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'board.%' OR action LIKE 'support.%' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "board.decision",
            "board.answer",
            "board.escalation",
            "support.request"
        ]
    );
}

/// Peer challenges with their action plans, the follow-ups overdue first, and the year's page.
#[tokio::test]
async fn peer_challenges_follow_ups_and_the_years_timetable_per_role() {
    let (pool, mut c) = started().await;
    let challenge = |origin: &'static str| {
        vec![
            ("year", "2016-17"),
            ("origin", origin),
            ("scope", "Safeguarding adults"),
            ("starts_on", "2016-09-12"),
            ("ends_on", "2016-09-15"),
            (
                "team",
                "A. Peer (DASS, Wigan); B. Member (Lead member, Bury)",
            ),
            ("findings", "Strong front door; slow reviews."),
            ("recommendations", "Clear the review backlog."),
        ]
    };
    let uri = format!("/risk/{HALTON}/peer-challenges");
    // A council records the challenge it asked for, never one "proposed by the Board".
    let (status, _, _) = c.halton.post_form(&uri, &challenge("board")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    c.halton.post_accepted(&uri, &challenge("council")).await;
    c.analyst.post_accepted(&uri, &challenge("board")).await;
    assert_eq!(
        c.warrington.post_form(&uri, &challenge("council")).await.0,
        StatusCode::NOT_FOUND
    );
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM peer_challenges ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    let actions = format!("/risk/{HALTON}/peer-challenges/{}/actions", ids[0]);
    let action = |what: &'static str, due: &'static str| {
        vec![
            ("year", "2016-17"),
            ("action", what),
            ("owner", "Head of safeguarding"),
            ("due_on", due),
        ]
    };
    c.halton
        .post_accepted(&actions, &action("Clear the backlog", "2099-01-31"))
        .await;
    c.halton
        .post_accepted(&actions, &action("Audit 50 reviews", "2017-01-31"))
        .await;
    // Warrington cannot add to Halton's plan, even naming Halton's challenge under its own code.
    let theirs = format!("/risk/{WARRINGTON}/peer-challenges/{}/actions", ids[0]);
    assert_eq!(
        c.warrington
            .post_form(&theirs, &action("x", "2017-01-31"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Follow-ups: the overdue action first; the council sees its own, a neighbour none of them.
    let (status, page) = c.halton.get("/risk/follow-ups").await;
    assert_eq!(status, StatusCode::OK);
    let rows = texts(&Html::parse_document(&page), "#follow-ups tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].contains("Audit 50 reviews") && rows[0].contains("Overdue"),
        "{rows:?}"
    );
    let (_, page) = c.warrington.get("/risk/follow-ups").await;
    assert!(!page.contains("Audit 50 reviews"));
    assert_eq!(
        c.public.get("/risk/follow-ups").await.0,
        StatusCode::SEE_OTHER
    );
    // A follow-up review marks it done: it goes last.
    let action_id: i64 =
        sqlx::query_scalar("SELECT id FROM peer_actions WHERE action = 'Audit 50 reviews'")
            .fetch_one(&pool)
            .await
            .unwrap();
    c.halton
        .post_accepted(
            &format!("/risk/{HALTON}/actions/{action_id}/review"),
            &[
                ("year", "2016-17"),
                ("review", "50 audited."),
                ("done_on", "2017-01-20"),
            ],
        )
        .await;
    let (_, page) = c.analyst.get("/risk/follow-ups").await;
    let rows = texts(&Html::parse_document(&page), "#follow-ups tbody tr");
    assert!(
        rows.last().unwrap().contains("done 20 January 2017"),
        "{rows:?}"
    );
    // The year's page: the analyst's only.
    assert_eq!(
        c.halton.get("/risk/cycle?year=2016-17").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.public.get("/risk/cycle?year=2016-17").await.0,
        StatusCode::SEE_OTHER
    );
    let (status, page) = c.analyst.get("/risk/cycle?year=2016-17").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&page);
    let timetable = texts(&html, "#timetable tbody tr");
    assert!(
        timetable
            .iter()
            .any(|r| r.contains("Annual review") && r.contains("1 July 2016 to 31 October 2016")),
        "{timetable:?}"
    );
    assert!(
        timetable
            .iter()
            .any(|r| r.contains("final views") && r.contains("Overdue")),
        "the year is past: no council is final: {timetable:?}"
    );
    // The window is editable; a window that closes before it opens is refused.
    let window = |opens: &'static str, closes: &'static str| {
        vec![("year", "2016-17"), ("opens", opens), ("closes", closes)]
    };
    assert_eq!(
        c.analyst
            .post_form("/risk/cycle/window", &window("2016-10-01", "2016-07-01"))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.halton
            .post_form("/risk/cycle/window", &window("2016-07-01", "2016-11-30"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    c.analyst
        .post_accepted("/risk/cycle/window", &window("2016-07-01", "2016-11-30"))
        .await;
    let (_, page) = c.analyst.get("/risk/cycle?year=2016-17").await;
    assert!(page.contains("1 July 2016 to 30 November 2016"));
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'peer.%' OR action LIKE 'cycle.%' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "peer.challenge",
            "peer.challenge",
            "peer.action",
            "peer.action",
            "peer.review",
            "cycle.window"
        ]
    );
}

/// The annual report: issued as it stands, kept as issued, each issue a revision; the public
/// reads only the summary the Board published, never a council's judgement.
#[tokio::test]
async fn the_annual_report_is_kept_once_issued_and_its_summary_published_without_judgements() {
    let (pool, mut c) = started().await;
    let judge = |domain: &'static str| {
        step(
            "judgement",
            &[
                ("domain", domain),
                ("level", "significant"),
                ("body", "Rising admissions"),
            ],
        )
    };
    c.analyst
        .post_accepted(ASSESSMENT, &judge("performance-outcomes"))
        .await;
    let report = "/risk/annual-report?year=2016-17";
    assert_eq!(c.halton.get(report).await.0, StatusCode::NOT_FOUND);
    assert_eq!(c.public.get(report).await.0, StatusCode::SEE_OTHER);
    let (status, page) = c.analyst.get(report).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("draft, not issued"));
    let issue = |publish: &'static str| {
        vec![
            ("year", "2016-17"),
            ("reviewer", "J. Consultant"),
            ("members", "Chair; the sub-regions' DASSs"),
            ("publish", publish),
        ]
    };
    assert_eq!(
        c.analyst
            .post_form(
                "/risk/annual-report",
                &[("year", "2016-17"), ("reviewer", ""), ("members", "x")]
            )
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    c.analyst
        .post_accepted("/risk/annual-report", &issue(""))
        .await;
    assert_eq!(
        c.public.get("/annual-report?period=2016-17").await.0,
        StatusCode::NOT_FOUND,
        "not published"
    );
    // Kept as issued: a decision recorded afterwards is not in issue 1.
    c.analyst
        .post_accepted(
            &format!("/risk/{HALTON}/decisions"),
            &[
                ("year", "2016-17"),
                ("decision", "intervention"),
                ("reason", "x"),
                ("decided_on", "2016-12-01"),
            ],
        )
        .await;
    let (_, page) = c.analyst.get(report).await;
    let html = Html::parse_document(&page);
    let halton = texts(&html, "#report-councils .council-part")
        .into_iter()
        .find(|p| p.contains("Halton"))
        .unwrap();
    assert!(
        halton.contains("Significant concern") && !halton.contains("Intervention"),
        "{halton}"
    );
    c.analyst
        .post_accepted("/risk/annual-report", &issue("yes"))
        .await;
    let (_, page) = c.analyst.get(report).await;
    assert!(page.contains("Intervention"), "issue 2 has it");
    assert_eq!(
        texts(&Html::parse_document(&page), "#issues tbody tr").len(),
        2
    );
    // The public summary: the themes and recurring concerns, nothing of Halton's judgement.
    let (status, page) = c.public.get("/annual-report?period=2016-17").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        !page.contains("Significant concern") && !page.contains("Intervention"),
        "{page}"
    );
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action = 'board.report' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited.len(), 2);
}

/// Reciprocity: the analyst records; councils read the directory, match a concern, and see who
/// gives how many days; the public sees none of it.
#[tokio::test]
async fn reciprocity_the_directory_matching_days_and_signing_per_role() {
    let (pool, mut c) = started().await;
    let page = "/risk/reciprocity";
    assert_eq!(c.public.get(page).await.0, StatusCode::SEE_OTHER);
    let entry = [
        ("record", "excellence"),
        ("council", WARRINGTON),
        ("area", "Reablement"),
        (
            "summary",
            "Nine in ten older people at home 91 days after reablement",
        ),
        ("contact", "reablement@warrington.example"),
    ];
    assert_eq!(
        c.halton.post_form(page, &entry).await.0,
        StatusCode::NOT_FOUND
    );
    c.analyst.post_accepted(page, &entry).await;
    let days = |giver: &'static str, receiver: &'static str, n: &'static str| {
        [
            ("record", "contribution"),
            ("council", giver),
            ("other", receiver),
            ("kind", "officer"),
            ("days", n),
            ("on", "2016-10-01"),
            ("summary", "Peer challenge team"),
        ]
    };
    c.analyst
        .post_accepted(page, &days(WARRINGTON, HALTON, "12"))
        .await;
    let (status, _, _) = c.analyst.post_form(page, &days(HALTON, HALTON, "1")).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a council gives to another"
    );
    let (status, _, _) = c
        .analyst
        .post_form(page, &days(HALTON, WARRINGTON, "-3"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    c.analyst
        .post_accepted(
            page,
            &[
                ("record", "event"),
                ("council", WARRINGTON),
                ("on", "2016-11-10"),
                ("topic", "Reablement that lasts"),
                ("funding", "NW ADASS"),
            ],
        )
        .await;
    c.analyst
        .post_accepted(
            page,
            &[
                ("record", "signup"),
                ("council", HALTON),
                ("dass", "A. Director"),
                ("lead_member", "Cllr B. Member"),
                ("chief_executive", "C. Chief"),
                ("on", "2016-05-01"),
                ("until", "2019-05-01"),
            ],
        )
        .await;
    // Halton's director matches its concern with Warrington's strength and sees the days.
    let (status, body) = c.halton.get("/risk/reciprocity?concern=reablement").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&body);
    let found = texts(&html, "#match-table tbody tr");
    assert!(
        found
            .iter()
            .any(|r| r.contains("Warrington") && r.contains("reablement@warrington.example")),
        "{found:?}"
    );
    let balances = texts(&html, "#balances tbody tr");
    let warrington = balances.iter().find(|r| r.contains("Warrington")).unwrap();
    assert!(
        warrington.contains("12") && warrington.contains("Disproportionate"),
        "{warrington}"
    );
    assert!(body.contains("Reablement that lasts") && body.contains("review due 1 May 2019"));
    let (_, body) = c
        .halton
        .get("/risk/reciprocity?concern=nothing%20like%20this")
        .await;
    assert!(body.contains("No council in the directory for that"));
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'reciprocity.%' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "reciprocity.excellence",
            "reciprocity.contribution",
            "reciprocity.event",
            "reciprocity.signup"
        ]
    );
}
