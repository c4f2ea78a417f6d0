// SPDX-License-Identifier: GPL-2.0

//! The ops table: one row per strategy (from `strategy::strategy_list!`), each a set of
//! monomorphized entry points into the harness, as refscale.c's `ref_scale_ops`. It sits on
//! top, beside `main.rs`: it names the strategies, the plan, the harness and the report.

use crate::cost::{Calibration, UnitCosts};
use crate::params::Plan;
use crate::report::Report;
use crate::sites::CallSite;
use crate::strategy::{strategy_list, Class, Stats, StrategyInfo, INFOS};
use crate::{calibrate, workload};
use kernel::error::Result;

/// One row of the strategy table.
pub(crate) struct StrategyOps {
    pub(crate) info: StrategyInfo,
    /// Measures the strategy's unit costs for the plan's cost model.
    pub(crate) probe: fn(&Plan, u64) -> Result<UnitCosts>,
    /// Runs the plan's modes for this strategy (monomorphized: no indirect call per operation).
    pub(crate) run: fn(&Plan, &UnitCosts, &Calibration, &mut Report) -> Result,
    /// The class for a lock created at a site (the precision scenarios take their locks with it).
    pub(crate) class: fn(&'static CallSite) -> Class,
    /// Gives back a class from `class`.
    pub(crate) release: fn(&'static CallSite, Class),
    /// Empties the strategy's table (module exit, failed init).
    pub(crate) reset: fn(),
    /// Memory and class counts.
    pub(crate) stats: fn() -> Stats,
}

macro_rules! ops {
    ($ty:ty, $instance:expr) => {
        StrategyOps {
            info: StrategyInfo::of::<$ty>(),
            probe: |plan, thread_ns| calibrate::probe(&$instance, plan, thread_ns),
            run: |plan, units, cal, report| {
                workload::run_strategy(&$instance, plan, units, cal, report)
            },
            class: |site| <$ty as Strategy>::class(&$instance, site),
            release: |site, c| <$ty as Strategy>::release(&$instance, site, c),
            reset: || <$ty as Strategy>::reset(&$instance),
            stats: || <$ty as Strategy>::stats(&$instance),
        }
    };
}

macro_rules! ops_table {
    ($($ty:ty => $instance:expr),* $(,)?) => {
        /// Every strategy, in output order (`INFOS`'s order).
        pub(crate) static STRATEGIES: [StrategyOps; INFOS.len()] = {
            use crate::strategy::*;
            [$(ops!($ty, $instance)),*]
        };
    };
}
strategy_list!(ops_table);
