// SPDX-License-Identifier: GPL-2.0

//! The strategies under test, written once over an environment ([`Env`]: call sites, keys,
//! bucket locks, memory) and compiled into both the kernel module (which mounts this directory
//! with `#[path]` as `crate::strategy`, beside `crate::algo`) and the host benchmarks
//! (`lockclass_core::strategy`). Each side supplies only its environment and its harness.
//!
//! As in `algo/`: only `core`, no crate-level attributes, and no `crate::` paths (the algorithms
//! are reached as `super::algo`, which both includers provide).

mod dynamic;
mod statics;
mod tables;

pub use dynamic::DynamicKey;
pub use statics::{LocationKey, Macro, Noop};
pub use tables::{Cached, MutexTable, Pool, RcuTable, SpinlockTable};

use super::algo::pool::PoolKey;
use super::algo::table::{TableEnv, TableStats};
use super::algo::AllocError;
use core::panic::Location;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicUsize, Ordering};

/// What a strategy needs from where it runs.
pub trait Env: Sized + 'static {
    /// A call site as the side compiles it: its `Location`, its macro-made static key, names.
    type Site: Sync + 'static;
    /// A lock class as a lock constructor takes it (the kernel: key and name pointers; the
    /// host: the key's address).
    type Class: Copy;
    /// What a caller passes down to allocations (the kernel's GFP flags; `()` on the host).
    type Flags: Copy;
    /// The per-class data of table records, pool slots and per-object keys (key and name).
    type Key: PoolKey + Sync + Send + 'static;
    /// Table environment whose bucket lock sleeps (the `mutex` strategy's).
    type Sleeping: TableEnv<Key = Self::Key, Flags = Self::Flags> + Sync + Send + 'static;
    /// Table environment whose bucket lock spins (every other table's).
    type Spinning: TableEnv<Key = Self::Key, Flags = Self::Flags> + Sync + Send + 'static;

    /// The environments, as constants so that a strategy can be a `static` (the kernel's are).
    const SLEEPING: Self::Sleeping;
    /// See [`Env::SLEEPING`].
    const SPINNING: Self::Spinning;

    /// What `#[track_caller]` would pass a lock constructor at `site`.
    fn location(site: &'static Self::Site) -> &'static Location<'static>;
    /// No class at all: the site's own address (`noop`, the harness baseline).
    fn site_class(site: &'static Self::Site) -> Self::Class;
    /// The `Location` itself as a static key (`location`, and the tables' fallback).
    fn location_class(site: &'static Self::Site) -> Self::Class;
    /// The site's macro-made static key (`macro`).
    fn macro_class(site: &'static Self::Site) -> Self::Class;
    /// The class of a key a table record or a pool slot holds.
    fn key_class(key: &Self::Key) -> Self::Class;
    /// A new per-object key named after `site`, allocated with `flags` and registered with
    /// the lock checker; `None` if memory is short.
    fn new_key(site: &'static Self::Site, flags: Self::Flags) -> Option<NonNull<Self::Key>>;
    /// Unregisters and frees a key from [`Env::new_key`].
    ///
    /// # Safety
    ///
    /// `key` came from `new_key`, was not dropped before, and no lock uses it any more.
    unsafe fn drop_key(key: NonNull<Self::Key>);
}

/// A class a strategy gave a lock, held as long as the lock may use it. Dropping it gives it
/// back: a per-object key is unregistered and freed then (`dynamic`); every other class lives
/// as long as its strategy's table (until [`Strategy::reset`]) or the program.
#[must_use = "dropping it gives the class back at once"]
pub struct Held<'s, E: Env> {
    class: E::Class,
    /// A per-object key, and its strategy's count of live keys.
    owned: Option<(NonNull<E::Key>, &'s AtomicUsize)>,
}

impl<E: Env> Held<'_, E> {
    /// A class nobody has to give back (a static key, or a table's record).
    #[inline(always)]
    pub fn lasting(class: E::Class) -> Self {
        Self { class, owned: None }
    }

    /// The class, for a lock's initialisation.
    #[inline(always)]
    pub fn class(&self) -> E::Class {
        self.class
    }
}

impl<E: Env> Drop for Held<'_, E> {
    #[inline(always)]
    fn drop(&mut self) {
        if let Some((key, live)) = self.owned {
            // SAFETY: the key is this token's own (from `new_key`, given back once, here); a
            // lock that used it borrowed the token, so it is gone.
            unsafe { E::drop_key(key) };
            live.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// Where a strategy's keys come from: what its operations cost beyond the lookup (key
/// registration, and one grace period per unregistration) and how many lockdep classes a
/// plan can make with them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keys {
    /// Static keys, one per site (or none): never registered nor unregistered.
    Static,
    /// One registered key per site, in a table; unregistered when the table is emptied.
    Table,
    /// A key registered per lock object and unregistered when the lock goes.
    PerObject,
    /// Static keys from a fixed pool, one claimed per site on its first lookup and kept until
    /// the pool goes: a reset forgets nothing.
    Pool,
}

/// One way of giving a lock its class.
pub trait Strategy: Sync + Sized + 'static {
    /// Where it runs.
    type Env: Env;
    /// Its name (`strategy=` in the module, and every output row).
    const NAME: &'static str;
    /// `class` may be called with preemption disabled.
    const ATOMIC_SAFE: bool;
    /// Run in `atomic` mode anyway when asked to demonstrate the sleeping-in-atomic report.
    const ATOMIC_DEMO: bool = false;
    /// Cap on operations per timed run (an operation that waits for RCU must not run 10^5
    /// times).
    const MAX_OPS: u64 = u64::MAX;
    /// Where its keys come from.
    const KEYS: Keys = Keys::Static;

    /// A fresh instance: empty table, nothing registered.
    fn new() -> Self;

    /// The class for a lock created at `site`: what a `#[track_caller]` constructor computes
    /// from `Location::caller()` (passed here explicitly, which is what `#[track_caller]`
    /// does). A miss allocates with `flags`.
    fn class(
        &self,
        site: &'static <Self::Env as Env>::Site,
        flags: <Self::Env as Env>::Flags,
    ) -> Held<'_, Self::Env>;

    /// Empties the strategy's table, unregistering its keys.
    ///
    /// # Safety
    ///
    /// No `class` call runs concurrently, and no [`Held`] from this strategy (nor a lock
    /// initialised with one) is alive.
    unsafe fn reset(&self) {}

    /// The content table's counts, for the strategies that have one.
    fn table_stats(&self) -> Option<TableStats> {
        None
    }

    /// Lookups that fell back to the `Location` because an allocation failed.
    fn fallbacks(&self) -> usize {
        0
    }

    /// Of the classes [`Strategy::table_stats`] counts, those whose key is static memory the
    /// strategy holds and never registers (`pool`'s claimed slots).
    fn static_classes(&self) -> usize {
        0
    }

    /// Per-object keys alive now (`dynamic`).
    fn live_keys(&self) -> usize {
        0
    }
}

/// Every strategy, in output order, for environment `$env`: expands `$then!` with one type per
/// strategy, so that both sides' lists (the module's ops table and `strategy=` names, the host's
/// visitors) are this one. `$extra` types follow: strategies only one side has (the module's
/// `tracked`, the patched kernel API).
#[macro_export]
macro_rules! strategy_list {
    ($then:ident, $env:ty $(, $extra:ty)* $(,)?) => {
        $then! {
            $crate::strategy::Noop<$env>,
            $crate::strategy::MutexTable<$env>,
            $crate::strategy::SpinlockTable<$env>,
            $crate::strategy::RcuTable<$env>,
            $crate::strategy::LocationKey<$env>,
            $crate::strategy::Macro<$env>,
            $crate::strategy::DynamicKey<$env>,
            $crate::strategy::Cached<$env>,
            $crate::strategy::Pool<$env>,
            $($extra,)*
        }
    };
}

/// The RFC's fallback when a table cannot allocate: the `Location` itself as a static key, as
/// in the `location` strategy (and so with the same name: lockdep keeps the first name a key
/// is initialised with).
#[cold]
#[inline(never)]
fn fallback<E: Env>(site: &'static E::Site, fallbacks: &AtomicUsize) -> E::Class {
    fallbacks.fetch_add(1, Ordering::Relaxed);
    E::location_class(site)
}

/// A table lookup's class, or the fallback.
#[inline(always)]
fn key_or_fallback<E: Env>(
    found: Result<&E::Key, AllocError>,
    site: &'static E::Site,
    fallbacks: &AtomicUsize,
) -> E::Class {
    match found {
        Ok(key) => E::key_class(key),
        Err(AllocError) => fallback::<E>(site, fallbacks),
    }
}
