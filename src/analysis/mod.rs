//! The statistics of `METHODS.md`: pure functions over plain values, no I/O.

pub mod account;
pub mod benchmark;
pub mod comparison;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod funnel;
pub mod headlines;
pub mod intervals;
pub mod measure;
pub mod notable;
pub mod rag;
pub mod ranking;
pub mod scorecard;
pub mod spread;
pub mod trend;
