// SPDX-License-Identifier: GPL-2.0

//! The plan's cost model: what a whole load costs, not only its timed loops. Every unit cost
//! is measured on the running kernel at load (`calibrate.rs`): one key unregistration (an RCU
//! grace period), each strategy's operation in each mode, a class creation, a thread start.
//! The model multiplies them by what the plan does: timed and warm-up operations, populating
//! passes, key registrations and unregistrations, thread start-ups. It also counts the lockdep
//! classes a plan can create and the memory the RFC's leak mode leaves behind, so that a plan
//! that would run for hours, switch lockdep off or exhaust memory is refused before it starts.

use crate::fmt::Secs;
use crate::keycost;
use crate::params::{Mode, Plan};
use crate::strategies::StrategyInfo;
use crate::strategy::Keys;
use crate::units::{Calibration, UnitCosts};
use crate::workload::steady_chunk;
use kernel::prelude::*;

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
    let ops = plan.ops_per_run(info, u, mode, sites);
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

/// The whole plan's estimate; `infos[k]` describes `plan.strategies[k]`.
fn estimate(plan: &Plan, infos: &[&StrategyInfo], cal: &Calibration) -> Estimate {
    let mut e = Estimate {
        total_ns: cal.spent_ns,
        ..Estimate::default()
    };
    let runs = plan.warmup + plan.runs;
    plan.for_each_config(infos, |k, mode, sites, t, prev| {
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
    // Every round of every configuration ends with the reference batch (`reference.rs`).
    let rounds = (plan.config_count() as u64).saturating_mul(runs as u64);
    e.total_ns = (e.total_ns).saturating_add(rounds.saturating_mul(cal.reference_ns));
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
fn what_to_lower(plan: &Plan, infos: &[&StrategyInfo], e: &Estimate) -> &'static str {
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

/// The plan's estimate from what `cal` holds so far, logged as `kind`; `EINVAL` (with a line
/// saying what to lower) if it is longer than `max_seconds`.
pub(crate) fn admit(
    plan: &Plan,
    infos: &[&StrategyInfo],
    cal: &Calibration,
    kind: &str,
) -> Result<Estimate> {
    let e = estimate(plan, infos, cal);
    pr_info!(
        "estimate kind={} seconds={} timed_s={} grace_periods={} gp_s={} gp_ns={} calibration_s={} configs={} max_seconds={}\n",
        kind,
        Secs(e.total_ns),
        Secs(e.timed_ns),
        e.gps,
        Secs(e.gp_ns),
        cal.gp_ns,
        Secs(cal.spent_ns),
        e.configs,
        plan.max_seconds
    );
    if e.total_ns <= plan.max_seconds as u64 * 1_000_000_000 {
        return Ok(e);
    }
    let lower = what_to_lower(plan, infos, &e);
    pr_err!(
        "invalid parameters: the plan is estimated at {} s ({} grace periods of {} ns, {} s of timed operations), more than max_seconds={}; lower {}, or raise max_seconds\n",
        Secs(e.total_ns),
        e.gps,
        cal.gp_ns,
        Secs(e.timed_ns),
        plan.max_seconds,
        lower
    );
    pr_err!(
        "error param=max_seconds value={} valid=estimate_s<={} estimate_s={} lower={}\n",
        plan.max_seconds,
        plan.max_seconds,
        Secs(e.total_ns),
        lower.split(' ').next().unwrap_or(lower)
    );
    Err(EINVAL)
}
