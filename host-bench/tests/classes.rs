// SPDX-License-Identifier: GPL-2.0

//! Every strategy gives one class per site, and different sites different classes.
#![cfg(not(loom))]

use host_bench::call_sites::{CALL_SITES, COMPILED_SITES};
use host_bench::key::NAME_LEN;
use host_bench::strategy::{self, HostStrategy, Keys, Strategy, Visit, NAMES};
use host_bench::{registry, CallSite};
use lockclass_core::site::Site;
use std::collections::HashSet;

#[test]
fn call_sites_are_distinct_positions_locations_and_keys() {
    assert_eq!(CALL_SITES.len(), COMPILED_SITES);
    let positions: HashSet<_> = CALL_SITES
        .iter()
        .map(|s| (s.loc.file(), s.loc.line(), s.loc.column()))
        .collect();
    assert_eq!(
        positions.len(),
        COMPILED_SITES,
        "(file, line, column) repeats"
    );
    let locs: HashSet<_> = CALL_SITES
        .iter()
        .map(|s| s.loc as *const _ as usize)
        .collect();
    assert_eq!(locs.len(), COMPILED_SITES, "Location objects shared");
    let keys: HashSet<_> = CALL_SITES.iter().map(|s| s.key.addr()).collect();
    assert_eq!(keys.len(), COMPILED_SITES, "macro keys share an address");
}

fn classes<S: HostStrategy>(s: &S, sites: &'static [CallSite]) -> Vec<usize> {
    sites.iter().map(|site| s.class(site, ()).class()).collect()
}

/// Checks one strategy; records which ones it saw.
#[derive(Default)]
struct Check {
    seen: Vec<&'static str>,
    tables: usize,
}

impl Visit for Check {
    fn visit<S: HostStrategy>(&mut self) {
        self.seen.push(S::NAME);
        let s = S::new();
        let first = classes(&s, &CALL_SITES);
        let distinct: HashSet<_> = first.iter().copied().collect();
        if S::KEYS != Keys::PerObject {
            for round in 0..2 {
                assert_eq!(
                    classes(&s, &CALL_SITES),
                    first,
                    "{}: round {round}",
                    S::NAME
                );
            }
            assert_eq!(
                distinct.len(),
                COMPILED_SITES,
                "{}: classes shared",
                S::NAME
            );
        }
        assert_eq!(s.fallbacks(), 0, "{}", S::NAME);
        if let Some(stats) = s.table_stats() {
            self.tables += 1;
            assert_eq!(stats.records, COMPILED_SITES, "{}", S::NAME);
            assert_eq!(stats.lost_races, 0, "{}: one thread cannot race", S::NAME);
            assert!(stats.buckets > 0 && stats.buckets <= COMPILED_SITES);
            assert_eq!(s.memory(COMPILED_SITES).classes, COMPILED_SITES);
            assert!(s.memory(COMPILED_SITES).table_bytes >= stats.bytes);
            // Table keys are registered; `pool`'s static keys (every compiled site fits in its
            // pool) are not.
            let registered = first
                .iter()
                .filter(|&&c| registry::is_registered(c))
                .count();
            assert_eq!(
                registered,
                COMPILED_SITES - s.static_classes(),
                "{}: registered classes",
                S::NAME
            );
        }
    }
}

#[test]
fn same_site_same_class_different_sites_different_classes() {
    let mut check = Check::default();
    strategy::for_each(&mut check);
    assert_eq!(check.seen, NAMES);
    let table_names = ["mutex", "spinlock", "rcu", "cached", "pool"];
    assert_eq!(check.tables, table_names.len());
    for name in table_names {
        assert!(NAMES.contains(&name), "{name} missing");
    }
}

#[test]
fn strategies_are_found_by_name() {
    struct Name(Option<&'static str>);
    impl Visit for Name {
        fn visit<S: HostStrategy>(&mut self) {
            self.0 = Some(S::NAME);
        }
    }
    for name in NAMES {
        let mut v = Name(None);
        assert!(strategy::visit_named(name, &mut v));
        assert_eq!(v.0, Some(*name));
    }
    assert!(!strategy::visit_named("no-such-strategy", &mut Name(None)));
}

#[test]
fn table_classes_are_the_records_for_their_site() {
    // The class a table strategy hands out is the key of the record for that very site.
    let mutex = strategy::MutexTable::new();
    let spin = strategy::SpinlockTable::new();
    let rcu = strategy::RcuTable::new();
    let cached = strategy::AddrCachedTable::new();
    for site in &CALL_SITES {
        let want = Site::of(site.loc);
        let records = [
            (
                mutex.class(site, ()).class(),
                mutex.table().lookup_locked(site.loc, ()),
            ),
            (
                spin.class(site, ()).class(),
                spin.table().lookup_locked(site.loc, ()),
            ),
            (
                rcu.class(site, ()).class(),
                rcu.table().lookup_lockfree(site.loc, ()),
            ),
            (
                cached.class(site, ()).class(),
                cached.table().lookup(site.loc, ()),
            ),
        ];
        let full = format!("{}:{}:{}", want.file, want.line, want.column);
        for (class, rec) in records {
            let rec = rec.expect("allocation");
            assert_eq!(rec.site, want);
            assert_eq!(rec.key.addr(), class);
            // The name is `file:line:column`, its front cut if it does not fit.
            let name = rec.key.name();
            assert!(full.ends_with(name), "{name} is not the end of {full}");
            assert!(name.ends_with(&format!(":{}:{}", want.line, want.column)));
            assert!(name.len() == full.len() || name.len() == NAME_LEN - 1);
        }
    }
}

/// The tables hash `Location::file()`; `.cargo/config.toml` remaps it to the name the kernel
/// module's Kbuild gives it, so host and guest hash the same bytes.
#[test]
fn call_sites_have_the_modules_file_name() {
    for s in CALL_SITES.iter() {
        assert_eq!(s.loc.file(), "lockclass-core/call_sites.rs");
    }
}
