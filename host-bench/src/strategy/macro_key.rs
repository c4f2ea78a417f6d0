// SPDX-License-Identifier: GPL-2.0

//! `macro`: the per-site `static` key a `static_lock_class!()`-style macro expands to.

use super::{Memory, Strategy};
use crate::{CallSite, MacroKey};

/// Each `site!()` expansion has its own `static` key (upstream's macro API): no run-time
/// work, infallible, but a macro at every lock constructor.
pub struct MacroStaticKey;

impl Strategy for MacroStaticKey {
    const NAME: &'static str = "macro";

    fn new() -> Self {
        Self
    }

    #[inline(always)]
    fn class(&self, site: &'static CallSite) -> usize {
        site.key.addr()
    }

    fn memory(&self, sites: usize) -> Memory {
        Memory {
            table_bytes: 0,
            record_bytes: core::mem::size_of::<MacroKey>(),
            classes: sites,
        }
    }
}
