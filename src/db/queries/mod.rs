//! SQL, grouped by what it reads or writes. Every query binds its parameters.

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
