// SPDX-License-Identifier: GPL-2.0

//! `spinlock`: the change proposed in review. The same table as `mutex` (content hash of the
//! `Location`, 1024 buckets), each bucket guarded by a kernel `spinlock_t`: never sleeps on a
//! hit, so callable with preemption disabled; a miss allocates with GFP_ATOMIC there.

use super::table::{TableKey, TableKind};
use crate::kernel_env::SpinLockKind;

/// Spinlock-guarded buckets, read under the spinlock.
pub(crate) struct Spinlock;

impl TableKind for Spinlock {
    const NAME: &'static str = "spinlock";
    type Lock = SpinLockKind;
    const LOCKFREE: bool = false;
}

pub(crate) static INSTANCE: TableKey<Spinlock> = TableKey::new();
