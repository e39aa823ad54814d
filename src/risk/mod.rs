//! Risk, pure: the data-quality screen that turns implausible values into queries, and the
//! grading of what the trigger rules found into one concern per council and measure. The
//! trigger rules themselves are `risk::triggers`; loading and pages are `web::risk`.

pub mod concerns;
pub mod coverage;
pub mod screen;
pub mod triggers;
