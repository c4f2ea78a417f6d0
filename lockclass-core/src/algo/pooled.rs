// SPDX-License-Identifier: GPL-2.0

//! The `pool` strategy: one class per source site whose key is a `static`, as a macro's is.
//!
//! Fast path: the address cache of [`super::cached`], keyed by the `Location` address, now
//! pointing straight at the key. Slow path, once per `Location` object: the site's slot in the
//! [`KeyPool`] (lock-free find; a claim under the content table's bucket lock for the site's
//! hash). Only when the pool is full does a site get a registered key from the content table,
//! as `cached` gives every site.
//!
//! `reset` empties the cache and the overflow table but not the pool: a claimed slot stays its
//! site's until the pool goes (module docs of [`super::pool`]), so a site looked up again after
//! a reset finds its old key; nothing is unregistered and no grace period is waited for.

use super::addr_cache::{AddrCache, CACHE_SLOTS};
use super::pool::{KeyPool, PoolKey, POOL_SLOTS};
use super::site::Site;
use super::table::{Table, TableEnv, TableStats, BUCKETS};
use super::AllocError;
use core::panic::Location;

/// Address cache over a static key pool, with a content table for what the pool cannot hold.
pub struct PooledTable<
    E: TableEnv,
    const P: usize = POOL_SLOTS,
    const N: usize = BUCKETS,
    const C: usize = CACHE_SLOTS,
> {
    cache: AddrCache<E::Key, C>,
    pool: KeyPool<E::Key, P>,
    table: Table<E, N>,
}

impl<E: TableEnv, const P: usize, const N: usize, const C: usize> PooledTable<E, P, N, C>
where
    E::Key: PoolKey,
{
    /// An empty table and pool.
    #[cfg(not(loom))]
    pub const fn new(env: E) -> Self {
        Self {
            cache: AddrCache::new(),
            pool: KeyPool::new(),
            table: Table::new(env),
        }
    }

    /// An empty table and pool (loom).
    #[cfg(loom)]
    pub fn new(env: E) -> Self {
        Self {
            cache: AddrCache::new(),
            pool: KeyPool::new(),
            table: Table::new(env),
        }
    }

    /// The pool.
    pub fn pool(&self) -> &KeyPool<E::Key, P> {
        &self.pool
    }

    /// The overflow table.
    pub fn table(&self) -> &Table<E, N> {
        &self.table
    }

    /// The key for `loc`'s site.
    #[inline(always)]
    pub fn lookup(
        &self,
        loc: &'static Location<'static>,
        flags: E::Flags,
    ) -> Result<&E::Key, AllocError> {
        let (have, key) = self.cache.home_words(loc);
        if core::ptr::eq(have, loc) {
            // SAFETY: `key` is the record word of the home slot, whose address word read
            // `loc`; cached keys are the pool's (static) or the table's (until `reset`).
            Ok(unsafe { AddrCache::<E::Key, C>::found(key).as_ref() })
        } else {
            self.lookup_slow(loc, flags)
        }
    }

    /// A probe of the cache's later slots, and once per `Location` object the pool (and past
    /// its end the table). Out of line, as in `cached`.
    #[inline(never)]
    fn lookup_slow(
        &self,
        loc: &'static Location<'static>,
        flags: E::Flags,
    ) -> Result<&E::Key, AllocError> {
        if let Some(k) = self.cache.get(loc) {
            // SAFETY: as in `lookup`.
            return Ok(unsafe { k.as_ref() });
        }
        let site = Site::of(loc);
        let hash = site.hash();
        let key = match self.pool.find(&site, hash) {
            Some(k) => k,
            // SAFETY: every claim of this site holds its bucket lock.
            None => match self
                .table
                .with_bucket_locked(hash, flags, || unsafe { self.pool.claim(&site, hash) })?
            {
                Some(k) => k,
                None => &self.table.lookup_lockfree(loc, flags)?.key,
            },
        };
        // A full cache only means this address keeps taking the slow path.
        // SAFETY: `key` is the pool's (never freed) or the table's (until `reset`, which
        // empties the cache first); it came from an Acquire load (the pool's state or the
        // table's head), so its contents are visible here.
        let _ = unsafe { self.cache.insert(loc, key) };
        Ok(key)
    }

    /// Classes (pool slots claimed plus overflow records) and bytes (pool, cache, table).
    pub fn stats(&self) -> TableStats {
        let mut s = self.table.stats();
        s.records += self.pool.used();
        s.bytes += self.cache.bytes() + self.pool.bytes();
        s.cache_races = self.cache.races();
        s
    }

    /// Empties the cache and the overflow table; the pool keeps its claims (module docs).
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
