//! host-bench's `scaling.csv`: per-thread cost with every core busy over one thread's, timed in
//! back-to-back pairs of batches (`host-bench/src/scaling.rs`), median and range over the rounds.

use anyhow::{bail, Result};

use super::Cells;

/// One strategy at one site count: all-core over one-thread cost per operation of a thread.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingRow {
    pub strategy: String,
    pub sites: u64,
    /// Threads of the all-core batch (the host's cores).
    pub threads: u32,
    pub cores: u32,
    /// Paired rounds the ratios are taken over.
    pub rounds: u32,
    pub median_ratio: f64,
    pub min_ratio: f64,
    pub max_ratio: f64,
}

pub(super) fn scaling_row(c: &Cells) -> Result<ScalingRow> {
    let row = ScalingRow {
        strategy: c.text("strategy")?,
        sites: c.num("sites")?,
        threads: c.num("threads")?,
        cores: c.num("cores")?,
        rounds: c.num("rounds")?,
        median_ratio: c.float("median_ratio")?,
        min_ratio: c.float("min_ratio")?,
        max_ratio: c.float("max_ratio")?,
    };
    if row.sites == 0 {
        bail!("column `sites`: must be at least 1");
    }
    if row.threads < 2 {
        bail!(
            "column `threads`: `{}` is not a multi-thread batch (at least 2)",
            row.threads
        );
    }
    if row.cores == 0 {
        bail!("column `cores`: must be at least 1");
    }
    if row.rounds == 0 {
        bail!("column `rounds`: must be at least 1");
    }
    for (col, v) in [
        ("median_ratio", row.median_ratio),
        ("min_ratio", row.min_ratio),
        ("max_ratio", row.max_ratio),
    ] {
        if v <= 0.0 {
            bail!("column `{col}`: a ratio of two timings must be above zero");
        }
    }
    if !(row.min_ratio <= row.median_ratio && row.median_ratio <= row.max_ratio) {
        bail!(
            "columns `min_ratio`, `median_ratio`, `max_ratio`: {} <= {} <= {} does not hold",
            row.min_ratio,
            row.median_ratio,
            row.max_ratio
        );
    }
    Ok(row)
}
