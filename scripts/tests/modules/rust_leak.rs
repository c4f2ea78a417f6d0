// SPDX-License-Identifier: GPL-2.0
//! Test module for scripts/tests/test-runner.sh: allocates a buffer and forgets it, so a
//! kmemleak scan reports "new suspected memory leaks".

use kernel::prelude::*;

module! {
    type: RustLeak,
    name: "rust_leak",
    author: "lockclass-bench",
    description: "leaks one allocation (runner self-test)",
    license: "GPL",
}

struct RustLeak;

impl kernel::Module for RustLeak {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let buf = KVec::<u8>::with_capacity(512, GFP_KERNEL)?;
        core::mem::forget(buf);
        pr_info!("leaked 512 bytes (self-test)\n");
        Ok(RustLeak)
    }
}
