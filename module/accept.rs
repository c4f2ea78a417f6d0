// SPDX-License-Identifier: GPL-2.0

//! Whether a plan is accepted, read top down: lockdep's class room and the RFC's leak
//! (`budget`), then the unit costs measured now and the estimate from them (`calibrate`, which
//! checks it with the cost model). Refusals are `EINVAL` with a log line saying what to lower.
//! On top, beside `main.rs`: it hands the calibration the strategies' probes from the ops
//! table. Nothing below imports it.

use crate::cost::Estimate;
use crate::ops::{reset_all, STRATEGIES};
use crate::params::Plan;
use crate::strategies::{StrategyInfo, INFOS};
use crate::units::Calibration;
use crate::{budget, calibrate};
use kernel::prelude::*;

/// The `info` of each strategy in the plan, in plan order.
pub(crate) fn infos(plan: &Plan) -> Result<KVec<&'static StrategyInfo>> {
    let mut v = KVec::with_capacity(plan.strategies.len(), GFP_KERNEL)?;
    for &i in plan.strategies.iter() {
        v.push(&INFOS[i], GFP_KERNEL)?;
    }
    Ok(v)
}

/// What `accept` found out about an accepted plan.
pub(crate) struct Accepted {
    pub(crate) infos: KVec<&'static StrategyInfo>,
    pub(crate) cal: Calibration,
    pub(crate) estimate: Estimate,
    /// The plan may go past lockdep's class limit (`past_class_limit=1`).
    pub(crate) past_limit: bool,
}

/// Checks the plan's classes, leaked memory and estimated time; `EINVAL` refuses it.
pub(crate) fn accept(plan: &Plan) -> Result<Accepted> {
    let infos = infos(plan)?;
    let budget = budget::admit(plan, &infos)?;
    let (cal, estimate) = calibrate::calibrate(
        plan,
        &infos,
        budget.class_scale_milli,
        |k, plan, thread_ns| (STRATEGIES[plan.strategies[k]].probe)(plan, thread_ns),
        // SAFETY: at load, before any run: the loading task alone uses the strategies, and
        // the probes have given back their classes.
        || unsafe { reset_all() },
    )?;
    Ok(Accepted {
        infos,
        cal,
        estimate,
        past_limit: budget.past_limit,
    })
}
