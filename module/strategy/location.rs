// SPDX-License-Identifier: GPL-2.0

//! `location`: no table; the `Location` object's address is the static key (lockdep accepts
//! any address in kernel or module static memory). Zero lookup cost, but one site can have
//! several `Location` objects (one per crate instantiating a generic), and the keys live in
//! the module's memory, so they go away with it.

use super::{Class, Strategy};
use crate::sites::CallSite;

/// The `Location` address as the key.
pub(crate) struct Location;
pub(crate) static INSTANCE: Location = Location;

impl Strategy for Location {
    const NAME: &'static str = "location";
    const ATOMIC_SAFE: bool = true;

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> Class {
        Class {
            key: site.loc as *const _ as *mut _,
            // The same name pointer as the tables' fallback, which uses the same key.
            name: site.loc_name,
        }
    }
}
