// SPDX-License-Identifier: GPL-2.0

//! What a plan needs of lockdep and leaves behind: the lock classes it can hold at once (the
//! class budget `accept.rs` checks against lockdep's limit, and how much it scales the
//! first-acquire cost) and the memory the RFC's leak mode (`leak_keys=1`) leaves allocated.

use crate::cost::{for_each_config, PROBE_SITES};
use crate::params::{Mode, Plan};
use crate::strategy::{Keys, StrategyInfo};
use kernel::prelude::*;

/// Classes besides the sites' (bucket locks, the mutex's wait_lock, per-object keys in flight).
const CLASS_MARGIN: u64 = 16;
/// Most memory the RFC's leak mode (`leak_keys=1`) may leave behind in one load.
const MAX_LEAKED_BYTES: u64 = 32 << 20;

/// Lockdep classes the plan can hold at once: a class is made at a key's first acquire
/// (`acquire` mode; `init` and lookups make none) and freed when its key is unregistered.
pub(crate) fn classes_needed(plan: &Plan, infos: &[&StrategyInfo]) -> u64 {
    if !plan.modes.contains(&Mode::Acquire) {
        return 0;
    }
    // Every batch starts at the first site, so a configuration acquires `min(sites, loops)`.
    let acquired = |n: usize| (n as u64).min(plan.loops);
    let max_sites = plan.sites.iter().map(|&n| acquired(n)).max().unwrap_or(0);
    let sum_sites: u64 = plan.sites.iter().map(|&n| acquired(n)).sum();
    let mut n = CLASS_MARGIN;
    for info in infos {
        n += match info.keys {
            // Static keys (a macro's, or a pool's) stay classes until the module goes.
            Keys::Static | Keys::Pool => max_sites,
            // The RFC's leak: every configuration registers new keys and never unregisters.
            Keys::Table if plan.leak_keys => sum_sites + PROBE_SITES as u64,
            Keys::Table => max_sites,
            Keys::PerObject => 1,
        };
    }
    // The fallback's keys are the sites' `Location`s (shared with `location`, if it runs:
    // counted twice then, which errs on the safe side).
    let falls_back = plan.fail_alloc_every > 0 && infos.iter().any(|i| i.keys != Keys::Static);
    if falls_back {
        n += max_sites;
    }
    n
}

/// `Calibration::class_scale_milli`: classes at the plan's peak over classes when probed.
/// Without `lockdep_classes=` the classes in use are taken as few (256), which overestimates.
pub(crate) fn class_scale_milli(plan: &Plan, needed: u64) -> u64 {
    let in_use = plan.lockdep_classes.unwrap_or(256).max(1);
    (in_use + needed) * 1000 / in_use
}

/// Memory the RFC's leak mode leaves behind: every table reset leaks its records and buckets.
pub(crate) fn leaked_bytes(
    plan: &Plan,
    infos: &[&StrategyInfo],
    record_bytes: u64,
    bucket_bytes: u64,
) -> u64 {
    if !plan.leak_keys {
        return 0;
    }
    let mut bytes = 0u64;
    for_each_config(plan, infos, |k, mode, sites, _, _| {
        if infos[k].keys != Keys::Table {
            return;
        }
        let n = sites as u64;
        let resets = if mode == Mode::Create {
            (plan.warmup + plan.runs) as u64 + 1
        } else {
            1
        };
        bytes = bytes.saturating_add(resets.saturating_mul(n * (record_bytes + bucket_bytes)));
    });
    bytes
}

/// Refuses a plan that would leak more than `MAX_LEAKED_BYTES`.
pub(crate) fn check_leak(bytes: u64) -> Result {
    if bytes > MAX_LEAKED_BYTES {
        pr_err!(
            "invalid parameters: leak_keys=1 would leave about {} KiB behind in this load, more than {} KiB; lower runs or sites\n",
            bytes >> 10,
            MAX_LEAKED_BYTES >> 10
        );
        pr_err!(
            "error param=leak_keys value=1 valid=leaked_kib<={} leaked_kib={}\n",
            MAX_LEAKED_BYTES >> 10,
            bytes >> 10
        );
        return Err(EINVAL);
    }
    Ok(())
}
