// SPDX-License-Identifier: GPL-2.0
//! Test module for scripts/tests/test-runner.sh: registers a *static* lock class key as if it
//! were dynamic, which lockdep_register_key() refuses with a WARN_ON_ONCE (a plain
//! "WARNING: CPU: ... at kernel/locking/lockdep.c" report, and a mistake the dynamic-key
//! strategy could make).

use kernel::prelude::*;
use kernel::bindings;

module! {
    type: RustStaticKey,
    name: "rust_static_key",
    author: "lockclass-bench",
    description: "lockdep_register_key() on a static key (runner self-test)",
    license: "GPL",
}

static mut KEY: bindings::lock_class_key = unsafe { core::mem::zeroed() };

struct RustStaticKey;

impl kernel::Module for RustStaticKey {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: only this init touches KEY; lockdep rejects it before using it.
        unsafe { bindings::lockdep_register_key(core::ptr::addr_of_mut!(KEY)) };
        pr_info!("registered a static key (self-test)\n");
        Ok(RustStaticKey)
    }
}
