//! SQL, grouped by what it reads or writes. Every query binds its parameters.

/// One checked statement over either view of the values: the internal one (everything
/// accepted) or the published one, named between `before` and `after`; `fetch` is applied to
/// whichever runs (the two are different statements, so different types).
macro_rules! query_as_in_view {
    ($view:expr, $out:ty, [$before:literal, $internal:literal, $published:literal, $after:literal]
     $(, $arg:expr)*; $($fetch:tt)+) => {
        match $view {
            $crate::domain::access::DataView::Internal => {
                sqlx::query_as!($out, $before + $internal + $after $(, $arg)*) $($fetch)+
            }
            $crate::domain::access::DataView::Published => {
                sqlx::query_as!($out, $before + $published + $after $(, $arg)*) $($fetch)+
            }
        }
    };
}

pub mod analysis;
pub mod areas;
pub mod audit;
pub mod catalogue;
pub mod commentary;
pub mod cycle;
pub mod domains;
pub mod facts;
pub mod home;
pub mod illustrative;
pub mod improvement;
pub mod known;
pub mod mail;
pub mod measures;
pub mod observations;
pub mod periods;
pub mod publications;
pub mod reciprocity;
pub mod records;
pub mod risk;
pub mod sessions;
pub mod settings;
pub mod submissions;
pub mod uploads;
pub mod users;
pub mod version;
