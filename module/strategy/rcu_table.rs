// SPDX-License-Identifier: GPL-2.0

//! `rcu`: lock-free readers, as lockdep's own `lock_keys_hash`: a hit is an Acquire load of the
//! bucket and of its head record, then a walk of an append-only chain, no lock taken. Inserts
//! are serialised by the bucket's spinlock and publish with Release. Records are only freed
//! when the whole table is reset with no reader running, so no grace period is needed here.

table_strategy!(RcuTable, "rcu", crate::kernel_env::KSpinLock, lookup_lockfree, atomic_safe: true);
