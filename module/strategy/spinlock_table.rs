// SPDX-License-Identifier: GPL-2.0

//! `spinlock`: the change proposed in review. The same table as `mutex` (content hash of the `Location`, 1024
//! buckets), each bucket guarded by a kernel `spinlock_t`: never sleeps on a hit, so callable with
//! preemption disabled; a miss allocates with GFP_ATOMIC there.

use super::{class_or_fallback, table_stats, Class, Stats, Strategy};
use crate::algo::table::Table;
use crate::kernel_env::{KSpinLock, KernelEnv};
use crate::sites::CallSite;
use core::sync::atomic::AtomicUsize;

/// The spinlock-guarded table.
pub(crate) struct SpinlockTable {
    table: Table<KernelEnv<KSpinLock>>,
    fallbacks: AtomicUsize,
}

pub(crate) static INSTANCE: SpinlockTable = SpinlockTable {
    table: Table::new(KernelEnv::new()),
    fallbacks: AtomicUsize::new(0),
};

impl Strategy for SpinlockTable {
    const NAME: &'static str = "spinlock";
    const ATOMIC_SAFE: bool = true;
    const CLASS_PER_SITE: bool = true;

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> Class {
        class_or_fallback(self.table.lookup_locked(site.loc), site, &self.fallbacks)
    }

    fn reset(&self) {
        // SAFETY: the harness resets only between runs, with no lookup in flight.
        unsafe { self.table.reset() }
    }

    fn stats(&self) -> Stats {
        table_stats(self.table.stats(), &self.fallbacks)
    }
}
