//! `rcu`: the content-keyed table read with no lock (as lockdep reads its key hash under RCU);
//! inserts take a spinning bucket lock.

use super::{class_or_fallback, Memory, Strategy};
use crate::env::HostEnv;
use crate::locks::SpinLock;
use crate::CallSite;
use lockclass_core::table::{Table, TableStats};
use std::sync::atomic::{AtomicUsize, Ordering};

/// `Table::lookup_lockfree`; a miss inserts under the bucket's [`SpinLock`].
pub struct RcuTable {
    table: Box<Table<HostEnv<SpinLock>>>,
    fallbacks: AtomicUsize,
}

impl RcuTable {
    /// The table.
    pub fn table(&self) -> &Table<HostEnv<SpinLock>> {
        &self.table
    }
}

impl Strategy for RcuTable {
    const NAME: &'static str = "rcu";

    fn new() -> Self {
        Self {
            table: Box::new(Table::new(HostEnv::new())),
            fallbacks: AtomicUsize::new(0),
        }
    }

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> usize {
        class_or_fallback(self.table.lookup_lockfree(site.loc), site, &self.fallbacks)
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
