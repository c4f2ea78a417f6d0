//! The host's lock-class key: what lockdep sees is only its address.

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
