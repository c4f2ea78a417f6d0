// SPDX-License-Identifier: GPL-2.0

//! `dynamic`: a fresh key per lock object, registered when the lock is created and
//! unregistered when it goes away (what upstream later adopted as `LockClassKey::new_dynamic`).
//! Every lock is its own class; unregistering waits for an RCU grace period, so it sleeps and
//! is slow, hence the cap on operations per run.

use super::{fallback_class, fallback_key, Class, Keys, Stats, Strategy};
use crate::glue;
use crate::kernel_env::KernelKey;
use crate::sites::CallSite;
use core::ptr::{addr_of_mut, NonNull};
use core::sync::atomic::{AtomicUsize, Ordering};

/// Per-object registered keys.
pub(crate) struct Dynamic {
    live: AtomicUsize,
    fallbacks: AtomicUsize,
}

pub(crate) static INSTANCE: Dynamic = Dynamic {
    live: AtomicUsize::new(0),
    fallbacks: AtomicUsize::new(0),
};

impl Strategy for Dynamic {
    const NAME: &'static str = "dynamic";
    const ATOMIC_SAFE: bool = false;
    const MAX_OPS: u64 = 64;
    const KEYS: Keys = Keys::PerObject;

    fn class(&self, site: &'static CallSite) -> Class {
        let Some(k) = glue::alloc_zeroed::<KernelKey>() else {
            return fallback_class(site, &self.fallbacks);
        };
        let k = k.as_ptr();
        // SAFETY: fresh zeroed memory, registered before use and unregistered in `release`
        // before it is freed.
        unsafe {
            KernelKey::write_name(k, &crate::algo::site::Site::of(site.loc));
            glue::register_key((*k).key_ptr());
        }
        self.live.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `k` is valid until `release`.
        let k = unsafe { &*k };
        Class {
            key: k.key_ptr(),
            name: k.name_ptr(),
        }
    }

    fn release(&self, site: &'static CallSite, class: Class) {
        if class.key == fallback_key(site) {
            return;
        }
        let owner = KernelKey::from_key_ptr(class.key);
        // SAFETY: `class` came from `class` above (not the fallback), so its key is registered
        // and lives in a `KernelKey` from `alloc_zeroed`; the lock using it is gone.
        unsafe {
            glue::unregister_key(class.key);
            glue::free(NonNull::new_unchecked(addr_of_mut!(*owner)));
        }
        self.live.fetch_sub(1, Ordering::Relaxed);
    }

    fn stats(&self) -> Stats {
        Stats {
            table_bytes: 0,
            buckets: 0,
            classes: self.live.load(Ordering::Relaxed),
            lost_races: 0,
            fallbacks: self.fallbacks.load(Ordering::Relaxed),
        }
    }
}
