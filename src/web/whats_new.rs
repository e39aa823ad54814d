//! What's new: `/whats-new` lists the publications (newest first); `/whats-new/{id}` says what
//! one made public: a new period, new measures, revised values (was, now, why) and new
//! commentary; `/whats-new.atom` is the same list as an Atom feed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::layout::Layout;
use super::session::Visitor;
use super::{AppError, AppState};
use crate::db::queries::measures;
use crate::db::queries::publications::{self, PublicationRow, Revised};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/whats-new", get(index))
        .route("/whats-new.atom", get(feed))
        .route("/whats-new/{id}", get(show))
}

/// The publications listed and in the feed.
const LISTED: i64 = 100;

/// A publication in words: "2016-17 published" or "2016-17 published again".
fn title(p: &PublicationRow) -> String {
    if p.first {
        format!("{} published", p.period)
    } else {
        format!("{} published again", p.period)
    }
}

fn when(p: &PublicationRow) -> String {
    p.published_at.format("%-d %B %Y %H:%M").to_string()
}

#[derive(Template, WebTemplate)]
#[template(path = "whats_new/index.html")]
struct IndexPage {
    layout: Layout,
    publications: Vec<(i64, String, String, i64, i64)>,
}

async fn index(State(state): State<AppState>, visitor: Visitor) -> Result<IndexPage, AppError> {
    let publications = publications::recent(&state.pool, LISTED)
        .await?
        .iter()
        .map(|p| (p.id, title(p), when(p), p.submissions, p.commentary))
        .collect();
    Ok(IndexPage {
        layout: Layout::new(&state, &visitor, "What's new".into()).await?,
        publications,
    })
}

/// A revised value as shown.
pub(super) struct RevisedRow {
    pub measure: String,
    pub area: String,
    pub was: String,
    pub now: String,
    pub why: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "whats_new/show.html")]
struct ShowPage {
    layout: Layout,
    title: String,
    when: String,
    by: Option<String>,
    period: String,
    first: bool,
    new_measures: Vec<publications::NewMeasure>,
    revised: Vec<RevisedRow>,
    commentary: Vec<publications::NewCommentary>,
}

/// Revised values in each measure's own format. Pure.
pub(super) fn revised_rows(
    revised: &[Revised],
    catalogue: &[crate::domain::Measure],
) -> Vec<RevisedRow> {
    revised
        .iter()
        .map(|r| {
            let m = catalogue.iter().find(|m| m.code == r.measure);
            let show = |v: Option<rust_decimal::Decimal>| match (v, m) {
                (Some(v), Some(m)) => m.format(v),
                (Some(v), None) => v.to_string(),
                (None, _) => "no value".into(),
            };
            RevisedRow {
                measure: m.map_or_else(
                    || r.measure.clone(),
                    |m| format!("{} {}", m.display_code, m.title),
                ),
                area: r.area_name.clone(),
                was: show(r.was),
                now: show(r.now),
                why: r.why.clone(),
            }
        })
        .collect()
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<ShowPage, AppError> {
    let not_found = || AppError::NotFound(format!("publication {id}"));
    let number: i64 = id.parse().map_err(|_| not_found())?;
    let p = publications::publication(&state.pool, number)
        .await?
        .ok_or_else(not_found)?;
    let catalogue = measures::catalogue(&state.pool).await?;
    let revised = publications::revised(&state.pool, p.id).await?;
    Ok(ShowPage {
        layout: Layout::new(&state, &visitor, title(&p)).await?,
        title: title(&p),
        when: when(&p),
        // Who published is for the analysts; the public reads when.
        by: visitor
            .viewer
            .can_manage_data()
            .then(|| p.published_by.clone()),
        period: p.period.to_string(),
        first: p.first,
        new_measures: publications::new_measures(&state.pool, p.id).await?,
        revised: revised_rows(&revised, &catalogue),
        commentary: publications::new_commentary(&state.pool, p.id).await?,
    })
}

/// The Atom feed of publications (links relative to the service, ids as tag URIs).
async fn feed(State(state): State<AppState>) -> Result<Response, AppError> {
    use atom_syndication::{EntryBuilder, FeedBuilder, LinkBuilder, TextBuilder};
    let list = publications::recent(&state.pool, LISTED).await?;
    let base = state
        .site
        .public_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string();
    let updated = list
        .first()
        .map_or_else(chrono::Utc::now, |p| p.published_at)
        .fixed_offset();
    let entries = list
        .iter()
        .map(|p| {
            EntryBuilder::default()
                .title(title(p))
                .id(format!("tag:scorecard,2024:publication/{}", p.id))
                .updated(p.published_at.fixed_offset())
                .published(Some(p.published_at.fixed_offset()))
                .links(vec![
                    LinkBuilder::default()
                        .href(format!("{base}/whats-new/{}", p.id))
                        .rel("alternate")
                        .mime_type(Some("text/html".into()))
                        .build(),
                ])
                .summary(Some(
                    TextBuilder::default()
                        .value(format!(
                            "{}: {} submissions, {} commentaries.",
                            title(p),
                            p.submissions,
                            p.commentary
                        ))
                        .build(),
                ))
                .build()
        })
        .collect::<Vec<_>>();
    let feed = FeedBuilder::default()
        .title("What's new in the adult social care scorecard")
        .id("tag:scorecard,2024:publications")
        .updated(updated)
        .links(vec![
            LinkBuilder::default()
                .href(format!("{base}/whats-new.atom"))
                .rel("self")
                .build(),
            LinkBuilder::default()
                .href(format!("{base}/whats-new"))
                .rel("alternate")
                .build(),
        ])
        .entries(entries)
        .build();
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed.to_string(),
    )
        .into_response())
}
