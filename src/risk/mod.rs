//! Risk, pure: the trigger rules (`triggers`), the data-quality screen that turns implausible
//! values into queries (`screen`), the grading of what the rules found into one concern per
//! council and measure (`concerns`), what could not be evaluated (`coverage`), the regional
//! matrix (`matrix`) and a council's evidence in words (`evidence`), the menu of support of
//! Table 1 (`support`), the records the analyst keeps (`records`), and the year's cycle: its
//! timetable, follow-ups and the annual report (`cycle`). Loading and pages are `web::risk` and
//! `web::concerns`.

pub mod annual_report;
pub mod concerns;
pub mod coverage;
pub mod cycle;
pub mod evidence;
pub mod matrix;
pub mod reciprocity;
pub mod records;
pub mod screen;
pub mod support;
pub mod triggers;
