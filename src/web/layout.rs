//! What the shared page layout needs, and the period chosen by a page's `period` parameter.

use sqlx::PgPool;

use super::session::Visitor;
use super::{AppError, AppState};
use crate::analysis::intervals::Level;
use crate::analysis::measure::ComparatorKind;
use crate::domain::Period;
use crate::domain::access::DataView;

/// The base template's values: page title, service name, whether to say the data is
/// illustrative, who is signed in (and what their menu offers), and the forms' token.
#[derive(Debug, Clone, Default)]
pub(super) struct Layout {
    pub title: String,
    pub service_name: String,
    pub illustrative: bool,
    /// The signed-in user's email and role, for the header.
    pub signed_in: Option<(String, &'static str)>,
    /// The token every state-changing form carries.
    pub csrf: String,
    /// The council of a council user, for "Your council".
    pub own_council: Option<String>,
    pub manages_data: bool,
    pub manages_users: bool,
    pub reads_audit: bool,
    /// How many things need the signed-in user's attention (their home page's list).
    pub todo: Option<usize>,
}

impl Layout {
    /// For pages that must render without the database (errors).
    pub(super) fn plain(title: &str) -> Layout {
        Layout {
            title: title.to_string(),
            service_name: "Adult social care scorecard".into(),
            ..Layout::default()
        }
    }

    /// The service is named for the region of focus. The illustrative banner is off until a
    /// page says it shows illustrative values ([`Layout::showing`]).
    pub(super) async fn new(
        state: &AppState,
        visitor: &Visitor,
        title: String,
    ) -> Result<Layout, AppError> {
        let region = crate::db::queries::areas::comparator_group(&state.pool, &state.site.region)
            .await?
            .map(|g| g.name);
        let viewer = &visitor.viewer;
        let todo = match viewer.account().and_then(super::home::Whose::of) {
            Some(whose) => Some(super::home::todos(state, &whose).await?.len()),
            None => None,
        };
        Ok(Layout {
            todo,
            title,
            service_name: format!(
                "{} adult social care scorecard",
                region.as_deref().unwrap_or("Regional")
            ),
            illustrative: false,
            signed_in: viewer.account().map(|a| (a.email.clone(), a.role.label())),
            csrf: visitor.csrf.clone(),
            own_council: viewer.council().map(str::to_string),
            manages_data: viewer.can_manage_data(),
            manages_users: viewer.can_manage_users(),
            reads_audit: viewer.can_read_audit(),
        })
    }

    /// Marks the page as showing illustrative values (or not), for the banner.
    pub(super) fn showing(mut self, illustrative: bool) -> Layout {
        self.illustrative = illustrative;
        self
    }
}

/// The `?period=` query parameter shared by the scorecard pages.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct PeriodQuery {
    pub period: Option<String>,
}

/// A period choice for a `<select>`.
#[derive(Debug, Clone)]
pub(super) struct PeriodOption {
    pub code: String,
    pub selected: bool,
}

/// The period asked for (400 if malformed, 404 if it has no data in the view: for the public,
/// an unpublished period does not exist), else the latest with data,
/// and the options for the period selector, newest first.
pub(super) async fn choose_period(
    pool: &PgPool,
    view: DataView,
    query: &PeriodQuery,
) -> Result<(Period, Vec<PeriodOption>), AppError> {
    let available = crate::db::queries::periods::with_data(pool, view).await?;
    let chosen = match query
        .period
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(text) => {
            let period: Period = AppError::period("period", text)?;
            if !available.contains(&period) {
                return Err(AppError::NotFound(format!(
                    "any data for the period {period}"
                )));
            }
            period
        }
        None => *available
            .last()
            .ok_or_else(|| AppError::NotFound("any data: nothing has been loaded yet".into()))?,
    };
    let options = available
        .iter()
        .rev()
        .map(|p| PeriodOption {
            code: p.to_string(),
            selected: *p == chosen,
        })
        .collect();
    Ok((chosen, options))
}

/// The query parameters of the analysed views: `period`, `comparator`, `level`.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct AnalysisQuery {
    pub period: Option<String>,
    pub comparator: Option<String>,
    pub level: Option<String>,
    /// The overview's domain filter (a domain slug).
    pub domain: Option<String>,
    /// The council page's arrangement: domain, type or teasc.
    pub arrange: Option<String>,
    /// The council page's filter: `high-red`.
    pub filter: Option<String>,
}

impl AnalysisQuery {
    pub(super) fn period_query(&self) -> PeriodQuery {
        PeriodQuery {
            period: self.period.clone(),
        }
    }

    /// The comparator (default England) and confidence level (default 95%), or a 400 naming
    /// the parameter.
    pub(super) fn choices(&self) -> Result<(ComparatorKind, Level), AppError> {
        let comparator = match self
            .comparator
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => ComparatorKind::England,
            Some(text) => text
                .parse()
                .map_err(|e: String| AppError::bad_request("comparator", e))?,
        };
        let level = match self
            .level
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Level::P95,
            Some(text) => [Level::P95, Level::P998]
                .into_iter()
                .find(|l| l.param() == text)
                .ok_or_else(|| {
                    AppError::bad_request(
                        "level",
                        format!("'{text}' is not a confidence level: use 95 or 99.8"),
                    )
                })?,
        };
        Ok((comparator, level))
    }
}

/// The query string that asks a download or the API for what a page shows: the same period,
/// comparator and confidence level.
pub(super) fn same_analysis(period: Period, comparator: ComparatorKind, level: Level) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("period", &period.to_string())
        .append_pair("comparator", comparator.param())
        .append_pair("level", level.param())
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any query parameters give choices or a 400 naming the parameter, never a panic.
        #[test]
        fn any_query_is_a_choice_or_a_clear_error(
            comparator in "\\PC{0,20}",
            level in "\\PC{0,8}",
            period in "\\PC{0,16}",
        ) {
            let q = AnalysisQuery {
                period: Some(period.clone()),
                comparator: Some(comparator),
                level: Some(level),
                domain: None,
                arrange: None,
                filter: None,
            };
            match q.choices() {
                Ok(_) => {}
                Err(AppError::BadRequest { field, .. }) => prop_assert!(field == "comparator" || field == "level"),
                Err(other) => prop_assert!(false, "{other}"),
            }
            let _ = period.trim().parse::<Period>();
        }
    }
}
