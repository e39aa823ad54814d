//! Importing files: the three official ASCOF years through the command line, and every error and
//! warning on small crafted files, with the database unchanged after each failure.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod common;

use common::{Start, database, database_named, official_file, scorecard};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use scorecard::ingest::import::{Committed, analyse, commit};
use scorecard::ingest::{Options, report::Report};
use sqlx::PgPool;

type Value = (Option<Decimal>, Option<Decimal>, Option<Decimal>);

async fn value(pool: &PgPool, area: &str, measure: &str, period: &str) -> Value {
    sqlx::query_as(
        "SELECT value, numerator, denominator FROM current_observations
         WHERE area_code = $1 AND measure_code = $2 AND period_code = $3 AND disaggregation = 'Total'",
    )
    .bind(area)
    .bind(measure)
    .bind(period)
    .fetch_one(pool)
    .await
    .unwrap_or_else(|e| panic!("{area} {measure} {period}: {e}"))
}

async fn counts(pool: &PgPool, period: &str) -> (i64, i64) {
    sqlx::query_as(
        "SELECT count(DISTINCT area_code) FILTER (WHERE area_code IN (SELECT ons_code FROM authorities)),
                count(DISTINCT measure_code)
         FROM current_observations WHERE period_code = $1",
    )
    .bind(period)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_three_official_years_import_with_their_values() {
    let (pool, url) = database_named(Start::Reference).await;
    // (year, councils, measures) as counted in each file's Total rows.
    for (year, councils, measures) in [
        ("2014-15", 152, 27),
        ("2015-16", 152, 22),
        ("2016-17", 152, 26),
    ] {
        let file = official_file(year);
        let (ok, out) = scorecard(&url, &["import", file.to_str().unwrap()]);
        assert!(ok, "{year}: {out}");
        assert!(out.contains("0 errors"), "{out}");
        assert_eq!(counts(&pool, year).await, (councils, measures), "{year}");
    }
    // Values with numerators and denominators, as published (council, region, England).
    let d = |v: Decimal| Some(v);
    assert_eq!(
        value(&pool, "E10000031", "1C2A", "2014-15").await,
        (d(dec!(26.7)), d(dec!(1040)), d(dec!(3890)))
    );
    assert_eq!(
        value(&pool, "E92000001", "2A2", "2014-15").await,
        (d(dec!(668.8)), d(dec!(63788)), d(dec!(9537710)))
    );
    assert_eq!(
        value(&pool, "E12000002", "1B", "2014-15").await,
        (d(dec!(78.1)), d(dec!(79945)), d(dec!(102375)))
    );
    assert_eq!(
        value(&pool, "E10000031", "1C2A", "2015-16").await,
        (d(dec!(17.3)), d(dec!(310)), d(dec!(1790)))
    );
    assert_eq!(
        value(&pool, "E92000001", "1C2A", "2015-16").await,
        (d(dec!(28.1)), d(dec!(127145)), d(dec!(452993)))
    );
    assert_eq!(
        value(&pool, "E12000005", "2A2", "2015-16").await,
        (d(dec!(646.5)), d(dec!(6761)), d(dec!(1045805)))
    );
    assert_eq!(
        value(&pool, "E08000003", "1A", "2015-16").await,
        (d(dec!(18.5)), d(dec!(152575)), d(dec!(8266)))
    );
    assert_eq!(
        value(&pool, "E08000012", "2B1", "2016-17").await,
        (d(dec!(75.6)), d(dec!(260)), d(dec!(344)))
    );
    assert_eq!(
        value(&pool, "E12000002", "1C2A", "2016-17").await,
        (d(dec!(23.8)), d(dec!(17223)), d(dec!(72362)))
    );
    let moe: Option<Decimal> = sqlx::query_scalar(
        "SELECT margin_of_error FROM current_observations WHERE area_code = 'E06000006' AND measure_code = '4A' AND period_code = '2016-17'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(moe, Some(dec!(5.6)));

    let file = official_file("2016-17");
    let (ok, out) = scorecard(&url, &["import", file.to_str().unwrap()]);
    assert!(ok);
    assert!(
        out.contains("already current: nothing changed"),
        "byte-identical re-import is a no-op: {out}"
    );
}

/// A snapshot of everything an import could change.
async fn snapshot(pool: &PgPool) -> (i64, i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM observations), (SELECT count(*) FROM submissions),
                (SELECT count(*) FROM areas), (SELECT count(*) FROM periods)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn check(pool: &PgPool, name: &str, bytes: &[u8]) -> Report {
    analyse(pool, name, bytes, Options::default())
        .await
        .unwrap()
        .contents
        .report
}

/// Imports a file that must fail, and proves that nothing changed.
async fn rejected(pool: &PgPool, name: &str, bytes: &[u8]) -> Report {
    let before = snapshot(pool).await;
    let analysis = analyse(pool, name, bytes, Options::default())
        .await
        .unwrap();
    assert!(
        analysis.report().has_errors(),
        "{name} should have errors: {}",
        analysis.report()
    );
    assert!(commit(pool, &analysis, "test").await.is_err());
    assert_eq!(
        snapshot(pool).await,
        before,
        "{name}: the database is unchanged"
    );
    analysis.contents.report
}

const HEADER: &str =
    "authority,authority name,measure,measure title,period,value,numerator,denominator,note\n";

fn template(rows: &[&str]) -> Vec<u8> {
    let mut s = HEADER.to_string();
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

fn reason_at(report: &Report, row: usize) -> String {
    report
        .errors
        .iter()
        .filter(|e| e.row == Some(row))
        .map(|e| {
            format!(
                "{} [{}={}]",
                e.reason,
                e.column.clone().unwrap_or_default(),
                e.value.clone().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn every_error_is_named_and_blocks_the_commit() {
    let pool = database(Start::Seeded).await;
    let good = "E06000006,Halton,AS04,Assessments in 28 days,2024-25 Q1,70.0,70,100,";
    let report = rejected(
        &pool,
        "errors.csv",
        &template(&[
            good,
            "E99999999,Nowhere,AS04,,2024-25 Q1,50,,,",
            "E06000006,Halton,ZZ99,,2024-25 Q1,50,,,",
            "E06000006,Halton,AS02,,2024-25 Q5,50,,,",
            "E06000006,Halton,AS03,,2024-25 Q1,abc,,,",
            "E06000006,Halton,AS07,,2024-25 Q1,104.1,,,",
            "E06000006,Halton,AS08,,2024-25 Q1,50.0,60,50,",
            "E06000006,Halton,CB05,,2024-25 Q1,27.3,310,1790,",
            good,
        ]),
    )
    .await;
    let has = |row: usize, column: &str, value: &str, reason: &str| {
        report.errors.iter().any(|e| {
            e.row == Some(row)
                && e.column.as_deref() == Some(column)
                && e.value.as_deref() == Some(value)
                && e.reason.contains(reason)
        })
    };
    assert!(
        has(3, "authority", "E99999999", "unknown council"),
        "{report}"
    );
    assert!(has(4, "measure", "ZZ99", "unknown measure"), "{report}");
    assert!(
        has(5, "period", "2024-25 Q5", "is not a period"),
        "{report}"
    );
    assert!(has(6, "value", "abc", "not a number"), "{report}");
    assert!(has(7, "value", "104.1", "between 0 and 100"), "{report}");
    assert!(
        has(8, "numerator", "60", "greater than the denominator"),
        "{report}"
    );
    assert!(
        has(9, "value", "27.3", "does not match numerator/denominator"),
        "{report}"
    );
    assert!(reason_at(&report, 10).contains("duplicate row"), "{report}");
    assert_eq!(report.errors.len(), 8, "{report}");
    let text = report.to_string();
    assert!(
        text.contains("errors.csv, row 3, column 'authority', value 'E99999999': unknown council"),
        "{text}"
    );
}

#[tokio::test]
async fn damaged_and_awkward_files() {
    let pool = database(Start::Seeded).await;
    let full = template(&[
        "E06000006,Halton,AS04,,2024-25 Q1,70.0,70,100,",
        "E06000006,Halton,AS02,,2024-25 Q1,55.5,,,",
    ]);
    let truncated = &full[..full.len() - 12];
    let report = rejected(&pool, "truncated.csv", truncated).await;
    assert!(report.errors[0].reason.contains("truncated"), "{report}");
    assert_eq!(report.errors[0].row, Some(3));

    let report = rejected(&pool, "empty.csv", b"").await;
    assert!(report.errors[0].reason.contains("empty"));
    let report = rejected(&pool, "other.csv", b"name,colour\nx,blue\n").await;
    assert!(
        report.errors[0]
            .reason
            .contains("no sheet has a recognised header"),
        "{report}"
    );
    let report = rejected(
        &pool,
        "mixed.csv",
        &template(&[
            "E06000006,Halton,AS04,,2024-25 Q1,70.0,70,100,",
            "E06000007,Warrington,AS04,,2024-25 Q1,70.0,70,100,",
        ]),
    )
    .await;
    assert!(
        report.errors[0]
            .reason
            .contains("one council's figures for one period"),
        "{report}"
    );

    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(template(&[
        "E06000006,Halton,AS04,,2024-25 Q1,70.0,70,100,",
    ]));
    let report = check(&pool, "bom.csv", &bom).await;
    assert!(!report.has_errors(), "a BOM is accepted: {report}");
    assert_eq!(report.values, 1);

    let mut cp1252 = HEADER.as_bytes().to_vec();
    cp1252.extend(
        b"E06000006,Halton,RN04,Average weekly fee,2024-25 Q1,\xA3745.50,,,fee \xA3745.50 a week\n",
    );
    let analysis = analyse(&pool, "cp1252.csv", &cp1252, Options::default())
        .await
        .unwrap();
    assert!(!analysis.report().has_errors(), "{}", analysis.report());
    let row = &analysis.contents.rows[0].observation;
    assert_eq!(row.value, Some(dec!(745.50)));
    assert_eq!(row.note.as_deref(), Some("fee £745.50 a week"));
}

fn workbook(sheets: &[(&str, Vec<Vec<&str>>)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet().set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(n) => sheet.write_number(r as u32, c as u16, n).unwrap(),
                    Err(_) => sheet.write_string(r as u32, c as u16, *cell).unwrap(),
                };
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_xlsx_with_two_sheets_reads_the_data_sheet() {
    let pool = database(Start::Seeded).await;
    let header: Vec<&str> = HEADER.trim_end().split(',').collect();
    let bytes = workbook(&[
        (
            "Notes",
            vec![
                vec!["Submitted by the performance team"],
                vec!["Contact: someone"],
            ],
        ),
        (
            "Data",
            vec![
                header,
                vec![
                    "E06000006",
                    "Halton",
                    "AS04",
                    "",
                    "2024-25 Q1",
                    "70.5",
                    "141",
                    "200",
                    "",
                ],
            ],
        ),
    ]);
    let analysis = analyse(&pool, "two-sheets.xlsx", &bytes, Options::default())
        .await
        .unwrap();
    let report = analysis.report();
    assert!(!report.has_errors(), "{report}");
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("sheet 'Notes' was skipped")),
        "{report}"
    );
    assert_eq!(analysis.contents.rows.len(), 1);
    assert_eq!(analysis.contents.rows[0].at.sheet.as_deref(), Some("Data"));
    assert!(matches!(
        commit(&pool, &analysis, "test").await.unwrap(),
        Committed::Stored { revision: 1, .. }
    ));
    assert_eq!(
        value(&pool, "E06000006", "AS04", "2024-25 Q1").await.0,
        Some(dec!(70.5))
    );

    let bad = workbook(&[(
        "Data",
        vec![
            HEADER.trim_end().split(',').collect(),
            vec![
                "E06000006",
                "Halton",
                "AS04",
                "",
                "2024-25 Q1",
                "oops",
                "",
                "",
                "",
            ],
        ],
    )]);
    let report = rejected(&pool, "bad.xlsx", &bad).await;
    assert_eq!(report.errors[0].sheet.as_deref(), Some("Data"));
    assert_eq!(report.errors[0].row, Some(2));
}

#[tokio::test]
async fn warnings_do_not_block_implausible_changes_and_missing_measures() {
    let pool = database(Start::Seeded).await;
    // Halton's seeded AS06 moves by a few per quarter; a jump to 900 is far from usual.
    let report = check(
        &pool,
        "jump.csv",
        &template(&["E06000006,Halton,AS06,,2024-25 Q1,900,,,"]),
    )
    .await;
    assert!(!report.has_errors(), "{report}");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.reason.contains("AS06 changed from")
                && w.reason.contains("far from the usual change")),
        "{report}"
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.reason.contains("no value for the expected measure AS04")),
        "{report}"
    );
    let latest = value(&pool, "E06000006", "AS06", "2023-24 Q4")
        .await
        .0
        .unwrap();
    let steady = format!(
        "E06000006,Halton,AS06,,2024-25 Q1,{},,,",
        latest + dec!(0.1)
    );
    let plausible = check(&pool, "steady.csv", &template(&[&steady])).await;
    assert!(
        !plausible
            .warnings
            .iter()
            .any(|w| w.reason.contains("AS06 changed")),
        "{plausible}"
    );
}

#[tokio::test]
async fn a_revision_replaces_a_value_and_the_old_one_stays_in_history() {
    let pool = database(Start::Seeded).await;
    let first = template(&["E06000006,Halton,2A2,,2024-25,598.7,,,"]);
    let second = template(&["E06000006,Halton,2A2,,2024-25,740.9,,,revised after audit"]);
    let a = analyse(&pool, "halton-v1.csv", &first, Options::default())
        .await
        .unwrap();
    assert!(matches!(
        commit(&pool, &a, "analyst").await.unwrap(),
        Committed::Stored { revision: 1, .. }
    ));
    let year = scorecard::domain::Period::year(2024);
    common::publish(&pool, year).await;
    let b = analyse(&pool, "halton-v2.csv", &second, Options::default())
        .await
        .unwrap();
    let Committed::Stored {
        revision,
        superseded,
        ..
    } = commit(&pool, &b, "analyst").await.unwrap()
    else {
        panic!("stored")
    };
    assert_eq!(revision, 2);
    assert!(superseded.is_some());
    assert_eq!(
        value(&pool, "E06000006", "2A2", "2024-25").await.0,
        Some(dec!(740.9))
    );
    let values: Vec<(i32, Option<Decimal>)> = sqlx::query_as(
        "SELECT s.revision, o.value FROM observations o JOIN submissions s ON s.id = o.submission_id
         WHERE o.area_code = 'E06000006' AND o.measure_code = '2A2' AND o.period_code = '2024-25'
         ORDER BY s.revision DESC",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(values, vec![(2, Some(dec!(740.9))), (1, Some(dec!(598.7)))]);
    let app = common::app(pool.clone());
    let cell = |page: &str| {
        let html = scraper::Html::parse_document(page);
        common::text(&html, "tr[data-measure='2A2'] td.value").unwrap()
    };
    let today = chrono::Utc::now().format("%-d %B %Y").to_string();
    // The revision is the analyst's until the period is published again.
    let mut analyst = common::Agent::signed_in(
        &app,
        &pool,
        "analyst@example.org",
        scorecard::domain::access::Role::Analyst,
        None,
    )
    .await;
    let (_, page) = analyst.get("/authorities/E06000006?period=2024-25").await;
    assert_eq!(
        cell(&page),
        format!("740.9Revised on {today}: was 598.7 (revision 1)")
    );
    let (_, page) = common::get(&app, "/authorities/E06000006?period=2024-25").await;
    assert_eq!(cell(&page), "598.7", "the public sees what was published");
    common::publish(&pool, year).await;
    let (_, page) = common::get(&app, "/authorities/E06000006?period=2024-25").await;
    assert_eq!(
        cell(&page),
        format!("740.9Revised on {today}: was 598.7 (revision 1)"),
        "published again, the page says what changed and when"
    );
    let again = analyse(&pool, "halton-v2-again.csv", &second, Options::default())
        .await
        .unwrap();
    assert!(matches!(
        commit(&pool, &again, "analyst").await.unwrap(),
        Committed::AlreadyCurrent { revision: 2, .. }
    ));
}

#[tokio::test]
async fn two_uploads_at_once_for_the_same_council_and_period_keep_both_revisions() {
    let pool = database(Start::Seeded).await;
    let one = analyse(
        &pool,
        "a.csv",
        &template(&["E06000007,Warrington,AS04,,2024-25 Q2,71.0,,,"]),
        Options::default(),
    )
    .await
    .unwrap();
    let two = analyse(
        &pool,
        "b.csv",
        &template(&["E06000007,Warrington,AS04,,2024-25 Q2,72.0,,,"]),
        Options::default(),
    )
    .await
    .unwrap();
    let (r1, r2) = tokio::join!(commit(&pool, &one, "a"), commit(&pool, &two, "b"));
    let mut revisions: Vec<i32> = [r1.unwrap(), r2.unwrap()]
        .into_iter()
        .map(|c| match c {
            Committed::Stored { revision, .. } => revision,
            Committed::AlreadyCurrent { .. } => 0,
        })
        .collect();
    revisions.sort_unstable();
    assert_eq!(revisions, vec![1, 2]);
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM submissions WHERE scope = 'template:E06000007:2024-25 Q2'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, 2);
}

#[tokio::test]
async fn the_command_line_reports_errors_and_exits_non_zero() {
    let (pool, url) = database_named(Start::Seeded).await;
    let dir = std::env::temp_dir().join(format!("scorecard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        template(&["E06000006,Halton,AS04,,2024-25 Q1,abc,,,"]),
    )
    .unwrap();
    let before = snapshot(&pool).await;
    let (ok, out) = scorecard(&url, &["import", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        out.contains("bad.csv, row 2, column 'value', value 'abc': not a number"),
        "{out}"
    );
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        template(&["E06000006,Halton,AS04,,2024-25 Q1,70.0,,,"]),
    )
    .unwrap();
    let (ok, out) = scorecard(&url, &["import", "--dry-run", good.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("dry run: nothing stored"));
    assert_eq!(snapshot(&pool).await, before);
    let _ = std::fs::remove_dir_all(&dir);
}
