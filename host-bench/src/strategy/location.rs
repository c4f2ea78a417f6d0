// SPDX-License-Identifier: GPL-2.0

//! `location`: the `&'static Location`'s address is the key; no table.

use super::{Memory, Strategy};
use crate::CallSite;

/// The `Location` object the compiler emitted for the site is the key (lockdep accepts any
/// static address). Free at run time, but one source site can have several `Location`
/// objects (a generic instantiated in several crates) and so several classes.
pub struct LocationKey;

impl Strategy for LocationKey {
    const NAME: &'static str = "location";

    fn new() -> Self {
        Self
    }

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> usize {
        site.loc as *const _ as usize
    }

    fn memory(&self, sites: usize) -> Memory {
        // The `Location`s exist for `#[track_caller]` anyway: nothing added.
        Memory {
            table_bytes: 0,
            record_bytes: 0,
            classes: sites,
        }
    }
}
