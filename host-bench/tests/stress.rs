// SPDX-License-Identifier: GPL-2.0

//! Many threads racing to create the same fresh classes end with exactly one class per site,
//! and the races the tables are written for did happen: concurrent first inserts of one site
//! (a loser frees its record), of one bucket (a loser frees its bucket) and, for `cached` and
//! `pool`, of one address into the address cache. `pool` inserts no record: its concurrent
//! first claims of one site show as bucket races (each claim takes the site's bucket lock,
//! which the first claims of a fresh table allocate).
#![cfg(not(loom))]

use host_bench::call_sites::CALL_SITES;
use host_bench::strategy::{
    AddrCachedTable, HostStrategy, MutexTable, RcuTable, SpinlockTable, StaticKeyPool,
};
use std::collections::HashSet;
use std::sync::Barrier;
use std::thread;

/// More threads than this machine has CPUs is fine: preemption in the middle of an insert is
/// one more interleaving.
const THREADS: usize = 8;
/// Fresh tables per strategy, each a new race: at least this many...
const ROUNDS: usize = 256;
/// ...and more, up to this many, until every kind of race the strategy is written for has been
/// seen: whether two threads hit one bucket in a given round is luck (a loaded 2-core machine
/// once went 257 rounds without a bucket race), so the count of rounds must not decide the test.
const MAX_ROUNDS: usize = 20_000;
/// Sites per round: few, so that threads released together by the barrier are still on the
/// same sites when the next one starts (on 2 CPUs one thread can otherwise run ahead through
/// all of them); the last round takes every site.
const WINDOW: usize = 16;

/// Races seen over all rounds: (records, buckets, cache entries) a loser gave up. Runs rounds
/// until `all_seen` holds of them (or MAX_ROUNDS), then one last round over every site.
fn race<S: HostStrategy>(all_seen: fn(&(usize, usize, usize)) -> bool) -> (usize, usize, usize) {
    let mut seen_races = (0, 0, 0);
    let mut last = false;
    let mut round = 0;
    while !last {
        last = round + 1 >= MAX_ROUNDS || (round + 1 >= ROUNDS && all_seen(&seen_races));
        let sites = if last {
            &CALL_SITES[..]
        } else {
            let start = round * WINDOW % (CALL_SITES.len() - WINDOW);
            &CALL_SITES[start..start + WINDOW]
        };
        let s = S::new();
        let barrier = Barrier::new(THREADS);
        let seen: Vec<Vec<usize>> = thread::scope(|scope| {
            let threads: Vec<_> = (0..THREADS)
                .map(|t| {
                    let (s, barrier) = (&s, &barrier);
                    scope.spawn(move || {
                        barrier.wait();
                        // Half the threads go backwards, so races happen all along the sites,
                        // not only at the front.
                        let mut classes: Vec<usize> = if t % 2 == 0 {
                            sites.iter().map(|site| s.class(site, ()).class()).collect()
                        } else {
                            sites
                                .iter()
                                .rev()
                                .map(|site| s.class(site, ()).class())
                                .collect()
                        };
                        if t % 2 == 1 {
                            classes.reverse();
                        }
                        classes
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        for (t, classes) in seen.iter().enumerate() {
            assert_eq!(
                classes,
                &seen[0],
                "{} round {round}: thread {t} differs",
                S::NAME
            );
        }
        let distinct: HashSet<_> = seen[0].iter().collect();
        assert_eq!(distinct.len(), sites.len(), "{}", S::NAME);
        let stats = s.table_stats().expect("a table strategy");
        assert_eq!(stats.records, sites.len(), "{} round {round}", S::NAME);
        // A thread loses at most one race per site.
        assert!(stats.lost_races <= (THREADS - 1) * sites.len());
        assert_eq!(s.fallbacks(), 0);
        seen_races.0 += stats.lost_races;
        seen_races.1 += stats.bucket_races;
        seen_races.2 += stats.cache_races;
        round += 1;
    }
    eprintln!(
        "{}: lost record races {}, bucket races {}, cache races {} over {} rounds",
        S::NAME,
        seen_races.0,
        seen_races.1,
        seen_races.2,
        round
    );
    seen_races
}

/// Record and bucket races seen.
fn table_races_seen(&(records, buckets, _): &(usize, usize, usize)) -> bool {
    records > 0 && buckets > 0
}

/// Record, bucket and address-cache races seen.
fn cache_races_seen(races: &(usize, usize, usize)) -> bool {
    table_races_seen(races) && races.2 > 0
}

/// The record and bucket races happened at least once (else the test proved nothing about
/// them).
fn table_races_happened((records, buckets, _): (usize, usize, usize)) {
    assert!(records > 0, "no two threads ever inserted one site at once");
    assert!(
        buckets > 0,
        "no two threads ever published one bucket at once"
    );
}

#[test]
fn mutex_races_end_with_one_class_per_site() {
    table_races_happened(race::<MutexTable>(table_races_seen));
}

#[test]
fn spinlock_races_end_with_one_class_per_site() {
    table_races_happened(race::<SpinlockTable>(table_races_seen));
}

#[test]
fn rcu_races_end_with_one_class_per_site() {
    table_races_happened(race::<RcuTable>(table_races_seen));
}

#[test]
fn cached_races_end_with_one_class_per_site() {
    let races = race::<AddrCachedTable>(cache_races_seen);
    table_races_happened(races);
    assert!(
        races.2 > 0,
        "no two threads ever cached one address at once"
    );
}

/// Bucket and address-cache races seen (`pool` inserts no record, so loses no record race).
fn pool_races_seen(&(_, buckets, cache): &(usize, usize, usize)) -> bool {
    buckets > 0 && cache > 0
}

#[test]
fn pool_races_end_with_one_class_per_site() {
    let (lost, buckets, cache) = race::<StaticKeyPool>(pool_races_seen);
    // Every compiled site fits in the pool: no record was inserted, so none lost a race.
    assert_eq!(lost, 0, "a pool strategy inserted records");
    // Two threads allocated one bucket at once (in a round's few sites, nearly always for one
    // site): both had missed the site in the pool and were about to claim it under that
    // bucket's lock, where the later one found the earlier one's slot (a second slot would
    // have made two classes of the site, which `race` checks).
    assert!(buckets > 0, "no two threads ever claimed one site at once");
    assert!(cache > 0, "no two threads ever cached one address at once");
}
