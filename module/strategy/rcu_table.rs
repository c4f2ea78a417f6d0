// SPDX-License-Identifier: GPL-2.0

//! `rcu`: lock-free readers, as lockdep's own `lock_keys_hash`: a hit is an Acquire load of the
//! bucket and of its head record, then a walk of an append-only chain, no lock taken. Inserts
//! are serialised by the bucket's spinlock and publish with Release. Records are only freed
//! when the whole table is reset with no reader running, so no grace period is needed here.

use super::{class_or_fallback, table_stats, Class, Stats, Strategy};
use crate::algo::table::Table;
use crate::kernel_env::{KSpinLock, KernelEnv};
use crate::sites::CallSite;
use core::sync::atomic::AtomicUsize;

/// The table with lock-free readers.
pub(crate) struct RcuTable {
    table: Table<KernelEnv<KSpinLock>>,
    fallbacks: AtomicUsize,
}

pub(crate) static INSTANCE: RcuTable = RcuTable {
    table: Table::new(KernelEnv::new()),
    fallbacks: AtomicUsize::new(0),
};

impl Strategy for RcuTable {
    const NAME: &'static str = "rcu";
    const ATOMIC_SAFE: bool = true;
    const CLASS_PER_SITE: bool = true;

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> Class {
        class_or_fallback(self.table.lookup_lockfree(site.loc), site, &self.fallbacks)
    }

    fn reset(&self) {
        // SAFETY: the harness resets only between runs, with no lookup in flight.
        unsafe { self.table.reset() }
    }

    fn stats(&self) -> Stats {
        table_stats(self.table.stats(), &self.fallbacks)
    }
}
