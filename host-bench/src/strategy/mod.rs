// SPDX-License-Identifier: GPL-2.0

//! The strategies, one per file, behind [`Strategy`], and the table of them by name
//! ([`NAMES`], [`for_each`], [`visit_named`]).
//!
//! Names are the kernel module's (`strategy=` in its output), so host and guest rows line up.

use crate::env::HostRecord;
use crate::CallSite;
use lockclass_core::table::TableStats;
use lockclass_core::AllocError;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A strategy that is one of the shared content-keyed tables: `$name` with bucket lock `$lock`,
/// looked up with `$lookup` (`lookup_locked` or `lookup_lockfree`).
macro_rules! table_strategy {
    ($ty:ident, $name:literal, $lock:ty, $lookup:ident, $doc:literal) => {
        use super::{class_or_fallback, Memory, Strategy};
        use crate::env::HostEnv;
        use crate::CallSite;
        use lockclass_core::table::{Table, TableStats};
        use std::sync::atomic::{AtomicUsize, Ordering};

        #[doc = $doc]
        pub struct $ty {
            table: Box<Table<HostEnv<$lock>>>,
            fallbacks: AtomicUsize,
        }

        impl $ty {
            /// The table.
            pub fn table(&self) -> &Table<HostEnv<$lock>> {
                &self.table
            }
        }

        impl Strategy for $ty {
            const NAME: &'static str = $name;

            fn new() -> Self {
                Self {
                    table: Box::new(Table::new(HostEnv::new())),
                    fallbacks: AtomicUsize::new(0),
                }
            }

            #[inline(always)]
            fn class(&self, site: &'static CallSite) -> usize {
                class_or_fallback(self.table.$lookup(site.loc), site, &self.fallbacks)
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
    };
}

mod cached;
mod dynamic;
mod location;
mod macro_key;
mod mutex;
mod noop;
mod pool;
mod rcu;
mod spinlock;

pub use cached::AddrCachedTable;
pub use dynamic::DynamicKey;
pub use location::LocationKey;
pub use macro_key::MacroStaticKey;
pub use mutex::MutexTable;
pub use noop::Noop;
pub use pool::{HostPooledTable, StaticKeyPool, POOL_SLOT_BYTES};
pub use rcu::RcuTable;
pub use spinlock::SpinlockTable;

/// A way to give a lock created at a call site its lock class.
pub trait Strategy: Send + Sync + Sized + 'static {
    /// The module's name for it.
    const NAME: &'static str;
    /// Whether the class is a function of the call site (every strategy except `dynamic`,
    /// whose class belongs to each lock).
    const PER_SITE: bool = true;

    /// A fresh instance: empty table, nothing registered.
    fn new() -> Self;

    /// The class key (its address) for a lock created at `site`.
    ///
    /// For `dynamic` the key lives in the lock, which is created and dropped within the call;
    /// the address it returns only feeds checksums.
    fn class(&self, site: &'static CallSite) -> usize;

    /// Memory held after `sites` distinct sites were looked up.
    fn memory(&self, sites: usize) -> Memory;

    /// The content table's counts, for the strategies that have one.
    fn stats(&self) -> Option<TableStats> {
        None
    }

    /// Lookups that fell back to the `Location` address because an allocation failed.
    fn fallbacks(&self) -> usize {
        0
    }

    /// Of the classes [`Strategy::stats`] counts, those whose key is static memory the strategy
    /// holds and never registers (lockdep takes such a key as it is): `pool`'s claimed slots.
    /// The others' keys are registered while they exist.
    fn static_classes(&self) -> usize {
        0
    }
}

/// Memory a strategy holds, as written to `memory.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    /// Bytes of shared structures: table, buckets, records, cache.
    pub table_bytes: usize,
    /// Bytes each class adds: a record, a `static` key, or a key embedded in each lock.
    pub record_bytes: usize,
    /// Classes in existence.
    pub classes: usize,
}

impl Memory {
    /// What a content table reports.
    pub fn of_table(stats: TableStats) -> Self {
        Self {
            table_bytes: stats.bytes,
            record_bytes: core::mem::size_of::<HostRecord>(),
            classes: stats.records,
        }
    }
}

/// Something to do with each strategy type (its code is monomorphised per strategy).
pub trait Visit {
    /// Called with one strategy type.
    fn visit<S: Strategy>(&mut self);
}

macro_rules! strategy_table {
    ($($s:ty),+ $(,)?) => {
        /// Every strategy's name, in the order [`for_each`] visits them.
        pub const NAMES: &[&str] = &[$(<$s as Strategy>::NAME),+];

        /// Calls `v.visit::<S>()` for every strategy `S`.
        pub fn for_each(v: &mut impl Visit) {
            $(v.visit::<$s>();)+
        }

        /// Calls `v.visit::<S>()` for the strategy named `name`; false if there is none.
        pub fn visit_named(name: &str, v: &mut impl Visit) -> bool {
            $(
                if name == <$s as Strategy>::NAME {
                    v.visit::<$s>();
                    return true;
                }
            )+
            false
        }
    };
}

strategy_table!(
    Noop,
    LocationKey,
    MacroStaticKey,
    DynamicKey,
    MutexTable,
    SpinlockTable,
    RcuTable,
    AddrCachedTable,
    StaticKeyPool,
);

/// The class a table lookup gives: the record's key, or on allocation failure the RFC's
/// fallback, the `Location` itself used as a static key.
#[inline(always)]
fn class_or_fallback(
    found: Result<&HostRecord, AllocError>,
    site: &'static CallSite,
    fallbacks: &AtomicUsize,
) -> usize {
    match found {
        Ok(rec) => rec.key.addr(),
        Err(AllocError) => fallback(site, fallbacks),
    }
}

#[cold]
#[inline(never)]
pub(super) fn fallback(site: &'static CallSite, fallbacks: &AtomicUsize) -> usize {
    fallbacks.fetch_add(1, Ordering::Relaxed);
    site.loc as *const _ as usize
}
