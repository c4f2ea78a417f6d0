// SPDX-License-Identifier: GPL-2.0

//! Where lock init's time goes: the cost of `__mutex_init` with one key of each kind lockdep
//! tells apart, all else equal (one lock, one name, the same key every time). Under lockdep,
//! init checks the key: `static_obj()` (kernel data, kernel read-only data, init sections,
//! kernel per-CPU areas, then module images and module per-CPU areas, in that order), and for
//! a key that is none of these, `is_dynamic_key()` (which calls `static_obj()` again, then
//! walks its hash chain of registered keys). So a key's cost at init depends on where it lies:
//! the rows below put a figure on each stop of that path. Printed per load, before the plan's
//! results, when the plan runs `init` on a lockdep kernel.

use crate::calibrate::per;
use crate::glue;
use crate::params::Plan;
use crate::sites::CALL_SITES;
use crate::strategy::{dynamic, pool, Strategy};
use core::hint::black_box;
use core::mem::MaybeUninit;
use kernel::bindings;
use kernel::ffi::c_char;
use kernel::prelude::*;

/// Key kinds measured, each one more stop along `static_obj()` (then `is_dynamic_key()`).
pub(crate) const KINDS: usize = 5;
/// Timed batches per kind; the median counts.
pub(crate) const RUNS: usize = 5;
/// Most inits per batch.
const MAX_OPS: u64 = 2048;

/// Inits per batch in `plan`.
pub(crate) fn ops(plan: &Plan) -> u64 {
    plan.loops.clamp(1, MAX_OPS)
}

/// `ops` inits of one local mutex with `key`; ns for the batch.
#[inline(never)]
fn init_batch(key: *mut bindings::lock_class_key, name: *const c_char, ops: u64) -> u64 {
    let mut m = MaybeUninit::<bindings::mutex>::zeroed();
    let t0 = glue::now_ns();
    for _ in 0..ops {
        // SAFETY: `m` is a local mutex nobody else sees and never locked; `key` is static or
        // registered (caller), `name` a NUL-terminated string that outlives the call.
        unsafe { bindings::__mutex_init(m.as_mut_ptr(), name, black_box(key)) };
    }
    glue::now_ns() - t0
}

/// Prints one `keycost` line per key kind.
pub(crate) fn report(plan: &Plan) -> Result {
    let ops = ops(plan);
    let site = &CALL_SITES[0];
    // A registered key, as `dynamic` makes one per lock (and the tables one per site); given
    // back below (one grace period). Its fallback (the `Location`, when memory is short) would
    // measure another kind: refuse rather than mislabel.
    let registered = dynamic::INSTANCE.class(site);
    if registered.key == site.loc as *const _ as *mut _ {
        return Err(ENOMEM);
    }
    let pool_class = pool::INSTANCE.class(site);
    // Taking the address of an extern static creates no reference (no `unsafe` needed). A
    // kernel without lockdep has no such key, and never gets here (`main.rs`).
    #[cfg(CONFIG_LOCKDEP)]
    let vmlinux = core::ptr::addr_of_mut!(bindings::__lockdep_no_validate__);
    #[cfg(not(CONFIG_LOCKDEP))]
    let vmlinux = core::ptr::null_mut();
    let kinds: [(&str, *mut bindings::lock_class_key, *const c_char); KINDS] = [
        // Kernel data: `static_obj()`'s first check answers.
        ("vmlinux_static", vmlinux, site.name),
        // A macro's `static` key in this module's data: every kernel check, then the module
        // lookup.
        ("module_static", site.key as *const _ as *mut _, site.name),
        // The `Location` in this module's read-only data (the `location` strategy).
        (
            "module_rodata",
            site.loc as *const _ as *mut _,
            site.loc_name,
        ),
        // A slot of the `pool` strategy's static pool (module data, as the macro key).
        ("pool", pool_class.key, pool_class.name),
        // A kmalloc'd registered key: all of `static_obj()`, then `is_dynamic_key()`.
        ("registered", registered.key, registered.name),
    ];
    // Kinds take turns, batch by batch: the host's speed drifts over seconds under User-Mode
    // Linux, and a drift then touches every kind alike rather than the ones measured last.
    let mut ns = [[0u64; RUNS]; KINDS];
    for run in 0..=RUNS {
        for (k, &(_, key, class_name)) in kinds.iter().enumerate() {
            let t = init_batch(key, class_name, ops);
            // Run 0 warms up.
            if let Some(v) = run.checked_sub(1).and_then(|r| ns[k].get_mut(r)) {
                *v = t;
            }
        }
        glue::cond_resched();
    }
    let possible = glue::possible_cpus();
    for (k, &(name, _, _)) in kinds.iter().enumerate() {
        let ns = &mut ns[k];
        ns.sort_unstable();
        pr_info!(
            "keycost key={} ops={} runs={} possible_cpus={} ns_per_op={} min_ns_per_op={}\n",
            name,
            ops,
            RUNS,
            possible,
            crate::fmt::Milli(per(ns[RUNS / 2].saturating_mul(1000), ops)),
            crate::fmt::Milli(per(ns[0].saturating_mul(1000), ops)),
        );
    }
    // The mutex that used it is gone.
    dynamic::INSTANCE.release(site, registered);
    Ok(())
}
