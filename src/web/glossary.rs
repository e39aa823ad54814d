//! `GET /glossary` (every term in plain English) and `GET /about` (what the service is and where
//! to start); and the layer that links the first use of each glossary term in a page's main
//! content to its entry, so that no page uses a term its reader cannot look up.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use lol_html::html_content::ContentType;
use lol_html::{RewriteStrSettings, element, rewrite_str, text};

use super::layout::Layout;
use super::session::Visitor;
use super::values::region_name;
use super::{AppError, AppState};
use crate::domain::glossary::{self, TERMS, Term};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/glossary", get(show))
        .route("/about", get(about))
}

#[derive(Template, WebTemplate)]
#[template(path = "glossary/show.html")]
struct GlossaryPage {
    layout: Layout,
    terms: &'static [Term],
}

async fn show(State(state): State<AppState>, visitor: Visitor) -> Result<GlossaryPage, AppError> {
    Ok(GlossaryPage {
        layout: Layout::new(&state, &visitor, "Glossary".into()).await?,
        terms: TERMS,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "glossary/about.html")]
struct AboutPage {
    layout: Layout,
    region: String,
}

async fn about(State(state): State<AppState>, visitor: Visitor) -> Result<AboutPage, AppError> {
    Ok(AboutPage {
        layout: Layout::new(&state, &visitor, "About the scorecard".into()).await?,
        region: region_name(&state).await?,
    })
}

/// The largest page the layer rewrites; a larger one is sent as it is.
const LARGEST: usize = 16 * 1024 * 1024;

/// Links each glossary term's first use in a public HTML page's main content (not on the
/// glossary itself, which is where the links lead; not for signed-in staff, whose pages show
/// what councils and analysts wrote as written).
pub(super) async fn link_terms(request: Request, next: Next) -> Response {
    let session = request
        .extensions()
        .get::<tower_sessions::Session>()
        .cloned();
    let as_written =
        request.uri().path() == "/glossary" || !super::session::anonymous(session.as_ref()).await;
    let response = next.run(request).await;
    let html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let size = axum::body::HttpBody::size_hint(response.body()).upper();
    if as_written || !html || size.is_none_or(|s| s > LARGEST as u64) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, LARGEST).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let page = String::from_utf8_lossy(&bytes);
    let linked = link_first_uses(&page).unwrap_or_else(|_| page.into_owned());
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(linked))
}

/// Elements whose text is never linked: links and controls (a link inside one is invalid or
/// confusing), text that is not read as prose, and what councils wrote (their commentary is
/// theirs, shown as written).
const UNLINKED: &str = "a, button, label, option, select, textarea, summary, script, style, svg, .commentary, .user-text";

/// `html` with the first use of each glossary term inside `<main>` (outside links and controls)
/// made a link to its entry.
fn link_first_uses(html: &str) -> Result<String, lol_html::errors::RewritingError> {
    let linked: Rc<RefCell<Vec<&'static str>>> = Rc::default();
    let unlinked_depth = Rc::new(Cell::new(0_usize));
    let depth = unlinked_depth.clone();
    rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: vec![
                element!(
                    format!("main {}", UNLINKED.replace(", ", ", main ")),
                    move |el| {
                        depth.set(depth.get() + 1);
                        if let Some(handlers) = el.end_tag_handlers() {
                            let depth = depth.clone();
                            let on_end: lol_html::EndTagHandler<'static> = Box::new(move |_| {
                                depth.set(depth.get().saturating_sub(1));
                                Ok(())
                            });
                            handlers.push(on_end);
                        }
                        Ok(())
                    }
                ),
                text!("main", move |t| {
                    if unlinked_depth.get() > 0 || t.as_str().trim().is_empty() {
                        return Ok(());
                    }
                    if let Some(replaced) = with_links(t.as_str(), &mut linked.borrow_mut()) {
                        t.replace(&replaced, ContentType::Html);
                    }
                    Ok(())
                }),
            ],
            ..RewriteStrSettings::new()
        },
    )
}

/// A text chunk (as written in the page, already escaped) with the first use of each term not
/// yet `linked` made a link; none when it has no such term.
fn with_links(text: &str, linked: &mut Vec<&'static str>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let next = TERMS
            .iter()
            .filter(|t| !linked.contains(&t.slug))
            .filter_map(|t| glossary::find(t, rest).map(|at| (at, t)))
            .min_by_key(|((start, end), _)| (*start, usize::MAX - end));
        let Some(((start, end), term)) = next else {
            break;
        };
        linked.push(term.slug);
        out.push_str(&rest[..start]);
        out.push_str(&format!(
            r#"<a class="govuk-link glossary-link" href="/glossary#{}">{}</a>"#,
            term.slug,
            &rest[start..end]
        ));
        rest = &rest[end..];
    }
    if out.is_empty() {
        return None;
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_use_of_each_term_in_main_links_to_its_entry() {
        let page = r#"<html><head><title>RAG</title></head><body><header>RAG</header><main>
            <p>The RAG rating and the <b>quartile</b>; RAG again.</p>
            <a href="/x">quartile</a><label>polarity</label><p>Polarity &amp; more</p>
            <svg><text>funnel plot</text></svg><div class="commentary"><p>Our TEASC work.</p></div>
            <p>A funnel plot.</p></main></body></html>"#;
        let out = link_first_uses(page).unwrap();
        assert!(out.contains(
            r#"The <a class="govuk-link glossary-link" href="/glossary#rag">RAG</a> rating"#
        ));
        assert_eq!(out.matches("/glossary#rag").count(), 1, "once a page");
        assert!(out.contains(
            r#"<b><a class="govuk-link glossary-link" href="/glossary#quartile">quartile</a></b>"#
        ));
        assert!(
            out.contains(r#"<a href="/x">quartile</a>"#),
            "never inside a link"
        );
        assert!(out.contains("<label>polarity</label>"), "nor a control");
        assert!(out.contains(r#"<a class="govuk-link glossary-link" href="/glossary#polarity">Polarity</a> &amp; more"#));
        assert!(out.contains("<text>funnel plot</text>"), "nor a chart");
        assert!(
            out.contains("<p>Our TEASC work.</p>"),
            "nor what a council wrote"
        );
        assert!(out.contains(
            r#"A <a class="govuk-link glossary-link" href="/glossary#funnel-plot">funnel plot</a>."#
        ));
        assert!(out.contains("<title>RAG</title>") && out.contains("<header>RAG</header>"));
    }
}
