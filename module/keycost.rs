// SPDX-License-Identifier: GPL-2.0

//! Where lock init's time goes: the cost of `__mutex_init` with one key of each kind lockdep
//! tells apart, all else equal (one lock, one name, the same key every time). Under lockdep,
//! init checks the key: `static_obj()` (kernel data, kernel read-only data, init sections,
//! kernel per-CPU areas, then module images and module per-CPU areas, in that order), and for
//! a key that is none of these, `is_dynamic_key()` (which calls `static_obj()` again, then
//! walks its hash chain of registered keys). So a key's cost at init depends on where it lies:
//! the rows below put a figure on each stop of that path. Printed per load, before the plan's
//! results, when the plan runs `init` on a lockdep kernel.

use crate::glue;
use crate::kernel_env::{class_ref, Kernel};
use crate::lock::{Class, ClassRef, LockSlot, MutexKind};
use crate::params::Plan;
use crate::sites::CALL_SITES;
use crate::strategies::{DYNAMIC, POOL};
use crate::strategy::{Env, Strategy};
use crate::units::per;
use core::hint::black_box;
use kernel::prelude::*;

/// Key kinds measured, each one more stop along `static_obj()` (then `is_dynamic_key()`); the
/// patched API's module pool slot where the kernel has it.
pub(crate) const KINDS: usize = if cfg!(CONFIG_RUST_LOCK_CLASS) { 6 } else { 5 };
/// Timed batches per kind; the median counts.
pub(crate) const RUNS: usize = 5;
/// Most inits per batch.
const MAX_OPS: u64 = 2048;

/// Inits per batch in `plan`.
pub(crate) fn ops(plan: &Plan) -> u64 {
    plan.loops.clamp(1, MAX_OPS)
}

/// `ops` inits of a mutex with `class`, in one slot pinned on the stack; ns for the batch.
#[inline(never)]
fn init_batch(class: ClassRef<'_>, ops: u64) -> u64 {
    let mut slot = core::pin::pin!(LockSlot::<MutexKind>::new());
    let t0 = glue::now_ns();
    for _ in 0..ops {
        // `black_box`: the class is reloaded every time, as a lock constructor's argument.
        slot.as_mut().init(black_box(class));
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
    let registered = DYNAMIC.class(site, GFP_KERNEL);
    if registered.class().key == Kernel::location_class(site).key {
        return Err(ENOMEM);
    }
    let pooled = POOL.class(site, GFP_KERNEL);
    // The patched API's key: a slot of the pool `module!` put in this module's data.
    #[cfg(CONFIG_RUST_LOCK_CLASS)]
    let tracked = crate::tracked::TRACKED.class(site, GFP_KERNEL);
    // Taking the address of an extern static creates no reference (no `unsafe` needed). A
    // kernel without lockdep has no such key, and never gets here (`main.rs`).
    #[cfg(CONFIG_LOCKDEP)]
    let vmlinux = core::ptr::addr_of_mut!(kernel::bindings::__lockdep_no_validate__);
    #[cfg(not(CONFIG_LOCKDEP))]
    let vmlinux = core::ptr::null_mut();
    let vmlinux = Class {
        key: vmlinux,
        name: site.name.as_char_ptr(),
    };
    // SAFETY: kernel data, and this module's read-only data (the `Location`): static keys,
    // named by static strings, valid as long as the module. (Without lockdep the first is
    // null, which `__mutex_init` then never reads; and `main.rs` runs this only with lockdep.)
    let (vmlinux, rodata) = unsafe {
        (
            ClassRef::new(vmlinux),
            ClassRef::new(Kernel::location_class(site)),
        )
    };
    let kinds: [(&str, ClassRef<'_>); KINDS] = [
        // Kernel data: `static_obj()`'s first check answers.
        ("vmlinux_static", vmlinux),
        // A macro's `static` key in this module's data: every kernel check, then the module
        // lookup.
        ("module_static", ClassRef::of_static(site.key, site.name)),
        // The `Location` in this module's read-only data (the `location` strategy).
        ("module_rodata", rodata),
        // A slot of the `pool` strategy's static pool (module data, as the macro key).
        ("pool", class_ref(&pooled)),
        // A slot of the patched API's pool: module data again, reached from vmlinux code.
        #[cfg(CONFIG_RUST_LOCK_CLASS)]
        ("module_pool", class_ref(&tracked)),
        // A kmalloc'd registered key: all of `static_obj()`, then `is_dynamic_key()`.
        ("registered", class_ref(&registered)),
    ];
    // Kinds take turns, batch by batch: the host's speed drifts over seconds under User-Mode
    // Linux, and a drift then touches every kind alike rather than the ones measured last.
    let mut ns = [[0u64; RUNS]; KINDS];
    for run in 0..=RUNS {
        for (k, &(_, class)) in kinds.iter().enumerate() {
            let t = init_batch(class, ops);
            // Run 0 warms up.
            if let Some(v) = run.checked_sub(1).and_then(|r| ns[k].get_mut(r)) {
                *v = t;
            }
        }
        glue::cond_resched();
    }
    let possible = glue::possible_cpus();
    for (k, &(name, _)) in kinds.iter().enumerate() {
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
    // The mutexes that used it are gone: give the registered key back (one grace period).
    drop(registered);
    Ok(())
}
