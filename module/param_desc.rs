// SPDX-License-Identifier: GPL-2.0

//! The modinfo descriptions of the two parameters whose valid values are tables: `strategy`
//! (the strategies' list) and `mode` (`MODES`). Written here at compile time from those tables,
//! as `MODULE_PARM_DESC()` would write them, so a new strategy or mode cannot be missing from
//! `modinfo` (refscale's hand-written description of its types has gone stale that way). The
//! other parameters are described next to their declaration in `params.c`.

use crate::params::MODES;
use crate::strategies::NAMES;

/// `MODES`' names.
const MODE_NAMES: [&str; MODES.len()] = {
    let mut n = [""; MODES.len()];
    let mut i = 0;
    while i < MODES.len() {
        n[i] = MODES[i].name();
        i += 1;
    }
    n
};

/// Length of `prefix`, the names joined by commas, and `suffix`.
const fn desc_len(prefix: &str, names: &[&str], suffix: &str) -> usize {
    let mut n = prefix.len() + suffix.len() + names.len().saturating_sub(1);
    let mut i = 0;
    while i < names.len() {
        n += names[i].len();
        i += 1;
    }
    n
}

/// `prefix`, the names joined by commas, and `suffix`, in `N` bytes.
const fn desc<const N: usize>(prefix: &str, names: &[&str], suffix: &str) -> [u8; N] {
    let mut out = [0u8; N];
    let mut at = copy(&mut out, 0, prefix);
    let mut i = 0;
    while i < names.len() {
        if i > 0 {
            at = copy(&mut out, at, ",");
        }
        at = copy(&mut out, at, names[i]);
        i += 1;
    }
    copy(&mut out, at, suffix);
    out
}

const fn copy<const N: usize>(out: &mut [u8; N], at: usize, s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        out[at + i] = b[i];
        i += 1;
    }
    at + b.len()
}

macro_rules! parm_desc {
    ($static:ident, $prefix:literal, $names:expr, $suffix:expr) => {
        const _: () = {
            const LEN: usize = desc_len($prefix, &$names, $suffix);
            /// A `.modinfo` entry, as `MODULE_PARM_DESC()` makes one (NUL-terminated).
            #[link_section = ".modinfo"]
            #[used]
            static $static: [u8; LEN] = desc::<LEN>($prefix, &$names, $suffix);
        };
    };
}

// `tracked` (the kernel's own API) is listed only where the kernel has it: say so either way.
parm_desc!(
    PARM_STRATEGY,
    "parm=strategy:Strategies to run: comma list of distinct names from ",
    NAMES,
    if cfg!(CONFIG_RUST_LOCK_CLASS) {
        ", or all (default all); tracked is the kernel's #[track_caller] lock-class API\0"
    } else {
        ", or all (default all); no tracked: this kernel lacks CONFIG_RUST_LOCK_CLASS\0"
    }
);
parm_desc!(
    PARM_MODE,
    "parm=mode:Workloads: comma list of distinct names from ",
    MODE_NAMES,
    ", or all (default all)\0"
);
