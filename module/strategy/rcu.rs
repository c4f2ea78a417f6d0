// SPDX-License-Identifier: GPL-2.0

//! `rcu`: lock-free readers, as lockdep's own `lock_keys_hash`: a hit is an Acquire load of the
//! bucket and of its head record, then a walk of an append-only chain, no lock taken. Inserts
//! are serialised by the bucket's spinlock and publish with Release. Records are only freed
//! when the whole table is reset with no reader running, so no grace period is needed here
//! (the name says how it reads, as lockdep's RCU-read hash does, not that it waits for RCU).

use super::table::{TableKey, TableKind};
use crate::kernel_env::SpinLockKind;

/// Spinlock-guarded inserts, lock-free hits.
pub(crate) struct Rcu;

impl TableKind for Rcu {
    const NAME: &'static str = "rcu";
    type Lock = SpinLockKind;
    const LOCKFREE: bool = true;
}

pub(crate) static INSTANCE: TableKey<Rcu> = TableKey::new();
