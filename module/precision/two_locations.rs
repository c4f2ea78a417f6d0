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

use super::lock::{nest, Class, HeldMutex, HoldsClass};
use core::mem::MaybeUninit;
use core::panic::Location;
use kernel::ffi::c_int;
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::LockClassKey;

/// A call site as both modules see it: what `#[track_caller]` and a lock macro give a
/// constructor call. `repr(C)`: it crosses from one module to the other (both compile this
/// file, with the same compiler and flags).
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct SharedSite {
    pub(crate) loc: &'static Location<'static>,
    /// This copy's `static_lock_class!()` key for the site (the `macro` strategy's key).
    pub(crate) key: &'static LockClassKey,
    /// "file:line", as the kernel's lock macros name a class.
    pub(crate) name: &'static CStr,
    /// "file:line:column", the name of a class keyed by `loc` itself.
    pub(crate) loc_name: &'static CStr,
}

macro_rules! shared_site {
    () => {
        SharedSite {
            loc: Location::caller(),
            key: kernel::static_lock_class!(),
            name: kernel::c_str!(concat!(file!(), ":", line!())),
            loc_name: kernel::c_str!(concat!(file!(), ":", line!(), ":", column!())),
        }
    };
}

// The sites' positions name their classes in the precision results (results/precision.csv,
// "two_locations.rs:56:40"): moving them changes those names, so changes above this line keep
// them where they are.
/// Site A: one position in the source, one `Location` object per copy of this file.
pub(crate) static SITE_A: SharedSite = shared_site!();
/// Site B.
pub(crate) static SITE_B: SharedSite = shared_site!();

/// The benchmark module's token for a class it lent (opaque to the peer).
pub(crate) enum LentToken {}

/// A class the benchmark module lent for a site, and its token for giving it back.
#[repr(C)]
pub(crate) struct LentClass {
    pub(crate) class: Class,
    pub(crate) token: *mut LentToken,
}

// The interface between the two modules, defined in `lockclass_bench` (precision/mod.rs,
// exported by precision/params.c). Both sides are this crate's Rust types, compiled from this
// file by the same compiler: not C types, hence the lint allowed.
#[allow(improper_ctypes)]
extern "C" {
    /// Lends the class of `site` under the running scenario's strategy into `out`: 0, or a
    /// negative errno (and `out` untouched). The site is known by its `Location`.
    fn lcb_precision_class(site: &SharedSite, out: *mut LentClass) -> c_int;
    /// Gives back a class `lcb_precision_class` lent. `class` is not used afterwards, nor is
    /// any lock initialised with it.
    fn lcb_precision_release(class: *mut LentClass);
}

/// A lent class, given back when dropped.
struct Lent(LentClass);

// SAFETY: the lender keeps the class valid until `lcb_precision_release`, which only the drop
// below calls; the class itself does not move with `Lent`.
unsafe impl HoldsClass for Lent {
    fn class(&self) -> Class {
        self.0.class
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        // SAFETY: lent by `lcb_precision_class`, given back once; the mutex that used it (in the
        // same `HeldMutex`, dropped first) is gone.
        unsafe { lcb_precision_release(&mut self.0) }
    }
}

/// A lock created at `site`, with the benchmark module's class for it.
fn new_lock(site: &SharedSite) -> Result<Pin<KBox<HeldMutex<Lent>>>> {
    let mut out = MaybeUninit::<LentClass>::uninit();
    // SAFETY: `out` is valid for writes.
    kernel::error::to_result(unsafe { lcb_precision_class(site, out.as_mut_ptr()) })?;
    // SAFETY: 0: `out` was filled.
    let lent = Lent(unsafe { out.assume_init() });
    KBox::pin_init(HeldMutex::new(lent), GFP_KERNEL)
}

/// Where sites A and B of a half are.
#[derive(Clone, Copy)]
pub(crate) enum Sites {
    /// [`SITE_A`] and [`SITE_B`] in this file: one `Location` and one static key per copy.
    Copied,
    /// The two sites of the `kernel` crate's `generic_pair::<T>()`, instantiated by this copy:
    /// one `Location` per instantiating module, one static key in the kernel image.
    Generic,
    /// The two sites of the `kernel` crate's `#[inline]` `inline_pair()`, compiled into this
    /// copy where it calls it.
    Inline,
}

/// This copy's type argument for `generic_pair`: its own type, so that this module compiles
/// its own instantiation (as a module instantiating a kernel-crate generic with its types does).
#[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
struct ThisCopy;

/// The `SharedSite` of a site of the `kernel` crate's test functions.
#[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
fn shared(s: kernel::sync::lock_class_test_sites::TestSite) -> SharedSite {
    SharedSite {
        loc: s.loc,
        key: s.key,
        name: s.name,
        loc_name: s.loc_name,
    }
}

fn sites(which: Sites) -> Result<[SharedSite; 2]> {
    #[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
    use kernel::sync::lock_class_test_sites::{generic_pair, inline_pair};
    match which {
        Sites::Copied => Ok([SITE_A, SITE_B]),
        #[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
        Sites::Generic => Ok(generic_pair::<ThisCopy>().map(shared)),
        #[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
        Sites::Inline => Ok(inline_pair().map(shared)),
        // Without CONFIG_RUST_LOCK_CLASS_TEST_SITES the kernel crate has no such sites (the
        // benchmark module then offers no scenario that asks for them).
        #[cfg(not(CONFIG_RUST_LOCK_CLASS_TEST_SITES))]
        Sites::Generic | Sites::Inline => Err(ENODEV),
    }
}

/// A then B: the benchmark module's half in `two-locations` and the `generic` scenarios, the
/// peer's first load in `reload`.
pub(crate) fn first_half(which: Sites) -> Result {
    let [site_a, site_b] = sites(which)?;
    let (a, b) = (new_lock(&site_a)?, new_lock(&site_b)?);
    nest(a.mutex(), b.mutex());
    Ok(())
}

/// B then A, on this copy's own objects.
#[allow(dead_code)] // the benchmark module's copy runs only the first half
pub(crate) fn second_half(which: Sites) -> Result {
    let [site_a, site_b] = sites(which)?;
    let (a, b) = (new_lock(&site_a)?, new_lock(&site_b)?);
    nest(b.mutex(), a.mutex());
    Ok(())
}

/// What the peer module does at a load (`lcb_precision_peer_order` returns it as a `c_int`).
#[derive(Clone, Copy)]
#[repr(i32)]
pub(crate) enum PeerOrder {
    AThenB,
    BThenA,
    GenericBThenA,
    InlineBThenA,
}

#[allow(dead_code)] // the peer module's copy reads the orders, this module's only names them
impl PeerOrder {
    /// Every order, indexed by its value.
    pub(crate) const ALL: [PeerOrder; 4] = [
        PeerOrder::AThenB,
        PeerOrder::BThenA,
        PeerOrder::GenericBThenA,
        PeerOrder::InlineBThenA,
    ];

    /// For the log, whether A comes first, and at which sites.
    pub(crate) fn plan(self) -> (&'static str, bool, Sites) {
        match self {
            PeerOrder::AThenB => ("A then B", true, Sites::Copied),
            PeerOrder::BThenA => ("B then A", false, Sites::Copied),
            PeerOrder::GenericBThenA => ("B then A, generic_pair sites", false, Sites::Generic),
            PeerOrder::InlineBThenA => ("B then A, inline_pair sites", false, Sites::Inline),
        }
    }
}
