// SPDX-License-Identifier: GPL-2.0

//! The load's own quiet check: a reference batch, refscale's spinlock pair (helpers.c), timed
//! once per round beside the strategies' batches and reported per configuration (`reference`
//! lines). It is in no strategy and no comparison: scripts/quiet.sh sets aside a load whose
//! level lies off its plan's median over the run, so what marks a load as disturbed is never
//! the figures the load took. Timing only, like `workload`; calibration sizes it, the harness
//! runs it.

use crate::glue;
use crate::units::MIN_BATCH_NS;
use crate::workload::run_timed;

/// Pairs of the first sizing batch, doubled until a batch lasts `MIN_BATCH_NS` and
/// `MIN_STEPS` clock steps.
const FIRST_PAIRS: u64 = 1024;
/// At most 2-4 ms a batch on a real CPU (36-55 ns a pair): sizing stops there.
const MAX_PAIRS: u64 = 1 << 16;
/// One clock step is then at most 0.25 % of a batch.
const MIN_STEPS: u64 = 400;

fn batch_ns(pairs: u64) -> u64 {
    run_timed(|| {
        glue::reference_pairs(pairs);
        0
    })
}

/// The batch for a clock of step `clock_ns`: (pairs, ns the last sizing batch took).
pub(crate) fn sized(clock_ns: u64) -> (u64, u64) {
    let want = MIN_BATCH_NS.max(MIN_STEPS * clock_ns);
    // The first batch warms the lock's lockdep state and the caches; sizing starts after.
    batch_ns(FIRST_PAIRS);
    let mut pairs = FIRST_PAIRS;
    let mut ns = batch_ns(pairs);
    while pairs < MAX_PAIRS && ns < want {
        pairs *= 2;
        ns = batch_ns(pairs);
    }
    (pairs, ns)
}

/// One timed batch of `pairs`: ps per lock/unlock pair.
pub(crate) fn ps_per_pair(pairs: u64) -> u64 {
    batch_ns(pairs) * 1000 / pairs.max(1)
}
