// SPDX-License-Identifier: GPL-2.0

//! The harness: runs a plan's configurations (mode x sites x threads) for every strategy of
//! the load, interleaved: within a configuration the strategies run in rounds, one batch each
//! per round, in an order rotated by one from round to round, so that whatever drifts over
//! seconds (the host's speed, a neighbour, the clock) drifts for all of them alike and run `r`
//! of one strategy pairs with run `r` of another, taken moments apart. Above the timing and
//! the model; only the ops table and `main` call it. Each round ends with the reference batch
//! (`reference.rs`), the load's own check that the host was quiet while it ran.

use crate::cost::{self, ConfigCost};
use crate::glue;
use crate::params::{Context, Measure, Mode, Plan};
use crate::reference;
use crate::report::{Report, Row};
use crate::sites::{CallSite, CALL_SITES};
use crate::strategies::{Instance, Stats, StrategyInfo};
use crate::strategy::Keys;
use crate::units::{probe_sites, Calibration};
use crate::workload::{atomic_batch, concurrent_run, init_batch, lookup_batch, run_timed};
use core::hint::black_box;
use kernel::prelude::*;

/// One strategy's entry points, monomorphized for it (the ops table holds one per strategy):
/// the harness makes one indirect call per batch, never per operation.
pub(crate) struct Runner {
    pub(crate) info: StrategyInfo,
    /// Empties the table, then populates it (untimed) for the configuration's mode.
    prepare: fn(Mode, &'static [CallSite]),
    /// One timed batch of `ops` operations: (ns, slowest thread's ns in `concurrent`).
    batch: fn(Mode, &'static [CallSite], u32, u64) -> Result<(u64, Option<u64>)>,
    /// What the strategy holds now.
    stats: fn() -> Stats,
}

impl Runner {
    pub(crate) const fn of<S: Instance>() -> Self {
        Self {
            info: StrategyInfo::of::<S>(),
            prepare: prepare::<S>,
            batch: batch::<S>,
            stats: stats::<S>,
        }
    }
}

fn stats<S: Instance>() -> Stats {
    Stats::of(S::get())
}

fn prepare<S: Instance>(mode: Mode, sites: &'static [CallSite]) {
    let s = S::get();
    // Every configuration starts from an empty table.
    // SAFETY: the loading task alone uses `s` between batches; no class is held.
    unsafe { s.reset() };
    // Populate the table so timed runs measure hits; in atomic mode with preemption disabled,
    // so the misses take the GFP_ATOMIC path. Not in `create` (it measures misses) nor in
    // `concurrent`, whose first run has every thread racing to create the same sites.
    if mode.measures() != Measure::Create && mode.context() != Context::Threads {
        let n = sites.len() as u64;
        black_box(if mode.context() == Context::PreemptOff {
            atomic_batch(s, sites, n)
        } else {
            lookup_batch(s, sites, n)
        });
    }
}

fn batch<S: Instance>(
    mode: Mode,
    sites: &'static [CallSite],
    threads: u32,
    ops: u64,
) -> Result<(u64, Option<u64>)> {
    let s = S::get();
    Ok(match (mode.context(), mode.measures()) {
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
            // SAFETY: between batches, on the loading task; no class is held.
            unsafe { s.reset() };
            (run_timed(|| lookup_batch(s, sites, ops)), None)
        }
    })
}

/// What the harness keeps per strategy of the load.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// Runs the configuration's mode (else skipped with a reason).
    active: bool,
    /// Sites of its previous configuration, whose records this one's reset unregisters.
    prev_sites: usize,
    /// Sites a pool has claimed a key for (from the calibration probe on): it never forgets.
    claimed: usize,
    est: ConfigCost,
    ops: u64,
    /// Its stats after the configuration where it held the most classes.
    peak: Stats,
}

/// Runs every configuration of the plan, the strategies of each interleaved in rounds, and
/// reports as it goes. `runners[k]` is `plan.strategies[k]`'s. Leaves the tables populated (as
/// a long-running kernel would have them) for module exit. Returns each strategy's stats at its
/// most classes (a table is emptied between configurations, so the end says less: after a
/// 1-site configuration, one record).
pub(crate) fn run_plan(
    plan: &Plan,
    runners: &[&'static Runner],
    cal: &Calibration,
    report: &mut Report,
) -> Result<KVec<Stats>> {
    let n = runners.len();
    let max_sites = plan.sites.iter().copied().max().unwrap_or(1);
    let mut slots = KVec::from_elem(Slot::default(), n, GFP_KERNEL)?;
    for (slot, r) in slots.iter_mut().zip(runners) {
        slot.claimed = probe_sites(r.info.keys, max_sites);
    }
    for &mode in plan.modes.iter() {
        for (slot, r) in slots.iter_mut().zip(runners) {
            slot.active = plan.runs_mode(&r.info, mode);
            if !slot.active {
                report.skip(r.info.name, mode, "might_sleep");
            }
        }
        for &nsites in plan.sites.iter() {
            let sites: &'static [CallSite] = &CALL_SITES[..nsites];
            for &t in plan.threads_of(mode) {
                report.progress(mode, nsites, t);
                for (k, (slot, r)) in slots.iter_mut().zip(runners).enumerate() {
                    if !slot.active {
                        continue;
                    }
                    let u = &cal.units[k];
                    slot.est =
                        cost::config_cost(plan, &r.info, u, cal, mode, nsites, t, slot.prev_sites);
                    slot.prev_sites = nsites;
                    slot.ops = plan.ops_per_run(&r.info, u, mode, nsites);
                    (r.prepare)(mode, sites);
                    report.begin_config(k, r.info.name, mode, t, nsites as u32);
                }
                for round in 0..plan.warmup + plan.runs {
                    for j in 0..n {
                        let k = (round as usize + j) % n;
                        if slots[k].active {
                            run_once(
                                plan, report, runners[k], &slots[k], k, round, mode, sites, t,
                            )?;
                        }
                    }
                    if round >= plan.warmup {
                        report.reference(reference::ps_per_pair(cal.reference_pairs));
                    }
                    glue::cond_resched();
                }
                report.end_reference(mode, t, nsites as u32, cal.reference_pairs);
                for (k, (slot, r)) in slots.iter_mut().zip(runners).enumerate() {
                    if !slot.active {
                        continue;
                    }
                    report.end_config(k)?;
                    let st = (r.stats)();
                    if (st.classes, st.table_bytes) >= (slot.peak.classes, slot.peak.table_bytes) {
                        slot.peak = st;
                    }
                    slot.claimed = slot.claimed.max(nsites);
                    if plan.fail_alloc_every == 0 {
                        // However many threads raced to create them, each site has one class.
                        let expected = match r.info.keys {
                            Keys::Table => nsites,
                            Keys::Pool => slot.claimed,
                            Keys::Static | Keys::PerObject => continue,
                        };
                        report.check(r.info.name, mode, expected, st.classes)?;
                    }
                }
            }
        }
    }
    let mut peaks = KVec::with_capacity(n, GFP_KERNEL)?;
    for slot in slots.iter() {
        peaks.push(slot.peak, GFP_KERNEL)?;
    }
    Ok(peaks)
}

/// One batch of strategy `k` in round `round`, reported unless it is a warm-up.
#[allow(clippy::too_many_arguments)]
fn run_once(
    plan: &Plan,
    report: &mut Report,
    r: &Runner,
    slot: &Slot,
    k: usize,
    round: u32,
    mode: Mode,
    sites: &'static [CallSite],
    threads: u32,
) -> Result {
    let (gp0, t0) = (glue::gp_waits(), glue::now_ns());
    let (ns, max_ns) = (r.batch)(mode, sites, threads, slot.ops)?;
    let (gps, wall_ns) = (glue::gp_waits() - gp0, glue::now_ns() - t0);
    if round < plan.warmup {
        return Ok(());
    }
    let ops = slot.ops;
    report.result(
        k,
        Row {
            strategy: r.info.name,
            mode,
            threads,
            sites: sites.len() as u32,
            run: round - plan.warmup + 1,
            ops,
            ps_per_op: ns * 1000 / ops.max(1),
            max_ps_per_op: max_ns.map(|m| m * 1000 / ops.max(1)),
            // Per operation of all threads together.
            gp_milli_per_op: gps * 1000 / (ops * threads as u64).max(1),
            est_ns: slot.est.run_estimate_ns(round),
            wall_ns,
            batch_ns: ns,
        },
    )
}
