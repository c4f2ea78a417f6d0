// SPDX-License-Identifier: GPL-2.0

//! The kernel's environment of the shared strategies ([`Kernel`]): the module's call sites,
//! keys registered with lockdep, bucket locks ([`KernelLock`]: kernel `mutex` or
//! `spinlock_t`), and memory from `KBox` with the caller's GFP flags, counted and, when asked,
//! failing (`fail_alloc_every`).

use crate::algo::pool::PoolKey;
use crate::algo::site::Site;
use crate::algo::table::{Bucket, BucketLock, Record, TableEnv};
use crate::glue;
use crate::lock::{Class, ClassRef, KernelLock, LockKind, MutexKind, SpinLockKind};
use crate::sites::CallSite;
use crate::strategy::{Env, Held};
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::panic::Location;
use core::ptr::{addr_of_mut, NonNull};
use core::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use kernel::alloc::Flags;
use kernel::bindings;
use kernel::c_str;
use kernel::init::PinInit;
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::LockClassKey;
use kernel::types::Opaque;

/// Room for "file:line:column" (the front of a long file name is dropped).
const NAME_LEN: usize = 64;

/// Behave as the RFC as posted: never unregister nor free keys (set from `leak_keys`).
pub(crate) static LEAK_KEYS: AtomicBool = AtomicBool::new(false);
/// Records and buckets left behind under `LEAK_KEYS`.
pub(crate) static LEAKED: AtomicUsize = AtomicUsize::new(0);

/// Allocations not yet freed (`live_allocs` on the exit line).
static LIVE_ALLOCS: AtomicI64 = AtomicI64::new(0);
/// Fault injection: every `FAIL_EVERY`-th allocation fails (0: none). Atomic: benchmark
/// kthreads allocate while the loading task may set it.
static FAIL_EVERY: AtomicU32 = AtomicU32::new(0);
static ALLOC_CALLS: AtomicU64 = AtomicU64::new(0);

/// Makes every `k`-th allocation from now on fail (0: none).
pub(crate) fn set_alloc_fail_every(k: u32) {
    ALLOC_CALLS.store(0, Ordering::Relaxed);
    FAIL_EVERY.store(k, Ordering::Relaxed);
}

/// Allocations not yet freed.
pub(crate) fn live_allocs() -> i64 {
    LIVE_ALLOCS.load(Ordering::Relaxed)
}

/// `value` in a `KBox` allocated with `flags`, leaked to a pointer and counted; `None` if the
/// allocation fails, or fault injection says so.
fn alloc<T>(value: T, flags: Flags) -> Option<NonNull<T>> {
    let k = FAIL_EVERY.load(Ordering::Relaxed) as u64;
    if k > 0 && (ALLOC_CALLS.fetch_add(1, Ordering::Relaxed) + 1) % k == 0 {
        return None;
    }
    let b = KBox::new(value, flags).ok()?;
    LIVE_ALLOCS.fetch_add(1, Ordering::Relaxed);
    NonNull::new(KBox::into_raw(b))
}

/// Frees what [`alloc`] returned, without dropping its contents (none needs dropping: keys are
/// unregistered, locks unused, before they go).
///
/// # Safety
///
/// `p` came from `alloc::<T>` and is not used afterwards.
unsafe fn free<T>(p: NonNull<T>) {
    // SAFETY: a `KBox<T>`'s pointer (caller); as `MaybeUninit<T>` (same layout), dropping the
    // box only frees the memory.
    drop(unsafe { KBox::from_raw(p.as_ptr().cast::<MaybeUninit<T>>()) });
    LIVE_ALLOCS.fetch_sub(1, Ordering::Relaxed);
}

/// The per-class data of a record, a pool slot or a per-object key: the lockdep key and the
/// class name.
pub(crate) struct KernelKey {
    key: Opaque<bindings::lock_class_key>,
    name: [u8; NAME_LEN],
}

// SAFETY: lockdep serialises every write to a registered key (under its graph lock); the
// module itself only writes the name, before the key is shared.
unsafe impl Sync for KernelKey {}
// SAFETY: as above; nothing ties a key to a thread.
unsafe impl Send for KernelKey {}

impl KernelKey {
    /// The key and name, as a lock's init takes them.
    fn class(&self) -> Class {
        Class {
            key: self.key.get(),
            name: self.name.as_ptr().cast(),
        }
    }

    /// An unregistered key named after `site`.
    fn named(site: &Site) -> Self {
        let mut k = Self::UNNAMED;
        site.write_name(&mut k.name);
        k
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
        // SAFETY: `p` is valid for writes and not shared meanwhile (caller); `name` is plain
        // bytes, any content is valid.
        site.write_name(unsafe { &mut *addr_of_mut!((*p).name) });
    }
}

/// A kind of bucket lock: the class all bucket locks of the kind share.
pub(crate) trait BucketKind: LockKind {
    /// Class name of the bucket locks of this kind.
    const NAME: &'static CStr;
    /// The class. Each kind's own `static_lock_class!()`: a `static` in a generic function
    /// would be one key shared by every kind.
    fn key() -> &'static LockClassKey;
}

impl BucketKind for MutexKind {
    // One static class for all bucket mutexes, as the RFC's `new_mutex!` in its table did.
    const NAME: &'static CStr = c_str!("lockclass_bench_bucket_mutex");
    fn key() -> &'static LockClassKey {
        kernel::static_lock_class!()
    }
}

impl BucketKind for SpinLockKind {
    const NAME: &'static CStr = c_str!("lockclass_bench_bucket_spinlock");
    fn key() -> &'static LockClassKey {
        kernel::static_lock_class!()
    }
}

/// The `mutex` table's bucket lock.
pub(crate) type KMutex = KernelLock<'static, MutexKind>;
/// The `spinlock`, `rcu`, `cached` and `pool` tables' bucket lock.
pub(crate) type KSpinLock = KernelLock<'static, SpinLockKind>;

// SAFETY: `mutex_lock`/`mutex_unlock` and `spin_lock`/`spin_unlock` give mutual exclusion with
// acquire/release ordering.
unsafe impl<K: LockKind> BucketLock for KernelLock<'static, K> {
    #[inline(always)]
    fn lock(&self) {
        KernelLock::lock(self)
    }

    #[inline(always)]
    unsafe fn unlock(&self) {
        // SAFETY: the caller holds the lock.
        unsafe { KernelLock::unlock(self) }
    }
}

/// Table environment with bucket lock `L`. Zero-sized, so tables can be `static`.
pub(crate) struct KernelEnv<L>(PhantomData<fn() -> L>);

// SAFETY: buckets and records are fully initialised (`Bucket::init` and the lock's pin-init;
// `Record::new` with a named, zeroed key) and stay valid until freed here.
unsafe impl<K: BucketKind> TableEnv for KernelEnv<KernelLock<'static, K>> {
    type Lock = KernelLock<'static, K>;
    type Key = KernelKey;
    type Flags = Flags;

    fn alloc_bucket(&self, flags: Flags) -> Option<NonNull<Bucket<Self::Lock, KernelKey>>> {
        let p = alloc(
            MaybeUninit::<Bucket<Self::Lock, KernelKey>>::uninit(),
            flags,
        )?
        .cast();
        let lock = KernelLock::new(ClassRef::of_static(K::key(), K::NAME));
        // SAFETY: fresh memory of the right size and alignment, not yet shared, never moved
        // (the lock is pinned where it is initialised); the lock's init cannot fail.
        unsafe {
            Bucket::init(p.as_ptr());
            match lock.__pinned_init(addr_of_mut!((*p.as_ptr()).lock)) {
                Ok(()) => {}
                Err(never) => match never {},
            }
        }
        Some(p)
    }

    unsafe fn free_bucket(&self, b: NonNull<Bucket<Self::Lock, KernelKey>>) {
        if LEAK_KEYS.load(Ordering::Relaxed) {
            LEAKED.fetch_add(1, Ordering::Relaxed);
            return;
        }
        // SAFETY: from `alloc_bucket`, unreachable now (caller).
        unsafe { free(b) }
    }

    fn alloc_record(
        &self,
        site: Site,
        hash: u64,
        flags: Flags,
    ) -> Option<NonNull<Record<KernelKey>>> {
        alloc(Record::new(site, hash, KernelKey::named(&site)), flags)
    }

    fn register(&self, rec: &Record<KernelKey>) {
        // SAFETY: the key lives in the record, which is freed only after unregistering.
        unsafe { glue::register_key(rec.key.key.get()) }
    }

    unsafe fn free_record(&self, rec: NonNull<Record<KernelKey>>, registered: bool) {
        if registered && LEAK_KEYS.load(Ordering::Relaxed) {
            LEAKED.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if registered {
            // SAFETY: registered by `register`; unreachable now, so no new lock uses it.
            unsafe { glue::unregister_key(rec.as_ref().key.key.get()) }
        }
        // SAFETY: from `alloc_record`, unreachable now (caller).
        unsafe { free(rec) }
    }
}

/// The kernel environment of the shared strategies.
pub(crate) struct Kernel;

impl Env for Kernel {
    type Site = CallSite;
    type Class = Class;
    type Flags = Flags;
    type Key = KernelKey;
    type Sleeping = KernelEnv<KMutex>;
    type Spinning = KernelEnv<KSpinLock>;
    const SLEEPING: Self::Sleeping = KernelEnv(PhantomData);
    const SPINNING: Self::Spinning = KernelEnv(PhantomData);

    #[inline(always)]
    fn location(site: &'static CallSite) -> &'static Location<'static> {
        site.loc
    }

    /// `noop`'s: the `CallSite` (module data, a valid static key) and the site's name.
    #[inline(always)]
    fn site_class(site: &'static CallSite) -> Class {
        Class {
            key: site as *const CallSite as *mut _,
            name: site.name.as_char_ptr(),
        }
    }

    /// The `Location` (module read-only data), named "file:line:column", the tables' name for
    /// the same site.
    #[inline(always)]
    fn location_class(site: &'static CallSite) -> Class {
        Class {
            key: site.loc as *const Location<'static> as *mut _,
            name: site.loc_name.as_char_ptr(),
        }
    }

    #[inline(always)]
    fn macro_class(site: &'static CallSite) -> Class {
        // `LockClassKey` is `repr(transparent)` over the C key.
        Class {
            key: site.key as *const LockClassKey as *mut _,
            name: site.name.as_char_ptr(),
        }
    }

    #[inline(always)]
    fn key_class(key: &KernelKey) -> Class {
        key.class()
    }

    fn new_key(site: &'static CallSite, flags: Flags) -> Option<NonNull<KernelKey>> {
        let k = alloc(KernelKey::named(&Site::of(site.loc)), flags)?;
        // SAFETY: allocated, named, not static, not registered; unregistered in `drop_key`
        // before it is freed.
        unsafe { glue::register_key((*k.as_ptr()).key.get()) };
        Some(k)
    }

    unsafe fn drop_key(key: NonNull<KernelKey>) {
        // SAFETY: registered by `new_key`; no lock uses it any more (caller).
        unsafe { glue::unregister_key((*key.as_ptr()).key.get()) };
        // SAFETY: from `alloc` in `new_key`, not used afterwards (caller).
        unsafe { free(key) }
    }
}

/// The class a token holds, valid as long as the token is borrowed.
pub(crate) fn class_ref<'c>(held: &'c Held<'_, Kernel>) -> ClassRef<'c> {
    // SAFETY: every class a strategy gives is a static key or a registered one, named by a
    // NUL-terminated string that lives as long as the key; it stays so until the token is
    // dropped (per-object keys) or the strategy reset, which needs no token alive.
    unsafe { ClassRef::new(held.class()) }
}

/// ns that one `lockdep_unregister_key()` of a registered, never used key takes now: what the
/// plan's cost model charges per unregistration (mostly its RCU grace period). 0 without
/// lockdep. Sleeps.
pub(crate) fn time_unregister_ns() -> Result<u64> {
    if !cfg!(CONFIG_LOCKDEP) {
        return Ok(0);
    }
    let key = KBox::new(KernelKey::UNNAMED, GFP_KERNEL)?;
    // SAFETY: a heap key, not static, not registered; unregistered below before it is freed.
    unsafe { glue::register_key(key.key.get()) };
    let t0 = glue::now_ns();
    // SAFETY: registered above; no lock ever used it.
    unsafe { glue::unregister_key(key.key.get()) };
    Ok(glue::now_ns() - t0)
}
