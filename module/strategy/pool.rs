// SPDX-License-Identifier: GPL-2.0

//! `pool`: one class per source site at a macro key's cost, without a macro. The keys are a
//! fixed pool in the module's own static memory, which lockdep takes as static keys
//! (`static_obj()`: module statics), as it takes `static_lock_class!()`'s: no
//! `lockdep_register_key`, no grace period when a lock goes, and lock init takes lockdep's
//! static path. A site claims a slot on its first lookup (by its content, so two `Location`
//! objects of one site share it) and keeps it until the module is unloaded: a claimed key can
//! be neither renamed nor reused (`lockdep_free_key_range` is not exported), so `reset` keeps
//! the claims and `create` runs after the first find the slot claimed before. Hits go through
//! `cached`'s address cache, which here points at the key itself. Past the pool's
//! `POOL_SLOTS`, sites get registered keys from a content table as `cached` does.

use super::{fallback_class, table_stats, Class, Keys, Stats, Strategy};
use crate::algo::pooled::PooledTable;
use crate::kernel_env::{KSpinLock, KernelEnv};
use crate::sites::CallSite;
use core::sync::atomic::AtomicUsize;

/// The `pool` strategy: address cache, static key pool, overflow table; and its fallbacks.
pub(crate) struct Pool {
    table: PooledTable<KernelEnv<KSpinLock>>,
    fallbacks: AtomicUsize,
}

pub(crate) static INSTANCE: Pool = Pool {
    table: PooledTable::new(KernelEnv::new()),
    fallbacks: AtomicUsize::new(0),
};

impl Pool {
    /// Whether `key` is one of the pool's static keys.
    pub(crate) fn holds(&self, key: *mut kernel::bindings::lock_class_key) -> bool {
        self.table.pool().holds(key.cast())
    }
}

impl Strategy for Pool {
    const NAME: &'static str = "pool";
    const ATOMIC_SAFE: bool = true;
    const KEYS: Keys = Keys::Pool;

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> Class {
        match self.table.lookup(site.loc, ()) {
            Ok(k) => Class {
                key: k.key_ptr(),
                name: k.name_ptr(),
            },
            Err(_) => fallback_class(site, &self.fallbacks),
        }
    }

    fn reset(&self) {
        // SAFETY: the harness resets only between runs, with no lookup in flight.
        unsafe { self.table.reset() }
    }

    fn stats(&self) -> Stats {
        table_stats(self.table.stats(), &self.fallbacks)
    }
}
