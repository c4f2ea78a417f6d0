// SPDX-License-Identifier: GPL-2.0

//! Output: one machine-readable line per result as it is measured, and a human summary line
//! per strategy and configuration as it ends (format documented in docs/output-format.md). The
//! strategies of a configuration run interleaved, so each has a slot (its index in the plan).
//! Memory is fixed at load: only the current configuration's runs are kept, for the summaries.

use crate::fmt::Milli;
use crate::glue;
use crate::params::Mode;
use kernel::prelude::*;

/// One measured run.
pub(crate) struct Row {
    pub(crate) strategy: &'static str,
    pub(crate) mode: Mode,
    pub(crate) threads: u32,
    pub(crate) sites: u32,
    pub(crate) run: u32,
    pub(crate) ops: u64,
    /// Picoseconds per operation (ns with three decimals, without floating point).
    pub(crate) ps_per_op: u64,
    /// Slowest thread's, in `concurrent` mode.
    pub(crate) max_ps_per_op: Option<u64>,
    /// Key unregistrations (RCU grace periods waited for) per 1000 operations, in the run's
    /// untimed work (`create`'s reset) as well as in its timed batch.
    pub(crate) gp_milli_per_op: u64,
    /// The cost model's estimate of the run's wall time, untimed work included.
    pub(crate) est_ns: u64,
    /// The run's wall time, untimed work included.
    pub(crate) wall_ns: u64,
    /// The timed batch (mean thread's, in `concurrent`), ns.
    pub(crate) batch_ns: u64,
}

/// A batch shorter than this many clock steps is marked `short_batch=1`: one step is then
/// more than 1 % of it.
const MIN_BATCH_STEPS: u64 = 100;

/// The configuration whose runs are being reported.
#[derive(Clone)]
struct Config {
    strategy: &'static str,
    mode: Mode,
    threads: u32,
    sites: u32,
}

/// Streams rows, keeps one configuration's figures for its summary lines, and watches lockdep.
pub(crate) struct Report {
    /// ps/op of the current configuration's runs: `runs` per slot, allocated once; the last
    /// slot holds the reference batch's ps per pair (`reference.rs`).
    runs_ps: KVec<u64>,
    runs: usize,
    /// Per slot: runs used, and the configuration being reported.
    nruns: KVec<usize>,
    configs: KVec<Option<Config>>,
    /// The slot of the last row (named if lockdep goes off).
    current: usize,
    header_done: bool,
    step: usize,
    total_steps: usize,
    count: usize,
    /// Lockdep was on when the load started.
    lockdep_at_start: bool,
    /// It has been seen off since (logged once, every later row marked).
    lockdep_went_off: bool,
    /// The plan was accepted past lockdep's class limit (`past_class_limit=1`).
    past_class_limit: bool,
    /// The clock's step, ns (`clock_ns` on the start line).
    clock_ns: u64,
}

impl Report {
    /// For `slots` strategies, `total_steps` configurations of `runs` runs each.
    pub(crate) fn new(
        slots: usize,
        total_steps: usize,
        runs: u32,
        past_class_limit: bool,
        clock_ns: u64,
    ) -> Result<Self> {
        Ok(Self {
            runs_ps: KVec::from_elem(0, (slots + 1) * runs as usize, GFP_KERNEL)?,
            runs: runs as usize,
            nruns: KVec::from_elem(0, slots + 1, GFP_KERNEL)?,
            configs: KVec::from_elem(None, slots, GFP_KERNEL)?,
            current: 0,
            header_done: false,
            step: 0,
            total_steps,
            count: 0,
            lockdep_at_start: glue::lockdep_enabled(),
            lockdep_went_off: false,
            past_class_limit,
            clock_ns,
        })
    }

    /// Before each configuration (every strategy of the load, interleaved).
    pub(crate) fn progress(&mut self, mode: Mode, sites: usize, threads: u32) {
        self.step += 1;
        pr_info!(
            "progress step={}/{} mode={} sites={} threads={}\n",
            self.step,
            self.total_steps,
            mode.name(),
            sites,
            threads
        );
    }

    pub(crate) fn skip(&mut self, strategy: &str, mode: Mode, reason: &str) {
        pr_info!(
            "skip strategy={} mode={} reason={}\n",
            strategy,
            mode.name(),
            reason
        );
    }

    /// Whether lockdep went off during the load (it was on at the start).
    pub(crate) fn lockdep_went_off(&mut self) -> bool {
        self.watch_lockdep();
        self.lockdep_went_off
    }

    /// Logs, the first time it is seen, that lockdep has switched itself off.
    fn watch_lockdep(&mut self) {
        if self.lockdep_at_start && !self.lockdep_went_off && !glue::lockdep_enabled() {
            self.lockdep_went_off = true;
            match self.configs.get(self.current).and_then(|c| c.as_ref()) {
                Some(c) => pr_err!(
                    "lockdep_off strategy={} mode={} threads={} sites={} after_results={}: lockdep switched itself off (debug_locks=0); every later result row says lockdep=0\n",
                    c.strategy, c.mode.name(), c.threads, c.sites, self.count
                ),
                None => pr_err!(
                    "lockdep_off after_results={}: lockdep switched itself off (debug_locks=0); every later result row says lockdep=0\n",
                    self.count
                ),
            }
        }
    }

    pub(crate) fn begin_config(
        &mut self,
        slot: usize,
        strategy: &'static str,
        mode: Mode,
        threads: u32,
        sites: u32,
    ) {
        if !self.header_done {
            self.header_done = true;
            pr_info!(
                "summary {:<9} {:<10} {:>7} {:>5} {:>12} {:>12} {:>12}\n",
                "strategy",
                "mode",
                "threads",
                "sites",
                "median_ns",
                "min_ns",
                "max_ns"
            );
        }
        self.nruns[slot] = 0;
        self.configs[slot] = Some(Config {
            strategy,
            mode,
            threads,
            sites,
        });
    }

    pub(crate) fn result(&mut self, slot: usize, row: Row) -> Result {
        self.current = slot;
        self.watch_lockdep();
        let lockdep = glue::lockdep_enabled() as u8;
        let marks = Marks {
            past_class_limit: self.past_class_limit,
            short_batch: row.batch_ns < MIN_BATCH_STEPS * self.clock_ns,
        };
        match row.max_ps_per_op {
            Some(max) => pr_info!(
                "result strategy={} mode={} threads={} sites={} run={} ops={} ns_per_op={} max_ns_per_op={} gp_per_op={} run_est_ns={} run_wall_ns={} lockdep={}{}\n",
                row.strategy, row.mode.name(), row.threads, row.sites, row.run, row.ops, Milli(row.ps_per_op), Milli(max),
                Milli(row.gp_milli_per_op), row.est_ns, row.wall_ns, lockdep, marks
            ),
            None => pr_info!(
                "result strategy={} mode={} threads={} sites={} run={} ops={} ns_per_op={} gp_per_op={} run_est_ns={} run_wall_ns={} lockdep={}{}\n",
                row.strategy, row.mode.name(), row.threads, row.sites, row.run, row.ops, Milli(row.ps_per_op),
                Milli(row.gp_milli_per_op), row.est_ns, row.wall_ns, lockdep, marks
            ),
        }
        self.count += 1;
        self.keep(slot, row.ps_per_op);
        Ok(())
    }

    fn keep(&mut self, slot: usize, ps: u64) {
        let used = self.nruns[slot];
        if used < self.runs {
            self.runs_ps[slot * self.runs + used] = ps;
            self.nruns[slot] += 1;
        }
    }

    /// Median, min and max of a slot's runs (sorted in place), which it forgets.
    fn take_spread(&mut self, slot: usize) -> Option<(u64, u64, u64)> {
        let start = slot * self.runs;
        let ps = &mut self.runs_ps[start..start + self.nruns[slot]];
        self.nruns[slot] = 0;
        if ps.is_empty() {
            return None;
        }
        insertion_sort(ps);
        let median = if ps.len() % 2 == 1 {
            ps[ps.len() / 2]
        } else {
            (ps[ps.len() / 2 - 1] + ps[ps.len() / 2]) / 2
        };
        Some((median, ps[0], ps[ps.len() - 1]))
    }

    /// The slot after the strategies': the reference batch's.
    fn reference_slot(&self) -> usize {
        self.configs.len()
    }

    /// The reference batch's ps per pair in one round (not a warm-up round).
    pub(crate) fn reference(&mut self, ps_per_pair: u64) {
        self.keep(self.reference_slot(), ps_per_pair);
    }

    /// The configuration's `reference` line: the reference pair's median, min and max over
    /// its rounds, which scripts/bench.sh compares with the host's quiet value.
    pub(crate) fn end_reference(&mut self, mode: Mode, threads: u32, sites: u32, pairs: u64) {
        let Some((median, min, max)) = self.take_spread(self.reference_slot()) else {
            return;
        };
        pr_info!(
            "reference mode={} threads={} sites={} pairs={} median_ns={} min_ns={} max_ns={}\n",
            mode.name(),
            threads,
            sites,
            pairs,
            Milli(median),
            Milli(min),
            Milli(max)
        );
    }

    /// A strategy's summary line for the configuration: median, min and max ns/op over its runs.
    pub(crate) fn end_config(&mut self, slot: usize) -> Result {
        self.watch_lockdep();
        let Some(c) = self.configs[slot].take() else {
            return Ok(());
        };
        let Some((median, min, max)) = self.take_spread(slot) else {
            return Ok(());
        };
        pr_info!(
            "summary {:<9} {:<10} {:>7} {:>5} {:>12} {:>12} {:>12}\n",
            c.strategy,
            c.mode.name(),
            c.threads,
            c.sites,
            Milli(median),
            Milli(min),
            Milli(max)
        );
        Ok(())
    }

    /// Reports whether a table holds exactly one class per site; an error fails the load.
    pub(crate) fn check(
        &mut self,
        strategy: &str,
        mode: Mode,
        sites: usize,
        classes: usize,
    ) -> Result {
        let ok = sites == classes;
        pr_info!(
            "check strategy={} mode={} sites={} classes={} ok={}\n",
            strategy,
            mode.name(),
            sites,
            classes,
            ok as u8
        );
        if ok {
            Ok(())
        } else {
            pr_err!(
                "{} holds {} classes for {} sites after mode {}\n",
                strategy,
                classes,
                sites,
                mode.name()
            );
            Err(EINVAL)
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.count
    }
}

/// Fields that only marked rows carry.
struct Marks {
    past_class_limit: bool,
    short_batch: bool,
}

impl core::fmt::Display for Marks {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.past_class_limit {
            f.write_str(" past_class_limit=1")?;
        }
        if self.short_batch {
            f.write_str(" short_batch=1")?;
        }
        Ok(())
    }
}

/// Sorts the few runs of one configuration. (Not `core`'s sort: its panic path is a noreturn
/// call that 6.12's objtool does not know, so it warns about a fall-through.)
fn insertion_sort(v: &mut [u64]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}
