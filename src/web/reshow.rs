//! A form sent with a mistake is shown again, as the GOV.UK pattern asks, for every form of the
//! site at once: the page the form was on (its `Referer`, this site's only), with what was typed
//! filled back in, an error summary at the top of the page, the message by the field and the
//! field marked, the form's `<details>` opened and "Error: " before the title. The handler
//! answers its 400 as before ([`super::AppError`]); this layer reads the page again (a GET
//! through the same routes, the visitor's own cookies) and rewrites it with `lol_html`. When the
//! page cannot be read or has no such form, the plain error page stands.

use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lol_html::html_content::ContentType;
use lol_html::{RewriteStrSettings, element, rewrite_str};
use tower::ServiceExt;

/// A form's mistake, as the error page answers it: the field, the message, the page the form
/// was on (set by [`super::AppError`]'s response).
#[derive(Debug, Clone)]
pub(super) struct FormError {
    pub field: &'static str,
    pub message: String,
    pub back: String,
}

/// The body of a form that was answered 400 (set by the form-token check, which read it).
#[derive(Debug, Clone)]
pub(super) struct Posted(pub Bytes);

/// The largest page read again.
const PAGE_LIMIT: usize = 8 * 1024 * 1024;

/// `inner` with its forms' mistakes shown on their own pages.
pub(super) fn around(inner: Router) -> Router {
    Router::new().fallback_service(tower::service_fn(move |request: Request| {
        let inner = inner.clone();
        async move { Ok::<_, Infallible>(answer(inner, request).await) }
    }))
}

async fn answer(inner: Router, request: Request) -> Response {
    if request.method() != Method::POST {
        return inner.oneshot(request).await.into_response();
    }
    let action = request.uri().path().to_string();
    let headers = request.headers().clone();
    let response = inner.clone().oneshot(request).await.into_response();
    let (Some(error), Some(Posted(body))) = (
        response.extensions().get::<FormError>().cloned(),
        response.extensions().get::<Posted>().cloned(),
    ) else {
        return response;
    };
    match again(inner, &headers, &action, &body, &error).await {
        Some(page) => {
            let mut shown = (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page,
            )
                .into_response();
            for cookie in response.headers().get_all(header::SET_COOKIE) {
                shown
                    .headers_mut()
                    .append(header::SET_COOKIE, cookie.clone());
            }
            shown
        }
        None => response,
    }
}

/// The page the form was on, read again as the visitor and rewritten; `None` when it is not a
/// page or has no form posting to `action`.
async fn again(
    inner: Router,
    headers: &HeaderMap,
    action: &str,
    body: &Bytes,
    error: &FormError,
) -> Option<String> {
    let mut get = Request::get(&error.back).body(Body::empty()).ok()?;
    for name in [header::COOKIE, header::HOST, header::USER_AGENT] {
        if let Some(value) = headers.get(&name) {
            get.headers_mut().insert(name, value.clone());
        }
    }
    get.headers_mut()
        .insert(header::ACCEPT_ENCODING, "identity".parse().ok()?);
    let page = inner.oneshot(get).await.into_response();
    let html = page.status() == StatusCode::OK
        && page.headers().get(header::CONTENT_ENCODING).is_none()
        && page
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return None;
    }
    let bytes = axum::body::to_bytes(page.into_body(), PAGE_LIMIT)
        .await
        .ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let posted: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    shown_with(text, action, &posted, error.field, &error.message)
}

/// Whether a control named `name` is the field in error (a date input's three boxes included).
fn is_the_field(name: &str, field: &str) -> bool {
    name == field
        || name
            .strip_prefix(field)
            .is_some_and(|rest| ["-day", "-month", "-year"].contains(&rest))
}

fn first<'a>(posted: &'a [(String, String)], name: &str) -> Option<&'a str> {
    posted
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The form found by [`survey`]: its place among the page's forms, the `<details>` around it,
/// the form groups holding the field, and the id of the field's first control.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Target {
    form: usize,
    details: Vec<usize>,
    groups: Vec<usize>,
    first_id: Option<String>,
}

#[derive(Debug, Default)]
struct Survey {
    forms: usize,
    details: usize,
    groups: usize,
    open_details: Vec<usize>,
    open_groups: Vec<usize>,
    /// The form being read when it posts to the action, and whether a hidden field disagrees
    /// with what was posted (another form to the same address, such as another step).
    current: Option<(Target, bool)>,
    found: Option<Target>,
}

type Shared<T> = Rc<RefCell<T>>;

/// Runs `f` at the element's end tag.
fn at_end(el: &mut lol_html::html_content::Element<'_, '_>, f: impl FnOnce() + 'static) {
    if let Some(handlers) = el.end_tag_handlers() {
        let handler: lol_html::EndTagHandler<'static> = Box::new(move |_| {
            f();
            Ok(())
        });
        handlers.push(handler);
    }
}

/// Counts an element and keeps it open on `stack` until its end tag.
fn opened(
    el: &mut lol_html::html_content::Element<'_, '_>,
    survey: &Shared<Survey>,
    pick: fn(&mut Survey) -> (&mut usize, &mut Vec<usize>),
) {
    let mut s = survey.borrow_mut();
    let (count, stack) = pick(&mut s);
    stack.push(*count);
    *count += 1;
    let survey = Rc::clone(survey);
    at_end(el, move || {
        pick(&mut survey.borrow_mut()).1.pop();
    });
}

/// Finds the form that was sent: the first posting to `action` whose hidden fields agree with
/// what was posted (the form token aside).
fn survey(html: &str, action: &str, posted: &[(String, String)], field: &str) -> Option<Target> {
    let state: Shared<Survey> = Rc::default();
    let (details, groups, forms, controls) = (
        Rc::clone(&state),
        Rc::clone(&state),
        Rc::clone(&state),
        Rc::clone(&state),
    );
    rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: vec![
                element!("details", move |el| {
                    opened(el, &details, |s| (&mut s.details, &mut s.open_details));
                    Ok(())
                }),
                element!("div.govuk-form-group", move |el| {
                    opened(el, &groups, |s| (&mut s.groups, &mut s.open_groups));
                    Ok(())
                }),
                element!("form", move |el| {
                    let mut s = forms.borrow_mut();
                    let index = s.forms;
                    s.forms += 1;
                    if s.found.is_none() && el.get_attribute("action").as_deref() == Some(action) {
                        let details = s.open_details.clone();
                        s.current = Some((
                            Target {
                                form: index,
                                details,
                                ..Target::default()
                            },
                            false,
                        ));
                        let forms = Rc::clone(&forms);
                        at_end(el, move || {
                            let mut s = forms.borrow_mut();
                            if let Some((target, false)) = s.current.take() {
                                s.found.get_or_insert(target);
                            }
                        });
                    }
                    Ok(())
                }),
                element!("input, select, textarea", move |el| {
                    let mut s = controls.borrow_mut();
                    let group = s.open_groups.last().copied();
                    let Some((target, conflict)) = s.current.as_mut() else {
                        return Ok(());
                    };
                    let name = el.get_attribute("name").unwrap_or_default();
                    if el.get_attribute("type").as_deref() == Some("hidden") {
                        if name != super::session::CSRF_FIELD
                            && first(posted, &name)
                                .is_some_and(|v| Some(v) != el.get_attribute("value").as_deref())
                        {
                            *conflict = true;
                        }
                    } else if is_the_field(&name, field) {
                        if let Some(g) = group.filter(|g| !target.groups.contains(g)) {
                            target.groups.push(g);
                        }
                        if target.first_id.is_none() {
                            target.first_id = el.get_attribute("id");
                        }
                    }
                    Ok(())
                }),
            ],
            ..RewriteStrSettings::new()
        },
    )
    .ok()?;
    state.borrow().found.clone()
}

fn escaped(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

fn add_class(el: &mut lol_html::html_content::Element<'_, '_>, class: &str) {
    let classes = el.get_attribute("class").unwrap_or_default();
    let _ = el.set_attribute("class", format!("{classes} {class}").trim());
}

/// The page with the form that was sent filled with what was typed and its mistake shown
/// (pure); `None` when the page has no such form.
pub(super) fn shown_with(
    html: &str,
    action: &str,
    posted: &[(String, String)],
    field: &str,
    message: &str,
) -> Option<String> {
    let target = survey(html, action, posted, field)?;
    let (summary, inline) = messages(&target, field, message);
    let counts: Shared<(usize, usize, usize)> = Rc::default();
    let inside = Rc::new(std::cell::Cell::new(false));
    let select: Shared<Option<String>> = Rc::default();
    let inline_done = Rc::new(std::cell::Cell::new(false));
    let (c1, c2, c3) = (Rc::clone(&counts), Rc::clone(&counts), Rc::clone(&counts));
    let (in_form, in_control, in_option) =
        (Rc::clone(&inside), Rc::clone(&inside), Rc::clone(&inside));
    let (select_set, select_read) = (Rc::clone(&select), Rc::clone(&select));
    let (t1, t2, t3) = (target.clone(), target.clone(), target.form);
    rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: vec![
                element!("title", |el| {
                    el.prepend("Error: ", ContentType::Text);
                    Ok(())
                }),
                element!("main", move |el| {
                    el.prepend(&summary, ContentType::Html);
                    Ok(())
                }),
                element!("details", move |el| {
                    if t1.details.contains(&counted(&c1, |c| &mut c.0)) {
                        el.set_attribute("open", "")?;
                    }
                    Ok(())
                }),
                element!("div.govuk-form-group", move |el| {
                    if t2.groups.contains(&counted(&c2, |c| &mut c.1)) {
                        add_class(el, "govuk-form-group--error");
                    }
                    Ok(())
                }),
                element!("form", move |el| {
                    if counted(&c3, |c| &mut c.2) == t3 {
                        in_form.set(true);
                        let inside = Rc::clone(&in_form);
                        at_end(el, move || inside.set(false));
                    }
                    Ok(())
                }),
                element!("input, select, textarea", move |el| {
                    if in_control.get() {
                        let marked = control(el, posted, field, &select_set)?;
                        if marked && !inline_done.replace(true) {
                            el.before(&inline, ContentType::Html);
                        }
                    }
                    Ok(())
                }),
                element!("option", move |el| {
                    if in_option.get() {
                        option(el, posted, &select_read)?;
                    }
                    Ok(())
                }),
            ],
            ..RewriteStrSettings::new()
        },
    )
    .ok()
}

/// The element's place among those counted by `pick` (and the count moved on).
fn counted(
    counts: &Shared<(usize, usize, usize)>,
    pick: fn(&mut (usize, usize, usize)) -> &mut usize,
) -> usize {
    let mut c = counts.borrow_mut();
    let n = pick(&mut c);
    *n += 1;
    *n - 1
}

/// The error summary and the message by the field, as the design system writes them.
fn messages(target: &Target, field: &str, message: &str) -> (String, String) {
    let mut message = message.trim_end_matches('.').to_string();
    if let Some(c) = message.get(..1) {
        message = c.to_uppercase() + &message[1..];
    }
    let message = escaped(&message);
    let item = match &target.first_id {
        Some(id) => format!(r##"<a href="#{}">{message}</a>"##, escaped(id)),
        None => message.clone(),
    };
    (
        format!(
            r#"<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert"><h2 class="govuk-error-summary__title">There is a problem</h2><div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list"><li>{item}</li></ul></div></div></div>"#
        ),
        format!(
            r#"<p class="govuk-error-message" id="{}-error"><span class="govuk-visually-hidden">Error:</span> {message}</p>"#,
            escaped(field)
        ),
    )
}

/// A control of the form sent: refilled, and marked when it is the field in error (returns
/// whether it was).
fn control(
    el: &mut lol_html::html_content::Element<'_, '_>,
    posted: &[(String, String)],
    field: &str,
    select: &Shared<Option<String>>,
) -> Result<bool, lol_html::errors::AttributeNameError> {
    let name = el.get_attribute("name").unwrap_or_default();
    let tag = el.tag_name();
    let kind = el.get_attribute("type").unwrap_or_default();
    refill(el, &tag, &kind, &name, posted, select)?;
    if kind == "hidden" || !is_the_field(&name, field) {
        return Ok(false);
    }
    let class = match tag.as_str() {
        "select" => "govuk-select--error",
        "textarea" => "govuk-textarea--error",
        _ => "govuk-input--error",
    };
    add_class(el, class);
    Ok(true)
}

/// An option of the form's list chosen as it was sent.
fn option(
    el: &mut lol_html::html_content::Element<'_, '_>,
    posted: &[(String, String)],
    select: &Shared<Option<String>>,
) -> Result<(), lol_html::errors::AttributeNameError> {
    let chosen = select
        .borrow()
        .as_deref()
        .and_then(|name| first(posted, name))
        .map(str::to_string);
    if let Some(chosen) = chosen {
        if el.get_attribute("value").unwrap_or_default() == chosen {
            el.set_attribute("selected", "")?;
        } else {
            el.remove_attribute("selected");
        }
    }
    Ok(())
}

/// Puts back what was typed in one control of the form.
fn refill(
    el: &mut lol_html::html_content::Element<'_, '_>,
    tag: &str,
    kind: &str,
    name: &str,
    posted: &[(String, String)],
    select: &Shared<Option<String>>,
) -> Result<(), lol_html::errors::AttributeNameError> {
    match tag {
        "select" => {
            *select.borrow_mut() = Some(name.to_string());
            let select = Rc::clone(select);
            at_end(el, move || *select.borrow_mut() = None);
        }
        "textarea" => {
            if let Some(value) = first(posted, name) {
                el.set_inner_content(value, ContentType::Text);
            }
        }
        _ => match kind {
            "hidden" | "password" | "file" | "submit" | "button" => {}
            "checkbox" | "radio" => {
                let value = el.get_attribute("value").unwrap_or_else(|| "on".into());
                if posted.iter().any(|(k, v)| k == name && *v == value) {
                    el.set_attribute("checked", "")?;
                } else {
                    el.remove_attribute("checked");
                }
            }
            _ => {
                // lol_html escapes a quote in an attribute's value; an ampersand is ours to
                // escape, so that what was typed comes back as typed.
                if let Some(value) = first(posted, name) {
                    el.set_attribute("value", &value.replace('&', "&amp;"))?;
                }
            }
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><head><title>Halton – Scorecard</title></head><body><main>
<h1>Halton</h1>
<details><summary>Other</summary><form method="post" action="/risk/E06000006/assessment"><input type="hidden" name="action" value="concerns"><textarea name="body"></textarea></form></details>
<details><summary>Discussion</summary><form method="post" action="/risk/E06000006/assessment">
<input type="hidden" name="csrf" value="new"><input type="hidden" name="action" value="discussion">
<div class="govuk-form-group"><label for="who">Who</label><input class="govuk-input" id="who" name="who" type="text"></div>
<div class="govuk-form-group"><fieldset><div class="govuk-date-input" id="d">
<input class="govuk-input" id="d-day" name="date-day" type="text" value="2"><input class="govuk-input" id="d-month" name="date-month" type="text"><input class="govuk-input" id="d-year" name="date-year" type="text"></div></fieldset></div>
<select name="level"><option value="low" selected>Low</option><option value="some">Some</option></select>
<textarea name="body">old</textarea>
<input type="checkbox" name="email" value="a" checked><input type="checkbox" name="email" value="b">
</form></details></main></body></html>"#;

    fn posted() -> Vec<(String, String)> {
        [
            ("csrf", "old"),
            ("action", "discussion"),
            ("who", "Director & <team> \" onfocus=\"x"),
            ("date-day", "31"),
            ("date-month", "2"),
            ("date-year", "2027"),
            ("level", "some"),
            ("body", "We met </textarea><b>"),
            ("email", "b"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn the_form_sent_is_filled_again_and_its_mistake_shown() {
        let page = shown_with(
            PAGE,
            "/risk/E06000006/assessment",
            &posted(),
            "date",
            "the date must be a real date",
        )
        .unwrap();
        // The second form (its hidden action agrees), not the first.
        let doc = page.split("Discussion").nth(1).unwrap();
        assert!(
            doc.contains(r#"value="Director &amp; <team> &quot; onfocus=&quot;x""#),
            "{doc}"
        );
        assert!(
            doc.contains(r#"name="date-day" type="text" value="31""#),
            "{doc}"
        );
        assert!(
            doc.contains(r#"<option value="some" selected="">"#),
            "{doc}"
        );
        assert!(doc.contains(r#"<option value="low">"#), "{doc}");
        assert!(doc.contains("We met &lt;/textarea&gt;&lt;b&gt;"), "{doc}");
        assert!(
            doc.contains(r#"value="a">"#) && doc.contains(r#"value="b" checked"#),
            "{doc}"
        );
        assert!(!page.contains(r#"value="new">"#) || page.contains(r#"name="csrf" value="new""#));
        // The mistake: summary linking to the first box, the message before it, the boxes and
        // their group marked, the form's details opened, the title.
        assert!(
            page.contains(r##"<li><a href="#d-day">The date must be a real date</a></li>"##),
            "{page}"
        );
        assert!(page.contains(r#"<p class="govuk-error-message" id="date-error"><span class="govuk-visually-hidden">Error:</span> The date must be a real date</p><input class="govuk-input govuk-input--error" id="d-day""#), "{page}");
        assert!(page.contains(r#"class="govuk-input govuk-input--error" id="d-year""#));
        assert!(
            page.contains(r#"<div class="govuk-form-group govuk-form-group--error"><fieldset>"#),
            "{page}"
        );
        assert_eq!(page.matches("<details open").count(), 1, "{page}");
        assert!(
            page.contains(r#"<details open=""><summary>Discussion"#),
            "{page}"
        );
        assert!(page.contains("<title>Error: Halton"));
        // The other form is untouched.
        assert!(page.contains(r#"value="concerns"><textarea name="body"></textarea>"#));
    }

    #[test]
    fn a_page_without_the_form_is_left_to_the_error_page() {
        assert_eq!(shown_with(PAGE, "/elsewhere", &posted(), "who", "x"), None);
        let other_step = vec![("action".to_string(), "final".to_string())];
        assert_eq!(
            shown_with(PAGE, "/risk/E06000006/assessment", &other_step, "who", "x"),
            None
        );
    }
}
