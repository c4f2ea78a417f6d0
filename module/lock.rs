// SPDX-License-Identifier: GPL-2.0

//! The module's one kernel lock type, [`KernelLock`]: a `struct mutex` or `spinlock_t` that
//! takes any lockdep class (a static key, a table's registered key, a pool slot, a
//! `Location`), built in place (`pin_init`, or a [`LockSlot`] reused) and never moved. The timed loops, the key-cost rows,
//! the precision scenarios (in both modules: the peer mounts this file too) and the tables'
//! bucket locks all use it; no other file calls `__mutex_init`, `mutex_lock` or `mutex_unlock`.
//!
//! Why not the `kernel` crate's `Mutex`/`SpinLock`: in 6.12 they take only a
//! `&'static LockClassKey`, which a registered or pooled key is not; and their backends'
//! `lock`/`unlock` are not `#[inline]`, so calling them added 5 instructions to every locked
//! lookup (icount), which would move the figures this benchmark compares. The few lines below
//! are those backends' calls, inlined (docs/design.md, "The module's lock").

use core::marker::PhantomData;
use core::pin::Pin;
use kernel::bindings;
use kernel::ffi::c_char;
use kernel::init::PinInit;
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::LockClassKey;
use kernel::types::Opaque;

/// A lock class as lockdep's C side takes it: key and name. Plain data: what makes it safe to
/// initialise a lock with is a [`ClassRef`]. `repr(C)`: it crosses from this module to the peer.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Class {
    pub(crate) key: *mut bindings::lock_class_key,
    pub(crate) name: *const c_char,
}

/// A [`Class`] that stays valid for `'c`: its key is static or registered, and its name a
/// NUL-terminated string, for at least that long.
#[derive(Clone, Copy)]
pub(crate) struct ClassRef<'c> {
    class: Class,
    _valid: PhantomData<&'c ()>,
}

impl<'c> ClassRef<'c> {
    /// # Safety
    ///
    /// `class.key` is a static key or one registered with lockdep until `'c` ends, and
    /// `class.name` a NUL-terminated string that lives as long as the key.
    pub(crate) unsafe fn new(class: Class) -> Self {
        Self {
            class,
            _valid: PhantomData,
        }
    }

    /// The key and name.
    pub(crate) fn class(&self) -> Class {
        self.class
    }
}

impl ClassRef<'static> {
    /// A static key and a static name: valid for ever.
    pub(crate) fn of_static(key: &'static LockClassKey, name: &'static CStr) -> Self {
        // `LockClassKey` is `repr(transparent)` over the C key; lockdep writes to a static key
        // only under its own locks (what `Opaque` inside `LockClassKey` allows).
        let key = key as *const LockClassKey as *mut bindings::lock_class_key;
        // SAFETY: static key, static NUL-terminated name.
        unsafe {
            Self::new(Class {
                key,
                name: name.as_char_ptr(),
            })
        }
    }
}

/// A kind of kernel lock: its C state and the calls that initialise, take and release it.
pub(crate) trait LockKind: 'static {
    /// The C lock.
    type State;
    /// Initialises the lock at `p` with `class` (`__mutex_init`, `__spin_lock_init`).
    ///
    /// # Safety
    ///
    /// `p` is valid for writes and not shared; `class` is valid while the lock is used.
    unsafe fn init(p: *mut Self::State, class: Class);
    /// # Safety
    ///
    /// `p` was initialised by `init`.
    unsafe fn lock(p: *mut Self::State);
    /// # Safety
    ///
    /// The caller holds the lock at `p`.
    unsafe fn unlock(p: *mut Self::State);
}

/// `struct mutex`.
pub(crate) struct MutexKind;

impl LockKind for MutexKind {
    type State = bindings::mutex;
    #[inline(always)]
    unsafe fn init(p: *mut bindings::mutex, class: Class) {
        // SAFETY: forwarded from the caller.
        unsafe { bindings::__mutex_init(p, class.name, class.key) }
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

/// `spinlock_t`.
pub(crate) struct SpinLockKind;

impl LockKind for SpinLockKind {
    type State = bindings::spinlock_t;
    #[inline(always)]
    unsafe fn init(p: *mut bindings::spinlock_t, class: Class) {
        // SAFETY: forwarded from the caller (what `SpinLockBackend::init` does).
        unsafe { bindings::__spin_lock_init(p, class.name, class.key) }
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

/// A kernel lock of kind `K` whose class is valid for `'c`. Pinned: the C lock must not move
/// once initialised (lockdep and the wait list hold its address). `repr(transparent)`: a
/// [`LockSlot`] holds one in place.
#[pin_data]
#[repr(transparent)]
pub(crate) struct KernelLock<'c, K: LockKind> {
    #[pin]
    state: Opaque<K::State>,
    _class: PhantomData<(ClassRef<'c>, K)>,
}

/// A mutex with any class.
pub(crate) type ClassMutex<'c> = KernelLock<'c, MutexKind>;

// SAFETY: kernel mutexes and spinlocks are meant to be shared between threads; the class
// pointers are only handed to lockdep.
unsafe impl<K: LockKind> Sync for KernelLock<'_, K> {}
// SAFETY: as above; a lock is not tied to the thread that made it.
unsafe impl<K: LockKind> Send for KernelLock<'_, K> {}

impl<'c, K: LockKind> KernelLock<'c, K> {
    /// An unlocked lock of `class`.
    #[inline(always)]
    pub(crate) fn new(class: ClassRef<'c>) -> impl PinInit<Self> + 'c {
        pin_init!(Self {
            // SAFETY: `slot` is the lock's final, pinned place, not yet shared; the class is
            // valid for `'c`, which the lock cannot outlive.
            state <- Opaque::ffi_init(move |slot| unsafe { K::init(slot, class.class()) }),
            _class: PhantomData,
        })
    }

    /// Takes the lock.
    #[inline(always)]
    pub(crate) fn lock(&self) {
        // SAFETY: initialised by `new` (a `KernelLock` exists only once initialised).
        unsafe { K::lock(self.state.get()) }
    }

    /// Releases the lock.
    ///
    /// # Safety
    ///
    /// The caller holds it (took it with `lock` and has not released it since).
    #[inline(always)]
    pub(crate) unsafe fn unlock(&self) {
        // SAFETY: held (caller).
        unsafe { K::unlock(self.state.get()) }
    }

    /// Runs `f` with the lock held.
    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        self.lock();
        let r = f();
        // SAFETY: taken above by this thread.
        unsafe { self.unlock() };
        r
    }
}

/// Room for one lock of kind `K`, pinned once and reused: each [`LockSlot::init`] makes a new
/// lock there, of a class borrowed as long as that lock is, as a lock constructor called in a
/// loop would make one after another. The timed `init`/`acquire` loops and the key-cost rows
/// use one per batch: a lock per operation without building (and, in the code rustc emits,
/// clearing) a new pinned place each time.
#[repr(transparent)]
pub(crate) struct LockSlot<K: LockKind>(Opaque<K::State>);

impl<K: LockKind> LockSlot<K> {
    /// An empty slot.
    pub(crate) fn new() -> Self {
        Self(Opaque::uninit())
    }

    /// A new, unlocked lock of `class` in this slot. The lock made there before is gone: its
    /// borrow of the slot, and so of its class, has ended.
    #[inline(always)]
    pub(crate) fn init<'a>(self: Pin<&'a mut Self>, class: ClassRef<'a>) -> &'a KernelLock<'a, K> {
        let p = self.0.get();
        // SAFETY: the slot is pinned and borrowed mutably (no lock made here before is in use);
        // the class is valid for `'a`, as long as the lock returned.
        unsafe { K::init(p, class.class()) };
        // SAFETY: `KernelLock` is `repr(transparent)` over the same `Opaque<K::State>`, now
        // initialised; it is borrowed for `'a` and never moved.
        unsafe { &*p.cast::<KernelLock<'a, K>>() }
    }
}

/// What holds a lock's class and gives it back when dropped (a strategy's token, or the
/// peer module's lent class).
///
/// # Safety
///
/// `class()` is the same class for the value's whole life, valid (as [`ClassRef::new`]
/// requires) until the value is dropped, wherever it moves meanwhile.
pub(crate) unsafe trait HoldsClass {
    /// The class held.
    fn class(&self) -> Class;
}

/// A mutex together with what holds its class: the class is given back only after the mutex
/// is gone (fields drop in order), however the two are dropped.
#[pin_data]
pub(crate) struct HeldMutex<G: HoldsClass> {
    #[pin]
    mutex: ClassMutex<'static>,
    held: G,
}

impl<G: HoldsClass> HeldMutex<G> {
    /// An unlocked mutex of the class `held` holds. If the caller's allocation fails, the
    /// initialiser is dropped, and `held` gives its class back.
    pub(crate) fn new(held: G) -> impl PinInit<Self> {
        // SAFETY: valid while `held` lives (`HoldsClass`); the mutex lives beside `held` and is
        // dropped before it, so `'static` here never outlasts the class.
        let class = unsafe { ClassRef::new(held.class()) };
        pin_init!(Self {
            mutex <- ClassMutex::new(class),
            held,
        })
    }

    /// The mutex.
    pub(crate) fn mutex(&self) -> &ClassMutex<'static> {
        &self.mutex
    }
}

/// `first`, then `second` nested inside it: the one lock-taking path every precision scenario
/// uses, so that "A then B" and "B then A" are the same code run on different arguments.
pub(crate) fn nest(first: &ClassMutex<'_>, second: &ClassMutex<'_>) {
    first.with(|| second.with(|| ()));
}
