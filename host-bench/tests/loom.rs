//! Model checks of the shared tables with the host's spinlock, every interleaving up to a
//! preemption bound. Run with `RUSTFLAGS="--cfg loom" cargo test -p host-bench --release --test loom`.
#![cfg(loom)]

use core::panic::Location;
use host_bench::call_sites::CALL_SITES;
use host_bench::env::HostEnv;
use host_bench::locks::SpinLock;
use lockclass_core::cached::CachedTable;
use lockclass_core::site::Site;
use lockclass_core::table::Table;
use loom::model::Builder;
use loom::sync::Arc;
use loom::thread;

/// Buckets of the model tables: two, so that two sites can share one.
const N: usize = 2;
/// Slots of the model address cache.
const C: usize = 4;
/// Preemptions per execution, unless `LOOM_MAX_PREEMPTIONS` says otherwise. The models below
/// are small enough that this bound explores them as fully as no bound does (in about a
/// second); it keeps a larger model added later from running for hours.
const PREEMPTIONS: usize = 5;

type SpinTable = Table<HostEnv<SpinLock>, N>;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = Builder::new();
    b.preemption_bound.get_or_insert(PREEMPTIONS);
    b.check(f);
}

fn site(i: usize) -> &'static Location<'static> {
    CALL_SITES[i].loc
}

/// Two call sites whose hashes pick the same bucket of an `N`-bucket table.
fn colliding_sites() -> (&'static Location<'static>, &'static Location<'static>) {
    let bucket = |loc| Site::of(loc).hash() as usize & (N - 1);
    let a = site(0);
    let b = CALL_SITES[1..]
        .iter()
        .map(|s| s.loc)
        .find(|&l| bucket(l) == bucket(a))
        .expect("N buckets, more than N sites");
    (a, b)
}

/// Two threads look up one fresh site, with `lookup_locked` or `lookup_lockfree` each; both
/// must get the one record, and only one record may exist.
fn one_site_two_threads(first_lockfree: bool, second_lockfree: bool) {
    model(move || {
        let t = Arc::new(SpinTable::new(HostEnv::new()));
        let loc = site(0);
        let lookup = move |t: &SpinTable, lockfree: bool| {
            let r = if lockfree {
                t.lookup_lockfree(loc)
            } else {
                t.lookup_locked(loc)
            };
            let r = r.expect("allocation");
            assert_eq!(r.site, Site::of(loc));
            r as *const _ as usize
        };
        let t2 = t.clone();
        let other = thread::spawn(move || lookup(&t2, second_lockfree));
        let mine = lookup(&t, first_lockfree);
        assert_eq!(mine, other.join().unwrap());
        let stats = t.stats();
        assert_eq!(stats.records, 1);
        assert_eq!(stats.buckets, 1);
        assert!(stats.lost_races <= 1);
    });
}

#[test]
fn locked_insert_race() {
    one_site_two_threads(false, false);
}

#[test]
fn lockfree_insert_race() {
    one_site_two_threads(true, true);
}

#[test]
fn lockfree_reader_against_locked_inserter() {
    one_site_two_threads(false, true);
}

#[test]
fn two_sites_one_bucket() {
    model(|| {
        let (a, b) = colliding_sites();
        let t = Arc::new(SpinTable::new(HostEnv::new()));
        let t2 = t.clone();
        let other = thread::spawn(move || {
            let r = t2.lookup_lockfree(b).expect("allocation");
            assert_eq!(r.site, Site::of(b));
            r as *const _ as usize
        });
        let ra = t.lookup_locked(a).expect("allocation") as *const _ as usize;
        let rb = other.join().unwrap();
        assert_ne!(ra, rb);
        // Both are in the chain now, whoever inserted first.
        assert_eq!(t.lookup_lockfree(a).unwrap() as *const _ as usize, ra);
        assert_eq!(t.lookup_locked(b).unwrap() as *const _ as usize, rb);
        let stats = t.stats();
        assert_eq!((stats.records, stats.buckets, stats.lost_races), (2, 1, 0));
    });
}

#[test]
fn cached_two_locations_one_class() {
    model(|| {
        struct Local;
        let there = lockclass_other_crate::site_instantiated_here();
        let here = lockclass_other_crate::site_in_generic::<Local>();
        assert_ne!(there as *const _, here as *const _);
        let t = Arc::new(CachedTable::<HostEnv<SpinLock>, N, C>::new(HostEnv::new()));
        let t2 = t.clone();
        let other =
            thread::spawn(move || t2.lookup(here).expect("allocation") as *const _ as usize);
        let mine = t.lookup(there).expect("allocation") as *const _ as usize;
        assert_eq!(mine, other.join().unwrap());
        assert_eq!(t.stats().records, 1);
        // Both addresses now lead to the one class, from the cache or the table.
        assert_eq!(t.lookup(here).unwrap() as *const _ as usize, mine);
        assert_eq!(t.lookup(there).unwrap() as *const _ as usize, mine);
    });
}

#[test]
fn cached_one_location_two_threads() {
    model(|| {
        let loc = site(0);
        let t = Arc::new(CachedTable::<HostEnv<SpinLock>, N, C>::new(HostEnv::new()));
        let t2 = t.clone();
        let other = thread::spawn(move || t2.lookup(loc).expect("allocation") as *const _ as usize);
        let mine = t.lookup(loc).expect("allocation") as *const _ as usize;
        assert_eq!(mine, other.join().unwrap());
        assert_eq!(t.stats().records, 1);
        assert_eq!(t.lookup(loc).unwrap() as *const _ as usize, mine);
    });
}
