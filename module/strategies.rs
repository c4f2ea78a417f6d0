// SPDX-License-Identifier: GPL-2.0

//! The strategies as the module runs them: one `static` instance of each shared strategy
//! (lockclass-core's `strategy`, in the kernel's environment), what the plan knows of each
//! ([`INFOS`], [`NAMES`]), and what the stats line reports. The list and its order are the
//! shared `strategy_list!`, followed by `tracked` (the patched kernel API) where the kernel has
//! it ([`module_strategy_list`]). Nothing here imports the plan, the harness or the report.

use crate::kernel_env::Kernel;
use crate::strategy::{
    Cached, DynamicKey, Keys, LocationKey, Macro, MutexTable, Noop, Pool, RcuTable, SpinlockTable,
    Strategy,
};

/// The module's strategy list: the shared one, then `tracked` where the kernel crate has the
/// `#[track_caller]` lock-class API (`CONFIG_RUST_LOCK_CLASS`, kernel/patches/0002-0006).
#[cfg(CONFIG_RUST_LOCK_CLASS)]
macro_rules! module_strategy_list {
    ($then:ident) => {
        $crate::strategy_list!($then, $crate::kernel_env::Kernel, $crate::tracked::Tracked);
    };
}
/// See the other definition: without the API, the shared list alone.
#[cfg(not(CONFIG_RUST_LOCK_CLASS))]
macro_rules! module_strategy_list {
    ($then:ident) => {
        $crate::strategy_list!($then, $crate::kernel_env::Kernel);
    };
}
pub(crate) use module_strategy_list;

/// A strategy's one instance in this module.
pub(crate) trait Instance: Strategy<Env = Kernel> {
    /// The instance.
    fn get() -> &'static Self;
}

macro_rules! instances {
    ($($ty:ident => $name:ident),* $(,)?) => {$(
        pub(crate) static $name: $ty<Kernel> = $ty::empty();

        impl Instance for $ty<Kernel> {
            #[inline(always)]
            fn get() -> &'static Self {
                &$name
            }
        }
    )*};
}
// Each listed type must have one (the ops table and `INFOS` ask each for its instance).
instances!(
    Noop => NOOP,
    MutexTable => MUTEX,
    SpinlockTable => SPINLOCK,
    RcuTable => RCU,
    LocationKey => LOCATION,
    Macro => MACRO,
    DynamicKey => DYNAMIC,
    Cached => CACHED,
    Pool => POOL,
);

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

macro_rules! infos {
    ($($ty:ty),* $(,)?) => {
        /// What the plan knows of each strategy, in output order (the ops table's order).
        pub(crate) static INFOS: [StrategyInfo; [$(stringify!($ty)),*].len()] =
            [$(StrategyInfo::of::<$ty>()),*];
        /// The strategies' names, in the same order (for `strategy=` and its modinfo text).
        pub(crate) const NAMES: [&str; [$(stringify!($ty)),*].len()] =
            [$(<$ty as Strategy>::NAME),*];
    };
}
module_strategy_list!(infos);

/// What a strategy reports after its modes ran (the `stats` line).
#[derive(Clone, Copy, Default)]
pub(crate) struct Stats {
    pub(crate) table_bytes: usize,
    pub(crate) buckets: usize,
    pub(crate) classes: usize,
    pub(crate) lost_races: usize,
    pub(crate) fallbacks: usize,
}

impl Stats {
    /// `s`'s counts: its table's, or its live per-object keys.
    pub(crate) fn of<S: Strategy>(s: &S) -> Self {
        let t = s.table_stats().unwrap_or_default();
        Self {
            table_bytes: t.bytes,
            buckets: t.buckets,
            classes: if S::KEYS == Keys::PerObject {
                s.live_keys()
            } else {
                t.records
            },
            lost_races: t.lost_races,
            fallbacks: s.fallbacks(),
        }
    }
}
