// SPDX-License-Identifier: GPL-2.0

//! Host stand-ins for the kernel's bucket locks.

use lockclass_core::atomic::{order, AtomicUsize, Ordering, SyncPoint};
use lockclass_core::table::BucketLock;
use parking_lot::lock_api::RawMutex as _;

#[cfg(loom)]
use loom::hint::spin_loop;
#[cfg(not(loom))]
use std::hint::spin_loop;

const UNLOCKED: usize = 0;
const LOCKED: usize = 1;

/// Test-and-test-and-set spinlock, for the `spinlock` and `rcu` strategies.
///
/// Why TTAS: the kernel's qspinlock takes a free lock with one compare-exchange, as this does;
/// the queueing only matters once it is contended. Waiters spin on plain loads so the cache
/// line stays shared until the holder releases it. Written on `lockclass_core::atomic` so that
/// loom checks it along with the table. Unlike in the kernel, a holder can be preempted (no
/// `preempt_disable` in user space), so with more threads than CPUs waiters may spin through a
/// holder's descheduled time.
pub struct SpinLock {
    state: AtomicUsize,
}

impl SpinLock {
    /// An unlocked lock.
    pub fn new() -> Self {
        Self {
            state: AtomicUsize::new(UNLOCKED),
        }
    }
}

impl Default for SpinLock {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: the compare-exchange from UNLOCKED to LOCKED succeeds for one thread at a time, and
// only the holder stores UNLOCKED; Acquire on taking and Release on releasing make the holder's
// writes visible to the next holder.
unsafe impl BucketLock for SpinLock {
    #[inline(always)]
    fn lock(&self) {
        while self
            .state
            .compare_exchange_weak(
                UNLOCKED,
                LOCKED,
                order(SyncPoint::LockAcquire, Ordering::Acquire),
                Ordering::Relaxed,
            )
            .is_err()
        {
            while self.state.load(Ordering::Relaxed) != UNLOCKED {
                spin_loop();
            }
        }
    }

    #[inline(always)]
    unsafe fn unlock(&self) {
        self.state
            .store(UNLOCKED, order(SyncPoint::LockRelease, Ordering::Release));
    }
}

/// Sleeping lock for the `mutex` strategy: `parking_lot`'s raw mutex through `lock_api`.
///
/// Why this one: like the kernel mutex, it takes and releases a free lock with one
/// compare-exchange each, and when contended spins briefly, then sleeps (on a futex, on
/// Linux). `std::sync::Mutex` behaves the same but offers no raw `lock`/`unlock`, which
/// [`BucketLock`] needs, and a hand-written futex lock would be more code to get right.
pub struct SleepingMutex(parking_lot::RawMutex);

impl SleepingMutex {
    /// An unlocked mutex.
    pub const fn new() -> Self {
        Self(parking_lot::RawMutex::INIT)
    }
}

impl Default for SleepingMutex {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: `parking_lot::RawMutex` is a mutual-exclusion lock with acquire/release semantics
// (the `lock_api::RawMutex` contract).
unsafe impl BucketLock for SleepingMutex {
    #[inline(always)]
    fn lock(&self) {
        self.0.lock();
    }

    #[inline(always)]
    unsafe fn unlock(&self) {
        // SAFETY: the caller holds the lock (`BucketLock::unlock` contract), taken in this
        // context, as `lock_api::RawMutex::unlock` requires.
        unsafe { self.0.unlock() }
    }
}
