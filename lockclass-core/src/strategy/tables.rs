// SPDX-License-Identifier: GPL-2.0

//! The strategies with a table: the RFC's content-keyed table read under a sleeping bucket
//! lock (`mutex`), a spinning one (`spinlock`) or without a lock (`rcu`); the address cache in
//! front of it (`cached`); and the static key pool behind the address cache (`pool`).

use super::super::algo::cached::CachedTable;
use super::super::algo::pooled::PooledTable;
use super::super::algo::table::{Table, TableStats};
use super::{key_or_fallback, Env, Held, Keys, Strategy};
use core::sync::atomic::{AtomicUsize, Ordering};

/// A strategy over one of the table types: `$ty` holds a `$table` over the environment's
/// `$env` (`Sleeping` or `Spinning`, whose constant is `$env_const`), looks a site up with
/// `$lookup`, and takes the key out of what it finds with `$key`.
macro_rules! table_strategy {
    (
        $(#[$doc:meta])* $ty:ident, $name:literal, $table:ident, $env:ident, $env_const:ident,
        $lookup:ident, $key:expr, atomic_safe: $safe:expr, keys: $keys:expr,
        static_classes: |$t:ident| $static:expr
    ) => {
        $(#[$doc])*
        pub struct $ty<E: Env> {
            table: $table<E::$env>,
            fallbacks: AtomicUsize,
        }

        impl<E: Env> $ty<E> {
            /// An empty table (nothing allocated until the first lookup).
            #[cfg(not(loom))]
            pub const fn empty() -> Self {
                Self {
                    table: $table::new(E::$env_const),
                    fallbacks: AtomicUsize::new(0),
                }
            }

            /// An empty table (loom's atomics have no `const` constructor).
            #[cfg(loom)]
            pub fn empty() -> Self {
                Self {
                    table: $table::new(E::$env_const),
                    fallbacks: AtomicUsize::new(0),
                }
            }

            /// An empty table as a constant: `new` copies it into its caller's place, where
            /// building it at run time would also build it in `new`'s own frame (the pool's is
            /// about 280 KiB: in a debug build, more stack than a test thread has).
            #[cfg(not(loom))]
            #[allow(clippy::declare_interior_mutable_const)]
            const EMPTY: Self = Self::empty();

            /// The table.
            pub fn table(&self) -> &$table<E::$env> {
                &self.table
            }
        }

        impl<E: Env> Strategy for $ty<E> {
            type Env = E;
            const NAME: &'static str = $name;
            const ATOMIC_SAFE: bool = $safe;
            // A table that cannot run in atomic context is the review's point: shown on
            // request.
            const ATOMIC_DEMO: bool = !$safe;
            const KEYS: Keys = $keys;

            fn new() -> Self {
                #[cfg(not(loom))]
                return Self::EMPTY;
                #[cfg(loom)]
                Self::empty()
            }

            #[inline(always)]
            fn class(&self, site: &'static E::Site, flags: E::Flags) -> Held<'_, E> {
                let found = self.table.$lookup(E::location(site), flags).map($key);
                Held::lasting(key_or_fallback::<E>(found, site, &self.fallbacks))
            }

            unsafe fn reset(&self) {
                // SAFETY: no lookup in flight and no class of the table in use (caller).
                unsafe { self.table.reset() }
            }

            fn table_stats(&self) -> Option<TableStats> {
                Some(self.table.stats())
            }

            fn fallbacks(&self) -> usize {
                self.fallbacks.load(Ordering::Relaxed)
            }

            fn static_classes(&self) -> usize {
                let $t = &self.table;
                $static
            }
        }
    };
}

table_strategy!(
    /// `mutex`: the RFC as posted. The content hash of the caller's `Location` picks one of
    /// 1024 buckets, each a sleeping lock around the bucket's records; a miss allocates, names
    /// and registers a key. Taking the lock may sleep, so this cannot run in atomic context.
    MutexTable, "mutex", Table, Sleeping, SLEEPING, lookup_locked, |r| &r.key,
    atomic_safe: false, keys: Keys::Table, static_classes: |_t| 0
);
table_strategy!(
    /// `spinlock`: the same table with a spinning lock per bucket (the change proposed in
    /// review).
    SpinlockTable, "spinlock", Table, Spinning, SPINNING, lookup_locked, |r| &r.key,
    atomic_safe: true, keys: Keys::Table, static_classes: |_t| 0
);
table_strategy!(
    /// `rcu`: lock-free readers, as lockdep's own `lock_keys_hash`: a hit is an Acquire load of
    /// the bucket and of its head record, then a walk of an append-only chain, no lock taken.
    /// Inserts are serialised by the bucket's spinlock and publish with Release. Records are
    /// only freed when the whole table is reset with no reader running, so no grace period is
    /// needed (the name says how it reads, as lockdep's RCU-read hash does).
    RcuTable, "rcu", Table, Spinning, SPINNING, lookup_lockfree, |r| &r.key,
    atomic_safe: true, keys: Keys::Table, static_classes: |_t| 0
);
table_strategy!(
    /// `cached`: one class per source site at close to the cost of a static key. A lock-free
    /// cache keyed by the `Location` address answers hits; the first lookup of each
    /// `Location` object goes to the content table (lock-free read, spinlock insert), so two
    /// `Location` objects of one site share one class. The cached addresses point into the
    /// code that holds the sites, so the cache is emptied before that goes (`reset`).
    Cached, "cached", CachedTable, Spinning, SPINNING, lookup, |r| &r.key,
    atomic_safe: true, keys: Keys::Table, static_classes: |_t| 0
);
table_strategy!(
    /// `pool`: one class per source site at a macro key's cost, without a macro. The keys are
    /// a fixed pool in static memory, which lockdep takes as static keys: no registration, no
    /// grace period when a lock goes. A site claims a slot on its first lookup (by content)
    /// and keeps it as long as the pool exists (a claimed key can be neither renamed nor
    /// reused: `lockdep_free_key_range` is not exported), so `reset` keeps the claims. Hits go
    /// through `cached`'s address cache; past the pool, registered keys as `cached`.
    Pool, "pool", PooledTable, Spinning, SPINNING, lookup, |k| k,
    atomic_safe: true, keys: Keys::Pool, static_classes: |t| t.pool().used()
);
