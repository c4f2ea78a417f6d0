// SPDX-License-Identifier: GPL-2.0

//! `macro`: today's API. `static_lock_class!()` at each call site makes one `static` key per
//! expansion: zero runtime cost, infallible, but lock constructors must be macros.

use super::{Class, Strategy};
use crate::sites::CallSite;
use kernel::sync::LockClassKey;

/// One static key per call site.
pub(crate) struct Macro;
pub(crate) static INSTANCE: Macro = Macro;

impl Strategy for Macro {
    const NAME: &'static str = "macro";
    const ATOMIC_SAFE: bool = true;

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> Class {
        Class {
            // `LockClassKey` is `repr(transparent)` over the C key.
            key: site.key as *const LockClassKey as *mut _,
            name: site.name,
        }
    }
}
