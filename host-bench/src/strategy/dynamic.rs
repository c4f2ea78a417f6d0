// SPDX-License-Identifier: GPL-2.0

//! `dynamic`: a fresh key object per lock, registered when the lock is created and
//! unregistered when it goes away (upstream's dynamic keys since 6.15).

use super::{fallback, Memory, Strategy};
use crate::env::{free, try_alloc};
use crate::key::NamedKey;
use crate::registry;
use crate::CallSite;
use lockclass_core::site::Site;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One operation is the life of one lock's key, as in the kernel module: allocate and name
/// it, register it (`lockdep_register_key`), unregister it (`lockdep_unregister_key`, whose
/// RCU grace period the host does not model) and free it. Every lock is its own class,
/// whatever its site.
pub struct DynamicKey {
    fallbacks: AtomicUsize,
}

impl Strategy for DynamicKey {
    const NAME: &'static str = "dynamic";
    const PER_SITE: bool = false;

    fn new() -> Self {
        Self {
            fallbacks: AtomicUsize::new(0),
        }
    }

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> usize {
        // The lock is created...
        let Some(key) = try_alloc(NamedKey::new(&Site::of(site.loc))) else {
            return fallback(site, &self.fallbacks);
        };
        // SAFETY: `key` is a live allocation until the `free` below.
        let key_ref = unsafe { key.as_ref() };
        registry::register(&key_ref.key);
        let class = key_ref.addr();
        // ...and goes away.
        registry::unregister(&key_ref.key);
        // SAFETY: from `try_alloc`, unregistered, not used afterwards.
        unsafe { free(key) };
        class
    }

    fn memory(&self, sites: usize) -> Memory {
        // One key per lock; the mirror creates one lock per site.
        Memory {
            table_bytes: 0,
            record_bytes: core::mem::size_of::<NamedKey>(),
            classes: sites,
        }
    }

    fn fallbacks(&self) -> usize {
        self.fallbacks.load(Ordering::Relaxed)
    }
}
