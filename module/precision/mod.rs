// SPDX-License-Identifier: GPL-2.0

//! Lockdep precision (`scenario=NAME strategy=ONE`): instead of the benchmark, the module runs
//! one scenario (scenarios.rs) with locks whose classes come from one strategy, and lockdep
//! decides what it sees. Lockdep reports once and then switches itself off, so each
//! scenario x strategy needs a fresh boot (scripts/precision.sh). The log says what ran:
//!
//!   precision start scenario=S strategy=T expected=E leak_keys=0|1 fail_alloc_every=K lockdep=0|1
//!   precision lock label=L site=FILE:LINE:COLUMN key=location|static|pool|registered class=NAME
//!   precision done scenario=S strategy=T lockdep=0|1 [count=N]

mod scenarios;
mod two_locations;

use crate::glue;
use crate::kernel_env::{class_ref, set_alloc_fail_every, Kernel, LEAK_KEYS};
// two_locations.rs, shared with the peer module, reaches the lock type as `super::lock`.
use crate::lock;
use crate::lock::{Class, ClassRef, HeldMutex, HoldsClass};
use crate::ops::{StrategyOps, STRATEGIES};
use crate::sites::CallSite;
use crate::strategies::POOL;
use crate::strategy::{Env, Held};
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::panic::Location;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use kernel::ffi::c_int;
use kernel::prelude::*;
use kernel::str::CStr;
use two_locations::{LentClass, PeerOrder, SharedSite};

/// What a scenario's code allows, written down beside it before it runs: what a checker that
/// sees every real or class-level inversion, and reports no correct code, would say.
#[derive(Clone, Copy)]
pub(crate) enum Expected {
    /// A lock-order inversion (`possible circular locking dependency detected`).
    Circular,
    /// Correct code: nothing to report.
    Silent,
}

impl Expected {
    fn name(self) -> &'static str {
        match self {
            Expected::Circular => "reported-circular",
            Expected::Silent => "silent",
        }
    }
}

/// What the peer module (`lockclass_precision_peer`) does when loaded during a scenario.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peer {
    /// The scenario has no use for it: it refuses to load.
    Refused,
    /// Takes B then A: the second half of an inversion this module began.
    BThenA,
    /// Takes B then A at the sites of the `kernel` crate's `generic_pair`, instantiated there.
    GenericBThenA,
    /// Takes B then A at the sites of the `kernel` crate's `#[inline]` `inline_pair`.
    InlineBThenA,
    /// Takes A then B at its first load, B then A at every later one: the whole inversion
    /// split over a reload of the peer, while this module (and its table) stays.
    HalvesByLoad,
}

/// One scenario: its `scenario=` name, its expected truth, its code.
pub(crate) struct Scenario {
    pub(crate) name: &'static str,
    pub(crate) expected: Expected,
    pub(crate) peer: Peer,
    /// Runs past lockdep's class limit on purpose: refused without `past_class_limit=1`.
    pub(crate) exceeds_class_limit: bool,
    /// Returns the count the scenario measures, if it measures one.
    pub(crate) run: fn(&'static StrategyOps) -> Result<Option<usize>>,
}

/// Index into `STRATEGIES` of the strategy the running scenario uses (`usize::MAX`: none).
/// Set once per load before any lock is made; read by the exported functions, which the peer
/// module calls only while this module is loaded (it depends on their symbols).
static ACTIVE: AtomicUsize = AtomicUsize::new(usize::MAX);
/// What the peer module does in the running scenario (set with `ACTIVE`).
static ACTIVE_PEER: AtomicUsize = AtomicUsize::new(Peer::Refused as usize);
/// Loads of the peer module so far.
static PEER_LOADS: AtomicUsize = AtomicUsize::new(0);

fn active() -> Option<&'static StrategyOps> {
    STRATEGIES.get(ACTIVE.load(Ordering::Relaxed))
}

fn param_str(name: &str, p: Option<&'static CStr>) -> Result<&'static str> {
    let Some(p) = p else {
        return Err(EINVAL);
    };
    p.to_str().map_err(|_| {
        pr_err!("error param={} value=? valid=ASCII\n", name);
        EINVAL
    })
}

/// Comma-joined names, for the log.
struct Names<I>(I);

impl<I: Iterator<Item = &'static str> + Clone> core::fmt::Display for Names<I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (n, name) in self.0.clone().enumerate() {
            write!(f, "{}{}", if n > 0 { "," } else { "" }, name)?;
        }
        Ok(())
    }
}

/// Runs the scenario the parameters name (`requested()` is true). Returns `leak_keys`.
pub(crate) fn run() -> Result<bool> {
    let name = param_str("scenario", glue::scenario())?;
    let valid = Names(scenarios::SCENARIOS.iter().map(|s| s.name));
    let Some(scenario) = scenarios::SCENARIOS.iter().find(|s| s.name == name) else {
        pr_err!(
            "invalid parameter scenario=\"{}\": unknown scenario\n",
            name
        );
        pr_err!("error param=scenario value={} valid={}\n", name, valid);
        return Err(EINVAL);
    };
    let params = glue::params();
    let strategy = param_str("strategy", params.strategy)?;
    let Some(index) = STRATEGIES.iter().position(|s| s.info.name == strategy) else {
        pr_err!(
            "invalid parameter strategy=\"{}\": a scenario runs exactly one strategy\n",
            strategy
        );
        pr_err!(
            "error param=strategy value={} valid={}\n",
            strategy,
            Names(STRATEGIES.iter().map(|s| s.info.name))
        );
        return Err(EINVAL);
    };
    if scenario.exceeds_class_limit && !params.past_class_limit {
        pr_err!(
            "invalid parameter scenario=\"{}\": it runs lockdep out of classes on purpose, which switches lockdep off; set past_class_limit=1 to allow it\n",
            name
        );
        pr_err!(
            "error param=scenario value={} valid=with past_class_limit=1\n",
            name
        );
        return Err(EINVAL);
    }
    let (fail_alloc_every, leak_keys) = (params.fail_alloc_every, params.leak_keys);
    if fail_alloc_every < 0 {
        pr_err!(
            "error param=fail_alloc_every value={} valid=0..\n",
            fail_alloc_every
        );
        return Err(EINVAL);
    }
    set_alloc_fail_every(fail_alloc_every as u32);
    LEAK_KEYS.store(leak_keys, Ordering::Relaxed);

    let ops = &STRATEGIES[index];
    ACTIVE_PEER.store(scenario.peer as usize, Ordering::Relaxed);
    ACTIVE.store(index, Ordering::Relaxed);
    pr_info!(
        "precision start scenario={} strategy={} expected={} leak_keys={} fail_alloc_every={} lockdep={}\n",
        scenario.name,
        ops.info.name,
        scenario.expected.name(),
        leak_keys as u8,
        fail_alloc_every,
        glue::lockdep_enabled() as u8
    );
    let count = (scenario.run)(ops).inspect_err(|e| {
        pr_err!("precision failed scenario={} ({:?})\n", scenario.name, e);
        // SAFETY: the scenario has returned: its locks and classes are gone.
        unsafe { (ops.reset)() };
    })?;
    let lockdep = glue::lockdep_enabled() as u8;
    match count {
        Some(n) => pr_info!(
            "precision done scenario={} strategy={} lockdep={} count={}\n",
            scenario.name,
            ops.info.name,
            lockdep,
            n
        ),
        None => pr_info!(
            "precision done scenario={} strategy={} lockdep={}\n",
            scenario.name,
            ops.info.name,
            lockdep
        ),
    }
    Ok(leak_keys)
}

/// Logs a lock's site and the class name its strategy gave it.
fn describe(strategy: &StrategyOps, label: &str, site: &'static CallSite, class: ClassRef<'_>) {
    let class = class.class();
    // SAFETY: a `ClassRef`'s name is a NUL-terminated string, valid while it is.
    let name = unsafe { CStr::from_char_ptr(class.name) };
    // Which kind of key the strategy gave: the `Location` itself (the `location` strategy and
    // every fallback), the site's static key (`macro`), a static key of the `pool`, a slot of
    // the pool `module!` gives the site's module (`tracked`: it registers nothing, and the
    // kernel does not export how to find another module's pool), or one it registered.
    let key = if class.key == Kernel::location_class(site).key {
        "location"
    } else if class.key == Kernel::macro_class(site).key {
        "static"
    } else if POOL.table().pool().holds(class.key.cast()) {
        "pool"
    } else if strategy.info.name == "tracked" {
        "module_pool"
    } else {
        "registered"
    };
    pr_info!(
        "precision lock label={} site={}:{}:{} key={} class={}\n",
        label,
        site.loc.file(),
        site.loc.line(),
        site.loc.column(),
        key,
        name
    );
}

/// A strategy's token holds its class (the `Strategy::class` contract).
// SAFETY: a token's class stays valid until the token is dropped (per-object keys) or its
// strategy is reset, which needs no token alive; moving the token moves no key.
unsafe impl HoldsClass for Held<'static, Kernel> {
    fn class(&self) -> Class {
        Held::class(self)
    }
}

/// A scenario's lock: a mutex created at a site, with the class its strategy gave it.
pub(crate) type ScenarioLock = Pin<KBox<HeldMutex<Held<'static, Kernel>>>>;

/// A lock created at `site` with the class `strategy` gives it, logged as `label`.
pub(crate) fn new_lock(
    strategy: &StrategyOps,
    label: &str,
    site: &'static CallSite,
) -> Result<ScenarioLock> {
    let held = (strategy.class)(site);
    describe(strategy, label, site, class_ref(&held));
    // On failure the token goes with the initialiser, giving the class back.
    KBox::pin_init(HeldMutex::new(held), GFP_KERNEL)
}

/// A site's `CallSite`, made once per `Location` of a `SharedSite` (the peer module's sites,
/// and the sites of the `kernel` crate's test functions, have none).
struct Slot {
    loc: AtomicPtr<Location<'static>>,
    call_site: UnsafeCell<MaybeUninit<CallSite>>,
}

// SAFETY: `call_site` is written once, by the caller that claimed the slot under `SLOTS_BUSY`,
// before `loc` is set; afterwards it is only read.
unsafe impl Sync for Slot {}

/// Two sites in each module taking part in a scenario: this module's and the peer's.
#[allow(clippy::declare_interior_mutable_const)]
const EMPTY_SLOT: Slot = Slot {
    loc: AtomicPtr::new(core::ptr::null_mut()),
    call_site: UnsafeCell::new(MaybeUninit::uninit()),
};
// A constant repeated (an inline `const {}` block needs rustc 1.79): fresh slots each.
static SLOTS: [Slot; 4] = [EMPTY_SLOT; 4];
/// Serialises the slot search; a second caller at the same time gets EBUSY.
static SLOTS_BUSY: AtomicBool = AtomicBool::new(false);

fn slot_for(site: &SharedSite) -> Result<&'static CallSite> {
    // Acquire/Release: a slot's `call_site` written before the flag is released is visible to
    // the next holder, which may return it.
    if SLOTS_BUSY.swap(true, Ordering::Acquire) {
        return Err(EBUSY);
    }
    // A site is its `Location`: one per compiled copy of the site, as `#[track_caller]` sees it.
    let want = core::ptr::from_ref(site.loc).cast_mut();
    let mut found = Err(ENOSPC);
    for slot in SLOTS.iter() {
        let p = slot.loc.load(Ordering::Relaxed);
        if p.is_null() {
            // SAFETY: an unclaimed slot, and we hold SLOTS_BUSY.
            unsafe {
                (*slot.call_site.get()).write(CallSite {
                    loc: site.loc,
                    key: site.key,
                    name: site.name,
                    loc_name: site.loc_name,
                })
            };
            slot.loc.store(want, Ordering::Relaxed);
        } else if p != want {
            continue;
        }
        // SAFETY: the slot was written (above, or by an earlier holder) and is never written again.
        found = Ok(unsafe { (*slot.call_site.get()).assume_init_ref() });
        break;
    }
    SLOTS_BUSY.store(false, Ordering::Release);
    found
}

/// Lends the class of `site` under the running scenario's strategy (for two_locations.rs
/// in both modules, exported by precision/params.c): the token goes into `out` (boxed), until
/// `lcb_precision_release`.
///
/// # Safety
///
/// `out` is valid for writes.
#[no_mangle]
pub(crate) unsafe extern "C" fn lcb_precision_class(
    site: &SharedSite,
    out: *mut LentClass,
) -> c_int {
    let Some(strategy) = active() else {
        pr_err!("precision: no scenario is running, no class to give\n");
        return EINVAL.to_errno();
    };
    let call_site = match slot_for(site) {
        Ok(c) => c,
        Err(e) => return e.to_errno(),
    };
    let held = (strategy.class)(call_site);
    let class = held.class();
    describe(strategy, "shared", call_site, class_ref(&held));
    let token = match KBox::new(held, GFP_KERNEL) {
        Ok(t) => KBox::into_raw(t).cast(),
        Err(_) => return ENOMEM.to_errno(),
    };
    // SAFETY: valid for writes (caller).
    unsafe { out.write(LentClass { class, token }) };
    0
}

/// Gives back a class `lcb_precision_class` lent: drops its token.
///
/// # Safety
///
/// `class` was filled by `lcb_precision_class`, is given back once, and no lock uses it any
/// more.
#[no_mangle]
pub(crate) unsafe extern "C" fn lcb_precision_release(class: *mut LentClass) {
    // SAFETY: the token is a `KBox<Held<'static, Kernel>>` from `lcb_precision_class`, given
    // back once (caller).
    drop(unsafe { KBox::from_raw((*class).token.cast::<Held<'static, Kernel>>()) });
}

/// Which half the peer module takes at this load, a two_locations.rs `PeerOrder`, or a
/// negative errno when the running scenario has no use for the peer.
#[no_mangle]
pub(crate) extern "C" fn lcb_precision_peer_order() -> c_int {
    let loads = PEER_LOADS.fetch_add(1, Ordering::Relaxed);
    let peer = ACTIVE_PEER.load(Ordering::Relaxed);
    if active().is_none() || peer == Peer::Refused as usize {
        pr_err!("precision: the running scenario (if any) has no use for the peer module\n");
        return EINVAL.to_errno();
    }
    let order = match peer {
        p if p == Peer::HalvesByLoad as usize && loads == 0 => PeerOrder::AThenB,
        p if p == Peer::GenericBThenA as usize => PeerOrder::GenericBThenA,
        p if p == Peer::InlineBThenA as usize => PeerOrder::InlineBThenA,
        _ => PeerOrder::BThenA,
    };
    order as c_int
}
