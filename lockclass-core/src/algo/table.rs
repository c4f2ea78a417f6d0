// SPDX-License-Identifier: GPL-2.0

//! The RFC's table: a `Location`'s content hash picks one of `N` buckets; each bucket is a lock
//! around a chain of records, one per source site, each holding the site's lock-class key.
//!
//! Differences from the posted patch, all deliberate:
//! - buckets are published with Release/Acquire (the patch used Relaxed, which is a bug: a reader
//!   could see the bucket pointer before the bucket's initialised lock);
//! - a bucket holds an append-only chain instead of a vector of pointers, so the same memory can be
//!   read without the lock (the `rcu` strategy); for the usual length-1 bucket both are one load;
//! - a miss allocates the record before taking the bucket lock and registers the key under it,
//!   so the same code serves sleeping and spinning locks.

pub use super::bucket::{Bucket, BucketLock, Record, TableEnv};

use super::atomic::{order, AtomicPtr, AtomicUsize, Ordering, SyncPoint};
use super::site::Site;
use super::AllocError;
use core::panic::Location;
use core::ptr::{self, NonNull};

/// Bucket count of the RFC's table.
pub const BUCKETS: usize = 1024;

/// Counts that tell what a table holds, for the memory report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableStats {
    /// Buckets allocated so far.
    pub buckets: usize,
    /// Records (= registered keys = classes) inserted.
    pub records: usize,
    /// Misses that lost a race and freed their unregistered record.
    pub lost_races: usize,
    /// Bucket allocations that lost the race to publish a bucket and were freed.
    pub bucket_races: usize,
    /// Address-cache inserts that found their address already claimed by a racing insert
    /// (`cached` only).
    pub cache_races: usize,
    /// Bytes: the table itself, plus its buckets and records.
    pub bytes: usize,
}

/// The content-keyed table with `N` buckets (a power of two).
pub struct Table<E: TableEnv, const N: usize = BUCKETS> {
    env: E,
    buckets: [AtomicPtr<Bucket<E::Lock, E::Key>>; N],
    nbuckets: AtomicUsize,
    nrecords: AtomicUsize,
    lost_races: AtomicUsize,
    bucket_races: AtomicUsize,
}

// SAFETY: all shared state is atomics or behind the bucket locks, which are themselves shared
// (`Sync`); records and buckets are only freed through `reset`/`drop`, which exclude
// concurrent use.
unsafe impl<E: TableEnv + Sync, const N: usize> Sync for Table<E, N>
where
    E::Key: Sync,
    E::Lock: Sync,
{
}
// SAFETY: the table owns its buckets (with their locks) and records; moving it moves that
// ownership.
unsafe impl<E: TableEnv + Send, const N: usize> Send for Table<E, N>
where
    E::Key: Send,
    E::Lock: Send,
{
}

impl<E: TableEnv, const N: usize> Table<E, N> {
    /// An empty table (no memory allocated until the first lookup).
    #[cfg(not(loom))]
    pub const fn new(env: E) -> Self {
        assert!(N.is_power_of_two());
        Self {
            env,
            buckets: [Self::NO_BUCKET; N],
            nbuckets: AtomicUsize::new(0),
            nrecords: AtomicUsize::new(0),
            lost_races: AtomicUsize::new(0),
            bucket_races: AtomicUsize::new(0),
        }
    }

    /// An empty bucket slot, repeated by `new` (a constant item: an inline `const {}` block
    /// needs rustc 1.79). Each repetition is a fresh atomic.
    #[cfg(not(loom))]
    #[allow(clippy::declare_interior_mutable_const)]
    const NO_BUCKET: AtomicPtr<Bucket<E::Lock, E::Key>> = AtomicPtr::new(ptr::null_mut());

    /// An empty table (loom's atomics have no `const` constructor).
    #[cfg(loom)]
    pub fn new(env: E) -> Self {
        assert!(N.is_power_of_two());
        Self {
            env,
            buckets: core::array::from_fn(|_| AtomicPtr::new(ptr::null_mut())),
            nbuckets: AtomicUsize::new(0),
            nrecords: AtomicUsize::new(0),
            lost_races: AtomicUsize::new(0),
            bucket_races: AtomicUsize::new(0),
        }
    }

    /// The environment.
    pub fn env(&self) -> &E {
        &self.env
    }

    /// The bucket for `hash`, allocating it on first use.
    #[inline(always)]
    fn bucket(&self, hash: u64, flags: E::Flags) -> Result<&Bucket<E::Lock, E::Key>, AllocError> {
        let slot = &self.buckets[hash as usize & (N - 1)];
        // Acquire: pairs with the Release in the compare-exchange below, so the bucket's
        // initialised lock and head are visible before we use them.
        let b = slot.load(order(SyncPoint::BucketLoad, Ordering::Acquire));
        // SAFETY: a published bucket is initialised and lives until `reset`.
        if let Some(b) = unsafe { b.as_ref() } {
            return Ok(b);
        }
        self.bucket_slow(slot, flags)
    }

    #[cold]
    fn bucket_slow(
        &self,
        slot: &AtomicPtr<Bucket<E::Lock, E::Key>>,
        flags: E::Flags,
    ) -> Result<&Bucket<E::Lock, E::Key>, AllocError> {
        let Some(new) = self.env.alloc_bucket(flags) else {
            // Another thread may have published the bucket meanwhile: use it rather than fall
            // back. Acquire: as in `bucket`.
            let b = slot.load(order(SyncPoint::BucketAllocFailed, Ordering::Acquire));
            // SAFETY: a published bucket is initialised and lives until `reset`.
            return unsafe { b.as_ref() }.ok_or(AllocError);
        };
        // Release on success publishes the initialised bucket; Acquire on failure makes the
        // winner's bucket visible to us.
        match slot.compare_exchange(
            ptr::null_mut(),
            new.as_ptr(),
            order(SyncPoint::BucketPublish, Ordering::Release),
            order(SyncPoint::BucketRaceLost, Ordering::Acquire),
        ) {
            Ok(_) => {
                self.nbuckets.fetch_add(1, Ordering::Relaxed);
                // SAFETY: we just published `new`; it lives until `reset`.
                Ok(unsafe { new.as_ref() })
            }
            Err(winner) => {
                self.bucket_races.fetch_add(1, Ordering::Relaxed);
                // SAFETY: `new` was never published.
                unsafe { self.env.free_bucket(new) };
                // SAFETY: `winner` is non-null (the exchange failed) and published.
                Ok(unsafe { &*winner })
            }
        }
    }

    /// The class for `loc`'s site, reading the bucket under its lock (the `mutex` and
    /// `spinlock` strategies); a miss inserts a new class, allocating with `flags`.
    #[inline]
    pub fn lookup_locked(
        &self,
        loc: &'static Location<'static>,
        flags: E::Flags,
    ) -> Result<&Record<E::Key>, AllocError> {
        let site = Site::of(loc);
        let hash = site.hash();
        let bucket = self.bucket(hash, flags)?;
        bucket.lock.lock();
        // Relaxed: the lock orders us after every insert into this bucket.
        let found = bucket.scan(bucket.head.load(Ordering::Relaxed), &site, hash);
        // SAFETY: we hold the lock.
        unsafe { bucket.lock.unlock() };
        match found {
            Some(r) => Ok(r),
            None => self.insert(bucket, site, hash, flags),
        }
    }

    /// The class for `loc`'s site, reading the bucket without any lock (the `rcu` strategy);
    /// a miss inserts a new class under the bucket lock, allocating with `flags`.
    #[inline]
    pub fn lookup_lockfree(
        &self,
        loc: &'static Location<'static>,
        flags: E::Flags,
    ) -> Result<&Record<E::Key>, AllocError> {
        let site = Site::of(loc);
        let hash = site.hash();
        let bucket = self.bucket(hash, flags)?;
        // Acquire: pairs with the Release that published the head record (see `insert`).
        let head = bucket
            .head
            .load(order(SyncPoint::HeadLoad, Ordering::Acquire));
        match bucket.scan(head, &site, hash) {
            Some(r) => Ok(r),
            None => self.insert(bucket, site, hash, flags),
        }
    }

    #[cold]
    #[inline(never)]
    fn insert<'a>(
        &'a self,
        bucket: &'a Bucket<E::Lock, E::Key>,
        site: Site,
        hash: u64,
        flags: E::Flags,
    ) -> Result<&'a Record<E::Key>, AllocError> {
        // Allocate before locking: the allocation may sleep, the lock may be a spinlock.
        let new = self.env.alloc_record(site, hash, flags).ok_or(AllocError)?;
        bucket.lock.lock();
        let head = bucket.head.load(Ordering::Relaxed);
        if let Some(r) = bucket.scan(head, &site, hash) {
            // SAFETY: we hold the lock.
            unsafe { bucket.lock.unlock() };
            self.lost_races.fetch_add(1, Ordering::Relaxed);
            // SAFETY: `new` was never published; its key was never registered.
            unsafe { self.env.free_record(new, false) };
            return Ok(r);
        }
        // SAFETY: `new` is valid (from `alloc_record`) and not yet shared.
        let rec = unsafe { new.as_ref() };
        self.env.register(rec);
        rec.next.store(head, Ordering::Relaxed);
        // Release: publishes the record's fields (and registered key) to lock-free readers.
        bucket.head.store(
            new.as_ptr(),
            order(SyncPoint::HeadPublish, Ordering::Release),
        );
        // SAFETY: we hold the lock.
        unsafe { bucket.lock.unlock() };
        self.nrecords.fetch_add(1, Ordering::Relaxed);
        Ok(rec)
    }

    /// Runs `f` holding the lock of `hash`'s bucket (allocated on first use), the lock every
    /// insert of a site with that hash takes: what serialises [`super::pool::KeyPool`]'s
    /// claims for one site.
    pub fn with_bucket_locked<R>(
        &self,
        hash: u64,
        flags: E::Flags,
        f: impl FnOnce() -> R,
    ) -> Result<R, AllocError> {
        let bucket = self.bucket(hash, flags)?;
        bucket.lock.lock();
        let r = f();
        // SAFETY: we hold the lock.
        unsafe { bucket.lock.unlock() };
        Ok(r)
    }

    /// What the table holds now.
    pub fn stats(&self) -> TableStats {
        let buckets = self.nbuckets.load(Ordering::Relaxed);
        let records = self.nrecords.load(Ordering::Relaxed);
        TableStats {
            buckets,
            records,
            lost_races: self.lost_races.load(Ordering::Relaxed),
            bucket_races: self.bucket_races.load(Ordering::Relaxed),
            cache_races: 0,
            bytes: core::mem::size_of::<Self>()
                + buckets * core::mem::size_of::<Bucket<E::Lock, E::Key>>()
                + records * core::mem::size_of::<Record<E::Key>>(),
        }
    }

    /// Unregisters and frees every record and bucket, leaving an empty table.
    ///
    /// # Safety
    ///
    /// No lookup runs concurrently, and no reference returned by a lookup is used afterwards.
    pub unsafe fn reset(&self) {
        for slot in &self.buckets {
            // Relaxed here and below: the caller guarantees no lookup runs, and whatever
            // excluded them (a join, the module's exit) ordered their writes before us.
            let b = slot.swap(ptr::null_mut(), Ordering::Relaxed);
            let Some(b) = NonNull::new(b) else { continue };
            // SAFETY: published buckets are valid; nobody else uses them now (caller).
            let mut p = unsafe { b.as_ref() }.head.load(Ordering::Relaxed);
            while let Some(r) = NonNull::new(p) {
                // SAFETY: as above, for the records.
                p = unsafe { r.as_ref() }.next.load(Ordering::Relaxed);
                // SAFETY: unreachable from now on; published records were registered.
                unsafe { self.env.free_record(r, true) };
            }
            // SAFETY: unreachable from now on.
            unsafe { self.env.free_bucket(b) };
        }
        self.nbuckets.store(0, Ordering::Relaxed);
        self.nrecords.store(0, Ordering::Relaxed);
        self.lost_races.store(0, Ordering::Relaxed);
        self.bucket_races.store(0, Ordering::Relaxed);
    }
}

impl<E: TableEnv, const N: usize> Drop for Table<E, N> {
    fn drop(&mut self) {
        // SAFETY: `&mut self`: no concurrent lookup, no outstanding reference.
        unsafe { self.reset() };
    }
}
