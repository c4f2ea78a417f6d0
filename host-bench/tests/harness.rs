// SPDX-License-Identifier: GPL-2.0

//! The timed loop's parameters: thread counts within the machine, passes long enough.
#![cfg(not(loom))]

use host_bench::harness::{pass_sites, sites, thread_counts, MIN_PASS};
use host_bench::instructions::totals;

#[test]
fn thread_counts_never_exceed_the_cores() {
    assert_eq!(thread_counts(1), [1]);
    assert_eq!(thread_counts(2), [1, 2]);
    assert_eq!(thread_counts(6), [1, 2, 4, 6]);
    assert_eq!(thread_counts(8), [1, 2, 4, 8]);
    // A machine that reports no CPU count still runs one thread.
    assert_eq!(thread_counts(0), [1]);
}

#[test]
fn few_sites_are_repeated_in_order() {
    for n in [1, 3, 16] {
        let pass = pass_sites(n);
        assert!(
            pass.len() >= MIN_PASS && pass.len().is_multiple_of(n),
            "{n}: {}",
            pass.len()
        );
        for (i, s) in pass.iter().enumerate() {
            let want = &sites(n)[i % n];
            assert!(core::ptr::eq(s.loc, want.loc) && core::ptr::eq(s.key, want.key));
        }
    }
    // Enough sites: the compiled ones themselves.
    assert!(core::ptr::eq(pass_sites(MIN_PASS), sites(MIN_PASS)));
}

#[test]
fn reads_callgrind_totals() {
    let out = "version: 1\ncmd: x\nevents: Ir\nfn=(1) f\n3 10\ntotals: 1234\n";
    assert_eq!(totals(out), Some(1234));
    assert_eq!(totals("summary: 99\n"), Some(99));
    assert_eq!(totals("events: Ir\n"), None);
}
