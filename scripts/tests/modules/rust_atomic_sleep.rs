// SPDX-License-Identifier: GPL-2.0
//! Test module for scripts/tests/test-runner.sh: calls might_sleep() with a spinlock held, so
//! CONFIG_DEBUG_ATOMIC_SLEEP prints "BUG: sleeping function called from invalid context".
//! Only the check runs; nothing actually sleeps, so the kernel carries on normally.

use kernel::prelude::*;
use kernel::{bindings, c_str, new_spinlock};

module! {
    type: RustAtomicSleep,
    name: "rust_atomic_sleep",
    author: "lockclass-bench",
    description: "might_sleep() under a spinlock (runner self-test)",
    license: "GPL",
}

struct RustAtomicSleep;

impl kernel::Module for RustAtomicSleep {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let lock = KBox::pin_init(new_spinlock!(0u32, "rust_atomic_sleep"), GFP_KERNEL)?;
        let guard = lock.lock();
        // SAFETY: a plain debug check; the file name is a NUL-terminated static string.
        unsafe { bindings::__might_sleep(c_str!("rust_atomic_sleep.rs").as_char_ptr(), line!() as _) };
        drop(guard);
        pr_info!("might_sleep() called under a spinlock (self-test)\n");
        Ok(RustAtomicSleep)
    }
}
