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

mod glue;
mod kernel_env;
mod params;
mod report;
mod sites;
mod strategy;
mod workload;

use core::sync::atomic::Ordering;
use params::Plan;
use report::Report;
use strategy::STRATEGIES;

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

fn run(plan: &Plan) -> Result {
    let distinct = sites::distinct_sites();
    pr_info!(
        "start strategies={} modes={} threads={} sites={} loops={} runs={} warmup={} cpus={} lockdep={} compiled_sites={} distinct_sites={}\n",
        List(plan.strategies.iter().map(|&i| STRATEGIES[i].name)),
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
    );
    let mut report = Report::new(plan.strategies.len() * plan.modes.len());
    for &i in plan.strategies.iter() {
        (STRATEGIES[i].run)(plan, &mut report)?;
        let st = (STRATEGIES[i].stats)();
        pr_info!(
            "stats strategy={} table_bytes={} buckets={} classes={} lost_races={} fallbacks={}\n",
            STRATEGIES[i].name,
            st.table_bytes,
            st.buckets,
            st.classes,
            st.lost_races,
            st.fallbacks
        );
    }
    report.summary()?;
    pr_info!("done results={}\n", report.count());
    Ok(())
}

/// Comma-joined items, for the start line.
struct List<I>(I);

impl<I: Iterator<Item = T> + Clone, T: core::fmt::Display> core::fmt::Display for List<I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (n, item) in self.0.clone().enumerate() {
            if n > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}", item)?;
        }
        Ok(())
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
        let plan = params::plan()?;
        glue::set_alloc_fail_every(plan.fail_alloc_every as i32);
        kernel_env::LEAK_KEYS.store(plan.leak_keys, Ordering::Relaxed);
        if let Err(e) = run(&plan) {
            pr_err!("benchmark failed ({:?}), cleaning up\n", e);
            reset_all();
            return Err(e);
        }
        Ok(LockclassBench {
            leak_keys: plan.leak_keys,
        })
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
