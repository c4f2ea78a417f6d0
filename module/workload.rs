// SPDX-License-Identifier: GPL-2.0

//! The workloads (`mode=`), generic over the strategy so every timed loop is monomorphized:
//! the harness makes one indirect call per *batch*, never per operation (refscale's
//! `readsection(nloops)` shape). Timing itself is in `run_timed`, apart from what is timed.

use crate::cost::{self, Calibration, UnitCosts};
use crate::glue;
use crate::params::{Context, Measure, Mode, Plan, MAX_THREADS};
use crate::report::{Report, Row};
use crate::sites::{CallSite, CALL_SITES};
use crate::strategy::{Class, Keys, Strategy, StrategyInfo};
use core::hint::black_box;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use kernel::bindings;
use kernel::prelude::*;

/// Operations per preemption-disabled section in `atomic` mode: long enough that the
/// enable/disable pair is noise, short enough to keep scheduling latency low.
const ATOMIC_CHUNK: u64 = 4096;

/// Cycles through `sites` from `*cursor`, `ops` times: asks for a class, does `with` with it
/// (inlined: the closure is monomorphized, not called indirectly), gives the class back.
///
/// The sites are walked by a slice iterator, restarted at the end, so the site's address is a
/// register the loop steps and `noop` (that address as its key) needs no load, where the
/// cheapest real strategies (`location`, `macro`) need one. Each key goes through `keep`, so
/// the compiler can neither fold a load into the accumulation nor see through `noop`'s
/// addresses: 8 instructions per lookup for all three under icount, where an index walk with
/// a plain `^=` gave `noop` one more than `location` (docs/design.md, Timing).
#[inline(always)]
fn for_each_class<S: Strategy>(
    s: &S,
    sites: &'static [CallSite],
    cursor: &mut usize,
    ops: u64,
    mut with: impl FnMut(Class),
) -> usize {
    let mut acc = 0usize;
    let Some(first) = sites.first() else {
        return acc;
    };
    let mut walk = sites[(*cursor).min(sites.len())..].iter();
    for _ in 0..ops {
        let site = match walk.next() {
            Some(site) => site,
            None => {
                walk = sites[1..].iter();
                first
            }
        };
        let c = s.class(site);
        with(c);
        acc ^= crate::algo::keep(c.key as usize);
        s.release(site, c);
    }
    *cursor = sites.len() - walk.len();
    acc
}

/// Lookups only.
#[inline(always)]
fn lookups<S: Strategy>(s: &S, sites: &'static [CallSite], cursor: &mut usize, ops: u64) -> usize {
    for_each_class(s, sites, cursor, ops, |_| {})
}

#[inline(never)]
pub(crate) fn lookup_batch<S: Strategy>(s: &S, sites: &'static [CallSite], ops: u64) -> usize {
    lookups(s, sites, &mut 0, ops)
}

/// Lookups with preemption disabled, in chunks.
#[inline(never)]
pub(crate) fn atomic_batch<S: Strategy>(s: &S, sites: &'static [CallSite], ops: u64) -> usize {
    let (mut acc, mut done, mut cursor) = (0usize, 0u64, 0usize);
    while done < ops {
        let n = (ops - done).min(ATOMIC_CHUNK);
        acc ^= glue::non_preemptible(|| lookups(s, sites, &mut cursor, n));
        done += n;
    }
    acc
}

/// Class lookup plus `mutex` initialisation with it (lockdep_init_map under lockdep); with
/// `acquire`, also the first lock/unlock, where lockdep looks the class up or registers it.
#[inline(never)]
pub(crate) fn init_batch<S: Strategy, const ACQUIRE: bool>(
    s: &S,
    sites: &'static [CallSite],
    ops: u64,
) -> usize {
    let mut m = MaybeUninit::<bindings::mutex>::zeroed();
    for_each_class(s, sites, &mut 0, ops, |c| {
        // SAFETY: `m` is a local mutex nobody else sees; it is unlocked whenever it is
        // re-initialised; the key is valid (static, or registered until `release`).
        unsafe {
            bindings::__mutex_init(m.as_mut_ptr(), c.name, c.key);
            if ACQUIRE {
                bindings::mutex_lock(m.as_mut_ptr());
                bindings::mutex_unlock(m.as_mut_ptr());
            }
        }
    })
}

/// Times one batch: ns for the whole batch.
#[inline(always)]
fn run_timed(batch: impl FnOnce() -> usize) -> u64 {
    let t0 = glue::now_ns();
    black_box(batch());
    glue::now_ns() - t0
}

/// Runs every mode of the plan for strategy `s`, reporting as it goes. Leaves `s`'s table
/// populated (as a long-running kernel would have it) for the stats line and module exit.
pub(crate) fn run_strategy<S: Strategy>(
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
    let mut claimed = cost::probe_sites(S::KEYS, max_sites);
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
                s.reset();
                report.begin_config(S::NAME, mode, t, nsites as u32);
                run_mode(s, plan, report, mode, sites, t, &est)?;
                report.end_config()?;
                claimed = claimed.max(nsites);
                if plan.fail_alloc_every == 0 {
                    // However many threads raced to create them, each site has one class.
                    match S::KEYS {
                        Keys::Table => report.check(S::NAME, mode, nsites, s.stats().classes)?,
                        Keys::Pool => report.check(S::NAME, mode, claimed, s.stats().classes)?,
                        Keys::Static | Keys::PerObject => {}
                    }
                }
            }
        }
    }
    Ok(())
}

fn run_mode<S: Strategy>(
    s: &'static S,
    plan: &Plan,
    report: &mut Report,
    mode: Mode,
    sites: &'static [CallSite],
    threads: u32,
    est: &cost::ConfigCost,
) -> Result {
    let ops = cost::ops_per_run(plan, &StrategyInfo::of::<S>(), mode, sites.len());
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
                s.reset();
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

/// `threads` kthreads, one per CPU, released together, in refscale's reader shape: each warms
/// up with a chunk of untimed lookups and keeps warming until every thread has; then times
/// its own batch; then keeps the load on with untimed chunks until the last thread has ended
/// its timed batch, so every timed batch runs against the same contention from start to end.
/// Returns (mean, max) timed batch in ns.
pub(crate) fn concurrent_run<S: Strategy>(
    s: &'static S,
    sites: &'static [CallSite],
    ops: u64,
    threads: u32,
) -> Result<(u64, u64)> {
    let elapsed: [AtomicU64; MAX_THREADS] = [const { AtomicU64::new(0) }; MAX_THREADS];
    let warming = AtomicU32::new(threads);
    let timing = AtomicU32::new(threads);
    let chunk = cost::steady_chunk(ops);
    glue::run_on_threads(threads, &|i: u32| {
        let mut cursor = 0;
        black_box(lookups(s, sites, &mut cursor, chunk));
        // AcqRel/Acquire, as refscale's atomic_dec_return()/atomic_read_acquire(): the
        // counters order nothing else (each thread's data is its own), they only say when.
        if warming.fetch_sub(1, Ordering::AcqRel) != 1 {
            while warming.load(Ordering::Acquire) != 0 {
                black_box(lookups(s, sites, &mut cursor, chunk));
            }
        }
        let ns = run_timed(|| lookup_batch(s, sites, ops));
        elapsed[i as usize].store(ns, Ordering::Relaxed);
        if timing.fetch_sub(1, Ordering::AcqRel) != 1 {
            while timing.load(Ordering::Acquire) != 0 {
                black_box(lookups(s, sites, &mut cursor, chunk));
            }
        }
    })?;
    // Relaxed: `run_on_threads` returned after every thread completed (a completion orders it).
    let all = &elapsed[..threads as usize];
    let sum: u64 = all.iter().map(|e| e.load(Ordering::Relaxed)).sum();
    let max = all
        .iter()
        .map(|e| e.load(Ordering::Relaxed))
        .max()
        .unwrap_or(0);
    Ok((sum / threads as u64, max))
}
