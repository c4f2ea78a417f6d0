// SPDX-License-Identifier: GPL-2.0

//! The host's side of the strategies: its environment ([`Host`]: the host's call sites, keys,
//! bucket locks, heap and registry model), the strategies by their host names, what each
//! holds in memory ([`HostStrategy::memory`]), and the visitors over them ([`NAMES`],
//! [`for_each`], [`visit_named`]). The strategies themselves, and their list, are
//! lockclass-core's ([`lockclass_core::strategy`]), compiled into the kernel module too.

mod pool;

use crate::env::{free, try_alloc, HostEnv, HostRecord};
use crate::key::NamedKey;
use crate::locks::{SleepingMutex, SpinLock};
use crate::registry;
use crate::{CallSite, MacroKey};
use core::panic::Location;
use core::ptr::NonNull;
use lockclass_core::site::Site;
use lockclass_core::strategy::{self as shared, Env};
use lockclass_core::table::TableStats;

pub use lockclass_core::strategy::{Held, Keys, Strategy};
pub use pool::{HostPooledTable, POOL_SLOT_BYTES};

/// The host environment of the shared strategies.
pub struct Host;

impl Env for Host {
    type Site = CallSite;
    /// The key's address: all a lock checker sees of a class.
    type Class = usize;
    type Flags = ();
    type Key = NamedKey;
    type Sleeping = HostEnv<SleepingMutex>;
    type Spinning = HostEnv<SpinLock>;
    const SLEEPING: Self::Sleeping = HostEnv::new();
    const SPINNING: Self::Spinning = HostEnv::new();

    #[inline(always)]
    fn location(site: &'static CallSite) -> &'static Location<'static> {
        site.loc
    }

    #[inline(always)]
    fn site_class(site: &'static CallSite) -> usize {
        site as *const CallSite as usize
    }

    #[inline(always)]
    fn location_class(site: &'static CallSite) -> usize {
        site.loc as *const _ as usize
    }

    #[inline(always)]
    fn macro_class(site: &'static CallSite) -> usize {
        site.key.addr()
    }

    #[inline(always)]
    fn key_class(key: &NamedKey) -> usize {
        key.addr()
    }

    /// Allocated and named as a table record's key is, then registered.
    #[inline(always)]
    fn new_key(site: &'static CallSite, _flags: ()) -> Option<NonNull<NamedKey>> {
        let key = try_alloc(NamedKey::new(&Site::of(site.loc)))?;
        // SAFETY: a live allocation, until `drop_key`.
        registry::register(unsafe { &key.as_ref().key });
        Some(key)
    }

    #[inline(always)]
    unsafe fn drop_key(key: NonNull<NamedKey>) {
        // SAFETY: from `new_key`, still allocated (caller).
        registry::unregister(unsafe { &key.as_ref().key });
        // SAFETY: from `try_alloc`, unregistered, not used afterwards (caller).
        unsafe { free(key) };
    }
}

/// `noop`: the `CallSite`'s address; what is left is the benchmark loop itself.
pub type Noop = shared::Noop<Host>;
/// `location`: the `&'static Location`'s address is the key.
pub type LocationKey = shared::LocationKey<Host>;
/// `macro`: each `site!()` expansion's own `static` key.
pub type MacroStaticKey = shared::Macro<Host>;
/// `dynamic`: one operation is the life of one lock's key, as in the kernel module: allocate
/// and name it, register it, unregister it (whose RCU grace period the host does not model)
/// and free it.
pub type DynamicKey = shared::DynamicKey<Host>;
/// `mutex`: `Table::lookup_locked` with a [`SleepingMutex`] per bucket.
pub type MutexTable = shared::MutexTable<Host>;
/// `spinlock`: `Table::lookup_locked` with a [`SpinLock`] per bucket.
pub type SpinlockTable = shared::SpinlockTable<Host>;
/// `rcu`: `Table::lookup_lockfree`; a miss inserts under the bucket's [`SpinLock`].
pub type RcuTable = shared::RcuTable<Host>;
/// `cached`: `CachedTable::lookup`, the table held inline (its address is the strategy's plus
/// a constant, as a kernel `static` table's is a constant, rather than a pointer to load).
pub type AddrCachedTable = shared::Cached<Host>;
/// `pool`: `PooledTable::lookup`; pool keys are never registered, and a claim lasts as long
/// as the strategy.
pub type StaticKeyPool = shared::Pool<Host>;

/// A shared strategy in the host's environment, with what it holds in memory.
pub trait HostStrategy: Strategy<Env = Host> {
    /// Memory held after `sites` distinct sites were looked up.
    fn memory(&self, sites: usize) -> Memory;
}

/// Memory a strategy holds, as written to `memory.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    /// Bytes of shared structures: table, buckets, records, cache.
    pub table_bytes: usize,
    /// Bytes each class adds: a record, a `static` key, or a key embedded in each lock.
    pub record_bytes: usize,
    /// Classes in existence.
    pub classes: usize,
}

impl Memory {
    /// What a content table reports.
    pub fn of_table(stats: TableStats) -> Self {
        Self {
            table_bytes: stats.bytes,
            record_bytes: core::mem::size_of::<HostRecord>(),
            classes: stats.records,
        }
    }

    /// No table: `record_bytes` per class, one class per site.
    fn per_site(record_bytes: usize, sites: usize) -> Self {
        Self {
            table_bytes: 0,
            record_bytes,
            classes: sites,
        }
    }
}

impl HostStrategy for Noop {
    fn memory(&self, _sites: usize) -> Memory {
        Memory::per_site(0, 0)
    }
}

impl HostStrategy for LocationKey {
    /// The `Location`s exist for `#[track_caller]` anyway: nothing added.
    fn memory(&self, sites: usize) -> Memory {
        Memory::per_site(0, sites)
    }
}

impl HostStrategy for MacroStaticKey {
    fn memory(&self, sites: usize) -> Memory {
        Memory::per_site(core::mem::size_of::<MacroKey>(), sites)
    }
}

impl HostStrategy for DynamicKey {
    /// One key per lock; the mirror creates one lock per site.
    fn memory(&self, sites: usize) -> Memory {
        Memory::per_site(core::mem::size_of::<NamedKey>(), sites)
    }
}

macro_rules! table_memory {
    ($($ty:ty),*) => {$(
        impl HostStrategy for $ty {
            fn memory(&self, _sites: usize) -> Memory {
                Memory::of_table(self.table().stats())
            }
        }
    )*};
}
table_memory!(MutexTable, SpinlockTable, RcuTable, AddrCachedTable);

impl HostStrategy for StaticKeyPool {
    /// The pool counts as table bytes (it exists whether or not a site claimed a slot), and a
    /// class occupies one slot of it (or, past its end, an overflow record).
    fn memory(&self, _sites: usize) -> Memory {
        Memory {
            record_bytes: POOL_SLOT_BYTES,
            ..Memory::of_table(self.table().stats())
        }
    }
}

/// Something to do with each strategy type (its code is monomorphised per strategy).
pub trait Visit {
    /// Called with one strategy type.
    fn visit<S: HostStrategy>(&mut self);
}

macro_rules! strategy_table {
    ($($s:ty),+ $(,)?) => {
        /// Every strategy's name, in the order [`for_each`] visits them (the module's order).
        pub const NAMES: &[&str] = &[$(<$s as Strategy>::NAME),+];

        /// Calls `v.visit::<S>()` for every strategy `S`.
        pub fn for_each(v: &mut impl Visit) {
            $(v.visit::<$s>();)+
        }

        /// Calls `v.visit::<S>()` for the strategy named `name`; false if there is none.
        pub fn visit_named(name: &str, v: &mut impl Visit) -> bool {
            $(
                if name == <$s as Strategy>::NAME {
                    v.visit::<$s>();
                    return true;
                }
            )+
            false
        }
    };
}
lockclass_core::strategy_list!(strategy_table, Host);
