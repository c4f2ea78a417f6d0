// SPDX-License-Identifier: GPL-2.0

//! Measures at load the unit costs the plan's cost model (`cost.rs`) multiplies: one key
//! unregistration (its RCU grace period) and, per strategy, a short batch of each mode the
//! plan runs, on a few sites. Runs before the plan is accepted, so it must stay short: a few
//! grace periods and a few thousand operations.

use crate::cost::{self, Estimate};
use crate::fmt::{self, List};
use crate::glue;
use crate::kernel_env::{time_unregister_ns, Kernel};
use crate::params::{Mode, Plan};
use crate::reference;
use crate::sites::{CallSite, CALL_SITES};
use crate::strategies::StrategyInfo;
use crate::strategy::{Keys, Strategy};
use crate::units::{
    per, probe_sites, Calibration, UnitCosts, PROBE_OPS, PROBE_OPS_PER_OBJECT,
    PROBE_OPS_PER_OBJECT_CONCURRENT,
};
use crate::workload::{atomic_batch, concurrent_run, init_batch, lookup_batch, steady_chunk};
use core::hint::black_box;
use kernel::prelude::*;

/// Unregistrations timed for the grace-period cost; the median counts.
const GP_SAMPLES: usize = 3;

/// ns of one key unregistration on this kernel, now: the median of a few.
pub(crate) fn grace_period_ns() -> Result<u64> {
    let mut ns = [0u64; GP_SAMPLES];
    for v in ns.iter_mut() {
        *v = time_unregister_ns()?;
    }
    // Three values: the median without a sort.
    let [a, b, c] = ns;
    Ok(a.max(b).min(a.min(b).max(c)))
}

/// The clock's step: the smallest non-zero difference between successive readings.
fn clock_step_ns() -> u64 {
    let mut step = u64::MAX;
    let mut last = glue::now_ns();
    for _ in 0..10_000 {
        let now = glue::now_ns();
        if now != last {
            step = step.min(now - last);
            last = now;
        }
    }
    if step == u64::MAX {
        0
    } else {
        step
    }
}

/// ns to start and join one kthread of a `concurrent` run (the most threads the plan uses).
pub(crate) fn thread_start_ns(plan: &Plan) -> Result<u64> {
    if !plan.modes.contains(&Mode::Concurrent) {
        return Ok(0);
    }
    let t = plan.threads.iter().copied().max().unwrap_or(1);
    let t0 = glue::now_ns();
    glue::run_on_threads(t, &|_| {})?;
    Ok(per(glue::now_ns().wrapping_sub(t0), t as u64))
}

/// ns of `ops` operations at `ps` each.
fn ns_of(ops: u64, ps: u64) -> u64 {
    ops.saturating_mul(ps) / 1000
}

fn elapsed_ns(f: impl FnOnce() -> usize) -> u64 {
    let t0 = glue::now_ns();
    black_box(f());
    glue::now_ns().wrapping_sub(t0)
}

/// ps per operation of `batch(ops)`. Operations that wait for a grace period each (per-object
/// keys) are timed one at a time until `PROBE_OPS_PER_OBJECT` of them, or fewer once they
/// have taken `PER_OBJECT_PROBE_NS`: a few on a kernel with slow grace periods, enough on one
/// with fast ones for the clock's resolution.
fn ps_per_op<S: Strategy<Env = Kernel>>(ops: u64, mut batch: impl FnMut(u64) -> usize) -> u64 {
    if S::KEYS != Keys::PerObject {
        return per(elapsed_ns(|| batch(ops)).saturating_mul(1000), ops);
    }
    let (mut done, mut ns) = (0u64, 0u64);
    while done < PROBE_OPS_PER_OBJECT.min(ops) && (done < 2 || ns < PER_OBJECT_PROBE_NS) {
        ns += elapsed_ns(|| batch(1));
        done += 1;
    }
    per(ns.saturating_mul(1000), done)
}

/// Time after which a per-object probe stops (it always times two operations).
const PER_OBJECT_PROBE_NS: u64 = 2_000_000;

/// `s`'s unit costs in the modes the plan runs. Leaves up to `PROBE_SITES` records in `s`'s
/// table (the caller resets it before the plan runs).
pub(crate) fn probe<S: Strategy<Env = Kernel>>(
    s: &'static S,
    plan: &Plan,
    thread_ns: u64,
) -> Result<UnitCosts> {
    let info = StrategyInfo::of::<S>();
    let max_sites = plan.sites.iter().copied().max().unwrap_or(1);
    let sites: &'static [CallSite] = &CALL_SITES[..probe_sites(S::KEYS, max_sites)];
    let n = sites.len() as u64;
    let ops = plan.loops.min(S::MAX_OPS).min(PROBE_OPS).max(1);
    let mut u = UnitCosts::default();
    // SAFETY: the loading task alone uses `s` now (no lookup in flight, no class held).
    unsafe { s.reset() };
    // A populating pass: misses for the tables.
    let populate = elapsed_ns(|| lookup_batch(s, sites, n));
    u.miss_ns = per(populate, n);
    u.op_ps[Mode::Lookup as usize] = ps_per_op::<S>(ops, |k| lookup_batch(s, sites, k));
    for &mode in plan.modes.iter() {
        if !plan.runs_mode(&info, mode) {
            continue;
        }
        let ps = match mode {
            // Derived from the lookup and miss costs by the model.
            Mode::Lookup | Mode::Create => continue,
            // The mutex in atomic mode is a demonstration: no probe provokes its report.
            Mode::Atomic if !S::ATOMIC_SAFE => u.op_ps[Mode::Lookup as usize],
            Mode::Atomic => ps_per_op::<S>(ops, |k| atomic_batch(s, sites, k)),
            Mode::Init => ps_per_op::<S>(ops, |k| init_batch::<S, false>(s, sites, k)),
            Mode::Acquire => {
                // The first acquire of each site makes its class; the second batch hits.
                let first = elapsed_ns(|| init_batch::<S, true>(s, sites, n));
                let ps = ps_per_op::<S>(ops, |k| init_batch::<S, true>(s, sites, k));
                u.class_ns = per(first, n).saturating_sub(ps / 1000);
                ps
            }
            Mode::Concurrent => {
                let t = plan.threads.iter().copied().max().unwrap_or(1);
                let wall = |ops: u64| -> Result<u64> {
                    let t0 = glue::now_ns();
                    concurrent_run(s, sites, ops, t)?;
                    Ok(glue::now_ns().wrapping_sub(t0))
                };
                // Per operation of each thread, its untimed chunks either side included.
                let per_thread = |ops: u64| ops.saturating_add(2 * steady_chunk(ops));
                if S::KEYS == Keys::PerObject {
                    let ops = ops.min(PROBE_OPS_PER_OBJECT_CONCURRENT);
                    let w = wall(ops)?.saturating_sub((t as u64).saturating_mul(thread_ns));
                    per(w.saturating_mul(1000), per_thread(ops))
                } else {
                    // Two batch sizes: the slope is the cost per operation, the rest is what
                    // every run pays whatever its length (thread start-up, the start
                    // barrier, vCPUs that are not running at once under emulation).
                    let (short, long) = (ops.min(PROBE_OPS / 2), ops.min(4 * PROBE_OPS));
                    let (w_short, w_long) = (wall(short)?, wall(long)?);
                    let slope = if long > short {
                        per(
                            w_long.saturating_sub(w_short).saturating_mul(1000),
                            per_thread(long).saturating_sub(per_thread(short)),
                        )
                    } else {
                        per(w_long.saturating_mul(1000), per_thread(long))
                    };
                    // Never below one thread's lookup.
                    let slope = slope.max(u.op_ps[Mode::Lookup as usize]);
                    u.concurrent_fixed_ns = w_short.saturating_sub(ns_of(per_thread(short), slope));
                    slope
                }
            }
        };
        u.op_ps[mode as usize] = ps;
    }
    Ok(u)
}

/// Measures everything the plan's estimate needs, checking the estimate against
/// `max_seconds` twice: after the grace period alone (a lower bound, before any probe runs),
/// and after every strategy's probe. `class_scale_milli` comes from the class budget
/// (`budget.rs`); `probe(k, ...)` probes `plan.strategies[k]`; `reset()` empties every
/// strategy afterwards (probes leave records, unregistered now rather than inside the first
/// timed configuration).
pub(crate) fn calibrate(
    plan: &Plan,
    infos: &[&StrategyInfo],
    class_scale_milli: u64,
    probe: impl Fn(usize, &Plan, u64) -> Result<UnitCosts>,
    reset: impl FnOnce(),
) -> Result<(Calibration, Estimate)> {
    let t0 = glue::now_ns();
    let clock_ns = clock_step_ns();
    let (reference_pairs, reference_ns) = reference::sized(clock_ns);
    let mut cal = Calibration {
        clock_ns,
        reference_pairs,
        reference_ns,
        gp_ns: grace_period_ns()?,
        thread_ns: 0,
        line_ns: 0,
        units: KVec::with_capacity(plan.strategies.len(), GFP_KERNEL)?,
        class_scale_milli,
        spent_ns: 0,
    };
    cal.spent_ns = glue::now_ns() - t0;
    // Its log line is timed: every result row costs one such line.
    let t_line = glue::now_ns();
    cost::admit(plan, infos, &cal, "lower_bound")?;
    cal.line_ns = glue::now_ns() - t_line;
    cal.thread_ns = thread_start_ns(plan)?;
    let probed = (|| -> Result {
        for (k, info) in infos.iter().enumerate() {
            let u = probe(k, plan, cal.thread_ns)?;
            // A line right after a batch, and a reschedule point, as after every timed run:
            // the most such a line took counts for every result row.
            let t_line = glue::now_ns();
            pr_info!(
                "unit strategy={} miss_ns={} class_ns={} concurrent_fixed_ns={} op_ns={}\n",
                info.name,
                u.miss_ns,
                u.class_ns,
                u.concurrent_fixed_ns,
                List(u.op_ps.iter().map(|&ps| fmt::Milli(ps)))
            );
            glue::cond_resched();
            cal.line_ns = cal.line_ns.max(glue::now_ns() - t_line);
            cal.units.push(u, GFP_KERNEL)?;
        }
        Ok(())
    })();
    reset();
    probed?;
    cal.spent_ns = glue::now_ns() - t0;
    let estimate = cost::admit(plan, infos, &cal, "plan")?;
    Ok((cal, estimate))
}
