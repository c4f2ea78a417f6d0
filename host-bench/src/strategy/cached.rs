// SPDX-License-Identifier: GPL-2.0

//! `cached`: the project's two-level strategy, an address cache in front of the content table.

use super::{class_or_fallback, Memory, Strategy};
use crate::env::HostEnv;
use crate::locks::SpinLock;
use crate::CallSite;
use lockclass_core::cached::CachedTable;
use lockclass_core::table::TableStats;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `CachedTable::lookup`: lock-free by `Location` address, falling back once per `Location`
/// object to the content table (lock-free lookup, inserts under the bucket's [`SpinLock`]).
///
/// The table is held inline, not boxed: its address is then the strategy's plus a constant,
/// as a kernel `static` table's is a constant, rather than a pointer to load on every lookup.
pub struct AddrCachedTable {
    table: CachedTable<HostEnv<SpinLock>>,
    fallbacks: AtomicUsize,
}

impl AddrCachedTable {
    /// The two-level table.
    pub fn table(&self) -> &CachedTable<HostEnv<SpinLock>> {
        &self.table
    }
}

impl Strategy for AddrCachedTable {
    const NAME: &'static str = "cached";

    fn new() -> Self {
        Self {
            table: CachedTable::new(HostEnv::new()),
            fallbacks: AtomicUsize::new(0),
        }
    }

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> usize {
        class_or_fallback(self.table.lookup(site.loc), site, &self.fallbacks)
    }

    fn memory(&self, _sites: usize) -> Memory {
        Memory::of_table(self.table.stats())
    }

    fn stats(&self) -> Option<TableStats> {
        Some(self.table.stats())
    }

    fn fallbacks(&self) -> usize {
        self.fallbacks.load(Ordering::Relaxed)
    }
}
