// SPDX-License-Identifier: GPL-2.0

//! The precision scenarios, one function each, each with its expected truth beside it (what
//! the code could do, decided before any run). Locks are `ScenarioMutex`es whose class comes
//! from the strategy under test, made at the sites below: each site is one position in this
//! file (one `Location`, one `static_lock_class!()` key, one "file:line" name), as a lock
//! constructor call at that line would have.

use super::two_locations::{self, Sites};
use super::{new_lock, Expected, Peer, Scenario};
use crate::glue;
use crate::kernel_env::{class_ref, set_alloc_fail_every, Kernel, LEAK_KEYS};
use crate::lock::{nest, LockSlot, MutexKind};
use crate::ops::StrategyOps;
use crate::sites::{site, CallSite, CALL_SITES, COMPILED_SITES};
use crate::strategy::{Held, Keys};
use core::sync::atomic::Ordering;
use kernel::prelude::*;

/// Where the "A" locks are created.
static SITE_A: CallSite = site!();
/// Where the "B" locks are created.
static SITE_B: CallSite = site!();
/// Where both the parent and the child of `same-site-nesting` are created.
static SITE_NODE: CallSite = site!();

/// Every scenario, in the order of the matrix (`generic` and `generic-inline` need the
/// `kernel` crate's test sites).
pub(crate) static SCENARIOS: &[Scenario] = &[
    ABBA_TWO_SITES,
    ABBA_ACROSS_OBJECTS,
    SAME_SITE_NESTING,
    TWO_LOCATIONS,
    #[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
    GENERIC,
    #[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
    GENERIC_INLINE,
    RELOAD_PEER,
    RELOAD_BEFORE,
    RELOAD_AFTER,
    CLASS_LIMIT,
    FALLBACK_NAME,
];

/// 1. A real inversion: the same two objects taken A then B, then B then A. One thread is
/// enough; lockdep reports the possibility, two threads could deadlock.
const ABBA_TWO_SITES: Scenario = Scenario {
    name: "abba-two-sites",
    expected: Expected::Circular,
    peer: Peer::Refused,
    exceeds_class_limit: false,
    run: abba_two_sites,
};

fn abba_two_sites(s: &'static StrategyOps) -> Result<Option<usize>> {
    let a = new_lock(s, "a", &SITE_A)?;
    let b = new_lock(s, "b", &SITE_B)?;
    nest(a.mutex(), b.mutex());
    nest(b.mutex(), a.mutex());
    Ok(None)
}

/// 2. The same code on different objects: a1 then b1, b2 then a2. These four cannot deadlock
/// each other, but the same two paths run on a1 and b2 could: a class-level inversion, which
/// is what lockdep is for (it reports before the unlucky pairing ever runs).
const ABBA_ACROSS_OBJECTS: Scenario = Scenario {
    name: "abba-across-objects",
    expected: Expected::Circular,
    peer: Peer::Refused,
    exceeds_class_limit: false,
    run: abba_across_objects,
};

fn abba_across_objects(s: &'static StrategyOps) -> Result<Option<usize>> {
    let a1 = new_lock(s, "a1", &SITE_A)?;
    let b1 = new_lock(s, "b1", &SITE_B)?;
    let a2 = new_lock(s, "a2", &SITE_A)?;
    let b2 = new_lock(s, "b2", &SITE_B)?;
    nest(a1.mutex(), b1.mutex());
    nest(b2.mutex(), a2.mutex());
    Ok(None)
}

/// 3. Two objects from one site nested in a fixed order (parent then child), with no nesting
/// annotation (`mutex_lock_nested`). Correct code: a report is a false one.
const SAME_SITE_NESTING: Scenario = Scenario {
    name: "same-site-nesting",
    expected: Expected::Silent,
    peer: Peer::Refused,
    exceeds_class_limit: false,
    run: same_site_nesting,
};

fn same_site_nesting(s: &'static StrategyOps) -> Result<Option<usize>> {
    let parent = new_lock(s, "parent", &SITE_NODE)?;
    let child = new_lock(s, "child", &SITE_NODE)?;
    nest(parent.mutex(), child.mutex());
    Ok(None)
}

/// 4. One site, two `Location` objects: see two_locations.rs (its expectation is there). This
/// module runs the first half; loading `lockclass_precision_peer` runs the second.
const TWO_LOCATIONS: Scenario = Scenario {
    name: "two-locations",
    expected: Expected::Circular,
    peer: Peer::BThenA,
    exceeds_class_limit: false,
    run: two_locations_first_half,
};

fn two_locations_first_half(_: &'static StrategyOps) -> Result<Option<usize>> {
    two_locations::first_half(Sites::Copied)?;
    Ok(None)
}

/// 4b. `generic`: one source site as a generic function of the `kernel` crate has it, which
/// each module instantiates (`kernel::sync::lock_class_test_sites::generic_pair`, from
/// kernel/patches/test/): this module takes A then B at its instantiation's sites, the peer
/// module B then A at its own. The review's worry about `#[track_caller]`: each instantiating
/// module compiles its own `Location` for the site, while a `static` in the function (a lock
/// macro's key) is one object in the kernel image. Expected truth: `reported-circular`, as for
/// `two-locations` (A and B are one site each in the source).
#[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
const GENERIC: Scenario = Scenario {
    name: "generic",
    expected: Expected::Circular,
    peer: Peer::GenericBThenA,
    exceeds_class_limit: false,
    run: generic_first_half,
};

#[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
fn generic_first_half(_: &'static StrategyOps) -> Result<Option<usize>> {
    two_locations::first_half(Sites::Generic)?;
    Ok(None)
}

/// 4c. `generic-inline`: as `generic`, with the sites in an `#[inline]` (not generic) function
/// of the `kernel` crate (`inline_pair`), which each calling module compiles.
#[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
const GENERIC_INLINE: Scenario = Scenario {
    name: "generic-inline",
    expected: Expected::Circular,
    peer: Peer::InlineBThenA,
    exceeds_class_limit: false,
    run: inline_first_half,
};

#[cfg(CONFIG_RUST_LOCK_CLASS_TEST_SITES)]
fn inline_first_half(_: &'static StrategyOps) -> Result<Option<usize>> {
    two_locations::first_half(Sites::Inline)?;
    Ok(None)
}

/// 5. `reload`: a module that takes its classes from this one (the peer, two_locations.rs)
/// takes A then B, is unloaded and loaded again, and takes B then A; this module, which holds
/// the strategy's table, stays loaded throughout, as the kernel crate holding the RFC's table
/// would. The unloaded module's classes and their dependency must be gone with it: a report,
/// or any warning about freed or unregistered keys, is a false one (a stale dependency).
const RELOAD_PEER: Scenario = Scenario {
    name: "reload-peer",
    expected: Expected::Silent,
    peer: Peer::HalvesByLoad,
    exceeds_class_limit: false,
    run: reload_peer,
};

/// Nothing to do here: the peer module takes both halves (two_locations.rs), one per load.
fn reload_peer(_: &'static StrategyOps) -> Result<Option<usize>> {
    Ok(None)
}

/// 5b. `reload-with-table`: as `reload`, but this module itself is reloaded, table and all:
/// A then B here (`reload-before`), unload, load again, B then A (`reload-after`). A report,
/// or any warning about freed or unregistered keys, is a false one.
const RELOAD_BEFORE: Scenario = Scenario {
    name: "reload-before",
    expected: Expected::Silent,
    peer: Peer::Refused,
    exceeds_class_limit: false,
    run: reload_before,
};

fn reload_before(s: &'static StrategyOps) -> Result<Option<usize>> {
    let a = new_lock(s, "a", &SITE_A)?;
    let b = new_lock(s, "b", &SITE_B)?;
    nest(a.mutex(), b.mutex());
    Ok(None)
}

/// 5b. (second load) B then A.
const RELOAD_AFTER: Scenario = Scenario {
    name: "reload-after",
    expected: Expected::Silent,
    peer: Peer::Refused,
    exceeds_class_limit: false,
    run: reload_after,
};

fn reload_after(s: &'static StrategyOps) -> Result<Option<usize>> {
    let a = new_lock(s, "a", &SITE_A)?;
    let b = new_lock(s, "b", &SITE_B)?;
    nest(b.mutex(), a.mutex());
    Ok(None)
}

/// 6. Creates classes until lockdep runs out (MAX_LOCKDEP_KEYS, 8192 in 6.12, minus what the
/// kernel already uses) or the strategy runs out of ways to make new ones: every compiled
/// site once (a per-site strategy has no more); per-object keys kept alive, one new object
/// each time (`dynamic`); with `leak_keys=1` (the RFC as posted: keys never unregistered),
/// the table emptied after every pass over the sites, as the benchmark empties it between
/// configurations and as this module's unload does, its keys left registered. Correct
/// code: the ideal is no report and lockdep still on. The count is the number of classes
/// created while lockdep was still on.
const CLASS_LIMIT: Scenario = Scenario {
    name: "class-limit",
    expected: Expected::Silent,
    peer: Peer::Refused,
    exceeds_class_limit: true,
    run: class_limit,
};

/// Passes over the sites with `leak_keys=1`: 16 x 1024 classes is twice lockdep's limit.
const LEAK_PASSES: usize = 16;
/// Live per-object classes at most: lockdep holds 8192 in all, so this always reaches it.
const MAX_LIVE_OBJECTS: usize = 8192;

fn class_limit(s: &'static StrategyOps) -> Result<Option<usize>> {
    let mut created = 0usize;
    if s.info.keys == Keys::PerObject {
        // Giving the keys back waits for one RCU grace period each: refuse what would keep
        // insmod longer than max_seconds.
        let gp_ns = crate::calibrate::grace_period_ns()?;
        let estimate_s = gp_ns.saturating_mul(MAX_LIVE_OBJECTS as u64) / 1_000_000_000;
        let max_seconds = glue::params().max_seconds.max(0) as u64;
        pr_info!(
            "precision estimate grace_periods={} gp_ns={} seconds={} max_seconds={}\n",
            MAX_LIVE_OBJECTS,
            gp_ns,
            estimate_s,
            max_seconds
        );
        if estimate_s > max_seconds {
            pr_err!(
                "invalid parameters: class-limit with per-object keys is estimated at {} s ({} grace periods of {} ns), more than max_seconds={}; raise max_seconds\n",
                estimate_s,
                MAX_LIVE_OBJECTS,
                gp_ns,
                max_seconds
            );
            pr_err!(
                "error param=max_seconds value={} valid=estimate_s<={} estimate_s={}\n",
                max_seconds,
                max_seconds,
                estimate_s
            );
            return Err(EINVAL);
        }
        // Keys only: a class lives as long as its key, whatever became of the lock.
        let mut live: KVec<Held<'static, Kernel>> =
            KVec::with_capacity(MAX_LIVE_OBJECTS, GFP_KERNEL)?;
        while live.len() < MAX_LIVE_OBJECTS && glue::lockdep_enabled() {
            let held = (s.class)(&CALL_SITES[live.len() % COMPILED_SITES]);
            acquire_once(&held);
            live.push(held, GFP_KERNEL)?;
            if glue::lockdep_enabled() {
                created += 1;
            }
        }
        pr_info!("precision class-limit live_objects={}\n", live.len());
        // Gives every key back (one grace period each).
        drop(live);
        return Ok(Some(created));
    }
    let passes = if LEAK_KEYS.load(Ordering::Relaxed) {
        LEAK_PASSES
    } else {
        1
    };
    for pass in 0..passes {
        if pass > 0 {
            // SAFETY: every class of the previous pass was given back with its lock.
            unsafe { (s.reset)() };
        }
        for site in CALL_SITES.iter() {
            if !glue::lockdep_enabled() {
                return Ok(Some(created));
            }
            let held = (s.class)(site);
            acquire_once(&held);
            drop(held);
            if glue::lockdep_enabled() {
                created += 1;
            }
        }
        glue::cond_resched();
    }
    Ok(Some(created))
}

/// Initialises a mutex with the class `held` holds and takes it once: lockdep makes the class
/// at the first acquire.
fn acquire_once(held: &Held<'_, Kernel>) {
    let slot = core::pin::pin!(LockSlot::<MutexKind>::new());
    slot.init(class_ref(held)).with(|| ());
}

/// 7. `abba-two-sites` with every allocation failing, so table strategies and `dynamic` fall
/// back to the `Location` as a static key. Still a real inversion; the report should still
/// name both sites (`file:line:column`).
const FALLBACK_NAME: Scenario = Scenario {
    name: "fallback-name",
    expected: Expected::Circular,
    peer: Peer::Refused,
    exceeds_class_limit: false,
    run: fallback_name,
};

fn fallback_name(s: &'static StrategyOps) -> Result<Option<usize>> {
    set_alloc_fail_every(1);
    let locks = new_lock(s, "a", &SITE_A).and_then(|a| Ok((a, new_lock(s, "b", &SITE_B)?)));
    set_alloc_fail_every(0);
    let (a, b) = locks?;
    nest(a.mutex(), b.mutex());
    nest(b.mutex(), a.mutex());
    Ok(None)
}
