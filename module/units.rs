// SPDX-License-Identifier: GPL-2.0

//! What the cost model is made of: the unit costs measured at load (`calibrate.rs` measures
//! them, `cost.rs` multiplies them), and the size of the calibration probes. Data and
//! arithmetic only: below the timing, the model and the plan's checks, importing none of them.

use crate::params::MODES;
use crate::strategy::Keys;
use kernel::prelude::*;

/// The shortest timed batch the harness runs: a millisecond spans the host's short
/// interruptions (tens of us each, which a median over rounds then drops), where a batch of a
/// sub-ns operation at the plan's `loops` would last 0.1 ms and read 20 % slow when one hits.
pub(crate) const MIN_BATCH_NS: u64 = 1_000_000;

/// Sites the calibration probes cycle through (each probe of a table strategy leaves that many
/// records, unregistered before the plan runs: one grace period each).
pub(crate) const PROBE_SITES: usize = 2;
/// Operations per calibration batch (fewer for per-object keys, whose operations wait for a
/// grace period each: at most this many, see `calibrate.rs`, and 2 per thread in `concurrent`).
pub(crate) const PROBE_OPS: u64 = 512;
pub(crate) const PROBE_OPS_PER_OBJECT: u64 = 16;
pub(crate) const PROBE_OPS_PER_OBJECT_CONCURRENT: u64 = 2;
/// Sites of the populating pass for per-object keys (each operation waits for a grace period).
pub(crate) const PROBE_SITES_PER_OBJECT: usize = 1;
/// Sites the calibration probe of a strategy with keys `keys` looks up, in a plan whose
/// largest site count is `max_sites`.
pub(crate) fn probe_sites(keys: Keys, max_sites: usize) -> usize {
    max_sites.min(if keys == Keys::PerObject {
        PROBE_SITES_PER_OBJECT
    } else {
        PROBE_SITES
    })
}

/// One strategy's unit costs, measured at load.
#[derive(Clone, Copy, Default)]
pub(crate) struct UnitCosts {
    /// Picoseconds per operation in each mode (indexed as `MODES`), classes already made. For
    /// `concurrent`: wall time per operation of each thread, with the plan's most threads.
    pub(crate) op_ps: [u64; MODES.len()],
    /// ns to make one table record (allocate, name, register its key).
    pub(crate) miss_ns: u64,
    /// ns a first acquire costs beyond a later one (lockdep makes the class).
    pub(crate) class_ns: u64,
    /// ns every `concurrent` run pays whatever its length (thread start-up, barriers); 0 when
    /// not measured (per-object keys: in `thread_ns` and the operation cost instead).
    pub(crate) concurrent_fixed_ns: u64,
}

/// Everything measured at load.
pub(crate) struct Calibration {
    /// The clock's step, ns: the smallest non-zero difference between successive readings
    /// (256 ns on User-Mode Linux, whose clocksource counts in such steps; about 1 ns on a TSC).
    pub(crate) clock_ns: u64,
    /// The reference batch every round ends with (`reference.rs`), sized for that clock: its
    /// lock/unlock pairs, and what one batch took.
    pub(crate) reference_pairs: u64,
    pub(crate) reference_ns: u64,
    /// One key unregistration: its RCU grace period, mostly.
    pub(crate) gp_ns: u64,
    /// Starting and joining one kthread of a `concurrent` run.
    pub(crate) thread_ns: u64,
    /// Printing one log line (a result row goes to the console as it is made).
    pub(crate) line_ns: u64,
    /// Per entry of `plan.strategies`.
    pub(crate) units: KVec<UnitCosts>,
    /// Factor (x1000) on `class_ns` for the plan's peak class count: lockdep compares a new
    /// class's name with every class it holds (`count_matching_names()`), so making a class
    /// costs more the more classes there are.
    pub(crate) class_scale_milli: u64,
    /// What the calibration itself took.
    pub(crate) spent_ns: u64,
}

/// `total / count`, 0 for no count. No panicking path: a division or overflow check in the
/// probes would end the function in a call objtool (6.12) does not know returns never.
pub(crate) fn per(total: u64, count: u64) -> u64 {
    total.checked_div(count).unwrap_or(0)
}
