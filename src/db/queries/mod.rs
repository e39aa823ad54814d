//! SQL, grouped by what it reads or writes. Every query binds its parameters.

/// One statement over either view of the values: the internal one (everything accepted) or the
/// published one, named in between `before` and `after` (statements are static strings).
macro_rules! in_view {
    ($view:expr, $before:literal, $internal:literal, $published:literal, $after:literal) => {
        match $view {
            $crate::domain::account::DataView::Internal => concat!($before, $internal, $after),
            $crate::domain::account::DataView::Published => concat!($before, $published, $after),
        }
    };
}

pub mod analysis;
pub mod areas;
pub mod audit;
pub mod catalogue;
pub mod commentary;
pub mod domains;
pub mod illustrative;
pub mod known;
pub mod measures;
pub mod observations;
pub mod periods;
pub mod publications;
pub mod risk;
pub mod sessions;
pub mod settings;
pub mod submissions;
pub mod uploads;
pub mod users;
pub mod version;
