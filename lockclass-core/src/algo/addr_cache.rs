//! A lock-free map from a `Location`'s *address* to a record, for the `cached` strategy's fast
//! path: one multiply-shift hash, a load and a compare, no lock, never sleeps.
//!
//! Open addressing with linear probing over `N` slots; entries are only added (and all dropped
//! at once by `reset`), so readers need no reclamation. A full cache is not an error: `insert`
//! returns false and callers keep taking the slow path for that address.

use super::atomic::{AtomicPtr, Ordering};
use super::site::addr_hash;
use core::panic::Location;
use core::ptr::{self, NonNull};

/// Slots in the cache: room for 1024 sites with two `Location` objects each at load 0.5.
pub const CACHE_SLOTS: usize = 4096;

struct Slot<R> {
    /// The `Location` address this slot is claimed for, or null.
    loc: AtomicPtr<Location<'static>>,
    /// The record for `loc`, or null while the claimer has not stored it yet.
    rec: AtomicPtr<R>,
}

/// Address-keyed cache with `N` slots (a power of two) of pointers to `R`, which the owner
/// keeps alive until `reset`.
pub struct AddrCache<R, const N: usize = CACHE_SLOTS> {
    slots: [Slot<R>; N],
}

// SAFETY: only atomics; the `R`s pointed to are shared across threads, hence `R: Sync`.
unsafe impl<R: Sync, const N: usize> Sync for AddrCache<R, N> {}
// SAFETY: as above.
unsafe impl<R: Sync, const N: usize> Send for AddrCache<R, N> {}

impl<R, const N: usize> AddrCache<R, N> {
    const BITS: u32 = N.trailing_zeros();

    /// An empty cache.
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        assert!(N.is_power_of_two() && N > 1);
        Self {
            slots: [const {
                Slot {
                    loc: AtomicPtr::new(ptr::null_mut()),
                    rec: AtomicPtr::new(ptr::null_mut()),
                }
            }; N],
        }
    }

    /// An empty cache (loom's atomics have no `const` constructor).
    #[cfg(loom)]
    pub fn new() -> Self {
        assert!(N.is_power_of_two() && N > 1);
        Self {
            slots: core::array::from_fn(|_| Slot {
                loc: AtomicPtr::new(ptr::null_mut()),
                rec: AtomicPtr::new(ptr::null_mut()),
            }),
        }
    }

    /// The record cached for this `Location` object, if any.
    #[inline(always)]
    pub fn get(&self, loc: &'static Location<'static>) -> Option<NonNull<R>> {
        let want = loc as *const Location<'static> as *mut Location<'static>;
        let mut i = addr_hash(want as usize, Self::BITS);
        for _ in 0..N {
            let slot = &self.slots[i];
            // Relaxed: the address alone publishes nothing (it points at a static `Location`).
            let have = slot.loc.load(Ordering::Relaxed);
            if have == want {
                // Acquire: pairs with the Release in `insert`, so the record the pointer leads to
                // is visible (the inserter itself obtained it by an Acquire load, so this chains
                // back to the record's creation).
                return NonNull::new(slot.rec.load(Ordering::Acquire));
            }
            if have.is_null() {
                return None;
            }
            i = (i + 1) & (N - 1);
        }
        None
    }

    /// Caches `rec` for this `Location` object. Returns false if the cache is full. Racing
    /// inserts of one address are fine if they insert the same record, which callers ensure by
    /// getting it from the content-keyed table.
    ///
    /// # Safety
    ///
    /// `rec` stays valid until `reset`.
    pub unsafe fn insert(&self, loc: &'static Location<'static>, rec: &R) -> bool {
        let want = loc as *const Location<'static> as *mut Location<'static>;
        let rec = rec as *const R as *mut R;
        let mut i = addr_hash(want as usize, Self::BITS);
        for _ in 0..N {
            let slot = &self.slots[i];
            // Relaxed claim: what matters is who owns the slot; the record is published by the
            // Release store of `rec` below, which readers check for null.
            let have = match slot.loc.compare_exchange(
                ptr::null_mut(),
                want,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => want,
                Err(other) => other,
            };
            if have == want {
                // Release: see `get`.
                slot.rec.store(rec, Ordering::Release);
                return true;
            }
            i = (i + 1) & (N - 1);
        }
        false
    }

    /// Drops every entry.
    ///
    /// # Safety
    ///
    /// No `get` or `insert` runs concurrently.
    pub unsafe fn reset(&self) {
        for s in &self.slots {
            s.loc.store(ptr::null_mut(), Ordering::Relaxed);
            s.rec.store(ptr::null_mut(), Ordering::Relaxed);
        }
    }

    /// Bytes the cache occupies.
    pub const fn bytes(&self) -> usize {
        core::mem::size_of::<Self>()
    }
}

impl<R, const N: usize> Default for AddrCache<R, N> {
    fn default() -> Self {
        Self::new()
    }
}
