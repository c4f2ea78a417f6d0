// SPDX-License-Identifier: GPL-2.0

//! `pool`: one class per site, its key a slot of a fixed pool (the module's is a `static`, which
//! lockdep takes without registration), with `cached`'s address cache in front.

use super::{fallback, Memory, Strategy};
use crate::env::HostEnv;
use crate::key::NamedKey;
use crate::locks::SpinLock;
use crate::CallSite;
use lockclass_core::pool::KeyPool;
use lockclass_core::pooled::PooledTable;
use lockclass_core::table::TableStats;
use lockclass_core::AllocError;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The pooled table the strategy uses: the default pool, buckets and cache.
pub type HostPooledTable = PooledTable<HostEnv<SpinLock>>;

/// Bytes of one pool slot (key, name, state, hash, line and column): what a class occupies.
pub const POOL_SLOT_BYTES: usize =
    core::mem::size_of::<KeyPool<NamedKey, 2>>() - core::mem::size_of::<KeyPool<NamedKey, 1>>();

/// `PooledTable::lookup`: lock-free by `Location` address, falling back once per `Location`
/// object to the site's slot in the key pool (a lock-free find; the site's first lookup claims
/// and names a slot under the overflow table's bucket [`SpinLock`]); past the pool's
/// [`POOL_SLOTS`](lockclass_core::pool::POOL_SLOTS) sites get registered keys from the
/// overflow table, as `cached` gives every site. Pool keys are never registered, and a claim
/// lasts as long as the pool: the strategy's lifetime here, the module's in the kernel.
///
/// The table is held inline, not boxed, as `cached`'s is: its address is the strategy's plus a
/// constant, not a pointer to load.
pub struct StaticKeyPool {
    table: HostPooledTable,
    fallbacks: AtomicUsize,
}

impl StaticKeyPool {
    /// The address cache, pool and overflow table.
    pub fn table(&self) -> &HostPooledTable {
        &self.table
    }
}

impl Strategy for StaticKeyPool {
    const NAME: &'static str = "pool";

    fn new() -> Self {
        // A constant (all zeroes), copied once into the caller's place. Built at run time, the
        // ~280 KiB value would also be built in `new`'s own frame and, in debug builds, copied
        // through temporaries: over 1 MiB of stack, of a test thread's 2 MiB. As it is, `new`
        // takes no stack beyond the value itself (`tests/pool.rs` checks).
        #[cfg(not(loom))]
        return const {
            Self {
                table: PooledTable::new(HostEnv::new()),
                fallbacks: AtomicUsize::new(0),
            }
        };
        // loom's atomics have no `const` constructor.
        #[cfg(loom)]
        Self {
            table: PooledTable::new(HostEnv::new()),
            fallbacks: AtomicUsize::new(0),
        }
    }

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> usize {
        match self.table.lookup(site.loc) {
            Ok(k) => k.addr(),
            Err(AllocError) => fallback(site, &self.fallbacks),
        }
    }

    /// The pool counts as table bytes (it exists whether or not a site claimed a slot), and a
    /// class occupies one slot of it (or, past its end, an overflow record).
    fn memory(&self, _sites: usize) -> Memory {
        Memory {
            record_bytes: POOL_SLOT_BYTES,
            ..Memory::of_table(self.table.stats())
        }
    }

    fn stats(&self) -> Option<TableStats> {
        Some(self.table.stats())
    }

    fn fallbacks(&self) -> usize {
        self.fallbacks.load(Ordering::Relaxed)
    }

    fn static_classes(&self) -> usize {
        self.table.pool().used()
    }
}
