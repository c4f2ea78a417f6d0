// SPDX-License-Identifier: GPL-2.0

//! A fixed pool of lock-class keys in static memory, one claimed per source site for good.
//!
//! lockdep accepts a key in a kernel or module image (`static_obj()`) without registration, so
//! keys taken from a `static` pool cost what a macro's `static` key costs at lock init, and
//! need no `lockdep_register_key` nor, when their lock goes, a grace period. The price: a
//! claimed key can be neither renamed nor given to another site (lockdep keeps its class, name
//! and dependencies until the image that holds it is unloaded), so a slot belongs to its site
//! for the pool's lifetime; claiming the same site again finds the same slot.
//!
//! # Layout, and why it is correct under concurrent claims
//!
//! Open addressing by the site's content hash, linear probing. A slot's state goes `FREE` ->
//! `CLAIMED` -> `READY` and never back. Lookups ([`KeyPool::find`]) take no lock: they load the
//! state with Acquire and compare a `READY` slot's hash, line and column, which its claimer
//! wrote before publishing `READY` with Release, so a reader that sees `READY` sees them (and
//! the key's name). A `FREE` slot ends the probe: slots are never freed, so when a site's slot
//! was claimed every slot before it in its probe order was taken, and still is.
//!
//! Claims ([`KeyPool::claim`]) for one site are serialised by the caller (a lock every claimer
//! of that site takes: the content table's bucket lock for the site's hash), so one site never
//! gets two slots. Different sites may race for one free slot: the compare-exchange
//! `FREE` -> `CLAIMED` gives it to one, and the other probes on. A reader skips `CLAIMED`
//! slots (not its site's: that claimer holds the lock the reader's own claim would take).

use super::atomic::{order, AtomicUsize, Ordering, SyncPoint};
use super::site::Site;
use core::cell::UnsafeCell;

/// Slots in the pool: every one of the 1024 compiled sites and more, at load at most 0.5.
pub const POOL_SLOTS: usize = 2048;

const FREE: usize = 0;
const CLAIMED: usize = 1;
const READY: usize = 2;

/// What a pool holds per slot: a key that can be named in place once.
pub trait PoolKey: Sized {
    /// A key with no name yet (what a `static` pool is built of).
    #[cfg(not(loom))]
    const UNNAMED: Self;
    /// A key with no name yet (loom's atomics have no `const` constructor).
    #[cfg(loom)]
    fn unnamed() -> Self;
    /// Names the key at `p` after `site`.
    ///
    /// # Safety
    ///
    /// `p` is valid for writes and nobody else reads or writes it meanwhile.
    unsafe fn name(p: *mut Self, site: &Site);
}

/// One slot; the key first, so that the slot's address is the key's.
#[repr(C)]
struct Slot<K> {
    key: UnsafeCell<K>,
    state: AtomicUsize,
    hash: UnsafeCell<u64>,
    line: UnsafeCell<u32>,
    column: UnsafeCell<u32>,
}

impl<K: PoolKey> Slot<K> {
    /// Whether this `READY` slot is `site`'s (as the content table compares records).
    ///
    /// # Safety
    ///
    /// The slot's state was loaded as `READY` with Acquire (its fields are written).
    #[inline(always)]
    unsafe fn is(&self, site: &Site, hash: u64) -> bool {
        // SAFETY: written before `READY` was published, never again (caller, module docs).
        unsafe {
            *self.hash.get() == hash
                && *self.line.get() == site.line
                && *self.column.get() == site.column
        }
    }

    /// The key of a `READY` slot.
    fn key(&self) -> &K {
        // SAFETY: a published key is only read from now on (its name was written before).
        unsafe { &*self.key.get() }
    }
}

/// A pool of `N` (a power of two) keys.
pub struct KeyPool<K, const N: usize = POOL_SLOTS> {
    slots: [Slot<K>; N],
    used: AtomicUsize,
    /// Claims that found every slot taken.
    full: AtomicUsize,
}

// SAFETY: slots are written only by their one claimer, before `READY` is published with
// Release, and read only after an Acquire load of `READY`; the keys are shared, hence
// `K: Sync`.
unsafe impl<K: Sync, const N: usize> Sync for KeyPool<K, N> {}
// SAFETY: the pool owns its keys.
unsafe impl<K: Send, const N: usize> Send for KeyPool<K, N> {}

impl<K: PoolKey, const N: usize> KeyPool<K, N> {
    /// An empty pool.
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        assert!(N.is_power_of_two());
        Self {
            slots: [Self::FREE_SLOT; N],
            used: AtomicUsize::new(0),
            full: AtomicUsize::new(0),
        }
    }

    /// A free slot, repeated by `new` (a constant item: an inline `const {}` block needs rustc
    /// 1.79). Each repetition is a fresh value.
    #[cfg(not(loom))]
    #[allow(clippy::declare_interior_mutable_const)]
    const FREE_SLOT: Slot<K> = Slot {
        key: UnsafeCell::new(K::UNNAMED),
        state: AtomicUsize::new(FREE),
        hash: UnsafeCell::new(0),
        line: UnsafeCell::new(0),
        column: UnsafeCell::new(0),
    };

    /// An empty pool (loom).
    #[cfg(loom)]
    pub fn new() -> Self {
        assert!(N.is_power_of_two());
        Self {
            slots: core::array::from_fn(|_| Slot {
                key: UnsafeCell::new(K::unnamed()),
                state: AtomicUsize::new(FREE),
                hash: UnsafeCell::new(0),
                line: UnsafeCell::new(0),
                column: UnsafeCell::new(0),
            }),
            used: AtomicUsize::new(0),
            full: AtomicUsize::new(0),
        }
    }

    /// `site`'s key, if it has claimed one. Takes no lock, never waits.
    #[inline]
    pub fn find(&self, site: &Site, hash: u64) -> Option<&K> {
        let mut i = hash as usize & (N - 1);
        for _ in 0..N {
            let slot = &self.slots[i];
            // Acquire: pairs with the Release in `claim` (module docs).
            match slot
                .state
                .load(order(SyncPoint::PoolLoad, Ordering::Acquire))
            {
                FREE => return None,
                // SAFETY: loaded `READY` with Acquire.
                READY if unsafe { slot.is(site, hash) } => return Some(slot.key()),
                _ => i = (i + 1) & (N - 1),
            }
        }
        None
    }

    /// `site`'s key: the one it claimed before, or a free slot claimed and named now. `None`
    /// if the pool is full.
    ///
    /// # Safety
    ///
    /// The caller holds a lock that every claim of `site` takes (module docs).
    pub unsafe fn claim(&self, site: &Site, hash: u64) -> Option<&K> {
        // A full pool stays full, and the caller's `find` has just probed every slot: a site
        // past the pool is not in it. Relaxed: a stale count only means one more probe.
        if self.used.load(Ordering::Relaxed) == N {
            self.full.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let mut i = hash as usize & (N - 1);
        for _ in 0..N {
            let slot = &self.slots[i];
            // Acquire: as in `find`. Our own earlier claim, if any, is `READY` here: it was
            // published before its claimer released the lock we now hold.
            let state = slot
                .state
                .load(order(SyncPoint::PoolLoad, Ordering::Acquire));
            if state == FREE {
                // Relaxed: the claim publishes nothing; readers skip `CLAIMED`. On failure
                // another site took the slot (never ours: we hold our site's lock).
                if slot
                    .state
                    .compare_exchange(FREE, CLAIMED, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
                {
                    // SAFETY: we claimed the slot: nobody else writes it, and readers look at
                    // it only once it is `READY`.
                    unsafe {
                        *slot.hash.get() = hash;
                        *slot.line.get() = site.line;
                        *slot.column.get() = site.column;
                        K::name(slot.key.get(), site);
                    }
                    // Release: publishes the fields and the name (module docs).
                    slot.state
                        .store(READY, order(SyncPoint::PoolPublish, Ordering::Release));
                    self.used.fetch_add(1, Ordering::Relaxed);
                    return Some(slot.key());
                }
            // SAFETY: loaded `READY` with Acquire.
            } else if state == READY && unsafe { slot.is(site, hash) } {
                return Some(slot.key());
            }
            i = (i + 1) & (N - 1);
        }
        self.full.fetch_add(1, Ordering::Relaxed);
        None
    }

    /// Whether `p` points into the pool (at a key it holds).
    pub fn holds(&self, p: *const u8) -> bool {
        let start = self.slots.as_ptr() as usize;
        (start..start + core::mem::size_of_val(&self.slots)).contains(&(p as usize))
    }

    /// Slots claimed so far (each one class, kept until the pool goes).
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// Claims that found the pool full.
    pub fn full(&self) -> usize {
        self.full.load(Ordering::Relaxed)
    }

    /// Bytes the pool occupies.
    pub const fn bytes(&self) -> usize {
        core::mem::size_of::<Self>()
    }
}

impl<K: PoolKey, const N: usize> Default for KeyPool<K, N> {
    fn default() -> Self {
        Self::new()
    }
}
