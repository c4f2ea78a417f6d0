// SPDX-License-Identifier: GPL-2.0

//! lockclass_precision_peer: the second copy of two_locations.rs for the `two-locations`
//! precision scenario. Loaded after `lockclass_bench scenario=two-locations strategy=S`, it
//! takes its classes from that module's strategy (exported `lcb_precision_class`) and runs
//! the second half of the inversion at load. It does nothing else.

use kernel::prelude::*;

#[path = "lock.rs"]
mod lock;
#[path = "two_locations.rs"]
mod two_locations;

module! {
    type: PrecisionPeer,
    name: "lockclass_precision_peer",
    author: "lockclass-bench developers",
    description: "Second copy of the two-locations lockdep precision scenario",
    license: "GPL",
}

struct PrecisionPeer;

impl kernel::Module for PrecisionPeer {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("precision peer: second half (B then A)\n");
        two_locations::second_half()?;
        pr_info!("precision peer done\n");
        Ok(PrecisionPeer)
    }
}
