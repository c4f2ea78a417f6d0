// SPDX-License-Identifier: GPL-2.0

//! What a plan needs of lockdep and leaves behind: the lock classes it can hold at once (the
//! class budget `accept.rs` checks against lockdep's limit, and how much it scales the
//! first-acquire cost) and the memory the RFC's leak mode (`leak_keys=1`) leaves allocated.

use crate::algo::table::{Bucket, Record};
use crate::fmt::List;
use crate::glue;
use crate::kernel_env::{KMutex, KSpinLock, KernelKey};
use crate::params::{Mode, Plan};
use crate::strategies::StrategyInfo;
use crate::strategy::Keys;
use crate::units::PROBE_SITES;
use core::mem::size_of;
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
fn class_scale_milli(plan: &Plan, needed: u64) -> u64 {
    let in_use = plan.lockdep_classes.unwrap_or(256).max(1);
    (in_use + needed) * 1000 / in_use
}

/// Memory the RFC's leak mode leaves behind: every table reset leaks its records and buckets.
fn leaked_bytes(plan: &Plan, infos: &[&StrategyInfo], record_bytes: u64, bucket_bytes: u64) -> u64 {
    if !plan.leak_keys {
        return 0;
    }
    let mut bytes = 0u64;
    plan.for_each_config(infos, |k, mode, sites, _, _| {
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
fn check_leak(bytes: u64) -> Result {
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

/// Refuses a plan that can make more lockdep classes than lockdep has room for, unless
/// `past_class_limit=1` asks for it. Returns whether the plan goes past the limit.
fn check_classes(plan: &Plan, infos: &[&StrategyInfo]) -> Result<bool> {
    let limit = glue::max_lock_classes();
    if limit == 0 {
        return Ok(false);
    }
    let needed = classes_needed(plan, infos);
    // Unknown: assume the rest of the kernel holds half of the table (a small guest holds
    // about a tenth), so the plan may use the other half.
    let (in_use, source) = match plan.lockdep_classes {
        Some(n) => (n, "lockdep_classes"),
        None => (limit / 2, "assumed"),
    };
    let room = limit.saturating_sub(in_use);
    pr_info!(
        "classes needed={} in_use={} ({}) limit={} room={}\n",
        needed,
        in_use,
        source,
        limit,
        room
    );
    if needed <= room {
        return Ok(false);
    }
    if plan.past_class_limit {
        pr_warn!(
            "classes: the plan may make {} lock classes, lockdep has room for {}: running anyway (past_class_limit=1), rows marked past_class_limit=1\n",
            needed,
            room
        );
        return Ok(true);
    }
    pr_err!(
        "invalid parameters: the plan may make {} lock classes (acquire mode), lockdep has room for {} ({} of {} in use, {}); lower sites, leave out mode=acquire or leak_keys=1, pass lockdep_classes= from /proc/lockdep_stats, or set past_class_limit=1\n",
        needed,
        room,
        in_use,
        limit,
        source
    );
    pr_err!(
        "error param=sites value={} valid=classes<={} classes={}\n",
        List(plan.sites.iter()),
        room,
        needed
    );
    Err(EINVAL)
}

/// What the class budget found out about an admitted plan.
pub(crate) struct Budget {
    /// It may go past lockdep's class limit (`past_class_limit=1`).
    pub(crate) past_limit: bool,
    /// `Calibration::class_scale_milli` for its peak class count.
    pub(crate) class_scale_milli: u64,
}

/// Checks the plan's lockdep classes and the memory the RFC's leak would leave; `EINVAL`
/// refuses it.
pub(crate) fn admit(plan: &Plan, infos: &[&StrategyInfo]) -> Result<Budget> {
    let past_limit = check_classes(plan, infos)?;
    let bucket_bytes =
        size_of::<Bucket<KMutex, KernelKey>>().max(size_of::<Bucket<KSpinLock, KernelKey>>());
    check_leak(leaked_bytes(
        plan,
        infos,
        size_of::<Record<KernelKey>>() as u64,
        bucket_bytes as u64,
    ))?;
    Ok(Budget {
        past_limit,
        class_scale_milli: class_scale_milli(plan, classes_needed(plan, infos)),
    })
}
