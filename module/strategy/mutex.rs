// SPDX-License-Identifier: GPL-2.0

//! `mutex`: the RFC as posted. The content hash of the caller's `Location` picks one of 1024
//! buckets, each a kernel `mutex` around the bucket's records; a miss allocates, names and
//! registers a key. Taking a mutex may sleep, so this cannot run in atomic context.

use super::table::{TableKey, TableKind};
use crate::kernel_env::MutexKind;

/// Mutex-guarded buckets, read under the mutex.
pub(crate) struct Mutex;

impl TableKind for Mutex {
    const NAME: &'static str = "mutex";
    type Lock = MutexKind;
    const LOCKFREE: bool = false;
}

pub(crate) static INSTANCE: TableKey<Mutex> = TableKey::new();
