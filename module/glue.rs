// SPDX-License-Identifier: GPL-2.0

//! Safe wrappers around the module's C side (`params.c`, `helpers.c`).

use kernel::bindings;
use kernel::ffi::{c_char, c_int, c_long, c_uint, c_void};

mod ffi {
    use super::*;

    extern "C" {
        pub(super) fn lcb_params(out: *mut RawParams);
        pub(super) fn lcb_params_size() -> usize;

        pub(super) fn lcb_now_ns() -> u64;
        pub(super) fn lcb_preempt_disable();
        pub(super) fn lcb_preempt_enable();
        pub(super) fn lcb_cond_resched();
        pub(super) fn lcb_online_cpus() -> c_uint;
        pub(super) fn lcb_possible_cpus() -> c_uint;
        pub(super) fn lcb_lockdep_enabled() -> bool;
        pub(super) fn lcb_register_key(key: *mut bindings::lock_class_key);
        pub(super) fn lcb_unregister_key(key: *mut bindings::lock_class_key);
        pub(super) fn lcb_gp_waits() -> c_long;
        pub(super) fn lcb_max_lock_classes() -> core::ffi::c_ulong;
        pub(super) fn lcb_time_unregister_ns() -> i64;
        pub(super) fn lcb_alloc(size: usize) -> *mut c_void;
        pub(super) fn lcb_free(p: *mut c_void);
        pub(super) fn lcb_alloc_fail_every(k: c_int);
        pub(super) fn lcb_live_allocs() -> c_long;
        pub(super) fn lcb_run_threads(
            n: c_uint,
            f: unsafe extern "C" fn(*mut c_void, c_uint),
            ctx: *mut c_void,
        ) -> c_int;
    }
}

/// The parameters as the C side holds them: `struct lcb_params` (glue.h), one field per line
/// of params.def, in its order (`raw_params` checks the size). The strings are never null:
/// they have defaults, and `strategy=` on the command line sets an empty string.
#[repr(C)]
pub(crate) struct RawParams {
    pub(crate) strategy: *const c_char,
    pub(crate) mode: *const c_char,
    pub(crate) threads: *const c_char,
    pub(crate) sites: *const c_char,
    pub(crate) loops: c_int,
    pub(crate) runs: c_int,
    pub(crate) warmup: c_int,
    pub(crate) atomic_demo: bool,
    pub(crate) fail_alloc_every: c_int,
    pub(crate) leak_keys: bool,
    pub(crate) max_seconds: c_int,
    pub(crate) lockdep_classes: c_int,
    pub(crate) past_class_limit: bool,
    /// `threads` was not given: the default list, which is cut to the online CPUs.
    pub(crate) threads_is_default: bool,
}

/// Reads every parameter; `EINVAL` if this struct and the C one differ in size (a parameter
/// added to params.def but not here).
pub(crate) fn raw_params() -> kernel::error::Result<RawParams> {
    // SAFETY: no preconditions.
    let c_size = unsafe { ffi::lcb_params_size() };
    if c_size != core::mem::size_of::<RawParams>() {
        kernel::pr_err!(
            "parameters: struct lcb_params has {} bytes, RawParams {}: params.def and glue.rs differ\n",
            c_size,
            core::mem::size_of::<RawParams>()
        );
        return Err(kernel::error::code::EINVAL);
    }
    let mut p = core::mem::MaybeUninit::<RawParams>::uninit();
    // SAFETY: `p` is valid for a write of the C struct, which has this layout (checked size;
    // same fields in the same order); plain reads of the module's own parameter variables,
    // set before init runs.
    unsafe {
        ffi::lcb_params(p.as_mut_ptr());
        Ok(p.assume_init())
    }
}

/// Monotonic clock, ns (`ktime_get_ns`).
#[inline(always)]
pub(crate) fn now_ns() -> u64 {
    // SAFETY: no preconditions.
    unsafe { ffi::lcb_now_ns() }
}

/// Runs `f` with preemption disabled.
#[inline(always)]
pub(crate) fn non_preemptible<R>(f: impl FnOnce() -> R) -> R {
    // SAFETY: balanced by the enable below; `f` cannot leave early except by panic, which
    // the kernel treats as fatal anyway.
    unsafe { ffi::lcb_preempt_disable() };
    let r = f();
    // SAFETY: pairs with the disable above.
    unsafe { ffi::lcb_preempt_enable() };
    r
}

/// Lets the scheduler run something else (between runs, so long loads stay friendly).
pub(crate) fn cond_resched() {
    // SAFETY: called from process context only (module init, kthreads).
    unsafe { ffi::lcb_cond_resched() }
}

/// Online CPUs.
pub(crate) fn online_cpus() -> u32 {
    // SAFETY: no preconditions.
    unsafe { ffi::lcb_online_cpus() }
}

/// Possible CPUs (what per-CPU address checks loop over).
pub(crate) fn possible_cpus() -> u32 {
    // SAFETY: no preconditions.
    unsafe { ffi::lcb_possible_cpus() }
}

/// Whether lockdep is built in and still on.
pub(crate) fn lockdep_enabled() -> bool {
    // SAFETY: no preconditions.
    unsafe { ffi::lcb_lockdep_enabled() }
}

/// `lockdep_register_key`.
///
/// # Safety
///
/// `key` is valid, not static, not registered, and stays valid until unregistered.
pub(crate) unsafe fn register_key(key: *mut bindings::lock_class_key) {
    // SAFETY: forwarded from the caller.
    unsafe { ffi::lcb_register_key(key) }
}

/// `lockdep_unregister_key` (waits for an RCU grace period: may sleep).
///
/// # Safety
///
/// `key` was registered and no lock initialised with it is used afterwards.
pub(crate) unsafe fn unregister_key(key: *mut bindings::lock_class_key) {
    // SAFETY: forwarded from the caller.
    unsafe { ffi::lcb_unregister_key(key) }
}

/// Keys unregistered so far, i.e. RCU grace periods waited for (one per unregistration).
pub(crate) fn gp_waits() -> u64 {
    // SAFETY: no preconditions.
    unsafe { ffi::lcb_gp_waits() as u64 }
}

/// Lockdep's class limit (`MAX_LOCKDEP_KEYS`), 0 without lockdep.
pub(crate) fn max_lock_classes() -> u64 {
    // SAFETY: no preconditions.
    unsafe { ffi::lcb_max_lock_classes() as u64 }
}

/// Time of one key unregistration (mostly its RCU grace period), measured now; 0 without
/// lockdep. Sleeps.
pub(crate) fn time_unregister_ns() -> kernel::error::Result<u64> {
    // SAFETY: process context (module init), which may sleep.
    let ns = unsafe { ffi::lcb_time_unregister_ns() };
    if ns < 0 {
        return Err(kernel::error::code::ENOMEM);
    }
    Ok(ns as u64)
}

/// Zeroed memory for a `T` from the module's counted allocator (GFP_ATOMIC when the caller
/// cannot sleep), or `None`, also when fault injection says so.
pub(crate) fn alloc_zeroed<T>() -> Option<core::ptr::NonNull<T>> {
    // kmalloc aligns to at least 8 bytes on x86_64; nothing here needs more.
    const { assert!(core::mem::align_of::<T>() <= 8) };
    // SAFETY: no preconditions; a non-null result is valid for `size_of::<T>()` bytes.
    core::ptr::NonNull::new(unsafe { ffi::lcb_alloc(core::mem::size_of::<T>()) }.cast())
}

/// Frees memory from [`alloc_zeroed`].
///
/// # Safety
///
/// `p` came from [`alloc_zeroed`] and is not used afterwards.
pub(crate) unsafe fn free<T>(p: core::ptr::NonNull<T>) {
    // SAFETY: forwarded from the caller.
    unsafe { ffi::lcb_free(p.as_ptr().cast()) }
}

/// Makes every `k`-th allocation fail (0: none).
pub(crate) fn set_alloc_fail_every(k: i32) {
    // SAFETY: a plain store, done before any benchmark thread runs.
    unsafe { ffi::lcb_alloc_fail_every(k) }
}

/// Allocations not yet freed.
pub(crate) fn live_allocs() -> i64 {
    // SAFETY: no preconditions.
    unsafe { ffi::lcb_live_allocs() as i64 }
}

/// Runs `f(i)` for i in 0..n on n kthreads, one per online CPU, released together; returns
/// when all have finished.
pub(crate) fn run_on_threads<F: Fn(u32) + Sync>(n: u32, f: &F) -> kernel::error::Result {
    unsafe extern "C" fn trampoline<F: Fn(u32) + Sync>(ctx: *mut c_void, idx: c_uint) {
        // SAFETY: `ctx` is the `&F` passed below, alive until every thread has finished.
        let f = unsafe { &*(ctx as *const F) };
        f(idx);
    }
    // SAFETY: `f` outlives the call, which waits for all threads; `F: Sync` allows the shared use.
    let ret = unsafe { ffi::lcb_run_threads(n, trampoline::<F>, f as *const F as *mut c_void) };
    kernel::error::to_result(ret)
}
