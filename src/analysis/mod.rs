//! The statistics of `METHODS.md`: pure functions over plain values, no I/O.

pub mod comparison;
pub mod ranking;
