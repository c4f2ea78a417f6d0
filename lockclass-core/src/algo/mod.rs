// SPDX-License-Identifier: GPL-2.0

//! Tables that map a caller's [`core::panic::Location`] to a lock class.
//!
//! [`table::Table`] is the RFC's content-keyed hash table (1024 buckets, each a lock around a
//! chain of records); it serves the `mutex`, `spinlock` (locked lookups) and `rcu` (lock-free
//! lookups) strategies. [`addr_cache::AddrCache`] keys by the `Location`'s address and sits in
//! front of the table in [`cached::CachedTable`], the `cached` strategy. [`pool::KeyPool`] is a
//! fixed set of keys in static memory, one claimed per site; [`pooled::PooledTable`] puts the
//! address cache in front of it (the `pool` strategy).

pub mod addr_cache;
pub mod bucket;
pub mod cached;
pub mod pool;
pub mod pooled;
pub mod seq_cache;
pub mod siphash;
pub mod site;
pub mod table;

/// The atomics the tables use: `core`'s, or `loom`'s when model-checking (`--cfg loom`).
pub mod atomic {
    #[cfg(not(loom))]
    pub use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
    #[cfg(loom)]
    pub use loom::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

    /// Every Release or Acquire the lock-free paths rely on, by name, so that a model check can
    /// weaken one at a time to Relaxed and show that a model then fails (`host-bench`'s
    /// `tests/loom.rs`, `weakened_orderings_are_caught`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum SyncPoint {
        /// Table: the compare-exchange that publishes a new bucket (Release on success).
        BucketPublish,
        /// Table: the load of a bucket pointer on the lookup path (Acquire).
        BucketLoad,
        /// Table: the loser of the bucket race reads the winner's bucket (Acquire on failure).
        BucketRaceLost,
        /// Table: a thread whose bucket allocation failed reloads the slot (Acquire).
        BucketAllocFailed,
        /// Table: the store of a chain head that publishes a record (Release).
        HeadPublish,
        /// Table: the lock-free load of a chain head (Acquire).
        HeadLoad,
        /// Address cache: the store of a slot's address that publishes its record (Release).
        CachePublish,
        /// Address cache: the hit path's load of the home slot's address (Acquire).
        CacheLoadHome,
        /// Address cache: the probing load of a later slot's address (Acquire).
        CacheLoadProbe,
        /// Key pool: the store that publishes a claimed slot (Release).
        PoolPublish,
        /// Key pool: the lock-free load of a slot's state (Acquire).
        PoolLoad,
        /// Patch series' address cache: a reader's first load of an entry's count (Acquire).
        SeqReadStart,
        /// Patch series' address cache: a reader's fence before its second count (Acquire).
        SeqReadFence,
        /// Patch series' address cache: a writer's compare-exchange that makes the count odd
        /// (Acquire on success).
        SeqWriteAcquire,
        /// Patch series' address cache: a writer's fence after making the count odd (Release).
        SeqWriteFence,
        /// Patch series' address cache: a writer's store of the even count (Release).
        SeqWriteEnd,
        /// Host bucket spinlock: taking the lock (Acquire).
        LockAcquire,
        /// Host bucket spinlock: releasing the lock (Release).
        LockRelease,
    }

    /// `order` for the access named `point`: always `order`, except in a loom model run under
    /// [`weaken`], which makes that one access Relaxed.
    #[inline(always)]
    pub fn order(point: SyncPoint, order: Ordering) -> Ordering {
        #[cfg(loom)]
        if WEAKENED.with(|w| w.get()) == Some(point) {
            return Ordering::Relaxed;
        }
        let _ = point;
        order
    }

    #[cfg(loom)]
    std::thread_local! {
        // loom runs a model's threads on the test's own OS thread, so a thread-local reaches
        // all of them and no other test.
        static WEAKENED: core::cell::Cell<Option<SyncPoint>> = const { core::cell::Cell::new(None) };
    }

    /// Runs `f` (a loom model) with the access `point` weakened to Relaxed.
    #[cfg(loom)]
    pub fn weaken<T>(point: SyncPoint, f: impl FnOnce() -> T) -> T {
        struct Restore;
        impl Drop for Restore {
            fn drop(&mut self) {
                WEAKENED.with(|w| w.set(None));
            }
        }
        WEAKENED.with(|w| w.set(Some(point)));
        let _restore = Restore;
        f()
    }
}

/// Hands `v` to an empty `asm!` statement and returns it: the optimizer must compute `v` for
/// every call and cannot know the result, so a lookup whose class goes through it is neither
/// deleted, hoisted out of a loop, folded (`noop`'s addresses) nor vectorized. Unlike
/// `black_box`, which takes the value's address, it costs no instruction: no store and reload,
/// and no memory clobber, which would make the compiler reload the strategy's own pointers (the
/// table's address) on every operation and so charge the harness to the cheap strategies. The
/// timed loops of the module and of the host benchmarks keep every class through it.
#[inline(always)]
pub fn keep(v: usize) -> usize {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    {
        let mut v = v;
        // SAFETY: an empty template that touches nothing but the register it is given.
        unsafe {
            core::arch::asm!("/* {0} */", inout(reg) v, options(nomem, nostack, preserves_flags))
        };
        v
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        core::hint::black_box(v)
    }
}

/// An allocation the table needed failed; the caller falls back (the RFC uses the `Location`
/// address as a static key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocError;
