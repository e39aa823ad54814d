//! Who is asking: the three kinds of user (and the admin), and the one policy that decides
//! what each may see and do. Pure: every route asks a function here, nothing else decides.

use std::fmt;
use std::str::FromStr;

/// A signed-in user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The regional analyst: everything.
    Analyst,
    /// A council's director or performance lead: their own council's drafts and returns.
    Council,
    /// Manages users; reads the audit log.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::Council => "council",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Analyst => "Regional analyst",
            Role::Council => "Council user",
            Role::Admin => "Administrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "analyst" => Ok(Role::Analyst),
            "council" => Ok(Role::Council),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "'{other}' is not a role: analyst, council or admin"
            )),
        }
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// A signed-in user, as the policy sees them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// The council of a council user.
    pub council: Option<String>,
}

/// Who is asking: nobody signed in (the public), or an account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Viewer {
    #[default]
    Public,
    Signed(Account),
}

/// Which values a page is built from: what was published, or everything accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataView {
    Published,
    Internal,
}

/// Whose values an analysis is built from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every council's values in one view.
    All(DataView),
    /// Every council's published values, with this council's unpublished ones in place of its
    /// own published ones: what a council's users see of their own page.
    Council(String),
}

impl Scope {
    /// The view of the scope's own values (for choosing a period, or a council's history).
    pub fn view(&self) -> DataView {
        match self {
            Scope::All(view) => *view,
            Scope::Council(_) => DataView::Internal,
        }
    }
}

impl From<DataView> for Scope {
    fn from(view: DataView) -> Scope {
        Scope::All(view)
    }
}

impl Viewer {
    pub fn account(&self) -> Option<&Account> {
        match self {
            Viewer::Public => None,
            Viewer::Signed(a) => Some(a),
        }
    }

    fn role(&self) -> Option<Role> {
        self.account().map(|a| a.role)
    }

    fn is_analyst(&self) -> bool {
        self.role() == Some(Role::Analyst)
    }

    /// The council a council user belongs to.
    pub fn council(&self) -> Option<&str> {
        self.account()
            .filter(|a| a.role == Role::Council)
            .and_then(|a| a.council.as_deref())
    }

    /// Who is recorded as doing a write: the account's email.
    pub fn actor(&self) -> &str {
        self.account().map_or("public", |a| a.email.as_str())
    }

    /// The values of pages about the region as a whole (overview, measures, domains, compare,
    /// Regional Account, headlines, API): unpublished ones for the analyst only.
    pub fn data_view(&self) -> DataView {
        if self.is_analyst() {
            DataView::Internal
        } else {
            DataView::Published
        }
    }

    /// The values of one council's page: the analyst sees everything unpublished; a council's
    /// own users see their council's unpublished values, and every other council as the public
    /// does (so benchmarks, ranks and quartiles never carry another council's drafts).
    pub fn scope_of(&self, council: &str) -> Scope {
        if self.is_analyst() {
            Scope::All(DataView::Internal)
        } else if self.council() == Some(council) {
            Scope::Council(council.to_string())
        } else {
            Scope::All(DataView::Published)
        }
    }

    /// Read a council's drafts, returns and draft commentary.
    pub fn can_see_drafts_of(&self, council: &str) -> bool {
        self.is_analyst() || self.council() == Some(council)
    }

    /// Upload a council's return, submit it, and write its commentary.
    pub fn can_write_for(&self, council: &str) -> bool {
        self.council() == Some(council) || self.is_analyst()
    }

    /// Import official files, accept or send back returns, open rounds, complete the
    /// catalogue, publish and withdraw, remove the illustrative set.
    pub fn can_manage_data(&self) -> bool {
        self.is_analyst()
    }

    /// Add, disable and reset users.
    pub fn can_manage_users(&self) -> bool {
        self.role() == Some(Role::Admin)
    }

    /// Read the audit log.
    pub fn can_read_audit(&self) -> bool {
        matches!(self.role(), Some(Role::Analyst | Role::Admin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(role: Role, council: Option<&str>) -> Viewer {
        Viewer::Signed(Account {
            id: 1,
            email: "someone@example.org".into(),
            role,
            council: council.map(str::to_string),
        })
    }

    #[test]
    fn the_public_sees_published_data_and_writes_nothing() {
        let public = Viewer::Public;
        assert_eq!(public.data_view(), DataView::Published);
        assert_eq!(
            public.scope_of("E06000006"),
            Scope::All(DataView::Published)
        );
        assert!(!public.can_see_drafts_of("E06000006"));
        assert!(!public.can_write_for("E06000006"));
        assert!(!public.can_manage_data());
        assert!(!public.can_manage_users());
        assert!(!public.can_read_audit());
    }

    #[test]
    fn a_council_user_sees_and_writes_for_their_own_council_only() {
        let halton = signed(Role::Council, Some("E06000006"));
        assert_eq!(
            halton.scope_of("E06000006"),
            Scope::Council("E06000006".into())
        );
        assert_eq!(
            halton.scope_of("E06000007"),
            Scope::All(DataView::Published)
        );
        assert_eq!(halton.data_view(), DataView::Published);
        assert!(halton.can_see_drafts_of("E06000006"));
        assert!(!halton.can_see_drafts_of("E06000007"));
        assert!(halton.can_write_for("E06000006"));
        assert!(!halton.can_write_for("E06000007"));
        assert!(!halton.can_manage_data());
        assert!(!halton.can_read_audit());
    }

    #[test]
    fn the_analyst_does_everything_with_data_and_the_admin_with_users() {
        let analyst = signed(Role::Analyst, None);
        assert_eq!(analyst.data_view(), DataView::Internal);
        assert!(analyst.can_see_drafts_of("E06000007"));
        assert!(analyst.can_manage_data());
        assert!(analyst.can_read_audit());
        assert!(!analyst.can_manage_users());
        let admin = signed(Role::Admin, None);
        assert!(admin.can_manage_users());
        assert!(admin.can_read_audit());
        assert!(!admin.can_manage_data());
        assert_eq!(admin.data_view(), DataView::Published);
    }

    #[test]
    fn roles_read_in_any_case_and_refuse_others() {
        assert_eq!("Analyst".parse::<Role>(), Ok(Role::Analyst));
        assert!("owner".parse::<Role>().is_err());
    }
}
