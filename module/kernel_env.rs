// SPDX-License-Identifier: GPL-2.0

//! The kernel side of the shared tables: bucket locks (kernel `mutex` or `spinlock_t`, one
//! generic wrapper over the `kernel` crate's lock backends), memory from the module's counted
//! allocator, keys registered with lockdep.

use crate::algo::pool::PoolKey;
use crate::algo::site::Site;
use crate::algo::table::{Bucket, BucketLock, Record, TableEnv};
use crate::glue;
use core::marker::PhantomData;
use core::ptr::{addr_of_mut, NonNull};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use kernel::bindings;
use kernel::c_str;
use kernel::ffi::c_char;
use kernel::str::CStr;
use kernel::sync::lock::mutex::MutexBackend;
use kernel::sync::lock::spinlock::SpinLockBackend;
use kernel::sync::lock::Backend;
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

// A pool is a `static`: its keys lie in the module's image, which `static_obj()` accepts.
impl PoolKey for KernelKey {
    const UNNAMED: Self = Self {
        // SAFETY: a `lock_class_key` is plain C data (a union of a list node and bytes); all
        // zeroes is what lockdep expects of a key not yet used.
        key: Opaque::new(unsafe { core::mem::zeroed() }),
        name: [0; NAME_LEN],
    };

    unsafe fn name(p: *mut Self, site: &Site) {
        // SAFETY: forwarded from the caller.
        unsafe { Self::write_name(p, site) }
    }
}

/// A kind of kernel lock that can guard a bucket: the `kernel` crate's backend for it (its
/// `init`/`lock`/`unlock` contracts, as `rust/kernel/sync/lock.rs` uses them), the class every
/// bucket lock of the kind shares, and whether taking it may sleep.
pub(crate) trait LockKind: 'static {
    /// The `kernel` crate's backend (`MutexBackend`, `SpinLockBackend`).
    type Backend: Backend<GuardState = ()>;
    /// Class name of the bucket locks of this kind.
    const NAME: &'static CStr;
    /// Taking the lock may sleep: a table of this kind cannot be used in atomic context.
    const MIGHT_SLEEP: bool;
    /// The class of the bucket locks of this kind. Each kind's own `static_lock_class!()`: a
    /// `static` in a generic function would be one key shared by every kind.
    fn key() -> &'static LockClassKey;
    /// `Backend::lock`, inlined: 6.12's backends are not `#[inline]`, and the call into the
    /// `kernel` crate added 5 instructions to every locked lookup (icount), which would move
    /// the figures this benchmark compares.
    ///
    /// # Safety
    ///
    /// As `Backend::lock`.
    unsafe fn lock(p: *mut <Self::Backend as Backend>::State);
    /// `Backend::unlock`, inlined.
    ///
    /// # Safety
    ///
    /// As `Backend::unlock`.
    unsafe fn unlock(p: *mut <Self::Backend as Backend>::State);
}

/// Kernel `struct mutex` buckets.
pub(crate) struct MutexKind;

impl LockKind for MutexKind {
    type Backend = MutexBackend;
    // One static class for all bucket mutexes, as the RFC's `new_mutex!` in its table did.
    const NAME: &'static CStr = c_str!("lockclass_bench_bucket_mutex");
    const MIGHT_SLEEP: bool = true;
    fn key() -> &'static LockClassKey {
        kernel::static_lock_class!()
    }
    #[inline(always)]
    unsafe fn lock(p: *mut bindings::mutex) {
        // SAFETY: forwarded from the caller (what `MutexBackend::lock` does).
        unsafe { bindings::mutex_lock(p) }
    }
    #[inline(always)]
    unsafe fn unlock(p: *mut bindings::mutex) {
        // SAFETY: forwarded from the caller (what `MutexBackend::unlock` does).
        unsafe { bindings::mutex_unlock(p) }
    }
}

/// Kernel `spinlock_t` buckets.
pub(crate) struct SpinLockKind;

impl LockKind for SpinLockKind {
    type Backend = SpinLockBackend;
    const NAME: &'static CStr = c_str!("lockclass_bench_bucket_spinlock");
    const MIGHT_SLEEP: bool = false;
    fn key() -> &'static LockClassKey {
        kernel::static_lock_class!()
    }
    #[inline(always)]
    unsafe fn lock(p: *mut bindings::spinlock_t) {
        // SAFETY: forwarded from the caller (what `SpinLockBackend::lock` does).
        unsafe { bindings::spin_lock(p) }
    }
    #[inline(always)]
    unsafe fn unlock(p: *mut bindings::spinlock_t) {
        // SAFETY: forwarded from the caller (what `SpinLockBackend::unlock` does).
        unsafe { bindings::spin_unlock(p) }
    }
}

/// A kernel lock of kind `K`, initialised in place in a bucket.
#[repr(transparent)]
pub(crate) struct KernelLock<K: LockKind>(Opaque<<K::Backend as Backend>::State>, PhantomData<K>);

/// The `mutex` table's bucket lock.
pub(crate) type KMutex = KernelLock<MutexKind>;
/// The `spinlock`, `rcu` and `cached` tables' bucket lock.
pub(crate) type KSpinLock = KernelLock<SpinLockKind>;

// SAFETY: kernel mutexes and spinlocks are meant to be shared between threads.
unsafe impl<K: LockKind> Sync for KernelLock<K> {}
// SAFETY: as above.
unsafe impl<K: LockKind> Send for KernelLock<K> {}

// SAFETY: the backends' `lock`/`unlock` (`mutex_lock`/`mutex_unlock`,
// `spin_lock`/`spin_unlock`) give mutual exclusion with acquire/release ordering.
unsafe impl<K: LockKind> BucketLock for KernelLock<K> {
    #[inline(always)]
    fn lock(&self) {
        // SAFETY: initialised by `KernelLock::init` before the bucket was published.
        unsafe { K::lock(self.0.get()) }
    }

    #[inline(always)]
    unsafe fn unlock(&self) {
        // SAFETY: the caller holds the lock.
        unsafe { K::unlock(self.0.get()) }
    }
}

impl<K: LockKind> KernelLock<K> {
    /// Initialises the lock at `p`, with its kind's class.
    ///
    /// # Safety
    ///
    /// `p` is valid for writes, zeroed, and not yet shared.
    unsafe fn init(p: *mut Self) {
        let key: &'static LockClassKey = K::key();
        // SAFETY: `p` is valid (caller); `LockClassKey` is `repr(transparent)` over the C key;
        // the name is a static C string.
        unsafe {
            K::Backend::init(
                (*p).0.get(),
                K::NAME.as_char_ptr(),
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

// SAFETY: buckets and records are fully initialised (`Bucket::init` + `KernelLock::init`,
// `Record::init` + zeroed key + name) and stay valid until freed here.
unsafe impl<K: LockKind> TableEnv for KernelEnv<KernelLock<K>> {
    type Lock = KernelLock<K>;
    type Key = KernelKey;
    type Flags = ();

    fn alloc_bucket(&self, _flags: ()) -> Option<NonNull<Bucket<KernelLock<K>, KernelKey>>> {
        let p = glue::alloc_zeroed::<Bucket<KernelLock<K>, KernelKey>>()?;
        // SAFETY: fresh zeroed memory of the right size and alignment, not yet shared.
        unsafe {
            Bucket::init(p.as_ptr());
            KernelLock::<K>::init(addr_of_mut!((*p.as_ptr()).lock));
        }
        Some(p)
    }

    unsafe fn free_bucket(&self, b: NonNull<Bucket<KernelLock<K>, KernelKey>>) {
        if LEAK_KEYS.load(Ordering::Relaxed) {
            LEAKED.fetch_add(1, Ordering::Relaxed);
            return;
        }
        // SAFETY: from `alloc_bucket`, unreachable now (caller).
        unsafe { glue::free(b) }
    }

    fn alloc_record(
        &self,
        site: Site,
        hash: u64,
        _flags: (),
    ) -> Option<NonNull<Record<KernelKey>>> {
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
