// SPDX-License-Identifier: GPL-2.0
//! Test module for scripts/tests/test-runner.sh: takes two mutexes as A then B, and later as
//! B then A, so lockdep prints "WARNING: possible circular locking dependency detected".
//! A single thread does both in turn, so nothing deadlocks.

use kernel::prelude::*;
use kernel::{new_mutex, sync::Mutex};

module! {
    type: RustLockInversion,
    name: "rust_lock_inversion",
    author: "lockclass-bench",
    description: "AB-BA mutex order (runner self-test)",
    license: "GPL",
}

struct RustLockInversion;

impl kernel::Module for RustLockInversion {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // Two new_mutex! sites: two lock classes.
        let a: Pin<KBox<Mutex<u32>>> = KBox::pin_init(new_mutex!(0, "inversion_a"), GFP_KERNEL)?;
        let b: Pin<KBox<Mutex<u32>>> = KBox::pin_init(new_mutex!(0, "inversion_b"), GFP_KERNEL)?;
        {
            let _ga = a.lock();
            let _gb = b.lock();
        }
        {
            let _gb = b.lock();
            let _ga = a.lock();
        }
        pr_info!("took A->B then B->A (self-test)\n");
        Ok(RustLockInversion)
    }
}
