// SPDX-License-Identifier: GPL-2.0
//! Test module for scripts/tests/test-runner.sh: its init fails with EINVAL, as the benchmark
//! module does for a bad parameter, so the guest helper `expect_einval` can be checked.

use kernel::prelude::*;

module! {
    type: RustEinval,
    name: "rust_einval",
    author: "lockclass-bench",
    description: "init fails with EINVAL (runner self-test)",
    license: "GPL",
}

struct RustEinval;

impl kernel::Module for RustEinval {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("refusing to load (self-test)\n");
        Err(EINVAL)
    }
}
