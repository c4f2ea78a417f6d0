// SPDX-License-Identifier: GPL-2.0

//! The harness: runs a plan's configurations for one strategy (every mode x sites x threads),
//! times each run with the batches of `workload.rs`, and reports rows with the cost model's
//! estimate beside them. Above the timing and the model; only the ops table calls it.

use crate::cost::{self, ConfigCost};
use crate::glue;
use crate::kernel_env::Kernel;
use crate::params::{Context, Measure, Mode, Plan};
use crate::report::{Report, Row};
use crate::sites::{CallSite, CALL_SITES};
use crate::strategies::{Stats, StrategyInfo};
use crate::strategy::{Keys, Strategy};
use crate::units::{probe_sites, Calibration, UnitCosts};
use crate::workload::{atomic_batch, concurrent_run, init_batch, lookup_batch, run_timed};
use core::hint::black_box;
use kernel::prelude::*;

/// Runs every mode of the plan for strategy `s`, reporting as it goes. Leaves `s`'s table
/// populated (as a long-running kernel would have it) for the stats line and module exit.
pub(crate) fn run_strategy<S: Strategy<Env = Kernel>>(
    s: &'static S,
    plan: &Plan,
    units: &UnitCosts,
    cal: &Calibration,
    report: &mut Report,
) -> Result {
    let info = StrategyInfo::of::<S>();
    // Sites of the previous configuration, whose records the next reset unregisters.
    let mut prev_sites = 0;
    // Sites a pool has claimed a key for (from the calibration probe on): it never forgets one.
    let max_sites = plan.sites.iter().copied().max().unwrap_or(1);
    let mut claimed = probe_sites(S::KEYS, max_sites);
    for &mode in plan.modes.iter() {
        report.progress(S::NAME, mode);
        if !plan.runs_mode(&info, mode) {
            report.skip(S::NAME, mode, "might_sleep");
            continue;
        }
        for &nsites in plan.sites.iter() {
            let sites: &'static [CallSite] = &CALL_SITES[..nsites];
            let threads: &[u32] = if mode.context() == Context::Threads {
                &plan.threads
            } else {
                &[1]
            };
            for &t in threads {
                let est = cost::config_cost(plan, &info, units, cal, mode, nsites, t, prev_sites);
                prev_sites = nsites;
                // Every configuration starts from an empty table.
                // SAFETY: the loading task alone uses `s` between runs; no class is held.
                unsafe { s.reset() };
                report.begin_config(S::NAME, mode, t, nsites as u32);
                run_mode(s, plan, report, mode, sites, t, &est)?;
                report.end_config()?;
                claimed = claimed.max(nsites);
                if plan.fail_alloc_every == 0 {
                    // However many threads raced to create them, each site has one class.
                    match S::KEYS {
                        Keys::Table => report.check(S::NAME, mode, nsites, Stats::of(s).classes)?,
                        Keys::Pool => report.check(S::NAME, mode, claimed, Stats::of(s).classes)?,
                        Keys::Static | Keys::PerObject => {}
                    }
                }
            }
        }
    }
    Ok(())
}

fn run_mode<S: Strategy<Env = Kernel>>(
    s: &'static S,
    plan: &Plan,
    report: &mut Report,
    mode: Mode,
    sites: &'static [CallSite],
    threads: u32,
    est: &ConfigCost,
) -> Result {
    let ops = plan.ops_per_run(&StrategyInfo::of::<S>(), mode, sites.len());
    // Populate the table (untimed) so timed runs measure hits; in atomic mode with preemption
    // disabled, so the misses take the GFP_ATOMIC path. Not in `create` (it measures misses)
    // nor in `concurrent`, whose first run has every thread racing to create the same sites.
    if mode.measures() != Measure::Create && mode.context() != Context::Threads {
        let n = sites.len() as u64;
        black_box(if mode.context() == Context::PreemptOff {
            atomic_batch(s, sites, n)
        } else {
            lookup_batch(s, sites, n)
        });
    }
    for run in 0..plan.warmup + plan.runs {
        let (gp0, t0) = (glue::gp_waits(), glue::now_ns());
        let (ns, max_ns) = match (mode.context(), mode.measures()) {
            (Context::Threads, _) => {
                let (mean, max) = concurrent_run(s, sites, ops, threads)?;
                (mean, Some(max))
            }
            (Context::PreemptOff, _) => (run_timed(|| atomic_batch(s, sites, ops)), None),
            (Context::Task, Measure::Lookup) => (run_timed(|| lookup_batch(s, sites, ops)), None),
            (Context::Task, Measure::Init) => {
                (run_timed(|| init_batch::<S, false>(s, sites, ops)), None)
            }
            (Context::Task, Measure::Acquire) => {
                (run_timed(|| init_batch::<S, true>(s, sites, ops)), None)
            }
            (Context::Task, Measure::Create) => {
                // Every run starts from an empty table, so it measures real misses.
                // SAFETY: between runs, on the loading task; no class is held.
                unsafe { s.reset() };
                (run_timed(|| lookup_batch(s, sites, ops)), None)
            }
        };
        let (gps, wall_ns) = (glue::gp_waits() - gp0, glue::now_ns() - t0);
        if run >= plan.warmup {
            report.result(Row {
                strategy: S::NAME,
                mode,
                threads,
                sites: sites.len() as u32,
                run: run - plan.warmup + 1,
                ops,
                ps_per_op: ns * 1000 / ops.max(1),
                max_ps_per_op: max_ns.map(|m| m * 1000 / ops.max(1)),
                // Per operation of all threads together.
                gp_milli_per_op: gps * 1000 / (ops * threads as u64).max(1),
                est_ns: est.run_estimate_ns(run),
                wall_ns,
                batch_ns: ns,
            })?;
        }
        glue::cond_resched();
    }
    Ok(())
}
