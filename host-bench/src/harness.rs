// SPDX-License-Identifier: GPL-2.0

//! The timed loops and the benchmark parameters, shared by the benches, tests and export.
//!
//! Every timed loop is a generic function, so it is compiled into each strategy's (or hash's)
//! own code: there is no indirect call per operation, only per batch.

use crate::call_sites::{CALL_SITES, COMPILED_SITES};
use crate::hash::SiteHash;
use crate::strategy::HostStrategy;
use crate::CallSite;
use std::hint::black_box;
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

/// Distinct sites per benchmark: one (a bucket of one, the reviewers' "almost always length
/// 1"), a few, a quarter of the buckets, and every compiled site.
pub const SITE_COUNTS: [usize; 4] = [1, 16, 256, COMPILED_SITES];

/// Threads of the `concurrent` benchmark on a machine with `cores` CPUs: powers of two up to
/// `cores`, and `cores` itself. Never more threads than CPUs: beyond that a thread count
/// measures the scheduler (threads preempted mid-batch), not the table.
pub fn thread_counts(cores: usize) -> Vec<usize> {
    let cores = cores.max(1);
    let mut counts: Vec<usize> = (0..usize::BITS)
        .map(|i| 1usize << i)
        .take_while(|&t| t < cores)
        .collect();
    counts.push(cores);
    counts
}

/// Sites of the `concurrent` benchmark: all threads on one site (one bucket, one lock), or
/// spread over every compiled site.
pub const CONCURRENT_SITE_COUNTS: [usize; 2] = [1, COMPILED_SITES];

/// The first `n` compiled call sites.
pub fn sites(n: usize) -> &'static [CallSite] {
    &CALL_SITES[..n]
}

/// Lookups a timed pass makes at least. Each pass pays the loop's entry and exit once; with one
/// site per pass that overhead is paid per lookup and outweighs what `noop`, `location` and a
/// `cached` hit cost (it was the whole one-site anomaly). [`pass_sites`] repeats few sites so
/// that every site count amortizes it alike.
pub const MIN_PASS: usize = 64;

/// What a timed pass walks for `n` distinct sites: the first `n` compiled sites, repeated in
/// order up to at least [`MIN_PASS`] entries when there are fewer (copies of the [`CallSite`]s,
/// so the same `Location`s and keys). Operations per pass: the slice's length.
///
/// # Panics
///
/// If `n` is 0 or more than the compiled sites.
pub fn pass_sites(n: usize) -> &'static [CallSite] {
    assert!(n > 0 && n <= COMPILED_SITES, "{n} sites");
    if n >= MIN_PASS {
        return sites(n);
    }
    let repeated: Vec<CallSite> = (0..MIN_PASS.div_ceil(n))
        .flat_map(|_| {
            sites(n).iter().map(|s| CallSite {
                loc: s.loc,
                key: s.key,
            })
        })
        .collect();
    // Once per benchmark configuration: a few hundred bytes that live as long as the sites.
    Box::leak(repeated.into_boxed_slice())
}

pub use lockclass_core::keep;

/// One pass over `sites`: every class is kept ([`keep`]), nothing else is done per operation.
#[inline(always)]
fn pass<S: HostStrategy>(s: &S, sites: &'static [CallSite]) {
    for site in sites {
        keep(s.class(site, ()).class());
    }
}

/// Looks up every site of `sites` `iters` times, starting at `sites[start]` and wrapping
/// around: `iters * sites.len()` operations. The per-operation work is the strategy's lookup,
/// inlined, plus the loop (a pointer increment, compare and branch); `noop` measures exactly
/// that. Returns `iters`, for callers that want to consume a result.
#[inline(never)]
pub fn lookup_batch<S: HostStrategy>(
    s: &S,
    sites: &'static [CallSite],
    start: usize,
    iters: u64,
) -> u64 {
    let (before, from) = sites.split_at(start);
    for _ in 0..iters {
        pass(s, from);
        pass(s, before);
    }
    iters
}

/// Hashes every site of `sites` `iters` times with `H`; returns a checksum.
#[inline(never)]
pub fn hash_batch<H: SiteHash>(sites: &'static [CallSite], iters: u64) -> u64 {
    let mut sum = 0u64;
    for _ in 0..iters {
        sum = sites.iter().fold(sum, |sum, site| {
            sum.rotate_left(1) ^ black_box(H::hash(site.loc))
        });
    }
    sum
}

/// CPU time the calling thread has used so far (`CLOCK_THREAD_CPUTIME_ID`).
pub fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid `timespec` for the call to fill.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Runs `f` and returns the CPU time this thread spent in it. The timed benchmarks measure CPU
/// time, not wall time: on this shared machine (kernel builds, guests) a benchmark thread is
/// regularly descheduled, and wall time would count those gaps as lookups. What a lookup costs
/// on the core, cache misses and cache-line transfers between cores included, is CPU time.
pub fn cpu_timed(f: impl FnOnce()) -> Duration {
    let start = thread_cpu_time();
    f();
    thread_cpu_time() - start
}

/// Runs `threads` threads that each look up every site of `sites` `iters` times on the shared
/// `s`, each starting at a different site. Threads are spawned before timing starts and
/// released together by a barrier; each times its own batch in its own CPU time
/// ([`cpu_timed`]), and the result is the mean of those times, as the kernel module's
/// `ns_per_op` in `concurrent` mode (so per op and per thread: divide by
/// `iters * sites.len()`).
pub fn run_concurrent<S: HostStrategy>(
    s: &S,
    sites: &'static [CallSite],
    threads: usize,
    iters: u64,
) -> Duration {
    let barrier = Barrier::new(threads);
    let times: Vec<Duration> = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let barrier = &barrier;
                scope.spawn(move || {
                    let start = t * sites.len() / threads;
                    barrier.wait();
                    cpu_timed(|| {
                        black_box(lookup_batch(s, sites, start, iters));
                    })
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("benchmark thread panicked"))
            .collect()
    });
    let threads = u32::try_from(times.len()).expect("thread count fits u32");
    times.iter().sum::<Duration>() / threads
}

/// The criterion parameter of a `concurrent` benchmark.
pub fn concurrent_param(threads: usize, sites: usize) -> String {
    format!("{threads}threads_{sites}sites")
}

/// `(threads, sites)` from a `concurrent` parameter, or `None` if it is not one.
pub fn parse_concurrent_param(p: &str) -> Option<(usize, usize)> {
    let (t, s) = p.split_once("threads_")?;
    Some((t.parse().ok()?, s.strip_suffix("sites")?.parse().ok()?))
}

/// Memory one batch of fresh strategies may hold in the `create` benchmark (criterion sets up
/// a whole batch, then times it). Small, so that the tables set up just before the timing are
/// still in the CPU caches, as the kernel module's one fresh table is; large enough that
/// criterion's two clock reads per batch are spread over many fresh tables.
pub const CREATE_BATCH_BYTES: usize = 1 << 20;

/// Fresh strategies per timed batch in the `create` benchmark with `sites` sites: as many as
/// fit in [`CREATE_BATCH_BYTES`] once filled, measured on one filled instance.
pub fn create_batch_size<S: HostStrategy>(sites: &'static [CallSite]) -> u64 {
    let s = S::new();
    black_box(lookup_batch(&s, sites, 0, 1));
    let footprint = (core::mem::size_of::<S>() + s.memory(sites.len()).table_bytes).max(1);
    (CREATE_BATCH_BYTES / footprint).max(1) as u64
}

/// Criterion warm-up per benchmark: with 131 benchmarks, criterion's default (3 s + 5 s) would
/// take over a quarter of an hour; these keep a full run under 10 minutes on 2 cores.
pub const WARM_UP: std::time::Duration = std::time::Duration::from_secs(1);
/// Criterion measurement time per benchmark (see [`WARM_UP`]).
pub const MEASUREMENT: std::time::Duration = std::time::Duration::from_secs(2);
