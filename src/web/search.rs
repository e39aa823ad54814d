//! `GET /search?q=…`: measures by code, official or plain title, and the region's councils by
//! name or code; the public finds only catalogued measures.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::extract::Params;
use super::layout::{Layout, choose_period};
use super::session::Visitor;
use super::{AppError, AppState};
use crate::db::queries::{areas, measures};
use crate::domain::search;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/search", get(show))
}

#[derive(Debug, Default, serde::Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// A measure found: its code, official title and plain title.
struct Found {
    code: String,
    display_code: String,
    title: String,
    plain_title: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "search/show.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    councils: Vec<(String, String)>,
    measures: Vec<Found>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<SearchQuery>,
) -> Result<SearchPage, AppError> {
    let query: String = q.q.trim().chars().take(search::LONGEST).collect();
    let view = visitor.viewer.data_view();
    let (mut councils, mut found) = (Vec::new(), Vec::new());
    if !query.is_empty() {
        let catalogue: Vec<_> = measures::catalogue(&state.pool)
            .await?
            .into_iter()
            .filter(|m| super::values::shown_in(m, view))
            .collect();
        found = search::measures(&catalogue, &query)
            .into_iter()
            .map(|m| Found {
                code: m.code.clone(),
                display_code: m.display_code.clone(),
                title: m.title.clone(),
                plain_title: m.plain_title.clone(),
            })
            .collect();
        let members = match choose_period(&state.pool, view, &Default::default()).await {
            Ok((latest, _)) => {
                areas::members_during(&state.pool, &state.site.region, latest).await?
            }
            Err(_) => Vec::new(),
        };
        councils = search::councils(&members, &query)
            .into_iter()
            .map(|a| (a.ons_code.clone(), a.name.clone()))
            .collect();
    }
    let title = if query.is_empty() {
        "Search".to_string()
    } else {
        format!("Search: {query}")
    };
    Ok(SearchPage {
        layout: Layout::new(&state, &visitor, title).await?,
        query,
        councils,
        measures: found,
    })
}
