// SPDX-License-Identifier: GPL-2.0

//! The load's own quiet check: a reference batch, refscale's spinlock pair (helpers.c), timed
//! once per round beside the strategies' batches and reported per configuration (`reference`
//! lines). It is in no strategy and no comparison: scripts/bench.sh repeats a boot in which
//! some configuration read it slow, so what marks a load as disturbed is never the figures the
//! load took. Timing only, like `workload`; the harness calls it.

use crate::glue;
use crate::workload::run_timed;

/// Pairs of the first sizing batch, doubled until a batch lasts `MIN_BATCH_NS` and
/// `MIN_STEPS` clock steps.
const FIRST_PAIRS: u64 = 1024;
/// At most 2-4 ms a batch on a real CPU (36-55 ns a pair): sizing stops there.
const MAX_PAIRS: u64 = 1 << 16;
/// A millisecond: a batch then spans more than one of the host's short interruptions (a few
/// tens of us each), which a median over rounds drops; what it is meant to see lasts seconds.
const MIN_BATCH_NS: u64 = 1_000_000;
/// One clock step is then at most 0.25 % of a batch, well under what marks a disturbed load.
const MIN_STEPS: u64 = 400;

/// The reference batch, sized for the clock.
pub(crate) struct Reference {
    pub(crate) pairs: u64,
}

impl Reference {
    /// Doubles the batch until it lasts `MIN_BATCH_NS`, and `MIN_STEPS` steps of a clock of
    /// step `clock_ns`.
    pub(crate) fn sized(clock_ns: u64) -> Self {
        let mut r = Self { pairs: FIRST_PAIRS };
        let want = MIN_BATCH_NS.max(MIN_STEPS * clock_ns);
        // The first batch warms the lock's lockdep state and the caches; sizing starts after.
        r.batch_ns();
        while r.pairs < MAX_PAIRS && r.batch_ns() < want {
            r.pairs *= 2;
        }
        r
    }

    fn batch_ns(&self) -> u64 {
        run_timed(|| {
            glue::reference_pairs(self.pairs);
            0
        })
    }

    /// One timed batch: ps per lock/unlock pair.
    pub(crate) fn ps_per_pair(&self) -> u64 {
        self.batch_ns() * 1000 / self.pairs
    }
}
