// SPDX-License-Identifier: GPL-2.0

//! The kernel side of the shared tables: bucket locks (kernel `mutex` or `spinlock_t`),
//! memory from the module's counted allocator, keys registered with lockdep.

use crate::algo::site::Site;
use crate::algo::table::{Bucket, BucketLock, Record, TableEnv};
use crate::glue;
use core::marker::PhantomData;
use core::ptr::{addr_of_mut, NonNull};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use kernel::bindings;
use kernel::ffi::c_char;
use kernel::sync::LockClassKey;
use kernel::types::Opaque;

/// Room for "file:line:column" (the front of a long file name is dropped).
const NAME_LEN: usize = 64;

/// Behave as the RFC as posted: never unregister nor free keys (set from `leak_keys`).
pub(crate) static LEAK_KEYS: AtomicBool = AtomicBool::new(false);
/// Records and buckets left behind under `LEAK_KEYS`.
pub(crate) static LEAKED: AtomicUsize = AtomicUsize::new(0);

/// The per-class data a table record carries: the lockdep key and the class name.
pub(crate) struct KernelKey {
    key: Opaque<bindings::lock_class_key>,
    name: [u8; NAME_LEN],
}

// SAFETY: lockdep serialises every write to a registered key (under its graph lock); the
// module itself only writes the name, before the record is published.
unsafe impl Sync for KernelKey {}
// SAFETY: as above; nothing ties a key to a thread.
unsafe impl Send for KernelKey {}

impl KernelKey {
    /// The key, for `lockdep_init_map` and friends.
    pub(crate) fn key_ptr(&self) -> *mut bindings::lock_class_key {
        self.key.get()
    }

    /// The class name, NUL-terminated.
    pub(crate) fn name_ptr(&self) -> *const c_char {
        self.name.as_ptr().cast()
    }

    /// The `KernelKey` whose key is at `key`.
    pub(crate) fn from_key_ptr(key: *mut bindings::lock_class_key) -> *mut Self {
        // Rust may reorder fields: recover the owner by offset.
        key.cast::<u8>()
            .wrapping_sub(core::mem::offset_of!(KernelKey, key))
            .cast()
    }

    /// Writes `site`'s name into the key at `p`.
    ///
    /// # Safety
    ///
    /// `p` is valid for writes.
    pub(crate) unsafe fn write_name(p: *mut Self, site: &Site) {
        // SAFETY: `p` is valid (caller); `name` is plain bytes, any content is valid.
        let name = unsafe { &mut *addr_of_mut!((*p).name) };
        site.write_name(name);
    }
}

/// A kernel lock that can guard a bucket and be initialised in place.
pub(crate) trait KernelLock: BucketLock + Sized {
    /// Initialises the lock at `p`.
    ///
    /// # Safety
    ///
    /// `p` is valid for writes, zeroed, and not yet shared.
    unsafe fn init(p: *mut Self);
}

/// A kernel `struct mutex`.
#[repr(transparent)]
pub(crate) struct KMutex(Opaque<bindings::mutex>);

// SAFETY: a kernel mutex is meant to be shared between threads.
unsafe impl Sync for KMutex {}
// SAFETY: as above.
unsafe impl Send for KMutex {}

// SAFETY: `mutex_lock`/`mutex_unlock` give mutual exclusion with acquire/release ordering.
unsafe impl BucketLock for KMutex {
    #[inline(always)]
    fn lock(&self) {
        // SAFETY: the mutex was initialised by `KernelLock::init` before the bucket was published.
        unsafe { bindings::mutex_lock(self.0.get()) }
    }

    #[inline(always)]
    unsafe fn unlock(&self) {
        // SAFETY: the caller holds the lock.
        unsafe { bindings::mutex_unlock(self.0.get()) }
    }
}

impl KernelLock for KMutex {
    unsafe fn init(p: *mut Self) {
        // One static class for all bucket mutexes, as the RFC's `new_mutex!` in its table did.
        let key: &'static LockClassKey = kernel::static_lock_class!();
        // SAFETY: `p` is valid (caller); `LockClassKey` is `repr(transparent)` over the C key;
        // the name is a static C string.
        unsafe {
            bindings::__mutex_init(
                (*p).0.get(),
                c"lockclass_bench_bucket_mutex".as_ptr().cast(),
                key as *const LockClassKey as *mut bindings::lock_class_key,
            )
        }
    }
}

/// A kernel `spinlock_t`.
#[repr(transparent)]
pub(crate) struct KSpinLock(Opaque<bindings::spinlock_t>);

// SAFETY: a kernel spinlock is meant to be shared between threads.
unsafe impl Sync for KSpinLock {}
// SAFETY: as above.
unsafe impl Send for KSpinLock {}

// SAFETY: `spin_lock`/`spin_unlock` give mutual exclusion with acquire/release ordering.
unsafe impl BucketLock for KSpinLock {
    #[inline(always)]
    fn lock(&self) {
        // SAFETY: initialised by `KernelLock::init` before the bucket was published.
        unsafe { bindings::spin_lock(self.0.get()) }
    }

    #[inline(always)]
    unsafe fn unlock(&self) {
        // SAFETY: the caller holds the lock.
        unsafe { bindings::spin_unlock(self.0.get()) }
    }
}

impl KernelLock for KSpinLock {
    unsafe fn init(p: *mut Self) {
        let key: &'static LockClassKey = kernel::static_lock_class!();
        // SAFETY: as for `KMutex`.
        unsafe {
            bindings::__spin_lock_init(
                (*p).0.get(),
                c"lockclass_bench_bucket_spinlock".as_ptr().cast(),
                key as *const LockClassKey as *mut bindings::lock_class_key,
            )
        }
    }
}

/// Table environment with bucket lock `L`. Zero-sized, so tables can be `static`.
pub(crate) struct KernelEnv<L>(PhantomData<L>);

impl<L> KernelEnv<L> {
    /// The environment.
    pub(crate) const fn new() -> Self {
        Self(PhantomData)
    }
}

// SAFETY: only a marker.
unsafe impl<L> Sync for KernelEnv<L> {}

// SAFETY: buckets and records are fully initialised (`Bucket::init` + `L::init`,
// `Record::init` + zeroed key + name) and stay valid until freed here.
unsafe impl<L: KernelLock> TableEnv for KernelEnv<L> {
    type Lock = L;
    type Key = KernelKey;

    fn alloc_bucket(&self) -> Option<NonNull<Bucket<L, KernelKey>>> {
        let p = glue::alloc_zeroed::<Bucket<L, KernelKey>>()?;
        // SAFETY: fresh zeroed memory of the right size and alignment, not yet shared.
        unsafe {
            Bucket::init(p.as_ptr());
            L::init(addr_of_mut!((*p.as_ptr()).lock));
        }
        Some(p)
    }

    unsafe fn free_bucket(&self, b: NonNull<Bucket<L, KernelKey>>) {
        if LEAK_KEYS.load(Ordering::Relaxed) {
            LEAKED.fetch_add(1, Ordering::Relaxed);
            return;
        }
        // SAFETY: from `alloc_bucket`, unreachable now (caller).
        unsafe { glue::free(b) }
    }

    fn alloc_record(&self, site: Site, hash: u64) -> Option<NonNull<Record<KernelKey>>> {
        let p = glue::alloc_zeroed::<Record<KernelKey>>()?;
        // SAFETY: fresh zeroed memory; a zeroed `lock_class_key` is what lockdep expects of
        // memory about to be registered.
        unsafe {
            Record::init(p.as_ptr(), site, hash);
            KernelKey::write_name(addr_of_mut!((*p.as_ptr()).key), &site);
        }
        Some(p)
    }

    fn register(&self, rec: &Record<KernelKey>) {
        // SAFETY: the key lives in the record, which is freed only after unregistering.
        unsafe { glue::register_key(rec.key.key_ptr()) }
    }

    unsafe fn free_record(&self, rec: NonNull<Record<KernelKey>>, registered: bool) {
        if registered && LEAK_KEYS.load(Ordering::Relaxed) {
            LEAKED.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if registered {
            // SAFETY: registered by `register`; unreachable now, so no new lock uses it.
            unsafe { glue::unregister_key(rec.as_ref().key.key_ptr()) }
        }
        // SAFETY: from `alloc_record`, unreachable now (caller).
        unsafe { glue::free(rec) }
    }
}
