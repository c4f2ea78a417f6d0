// SPDX-License-Identifier: GPL-2.0

//! `dynamic`: a fresh key per lock object, registered when the lock is created and
//! unregistered when it goes away (what upstream later adopted as `LockClassKey::new_dynamic`).
//! Every lock is its own class; in the kernel unregistering waits for an RCU grace period, so
//! it sleeps and is slow, hence the cap on operations per run.

use super::{fallback, Env, Held, Keys, Strategy};
use core::marker::PhantomData;
use core::sync::atomic::{AtomicUsize, Ordering};

/// Per-object registered keys, and how many are alive.
pub struct DynamicKey<E> {
    live: AtomicUsize,
    fallbacks: AtomicUsize,
    _env: PhantomData<fn() -> E>,
}

impl<E: Env> DynamicKey<E> {
    /// The strategy, no key alive.
    pub const fn empty() -> Self {
        Self {
            live: AtomicUsize::new(0),
            fallbacks: AtomicUsize::new(0),
            _env: PhantomData,
        }
    }
}

impl<E: Env> Strategy for DynamicKey<E> {
    type Env = E;
    const NAME: &'static str = "dynamic";
    const ATOMIC_SAFE: bool = false;
    const MAX_OPS: u64 = 64;
    const KEYS: Keys = Keys::PerObject;

    fn new() -> Self {
        Self::empty()
    }

    /// The lock's own key, given back (unregistered, freed) when the token is dropped.
    #[inline(always)]
    fn class(&self, site: &'static E::Site, flags: E::Flags) -> Held<'_, E> {
        let Some(key) = E::new_key(site, flags) else {
            return Held::lasting(fallback::<E>(site, &self.fallbacks));
        };
        self.live.fetch_add(1, Ordering::Relaxed);
        // SAFETY: from `new_key`, alive until `drop_key`, which only the token calls.
        let class = E::key_class(unsafe { key.as_ref() });
        Held {
            class,
            owned: Some((key, &self.live)),
        }
    }

    fn fallbacks(&self) -> usize {
        self.fallbacks.load(Ordering::Relaxed)
    }

    fn live_keys(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }
}
