// SPDX-License-Identifier: GPL-2.0

//! Model of lockdep's dynamic-key registry (`lockdep_register_key` /
//! `lockdep_unregister_key`): one global, lock-protected hash set of key addresses.
//!
//! Every strategy that registers keys goes through here (the table strategies' records and
//! the `dynamic` strategy's per-lock keys), so "register a key" costs the same everywhere.
//!
//! Differences from lockdep, kept on purpose: lockdep's `lock_keys_hash` is a fixed array of
//! RCU hlists (O(1) insert, the node lives in the key) under the graph lock with interrupts
//! off; here it is a growable hash set (amortised O(1), occasionally rehashing) under a
//! `std` mutex, whose uncontended cost (one compare-exchange to lock, one to unlock) matches a
//! spinlock's. `lockdep_unregister_key` also waits for an RCU grace period (milliseconds in
//! the kernel), which has no host equivalent and is not modelled.
//!
//! The lock is `std`'s, not [`crate::locks::SpinLock`], because it is a global `static` and
//! loom's atomics (which the spinlock uses under `--cfg loom`) cannot be. Under loom it is
//! still safe: the critical sections touch no loom object, so a model thread can never be
//! switched out while holding it.

use crate::hash::FxHasher;
use crate::key::LockClassKey;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::sync::{Mutex, MutexGuard, PoisonError};

type KeySet = HashSet<usize, BuildHasherDefault<FxHasher>>;

static KEYS: Mutex<KeySet> = Mutex::new(HashSet::with_hasher(BuildHasherDefault::new()));

fn keys() -> MutexGuard<'static, KeySet> {
    // A panic while holding the lock (a failed assertion below) leaves the set consistent.
    KEYS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Registers `key`. Panics if it is registered already (lockdep warns).
///
/// The caller must call [`unregister`] before `key`'s memory is freed or reused.
pub fn register(key: &LockClassKey) {
    let fresh = keys().insert(key.addr());
    assert!(fresh, "lock class key {:#x} registered twice", key.addr());
}

/// Unregisters `key`. Panics if it is not registered (lockdep warns).
pub fn unregister(key: &LockClassKey) {
    let was = keys().remove(&key.addr());
    assert!(was, "lock class key {:#x} was not registered", key.addr());
}

/// Whether the key at `addr` is registered now.
pub fn is_registered(addr: usize) -> bool {
    keys().contains(&addr)
}

/// How many keys are registered now (all threads' together).
pub fn registered() -> usize {
    keys().len()
}

/// Keeps a key registered for as long as it lives, as a lock with a dynamic key does for the
/// key embedded in it (registered when the lock is initialised, unregistered when dropped).
/// The borrow keeps the key from moving while registered.
pub struct Registered<'a>(&'a LockClassKey);

impl<'a> Registered<'a> {
    /// Registers `key` until the guard is dropped.
    pub fn new(key: &'a LockClassKey) -> Self {
        register(key);
        Self(key)
    }
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        unregister(self.0);
    }
}
