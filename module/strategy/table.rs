// SPDX-License-Identifier: GPL-2.0

//! The three table strategies' common type: the shared content-keyed table (lockclass-core)
//! with bucket locks of one kind, read under the bucket lock or without it. Each strategy's
//! file says which (`TableKind`); whether it may run in atomic context follows from its lock
//! kind (`LockKind::MIGHT_SLEEP`), so it cannot contradict it.

use super::{class_or_fallback, table_stats, Class, Keys, Stats, Strategy};
use crate::algo::table::Table;
use crate::kernel_env::{KernelEnv, KernelLock, LockKind};
use crate::sites::CallSite;
use core::marker::PhantomData;
use core::sync::atomic::AtomicUsize;

/// What makes one table strategy: its name, its bucket lock, how it reads a bucket.
pub(crate) trait TableKind: 'static {
    /// The `strategy=` name.
    const NAME: &'static str;
    /// The bucket lock.
    type Lock: LockKind;
    /// Hits read the bucket without its lock (inserts still take it).
    const LOCKFREE: bool;
}

/// A table strategy of kind `T`.
pub(crate) struct TableKey<T: TableKind> {
    table: Table<KernelEnv<KernelLock<T::Lock>>>,
    fallbacks: AtomicUsize,
    kind: PhantomData<T>,
}

impl<T: TableKind> TableKey<T> {
    /// An empty table (nothing allocated until the first lookup).
    pub(crate) const fn new() -> Self {
        Self {
            table: Table::new(KernelEnv::new()),
            fallbacks: AtomicUsize::new(0),
            kind: PhantomData,
        }
    }
}

// SAFETY: the table is `Sync` (its locks, keys and environment are); the counter is atomic;
// `T` is only a marker.
unsafe impl<T: TableKind> Sync for TableKey<T> {}

impl<T: TableKind> Strategy for TableKey<T> {
    const NAME: &'static str = T::NAME;
    const ATOMIC_SAFE: bool = !<T::Lock as LockKind>::MIGHT_SLEEP;
    // A table that cannot run in atomic context is the review's point: shown on request.
    const ATOMIC_DEMO: bool = <T::Lock as LockKind>::MIGHT_SLEEP;
    const KEYS: Keys = Keys::Table;

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> Class {
        let found = if T::LOCKFREE {
            self.table.lookup_lockfree(site.loc, ())
        } else {
            self.table.lookup_locked(site.loc, ())
        };
        class_or_fallback(found, site, &self.fallbacks)
    }

    fn reset(&self) {
        // SAFETY: the harness resets only between runs, with no lookup in flight.
        unsafe { self.table.reset() }
    }

    fn stats(&self) -> Stats {
        table_stats(self.table.stats(), &self.fallbacks)
    }
}
