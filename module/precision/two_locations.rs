// SPDX-License-Identifier: GPL-2.0

//! Scenario `two-locations`. This file is compiled twice: into `lockclass_bench` and into the
//! separate `lockclass_precision_peer` module (both `#[path]` it, in the same build, so
//! `file!()` is the same string). Each copy therefore has its own `Location` objects for the
//! same (file, line, column), as a generic `#[track_caller]` constructor instantiated in two
//! crates has. Both copies get their classes from the benchmark module's strategy through
//! the exported `lcb_precision_class`.
//!
//! The benchmark module's copy takes A then B ([`first_half`]); the peer's copy takes B then
//! A ([`second_half`]) on its own objects. Scenario `reload` uses the peer's copy alone: A
//! then B at its first load, B then A after a reload (scenarios.rs says why).
//!
//! Expected truth: `reported-circular`. A and B are one site each in the source; a thread in
//! one copy and a thread in the other, on shared objects, deadlock. A strategy that keys by
//! the site's content sees one class per site and the cycle; one that keys by the `Location`
//! object (or by a static compiled into each copy, or by object) sees two unrelated pairs.

use super::lock::{nest, LockClass, ScenarioMutex};
use core::panic::Location;
use kernel::bindings;
use kernel::ffi::{c_char, c_int, c_void};
use kernel::prelude::*;
use kernel::sync::LockClassKey;

/// A call site as both modules see it: what `#[track_caller]` and a lock macro give a
/// constructor call. `repr(C)`: it crosses from one module to the other.
#[repr(C)]
pub(crate) struct SharedSite {
    pub(crate) loc: &'static Location<'static>,
    /// This copy's `static_lock_class!()` key for the site (the `macro` strategy's key).
    pub(crate) key: &'static LockClassKey,
    /// "file:line", as the kernel's lock macros name a class.
    pub(crate) name: *const c_char,
    /// "file:line:column", the name of a class keyed by `loc` itself.
    pub(crate) loc_name: *const c_char,
}

// SAFETY: every field points at immutable statics (the key is only touched by lockdep).
unsafe impl Sync for SharedSite {}

macro_rules! shared_site {
    () => {
        SharedSite {
            loc: Location::caller(),
            key: kernel::static_lock_class!(),
            name: concat!(file!(), ":", line!(), "\0").as_ptr().cast(),
            loc_name: concat!(file!(), ":", line!(), ":", column!(), "\0")
                .as_ptr()
                .cast(),
        }
    };
}

/// Site A: one position in the source, one `Location` object per copy of this file.
pub(crate) static SITE_A: SharedSite = shared_site!();
/// Site B.
pub(crate) static SITE_B: SharedSite = shared_site!();

extern "C" {
    /// The benchmark module's class for `site` under the strategy of the running scenario
    /// (exported by `lockclass_bench`); `site` is a `SharedSite`. 0 or a negative errno.
    fn lcb_precision_class(
        site: *const c_void,
        key: *mut *mut bindings::lock_class_key,
        name: *mut *const c_char,
    ) -> c_int;
    /// Gives a class from `lcb_precision_class` for `site` back.
    fn lcb_precision_release(
        site: *const c_void,
        key: *mut bindings::lock_class_key,
        name: *const c_char,
    );
}

/// A lock created at `site`, with the benchmark module's class for it.
fn new_lock(site: &'static SharedSite) -> Result<KBox<ScenarioMutex>> {
    let mut class = LockClass {
        key: core::ptr::null_mut(),
        name: core::ptr::null(),
    };
    let site_ptr: *const c_void = (site as *const SharedSite).cast();
    // SAFETY: `site` is a `SharedSite` static; the out pointers are valid for writes.
    let ret = unsafe { lcb_precision_class(site_ptr, &mut class.key, &mut class.name) };
    kernel::error::to_result(ret)?;
    // SAFETY: the class is valid until `lcb_precision_release`, which the mutex calls on drop.
    unsafe { ScenarioMutex::new(class, site_ptr, lcb_precision_release) }
}

/// A then B: the benchmark module's half in `two-locations`, the peer's first load in `reload`.
pub(crate) fn first_half() -> Result {
    let (a, b) = (new_lock(&SITE_A)?, new_lock(&SITE_B)?);
    nest(&a, &b);
    Ok(())
}

/// B then A, on this copy's own objects.
#[allow(dead_code)] // the benchmark module's copy runs only the first half
pub(crate) fn second_half() -> Result {
    let (a, b) = (new_lock(&SITE_A)?, new_lock(&SITE_B)?);
    nest(&b, &a);
    Ok(())
}
