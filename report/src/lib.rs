//! The data half of lockclass-bench: kernel logs -> tidy CSV -> REPORT.md, detail/ and plots.
//!
//! Library so the integration tests can call the same code the binary runs.

pub mod aggregate;
pub mod decided;
pub mod fsutil;
pub mod interval;
pub mod logparse;
pub mod merge;
pub mod page;
pub mod plots;
pub mod render;
pub mod runs;
pub mod source;
pub mod steadiness;
pub mod tables;
pub mod tidy;
