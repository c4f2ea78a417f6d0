// SPDX-License-Identifier: GPL-2.0

//! The address cache of the kernel patch series (`kernel/patches/0006`, the `kernel` crate's
//! `sync/lock_class/cache.rs`), line for line in its orderings, so that it can be model-checked
//! here (`host-bench`'s `tests/loom/seq_cache.rs`): the patch is code of the `kernel` crate and
//! builds nowhere else.
//!
//! A direct-mapped cache from a `Location`'s address to its class (a key and a name). Each entry
//! is a sequence lock: the count is even while the entry is stable and odd while one writer
//! rewrites it. Writers never wait (one that finds the count odd, or loses the compare-exchange
//! that makes it odd, leaves the entry as it is), so a lock can be constructed with interrupts
//! off or in an interrupt that came in on a writer. A reader takes the class only if the count
//! was even and unchanged around its reads and the entry's address is its own `Location`'s.
//! [`SeqCache::forget`] (the module loader's hook at unload) empties the entries of an address
//! range without waiting either: an entry being written is being given a site of code that still
//! runs.
//!
//! Orderings (the classic sequence lock, in C11 fences):
//! - writer: the compare-exchange to odd with Acquire ([`SyncPoint::SeqWriteAcquire`]: it
//!   orders the previous writer's fields before its own), then a Release fence ([`SyncPoint::SeqWriteFence`]),
//!   then the fields (Relaxed), then the even count with Release ([`SyncPoint::SeqWriteEnd`]);
//! - reader: the count with Acquire ([`SyncPoint::SeqReadStart`]), the fields (Relaxed), an
//!   Acquire fence ([`SyncPoint::SeqReadFence`]), the count again. If a field came from a
//!   writer that began after the first count, the fences pair and the second count is that
//!   writer's odd one or later: no torn class is returned. If the first count is a writer's
//!   even one, its Release store orders every field before it.

use super::atomic::{order, AtomicPtr, AtomicUsize, Ordering, SyncPoint};
use core::panic::Location;
use core::ptr;

/// A class as the cache holds it: the key's address and the name's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeqClass {
    /// The key's address.
    pub key: usize,
    /// The class's name.
    pub name: &'static str,
}

struct Entry {
    seq: AtomicUsize,
    site: AtomicPtr<Location<'static>>,
    key: AtomicUsize,
    name: AtomicPtr<u8>,
    name_len: AtomicUsize,
}

impl Entry {
    fn new() -> Self {
        Entry {
            seq: AtomicUsize::new(0),
            site: AtomicPtr::new(ptr::null_mut()),
            key: AtomicUsize::new(0),
            name: AtomicPtr::new(ptr::null_mut()),
            name_len: AtomicUsize::new(0),
        }
    }

    /// Makes the count odd if it is even and nobody else does first; the count it found.
    fn begin_write(&self) -> Option<usize> {
        let s = self.seq.load(Ordering::Relaxed);
        if s & 1 != 0 {
            return None;
        }
        // Acquire on success: the previous writer's fields (ordered before its even count by
        // Release) come before ours, or an entry could end with one writer's address and
        // another's key (the writers' mutual exclusion is this compare-exchange).
        self.seq
            .compare_exchange(
                s,
                s + 1,
                order(SyncPoint::SeqWriteAcquire, Ordering::Acquire),
                Ordering::Relaxed,
            )
            .ok()?;
        fence(order(SyncPoint::SeqWriteFence, Ordering::Release));
        Some(s)
    }

    fn end_write(&self, s: usize) {
        self.seq
            .store(s + 2, order(SyncPoint::SeqWriteEnd, Ordering::Release));
    }
}

/// A fence, or none where a model weakened it to Relaxed (a Relaxed fence does not exist).
fn fence(o: Ordering) {
    #[cfg(not(loom))]
    use core::sync::atomic::fence as f;
    #[cfg(loom)]
    use loom::sync::atomic::fence as f;
    if o != Ordering::Relaxed {
        f(o);
    }
}

/// `N` entries (a power of two), one per address hash.
pub struct SeqCache<const N: usize> {
    entries: [Entry; N],
}

impl<const N: usize> Default for SeqCache<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> SeqCache<N> {
    /// An empty cache of `N` entries (a power of two).
    pub fn new() -> Self {
        assert!(N.is_power_of_two());
        SeqCache {
            entries: core::array::from_fn(|_| Entry::new()),
        }
    }

    fn entry(&self, loc: &Location<'_>) -> &Entry {
        // Fibonacci hashing, as the patch: the top bits of the product.
        let addr = ptr::from_ref(loc) as usize as u64;
        let i = (addr >> 3).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - N.trailing_zeros().max(1));
        &self.entries[i as usize & (N - 1)]
    }

    /// The cached class of `loc`, if it is cached.
    pub fn get(&self, loc: &'static Location<'static>) -> Option<SeqClass> {
        let e = self.entry(loc);
        let s = e
            .seq
            .load(order(SyncPoint::SeqReadStart, Ordering::Acquire));
        let site = e.site.load(Ordering::Relaxed);
        let key = e.key.load(Ordering::Relaxed);
        let name = e.name.load(Ordering::Relaxed);
        let name_len = e.name_len.load(Ordering::Relaxed);
        fence(order(SyncPoint::SeqReadFence, Ordering::Acquire));
        if s & 1 != 0 || e.seq.load(Ordering::Relaxed) != s || !ptr::eq(site, loc) {
            return None;
        }
        // SAFETY: the count did not change, so one `put` wrote all the fields, from a
        // `&'static str` of `name_len` bytes.
        let name =
            unsafe { core::str::from_utf8_unchecked(core::slice::from_raw_parts(name, name_len)) };
        Some(SeqClass { key, name })
    }

    /// Caches `class` as `loc`'s, unless another writer is in the entry.
    pub fn put(&self, loc: &'static Location<'static>, class: SeqClass) {
        let e = self.entry(loc);
        let Some(s) = e.begin_write() else { return };
        e.site
            .store(ptr::from_ref(loc).cast_mut(), Ordering::Relaxed);
        e.key.store(class.key, Ordering::Relaxed);
        e.name
            .store(class.name.as_ptr().cast_mut(), Ordering::Relaxed);
        e.name_len.store(class.name.len(), Ordering::Relaxed);
        e.end_write(s);
    }

    /// Empties the entries whose `Location` lies in `[base, base + size)`.
    pub fn forget(&self, base: usize, size: usize) {
        let end = base.saturating_add(size);
        for e in &self.entries {
            loop {
                let site = e.site.load(Ordering::Relaxed) as usize;
                if site < base || site >= end {
                    break;
                }
                if e.seq.load(Ordering::Relaxed) & 1 != 0 {
                    // A writer is in the entry, caching a site of code that still runs.
                    break;
                }
                if let Some(s) = e.begin_write() {
                    e.site.store(ptr::null_mut(), Ordering::Relaxed);
                    e.key.store(0, Ordering::Relaxed);
                    e.name.store(ptr::null_mut(), Ordering::Relaxed);
                    e.name_len.store(0, Ordering::Relaxed);
                    e.end_write(s);
                    break;
                }
            }
        }
    }
}
