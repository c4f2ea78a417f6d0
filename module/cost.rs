// SPDX-License-Identifier: GPL-2.0

//! The plan's cost model: what a whole load costs, not only its timed loops. Every unit cost
//! is measured on the running kernel at load (`calibrate.rs`): one key unregistration (an RCU
//! grace period), each strategy's operation in each mode, a class creation, a thread start.
//! The model multiplies them by what the plan does: timed and warm-up operations, populating
//! passes, key registrations and unregistrations, thread start-ups. It also counts the lockdep
//! classes a plan can create and the memory the RFC's leak mode leaves behind, so that a plan
//! that would run for hours, switch lockdep off or exhaust memory is refused before it starts.

use crate::keycost;
use crate::params::{Mode, Plan, MODES};
use crate::strategy::{Keys, StrategyInfo};
use kernel::prelude::*;

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

/// Most lookups per untimed chunk with which `concurrent` threads warm up and keep the load on.
const STEADY_CHUNK: u64 = 256;

/// Lookups per untimed chunk for a timed batch of `ops`: a sixteenth of it, so a thread that
/// has ended its batch re-checks often (and per-object keys, at 64 ops, wait for few grace
/// periods), at most `STEADY_CHUNK`.
pub(crate) fn steady_chunk(ops: u64) -> u64 {
    (ops / 16).clamp(1, STEADY_CHUNK)
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

/// The cost of one configuration (strategy x mode x sites x threads).
#[derive(Clone, Copy, Default)]
pub(crate) struct ConfigCost {
    /// Before the runs: unregistering the records the previous configuration left (this
    /// one's reset), and the populating pass. (The last configuration's records are
    /// unregistered at unload, after insmod: not in the estimate.)
    pub(crate) setup_ns: u64,
    /// Each run (warm-up or timed), with its untimed work (`create`'s reset, thread start-up).
    pub(crate) run_ns: u64,
    /// The first run's extra: lockdep making the classes (`acquire`), or all threads racing to
    /// make the records (`concurrent`).
    pub(crate) first_run_extra_ns: u64,
    /// Key unregistrations (grace periods) in the whole configuration.
    pub(crate) gps: u64,
    /// Of `run_ns`, the part spent in timed operations.
    pub(crate) timed_ns: u64,
    /// Printing the configuration's lines (a console can be slow).
    pub(crate) lines_ns: u64,
}

impl ConfigCost {
    /// The estimate for run `run` (0-based, warm-up runs included).
    pub(crate) fn run_estimate_ns(&self, run: u32) -> u64 {
        self.run_ns + if run == 0 { self.first_run_extra_ns } else { 0 }
    }

    fn total_ns(&self, runs: u32) -> u64 {
        self.setup_ns
            .saturating_add(self.lines_ns)
            .saturating_add(self.first_run_extra_ns)
            .saturating_add(self.run_ns.saturating_mul(runs as u64))
    }
}

/// Operations per run of `mode` for a strategy (what `workload.rs` does).
pub(crate) fn ops_per_run(plan: &Plan, info: &StrategyInfo, mode: Mode, sites: usize) -> u64 {
    match mode {
        Mode::Create => (sites as u64).min(info.max_ops),
        // The mutex in atomic mode only demonstrates the report; a few operations are enough.
        Mode::Atomic if !info.atomic_safe => plan.loops.min(info.max_ops).min(16),
        _ => plan.loops.min(info.max_ops),
    }
}

fn ns(ops: u64, ps_per_op: u64) -> u64 {
    ops.saturating_mul(ps_per_op) / 1000
}

/// The model for one configuration.
pub(crate) fn config_cost(
    plan: &Plan,
    info: &StrategyInfo,
    u: &UnitCosts,
    cal: &Calibration,
    mode: Mode,
    sites: usize,
    threads: u32,
    prev_sites: usize,
) -> ConfigCost {
    let n = sites as u64;
    let ops = ops_per_run(plan, info, mode, sites);
    let runs = (plan.warmup + plan.runs) as u64;
    let unregisters = info.keys == Keys::Table && !plan.leak_keys;
    let lookup_ps = u.op_ps[Mode::Lookup as usize];
    let mut c = ConfigCost {
        // The result rows (printed after each run's wall time is taken), and the
        // configuration's summary and check lines.
        lines_ns: (runs + 3) * cal.line_ns,
        ..ConfigCost::default()
    };
    // Records the previous configuration left in the table, unregistered by this one's reset.
    if unregisters {
        c.setup_ns += (prev_sites as u64).saturating_mul(cal.gp_ns);
        c.gps = prev_sites as u64;
    }
    // Populating pass before the timed runs (not in `create` nor `concurrent`).
    if mode != Mode::Create && mode != Mode::Concurrent {
        c.setup_ns += match info.keys {
            Keys::Table | Keys::Pool => n.saturating_mul(u.miss_ns),
            _ => ns(n, lookup_ps),
        };
    }
    match mode {
        Mode::Create => {
            c.timed_ns = match info.keys {
                Keys::Table | Keys::Pool => ops.saturating_mul(u.miss_ns),
                _ => ns(ops, lookup_ps),
            };
            c.run_ns += c.timed_ns;
            if unregisters {
                // Each run first empties the table: one grace period per record.
                c.run_ns += ops.saturating_mul(cal.gp_ns);
                c.gps += runs * ops;
            }
        }
        Mode::Concurrent => {
            // Each thread warms up with one chunk and keeps the load on with more until the
            // last one ends its timed batch: count one chunk either side.
            let per_thread = ops + 2 * steady_chunk(ops);
            c.timed_ns = ns(ops, u.op_ps[mode as usize]);
            c.run_ns += ns(per_thread, u.op_ps[mode as usize])
                + if u.concurrent_fixed_ns > 0 {
                    u.concurrent_fixed_ns
                } else {
                    threads as u64 * cal.thread_ns
                };
            if matches!(info.keys, Keys::Table | Keys::Pool) {
                c.first_run_extra_ns = n.saturating_mul(u.miss_ns);
            }
        }
        _ => {
            c.timed_ns = ns(ops, u.op_ps[mode as usize]);
            c.run_ns += c.timed_ns;
            if mode == Mode::Acquire && info.keys != Keys::PerObject {
                // A batch starts at the first site: it acquires `min(sites, ops)` of them.
                c.first_run_extra_ns = n
                    .min(ops)
                    .saturating_mul(u.class_ns)
                    .saturating_mul(cal.class_scale_milli)
                    / 1000;
            }
        }
    }
    if info.keys == Keys::PerObject {
        // Every operation registers a key and unregisters it (its measured cost includes that).
        let populate = if mode == Mode::Create || mode == Mode::Concurrent {
            0
        } else {
            n
        };
        c.gps += populate
            + runs
                * ops
                * if mode == Mode::Concurrent {
                    threads as u64
                } else {
                    1
                };
    }
    c
}

/// The estimate of a whole plan.
#[derive(Default)]
pub(crate) struct Estimate {
    pub(crate) total_ns: u64,
    /// Of which: timed operations (warm-up runs included).
    pub(crate) timed_ns: u64,
    /// Of which: grace periods of key unregistrations.
    pub(crate) gp_ns: u64,
    pub(crate) gps: u64,
    pub(crate) configs: u64,
}

/// Calls `f(strategy entry, mode, sites, threads, prev_sites)` for every configuration the
/// plan runs, in order (the harness runs the same loops); `prev_sites` is the sites of the
/// strategy's previous configuration (0 for its first), whose records this one's reset removes.
pub(crate) fn for_each_config(
    plan: &Plan,
    infos: &[&StrategyInfo],
    mut f: impl FnMut(usize, Mode, usize, u32, usize),
) {
    for (k, info) in infos.iter().enumerate() {
        let mut prev = 0;
        for &mode in plan.modes.iter() {
            if !plan.runs_mode(info, mode) {
                continue;
            }
            for &sites in plan.sites.iter() {
                if mode == Mode::Concurrent {
                    for &t in plan.threads.iter() {
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

/// The whole plan's estimate; `infos[k]` describes `plan.strategies[k]`.
pub(crate) fn estimate(plan: &Plan, infos: &[&StrategyInfo], cal: &Calibration) -> Estimate {
    let mut e = Estimate {
        total_ns: cal.spent_ns,
        ..Estimate::default()
    };
    let runs = plan.warmup + plan.runs;
    for_each_config(plan, infos, |k, mode, sites, t, prev| {
        let u = cal.units.get(k).copied().unwrap_or_default();
        let c = config_cost(plan, infos[k], &u, cal, mode, sites, t, prev);
        // Never less than its grace periods (per-object keys' probed operations include
        // theirs; before the probes, this is the whole lower bound).
        let total = c.total_ns(runs).max(c.gps.saturating_mul(cal.gp_ns));
        e.total_ns = e.total_ns.saturating_add(total);
        e.timed_ns = e
            .timed_ns
            .saturating_add(c.timed_ns.saturating_mul(runs as u64));
        e.gps = e.gps.saturating_add(c.gps);
        e.configs += 1;
    });
    // The key-cost rows (`keycost.rs`): every kind's batches at three times the cheapest
    // probed init with a key that outlives the lock (a registered key's init costs about
    // twice a static one's; per-object keys' probes include a grace period per operation,
    // which these batches do not wait for), one grace period for the registered key, one log
    // line each.
    if plan.modes.contains(&Mode::Init) {
        let init_ps = cal
            .units
            .iter()
            .zip(infos)
            .filter(|(_, info)| info.keys != Keys::PerObject)
            .map(|(u, _)| u.op_ps[Mode::Init as usize])
            .min()
            .unwrap_or(0)
            .saturating_mul(3);
        let batches = (keycost::KINDS * (keycost::RUNS + 1)) as u64;
        let ops = batches.saturating_mul(keycost::ops(plan));
        e.total_ns = e
            .total_ns
            .saturating_add(ns(ops, init_ps))
            .saturating_add(cal.gp_ns)
            .saturating_add(keycost::KINDS as u64 * cal.line_ns);
        e.gps = e.gps.saturating_add(1);
    }
    e.gp_ns = e.gps.saturating_mul(cal.gp_ns);
    e
}

/// The parameter to lower when the estimate is too long: what dominates it.
pub(crate) fn what_to_lower(plan: &Plan, infos: &[&StrategyInfo], e: &Estimate) -> &'static str {
    if e.gp_ns >= e.timed_ns {
        if plan.modes.contains(&Mode::Create) {
            "runs (or sites, or leave out mode=create)"
        } else if infos.iter().any(|i| i.keys == Keys::PerObject) {
            "runs (or leave out strategy=dynamic)"
        } else {
            "sites (every table record's key is unregistered, one grace period each)"
        }
    } else if plan.loops > 1000 {
        "loops"
    } else {
        "runs"
    }
}
