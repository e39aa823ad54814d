//! Chart geometry for inline SVG: scales and the positions of every mark, computed here as
//! plain values and drawn by the askama templates in `templates/charts/`. Pure and tested.

pub mod bars;
pub mod funnel;
pub mod line;
pub mod scale;
pub mod sparkline;
pub mod spine;
