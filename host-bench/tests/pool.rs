// SPDX-License-Identifier: GPL-2.0

//! The `pool` strategy's own semantics: claims outlive `reset`, a full pool sends further sites
//! to the overflow table (still one class each), keys are named `file:line:column`, and a
//! fresh strategy is built without a stack-sized detour.
#![cfg(not(loom))]

use host_bench::call_sites::{CALL_SITES, COMPILED_SITES};
use host_bench::env::HostEnv;
use host_bench::key::{NamedKey, NAME_LEN};
use host_bench::locks::SpinLock;
use host_bench::registry;
use host_bench::strategy::{HostStrategy, StaticKeyPool, Strategy, POOL_SLOT_BYTES};
use lockclass_core::pool::POOL_SLOTS;
use lockclass_core::pooled::PooledTable;
use lockclass_core::site::Site;
use std::collections::HashSet;

/// A pooled table whose pool holds only `SMALL` keys.
const SMALL: usize = 4;
type SmallPool = PooledTable<HostEnv<SpinLock>, SMALL>;

/// Sites looked up in the small pool: several times its size.
const SITES: usize = 4 * SMALL;

fn key_of<const P: usize>(t: &PooledTable<HostEnv<SpinLock>, P>, i: usize) -> &NamedKey {
    t.lookup(CALL_SITES[i].loc, ()).expect("allocation")
}

/// The key is named after site `i`: `file:line:column`, its front cut if it does not fit (as
/// lockdep keeps names, in `NAME_LEN` bytes with the NUL).
fn assert_named(k: &NamedKey, i: usize) {
    let s = Site::of(CALL_SITES[i].loc);
    let full = format!("{}:{}:{}", s.file, s.line, s.column);
    let name = k.name();
    assert!(full.ends_with(name), "{name} is not the end of {full}");
    assert!(name.ends_with(&format!(":{}:{}", s.line, s.column)));
    assert!(name.len() == full.len() || name.len() == NAME_LEN - 1);
}

#[test]
fn every_site_gets_a_named_unregistered_pool_key() {
    let s = StaticKeyPool::new();
    let t = s.table();
    for (i, site) in CALL_SITES.iter().enumerate() {
        let k = key_of(t, i);
        assert_eq!(s.class(site, ()).class(), k.addr());
        assert_named(k, i);
        // A pool key is static memory: lockdep takes it unregistered.
        assert!(!registry::is_registered(k.addr()), "site {i}");
        let site = Site::of(site.loc);
        let found = t.pool().find(&site, site.hash()).expect("claimed");
        assert_eq!(found.addr(), k.addr());
    }
    // Every compiled site fits in the pool: nothing overflowed.
    assert_eq!((t.pool().used(), t.pool().full()), (COMPILED_SITES, 0));
    assert_eq!(t.table().stats().records, 0);
    let m = s.memory(COMPILED_SITES);
    assert_eq!(
        (m.classes, m.record_bytes),
        (COMPILED_SITES, POOL_SLOT_BYTES)
    );
    // The whole pool counts as table bytes.
    assert!(m.table_bytes >= t.pool().bytes());
    assert!(t.pool().bytes() >= POOL_SLOTS * POOL_SLOT_BYTES);
    assert!(POOL_SLOT_BYTES > core::mem::size_of::<NamedKey>());
}

#[test]
fn claims_survive_reset() {
    let s = StaticKeyPool::new();
    let t = s.table();
    let before: Vec<usize> = CALL_SITES
        .iter()
        .map(|site| s.class(site, ()).class())
        .collect();
    // SAFETY: no lookup runs concurrently, and no key reference is held across the reset.
    unsafe { t.reset() };
    // The pool still holds every claim; the cache is empty, so each site takes the slow path
    // once more and finds its old slot rather than claiming another.
    assert_eq!(t.pool().used(), COMPILED_SITES);
    assert_eq!(t.stats().records, COMPILED_SITES);
    let after: Vec<usize> = CALL_SITES
        .iter()
        .map(|site| s.class(site, ()).class())
        .collect();
    assert_eq!(after, before);
    assert_eq!((t.pool().used(), t.pool().full()), (COMPILED_SITES, 0));
    // Found by the pool's lock-free find: no bucket (whose lock a claim takes) was needed.
    assert_eq!(t.table().stats().buckets, 0);
    for i in 0..COMPILED_SITES {
        assert_named(key_of(t, i), i);
    }
}

#[test]
fn a_full_pool_sends_further_sites_to_the_overflow_table() {
    let t = SmallPool::new(HostEnv::new());
    let first: Vec<usize> = (0..SITES).map(|i| key_of(&t, i).addr()).collect();
    // One class per site, every time; different sites, different classes.
    let distinct: HashSet<_> = first.iter().collect();
    assert_eq!(distinct.len(), SITES);
    for _ in 0..2 {
        let again: Vec<usize> = (0..SITES).map(|i| key_of(&t, i).addr()).collect();
        assert_eq!(again, first);
    }
    // `SMALL` sites hold the pool's slots, the others an overflow record each.
    assert_eq!(t.pool().used(), SMALL);
    assert_eq!(
        t.pool().full(),
        SITES - SMALL,
        "one full claim per overflowing site"
    );
    assert_eq!(t.table().stats().records, SITES - SMALL);
    assert_eq!(t.stats().records, SITES);
    let in_pool: Vec<usize> = (0..SITES)
        .filter(|&i| {
            let s = Site::of(CALL_SITES[i].loc);
            t.pool().find(&s, s.hash()).map(NamedKey::addr) == Some(first[i])
        })
        .collect();
    assert_eq!(in_pool.len(), SMALL);
    for (i, &k) in first.iter().enumerate() {
        assert_named(key_of(&t, i), i);
        // Overflow keys are registered, as `cached`'s are; pool keys are not.
        assert_eq!(
            registry::is_registered(k),
            !in_pool.contains(&i),
            "site {i}"
        );
    }

    // A reset keeps the pool's sites' keys and frees the overflow records; the overflowing
    // sites get new records, still one each.
    // SAFETY: no lookup runs concurrently, and no key reference is held across the reset.
    unsafe { t.reset() };
    assert_eq!(t.table().stats().records, 0);
    let after: Vec<usize> = (0..SITES).map(|i| key_of(&t, i).addr()).collect();
    for &i in &in_pool {
        assert_eq!(
            after[i], first[i],
            "site {i}: pool key changed over a reset"
        );
    }
    assert_eq!(after.iter().collect::<HashSet<_>>().len(), SITES);
    assert_eq!(t.pool().used(), SMALL);
    assert_eq!(t.table().stats().records, SITES - SMALL);
    assert_eq!(t.stats().records, SITES);
}

#[test]
fn two_locations_of_one_site_share_an_overflow_record_in_a_full_pool() {
    struct Local;
    let there = lockclass_other_crate::site_instantiated_here();
    let here = lockclass_other_crate::site_in_generic::<Local>();
    assert_ne!(there as *const _, here as *const _);
    let t = SmallPool::new(HostEnv::new());
    for i in 0..SMALL {
        key_of(&t, i);
    }
    assert_eq!(t.pool().used(), SMALL);
    let a = t.lookup(there, ()).expect("allocation").addr();
    let b = t.lookup(here, ()).expect("allocation").addr();
    assert_eq!(a, b);
    assert_eq!(t.table().stats().records, 1);
    assert!(registry::is_registered(a));
}

/// `new` builds the ~280 KiB strategy in its caller's place: a thread with little more stack
/// than the strategy itself can create one (in debug builds too).
#[test]
fn new_needs_no_stack_beyond_the_strategy() {
    let stack = core::mem::size_of::<StaticKeyPool>() + 64 * 1024;
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(|| {
            let s = StaticKeyPool::new();
            std::hint::black_box(&s);
        })
        .unwrap()
        .join()
        .unwrap();
}
