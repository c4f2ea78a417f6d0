// SPDX-License-Identifier: GPL-2.0

//! lockclass_bench: how should a Rust lock get its lockdep class? Measures, inside a running
//! kernel, the cost of each way of finding a lock's class (the RFC's mutex- or
//! spinlock-guarded table keyed by the caller's `Location`, a lock-free table, the `Location`
//! address as a static key, macro-created static keys, per-object dynamic keys, and a two-level
//! `cached` table) for lookup, creation, lock init and first acquire, concurrently and with
//! preemption disabled. Everything runs at `insmod`; results go to the kernel log.

use kernel::prelude::*;

/// The lock-class tables, shared with the host benchmarks.
#[path = "../lockclass-core/src/algo/mod.rs"]
pub mod algo;

mod calibrate;
mod cost;
mod fmt;
mod glue;
mod kernel_env;
mod ops;
mod param_desc;
mod params;
mod precision;
mod report;
mod sites;
mod strategy;
mod workload;

use core::sync::atomic::Ordering;
use cost::Calibration;
use fmt::{List, Secs};
use ops::STRATEGIES;
use params::Plan;
use report::Report;
use strategy::StrategyInfo;

module! {
    type: LockclassBench,
    name: "lockclass_bench",
    author: "lockclass-bench developers",
    description: "Benchmarks ways of giving Rust locks their lockdep class",
    license: "GPL",
}

struct LockclassBench {
    leak_keys: bool,
}

/// The `info` of each strategy in the plan, in plan order.
fn infos(plan: &Plan) -> Result<KVec<&'static StrategyInfo>> {
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
    let needed = cost::classes_needed(plan, infos);
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
        class_scale_milli: cost::class_scale_milli(plan, cost::classes_needed(plan, infos)),
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
    reset_all();
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
struct Accepted {
    infos: KVec<&'static StrategyInfo>,
    cal: Calibration,
    estimate: cost::Estimate,
    /// The plan may go past lockdep's class limit (`past_class_limit=1`).
    past_limit: bool,
}

/// Checks the plan's classes, leaked memory and estimated time; `EINVAL` refuses it.
fn accept(plan: &Plan) -> Result<Accepted> {
    let infos = infos(plan)?;
    let past_limit = check_classes(plan, &infos)?;
    cost::check_leak(cost::leaked_bytes(
        plan,
        &infos,
        core::mem::size_of::<algo::table::Record<kernel_env::KernelKey>>() as u64,
        core::mem::size_of::<algo::table::Bucket<kernel_env::KMutex, kernel_env::KernelKey>>()
            .max(core::mem::size_of::<
                algo::table::Bucket<kernel_env::KSpinLock, kernel_env::KernelKey>,
            >()) as u64,
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

/// Runs an accepted plan. Returns whether lockdep went off during it.
fn run(plan: &Plan, a: &Accepted, t_load: u64) -> Result<bool> {
    let (infos, cal, estimate) = (&a.infos, &a.cal, &a.estimate);
    let distinct = sites::distinct_sites();
    let clock_ns = clock_step_ns();
    pr_info!(
        "start strategies={} modes={} threads={} sites={} loops={} runs={} warmup={} cpus={} lockdep={} compiled_sites={} distinct_sites={} estimate_s={} max_seconds={} clock_ns={}\n",
        List(infos.iter().map(|i| i.name)),
        List(plan.modes.iter().map(|m| m.name())),
        List(plan.threads.iter()),
        List(plan.sites.iter()),
        plan.loops,
        plan.runs,
        plan.warmup,
        glue::online_cpus(),
        glue::lockdep_enabled() as u8,
        sites::COMPILED_SITES,
        distinct,
        Secs(estimate.total_ns),
        plan.max_seconds,
        clock_ns,
    );
    // Only now: the probes ran without injected failures and unregistered their keys.
    glue::set_alloc_fail_every(plan.fail_alloc_every as i32);
    kernel_env::LEAK_KEYS.store(plan.leak_keys, Ordering::Relaxed);
    let mut report = Report::new(
        infos.len() * plan.modes.len(),
        plan.runs,
        a.past_limit,
        clock_ns,
    )?;
    let gp0 = glue::gp_waits();
    // Keys the tables still hold: unregistered at unload, one grace period each (rmmod's time).
    let mut held_keys = 0;
    for (k, &i) in plan.strategies.iter().enumerate() {
        (STRATEGIES[i].run)(plan, &cal.units[k], cal, &mut report)?;
        let st = (STRATEGIES[i].stats)();
        if STRATEGIES[i].info.keys == strategy::Keys::Table && !plan.leak_keys {
            held_keys += st.classes as u64;
        }
        pr_info!(
            "stats strategy={} table_bytes={} buckets={} classes={} lost_races={} fallbacks={}\n",
            STRATEGIES[i].info.name,
            st.table_bytes,
            st.buckets,
            st.classes,
            st.lost_races,
            st.fallbacks
        );
    }
    pr_info!(
        "done results={} estimate_s={} actual_s={} grace_periods={} estimated_grace_periods={} unload_grace_periods={} unload_estimate_s={}\n",
        report.count(),
        Secs(estimate.total_ns),
        Secs(glue::now_ns() - t_load),
        glue::gp_waits() - gp0,
        estimate.gps,
        held_keys,
        Secs(held_keys.saturating_mul(cal.gp_ns))
    );
    Ok(report.lockdep_went_off())
}

/// The clock's step: the smallest non-zero difference between successive readings (256 ns on
/// User-Mode Linux, whose clocksource counts in such steps; about 1 ns on a TSC).
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

/// Unregisters and frees what every strategy holds (unless the RFC's leak is asked for).
fn reset_all() {
    for s in STRATEGIES.iter() {
        (s.reset)();
    }
}

impl kernel::Module for LockclassBench {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        if precision::requested() {
            // A lockdep precision scenario instead of the benchmark (module/precision/).
            let leak_keys = precision::run()?;
            return Ok(LockclassBench { leak_keys });
        }
        let t_load = glue::now_ns();
        let refused = move |e: Error| {
            // Refusals must be quick: say how long this one took.
            pr_info!(
                "refused after_ms={}\n",
                (glue::now_ns() - t_load) / 1_000_000
            );
            end_of_test(Some(if e == EINVAL {
                "invalid_parameters"
            } else {
                "error"
            }));
            reset_all();
            e
        };
        let plan = params::plan().map_err(refused)?;
        let accepted = accept(&plan).map_err(refused)?;
        match run(&plan, &accepted, t_load) {
            Ok(lockdep_went_off) => {
                end_of_test(if lockdep_went_off && !plan.past_class_limit {
                    Some("lockdep_off")
                } else {
                    None
                });
                Ok(LockclassBench {
                    leak_keys: plan.leak_keys,
                })
            }
            Err(e) => {
                pr_err!("benchmark failed ({:?}), cleaning up\n", e);
                // EINVAL here is a failed `check` (a table with more or fewer classes than sites).
                end_of_test(Some(if e == EINVAL { "check_failed" } else { "error" }));
                reset_all();
                Err(e)
            }
        }
    }
}

/// The load's last line, as locktorture ends with "End of test: SUCCESS" or "FAILURE".
fn end_of_test(failure: Option<&str>) {
    match failure {
        None => pr_info!("End of test: SUCCESS\n"),
        Some(reason) => pr_err!("End of test: FAILURE reason={}\n", reason),
    }
}

impl Drop for LockclassBench {
    fn drop(&mut self) {
        reset_all();
        pr_info!(
            "exit live_allocs={} leaked={} leak_keys={}\n",
            glue::live_allocs(),
            kernel_env::LEAKED.load(Ordering::Relaxed),
            self.leak_keys as u8
        );
    }
}
