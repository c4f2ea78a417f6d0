// SPDX-License-Identifier: GPL-2.0

//! What a plan runs, configuration by configuration: the order the harness runs them in and
//! the operations of each run. The cost model, the class budget and the harness all walk the
//! plan through these, so they cannot disagree.

use crate::params::{Context, Mode, Plan, MAX_LOOPS};
use crate::strategies::StrategyInfo;
use crate::strategy::Keys;
use crate::units::{per, UnitCosts, MIN_BATCH_NS};

impl Plan {
    /// Operations per run of `mode` for a strategy (what `workload.rs` does), whose unit
    /// costs are `u`: `loops`, or more where a batch of `loops` would last less than
    /// `MIN_BATCH_NS` at the strategy's measured cost (`concurrent` keeps `loops`: its threads'
    /// batches are timed against each other, not the clock's resolution).
    pub(crate) fn ops_per_run(
        &self,
        info: &StrategyInfo,
        u: &UnitCosts,
        mode: Mode,
        sites: usize,
    ) -> u64 {
        let op_ps = u.op_ps[mode as usize];
        let loops = if mode.context() == Context::Threads || op_ps == 0 {
            self.loops
        } else {
            let min_ops = per(MIN_BATCH_NS * 1000, op_ps) + 1;
            self.loops.max(min_ops.min(MAX_LOOPS as u64))
        };
        match mode {
            // A create of a strategy with static keys stores nothing, so every operation is
            // a first one and a batch may run `loops` of them (long enough for the clock);
            // one that stores a record can only miss once per site per run.
            Mode::Create if info.keys == Keys::Static => loops.min(info.max_ops),
            Mode::Create => (sites as u64).min(info.max_ops),
            // The mutex in atomic mode only demonstrates the report; a few operations are enough.
            Mode::Atomic if !info.atomic_safe => self.loops.min(info.max_ops).min(16),
            _ => loops.min(info.max_ops),
        }
    }

    /// The thread counts a configuration of `mode` runs at: the plan's list in `concurrent`,
    /// else one.
    pub(crate) fn threads_of(&self, mode: Mode) -> &[u32] {
        if mode.context() == Context::Threads {
            &self.threads
        } else {
            &[1]
        }
    }

    /// Configurations (mode x sites x threads) the plan runs, each for every strategy at once.
    pub(crate) fn config_count(&self) -> usize {
        (self.modes.iter())
            .map(|&m| self.sites.len() * self.threads_of(m).len())
            .sum()
    }

    /// Calls `f(strategy entry, mode, sites, threads, prev_sites)` for every configuration the
    /// plan runs; `prev_sites` is the sites of the strategy's previous configuration (0 for its
    /// first), whose records this one's reset removes. Each strategy's configurations come in
    /// the harness's order (which interleaves the strategies within each configuration).
    pub(crate) fn for_each_config(
        &self,
        infos: &[&StrategyInfo],
        mut f: impl FnMut(usize, Mode, usize, u32, usize),
    ) {
        for (k, info) in infos.iter().enumerate() {
            let mut prev = 0;
            for &mode in self.modes.iter() {
                if !self.runs_mode(info, mode) {
                    continue;
                }
                for &sites in self.sites.iter() {
                    for &t in self.threads_of(mode) {
                        f(k, mode, sites, t, prev);
                        prev = sites;
                    }
                }
            }
        }
    }
}
