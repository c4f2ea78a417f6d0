// SPDX-License-Identifier: GPL-2.0

//! The host's lock-class keys: what lockdep sees of a class is only the key's address.

use lockclass_core::pool::PoolKey;
use lockclass_core::site::Site;

/// Stands in for the kernel's `struct lock_class_key`: the `hlist_node` (next, pprev) through
/// which lockdep links a registered key into its key hash. The host registry keeps addresses
/// in a set of its own and never writes here; the fields give the key the kernel's size and a
/// distinct address.
#[derive(Debug)]
pub struct LockClassKey {
    _hash_entry: [usize; 2],
}

impl LockClassKey {
    /// A key, not yet registered.
    pub const fn new() -> Self {
        Self {
            _hash_entry: [0; 2],
        }
    }

    /// The key's address, which is what identifies a class.
    #[inline(always)]
    pub fn addr(&self) -> usize {
        self as *const Self as usize
    }
}

impl Default for LockClassKey {
    fn default() -> Self {
        Self::new()
    }
}

/// The per-site `static` key of the `macro` strategy (`static_lock_class!()` upstream).
pub type MacroKey = LockClassKey;

// Zero-sized statics may share an address; keys must not.
const _: () = assert!(core::mem::size_of::<MacroKey>() != 0);

/// Bytes of a class name, NUL included: the kernel module's `KernelKey` keeps as many.
pub const NAME_LEN: usize = 64;

/// What a runtime-created class carries, as the module's `KernelKey`: the key and the class
/// name (`file:line:column`, NUL-terminated, as lockdep keeps names). `repr(C)` with the key
/// first, so that a record's key sits at the record's own address (see `Record`).
#[derive(Debug)]
#[repr(C)]
pub struct NamedKey {
    /// The key lockdep registers.
    pub key: LockClassKey,
    name: [u8; NAME_LEN],
    /// Model checks only: created with the name (or, for a pool key, written through
    /// `with_mut` when the key is named) and read by [`NamedKey::name`], so that loom reports a
    /// reader that reaches the key without being ordered after its naming (the name itself is
    /// plain memory, which loom does not track).
    #[cfg(loom)]
    written: loom::sync::atomic::AtomicUsize,
}

impl NamedKey {
    /// An unregistered key named after `site`.
    #[inline]
    pub fn new(site: &Site) -> Self {
        let mut name = [0u8; NAME_LEN];
        site.write_name(&mut name);
        Self {
            key: LockClassKey::new(),
            name,
            #[cfg(loom)]
            written: loom::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The key's address.
    #[inline(always)]
    pub fn addr(&self) -> usize {
        self.key.addr()
    }

    /// The class name.
    pub fn name(&self) -> &str {
        #[cfg(loom)]
        self.written.load(loom::sync::atomic::Ordering::Relaxed);
        let len = self.name.iter().position(|&b| b == 0).unwrap_or(NAME_LEN);
        core::str::from_utf8(&self.name[..len]).unwrap_or("?")
    }
}

/// The `pool` strategy's keys: a pool of unnamed keys, each named in place when a site claims
/// it, as the module's `KernelKey`s in its `static` pool are. Pool keys are never registered
/// (lockdep takes a key in static memory as it is).
impl PoolKey for NamedKey {
    #[cfg(not(loom))]
    const UNNAMED: Self = Self {
        key: LockClassKey::new(),
        name: [0; NAME_LEN],
    };

    #[cfg(loom)]
    fn unnamed() -> Self {
        Self {
            key: LockClassKey::new(),
            name: [0; NAME_LEN],
            written: loom::sync::atomic::AtomicUsize::new(0),
        }
    }

    unsafe fn name(p: *mut Self, site: &Site) {
        // SAFETY: `p` is valid for writes and nobody else accesses the key meanwhile (caller);
        // `name` is plain bytes.
        let key = unsafe { &mut *p };
        site.write_name(&mut key.name);
        // The pool made the key long before it is named: here is when its name is written, so
        // a reader that is not ordered after the claimer's publication is reported by loom
        // (its `name()` loads `written` concurrently with this non-atomic write).
        #[cfg(loom)]
        key.written.with_mut(|w| *w = 1);
    }
}
