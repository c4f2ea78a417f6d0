// SPDX-License-Identifier: GPL-2.0

//! One source site, two `Location` objects: a generic of another crate instantiated there and
//! here. The content tables (and `pool`, whose slots are claimed by content) fold them into one
//! class; the `location` strategy cannot.
#![cfg(not(loom))]

use host_bench::strategy::{
    AddrCachedTable, HostStrategy, LocationKey, MutexTable, RcuTable, SpinlockTable, StaticKeyPool,
    Strategy,
};
use host_bench::{CallSite, MacroKey};
use lockclass_other_crate::{site_in_generic, site_instantiated_here};

/// A type of this crate, so the generic is instantiated (and its `Location` emitted) here.
struct Local;

fn sites() -> (&'static CallSite, &'static CallSite) {
    let leak = |loc| -> &'static CallSite {
        Box::leak(Box::new(CallSite {
            loc,
            key: Box::leak(Box::new(MacroKey::new())),
        }))
    };
    (
        leak(site_instantiated_here()),
        leak(site_in_generic::<Local>()),
    )
}

#[test]
fn two_crates_give_two_locations_for_one_site() {
    let (there, here) = sites();
    assert_eq!(
        (there.loc.file(), there.loc.line(), there.loc.column()),
        (here.loc.file(), here.loc.line(), here.loc.column())
    );
    assert_ne!(
        there.loc as *const _, here.loc as *const _,
        "the two instantiations share one Location object"
    );
}

fn folds_into_one_class<S: HostStrategy>() {
    let (there, here) = sites();
    let s = S::new();
    let a = s.class(there, ()).class();
    let b = s.class(here, ()).class();
    assert_eq!(a, b, "{}: two classes for one site", S::NAME);
    assert_eq!(s.table_stats().map(|st| st.records), Some(1), "{}", S::NAME);
    // Again, now that both are known (and, for `cached`, both addresses are cached).
    assert_eq!(
        (s.class(there, ()).class(), s.class(here, ()).class()),
        (a, a),
        "{}",
        S::NAME
    );
    assert_eq!(s.table_stats().map(|st| st.records), Some(1), "{}", S::NAME);
}

#[test]
fn content_tables_fold_them_into_one_class() {
    folds_into_one_class::<MutexTable>();
    folds_into_one_class::<SpinlockTable>();
    folds_into_one_class::<RcuTable>();
    folds_into_one_class::<AddrCachedTable>();
    // `pool`: one slot, claimed by content.
    folds_into_one_class::<StaticKeyPool>();
}

#[test]
fn location_keys_give_two_classes() {
    let (there, here) = sites();
    let s = LocationKey::new();
    assert_ne!(s.class(there, ()).class(), s.class(here, ()).class());
}
