// SPDX-License-Identifier: GPL-2.0

//! The host environment of the content-keyed tables: heap memory, one of [`crate::locks`] per
//! bucket, and key registration through [`crate::registry`].

use crate::key::NamedKey;
use crate::registry;
use lockclass_core::site::Site;
use lockclass_core::table::{Bucket, BucketLock, Record, TableEnv};
use std::alloc::{self, Layout};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// The record type of every host table.
pub type HostRecord = Record<NamedKey>;

/// Table environment with bucket lock `L`; records carry a [`NamedKey`], as the module's do.
pub struct HostEnv<L>(PhantomData<fn() -> L>);

impl<L> HostEnv<L> {
    /// The environment (it has no state of its own).
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<L> Default for HostEnv<L> {
    fn default() -> Self {
        Self::new()
    }
}

/// Moves `value` to the heap like `kmalloc` would: `None` if the allocator fails, rather than
/// aborting as `Box::new` does, so the table's fallback path stays reachable.
pub(crate) fn try_alloc<T>(value: T) -> Option<NonNull<T>> {
    let layout = Layout::new::<T>();
    assert!(
        layout.size() != 0,
        "tables never allocate zero-sized objects"
    );
    // SAFETY: the layout has a non-zero size (asserted).
    let p = NonNull::new(unsafe { alloc::alloc(layout) }.cast::<T>())?;
    // SAFETY: `p` is a fresh allocation with `T`'s layout.
    unsafe { p.as_ptr().write(value) };
    Some(p)
}

/// Drops and frees what [`try_alloc`] returned.
///
/// # Safety
///
/// `p` came from `try_alloc::<T>` and is not used afterwards.
pub(crate) unsafe fn free<T>(p: NonNull<T>) {
    // SAFETY: `p` holds a live `T` allocated with `T`'s layout (caller).
    unsafe {
        p.as_ptr().drop_in_place();
        alloc::dealloc(p.as_ptr().cast(), Layout::new::<T>());
    }
}

// SAFETY: `alloc_bucket` and `alloc_record` return fully initialised objects (built with
// `Bucket::new` and `Record::new`) that stay allocated until the matching `free_*`.
unsafe impl<L: BucketLock + Default> TableEnv for HostEnv<L> {
    type Lock = L;
    type Key = NamedKey;
    /// The host allocator takes no flags.
    type Flags = ();

    fn alloc_bucket(&self, _flags: ()) -> Option<NonNull<Bucket<L, NamedKey>>> {
        try_alloc(Bucket::new(L::default()))
    }

    unsafe fn free_bucket(&self, b: NonNull<Bucket<L, NamedKey>>) {
        // SAFETY: `b` came from `alloc_bucket` and is unreachable (caller).
        unsafe { free(b) }
    }

    fn alloc_record(&self, site: Site, hash: u64, _flags: ()) -> Option<NonNull<HostRecord>> {
        try_alloc(Record::new(site, hash, NamedKey::new(&site)))
    }

    fn register(&self, rec: &HostRecord) {
        registry::register(&rec.key.key);
    }

    unsafe fn free_record(&self, rec: NonNull<HostRecord>, registered: bool) {
        if registered {
            // SAFETY: `rec` is still allocated (caller: from `alloc_record`, not yet freed).
            registry::unregister(unsafe { &rec.as_ref().key.key });
        }
        // SAFETY: `rec` came from `alloc_record` and is unreachable (caller).
        unsafe { free(rec) }
    }
}
