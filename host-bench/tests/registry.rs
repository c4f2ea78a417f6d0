// SPDX-License-Identifier: GPL-2.0

//! Key registration: the table strategies' records and `dynamic`'s keys go through the one
//! registry (`pool`'s static keys do not), and everything registered is unregistered again. One test, so that nothing else
//! in this process registers keys meanwhile.
#![cfg(not(loom))]

use host_bench::call_sites::CALL_SITES;
use host_bench::key::LockClassKey;
use host_bench::registry::{self, Registered};
use host_bench::strategy::{self, HostStrategy, Visit};

struct RegistersAndUnregisters;

impl Visit for RegistersAndUnregisters {
    fn visit<S: HostStrategy>(&mut self) {
        let before = registry::registered();
        let s = S::new();
        let classes: Vec<_> = CALL_SITES
            .iter()
            .map(|site| s.class(site, ()).class())
            .collect();
        let held = registry::registered() - before;
        if let Some(stats) = s.table_stats() {
            // One key per record; none for `pool`'s slots, whose keys are static.
            let records = stats.records - s.static_classes();
            assert_eq!(held, records, "{}: one key per record", S::NAME);
            let registered = classes
                .iter()
                .filter(|&&c| registry::is_registered(c))
                .count();
            assert_eq!(registered, records, "{}: registered classes", S::NAME);
        } else {
            // No table: `dynamic` unregisters each key with its lock, the others never register.
            assert_eq!(held, 0, "{}", S::NAME);
        }
        drop(s);
        assert_eq!(
            registry::registered(),
            before,
            "{}: keys left registered",
            S::NAME
        );
    }
}

#[test]
fn registration_is_balanced() {
    strategy::for_each(&mut RegistersAndUnregisters);

    let a = LockClassKey::new();
    let b = LockClassKey::new();
    assert_ne!(a.addr(), b.addr());
    let ga = Registered::new(&a);
    let gb = Registered::new(&b);
    assert!(registry::is_registered(a.addr()) && registry::is_registered(b.addr()));
    drop(ga);
    assert!(!registry::is_registered(a.addr()) && registry::is_registered(b.addr()));
    drop(gb);
    assert!(!registry::is_registered(b.addr()));

    let twice = std::panic::catch_unwind(|| {
        let k = LockClassKey::new();
        let _g = Registered::new(&k);
        registry::register(&k);
    });
    assert!(twice.is_err(), "a second registration must be refused");
    let never = std::panic::catch_unwind(|| registry::unregister(&LockClassKey::new()));
    assert!(
        never.is_err(),
        "unregistering an unknown key must be refused"
    );
}
