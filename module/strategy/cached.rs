// SPDX-License-Identifier: GPL-2.0

//! `cached`: one class per source site at close to the cost of a static key. A lock-free cache
//! keyed by the `Location` address answers hits (multiply-shift hash, load, compare); the
//! first lookup of each `Location` object goes to the content-keyed table (lock-free read,
//! spinlock insert), so two `Location` objects of one site share one class. Safe with
//! preemption disabled (misses allocate with GFP_ATOMIC there). The cached addresses point
//! into this module, so the module empties the cache before it goes (`reset` at exit); a
//! kernel-wide version would drop a module's range from a module notifier.

use super::{class_or_fallback, table_stats, Class, Keys, Stats, Strategy};
use crate::algo::cached;
use crate::kernel_env::{KSpinLock, KernelEnv};
use crate::sites::CallSite;
use core::sync::atomic::AtomicUsize;

/// The `cached` strategy: lockclass-core's address cache over the content table, and its
/// fallback count.
pub(crate) struct Cached {
    table: cached::CachedTable<KernelEnv<KSpinLock>>,
    fallbacks: AtomicUsize,
}

pub(crate) static INSTANCE: Cached = Cached {
    table: cached::CachedTable::new(KernelEnv::new()),
    fallbacks: AtomicUsize::new(0),
};

impl Strategy for Cached {
    const NAME: &'static str = "cached";
    const ATOMIC_SAFE: bool = true;
    const KEYS: Keys = Keys::Table;

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> Class {
        class_or_fallback(self.table.lookup(site.loc, ()), site, &self.fallbacks)
    }

    fn reset(&self) {
        // SAFETY: the harness resets only between runs, with no lookup in flight.
        unsafe { self.table.reset() }
    }

    fn stats(&self) -> Stats {
        table_stats(self.table.stats(), &self.fallbacks)
    }
}
