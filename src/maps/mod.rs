//! Maps of councils (issue 21): the shipped ONS boundaries projected to the British National
//! Grid, former councils merged from their successors, and choropleths as SVG paths. Pure:
//! no database, no HTTP.

pub mod boundaries;
pub mod choropleth;
pub mod merge;
