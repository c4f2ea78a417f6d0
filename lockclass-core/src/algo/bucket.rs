// SPDX-License-Identifier: GPL-2.0

//! What a content-keyed table is made of: records (one per class), buckets (a lock around a
//! chain of records), and the environment that provides both (memory, locks, key
//! registration). [`super::table`] re-exports all of it.

use super::atomic::{AtomicPtr, Ordering};
use super::site::Site;
use core::ptr::{self, NonNull};

/// The lock around one bucket.
///
/// # Safety
///
/// `lock` must give mutual exclusion and make everything written before `unlock` visible to
/// the next holder (acquire/release semantics).
pub unsafe trait BucketLock: Sync {
    /// Takes the lock, waiting (sleeping or spinning) as needed.
    fn lock(&self);
    /// Releases the lock.
    ///
    /// # Safety
    ///
    /// The caller holds the lock.
    unsafe fn unlock(&self);
}

/// What a table needs from where it runs: bucket locks, memory, and the lock checker's key
/// registration (`lockdep_register_key` in the kernel).
///
/// # Safety
///
/// `alloc_bucket` returns a valid, initialised bucket ([`Bucket::init`]); `alloc_record` a valid
/// record ([`Record::init`]). Both stay valid until passed to the matching `free_*`.
pub unsafe trait TableEnv {
    /// The bucket lock.
    type Lock: BucketLock;
    /// Per-class data a record carries (the key, and whatever the environment adds).
    type Key;
    /// What the caller of a lookup passes down to a miss's allocations: the kernel's GFP
    /// flags (the caller knows whether it may sleep), `()` on the host.
    type Flags: Copy;
    /// Allocates and initialises a bucket; `None` if memory is short.
    fn alloc_bucket(&self, flags: Self::Flags) -> Option<NonNull<Bucket<Self::Lock, Self::Key>>>;
    /// Frees a bucket from `alloc_bucket`.
    ///
    /// # Safety
    ///
    /// `b` came from `alloc_bucket` of this environment and is no longer reachable.
    unsafe fn free_bucket(&self, b: NonNull<Bucket<Self::Lock, Self::Key>>);
    /// Allocates a record for `site`, its key not yet registered; `None` if memory is short.
    fn alloc_record(
        &self,
        site: Site,
        hash: u64,
        flags: Self::Flags,
    ) -> Option<NonNull<Record<Self::Key>>>;
    /// Registers the record's key with the lock checker. Called at most once per record,
    /// under the bucket lock, only for the record that is then published.
    fn register(&self, rec: &Record<Self::Key>);
    /// Unregisters (if `registered`) and frees a record from `alloc_record`.
    ///
    /// # Safety
    ///
    /// `rec` came from `alloc_record` of this environment and is no longer reachable.
    unsafe fn free_record(&self, rec: NonNull<Record<Self::Key>>, registered: bool);
}

/// One class: the site it stands for and its key.
///
/// `repr(C)` with the key first: the key's address is the record's, so a caller that has the
/// record pointer (the `cached` hit path) has the key without adding an offset.
#[repr(C)]
pub struct Record<K> {
    /// The class key.
    pub key: K,
    /// Content hash of `site`.
    pub hash: u64,
    /// The source position.
    pub site: Site,
    /// Next record in the bucket; never changes once the record is published.
    pub(super) next: AtomicPtr<Record<K>>,
}

impl<K> Record<K> {
    /// A record for `site` with `key`.
    pub fn new(site: Site, hash: u64, key: K) -> Self {
        Self {
            key,
            hash,
            site,
            next: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Writes every field but `key` at `p`, for environments that build the key in place.
    ///
    /// # Safety
    ///
    /// `p` is valid for writes and aligned; the caller initialises `key` itself.
    pub unsafe fn init(p: *mut Self, site: Site, hash: u64) {
        // SAFETY: `p` is valid for writes (caller); `addr_of_mut!` makes no reference to
        // the uninitialised record.
        unsafe {
            ptr::addr_of_mut!((*p).hash).write(hash);
            ptr::addr_of_mut!((*p).site).write(site);
            ptr::addr_of_mut!((*p).next).write(AtomicPtr::new(ptr::null_mut()));
        }
    }

    #[inline(always)]
    fn matches(&self, site: &Site, hash: u64) -> bool {
        // As the RFC: hash, line and column. Two sites would have to share a 64-bit hash *and*
        // line and column to be confused; comparing file names would cost a string compare.
        self.hash == hash && self.site.line == site.line && self.site.column == site.column
    }
}

/// One bucket: its lock and the head of its chain.
pub struct Bucket<L, K> {
    /// Serialises inserts (and, for locked lookups, readers).
    pub lock: L,
    pub(super) head: AtomicPtr<Record<K>>,
}

impl<L, K> Bucket<L, K> {
    /// An empty bucket around `lock`.
    pub fn new(lock: L) -> Self {
        Self {
            lock,
            head: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Makes the bucket at `p` empty, for environments that initialise `lock` in place.
    ///
    /// # Safety
    ///
    /// `p` is valid for writes and aligned; the caller initialises `lock` itself.
    pub unsafe fn init(p: *mut Self) {
        // SAFETY: `p` is valid for writes (caller).
        unsafe { ptr::addr_of_mut!((*p).head).write(AtomicPtr::new(ptr::null_mut())) };
    }

    #[inline(always)]
    pub(super) fn scan<'a>(
        &'a self,
        first: *mut Record<K>,
        site: &Site,
        hash: u64,
    ) -> Option<&'a Record<K>> {
        let mut p = first;
        // SAFETY: records reachable from a published head are initialised and are only freed
        // by `Table::reset`, which excludes concurrent lookups.
        while let Some(r) = unsafe { p.as_ref() } {
            if r.matches(site, hash) {
                return Some(r);
            }
            // Relaxed: `next` is written before the record is published with Release and never
            // changes after; whoever reached `r` (by an Acquire load of `head`, or under the
            // lock) already sees it, and the record it points to was published earlier.
            p = r.next.load(Ordering::Relaxed);
        }
        None
    }
}
