// SPDX-License-Identifier: GPL-2.0

//! `tracked`: the patched kernel API itself (kernel/patches/0002-0006), measured from this
//! module beside the module-local strategies. `kernel::sync::LockClass::at()` is the lookup
//! `Mutex::new_tracked()` makes: code in vmlinux, called across the module boundary, which
//! answers from its address cache, or else finds this module's pool (`module!` emits it) with
//! `__module_address()` and claims a slot per site by content. The pool holds 64 sites; further
//! sites get their `Location` as the key (the API's overflow class), so plans past 64 sites
//! measure that path too (cached as well; the cache has 1024 entries, so at 1024 sites
//! colliding sites take the slow path in turn).
//!
//! Only on kernels whose `kernel` crate has the API (`CONFIG_RUST_LOCK_CLASS`, the series with
//! lockdep on); elsewhere the strategy does not exist and `strategy=` does not offer it.

use crate::kernel_env::Kernel;
use crate::lock::Class;
use crate::sites::CallSite;
use crate::strategies::Instance;
use crate::strategy::{Env, Held, Keys, Strategy};
use kernel::alloc::Flags;
use kernel::sync::LockClass;

/// The patched API's lookup (`LockClass::at`, what `new_tracked()` calls).
pub(crate) struct Tracked;

/// The one instance (it has no state of its own: the pool is the module's).
pub(crate) static TRACKED: Tracked = Tracked;

impl Instance for Tracked {
    #[inline(always)]
    fn get() -> &'static Self {
        &TRACKED
    }
}

impl Strategy for Tracked {
    type Env = Kernel;
    const NAME: &'static str = "tracked";
    // The API neither sleeps nor allocates: one compare-exchange claims a new site.
    const ATOMIC_SAFE: bool = true;
    // A slot, once claimed, stays for the module's lifetime and the API has no way to empty
    // the pool: after a site's first lookup in a load, a `create` is a lookup. The plan treats
    // its keys as static (a create batch runs `loops` operations, nothing is registered).
    const KEYS: Keys = Keys::Static;

    fn new() -> Self {
        Tracked
    }

    #[inline(always)]
    fn class(&self, site: &'static CallSite, _flags: Flags) -> Held<'_, Kernel> {
        let c = LockClass::at(Kernel::location(site));
        // `LockClassKey` is `repr(transparent)` over the C key; both live as long as this
        // module (its pool, or the site's `Location`).
        Held::lasting(Class {
            key: c.key() as *const _ as *mut _,
            name: c.name().as_char_ptr(),
        })
    }
}
