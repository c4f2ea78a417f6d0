// SPDX-License-Identifier: GPL-2.0

//! The strategies under test, one per file, behind one small trait, and the list of them
//! (as refscale.c keeps one `ref_scale_ops` per `scale_type`; the ops table itself, which
//! points into the harness, is `crate::ops`). Nothing here imports the plan, the harness or
//! the report: the strategies are what is timed, at the bottom of the module.

// One file per strategy, named as on the command line (`macro` is a reserved word in Rust,
// hence `r#macro`); the three tables share `table.rs`.
pub(crate) mod cached;
pub(crate) mod dynamic;
pub(crate) mod location;
pub(crate) mod r#macro;
pub(crate) mod mutex;
pub(crate) mod noop;
pub(crate) mod pool;
pub(crate) mod rcu;
pub(crate) mod spinlock;
pub(crate) mod table;

use crate::algo::table::Record;
use crate::algo::AllocError;
use crate::kernel_env::KernelKey;
use crate::sites::CallSite;
use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::bindings;
use kernel::ffi::c_char;

/// A lock class as a lock constructor receives it.
#[derive(Clone, Copy)]
pub(crate) struct Class {
    pub(crate) key: *mut bindings::lock_class_key,
    pub(crate) name: *const c_char,
}

/// Where a strategy's keys come from: what its operations cost beyond the lookup (key
/// registration, and one RCU grace period per unregistration) and how many lockdep classes
/// a plan can make with them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keys {
    /// Static keys, one per site (or none): never registered nor unregistered.
    Static,
    /// One registered key per site, in a table; unregistered when the table is emptied.
    Table,
    /// A key registered per lock object and unregistered when the lock goes.
    PerObject,
    /// Static keys from a fixed pool in the module's memory, one claimed per site on its first
    /// lookup and kept (never unregistered) until the module goes: a reset forgets nothing.
    Pool,
}

/// What the plan needs to know of a strategy (its cost model and class count).
pub(crate) struct StrategyInfo {
    pub(crate) name: &'static str,
    pub(crate) keys: Keys,
    pub(crate) max_ops: u64,
    pub(crate) atomic_safe: bool,
    pub(crate) atomic_demo: bool,
}

impl StrategyInfo {
    /// `S`'s constants.
    pub(crate) const fn of<S: Strategy>() -> Self {
        Self {
            name: S::NAME,
            keys: S::KEYS,
            max_ops: S::MAX_OPS,
            atomic_safe: S::ATOMIC_SAFE,
            atomic_demo: S::ATOMIC_DEMO,
        }
    }
}

/// What a strategy reports after its modes ran.
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) table_bytes: usize,
    pub(crate) buckets: usize,
    pub(crate) classes: usize,
    pub(crate) lost_races: usize,
    pub(crate) fallbacks: usize,
}

/// One way of giving a lock its class.
pub(crate) trait Strategy: Sync + 'static {
    /// Name used by the `strategy=` parameter and in the output.
    const NAME: &'static str;
    /// `class` may be called with preemption disabled.
    const ATOMIC_SAFE: bool;
    /// Run in `atomic` mode anyway when `atomic_demo=1` asks for the sleeping-in-atomic report.
    const ATOMIC_DEMO: bool = false;
    /// Cap on operations per timed run (an operation that waits for RCU must not run 10^5 times).
    const MAX_OPS: u64 = u64::MAX;
    /// Where the keys come from. `Table` strategies keep one registered class per distinct
    /// site, which the harness checks after every mode.
    const KEYS: Keys = Keys::Static;

    /// The class for a lock created at `site`: what a `#[track_caller]` constructor computes
    /// from `Location::caller()` (here passed explicitly, which is what `#[track_caller]` does).
    fn class(&self, site: &'static CallSite) -> Class;

    /// Gives back the class `class` got for `site` when its lock goes away (only per-object
    /// keys do anything).
    #[inline(always)]
    fn release(&self, _site: &'static CallSite, _class: Class) {}

    /// Empties the strategy's table, unregistering its keys. No lookup may run concurrently.
    fn reset(&self) {}

    /// Memory and class counts.
    fn stats(&self) -> Stats {
        Stats::default()
    }
}

/// The class a table record stands for.
#[inline(always)]
fn record_class(r: &Record<KernelKey>) -> Class {
    Class {
        key: r.key.key_ptr(),
        name: r.key.name_ptr(),
    }
}

/// The RFC's fallback when the table cannot allocate: the `Location` itself is the (static)
/// key, as in the `location` strategy, and so with the same name pointer (lockdep keeps the
/// first name a key is initialised with, and warns if a later init passes another pointer).
#[cold]
fn fallback_class(site: &'static CallSite, fallbacks: &AtomicUsize) -> Class {
    fallbacks.fetch_add(1, Ordering::Relaxed);
    Class {
        key: fallback_key(site),
        name: site.loc_name,
    }
}

/// The key of `site`'s fallback class.
#[inline(always)]
fn fallback_key(site: &'static CallSite) -> *mut bindings::lock_class_key {
    site.loc as *const _ as *mut bindings::lock_class_key
}

/// A table lookup's class, or the fallback.
#[inline(always)]
fn class_or_fallback(
    r: Result<&Record<KernelKey>, AllocError>,
    site: &'static CallSite,
    fallbacks: &AtomicUsize,
) -> Class {
    match r {
        Ok(r) => record_class(r),
        Err(AllocError) => fallback_class(site, fallbacks),
    }
}

/// Every strategy, in output order, one row each: expands `$then!` with `Type => INSTANCE`
/// pairs, so the facts the plan needs (`INFOS`, here) and the ops table the harness runs
/// (`crate::ops::STRATEGIES`) come from one list and cannot disagree.
macro_rules! strategy_list {
    ($then:ident) => {
        $then! {
            noop::Noop => noop::INSTANCE,
            table::TableKey<mutex::Mutex> => mutex::INSTANCE,
            table::TableKey<spinlock::Spinlock> => spinlock::INSTANCE,
            table::TableKey<rcu::Rcu> => rcu::INSTANCE,
            location::Location => location::INSTANCE,
            r#macro::Macro => r#macro::INSTANCE,
            dynamic::Dynamic => dynamic::INSTANCE,
            cached::Cached => cached::INSTANCE,
            pool::Pool => pool::INSTANCE,
        }
    };
}
pub(crate) use strategy_list;

macro_rules! infos {
    ($($ty:ty => $instance:expr),* $(,)?) => {
        /// What the plan knows of each strategy, in output order (the ops table's order).
        pub(crate) static INFOS: [StrategyInfo; [$(stringify!($ty)),*].len()] =
            [$(StrategyInfo::of::<$ty>()),*];
        /// The strategies' names, in the same order (for `strategy=` and its modinfo text).
        pub(crate) const NAMES: [&str; [$(stringify!($ty)),*].len()] =
            [$(<$ty as Strategy>::NAME),*];
    };
}
strategy_list!(infos);

/// Table statistics in the report's shape.
fn table_stats(s: crate::algo::table::TableStats, fallbacks: &AtomicUsize) -> Stats {
    Stats {
        table_bytes: s.bytes,
        buckets: s.buckets,
        classes: s.records,
        lost_races: s.lost_races,
        fallbacks: fallbacks.load(Ordering::Relaxed),
    }
}
