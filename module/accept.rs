// SPDX-License-Identifier: GPL-2.0

//! Whether a plan is accepted: lockdep's class room, the RFC's leak, and the estimate from the
//! unit costs measured now (calibration). Refusals are `EINVAL` with a log line saying what to
//! lower. On top, beside `main.rs`: it runs the strategies' probes through the ops table.

use crate::algo::table::{Bucket, Record};
use crate::cost::{self, Calibration};
use crate::fmt::{self, List, Secs};
use crate::kernel_env::{KMutex, KSpinLock, KernelKey};
use crate::ops::STRATEGIES;
use crate::params::Plan;
use crate::strategy::StrategyInfo;
use crate::{budget, calibrate, glue};
use core::mem::size_of;
use kernel::prelude::*;

/// The `info` of each strategy in the plan, in plan order.
pub(crate) fn infos(plan: &Plan) -> Result<KVec<&'static StrategyInfo>> {
    let mut v = KVec::with_capacity(plan.strategies.len(), GFP_KERNEL)?;
    for &i in plan.strategies.iter() {
        v.push(&STRATEGIES[i].info, GFP_KERNEL)?;
    }
    Ok(v)
}

/// Refuses a plan that can make more lockdep classes than lockdep has room for, unless
/// `past_class_limit=1` asks for it. Returns whether the plan goes past the limit.
fn check_classes(plan: &Plan, infos: &[&StrategyInfo]) -> Result<bool> {
    let limit = glue::max_lock_classes();
    if limit == 0 {
        return Ok(false);
    }
    let needed = budget::classes_needed(plan, infos);
    // Unknown: assume the rest of the kernel holds half of the table (a small guest holds
    // about a tenth), so the plan may use the other half.
    let (in_use, source) = match plan.lockdep_classes {
        Some(n) => (n, "lockdep_classes"),
        None => (limit / 2, "assumed"),
    };
    let room = limit.saturating_sub(in_use);
    pr_info!(
        "classes needed={} in_use={} ({}) limit={} room={}\n",
        needed,
        in_use,
        source,
        limit,
        room
    );
    if needed <= room {
        return Ok(false);
    }
    if plan.past_class_limit {
        pr_warn!(
            "classes: the plan may make {} lock classes, lockdep has room for {}: running anyway (past_class_limit=1), rows marked past_class_limit=1\n",
            needed,
            room
        );
        return Ok(true);
    }
    pr_err!(
        "invalid parameters: the plan may make {} lock classes (acquire mode), lockdep has room for {} ({} of {} in use, {}); lower sites, leave out mode=acquire or leak_keys=1, pass lockdep_classes= from /proc/lockdep_stats, or set past_class_limit=1\n",
        needed,
        room,
        in_use,
        limit,
        source
    );
    pr_err!(
        "error param=sites value={} valid=classes<={} classes={}\n",
        List(plan.sites.iter()),
        room,
        needed
    );
    Err(EINVAL)
}

/// Logs the estimate; refuses it if it is longer than `max_seconds`.
fn check_estimate(
    plan: &Plan,
    infos: &[&StrategyInfo],
    e: &cost::Estimate,
    cal: &Calibration,
    kind: &str,
) -> Result {
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
        return Ok(());
    }
    let lower = cost::what_to_lower(plan, infos, e);
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

/// Measures the unit costs (refusing early a plan whose grace periods alone exceed the limit)
/// and checks the estimate. Leaves the probed strategies reset.
fn calibrate(plan: &Plan, infos: &[&StrategyInfo]) -> Result<Calibration> {
    let t0 = glue::now_ns();
    let mut cal = Calibration {
        gp_ns: calibrate::grace_period_ns()?,
        thread_ns: 0,
        line_ns: 0,
        units: KVec::with_capacity(plan.strategies.len(), GFP_KERNEL)?,
        class_scale_milli: budget::class_scale_milli(plan, budget::classes_needed(plan, infos)),
        spent_ns: 0,
    };
    cal.spent_ns = glue::now_ns() - t0;
    // A lower bound from the grace periods alone, before any probe runs. Its log line is
    // timed: every result row costs one such line.
    let t_line = glue::now_ns();
    check_estimate(
        plan,
        infos,
        &cost::estimate(plan, infos, &cal),
        &cal,
        "lower_bound",
    )?;
    cal.line_ns = glue::now_ns() - t_line;
    cal.thread_ns = calibrate::thread_start_ns(plan)?;
    let probed = (|| -> Result {
        for &i in plan.strategies.iter() {
            let u = (STRATEGIES[i].probe)(plan, cal.thread_ns)?;
            // A line right after a batch, and a reschedule point, as after every timed run:
            // the most such a line took counts for every result row.
            let t_line = glue::now_ns();
            pr_info!(
                "unit strategy={} miss_ns={} class_ns={} concurrent_fixed_ns={} op_ns={}\n",
                STRATEGIES[i].info.name,
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
    // Probes leave records: unregister them now, not inside the first timed configuration.
    crate::reset_all();
    probed?;
    cal.spent_ns = glue::now_ns() - t0;
    check_estimate(
        plan,
        infos,
        &cost::estimate(plan, infos, &cal),
        &cal,
        "plan",
    )?;
    Ok(cal)
}

/// What `accept` found out about an accepted plan.
pub(crate) struct Accepted {
    pub(crate) infos: KVec<&'static StrategyInfo>,
    pub(crate) cal: Calibration,
    pub(crate) estimate: cost::Estimate,
    /// The plan may go past lockdep's class limit (`past_class_limit=1`).
    pub(crate) past_limit: bool,
}

/// Checks the plan's classes, leaked memory and estimated time; `EINVAL` refuses it.
pub(crate) fn accept(plan: &Plan) -> Result<Accepted> {
    let infos = infos(plan)?;
    let past_limit = check_classes(plan, &infos)?;
    let bucket_bytes =
        size_of::<Bucket<KMutex, KernelKey>>().max(size_of::<Bucket<KSpinLock, KernelKey>>());
    budget::check_leak(budget::leaked_bytes(
        plan,
        &infos,
        size_of::<Record<KernelKey>>() as u64,
        bucket_bytes as u64,
    ))?;
    let cal = calibrate(plan, &infos)?;
    let estimate = cost::estimate(plan, &infos, &cal);
    Ok(Accepted {
        infos,
        cal,
        estimate,
        past_limit,
    })
}
