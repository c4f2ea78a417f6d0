// SPDX-License-Identifier: GPL-2.0

//! The lock every precision scenario takes: a kernel `mutex` initialised with the class a
//! strategy gave its site, which it hands back when it goes. Compiled into both the benchmark
//! module and the `two-locations` peer module (`#[path]`), so it names no type of either.

use kernel::bindings;
use kernel::ffi::{c_char, c_void};
use kernel::prelude::*;
use kernel::types::Opaque;

/// A lock class as the C side of lockdep takes it.
#[derive(Clone, Copy)]
pub(crate) struct LockClass {
    pub(crate) key: *mut bindings::lock_class_key,
    pub(crate) name: *const c_char,
}

/// Gives the class a strategy made for `site` back to it (per-object keys are unregistered).
/// `site` is whatever the module that made the class describes its sites with.
pub(crate) type ReleaseFn =
    unsafe extern "C" fn(site: *const c_void, *mut bindings::lock_class_key, *const c_char);

/// A kernel mutex with a strategy's class. Boxed: a mutex must not move once initialised.
pub(crate) struct ScenarioMutex {
    mutex: Opaque<bindings::mutex>,
    class: LockClass,
    site: *const c_void,
    release: ReleaseFn,
}

impl ScenarioMutex {
    /// A new mutex of `class`, made for `site`; `release` is called with both when it is
    /// dropped (also when this fails).
    ///
    /// # Safety
    ///
    /// `class.key` is a valid lockdep key (static, or registered until `release`), and
    /// `class.name` a C string that lives as long as the key; `release` accepts `site`.
    pub(crate) unsafe fn new(
        class: LockClass,
        site: *const c_void,
        release: ReleaseFn,
    ) -> Result<KBox<Self>> {
        let m = match KBox::new(
            Self {
                mutex: Opaque::uninit(),
                class,
                site,
                release,
            },
            GFP_KERNEL,
        ) {
            Ok(m) => m,
            Err(e) => {
                // SAFETY: the class was never used by a lock.
                unsafe { release(site, class.key, class.name) };
                return Err(e.into());
            }
        };
        // SAFETY: the mutex is in its final place (the box), not yet shared; key and name are
        // valid (caller).
        unsafe { bindings::__mutex_init(m.mutex.get(), class.name, class.key) };
        Ok(m)
    }

    /// Runs `f` with the mutex held.
    pub(crate) fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        // SAFETY: initialised in `new`; locked and unlocked by this thread, in pairs.
        unsafe { bindings::mutex_lock(self.mutex.get()) };
        let r = f();
        // SAFETY: locked above by this thread.
        unsafe { bindings::mutex_unlock(self.mutex.get()) };
        r
    }
}

impl Drop for ScenarioMutex {
    fn drop(&mut self) {
        // SAFETY: the mutex is unlocked (`with` always unlocks) and never used again, so no
        // lock uses the class after this.
        unsafe { (self.release)(self.site, self.class.key, self.class.name) }
    }
}

/// `first`, then `second` nested inside it: the one lock-taking path every scenario uses, so
/// that "A then B" and "B then A" are the same code run on different arguments.
pub(crate) fn nest(first: &ScenarioMutex, second: &ScenarioMutex) {
    first.with(|| second.with(|| ()));
}
