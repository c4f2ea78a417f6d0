// SPDX-License-Identifier: GPL-2.0

//! User-space mirror of the lockclass-bench kernel module's lock-class strategies.
//!
//! The table strategies run the very code the module runs ([`lockclass_core`]), with host
//! stand-ins for what the kernel provides: bucket locks ([`locks`]), memory and lockdep's key
//! registration ([`env`], [`registry`]). The call sites are the module's generated ones
//! ([`call_sites::CALL_SITES`]), mounted from lockclass-core.

use core::panic::Location;

pub mod env;
pub mod export;
pub mod harness;
pub mod hash;
pub mod instructions;
pub mod key;
pub mod locks;
pub mod registry;
pub mod scaling;
pub mod strategy;

pub use key::{LockClassKey, MacroKey, NamedKey};

/// One call site of a lock constructor: its `Location` and the `static` key a
/// `static_lock_class!()`-style macro would have placed there.
#[derive(Debug)]
pub struct CallSite {
    /// Where the site is, as `#[track_caller]` would report it.
    pub loc: &'static Location<'static>,
    /// The per-site static key (one `static` per `site!()` expansion).
    pub key: &'static MacroKey,
}

/// A [`CallSite`] for the source position of the invocation, with a `static` key of its own.
/// Usable in `static` initialisers, as `call_sites.rs` requires.
#[macro_export]
macro_rules! site {
    () => {
        $crate::CallSite {
            loc: ::core::panic::Location::caller(),
            key: {
                static K: $crate::MacroKey = $crate::MacroKey::new();
                &K
            },
        }
    };
}

/// The module's generated call sites, one `site!()` per line.
#[path = "../../lockclass-core/call_sites.rs"]
pub mod call_sites;
