// SPDX-License-Identifier: GPL-2.0

//! `mutex`: the RFC as posted. The content hash of the caller's `Location` picks one of 1024
//! buckets, each a kernel `mutex` around the bucket's records; a miss allocates, names and
//! registers a key. Taking a mutex may sleep, so this cannot run in atomic context.

table_strategy!(MutexTable, "mutex", crate::kernel_env::KMutex, lookup_locked, atomic_safe: false);
