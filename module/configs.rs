// SPDX-License-Identifier: GPL-2.0

//! What a plan runs, configuration by configuration: the order the harness runs them in and
//! the operations of each run. The cost model, the class budget and the harness all walk the
//! plan through these, so they cannot disagree.

use crate::params::{Mode, Plan};
use crate::strategies::StrategyInfo;

impl Plan {
    /// Operations per run of `mode` for a strategy (what `workload.rs` does).
    pub(crate) fn ops_per_run(&self, info: &StrategyInfo, mode: Mode, sites: usize) -> u64 {
        match mode {
            Mode::Create => (sites as u64).min(info.max_ops),
            // The mutex in atomic mode only demonstrates the report; a few operations are enough.
            Mode::Atomic if !info.atomic_safe => self.loops.min(info.max_ops).min(16),
            _ => self.loops.min(info.max_ops),
        }
    }

    /// Calls `f(strategy entry, mode, sites, threads, prev_sites)` for every configuration the
    /// plan runs, in order (the harness runs the same loops); `prev_sites` is the sites of the
    /// strategy's previous configuration (0 for its first), whose records this one's reset removes.
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
                    if mode == Mode::Concurrent {
                        for &t in self.threads.iter() {
                            f(k, mode, sites, t, prev);
                            prev = sites;
                        }
                    } else {
                        f(k, mode, sites, 1, prev);
                        prev = sites;
                    }
                }
            }
        }
    }
}
