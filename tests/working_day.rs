//! The signed-in working day, over HTTP and a real database: sign-in lands on `/home`, which
//! lists what needs the user's attention (the analyst's for every council, a council's for its
//! own), in the order overdue, due, newest; the header counts the same items.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use axum::http::StatusCode;
use common::{Agent, Cast, Start, app, database, official_bytes, official_name, text};
use scraper::Html;
use sqlx::PgPool;

const HEADER: &str =
    "authority,authority name,measure,measure title,period,value,numerator,denominator,note\n";
const HALTON: &str = "E06000006";
const QUARTER: &str = "2017-18 Q1";

/// Two official years imported (not published) and Halton's 1C2A collapsing in the second:
/// a data query for the analyst.
async fn with_data() -> PgPool {
    let pool = database(Start::Reference).await;
    for year in ["2015-16", "2016-17"] {
        common::import(&pool, &official_name(year), &official_bytes(year), None).await;
    }
    let revision = format!("{HEADER}{HALTON},Halton,1C2A,,2016-17,2.0,20,1000,\n");
    common::import(&pool, "halton-revision.csv", revision.as_bytes(), None).await;
    pool
}

/// The home page's items as (kind, text, link, due words), and the header's count.
async fn home(agent: &mut Agent) -> (Vec<(String, String, String, String)>, usize) {
    let (status, page) = agent.get("/home").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let html = Html::parse_document(&page);
    let item = scraper::Selector::parse("#todo > li").unwrap();
    let items: Vec<(String, String, String, String)> = html
        .select(&item)
        .map(|li| {
            let inner = Html::parse_fragment(&li.html());
            let link = scraper::Selector::parse("a").unwrap();
            let href = inner
                .select(&link)
                .next()
                .and_then(|a| a.value().attr("href"))
                .unwrap_or_default()
                .to_string();
            (
                text(&inner, ".todo-kind").unwrap_or_default(),
                text(&inner, "a").unwrap_or_default(),
                href,
                text(&inner, ".todo-due").unwrap_or_default(),
            )
        })
        .collect();
    let count = text(&html, ".todo-count").unwrap();
    let n: usize = count.strip_suffix(" to do").unwrap().parse().unwrap();
    (items, n)
}

/// Halton's director uploads a one-value return for the quarter: the return's id.
async fn halton_uploads(halton: &mut Agent) -> i64 {
    let file = format!("{HEADER}{HALTON},Halton,AS04,,{QUARTER},71.5,143,200,\n");
    let (status, headers, body) = halton
        .upload(
            "/returns",
            "halton.csv",
            file.as_bytes(),
            &[("period", QUARTER)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    headers["location"]
        .to_str()
        .unwrap()
        .strip_prefix("/returns/")
        .unwrap()
        .parse()
        .unwrap()
}

fn find<'a>(
    items: &'a [(String, String, String, String)],
    kind: &str,
) -> Vec<&'a (String, String, String, String)> {
    items.iter().filter(|i| i.0.ends_with(kind)).collect()
}

#[tokio::test]
async fn each_home_page_lists_what_waits_for_its_user_and_the_header_counts_it() {
    let pool = with_data().await;
    let app = app(pool.clone());

    // Sign-in lands on the home page.
    scorecard::accounts::add_user(
        &pool,
        "lands@example.org",
        scorecard::domain::access::Role::Analyst,
        None,
        Some(common::PASSWORD.into()),
        "test",
    )
    .await
    .unwrap();
    let request = common::sign_in_request(&app, "lands@example.org", common::PASSWORD).await;
    let (status, headers, _) = common::send(&app, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/home");
    // The public has no home page: it is asked to sign in.
    let (status, _) = Agent::public(&app).get("/home").await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let mut c = Cast::signed_in(&app, &pool).await;
    // The round opens with a due date long past: every council of the region is late.
    let (status, _, body) = c
        .analyst
        .post_form("/rounds", &[("period", QUARTER), ("due", "2017-08-15")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let region = scorecard::db::queries::areas::members_during(
        &pool,
        "north-west",
        scorecard::domain::Period::quarter(2017, 1).unwrap(),
    )
    .await
    .unwrap()
    .len();
    let (items, count) = home(&mut c.analyst).await;
    assert_eq!(count, items.len(), "the header counts the list");
    let late = find(&items, "Councils late for a round");
    assert_eq!(late.len(), 1, "{items:?}");
    assert!(
        late[0].1.starts_with(&format!(
            "{region} councils are late with the {QUARTER} return: "
        )),
        "{late:?}"
    );
    assert_eq!(late[0].2, "/rounds/2017-18%20Q1");
    assert!(late[0].3.starts_with("overdue by "), "{late:?}");
    assert!(
        late[0].0.starts_with("Overdue: "),
        "said in words, not colour only"
    );
    // Halton's collapse is a data query: one item per council, linked to its profile's queries.
    let queries = find(&items, "Data queries");
    let halton = queries
        .iter()
        .find(|q| q.1.starts_with("Halton: "))
        .unwrap_or_else(|| panic!("{items:?}"));
    assert!(
        halton.1.ends_with("open on the 2016-17 figures"),
        "{halton:?}"
    );
    assert_eq!(halton.2, format!("/risk/{HALTON}?period=2016-17#queries"));
    // Overdue items come first.
    let first_not_overdue = items.iter().position(|i| !i.0.starts_with("Overdue"));
    let last_overdue = items.iter().rposition(|i| i.0.starts_with("Overdue"));
    assert!(last_overdue < first_not_overdue.or(Some(usize::MAX)));

    // Halton: its return not started, overdue, linked to the returns page.
    let (items, count) = home(&mut c.halton).await;
    assert_eq!(count, items.len());
    let own = find(&items, "Your return");
    assert_eq!(own.len(), 1, "{items:?}");
    assert_eq!(own[0].1, format!("Return for {QUARTER}: Not started"));
    assert_eq!(own[0].2, "/returns");
    assert!(own[0].3.starts_with("overdue by "));
    assert_eq!(
        find(&items, "Data queries").len(),
        1,
        "Halton's own query, none of others: {items:?}"
    );
    // A council's list holds no other council's items.
    let names: Vec<&str> = items.iter().map(|i| i.1.as_str()).collect();
    assert!(!names.iter().any(|t| t.contains("Warrington")), "{names:?}");

    // The analyst clears the query: it leaves both lists.
    let (status, _, _) = c
        .analyst
        .post_form(
            &format!("/risk/{HALTON}/queries/clear"),
            &[
                ("measure", "1C2A"),
                ("period", "2016-17"),
                ("rule", "extreme-change"),
                ("note", "the recording system changed"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (items, _) = home(&mut c.analyst).await;
    assert!(
        !find(&items, "Data queries")
            .iter()
            .any(|q| q.1.starts_with("Halton: ")),
        "{items:?}"
    );
    let (items, _) = home(&mut c.halton).await;
    assert!(find(&items, "Data queries").is_empty(), "{items:?}");

    // Halton uploads a draft and saves draft commentary.
    let id = halton_uploads(&mut c.halton).await;
    let commentary = |action: &'static str| {
        [
            ("period", "2017-18"),
            ("domain", "performance-outcomes"),
            ("body", "Reablement grew by a third."),
            ("action", action),
        ]
    };
    let (status, _, _) = c
        .halton
        .post_form(
            &format!("/authorities/{HALTON}/commentary"),
            &commentary("save"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (items, _) = home(&mut c.halton).await;
    let own = find(&items, "Your return");
    assert!(
        own[0]
            .1
            .starts_with(&format!("Return for {QUARTER}: Draft (0 errors"))
    );
    assert_eq!(own[0].2, format!("/returns/{id}"));
    let draft = find(&items, "Commentary draft");
    assert_eq!(draft.len(), 1, "{items:?}");
    assert_eq!(
        draft[0].2,
        format!("/authorities/{HALTON}/commentary?period=2017-18")
    );
    // Warrington's list does not show Halton's draft.
    let (items, _) = home(&mut c.warrington).await;
    assert!(find(&items, "Commentary draft").is_empty(), "{items:?}");

    // Halton submits both: the analyst's list has the return waiting and the commentary, and
    // one council fewer late.
    let (status, _, _) = c
        .halton
        .post_form(&format!("/returns/{id}/submit"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    c.halton
        .post_form(
            &format!("/authorities/{HALTON}/commentary"),
            &commentary("submit"),
        )
        .await;
    let (items, count) = home(&mut c.analyst).await;
    assert_eq!(count, items.len());
    let waiting = find(&items, "Return waiting for a decision");
    assert_eq!(waiting.len(), 1, "{items:?}");
    assert_eq!(
        waiting[0].1,
        format!("Halton: return for {QUARTER} submitted")
    );
    assert_eq!(waiting[0].2, format!("/returns/{id}"));
    assert!(
        find(&items, "Councils late for a round")[0]
            .1
            .starts_with(&format!("{} councils", region - 1))
    );
    let submitted = find(&items, "Commentary submitted for publication");
    assert_eq!(submitted.len(), 1, "{items:?}");
    assert!(submitted[0].1.starts_with("Halton: commentary on "));
    // Halton's return now waits on the analyst: no longer overdue for Halton.
    let (items, _) = home(&mut c.halton).await;
    let own = find(&items, "Your return");
    assert!(
        own[0]
            .1
            .starts_with(&format!("Return for {QUARTER}: Submitted (")),
        "{own:?}"
    );
    assert_eq!(own[0].3, "", "nothing is due from the council");

    // Accepted: the analyst's item goes; Halton learns what its public page will gain.
    let (status, _, _) = c
        .analyst
        .post_form(&format!("/returns/{id}/accept"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (items, _) = home(&mut c.analyst).await;
    assert!(find(&items, "Return waiting for a decision").is_empty());
    let unpublished = find(&items, "Not yet public");
    assert!(
        unpublished.iter().any(|i| i.1
            == format!("{QUARTER}: has data that has never been published")
            && i.2 == "/publication"),
        "{items:?}"
    );
    let (items, count) = home(&mut c.halton).await;
    assert_eq!(count, items.len());
    assert!(find(&items, "Your return").is_empty(), "accepted: done");
    let next = find(&items, "At the next publication");
    assert_eq!(next.len(), 1, "{items:?}");
    assert!(
        next[0]
            .1
            .contains(&format!("the accepted return for {QUARTER}")),
        "{next:?}"
    );
    assert!(next[0].1.contains("commentary on "), "{next:?}");

    // Before publication the analyst is reminded the quarter is not public; once published its
    // round is closed (nobody is late for it any more) and the reminder goes.
    let (status, _, _) = c
        .analyst
        .post_form("/publication/2017-18%20Q1/publish", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (items, _) = home(&mut c.analyst).await;
    assert!(
        find(&items, "Councils late for a round").is_empty(),
        "{items:?}"
    );
    assert!(
        find(&items, "Not yet public")
            .iter()
            .all(|i| !i.1.starts_with(QUARTER)),
        "{items:?}"
    );
    let (items, _) = home(&mut c.halton).await;
    assert!(
        find(&items, "At the next publication").is_empty(),
        "{items:?}"
    );
}

/// The messages waiting, sent and dropped, by recipient.
async fn outbox(pool: &PgPool) -> Vec<(String, String, i32, bool, bool)> {
    sqlx::query_as(
        "SELECT u.email, m.kind, m.attempts, m.sent_at IS NOT NULL, m.dropped_at IS NOT NULL
         FROM mail_outbox m JOIN users u ON u.id = m.user_id ORDER BY m.id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

fn sender(url: &str) -> scorecard::mail::Sender {
    scorecard::mail::Sender::new(url, "North West scorecard <scorecard@example.org>").unwrap()
}

async fn open_round(c: &mut Cast, period: &str) {
    let (status, _, body) = c
        .analyst
        .post_form("/rounds", &[("period", period), ("due", "2017-08-15")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
}

#[tokio::test]
async fn queued_email_is_sent_once_across_a_restart_and_a_sender_stopped_mid_send() {
    let pool = database(Start::Reference).await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    open_round(&mut c, QUARTER).await;
    // Queued in the round's transaction for each council user of the region; nothing sent yet.
    let queued = outbox(&pool).await;
    let to: Vec<&str> = queued.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(to, ["dass@halton.example", "dass@warrington.example"]);
    assert!(queued.iter().all(|m| m.1 == "round_opened" && !m.3));

    // No sender ran while the service that queued them was up (as if it stopped before
    // sending): a new sender, as after a restart, delivers each once.
    let smtp = smtp::Smtp::start().await;
    let sender = sender(&smtp.url());
    assert_eq!(sender.deliver_due(&pool).await.unwrap(), 2);
    assert_eq!(sender.deliver_due(&pool).await.unwrap(), 0, "nothing twice");
    let received = smtp.received();
    assert_eq!(received.len(), 2);
    let halton = received
        .iter()
        .find(|m| m.to == ["dass@halton.example"])
        .unwrap();
    assert_eq!(halton.subject, "The 2017-18 Q1 collection round is open");
    assert!(
        halton.text.contains("http://127.0.0.1:3000/returns"),
        "{}",
        halton.text
    );
    assert!(
        halton.text.contains("due by 15 August 2017"),
        "{}",
        halton.text
    );
    assert!(
        halton
            .html
            .contains("href=\"http://127.0.0.1:3000/returns\""),
        "{}",
        halton.html
    );
    assert!(halton.message_id.starts_with("scorecard-mail-"));

    // Opening the round again (a new due date) is the same event: nobody is told twice.
    open_round(&mut c, QUARTER).await;
    assert_eq!(outbox(&pool).await.len(), 2);

    // A sender stops after claiming a message (its lease holds it); once the lease ends the
    // next sender sends it, once.
    open_round(&mut c, "2017-18 Q2").await;
    let dead = scorecard::db::queries::mail::claim(&pool, 600.0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sender.deliver_due(&pool).await.unwrap(), 1, "the other one");
    sqlx::query("UPDATE mail_outbox SET claimed_until = now() - interval '1 second' WHERE id = $1")
        .bind(dead.id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(sender.deliver_due(&pool).await.unwrap(), 1);
    assert_eq!(sender.deliver_due(&pool).await.unwrap(), 0);
    assert_eq!(smtp.received().len(), 4);
    // Each send is audited.
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'mail.sent'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 4);
}

#[tokio::test]
async fn an_outage_is_retried_and_a_disabled_or_unsubscribed_user_gets_nothing() {
    let pool = database(Start::Reference).await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    open_round(&mut c, QUARTER).await;

    // The SMTP server is down: nothing is lost, each message waits a minute for its next try.
    let address = smtp::down().await;
    let sender = sender(&format!("smtp://{address}"));
    assert_eq!(sender.deliver_due(&pool).await.unwrap(), 0);
    let waiting = outbox(&pool).await;
    assert!(
        waiting.iter().all(|m| m.2 == 1 && !m.3 && !m.4),
        "{waiting:?}"
    );
    let (error, wait): (String, f64) = sqlx::query_as(
        "SELECT last_error, extract(epoch FROM next_attempt_at - now())::float8 FROM mail_outbox LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(!error.is_empty());
    assert!((50.0..=61.0).contains(&wait), "{wait}");
    assert_eq!(
        sender.deliver_due(&pool).await.unwrap(),
        0,
        "not before its time"
    );
    assert!(outbox(&pool).await.iter().all(|m| m.2 == 1));

    // Warrington's director is disabled before the server is back: Halton's message goes,
    // Warrington's is dropped.
    scorecard::accounts::set_disabled(&pool, "dass@warrington.example", true, "test")
        .await
        .unwrap();
    let smtp = smtp::Smtp::start_at(address).await;
    sqlx::query("UPDATE mail_outbox SET next_attempt_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(sender.deliver_due(&pool).await.unwrap(), 1);
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, ["dass@halton.example"]);
    let after = outbox(&pool).await;
    assert!(
        after
            .iter()
            .any(|m| m.0 == "dass@warrington.example" && m.4)
    );

    // A disabled user is not even queued; a user who turned a kind off is not either.
    c.halton.get("/settings").await;
    let (status, _, body) = c
        .halton
        .post_form(
            "/settings",
            &[("email", "return_decided"), ("email", "concerns_shared")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, page) = c.halton.get("/settings").await;
    let html = Html::parse_document(&page);
    let on = |kind: &str| {
        html.select(&scraper::Selector::parse(&format!("#email-{kind}")).unwrap())
            .next()
            .unwrap()
            .value()
            .attr("checked")
            .is_some()
    };
    assert!(!on("round_opened") && on("return_decided") && on("concerns_shared"));
    // As an attacker sends it: no token, a parameter twice, HEAD, the public.
    let (status, _, _) = c
        .halton
        .post_form_with_token("/settings", "forged", &[("email", "round_opened")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        c.halton.get("/settings?saved=1&saved=2").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(c.halton.head("/settings").await.0, StatusCode::OK);
    assert_eq!(c.public.get("/settings").await.0, StatusCode::SEE_OTHER);
    assert_eq!(c.public.head("/home").await.0, StatusCode::SEE_OTHER);
    // A kind of another role cannot be chosen.
    let (status, _, _) = c
        .halton
        .post_form("/settings", &[("email", "response_received")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let before = outbox(&pool).await.len();
    open_round(&mut c, "2017-18 Q2").await;
    assert_eq!(outbox(&pool).await.len(), before, "nobody left to tell");
}

#[tokio::test]
async fn dates_are_typed_in_three_boxes_and_a_mistake_shows_the_form_again() {
    let pool = database(Start::Reference).await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    // The round's quarter is chosen from a list; the due date is the GOV.UK date input.
    let (_, page) = c.analyst.get("/rounds").await;
    let html = Html::parse_document(&page);
    for id in [
        "#due-day",
        "#due-month",
        "#due-year",
        "select#period option",
    ] {
        assert!(
            html.select(&scraper::Selector::parse(id).unwrap())
                .next()
                .is_some(),
            "{id}"
        );
    }
    assert!(!page.contains("type=\"date\""), "no browser date field");

    // A mistake: the page again, with what was typed, an error summary and inline errors.
    let (status, _, page) = c
        .analyst
        .post_form(
            "/rounds",
            &[
                ("period", ""),
                ("due-day", "31"),
                ("due-month", "2"),
                ("due-year", "2027"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let html = Html::parse_document(&page);
    let summary = common::texts(&html, ".govuk-error-summary__list a");
    assert_eq!(
        summary,
        [
            "Select the quarter the round collects",
            "The due date must be a real date"
        ]
    );
    assert_eq!(
        text(&html, "#due-error").unwrap(),
        "Error: The due date must be a real date"
    );
    let typed = |id: &str| {
        html.select(&scraper::Selector::parse(id).unwrap())
            .next()
            .unwrap()
            .value()
            .clone()
    };
    assert_eq!(typed("#due-day").attr("value"), Some("31"));
    assert_eq!(typed("#due-year").attr("value"), Some("2027"));
    assert!(
        typed("#due-day")
            .attr("class")
            .unwrap()
            .contains("govuk-input--error")
    );
    // A month as a word is read; the round opens with that date.
    let (status, headers, _) = c
        .analyst
        .post_form(
            "/rounds",
            &[
                ("period", "2027-28 Q1"),
                ("due-day", "15"),
                ("due-month", "Aug"),
                ("due-year", "2027"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/rounds/2027-28%20Q1");
    let (_, page) = c.analyst.get("/rounds").await;
    assert!(page.contains("15 August 2027"), "{page}");

    // Every other date form reads the same boxes, with the design system's messages.
    let window = |day: &'static str, month: &'static str| {
        vec![
            ("year", "2016-17"),
            ("opens-day", "1"),
            ("opens-month", "7"),
            ("opens-year", "2016"),
            ("closes-day", day),
            ("closes-month", month),
            ("closes-year", "2016"),
        ]
    };
    c.analyst.get("/risk/cycle?year=2016-17").await;
    let (status, _, page) = c
        .analyst
        .post_form("/risk/cycle/window", &window("30", ""))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("The date must include a month"), "{page}");
    let (status, _, _) = c
        .analyst
        .post_form("/risk/cycle/window", &window("30", "11"))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = c.analyst.get("/risk/cycle?year=2016-17").await;
    let html = Html::parse_document(&page);
    let shown = |id: &str| {
        html.select(&scraper::Selector::parse(id).unwrap())
            .next()
            .and_then(|e| e.value().attr("value").map(str::to_string))
    };
    assert_eq!(shown("#window-closes-day").as_deref(), Some("30"));
    assert_eq!(shown("#window-closes-month").as_deref(), Some("11"));
}

#[tokio::test]
async fn a_form_sent_with_a_mistake_comes_back_on_its_page_with_what_was_typed() {
    let pool = database(Start::Reference).await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let page = "/risk/cycle?year=2016-17";
    c.analyst.get(page).await;
    let (status, _, body) = c
        .analyst
        .post_form_from(
            "/risk/cycle/window",
            page,
            &[
                ("year", "2016-17"),
                ("opens-day", "1"),
                ("opens-month", "7"),
                ("opens-year", "2016"),
                ("closes-day", "30"),
                ("closes-month", ""),
                ("closes-year", "2016"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let html = Html::parse_document(&body);
    // The cycle's own page, not an error page.
    assert_eq!(text(&html, "h1").unwrap(), "The improvement cycle, 2016-17");
    assert!(text(&html, "title").unwrap().starts_with("Error: "));
    let summary = scraper::Selector::parse(".govuk-error-summary__list a").unwrap();
    let link = html.select(&summary).next().unwrap();
    assert_eq!(
        link.text().collect::<String>(),
        "The date must include a month"
    );
    assert_eq!(link.value().attr("href"), Some("#window-closes-day"));
    let value = |id: &str| {
        html.select(&scraper::Selector::parse(id).unwrap())
            .next()
            .unwrap()
            .value()
            .clone()
    };
    for (id, typed) in [
        ("#window-opens-day", "1"),
        ("#window-opens-month", "7"),
        ("#window-closes-day", "30"),
        ("#window-closes-year", "2016"),
    ] {
        assert_eq!(value(id).attr("value"), Some(typed), "{id}");
    }
    assert!(
        value("#window-closes-month")
            .attr("class")
            .unwrap()
            .contains("govuk-input--error")
    );
    assert!(
        !value("#window-opens-month")
            .attr("class")
            .unwrap()
            .contains("--error")
    );
    assert_eq!(
        text(&html, "#closes-error").unwrap(),
        "Error: The date must include a month"
    );
    // Nothing was saved.
    let windows: i64 = sqlx::query_scalar("SELECT count(*) FROM review_windows")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(windows, 0);

    // From another site's page (or none), the plain error page answers.
    let (status, _, body) = c
        .analyst
        .post_form("/risk/cycle/window", &[("year", "2016-17")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        text(&Html::parse_document(&body), ".govuk-error-summary__title").unwrap(),
        "There is a problem"
    );
    assert!(body.contains("Nothing was saved."));
}

#[tokio::test]
async fn concerns_shared_and_answered_reach_each_side_on_its_home_and_by_email() {
    let pool = database(Start::Reference).await;
    common::import(
        &pool,
        &official_name("2016-17"),
        &official_bytes("2016-17"),
        None,
    )
    .await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    let assess = format!("/risk/{HALTON}/assessment");
    for (action, body) in [
        ("start", ""),
        ("concerns", "Reablement has fallen two years running."),
    ] {
        let (status, _, page) = c
            .analyst
            .post_form(
                &assess,
                &[("year", "2016-17"), ("action", action), ("body", body)],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{action}: {page}");
    }
    // Halton is asked for its response, on its home page and by email; Warrington is not.
    let (items, _) = home(&mut c.halton).await;
    let shared = find(&items, "Concerns shared with you");
    assert_eq!(shared.len(), 1, "{items:?}");
    assert!(shared[0].1.contains("2016-17"));
    assert_eq!(
        shared[0].2,
        format!("/risk/{HALTON}?period=2016-17#response")
    );
    let (items, _) = home(&mut c.warrington).await;
    assert!(find(&items, "Concerns shared with you").is_empty());
    let queued = outbox(&pool).await;
    assert_eq!(
        queued
            .iter()
            .filter(|m| m.1 == "concerns_shared")
            .map(|m| m.0.as_str())
            .collect::<Vec<_>>(),
        ["dass@halton.example"]
    );

    // Halton responds: the analyst is told, on the home page and by email; Halton's item goes.
    let (status, _, page) = c
        .halton
        .post_form(
            &assess,
            &[
                ("year", "2016-17"),
                ("action", "respond"),
                ("body", "We have a recovery plan."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (items, count) = home(&mut c.analyst).await;
    assert_eq!(count, items.len());
    let answered = find(&items, "Concerns answered");
    assert_eq!(answered.len(), 1, "{items:?}");
    assert_eq!(
        answered[0].1,
        "Halton responded to the concerns shared for 2016-17: record the discussion"
    );
    let (items, _) = home(&mut c.halton).await;
    assert!(
        find(&items, "Concerns shared with you").is_empty(),
        "{items:?}"
    );
    assert!(
        outbox(&pool)
            .await
            .iter()
            .any(|m| m.1 == "response_received" && m.0 == "analyst@example.org")
    );
}

#[tokio::test]
async fn a_new_users_sign_in_link_is_emailed_and_not_kept_past_its_life() {
    let pool = database(Start::Reference).await;
    let app = app(pool.clone());
    let mut admin = Agent::signed_in(
        &app,
        &pool,
        "admin@example.org",
        scorecard::domain::access::Role::Admin,
        None,
    )
    .await;
    let (status, _, page) = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "dass@bolton.example"),
                ("role", "council"),
                ("council", "E08000001"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let shown = text(&Html::parse_document(&page), "#sign-in-link code").unwrap();
    assert!(
        shown.starts_with("http://127.0.0.1:3000/sign-in/"),
        "{shown}"
    );
    // The same link is emailed to the new user, whatever their choices (it cannot be turned off).
    let smtp = smtp::Smtp::start().await;
    assert_eq!(sender(&smtp.url()).deliver_due(&pool).await.unwrap(), 1);
    let received = smtp.received();
    assert_eq!(received[0].to, ["dass@bolton.example"]);
    assert_eq!(
        received[0].subject,
        "Your account on the adult social care scorecard"
    );
    assert!(received[0].text.contains(&shown), "{}", received[0].text);
    // Once sent, the queue keeps no token.
    let kept: String = sqlx::query_scalar("SELECT body_text || body_html || link FROM mail_outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(kept.is_empty(), "{kept}");

    // A reset while mail is off: the link waits in the queue only as long as it works.
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'dass@bolton.example'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, _, _) = admin
        .post_form(&format!("/admin/users/{id}/reset"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let hours = i32::try_from(scorecard::accounts::LINK_HOURS).unwrap();
    assert_eq!(
        scorecard::db::queries::mail::expire_links(&pool, hours)
            .await
            .unwrap(),
        0,
        "still working"
    );
    sqlx::query(
        "UPDATE mail_outbox SET created_at = now() - interval '25 hours' WHERE sent_at IS NULL",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        scorecard::db::queries::mail::expire_links(&pool, hours)
            .await
            .unwrap(),
        1
    );
    let (kept, dropped): (String, bool) = sqlx::query_as(
        "SELECT body_text || body_html || link, dropped_at IS NOT NULL FROM mail_outbox WHERE sent_at IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(kept.is_empty() && dropped);
    assert_eq!(sender(&smtp.url()).deliver_due(&pool).await.unwrap(), 0);
}

#[tokio::test]
async fn reminders_fall_due_once_each_and_never_for_a_submitted_return() {
    let pool = database(Start::Reference).await;
    let app = app(pool.clone());
    let mut c = Cast::signed_in(&app, &pool).await;
    open_round(&mut c, QUARTER).await; // due 15 August 2017
    let letterhead = scorecard::mail::Letterhead::new("https://scorecard.example");
    let on = |day: u32| chrono::NaiveDate::from_ymd_opt(2017, 8, day).unwrap();
    let queue = |day: u32| {
        let (pool, letterhead) = (pool.clone(), letterhead.clone());
        async move {
            scorecard::mail::reminders::queue_due(&pool, &letterhead, "north-west", on(day))
                .await
                .unwrap()
        }
    };
    assert_eq!(queue(1).await, 0, "two weeks ahead: not yet");
    assert_eq!(
        queue(10).await,
        2,
        "a week ahead: Halton's and Warrington's directors"
    );
    assert_eq!(queue(11).await, 0, "once");
    let text: String = sqlx::query_scalar(
        "SELECT m.body_text FROM mail_outbox m JOIN users u ON u.id = m.user_id
         WHERE m.kind = 'return_due' AND u.email = 'dass@halton.example'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        text.contains("is due in 5 days, by 15 August 2017.")
            && text.contains("https://scorecard.example/returns"),
        "{text}"
    );

    // Halton submits; once the day has passed only Warrington is overdue.
    let id = halton_uploads(&mut c.halton).await;
    let (status, _, _) = c
        .halton
        .post_form(&format!("/returns/{id}/submit"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(queue(16).await, 1);
    let overdue: Vec<String> = sqlx::query_scalar(
        "SELECT u.email FROM mail_outbox m JOIN users u ON u.id = m.user_id
         WHERE m.kind = 'return_overdue'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(overdue, ["dass@warrington.example"]);
    assert_eq!(queue(17).await, 0, "once");
}
