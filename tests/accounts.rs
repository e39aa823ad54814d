//! The three kinds of user, over HTTP and a real database: the public sees only what was
//! published; a council's users see and change only their own council's drafts, returns and
//! commentary; forms need their token; sign-in is throttled; sessions survive a restart; every
//! write is in the audit log; the round page shows each council's status.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use axum::http::StatusCode;
use common::{Agent, Cast, Start, app, database, official_bytes, official_name, text, texts};
use rust_decimal::Decimal;
use scorecard::domain::Period;
use scorecard::domain::access::Role;
use scraper::Html;
use sqlx::PgPool;

const HEADER: &str =
    "authority,authority name,measure,measure title,period,value,numerator,denominator,note\n";
const HALTON: &str = "E06000006";
const WARRINGTON: &str = "E06000007";
const QUARTER: &str = "2017-18 Q1";
const QUARTER_URL: &str = "2017-18%20Q1";
const COMMENTARY: &str = "Our reablement service grew by a third this year.";

/// A database with the 2016-17 official file imported and published: the public has a year
/// to read.
async fn published_2016_17() -> PgPool {
    let pool = database(Start::Reference).await;
    let analysis = scorecard::ingest::import::analyse(
        &pool,
        &official_name("2016-17"),
        &official_bytes("2016-17"),
        Default::default(),
    )
    .await
    .unwrap();
    scorecard::ingest::import::commit(&pool, &analysis, "test")
        .await
        .unwrap();
    common::publish(&pool, Period::year(2016)).await;
    pool
}

/// A return with AS04 as `numerator` of 200 (the value is half the numerator).
fn return_of(council: &str, name: &str, numerator: &str) -> String {
    let value = numerator
        .parse::<f64>()
        .map_or_else(|_| numerator.to_string(), |n| format!("{:.1}", n / 2.0));
    format!("{HEADER}{council},{name},AS04,,{QUARTER},{value},{numerator},200,\n")
}

/// The id of the return a redirect points at.
fn return_id(headers: &axum::http::HeaderMap) -> i64 {
    let location = headers["location"].to_str().unwrap();
    location.strip_prefix("/returns/").unwrap().parse().unwrap()
}

/// Everyone, with the quarter's collection round opened by the analyst.
async fn cast(app: &axum::Router, pool: &PgPool) -> Cast {
    let mut c = Cast::signed_in(app, pool).await;
    let (status, _, body) = c
        .analyst
        .post_form("/rounds", &[("period", QUARTER), ("due", "2017-08-15")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    c
}

/// Halton uploads, checks and submits its return, and writes and submits commentary.
async fn halton_returns(c: &mut Cast) -> i64 {
    let file = return_of(HALTON, "Halton", "143");
    let (status, headers, body) = c
        .halton
        .upload(
            "/returns",
            "halton.csv",
            file.as_bytes(),
            &[("period", QUARTER)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let id = return_id(&headers);
    let (status, page) = c.halton.get(&format!("/returns/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let status = text(&Html::parse_document(&page), "#status").unwrap();
    assert!(status.starts_with("Draft (0 errors"), "{status}");
    let (status, _, _) = c
        .halton
        .post_form(&format!("/returns/{id}/submit"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, body) = c
        .halton
        .post_form(
            &format!("/authorities/{HALTON}/commentary"),
            &[
                ("period", "2017-18"),
                ("domain", "performance-outcomes"),
                ("body", COMMENTARY),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    id
}

/// Whether the public can reach the quarter's values by any route (each answers 200 only for
/// a published period), and whether any page carries the commentary.
async fn public_sees(public: &mut Agent) -> (bool, bool) {
    let mut value = false;
    let mut commentary = false;
    for uri in [
        format!("/?period={QUARTER_URL}"),
        format!("/authorities/{HALTON}?period={QUARTER_URL}"),
        format!("/measures/AS04?period={QUARTER_URL}"),
        format!("/api/v1/measures/AS04/values?period={QUARTER_URL}"),
        format!("/api/v1/authorities/{HALTON}/scorecard?period={QUARTER_URL}"),
        format!("/api/v1/headlines?period={QUARTER_URL}"),
        format!("/download/measures/AS04.csv?period={QUARTER_URL}"),
        format!("/download/authorities/{HALTON}.csv?period={QUARTER_URL}"),
        format!("/domains/performance-outcomes?period={QUARTER_URL}"),
        format!("/regional-account?period={QUARTER_URL}"),
    ] {
        let (status, body) = public.get(&uri).await;
        assert!(
            matches!(status, StatusCode::OK | StatusCode::NOT_FOUND),
            "{uri}: {status}"
        );
        assert_eq!(public.head(&uri).await.0, status, "HEAD {uri}");
        value |= status == StatusCode::OK;
        commentary |= body.contains(COMMENTARY);
    }
    // The pages without a period show the latest published one, and offer only those.
    for uri in [
        "/".to_string(),
        format!("/authorities/{HALTON}"),
        "/measures/AS04".to_string(),
        "/regional-account".to_string(),
        format!("/compare?authorities={HALTON}&measures=AS04"),
    ] {
        let (status, body) = public.get(&uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        value |= body.contains(QUARTER);
        commentary |= body.contains(COMMENTARY);
    }
    (value, commentary)
}

#[tokio::test]
async fn the_public_sees_a_return_and_commentary_only_once_published() {
    let pool = published_2016_17().await;
    let app = app(pool.clone());
    let mut c = cast(&app, &pool).await;
    let id = halton_returns(&mut c).await;
    assert_eq!(public_sees(&mut c.public).await, (false, false), "drafts");
    for uri in [
        format!("/returns/{id}"),
        format!("/authorities/{HALTON}/commentary"),
        "/rounds".to_string(),
    ] {
        let (status, _) = c.public.get(&uri).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{uri}: sign in first");
    }

    let (status, _, body) = c
        .analyst
        .post_form(&format!("/returns/{id}/accept"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(
        public_sees(&mut c.public).await,
        (false, false),
        "accepted, not yet published"
    );
    // Halton's own page shows its accepted, unpublished value; Warrington sees Halton as the
    // public does.
    let (_, page) = c
        .halton
        .get(&format!("/authorities/{HALTON}?period={QUARTER_URL}"))
        .await;
    assert!(page.contains("71.5"), "the council sees its own value");
    let (status, _) = c
        .warrington
        .get(&format!("/authorities/{HALTON}?period={QUARTER_URL}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not published");
    // The analyst's publication page lists the quarter, never published yet.
    let (status, page) = c.analyst.get("/publication").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(QUARTER), "{page}");

    let (status, _, _) = c
        .analyst
        .post_form(&format!("/publication/{QUARTER_URL}/publish"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(public_sees(&mut c.public).await, (true, true), "published");

    let (status, _, _) = c
        .analyst
        .post_form(&format!("/publication/{QUARTER_URL}/withdraw"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        public_sees(&mut c.public).await,
        (false, false),
        "withdrawn"
    );
}

#[tokio::test]
async fn a_council_cannot_read_or_change_another_councils_drafts() {
    let pool = published_2016_17().await;
    let app = app(pool.clone());
    let mut c = cast(&app, &pool).await;
    let id = halton_returns(&mut c).await;
    let w = &mut c.warrington;
    for uri in [
        format!("/returns/{id}"),
        format!("/authorities/{HALTON}/commentary"),
        "/rounds".to_string(),
        format!("/rounds/{QUARTER_URL}"),
        "/submissions".to_string(),
        "/publication".to_string(),
        "/audit".to_string(),
        "/admin/users".to_string(),
    ] {
        let (status, body) = w.get(&uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(w.head(&uri).await.0, StatusCode::NOT_FOUND, "HEAD {uri}");
        assert!(
            !body.contains(COMMENTARY) && !body.contains("halton.csv"),
            "{uri}"
        );
    }
    for (uri, fields) in [
        (format!("/returns/{id}/submit"), vec![]),
        (format!("/returns/{id}/accept"), vec![]),
        (format!("/returns/{id}/send-back"), vec![("reason", "no")]),
        (
            format!("/authorities/{HALTON}/commentary"),
            vec![
                ("period", "2017-18"),
                ("domain", "performance-outcomes"),
                ("body", "Written by Warrington"),
                ("action", "save"),
            ],
        ),
        (format!("/publication/{QUARTER_URL}/publish"), vec![]),
    ] {
        let (status, _, _) = w.post_form(&uri, &fields).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    // A return naming another council is refused as that council's figures.
    let file = return_of(HALTON, "Halton", "20");
    let (status, headers, _) = w
        .upload(
            "/returns",
            "sneaky.csv",
            file.as_bytes(),
            &[("period", QUARTER)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let sneaky = return_id(&headers);
    let (_, page) = w.get(&format!("/returns/{sneaky}")).await;
    let html = Html::parse_document(&page);
    assert!(
        texts(&html, "#issue-table td")
            .iter()
            .any(|t| t == "a return holds its own council's values only (E06000007)"),
        "{page}"
    );
    assert!(
        html.select(&scraper::Selector::parse("#submit-return").unwrap())
            .next()
            .is_none()
    );
    let written: i64 =
        sqlx::query_scalar("SELECT count(*) FROM commentary WHERE body = 'Written by Warrington'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(written, 0);
    let halton_status: String = sqlx::query_scalar("SELECT status FROM uploads WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(halton_status, "submitted", "untouched by Warrington");
}

#[tokio::test]
async fn a_post_without_its_form_token_is_refused() {
    let pool = published_2016_17().await;
    let app = app(pool.clone());
    let mut analyst =
        Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    let good = analyst.csrf.clone();
    for token in ["", "0000", &"f".repeat(64)] {
        let (status, _, body) = analyst
            .post_form_with_token("/publication/2016-17/withdraw", token, &[])
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "token {token:?}");
        assert!(body.contains("this form has expired"), "{body}");
    }
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM publications WHERE ended_at IS NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(live, 1, "nothing was withdrawn");
    let (status, _, _) = analyst
        .post_form_with_token("/publication/2016-17/withdraw", &good, &[])
        .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "with its token, it goes through"
    );
    // A multipart upload without the token is refused too.
    let mut public = Agent::public(&app);
    let (status, _, _) = public
        .upload(
            "/returns",
            "x.csv",
            HEADER.as_bytes(),
            &[("period", QUARTER)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sign_in_is_throttled_and_says_one_thing_for_any_mistake() {
    let pool = database(Start::Reference).await;
    let app = app(pool.clone());
    scorecard::accounts::add_user(
        &pool,
        "analyst@example.org",
        Role::Analyst,
        None,
        Some(common::PASSWORD.into()),
        "test",
    )
    .await
    .unwrap();
    let mut someone = Agent::public(&app);
    let (status, _, unknown) = someone
        .post_form(
            "/login",
            &[
                ("email", "nobody@example.org"),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, _, wrong) = someone
        .post_form(
            "/login",
            &[
                ("email", "analyst@example.org"),
                ("password", "not the one"),
            ],
        )
        .await;
    let message =
        |body: &str| text(&Html::parse_document(body), ".govuk-error-summary__list").unwrap();
    assert_eq!(
        message(&unknown),
        message(&wrong),
        "one message for either mistake"
    );
    for _ in 0..4 {
        let (status, _, _) = someone
            .post_form(
                "/login",
                &[
                    ("email", "analyst@example.org"),
                    ("password", "still wrong"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, body) = someone
        .post_form(
            "/login",
            &[
                ("email", "analyst@example.org"),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "after 5 failures even the right password waits: {body}"
    );
}

#[tokio::test]
async fn a_session_survives_a_restart_and_ends_at_sign_out() {
    let pool = database(Start::Seeded).await;
    let app = app(pool.clone());
    let mut analyst =
        Agent::signed_in(&app, &pool, "analyst@example.org", Role::Analyst, None).await;
    // A new service over the same database: sessions live in PostgreSQL.
    analyst.app = common::app(pool.clone());
    let (status, page) = analyst.get("/publication").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Signed in as analyst@example.org"));
    let (status, _, _) = analyst.post_form("/logout", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = analyst.get("/publication").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "signed out");
    // A disabled user's session ends at once.
    let mut other = Agent::signed_in(&app, &pool, "other@example.org", Role::Analyst, None).await;
    scorecard::accounts::set_disabled(&pool, "other@example.org", true, "test")
        .await
        .unwrap();
    assert_eq!(other.get("/publication").await.0, StatusCode::SEE_OTHER);
    // So does one whose account changed under it (here by hand in the database): the session is
    // only live while the account is what it signed in as.
    let mut third = Agent::signed_in(&app, &pool, "third@example.org", Role::Analyst, None).await;
    assert_eq!(third.get("/publication").await.0, StatusCode::OK);
    sqlx::query("UPDATE users SET email = 'renamed@example.org' WHERE email = 'third@example.org'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(third.get("/publication").await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn every_write_is_in_the_audit_log_and_the_round_shows_each_status() {
    let pool = published_2016_17().await;
    let app = app(pool.clone());
    let mut c = cast(&app, &pool).await;
    let halton = halton_returns(&mut c).await;
    c.analyst
        .post_accepted(&format!("/returns/{halton}/accept"), &[])
        .await;
    // Warrington's return is sent back; Wigan's has an error and stays a draft.
    let file = return_of(WARRINGTON, "Warrington", "140");
    let (_, headers, _) = c
        .warrington
        .upload("/returns", "w.csv", file.as_bytes(), &[("period", QUARTER)])
        .await;
    let warrington = return_id(&headers);
    c.warrington
        .post_accepted(&format!("/returns/{warrington}/submit"), &[])
        .await;
    c.analyst
        .post_accepted(
            &format!("/returns/{warrington}/send-back"),
            &[("reason", "AS04 looks too low: check the numerator")],
        )
        .await;
    let mut wigan = Agent::signed_in(
        &app,
        &pool,
        "dass@wigan.example",
        Role::Council,
        Some("E08000010"),
    )
    .await;
    let file = return_of("E08000010", "Wigan", "lots");
    let (status, _, page) = wigan
        .upload(
            "/returns",
            "wigan.csv",
            file.as_bytes(),
            &[("period", QUARTER)],
        )
        .await;
    assert!(
        status.is_success() || status == StatusCode::SEE_OTHER,
        "a draft with errors is kept: {status} {page}"
    );
    let (status, page) = c.analyst.get(&format!("/rounds/{QUARTER_URL}")).await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&page);
    let status_of =
        |code: &str| text(&html, &format!("tr[data-council='{code}'] td.status")).unwrap();
    assert_eq!(status_of(HALTON), "Accepted");
    assert_eq!(
        status_of(WARRINGTON),
        "Sent back Late",
        "due 15 August 2017"
    );
    assert_eq!(status_of("E08000010"), "Draft (2 errors, 0 warnings) Late");
    assert_eq!(status_of("E08000003"), "Not started Late");
    assert_eq!(texts(&html, "#round tbody tr").len(), 23);
    let (status, page) = c.analyst.get("/rounds/2017-Q9").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a period that cannot be");
    assert!(
        page.contains("2017-Q9"),
        "the error names what was asked for"
    );

    c.analyst
        .post_accepted(&format!("/publication/{QUARTER_URL}/publish"), &[])
        .await;
    let mut admin = Agent::signed_in(&app, &pool, "admin@example.org", Role::Admin, None).await;
    let (status, _, page) = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "lead@wirral.example"),
                ("role", "council"),
                ("council", "E08000015"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("/sign-in/"), "a one-time link to pass on");
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .fetch_all(&pool)
            .await
            .unwrap();
    for action in [
        "commentary.submit",
        "import",
        "publish",
        "return.accept",
        "return.send_back",
        "return.submit",
        "return.upload",
        "round.open",
        "sign_in",
        "user.add",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    let (status, page) = c.analyst.get("/audit?action=return.send_back").await;
    assert_eq!(status, StatusCode::OK);
    let html = Html::parse_document(&page);
    let rows = texts(&html, "#audit tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("analyst@example.org") && rows[0].contains("check the numerator"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let pool = database(Start::Seeded).await;
    let app = app(pool.clone());
    for uri in [
        "/",
        "/login",
        "/static/scorecard.css",
        "/nowhere",
        "/api/v1/headlines",
    ] {
        let (_, headers, _) = common::send(
            &app,
            axum::http::Request::get(uri)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{uri}: {csp}");
        assert!(
            !csp.contains("unsafe-inline"),
            "{uri}: no inline script or style"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{uri}");
    }
    // The sign-in page stores nothing: its form token travels in an HttpOnly, SameSite=Strict
    // cookie; signing in starts a session whose cookie is HttpOnly and SameSite=Lax.
    let (_, headers, _) = common::send(
        &app,
        axum::http::Request::get("/login")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("scorecard_form="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    scorecard::accounts::add_user(
        &pool,
        "headers@example.org",
        scorecard::domain::access::Role::Analyst,
        None,
        Some(common::PASSWORD.into()),
        "test",
    )
    .await
    .unwrap();
    let mut agent = common::Agent::public(&app);
    let (status, headers, _) = agent
        .post_form(
            "/login",
            &[
                ("email", "headers@example.org"),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("scorecard_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    // Reading public pages starts no session.
    let (_, headers, _) = common::send(
        &app,
        axum::http::Request::get("/")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert!(headers.get("set-cookie").is_none());
}

#[tokio::test]
async fn every_change_to_a_user_is_audited_with_who_made_it() {
    let pool = database(Start::Seeded).await;
    let app = app(pool.clone());
    let mut admin = Agent::signed_in(&app, &pool, "admin@example.org", Role::Admin, None).await;
    let (status, _, page) = admin
        .post_form(
            "/admin/users",
            &[("email", "new@example.org"), ("role", "analyst")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'new@example.org'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut link = String::new();
    for action in ["reset", "disable", "enable"] {
        let (status, _, page) = admin
            .post_form(&format!("/admin/users/{id}/{action}"), &[])
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {page}");
        if action == "reset" {
            link = page_link(&page);
        }
    }
    let mut user = Agent::public(&app);
    user.get(&link).await;
    let password = "a long enough passphrase";
    let (status, _, body) = user.post_form(&link, &[("password", password)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    user.get("/whats-new").await; // the signed-in session's form token
    let (status, _, _) = user.post_form("/logout", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    user.get("/login").await; // the sign-in form's token
    let (status, _, _) = user
        .post_form(
            "/login",
            &[("email", "new@example.org"), ("password", "wrong")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "refused");
    let entries: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, action FROM audit_log WHERE object = 'user new@example.org' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let admin = "admin@example.org";
    let new = "new@example.org";
    let expected = [
        (admin, "user.add"),
        (admin, "user.reset"),
        (admin, "user.disable"),
        (admin, "user.enable"),
        (new, "user.set_password"),
        (new, "sign_out"),
        (new, "sign_in.failed"),
    ];
    let entries: Vec<(&str, &str)> = entries
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(entries, expected);
}

/// The one-time sign-in link a users page shows.
fn page_link(page: &str) -> String {
    let start = page.find("/sign-in/").expect("a sign-in link on the page");
    page[start..]
        .split(|c: char| c == '"' || c == '<' || c.is_whitespace())
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_kept_signed_in_page_is_its_councils_own_and_fresh_after_a_write() {
    let pool = published_2016_17().await;
    let app = app(pool.clone());
    let mut c = cast(&app, &pool).await;
    let page = format!("/authorities/{HALTON}");
    // Kept for Warrington's users and for Halton's, before Halton has anything unpublished.
    for agent in [&mut c.warrington, &mut c.halton] {
        let (status, body) = agent.get(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains(QUARTER));
    }
    let id = halton_returns(&mut c).await;
    c.analyst
        .post_accepted(&format!("/returns/{id}/accept"), &[])
        .await;
    // The write made the next read fresh: Halton's users see their accepted, unpublished return;
    // Warrington's kept view of Halton never does.
    let (_, body) = c.halton.get(&page).await;
    assert!(
        body.contains(QUARTER),
        "Halton sees its own unpublished quarter"
    );
    let (_, body) = c.warrington.get(&page).await;
    assert!(
        !body.contains(QUARTER) && !body.contains(COMMENTARY),
        "another council's drafts never reach Warrington"
    );
    // Another of Halton's users gets the same kept page, with their own email and form token.
    let mut colleague = Agent::signed_in(
        &app,
        &pool,
        "colleague@halton.example",
        Role::Council,
        Some(HALTON),
    )
    .await;
    let (_, body) = colleague.get(&page).await;
    assert!(body.contains(QUARTER));
    assert!(body.contains("Signed in as colleague@halton.example"));
    assert!(
        !body.contains("dass@halton"),
        "not the first user's email: {body}"
    );
    let (status, _, body) = colleague
        .post_form(
            &format!("/authorities/{HALTON}/commentary"),
            &[
                ("period", "2017-18"),
                ("domain", "performance-outcomes"),
                ("body", "A colleague's draft."),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the page's token is the colleague's: {body}"
    );
}

#[tokio::test]
async fn the_analyst_records_a_councils_regional_facts_and_everyone_sees_them() {
    let pool = published_2016_17().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let form = |value: &'static str, as_of: &'static str| {
        vec![
            ("kind", "savings_required"),
            ("value", value),
            ("source", "Halton budget report 2025-26"),
            ("as_of", as_of),
        ]
    };
    let uri = format!("/authorities/{HALTON}/facts");
    // Read (and kept) before the facts exist.
    let (_, page) = c.public.get(&format!("/authorities/{HALTON}")).await;
    assert!(page.contains("No regional facts are recorded for Halton yet."));
    c.analyst
        .post_accepted(&uri, &form("4.5%", "1 April 2025"))
        .await;
    c.analyst
        .post_accepted(
            &uri,
            &[
                ("kind", "dass_since"),
                ("value", "01/09/2021"),
                ("source", "Halton Borough Council"),
                ("as_of", "2025-04-01"),
            ],
        )
        .await;
    // A later recording is the current one; the earlier stays as history.
    c.analyst
        .post_accepted(&uri, &form("5", "1 May 2025"))
        .await;
    let (_, page) = c.public.get(&format!("/authorities/{HALTON}")).await;
    let html = Html::parse_document(&page);
    let facts = texts(&html, "#facts-list .govuk-summary-list__row");
    assert_eq!(facts.len(), 2, "{facts:?}");
    assert!(facts[0].contains("in post since") && facts[0].contains("1 September 2021"));
    assert!(
        facts[1].contains("5%")
            && facts[1].contains("Halton budget report 2025-26, as of 1 May 2025"),
        "{facts:?}"
    );
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM council_facts WHERE ons_code = $1")
        .bind(HALTON)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, 3, "every recording kept");
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'fact.record'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(audited, ["analyst@example.org"; 3]);
    // A bad value names its field and saves nothing; a council's user cannot record facts.
    let (status, _, body) = c.analyst.post_form(&uri, &form("140", "1 May 2025")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("value") && body.contains("Nothing was saved."),
        "{body}"
    );
    let (status, _, _) = c.halton.post_form(&uri, &form("1", "1 May 2025")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A forged token, another council's facts through a malformed code, and HEAD change nothing.
    let (status, _, _) = c
        .analyst
        .post_form_with_token(&uri, "forged", &form("1", "1 May 2025"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = c
        .analyst
        .post_form("/authorities/E06%2000006/facts", &form("1", "1 May 2025"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(c.analyst.head(&uri).await.0, StatusCode::METHOD_NOT_ALLOWED);
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM council_facts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, 3, "nothing saved by the refused forms");
}

#[tokio::test]
async fn the_services_own_records_become_measures_with_their_provenance() {
    let pool = published_2016_17().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let uri = format!("/authorities/{HALTON}/facts");
    for (kind, value, as_of) in [
        ("dass_changes", "2", "1 June 2016"),
        ("dass_changes", "1", "1 May 2016"),
        ("control_changes", "1", "1 June 2016"),
        ("network_attendance", "7/9", "30 June 2016"),
        ("local_account", "2016-17", "2 October 2017"),
        ("peer_challenge", "Safeguarding", "1 November 2015"),
    ] {
        c.analyst
            .post_accepted(
                &uri,
                &[
                    ("kind", kind),
                    ("value", value),
                    ("source", "NW ADASS records"),
                    ("as_of", as_of),
                ],
            )
            .await;
    }
    let value = |measure: &'static str, period: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (Option<Decimal>, Option<String>, String)>(
                "SELECT value, note, provenance FROM current_observations
                 WHERE area_code = $1 AND measure_code = $2 AND period_code = $3",
            )
            .bind(HALTON)
            .bind(measure)
            .bind(period)
            .fetch_optional(&pool)
            .await
            .unwrap()
        }
    };
    // The latest date of the year wins: two changes of director, three directors.
    let (lg01, note, provenance) = value("LG01", "2016-17").await.expect("LG01");
    assert_eq!(lg01, Some(Decimal::from(3)));
    assert!(note.unwrap().contains("as of 1 June 2016"));
    assert_eq!(provenance, "service_record");
    assert_eq!(
        value("LG03", "2016-17").await.unwrap().0,
        Some(Decimal::ONE)
    );
    assert_eq!(
        value("CC01", "2016-17 Q1").await.unwrap().0,
        Some(Decimal::new(778, 1)),
        "7 of 9 meetings in the quarter"
    );
    let (cc03, note, _) = value("CC03", "2016-17").await.unwrap();
    assert_eq!(cc03, Some(Decimal::ONE));
    assert_eq!(note.as_deref(), Some("published 2 October 2017"));
    assert_eq!(
        value("CC04", "2016-17").await.unwrap().0,
        Some(Decimal::ONE),
        "one peer challenge in the three years to March 2017"
    );
    // Every change of the records is a revision of the year's; the public sees none of it until
    // the year is published again.
    let revisions: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM submissions WHERE scope = 'service-records:2016-17'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(revisions >= 2, "{revisions}");
    let public = |pool: PgPool| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM published_observations WHERE measure_code = 'LG01'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    assert_eq!(public(pool.clone()).await, 0);
    c.analyst
        .post_accepted("/publication/2016-17/publish", &[])
        .await;
    assert_eq!(public(pool.clone()).await, 1);
    let (_, page) = c
        .public
        .get(&format!("/authorities/{HALTON}?period=2016-17"))
        .await;
    assert!(page.contains("LG01"), "the council page shows the measure");
}

#[tokio::test]
async fn the_analyst_enters_one_councils_cqc_assessment_through_the_importers_checks() {
    let pool = published_2016_17().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let uri = format!("/authorities/{HALTON}/cqc");
    let form = |qs3: &'static str| {
        let mut f = vec![("overall", "Good"), ("assessed", "July 2025")];
        f.extend([
            ("qs1", "3"),
            ("qs2", "3"),
            ("qs3", qs3),
            ("qs4", "3"),
            ("qs5", "2"),
            ("qs6", "3"),
            ("qs7", "3"),
            ("qs8", ""),
            ("qs9", "4"),
        ]);
        f
    };
    // A score off CQC's scale names its field and stores nothing.
    let (status, _, body) = c.analyst.post_form(&uri, &form("5")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("qs3") && body.contains("1 (inadequate) to 4"),
        "{body}"
    );
    let stored = |pool: PgPool| async move {
        sqlx::query_as::<_, (String, Option<Decimal>, Option<String>)>(
            "SELECT measure_code, value, note FROM current_observations
             WHERE area_code = $1 AND measure_code LIKE 'CQC_%' ORDER BY measure_code",
        )
        .bind(HALTON)
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    assert!(stored(pool.clone()).await.is_empty());
    // Refused: a council's user, a forged token.
    let (status, _, _) = c.halton.post_form(&uri, &form("3")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = c
        .analyst
        .post_form_with_token(&uri, "forged", &form("3"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    c.analyst.post_accepted(&uri, &form("2")).await;
    let values = stored(pool.clone()).await;
    let overall = values.iter().find(|v| v.0 == "CQC_OVERALL").unwrap();
    assert_eq!(
        overall.1,
        Some(Decimal::from(3)),
        "good is 3 on CQC's scale"
    );
    assert_eq!(overall.2.as_deref(), Some("assessed July 2025"));
    let qs3 = values.iter().find(|v| v.0 == "CQC_QS3").unwrap();
    assert_eq!(qs3.1, Some(Decimal::from(2)));
    let scope: String = sqlx::query_scalar(
        "SELECT scope FROM submissions WHERE scope LIKE 'cqc%' AND status = 'current'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(scope, format!("cqc-la-assessment:{HALTON}"));
    let period: String = sqlx::query_scalar(
        "SELECT period_code FROM current_observations WHERE measure_code = 'CQC_OVERALL'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(period, "2025-26", "July 2025 is in 2025-26");
}

#[tokio::test]
async fn a_councils_users_keep_its_improvement_themes_and_only_they_and_the_analyst_see_them() {
    let pool = published_2016_17().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let uri = format!("/authorities/{HALTON}/improvement-themes");
    let theme = |measures: &'static str, progress: &'static str| {
        vec![
            ("title", "Home first"),
            ("measures", measures),
            ("director", "A. Director"),
            ("plan", "Discharge to assess from every ward by March."),
            ("progress", progress),
        ]
    };
    // A measure the catalogue does not know is named; nothing is saved.
    let (status, _, body) = c.halton.post_form(&uri, &theme("2A2, ZZ9", "")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("ZZ9"), "{body}");
    // Another council and the public cannot write Halton's themes.
    assert_eq!(
        c.warrington.post_form(&uri, &theme("2A2", "")).await.0,
        StatusCode::NOT_FOUND
    );
    c.halton
        .post_accepted(&uri, &theme("2A(2), 2B(1)", ""))
        .await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM improvement_themes")
        .fetch_one(&pool)
        .await
        .unwrap();
    c.halton
        .post_accepted(&format!("{uri}/{id}"), &theme("2A2", "Ten wards live."))
        .await;
    let (_, page) = c.halton.get(&format!("/authorities/{HALTON}")).await;
    let html = Html::parse_document(&page);
    let card = text(&html, ".improvement-theme").unwrap();
    assert!(
        card.contains("Ten wards live.") && card.contains("version 2"),
        "{card}"
    );
    assert!(
        card.contains("2A2"),
        "the codes as the catalogue has them: {card}"
    );
    let (_, page) = c.analyst.get(&format!("/authorities/{HALTON}")).await;
    assert!(page.contains("Ten wards live."), "the analyst sees them");
    for agent in [&mut c.public, &mut c.warrington] {
        let (_, page) = agent.get(&format!("/authorities/{HALTON}")).await;
        assert!(!page.contains("Ten wards live.") && !page.contains("improvement-themes"));
    }
    // Warrington cannot edit Halton's theme through its own code either.
    let theirs = format!("/authorities/{WARRINGTON}/improvement-themes/{id}");
    assert_eq!(
        c.warrington.post_form(&theirs, &theme("2A2", "x")).await.0,
        StatusCode::NOT_FOUND
    );
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM improvement_theme_versions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(versions, 2, "every edit kept");
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'improvement.theme'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn the_regional_account_states_the_political_make_up_from_the_analysts_facts() {
    let pool = published_2016_17().await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    // Halton and Warrington as the analyst recorded them; the other 21 councils have no facts.
    let facts = [
        (HALTON, "political_control", "Labour", "2016-05-06"),
        (WARRINGTON, "political_control", "Labour", "2016-05-06"),
        (
            HALTON,
            "dass_remit",
            "children and public health",
            "2016-04-01",
        ),
        (WARRINGTON, "dass_remit", "none", "2016-04-01"),
        (HALTON, "dass_since", "1 September 2016", "2016-09-01"),
        (WARRINGTON, "dass_since", "2013-01-07", "2016-04-01"),
        (HALTON, "network_attendance", "2 of 3", "2016-06-30"),
        (HALTON, "network_attendance", "3 of 3", "2016-12-01"),
        (WARRINGTON, "network_attendance", "1 of 3", "2016-06-30"),
        (HALTON, "thematic_contacts", "10 of 10", "2016-07-01"),
        (WARRINGTON, "thematic_contacts", "6/10", "2016-07-01"),
        (HALTON, "personalisation", "good", "2017-03-01"),
        (WARRINGTON, "personalisation", "slow progress", "2017-03-01"),
        (HALTON, "local_account", "2016-17", "2017-10-02"),
        (HALTON, "peer_challenge", "Safeguarding", "2016-11-14"),
        (WARRINGTON, "peer_challenge", "Reablement", "2017-10-09"),
    ];
    for (council, kind, value, as_of) in facts {
        c.analyst
            .post_accepted(
                &format!("/authorities/{council}/facts"),
                &[
                    ("kind", kind),
                    ("value", value),
                    ("source", "Regional network records"),
                    ("as_of", as_of),
                ],
            )
            .await;
    }
    let (_, page) = c.public.get("/regional-account?period=2016-17").await;
    let html = Html::parse_document(&page);
    let governance = texts(&html, "#details-leadership-governance li");
    assert_eq!(
        governance[..3],
        [
            // Halton's director also has children and public health, Warrington's has neither.
            "Of 2 directors recorded: 1 jointly responsible for adults and children and 1 for public health; not recorded for 21.",
            // Halton's started on 1 September 2016, in the year; Warrington's in 2013.
            "Turnover of directors in 2016-17: 1 of 2 councils (50%) appointed a new director; not recorded for 21.",
            "Political control of the region's councils: Labour 2; not recorded for 21.",
        ],
        "{governance:#?}"
    );
    let culture = texts(&html, "#details-culture-challenge li");
    assert_eq!(
        culture[..5],
        [
            // Halton's in November 2016; Warrington's in October 2017, after the year.
            "1 of 23 councils held a peer challenge in 2016-17 and 1 in the three years to 31 March 2017; 1 committed to one after the year.",
            "1 of 23 councils published a Local Account for 2016-17.",
            // Halton 2 + 3 = 5 of 6, Warrington 1 of 3: 6 of 9 meetings.
            "1 of 23 councils were represented at 3 or more regional network meetings in 2016-17 (6 of 9 meetings attended, 67%); not recorded for 21.",
            "1 of 23 councils have a named point of contact for every thematic improvement area, 1 for some; not recorded for 21.",
            "Personalisation progress: 1 councils had an action plan and were making good progress, 1 had an action plan but progress was slow, 0 showed no action plan or were not engaged in regional activity; not recorded for 21.",
        ],
        "{culture:#?}"
    );
    let rules = texts(&html, "#details-culture-challenge + details p").join(" ");
    assert!(
        rules.contains("the latest personalisation band the analyst recorded"),
        "each sentence's rule is on the page: {rules}"
    );
}
