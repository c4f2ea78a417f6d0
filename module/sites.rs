// SPDX-License-Identifier: GPL-2.0

//! The module's call sites: 1024 genuinely distinct source positions, each with its own
//! `Location` and its own `static` lock class key (what `static_lock_class!()` gives a site).

use core::panic::Location;
use kernel::str::CStr;
use kernel::sync::LockClassKey;

/// One call site, captured at compile time.
pub(crate) struct CallSite {
    /// What `#[track_caller]` passes to a lock constructor at this site.
    pub(crate) loc: &'static Location<'static>,
    /// This site's macro-created static key.
    pub(crate) key: &'static LockClassKey,
    /// "file:line", as `optional_name!()` names a macro-created class.
    pub(crate) name: &'static CStr,
    /// "file:line:column", the name of every class whose key is `loc` itself (the `location`
    /// strategy, and the tables' fallback when they cannot allocate): one name per key, and
    /// the same text as the tables' records for this site. Built at compile time here; a
    /// `#[track_caller]` constructor in a real kernel has no such static string (docs).
    pub(crate) loc_name: &'static CStr,
}

/// One call site at the position of this macro's invocation: `Location::caller()` and
/// `line!()` report the outermost invocation, and `static_lock_class!()` makes one key per
/// expansion. One invocation per line in `call_sites.rs` gives one site per line.
macro_rules! site {
    () => {
        CallSite {
            loc: ::core::panic::Location::caller(),
            key: ::kernel::static_lock_class!(),
            name: ::kernel::c_str!(::core::concat!(::core::file!(), ":", ::core::line!())),
            // `line!()`/`column!()` report the outermost invocation, as `Location::caller()`.
            loc_name: ::kernel::c_str!(::core::concat!(
                ::core::file!(),
                ":",
                ::core::line!(),
                ":",
                ::core::column!()
            )),
        }
    };
}

// The precision scenarios make their sites with the same macro.
pub(crate) use site;

// The generated file is shared with host-bench, which needs its items `pub`.
#[allow(unreachable_pub)]
#[path = "../lockclass-core/call_sites.rs"]
mod generated;
pub(crate) use generated::{CALL_SITES, COMPILED_SITES};

/// Distinct (file, line, column) triples among the compiled sites: the start line reports it
/// and the runner checks it equals `COMPILED_SITES`.
pub(crate) fn distinct_sites() -> usize {
    let mut n = 0;
    for (i, a) in CALL_SITES.iter().enumerate() {
        let dup = CALL_SITES[..i].iter().any(|b| {
            a.loc.line() == b.loc.line()
                && a.loc.column() == b.loc.column()
                && a.loc.file() == b.loc.file()
        });
        if !dup {
            n += 1;
        }
    }
    n
}
