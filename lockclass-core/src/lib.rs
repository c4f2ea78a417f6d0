// SPDX-License-Identifier: GPL-2.0

//! Lock-class lookup algorithms, written once and compiled into both the kernel module
//! (`module/` mounts [`algo`] with `#[path]`) and the host benchmarks, so the two cannot drift.
//!
//! The code in `algo/` uses only `core`: no allocator, no `std`, no crate-level attributes, and
//! no `crate::` paths, because in the kernel module it is a submodule of another crate.
#![no_std]

// The model checks (`--cfg loom`) need `std` (loom itself, a thread-local); the kernel never
// sets `loom`.
#[cfg(loom)]
extern crate std;

pub mod algo;
pub use algo::*;
pub mod strategy;
