// SPDX-License-Identifier: GPL-2.0

//! A second crate with one generic call site, standing in for the kernel crate whose generic
//! lock constructor a driver crate instantiates.
//!
//! `rustc` materialises the `Location` of a `#[track_caller]` call inside a generic function in
//! whichever crate instantiates the generic. So [`site_in_generic`] yields a `Location` object
//! here (through [`site_instantiated_here`]) and another one, with the same file, line and
//! column, in every crate that instantiates it with a type of its own.

use core::marker::PhantomData;
use core::panic::Location;

/// Stands in for a `#[track_caller]` lock constructor: reports where it was called from.
#[track_caller]
#[inline(never)]
pub fn caller() -> &'static Location<'static> {
    Location::caller()
}

/// A generic function whose body is one call site; each instantiating crate gets its own copy
/// of the code and of the `Location` it passes to [`caller`].
#[inline(never)]
pub fn site_in_generic<T>() -> &'static Location<'static> {
    // `T` only selects the instantiation; its value is never needed.
    let _ = PhantomData::<T>;
    caller()
}

/// The instantiation compiled into this crate.
pub fn site_instantiated_here() -> &'static Location<'static> {
    /// A type of this crate, so the instantiation cannot be shared with another crate's.
    struct Here;
    site_in_generic::<Here>()
}
