// SPDX-License-Identifier: GPL-2.0

//! The three site hashes behave as the `hash` benchmark assumes.
#![cfg(not(loom))]

use host_bench::call_sites::{CALL_SITES, COMPILED_SITES};
use host_bench::harness::{hash_batch, sites};
use host_bench::hash::{AddrHashSite, FxHashSite, SipHashSite, SiteHash};
use lockclass_core::site::Site;
use lockclass_core::table::BUCKETS;
use std::collections::HashSet;

fn distinct<H: SiteHash>() -> usize {
    CALL_SITES
        .iter()
        .map(|s| H::hash(s.loc))
        .collect::<HashSet<_>>()
        .len()
}

#[test]
fn content_hashes_tell_every_site_apart() {
    assert_eq!(distinct::<SipHashSite>(), COMPILED_SITES);
    assert_eq!(distinct::<FxHashSite>(), COMPILED_SITES);
}

#[test]
fn siphash_is_the_tables_hash() {
    for s in &CALL_SITES {
        assert_eq!(SipHashSite::hash(s.loc), Site::of(s.loc).hash());
    }
}

#[test]
fn addr_hash_is_a_bucket_index() {
    assert!(CALL_SITES
        .iter()
        .all(|s| (AddrHashSite::hash(s.loc) as usize) < BUCKETS));
    // Spreads the sites: a hash that ignored the address would give one bucket.
    assert!(distinct::<AddrHashSite>() > 1);
}

#[test]
fn batches_depend_on_every_hash() {
    let all = sites(COMPILED_SITES);
    assert_ne!(
        hash_batch::<SipHashSite>(all, 1),
        hash_batch::<FxHashSite>(all, 1)
    );
}
