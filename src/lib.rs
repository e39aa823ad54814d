//! The regional adult social care balanced scorecard: a pure core (`domain`, `analysis`), the
//! database (`db`), the illustrative data set (`seed`), the web site (`web`) and the command
//! line (`cli`).

pub mod accounts;
pub mod analysis;
pub mod charts;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod ingest;
pub mod mail;
pub mod maps;
pub mod risk;
pub mod seed;
pub mod server;
pub mod web;
