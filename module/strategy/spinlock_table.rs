// SPDX-License-Identifier: GPL-2.0

//! `spinlock`: the change proposed in review. The same table as `mutex` (content hash of the
//! `Location`, 1024 buckets), each bucket guarded by a kernel `spinlock_t`: never sleeps on a
//! hit, so callable with preemption disabled; a miss allocates with GFP_ATOMIC there.

table_strategy!(SpinlockTable, "spinlock", crate::kernel_env::KSpinLock, lookup_locked, atomic_safe: true);
