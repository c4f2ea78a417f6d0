// SPDX-License-Identifier: GPL-2.0

//! lockclass_bench: how should a Rust lock get its lockdep class? Measures, inside a running
//! kernel, the cost of each way of finding a lock's class (the RFC's mutex- or
//! spinlock-guarded table keyed by the caller's `Location`, a lock-free table, the `Location`
//! address as a static key, macro-created static keys, per-object dynamic keys, and a two-level
//! `cached` table) for lookup, creation, lock init and first acquire, concurrently and with
//! preemption disabled. Everything runs at `insmod`; results go to the kernel log.
//!
//! The modules stand in layers, each importing only from those below it (no import circle):
//!
//! - `main`, `accept` (is a plan admitted: `budget`, then `calibrate`), `ops` (the strategy
//!   table: a calibration probe and a harness entry per strategy), `precision` (scenarios);
//! - `harness` (runs the configurations, the strategies of each interleaved), `report`;
//! - `calibrate` (unit costs measured at load, checked against the model), `budget` (classes,
//!   leaked memory), `cost` (the model), `keycost` (key-cost rows);
//! - `workload` (the timed batches), `configs` (a plan's configurations), `units` (unit costs
//!   and probe sizes), `params`, `param_desc`;
//! - `strategies` (the instances), `kernel_env` (keys, bucket locks, memory), `lock`, `sites`,
//!   `glue` (the C side, the clock), `fmt`; and the shared `algo` and `strategy`.

use kernel::prelude::*;

/// The lock-class tables, shared with the host benchmarks.
#[path = "../lockclass-core/src/algo/mod.rs"]
pub mod algo;
/// The strategies, written once over an environment (the kernel's is `kernel_env::Kernel`),
/// shared with the host benchmarks.
#[path = "../lockclass-core/src/strategy/mod.rs"]
pub mod strategy;

mod accept;
mod budget;
mod calibrate;
mod configs;
mod cost;
mod fmt;
mod glue;
mod harness;
mod kernel_env;
mod keycost;
mod lock;
mod ops;
mod param_desc;
mod params;
mod precision;
mod reference;
mod report;
mod sites;
mod strategies;
#[cfg(CONFIG_RUST_LOCK_CLASS)]
mod tracked;
mod units;
mod workload;

use accept::Accepted;
use core::sync::atomic::Ordering;
use fmt::{List, Secs};
use ops::STRATEGIES;
use params::Plan;
use report::Report;

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

/// Runs an accepted plan. Returns whether lockdep went off during it.
fn run(plan: &Plan, a: &Accepted, t_load: u64) -> Result<bool> {
    let (infos, cal, estimate) = (&a.infos, &a.cal, &a.estimate);
    let distinct = sites::distinct_sites();
    let clock_ns = cal.clock_ns;
    pr_info!(
        "start strategies={} modes={} threads={} sites={} loops={} runs={} warmup={} cpus={} lockdep={} compiled_sites={} distinct_sites={} estimate_s={} max_seconds={} clock_ns={} order=rotated\n",
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
    if plan.modes.contains(&params::Mode::Init) && glue::lockdep_enabled() {
        keycost::report(plan)?;
    }
    // Only now: the probes ran without injected failures and unregistered their keys.
    kernel_env::set_alloc_fail_every(plan.fail_alloc_every);
    kernel_env::LEAK_KEYS.store(plan.leak_keys, Ordering::Relaxed);
    let mut report = Report::new(
        plan.strategies.len(),
        plan.config_count(),
        plan.runs,
        a.past_limit,
        clock_ns,
    )?;
    let gp0 = glue::gp_waits();
    let mut runners = KVec::with_capacity(plan.strategies.len(), GFP_KERNEL)?;
    for &i in plan.strategies.iter() {
        runners.push(&STRATEGIES[i].runner, GFP_KERNEL)?;
    }
    let peaks = harness::run_plan(plan, &runners, cal, &mut report)?;
    // Keys the tables still hold: unregistered at unload, one grace period each (rmmod's time).
    let mut held_keys = 0;
    for (&i, peak) in plan.strategies.iter().zip(peaks.iter()) {
        let now = (STRATEGIES[i].stats)();
        if STRATEGIES[i].info.keys == strategy::Keys::Table && !plan.leak_keys {
            held_keys += now.classes as u64;
        }
        // The table at its most classes; the counters (cumulative) as they are now.
        let st = strategies::Stats {
            lost_races: now.lost_races,
            fallbacks: now.fallbacks,
            ..*peak
        };
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

impl kernel::Module for LockclassBench {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        if glue::scenario().is_some() {
            // A lockdep precision scenario instead of the benchmark (module/precision/).
            let leak_keys = precision::run()?;
            return Ok(LockclassBench { leak_keys });
        }
        let t_load = glue::now_ns();
        // Which strategies this build offers: `tracked` needs the kernel's `#[track_caller]`
        // lock-class API (kernel/patches/0002-0006, with lockdep on).
        pr_info!(
            "offers strategies={} kernel_lock_class_api={}\n",
            List(strategies::NAMES.iter()),
            if cfg!(CONFIG_RUST_LOCK_CLASS) {
                "yes"
            } else {
                "no (CONFIG_RUST_LOCK_CLASS unset: strategy tracked absent)"
            }
        );
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
            // SAFETY: init is failing: nothing runs or holds a class any more.
            unsafe { ops::reset_all() };
            e
        };
        let plan = params::plan().map_err(refused)?;
        let accepted = accept::accept(&plan).map_err(refused)?;
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
                // SAFETY: as above.
                unsafe { ops::reset_all() };
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
        // SAFETY: the module is going away: no benchmark or scenario runs, no class is held
        // (the precision peer, which borrows classes, depends on this module and is gone).
        unsafe { ops::reset_all() };
        pr_info!(
            "exit live_allocs={} leaked={} leak_keys={}\n",
            kernel_env::live_allocs(),
            kernel_env::LEAKED.load(Ordering::Relaxed),
            self.leak_keys as u8
        );
    }
}
