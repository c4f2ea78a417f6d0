// SPDX-License-Identifier: GPL-2.0

//! Model checks of the shared tables (content table, address cache, key pool) with the host's
//! spinlock, every interleaving up to a preemption bound. Run with
//! `RUSTFLAGS="--cfg loom" cargo test -p host-bench --release --test loom`.
//!
//! `weakened_orderings_are_caught` shows the models are strong enough: each Release or Acquire
//! the tables rely on ([`SyncPoint`]) is weakened to Relaxed in turn, and the model named for
//! it must then fail (a loom causality violation, a record seen before its contents, or a
//! second record for one site).
#![cfg(loom)]

use core::panic::Location;
use host_bench::call_sites::CALL_SITES;
use host_bench::env::HostEnv;
use host_bench::env::HostRecord;
use host_bench::key::NamedKey;
use host_bench::locks::SpinLock;
use lockclass_core::atomic::{weaken, SyncPoint};
use lockclass_core::cached::CachedTable;
use lockclass_core::site::{addr_hash, Site};
use lockclass_core::table::{Bucket, Record, Table, TableEnv};
use loom::model::Builder;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;

// The key pool's models (`pool` strategy).
#[path = "loom/pool.rs"]
mod pool;
use self::pool::{pool_full_overflow, pool_one_site_two_threads, pool_two_sites_one_slot};

// The patch series' address cache (`tracked`'s, in the `kernel` crate).
#[path = "loom/seq_cache.rs"]
mod seq_cache;
use self::seq_cache::{seq_forget_against_writer, seq_reader_against_writer, seq_two_writers};

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

/// The class name a record for `loc` carries.
fn name_of(loc: &'static Location<'static>) -> String {
    NamedKey::new(&Site::of(loc)).name().to_owned()
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
                t.lookup_lockfree(loc, ())
            } else {
                t.lookup_locked(loc, ())
            };
            let r = r.expect("allocation");
            assert_eq!(r.site, Site::of(loc));
            assert_eq!(r.key.name(), name_of(loc));
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

fn locked_insert_race() {
    one_site_two_threads(false, false);
}

fn lockfree_insert_race() {
    one_site_two_threads(true, true);
}

fn lockfree_reader_against_locked_inserter() {
    one_site_two_threads(false, true);
}

fn two_sites_one_bucket() {
    model(|| {
        let (a, b) = colliding_sites();
        let t = Arc::new(SpinTable::new(HostEnv::new()));
        let t2 = t.clone();
        let other = thread::spawn(move || {
            let r = t2.lookup_lockfree(b, ()).expect("allocation");
            assert_eq!(r.site, Site::of(b));
            assert_eq!(r.key.name(), name_of(b));
            r as *const _ as usize
        });
        let ra = t.lookup_locked(a, ()).expect("allocation") as *const _ as usize;
        let rb = other.join().unwrap();
        assert_ne!(ra, rb);
        // Both are in the chain now, whoever inserted first.
        assert_eq!(t.lookup_lockfree(a, ()).unwrap() as *const _ as usize, ra);
        assert_eq!(t.lookup_locked(b, ()).unwrap() as *const _ as usize, rb);
        let stats = t.stats();
        assert_eq!((stats.records, stats.buckets, stats.lost_races), (2, 1, 0));
    });
}

fn cached_two_locations_one_class() {
    model(|| {
        struct Local;
        let there = lockclass_other_crate::site_instantiated_here();
        let here = lockclass_other_crate::site_in_generic::<Local>();
        assert_ne!(there as *const _, here as *const _);
        let t = Arc::new(CachedTable::<HostEnv<SpinLock>, N, C>::new(HostEnv::new()));
        let t2 = t.clone();
        let other =
            thread::spawn(move || t2.lookup(here, ()).expect("allocation") as *const _ as usize);
        let mine = t.lookup(there, ()).expect("allocation") as *const _ as usize;
        assert_eq!(mine, other.join().unwrap());
        assert_eq!(t.stats().records, 1);
        // Both addresses now lead to the one class, from the cache or the table.
        assert_eq!(t.lookup(here, ()).unwrap() as *const _ as usize, mine);
        assert_eq!(t.lookup(there, ()).unwrap() as *const _ as usize, mine);
    });
}

fn cached_one_location_two_threads() {
    model(|| {
        let loc = site(0);
        let t = Arc::new(CachedTable::<HostEnv<SpinLock>, N, C>::new(HostEnv::new()));
        let t2 = t.clone();
        let lookup = move |t: &CachedTable<HostEnv<SpinLock>, N, C>| {
            let r = t.lookup(loc, ()).expect("allocation");
            assert_eq!(r.key.name(), name_of(loc));
            r as *const _ as usize
        };
        let other = thread::spawn(move || lookup(&t2));
        let mine = lookup(&t);
        assert_eq!(mine, other.join().unwrap());
        assert_eq!(t.stats().records, 1);
        assert_eq!(t.lookup(loc, ()).unwrap() as *const _ as usize, mine);
    });
}

/// The host environment, except that its second bucket allocation fails.
struct SecondBucketFails {
    host: HostEnv<SpinLock>,
    buckets: AtomicUsize,
}

// SAFETY: forwards to `HostEnv`, whose allocations are valid until freed; a failed allocation
// returns `None`, which the contract allows.
unsafe impl TableEnv for SecondBucketFails {
    type Lock = SpinLock;
    type Key = NamedKey;
    type Flags = ();

    fn alloc_bucket(&self, flags: ()) -> Option<NonNull<Bucket<SpinLock, NamedKey>>> {
        if self.buckets.fetch_add(1, Ordering::Relaxed) == 1 {
            return None;
        }
        self.host.alloc_bucket(flags)
    }

    unsafe fn free_bucket(&self, b: NonNull<Bucket<SpinLock, NamedKey>>) {
        // SAFETY: forwarded (caller), and every bucket came from `self.host`.
        unsafe { self.host.free_bucket(b) }
    }

    fn alloc_record(&self, site: Site, hash: u64, flags: ()) -> Option<NonNull<HostRecord>> {
        self.host.alloc_record(site, hash, flags)
    }

    fn register(&self, rec: &Record<NamedKey>) {
        self.host.register(rec)
    }

    unsafe fn free_record(&self, rec: NonNull<HostRecord>, registered: bool) {
        // SAFETY: forwarded (caller).
        unsafe { self.host.free_record(rec, registered) }
    }
}

/// Two threads look up one fresh site; the second bucket allocation fails, so one thread
/// either uses the bucket the other published meanwhile or falls back.
fn bucket_alloc_failure() {
    model(|| {
        let env = SecondBucketFails {
            host: HostEnv::new(),
            buckets: AtomicUsize::new(0),
        };
        let t = Arc::new(Table::<SecondBucketFails, N>::new(env));
        let loc = site(0);
        let t2 = t.clone();
        let lookup = move |t: &Table<SecondBucketFails, N>| {
            t.lookup_lockfree(loc, ()).ok().map(|r| {
                assert_eq!(r.site, Site::of(loc));
                assert_eq!(r.key.name(), name_of(loc));
                r as *const _ as usize
            })
        };
        let other = thread::spawn(move || lookup(&t2));
        let mine = lookup(&t);
        let theirs = other.join().unwrap();
        assert!(
            mine.is_some() || theirs.is_some(),
            "one allocation succeeded"
        );
        if let (Some(a), Some(b)) = (mine, theirs) {
            assert_eq!(a, b);
        }
        assert_eq!(t.stats().records, 1);
    });
}

/// Two call sites whose addresses share a home slot in a `C`-slot address cache.
fn colliding_in_cache() -> (&'static Location<'static>, &'static Location<'static>) {
    let home =
        |loc: &'static Location<'static>| addr_hash(loc as *const _ as usize, C.trailing_zeros());
    let a = site(0);
    let b = CALL_SITES[1..]
        .iter()
        .map(|s| s.loc)
        .find(|&l| home(l) == home(a))
        .expect("C slots, more than C sites");
    (a, b)
}

/// One address is cached; another with the same home slot is looked up by two threads at
/// once, so it goes to the next slot while the other thread probes for it.
fn cached_probe_race() {
    model(|| {
        let (first, second) = colliding_in_cache();
        let t = Arc::new(CachedTable::<HostEnv<SpinLock>, N, C>::new(HostEnv::new()));
        let a = t.lookup(first, ()).expect("allocation") as *const _ as usize;
        let t2 = t.clone();
        let lookup = move |t: &CachedTable<HostEnv<SpinLock>, N, C>| {
            let r = t.lookup(second, ()).expect("allocation");
            assert_eq!(r.key.name(), name_of(second));
            r as *const _ as usize
        };
        let other = thread::spawn(move || lookup(&t2));
        let mine = lookup(&t);
        assert_eq!(mine, other.join().unwrap());
        assert_ne!(mine, a);
        assert_eq!(t.stats().records, 2);
    });
}

#[test]
fn locked_insert_race_is_correct() {
    locked_insert_race();
}

#[test]
fn lockfree_insert_race_is_correct() {
    lockfree_insert_race();
}

#[test]
fn lockfree_reader_against_locked_inserter_is_correct() {
    lockfree_reader_against_locked_inserter();
}

#[test]
fn two_sites_one_bucket_is_correct() {
    two_sites_one_bucket();
}

#[test]
fn bucket_alloc_failure_is_correct() {
    bucket_alloc_failure();
}

#[test]
fn cached_two_locations_one_class_is_correct() {
    cached_two_locations_one_class();
}

#[test]
fn cached_one_location_two_threads_is_correct() {
    cached_one_location_two_threads();
}

#[test]
fn cached_probe_race_is_correct() {
    cached_probe_race();
}

#[test]
fn pool_one_site_two_threads_is_correct() {
    pool_one_site_two_threads();
}

#[test]
fn pool_two_sites_one_slot_is_correct() {
    pool_two_sites_one_slot();
}

#[test]
fn pool_full_overflow_is_correct() {
    pool_full_overflow();
}

#[test]
fn seq_reader_against_writer_is_correct() {
    seq_reader_against_writer();
}

#[test]
fn seq_two_writers_is_correct() {
    seq_two_writers();
}

#[test]
fn seq_forget_against_writer_is_correct() {
    seq_forget_against_writer();
}

/// Every ordering the tables rely on.
const SYNC_POINTS: [SyncPoint; 18] = [
    SyncPoint::BucketPublish,
    SyncPoint::BucketLoad,
    SyncPoint::BucketRaceLost,
    SyncPoint::BucketAllocFailed,
    SyncPoint::HeadPublish,
    SyncPoint::HeadLoad,
    SyncPoint::CachePublish,
    SyncPoint::CacheLoadHome,
    SyncPoint::CacheLoadProbe,
    SyncPoint::PoolPublish,
    SyncPoint::PoolLoad,
    SyncPoint::SeqReadStart,
    SyncPoint::SeqReadFence,
    SyncPoint::SeqWriteAcquire,
    SyncPoint::SeqWriteFence,
    SyncPoint::SeqWriteEnd,
    SyncPoint::LockAcquire,
    SyncPoint::LockRelease,
];

/// The model that must fail when `point` is weakened to Relaxed, and what it then sees. The
/// match is exhaustive: a new ordering needs a model here.
fn catching_model(point: SyncPoint) -> (&'static str, fn()) {
    match point {
        // The loser of the bucket race, or a later thread, uses a bucket whose creation it is
        // not ordered after: loom reports a causality violation on its lock or head.
        SyncPoint::BucketPublish | SyncPoint::BucketLoad | SyncPoint::BucketRaceLost => {
            ("locked_insert_race", locked_insert_race)
        }
        SyncPoint::BucketAllocFailed => ("bucket_alloc_failure", bucket_alloc_failure),
        // The lock-free reader reaches a record it is not ordered after: causality violation
        // on the record's `next`.
        SyncPoint::HeadPublish | SyncPoint::HeadLoad => (
            "lockfree_reader_against_locked_inserter",
            lockfree_reader_against_locked_inserter,
        ),
        // A hit reads the address but not the record word stored before it: null record.
        SyncPoint::CachePublish | SyncPoint::CacheLoadHome => (
            "cached_one_location_two_threads",
            cached_one_location_two_threads,
        ),
        SyncPoint::CacheLoadProbe => ("cached_probe_race", cached_probe_race),
        // A thread finds a slot the other claimed, without a lock, and is not ordered after
        // the claimer's naming of the key: causality violation on the name
        // (`NamedKey::written`), the same site's (one-site model) or the other site's
        // (two-site model, where each thread finds the other's slot). Either model catches
        // either weakening; each is named for one, so that both are run weakened.
        SyncPoint::PoolPublish => ("pool_one_site_two_threads", pool_one_site_two_threads),
        SyncPoint::PoolLoad => ("pool_two_sites_one_slot", pool_two_sites_one_slot),
        // A reader pairs one write's address with the other's key: a torn class.
        SyncPoint::SeqReadStart
        | SyncPoint::SeqReadFence
        | SyncPoint::SeqWriteFence
        | SyncPoint::SeqWriteEnd => ("seq_reader_against_writer", seq_reader_against_writer),
        // The second writer's fields are not ordered after the first's: the entry itself ends
        // torn (one site's address, the other's name).
        SyncPoint::SeqWriteAcquire => ("seq_two_writers", seq_two_writers),
        // The second lock holder misses the first one's record: two records for one site.
        SyncPoint::LockAcquire | SyncPoint::LockRelease => {
            ("locked_insert_race", locked_insert_race)
        }
    }
}

#[test]
fn weakened_orderings_are_caught() {
    for point in SYNC_POINTS {
        let (name, check) = catching_model(point);
        eprintln!("weakening {point:?} to Relaxed: {name} must fail");
        let failed = panic::catch_unwind(AssertUnwindSafe(|| weaken(point, check))).is_err();
        assert!(
            failed,
            "{point:?} weakened to Relaxed, and {name} still passes"
        );
    }
}
