// SPDX-License-Identifier: GPL-2.0

//! The timed batches of each mode, generic over the strategy so every timed loop is
//! monomorphized: the harness makes one indirect call per *batch*, never per operation
//! (refscale's `readsection(nloops)` shape). The bottom of the module's timing: it knows the
//! strategies, the lock and the clock, not the plan, the cost model or the report.

use crate::glue;
use crate::kernel_env::{class_ref, Kernel};
use crate::lock::{LockSlot, MutexKind};
use crate::params::MAX_THREADS;
use crate::sites::CallSite;
use crate::strategy::{Held, Strategy};
use core::hint::black_box;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use kernel::alloc::Flags;
use kernel::prelude::*;

/// Operations per preemption-disabled section in `atomic` mode: long enough that the
/// enable/disable pair is noise, short enough to keep scheduling latency low.
const ATOMIC_CHUNK: u64 = 4096;

/// Most lookups per untimed chunk with which `concurrent` threads warm up and keep the load on.
const STEADY_CHUNK: u64 = 256;

/// Lookups per untimed chunk for a timed batch of `ops`: a sixteenth of it, so a thread that
/// has ended its batch re-checks often (and per-object keys, at 64 ops, wait for few grace
/// periods), at most `STEADY_CHUNK`.
pub(crate) fn steady_chunk(ops: u64) -> u64 {
    (ops / 16).clamp(1, STEADY_CHUNK)
}

/// Cycles through `sites` from `*cursor`, `ops` times: asks for a class (allocating with
/// `flags` on a miss), does `with` with it (inlined: the closure is monomorphized, not called
/// indirectly), gives the class back (drops the token).
///
/// The sites are walked by a slice iterator, restarted at the end, so the site's address is a
/// register the loop steps and `noop` (that address as its key) needs no load, where the
/// cheapest real strategies (`location`, `macro`) need one. Each key goes through `keep`, so
/// the compiler can neither fold a load into the accumulation nor see through `noop`'s
/// addresses: 8 instructions per lookup for all three under icount, where an index walk with
/// a plain `^=` gave `noop` one more than `location` (docs/design.md, Timing).
#[inline(always)]
fn for_each_class<S: Strategy<Env = Kernel>>(
    s: &S,
    sites: &'static [CallSite],
    cursor: &mut usize,
    ops: u64,
    flags: Flags,
    mut with: impl FnMut(&Held<'_, Kernel>),
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
        let held = s.class(site, flags);
        with(&held);
        acc ^= crate::algo::keep(held.class().key as usize);
        drop(held);
    }
    *cursor = sites.len() - walk.len();
    acc
}

/// Lookups only.
#[inline(always)]
fn lookups<S: Strategy<Env = Kernel>>(
    s: &S,
    sites: &'static [CallSite],
    cursor: &mut usize,
    ops: u64,
    flags: Flags,
) -> usize {
    for_each_class(s, sites, cursor, ops, flags, |_| {})
}

/// Lookups in process context, which may sleep (a miss allocates with `GFP_KERNEL`).
#[inline(never)]
pub(crate) fn lookup_batch<S: Strategy<Env = Kernel>>(
    s: &S,
    sites: &'static [CallSite],
    ops: u64,
) -> usize {
    lookups(s, sites, &mut 0, ops, GFP_KERNEL)
}

/// Lookups with preemption disabled, in chunks (a miss allocates with `GFP_ATOMIC`).
#[inline(never)]
pub(crate) fn atomic_batch<S: Strategy<Env = Kernel>>(
    s: &S,
    sites: &'static [CallSite],
    ops: u64,
) -> usize {
    let (mut acc, mut done, mut cursor) = (0usize, 0u64, 0usize);
    while done < ops {
        let n = (ops - done).min(ATOMIC_CHUNK);
        acc ^= glue::non_preemptible(|| lookups(s, sites, &mut cursor, n, GFP_ATOMIC));
        done += n;
    }
    acc
}

/// Class lookup plus `mutex` initialisation with it (lockdep_init_map under lockdep); with
/// `acquire`, also the first lock/unlock, where lockdep looks the class up or registers it.
/// One mutex per operation, made in a slot pinned on the stack for the batch; each borrows
/// its class's token, so it cannot outlive the class.
#[inline(never)]
pub(crate) fn init_batch<S: Strategy<Env = Kernel>, const ACQUIRE: bool>(
    s: &S,
    sites: &'static [CallSite],
    ops: u64,
) -> usize {
    let mut slot = core::pin::pin!(LockSlot::<MutexKind>::new());
    for_each_class(s, sites, &mut 0, ops, GFP_KERNEL, |held| {
        let m = slot.as_mut().init(class_ref(held));
        if ACQUIRE {
            m.with(|| ());
        }
    })
}

/// Times one batch: ns for the whole batch.
#[inline(always)]
pub(crate) fn run_timed(batch: impl FnOnce() -> usize) -> u64 {
    let t0 = glue::now_ns();
    black_box(batch());
    glue::now_ns() - t0
}

/// `threads` kthreads, one per CPU, released together, in refscale's reader shape: each warms
/// up with a chunk of untimed lookups and keeps warming until every thread has; then times
/// its own batch; then keeps the load on with untimed chunks until the last thread has ended
/// its timed batch, so every timed batch runs against the same contention from start to end.
/// Returns (mean, max) timed batch in ns.
pub(crate) fn concurrent_run<S: Strategy<Env = Kernel>>(
    s: &'static S,
    sites: &'static [CallSite],
    ops: u64,
    threads: u32,
) -> Result<(u64, u64)> {
    #[allow(clippy::declare_interior_mutable_const)]
    const ZERO: AtomicU64 = AtomicU64::new(0);
    // A constant repeated (an inline `const {}` block needs rustc 1.79): fresh atomics each.
    let elapsed: [AtomicU64; MAX_THREADS] = [ZERO; MAX_THREADS];
    let warming = AtomicU32::new(threads);
    let timing = AtomicU32::new(threads);
    let chunk = steady_chunk(ops);
    glue::run_on_threads(threads, &|i: u32| {
        let mut cursor = 0;
        black_box(lookups(s, sites, &mut cursor, chunk, GFP_KERNEL));
        // AcqRel/Acquire, as refscale's atomic_dec_return()/atomic_read_acquire(): the
        // counters order nothing else (each thread's data is its own), they only say when.
        if warming.fetch_sub(1, Ordering::AcqRel) != 1 {
            while warming.load(Ordering::Acquire) != 0 {
                black_box(lookups(s, sites, &mut cursor, chunk, GFP_KERNEL));
            }
        }
        let ns = run_timed(|| lookup_batch(s, sites, ops));
        elapsed[i as usize].store(ns, Ordering::Relaxed);
        if timing.fetch_sub(1, Ordering::AcqRel) != 1 {
            while timing.load(Ordering::Acquire) != 0 {
                black_box(lookups(s, sites, &mut cursor, chunk, GFP_KERNEL));
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
