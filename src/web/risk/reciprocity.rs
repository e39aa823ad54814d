//! `/risk/reciprocity` (the analyst and councils' users): the excellence directory, the matching
//! tool (`?concern=` a measure's code or words), Beacon events, the officer and member days each
//! council has given and received (a disproportionate ask flagged, MoU 2.1 g), and each
//! council's signing of the memorandum. The analyst records them here.

use rust_decimal::Decimal;

use super::*;
use crate::db::queries::reciprocity::{self, Record};
use crate::db::queries::users;
use crate::domain::long_date;
use crate::risk::reciprocity::{Strength, balances, matches};

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct ConcernQuery {
    pub concern: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "risk/reciprocity.html")]
pub(super) struct ReciprocityPage {
    layout: Layout,
    analyst: bool,
    concern: String,
    directory: Vec<(String, Strength)>,
    matched: Option<Vec<(String, Strength)>>,
    events: Vec<(String, String, String, String)>,
    /// (council, given, received, disproportionate)
    balances: Vec<(String, String, String, bool)>,
    signups: Vec<(String, String, String)>,
    councils: Vec<(String, String)>,
}

/// Every strength the directory knows, with the council's contacts.
async fn directory(
    state: &AppState,
    names: &HashMap<String, String>,
) -> Result<Vec<Strength>, AppError> {
    let (period, _) =
        choose_period(&state.pool, DataView::Internal, &PeriodQuery::default()).await?;
    let signal = crate::web::concerns::signal(state, period, None).await?;
    let mut contacts: HashMap<String, Vec<String>> = HashMap::new();
    for u in users::list(&state.pool).await? {
        if let (Some(c), None) = (u.ons_code, u.disabled_at) {
            contacts.entry(c).or_default().push(u.email);
        }
    }
    let contact = |c: &str| contacts.get(c).map(|e| e.join("; ")).unwrap_or_default();
    let mut out: Vec<Strength> = signal
        .evaluations
        .iter()
        .filter(|e| e.fired && e.excellence && names.contains_key(&e.council))
        .filter_map(|e| {
            let measure = e.measure.clone()?;
            Some(Strength {
                area: title_of(&signal.catalogue, &measure).1,
                source: format!("excellence flag, {period}"),
                measure: Some(measure),
                contact: contact(&e.council),
                council: e.council.clone(),
            })
        })
        .collect();
    for a in risk::self_assessed(&state.pool, period.financial_year()).await? {
        if a.level >= 3 {
            out.push(Strength {
                area: format!("{}: {}", a.theme, a.criterion),
                source: format!("self-assessment, Level {}", a.level),
                measure: None,
                contact: contact(&a.council),
                council: a.council,
            });
        }
    }
    for (council, area, summary, who) in reciprocity::entries(&state.pool).await? {
        out.push(Strength {
            area: format!("{area}: {summary}"),
            source: "the analyst".into(),
            measure: None,
            contact: who,
            council,
        });
    }
    Ok(out)
}

pub(super) async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Params(q): Params<ConcernQuery>,
) -> Result<ReciprocityPage, AppError> {
    let analyst = visitor.viewer.can_manage_data();
    visitor.require(
        analyst || visitor.viewer.council().is_some(),
        "the excellence directory",
    )?;
    let year = Period::year_of(Utc::now().date_naive());
    let region = areas::members_during(&state.pool, &state.site.region, year).await?;
    let names: HashMap<String, String> = region
        .iter()
        .map(|a| (a.ons_code.clone(), a.name.clone()))
        .collect();
    let name = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let strengths = directory(&state, &names).await?;
    let concern = q.concern.unwrap_or_default().trim().to_string();
    let matched = (!concern.is_empty()).then(|| {
        matches(&strengths, &concern)
            .into_iter()
            .map(|s| (name(&s.council), s.clone()))
            .collect()
    });
    let codes: Vec<String> = region.iter().map(|a| a.ons_code.clone()).collect();
    let given = reciprocity::contributions(&state.pool).await?;
    let days = |d: Decimal| d.normalize().to_string();
    Ok(ReciprocityPage {
        layout: Layout::new(
            &state,
            &visitor,
            "Reciprocity: the excellence directory".into(),
        )
        .await?,
        analyst,
        matched,
        events: reciprocity::events(&state.pool)
            .await?
            .into_iter()
            .map(|(host, on, topic, funding)| (name(&host), long_date(on), topic, funding))
            .collect(),
        balances: balances(&codes, &given)
            .into_iter()
            .map(|(c, b)| {
                (
                    name(&c),
                    days(b.given),
                    days(b.received),
                    b.disproportionate,
                )
            })
            .collect(),
        signups: reciprocity::signups(&state.pool)
            .await?
            .into_iter()
            .map(|(c, dass, member, chief, signed, review)| {
                (
                    name(&c),
                    format!("{dass} (DASS), {member} (lead member), {chief} (chief executive)"),
                    format!(
                        "signed {}, review due {}",
                        long_date(signed),
                        long_date(review)
                    ),
                )
            })
            .collect(),
        directory: strengths
            .into_iter()
            .map(|s| (name(&s.council), s))
            .collect(),
        councils: region.into_iter().map(|a| (a.ons_code, a.name)).collect(),
        concern,
    })
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct RecordForm {
    #[serde(default)]
    record: String,
    #[serde(default)]
    council: String,
    #[serde(default)]
    other: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    funding: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    dass: String,
    #[serde(default)]
    lead_member: String,
    #[serde(default)]
    chief_executive: String,
}

/// A council of the form's `field`, known to the reference.
async fn council<'a>(
    state: &AppState,
    field: &'static str,
    code: &'a str,
) -> Result<&'a str, AppError> {
    let code = code.trim();
    match areas::authority(&state.pool, code).await? {
        Some(_) => Ok(code),
        None => Err(AppError::bad_request(
            field,
            format!("'{code}' is not a council"),
        )),
    }
}

/// The analyst records an excellence entry, a Beacon event, days given, or a signing.
pub(super) async fn record(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(f): Form<RecordForm>,
) -> Result<Redirect, AppError> {
    visitor.require(visitor.viewer.can_manage_data(), "reciprocity's records")?;
    let record = match f.record.as_str() {
        "excellence" => Record::Excellence {
            council: council(&state, "council", &f.council).await?,
            area: required("area", &f.area, 200)?,
            summary: required("summary", &f.summary, 2000)?,
            contact: required("contact", &f.contact, 300)?,
        },
        "event" => Record::Event {
            host: council(&state, "council", &f.council).await?,
            held_on: iso_date(&f.on, "on")?,
            topic: required("topic", &f.topic, 300)?,
            funding: f.funding.trim(),
        },
        "contribution" => {
            let days: Decimal = f
                .days
                .trim()
                .parse()
                .ok()
                .filter(|d: &Decimal| *d > Decimal::ZERO && *d <= Decimal::ONE_HUNDRED)
                .ok_or_else(|| AppError::bad_request("days", "a number of days, 0.5 to 100"))?;
            let (giver, receiver) = (
                council(&state, "council", &f.council).await?,
                council(&state, "other", &f.other).await?,
            );
            if giver == receiver {
                return Err(AppError::bad_request("other", "a council gives to another"));
            }
            if !["officer", "member"].contains(&f.kind.as_str()) {
                return Err(AppError::bad_request("kind", "officer or member days"));
            }
            Record::Contribution {
                giver,
                receiver,
                kind: &f.kind,
                days,
                given_on: iso_date(&f.on, "on")?,
                note: f.summary.trim(),
            }
        }
        "signup" => {
            let (signed_on, review_due) = (iso_date(&f.on, "on")?, iso_date(&f.until, "until")?);
            if review_due <= signed_on {
                return Err(AppError::bad_request(
                    "until",
                    "the review falls after the signing",
                ));
            }
            Record::Signup {
                council: council(&state, "council", &f.council).await?,
                dass: required("dass", &f.dass, 200)?,
                lead_member: required("lead_member", &f.lead_member, 200)?,
                chief_executive: required("chief_executive", &f.chief_executive, 200)?,
                signed_on,
                review_due,
            }
        }
        _ => {
            return Err(AppError::bad_request(
                "record",
                "not one of reciprocity's records",
            ));
        }
    };
    let mut tx = state.pool.begin().await?;
    reciprocity::add(&mut tx, &record, visitor.viewer.actor()).await?;
    tx.commit().await?;
    Ok(Redirect::to("/risk/reciprocity"))
}
