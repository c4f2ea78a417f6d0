// SPDX-License-Identifier: GPL-2.0

//! `noop`: no work, the call site's own address as the key. Shows what the harness costs.

use super::{Class, Strategy};
use crate::sites::CallSite;

/// The harness baseline.
pub(crate) struct Noop;
pub(crate) static INSTANCE: Noop = Noop;

impl Strategy for Noop {
    const NAME: &'static str = "noop";
    const ATOMIC_SAFE: bool = true;

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> Class {
        Class {
            key: site as *const CallSite as *mut _,
            name: site.name,
        }
    }
}
