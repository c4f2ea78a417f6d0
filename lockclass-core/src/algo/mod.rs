//! Tables that map a caller's [`core::panic::Location`] to a lock class.
//!
//! [`table::Table`] is the RFC's content-keyed hash table (1024 buckets, each a lock around a
//! chain of records); it serves the `mutex`, `spinlock` (locked lookups) and `rcu` (lock-free
//! lookups) strategies. [`addr_cache::AddrCache`] keys by the `Location`'s address and sits in
//! front of the table in [`cached::CachedTable`], the `cached` strategy.

pub mod addr_cache;
pub mod cached;
pub mod siphash;
pub mod site;
pub mod table;

/// The atomics the tables use: `core`'s, or `loom`'s when model-checking (`--cfg loom`).
pub mod atomic {
    #[cfg(not(loom))]
    pub use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
    #[cfg(loom)]
    pub use loom::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
}

/// An allocation the table needed failed; the caller falls back (the RFC uses the `Location`
/// address as a static key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocError;
