// SPDX-License-Identifier: GPL-2.0

//! lockclass_precision_peer: the second copy of two_locations.rs, for the precision scenarios
//! `two-locations`, `generic`, `generic-inline` and `reload` (`reload-peer`). Loaded after
//! `lockclass_bench scenario=... strategy=S`, it takes its classes from that module's strategy
//! (exported `lcb_precision_class`) and takes one half of an inversion at load, the one the
//! scenario asks for. It does nothing else.

use kernel::prelude::*;

// The benchmark module's lock type (it uses more of the file than the peer does).
#[allow(dead_code)]
#[path = "../lock.rs"]
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

extern "C" {
    /// Which half to take at this load (a `PeerOrder`) or a negative errno, from
    /// the scenario running in `lockclass_bench` (precision/mod.rs).
    fn lcb_precision_peer_order() -> kernel::ffi::c_int;
}

impl kernel::Module for PrecisionPeer {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: no preconditions.
        let order = unsafe { lcb_precision_peer_order() };
        kernel::error::to_result(order)?;
        let Some(order) = two_locations::PeerOrder::ALL.get(order as usize) else {
            pr_err!("precision peer: unknown order {}\n", order);
            return Err(EINVAL);
        };
        let (what, a_first, sites) = order.plan();
        pr_info!("precision peer: {}\n", what);
        if a_first {
            two_locations::first_half(sites)?;
        } else {
            two_locations::second_half(sites)?;
        }
        pr_info!("precision peer done\n");
        Ok(PrecisionPeer)
    }
}
