//! `dynamic`: a key embedded in each lock, registered when the lock is created and
//! unregistered when it is dropped (upstream's pinned dynamic keys since 6.15).

use super::{Memory, Strategy};
use crate::key::LockClassKey;
use crate::registry::Registered;
use crate::CallSite;

/// One operation is the life of one lock's key: register it (`lockdep_register_key`), read
/// its address, unregister it (`lockdep_unregister_key`, whose RCU grace period the host does
/// not model). Every lock is its own class, whatever its site.
pub struct DynamicKey;

impl Strategy for DynamicKey {
    const NAME: &'static str = "dynamic";
    const PER_SITE: bool = false;

    fn new() -> Self {
        Self
    }

    #[inline(always)]
    fn class(&self, _site: &'static CallSite) -> usize {
        // The key sits in the lock (here: this stack frame) and must not move while
        // registered, which the guard's borrow ensures.
        let key = LockClassKey::new();
        let registered = Registered::new(&key);
        let addr = key.addr();
        drop(registered);
        addr
    }

    fn memory(&self, sites: usize) -> Memory {
        // One key per lock; the mirror creates one lock per site.
        Memory {
            table_bytes: 0,
            record_bytes: core::mem::size_of::<LockClassKey>(),
            classes: sites,
        }
    }
}
