// SPDX-License-Identifier: GPL-2.0

//! A lock-free map from a `Location`'s *address* to a record, for the `cached` strategy's fast
//! path: the address bits as the slot index, two loads and a compare, no lock, never sleeps.
//!
//! Open addressing with linear probing over `N` slots; entries are only added (and all dropped
//! at once by `reset`), so readers need no reclamation. A full cache is not an error: `insert`
//! returns false and callers keep taking the slow path for that address.
//!
//! # Slot layout, and why it is correct under concurrent inserts
//!
//! A slot is two words in one 16-byte aligned pair (so in one cache line): the address word and
//! the record word. A hit reads the address word of the home slot, compares it with the
//! `Location`'s address and reads the record word beside it; the record word's address depends
//! only on the hash, not on the first load, so the two loads issue together.
//!
//! The address word goes `null` (free) -> `claimed(loc)` (the low bit set: `Location`s are at
//! least 4-byte aligned) -> `loc`, and never back until `reset`:
//! 1. claim: compare-exchange `null` -> `claimed(loc)`; exactly one inserter wins a free slot,
//!    so a slot is never taken for two addresses, and only the winner writes its record word;
//! 2. the winner stores the record word;
//! 3. the winner stores `loc` with Release.
//!
//! A reader that loads `loc` with Acquire synchronizes with step 3, so it sees step 2's record
//! word (non-null, and the only value that word ever holds until `reset`); the hit needs no
//! check of the record word. The record itself was published by the content table with Release
//! and obtained by the inserter with Acquire before step 3, so the reader also sees the record's
//! contents (happens-before is transitive). A reader that finds `claimed(loc)` or a foreign
//! address treats it as "not here" and probes on or misses; a miss only costs the slow path,
//! which finds the class in the table. Two inserters of one address: the loser of the claim
//! sees `claimed(loc)` or `loc` and stops, since the winner stores the same record (the content
//! table has one record per site). So an address is in at most one slot, always with its own
//! record.

use super::atomic::{order, AtomicPtr, AtomicUsize, Ordering, SyncPoint};
use super::site::addr_hash;
use core::panic::Location;
use core::ptr::{self, NonNull};

/// Slots in the cache: room for 1024 sites with two `Location` objects each at load 0.5.
pub const CACHE_SLOTS: usize = 4096;

/// One slot; 16-byte aligned so that its two words share a cache line.
#[repr(C, align(16))]
struct Slot<R> {
    /// null, `claimed(loc)`, or the `Location` address whose record `rec` is (module docs).
    loc: AtomicPtr<Location<'static>>,
    /// The record for `loc`; written once, by the claimer, before `loc` is published.
    rec: AtomicPtr<R>,
}

/// The address word of a slot claimed for `loc` whose record is not stored yet.
#[inline(always)]
fn claimed(loc: *mut Location<'static>) -> *mut Location<'static> {
    loc.cast::<u8>().wrapping_add(1).cast()
}

/// Address-keyed cache with `N` slots (a power of two) of pointers to `R`, which the owner
/// keeps alive until `reset`.
pub struct AddrCache<R, const N: usize = CACHE_SLOTS> {
    slots: [Slot<R>; N],
    /// Inserts that found their address claimed by a racing insert (the stress tests check
    /// that the race they are for happened).
    races: AtomicUsize,
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
        assert!(N.is_power_of_two() && N > 1 && N.trailing_zeros() <= 32);
        assert!(core::mem::align_of::<Location<'static>>() > 1);
        Self {
            slots: [Self::EMPTY; N],
            races: AtomicUsize::new(0),
        }
    }

    /// An empty slot, repeated by `new`: a constant item rather than an inline `const {}`
    /// block, which would need rustc 1.79 (the kernel's minimum is 1.78). Each repetition is
    /// a fresh value: no slot is shared.
    #[cfg(not(loom))]
    #[allow(clippy::declare_interior_mutable_const)]
    const EMPTY: Slot<R> = Slot {
        loc: AtomicPtr::new(ptr::null_mut()),
        rec: AtomicPtr::new(ptr::null_mut()),
    };

    /// An empty cache (loom's atomics have no `const` constructor).
    #[cfg(loom)]
    pub fn new() -> Self {
        assert!(N.is_power_of_two() && N > 1 && N.trailing_zeros() <= 32);
        Self {
            slots: core::array::from_fn(|_| Slot {
                loc: AtomicPtr::new(ptr::null_mut()),
                rec: AtomicPtr::new(ptr::null_mut()),
            }),
            races: AtomicUsize::new(0),
        }
    }

    /// The record word of `slot`, loaded after its address word was loaded with Acquire.
    #[inline(always)]
    fn record(slot: &Slot<R>) -> *mut R {
        // Relaxed: program order puts this after the Acquire load of the address word, and
        // when that load read the address, it ordered us after the record word's only store
        // (module docs).
        slot.rec.load(Ordering::Relaxed)
    }

    /// The hit: the record word `rec` of a slot whose address word read the wanted address.
    ///
    /// # Safety
    ///
    /// `rec` was loaded as [`Self::home_words`] or `get` load it, after the slot's address word
    /// was read as the `Location` being looked up; it is then non-null (module docs).
    #[inline(always)]
    pub unsafe fn found(rec: *mut R) -> NonNull<R> {
        // A model check that weakens an ordering must see the damage.
        #[cfg(loom)]
        assert!(!rec.is_null(), "address published before its record");
        // Telling the compiler that `rec` is non-null drops a null check from the hit
        // (`unreachable_unchecked` rather than `assert_unchecked`, which needs rustc 1.81).
        if rec.is_null() {
            // SAFETY: non-null (caller).
            unsafe { core::hint::unreachable_unchecked() }
        }
        // SAFETY: non-null (caller).
        unsafe { NonNull::new_unchecked(rec) }
    }

    /// The record cached for this `Location` object if it sits in its home slot, which is
    /// where nearly every address sits (the cache is at most a quarter full with every
    /// compiled site): a hash, two loads from one cache line and a compare. `None` does not
    /// mean it is not cached: ask [`AddrCache::get`].
    #[inline(always)]
    pub fn get_home(&self, loc: &'static Location<'static>) -> Option<NonNull<R>> {
        let want = loc as *const Location<'static> as *mut Location<'static>;
        let (have, rec) = self.home_words(loc);
        if have == want {
            // SAFETY: `rec` is the record word of the slot whose address word read `loc`.
            return Some(unsafe { Self::found(rec) });
        }
        None
    }

    /// The address and record words of `loc`'s home slot, loaded in that order (Acquire, then
    /// Relaxed). The record word is only meaningful if the address word is `loc`'s; it is
    /// loaded either way so that both loads issue together and the hit path's only branch is
    /// the compare. For callers that branch on the compare themselves ([`Self::found`] then
    /// turns the record word into the hit).
    #[inline(always)]
    pub fn home_words(&self, loc: &'static Location<'static>) -> (*mut Location<'static>, *mut R) {
        let slot = &self.slots[addr_hash(loc as *const _ as usize, Self::BITS)];
        // Acquire: pairs with the Release in `insert` (module docs).
        let have = slot
            .loc
            .load(order(SyncPoint::CacheLoadHome, Ordering::Acquire));
        (have, Self::record(slot))
    }

    /// The record cached for this `Location` object, if any.
    #[inline]
    pub fn get(&self, loc: &'static Location<'static>) -> Option<NonNull<R>> {
        let want = loc as *const Location<'static> as *mut Location<'static>;
        let mut i = addr_hash(want as usize, Self::BITS);
        for _ in 0..N {
            let slot = &self.slots[i];
            // Acquire: as in `get_home`.
            let have = slot
                .loc
                .load(order(SyncPoint::CacheLoadProbe, Ordering::Acquire));
            if have == want {
                // SAFETY: the record word of the slot whose address word read `loc`.
                return Some(unsafe { Self::found(Self::record(slot)) });
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
    /// `rec` stays valid until `reset`, and was obtained in a way that makes its contents
    /// visible to this thread (readers see them through this thread's Release).
    pub unsafe fn insert(&self, loc: &'static Location<'static>, rec: &R) -> bool {
        let want = loc as *const Location<'static> as *mut Location<'static>;
        let rec = rec as *const R as *mut R;
        let mut i = addr_hash(want as usize, Self::BITS);
        for _ in 0..N {
            let slot = &self.slots[i];
            // Relaxed claim: the claim publishes nothing (readers ignore a claimed slot); the
            // record is published by the Release store of the address below.
            match slot.loc.compare_exchange(
                ptr::null_mut(),
                claimed(want),
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    // Relaxed: published by the Release store that follows.
                    slot.rec.store(rec, Ordering::Relaxed);
                    // Release: see the module docs.
                    slot.loc
                        .store(want, order(SyncPoint::CachePublish, Ordering::Release));
                    return true;
                }
                // Another inserter has (or is caching) this address, with the same record.
                Err(other) if other == want || other == claimed(want) => {
                    self.races.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
                Err(_) => i = (i + 1) & (N - 1),
            }
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
        self.races.store(0, Ordering::Relaxed);
    }

    /// Inserts so far that found their address already claimed by another insert.
    pub fn races(&self) -> usize {
        self.races.load(Ordering::Relaxed)
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
