// SPDX-License-Identifier: GPL-2.0

//! The key pool's models: one site looked up from two threads, two sites racing for one pool
//! slot, and a full pool sending a site to the content table.

use super::{model, name_of, site, C, N};
use core::panic::Location;
use host_bench::call_sites::CALL_SITES;
use host_bench::env::HostEnv;
use host_bench::locks::SpinLock;
use host_bench::registry;
use lockclass_core::pooled::PooledTable;
use lockclass_core::site::Site;
use loom::sync::Arc;
use loom::thread;

/// A pooled table of `P` pool slots and `B` buckets (the cache has `C` slots).
type Pooled<const P: usize, const B: usize> = PooledTable<HostEnv<SpinLock>, P, B, C>;

/// The key `t` gives `loc`, its name checked: whoever reaches a key, by the cache, by a
/// lock-free find or by its own claim, must see the name its claimer wrote (under loom, a read
/// of the name not ordered after that write is a causality violation).
fn pooled_key<const P: usize, const B: usize>(
    t: &Pooled<P, B>,
    loc: &'static Location<'static>,
) -> usize {
    let k = t.lookup(loc, ()).expect("allocation");
    assert_eq!(k.name(), name_of(loc));
    k.addr()
}

/// Two threads look up one fresh site in a pooled table: both get the one key, which is a pool
/// slot, and a thread that finds the slot claimed by the other without taking the lock sees
/// its name.
pub(super) fn pool_one_site_two_threads() {
    model(|| {
        let loc = site(0);
        let t = Arc::new(Pooled::<4, N>::new(HostEnv::new()));
        let t2 = t.clone();
        let other = thread::spawn(move || pooled_key(&t2, loc));
        let mine = pooled_key(&t, loc);
        assert_eq!(mine, other.join().unwrap());
        let s = Site::of(loc);
        let found = t.pool().find(&s, s.hash()).expect("claimed").addr();
        assert_eq!(found, mine);
        assert_eq!((t.pool().used(), t.pool().full()), (1, 0));
        assert_eq!((t.stats().records, t.table().stats().records), (1, 0));
    });
}

/// Pool slots of the two-site model, and its buckets: two sites with one home slot in the
/// pool hash to two buckets, so their claims hold different locks and race for the slot.
const RACE_SLOTS: usize = 2;
const RACE_BUCKETS: usize = 4;

/// Two call sites with the same home slot in a `RACE_SLOTS` pool and different buckets of a
/// `RACE_BUCKETS` table.
fn sites_racing_for_a_slot() -> (&'static Location<'static>, &'static Location<'static>) {
    let hash = |loc| Site::of(loc).hash() as usize;
    let a = site(0);
    let b = CALL_SITES[1..]
        .iter()
        .map(|s| s.loc)
        .find(|&l| {
            (hash(l) ^ hash(a)) & (RACE_SLOTS - 1) == 0
                && (hash(l) ^ hash(a)) & (RACE_BUCKETS - 1) != 0
        })
        .expect("a site with the same home slot in another bucket");
    (a, b)
}

/// Two threads look up two fresh sites whose claims race for one slot (the same home slot,
/// different bucket locks): the compare-exchange gives it to one, the other probes on. Each
/// site gets its own key, and each thread then finds the other site without a lock: if it is
/// claimed already, its name is visible.
pub(super) fn pool_two_sites_one_slot() {
    model(|| {
        let (a, b) = sites_racing_for_a_slot();
        let t = Arc::new(Pooled::<RACE_SLOTS, RACE_BUCKETS>::new(HostEnv::new()));
        let claim_then_find = |t: &Pooled<RACE_SLOTS, RACE_BUCKETS>, mine, theirs| {
            let k = pooled_key(t, mine);
            let s = Site::of(theirs);
            if let Some(o) = t.pool().find(&s, s.hash()) {
                assert_eq!(o.name(), name_of(theirs));
                assert_ne!(o.addr(), k);
            }
            k
        };
        let t2 = t.clone();
        let other = thread::spawn(move || claim_then_find(&t2, b, a));
        let ka = claim_then_find(&t, a, b);
        let kb = other.join().unwrap();
        assert_ne!(ka, kb);
        assert_eq!((t.pool().used(), t.pool().full()), (2, 0));
        assert_eq!((t.stats().records, t.table().stats().records), (2, 0));
        // Both keys stay their sites', from the cache or the pool.
        assert_eq!((pooled_key(&t, a), pooled_key(&t, b)), (ka, kb));
    });
}

/// A one-slot pool, taken: two threads look up a fresh site, which goes to the overflow table
/// (one record, one registered key for both).
pub(super) fn pool_full_overflow() {
    model(|| {
        let (taken, loc) = (site(1), site(0));
        let t = Arc::new(Pooled::<1, N>::new(HostEnv::new()));
        let first = pooled_key(&t, taken);
        let t2 = t.clone();
        let other = thread::spawn(move || pooled_key(&t2, loc));
        let mine = pooled_key(&t, loc);
        assert_eq!(mine, other.join().unwrap());
        assert_ne!(mine, first);
        assert_eq!(t.pool().used(), 1);
        assert!(t.pool().full() >= 1);
        assert_eq!((t.stats().records, t.table().stats().records), (2, 1));
        assert!(registry::is_registered(mine) && !registry::is_registered(first));
    });
}
