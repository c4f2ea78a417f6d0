// SPDX-License-Identifier: GPL-2.0

//! The ops table: one row per strategy (from the shared `strategy_list!`), each a set of
//! monomorphized entry points into the calibration and the harness, as refscale.c's
//! `ref_scale_ops`. It sits on top, beside `main.rs`: it names the strategies, the plan, the
//! harness and the report.

use crate::calibrate;
use crate::harness::Runner;
use crate::kernel_env::Kernel;
use crate::params::Plan;
use crate::sites::CallSite;
use crate::strategies::{Instance, Stats, StrategyInfo, INFOS};
use crate::strategy::{Held, Strategy};
use crate::units::UnitCosts;
use kernel::error::Result;

/// One row of the strategy table.
pub(crate) struct StrategyOps {
    pub(crate) info: StrategyInfo,
    /// Measures the strategy's unit costs for the plan's cost model.
    pub(crate) probe: fn(&Plan, u64) -> Result<UnitCosts>,
    /// The harness's entry points (monomorphized: one indirect call per batch, none per
    /// operation).
    pub(crate) runner: Runner,
    /// The class for a lock created at a site, in process context (the precision scenarios
    /// take their locks with it); given back when the token is dropped.
    pub(crate) class: fn(&'static CallSite) -> Held<'static, Kernel>,
    /// Empties the strategy's table.
    ///
    /// # Safety
    ///
    /// As [`Strategy::reset`]: no lookup in flight, no class of the strategy held.
    pub(crate) reset: unsafe fn(),
    /// Memory and class counts.
    pub(crate) stats: fn() -> Stats,
}

macro_rules! ops {
    ($ty:ty) => {
        StrategyOps {
            info: StrategyInfo::of::<$ty>(),
            probe: |plan, thread_ns| calibrate::probe(<$ty>::get(), plan, thread_ns),
            runner: Runner::of::<$ty>(),
            class: |site| <$ty>::get().class(site, GFP_KERNEL),
            // SAFETY: forwarded from the caller of the row's `reset`.
            reset: || unsafe { <$ty>::get().reset() },
            stats: || Stats::of(<$ty>::get()),
        }
    };
}

macro_rules! ops_table {
    ($($ty:ty),* $(,)?) => {
        /// Every strategy, in output order (`INFOS`'s order).
        pub(crate) static STRATEGIES: [StrategyOps; INFOS.len()] = {
            use kernel::prelude::GFP_KERNEL;
            [$(ops!($ty)),*]
        };
    };
}
crate::strategies::module_strategy_list!(ops_table);

/// Unregisters and frees what every strategy holds (unless the RFC's leak is asked for).
///
/// # Safety
///
/// As [`Strategy::reset`], for every strategy: no lookup in flight, no class held.
pub(crate) unsafe fn reset_all() {
    for s in STRATEGIES.iter() {
        // SAFETY: forwarded from the caller.
        unsafe { (s.reset)() };
    }
}
