//! `mutex`: the RFC as posted, the content-keyed table read under a sleeping bucket lock.

use super::{class_or_fallback, Memory, Strategy};
use crate::env::HostEnv;
use crate::locks::SleepingMutex;
use crate::CallSite;
use lockclass_core::table::{Table, TableStats};
use std::sync::atomic::{AtomicUsize, Ordering};

/// `Table::lookup_locked` with a [`SleepingMutex`] per bucket.
pub struct MutexTable {
    table: Box<Table<HostEnv<SleepingMutex>>>,
    fallbacks: AtomicUsize,
}

impl MutexTable {
    /// The table.
    pub fn table(&self) -> &Table<HostEnv<SleepingMutex>> {
        &self.table
    }
}

impl Strategy for MutexTable {
    const NAME: &'static str = "mutex";

    fn new() -> Self {
        Self {
            table: Box::new(Table::new(HostEnv::new())),
            fallbacks: AtomicUsize::new(0),
        }
    }

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> usize {
        class_or_fallback(self.table.lookup_locked(site.loc), site, &self.fallbacks)
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
