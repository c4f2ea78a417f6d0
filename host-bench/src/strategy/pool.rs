// SPDX-License-Identifier: GPL-2.0

//! What the host reports of the `pool` strategy's table.

use crate::env::HostEnv;
use crate::key::NamedKey;
use crate::locks::SpinLock;
use lockclass_core::pool::KeyPool;
use lockclass_core::pooled::PooledTable;

/// The pooled table the strategy uses: the default pool, buckets and cache.
pub type HostPooledTable = PooledTable<HostEnv<SpinLock>>;

/// Bytes of one pool slot (key, name, state, hash, line and column): what a class occupies.
pub const POOL_SLOT_BYTES: usize =
    core::mem::size_of::<KeyPool<NamedKey, 2>>() - core::mem::size_of::<KeyPool<NamedKey, 1>>();
