// SPDX-License-Identifier: GPL-2.0

//! The `cached` strategy: one class per source site (as the content-keyed table gives) at close
//! to the cost of a static key (as the `Location` address gives).
//!
//! Fast path: [`AddrCache`] keyed by the `Location` address, lock-free, never sleeps. Slow path,
//! once per `Location` object: the content-keyed [`Table`] (lock-free lookup, insert under the
//! bucket lock) finds or creates the site's one class, then the address is cached. A second
//! `Location` object for the same site (a generic instantiated in another crate) misses the
//! cache once and then maps to the same class.
//!
//! Unloading: cached addresses of `Location`s in a module's memory dangle once it is unloaded;
//! the owner must `reset` (a benchmark module does so at exit; a kernel-wide table would drop
//! the module's address range from a module notifier, as lockdep does for its static keys).

use super::addr_cache::{AddrCache, CACHE_SLOTS};
use super::table::{Record, Table, TableEnv, TableStats, BUCKETS};
use super::AllocError;
use core::panic::Location;

/// Two-level table: address cache over the content table.
pub struct CachedTable<E: TableEnv, const N: usize = BUCKETS, const C: usize = CACHE_SLOTS> {
    table: Table<E, N>,
    cache: AddrCache<Record<E::Key>, C>,
}

impl<E: TableEnv, const N: usize, const C: usize> CachedTable<E, N, C> {
    /// An empty table.
    #[cfg(not(loom))]
    pub const fn new(env: E) -> Self {
        Self {
            table: Table::new(env),
            cache: AddrCache::new(),
        }
    }

    /// An empty table (loom).
    #[cfg(loom)]
    pub fn new(env: E) -> Self {
        Self {
            table: Table::new(env),
            cache: AddrCache::new(),
        }
    }

    /// The content table under the cache.
    pub fn table(&self) -> &Table<E, N> {
        &self.table
    }

    /// The class for `loc`'s site.
    #[inline(always)]
    pub fn lookup(
        &self,
        loc: &'static Location<'static>,
        flags: E::Flags,
    ) -> Result<&Record<E::Key>, AllocError> {
        let (have, rec) = self.cache.home_words(loc);
        if core::ptr::eq(have, loc) {
            // SAFETY: `rec` is the record word of the home slot, whose address word read `loc`;
            // cached records belong to `self.table` and live until `reset`.
            Ok(unsafe { AddrCache::<Record<E::Key>, C>::found(rec).as_ref() })
        } else {
            self.lookup_slow(loc, flags)
        }
    }

    /// Everything but a hit in the home slot: a probe of the later slots, and once per
    /// `Location` object the content table. Out of line so that the hit path stays a few
    /// instructions wherever it is inlined.
    #[inline(never)]
    fn lookup_slow(
        &self,
        loc: &'static Location<'static>,
        flags: E::Flags,
    ) -> Result<&Record<E::Key>, AllocError> {
        if let Some(r) = self.cache.get(loc) {
            // SAFETY: as in `lookup`.
            return Ok(unsafe { r.as_ref() });
        }
        let rec = self.table.lookup_lockfree(loc, flags)?;
        // A full cache only means this address keeps taking the slow path.
        // SAFETY: `rec` lives in `self.table` until `reset`, which empties the cache first; it
        // came from the table's Acquire load, so its contents are visible here.
        let _ = unsafe { self.cache.insert(loc, rec) };
        Ok(rec)
    }

    /// Memory and class counts: the content table's plus the cache's bytes.
    pub fn stats(&self) -> TableStats {
        let mut s = self.table.stats();
        s.bytes += self.cache.bytes();
        s.cache_races = self.cache.races();
        s
    }

    /// Empties cache and table.
    ///
    /// # Safety
    ///
    /// As [`Table::reset`].
    pub unsafe fn reset(&self) {
        // SAFETY: forwarded from the caller; the cache goes first so it never points at a
        // freed record.
        unsafe {
            self.cache.reset();
            self.table.reset();
        }
    }
}
