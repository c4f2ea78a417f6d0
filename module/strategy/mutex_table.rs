// SPDX-License-Identifier: GPL-2.0

//! `mutex`: the RFC as posted. The content hash of the caller's `Location` picks one of 1024
//! buckets, each a kernel `mutex` around the bucket's records; a miss allocates, names and
//! registers a key. Taking a mutex may sleep, so this cannot run in atomic context.

use super::{class_or_fallback, table_stats, Class, Stats, Strategy};
use crate::algo::table::Table;
use crate::kernel_env::{KMutex, KernelEnv};
use crate::sites::CallSite;
use core::sync::atomic::AtomicUsize;

/// The RFC's mutex-guarded table.
pub(crate) struct MutexTable {
    table: Table<KernelEnv<KMutex>>,
    fallbacks: AtomicUsize,
}

pub(crate) static INSTANCE: MutexTable = MutexTable {
    table: Table::new(KernelEnv::new()),
    fallbacks: AtomicUsize::new(0),
};

impl Strategy for MutexTable {
    const NAME: &'static str = "mutex";
    const ATOMIC_SAFE: bool = false;
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
