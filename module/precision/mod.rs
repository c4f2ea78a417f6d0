// SPDX-License-Identifier: GPL-2.0

//! Lockdep precision (`scenario=NAME strategy=ONE`): instead of the benchmark, the module runs
//! one scenario (scenarios.rs) with locks whose classes come from one strategy, and lockdep
//! decides what it sees. Lockdep reports once and then switches itself off, so each
//! scenario x strategy needs a fresh boot (scripts/precision.sh). The log says what ran:
//!
//!   precision start scenario=S strategy=T expected=E leak_keys=0|1 fail_alloc_every=K lockdep=0|1
//!   precision lock label=L site=FILE:LINE:COLUMN key=location|static|pool|registered class=NAME
//!   precision done scenario=S strategy=T lockdep=0|1 [count=N]

mod lock;
mod scenarios;
mod two_locations;

use crate::glue;
use crate::kernel_env::LEAK_KEYS;
use crate::ops::{StrategyOps, STRATEGIES};
use crate::sites::CallSite;
use crate::strategy::Class;
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use kernel::bindings;
use kernel::ffi::{c_char, c_int, c_void};
use kernel::prelude::*;
use kernel::str::CStr;
use lock::{LockClass, ScenarioMutex};
use two_locations::SharedSite;

extern "C" {
    // precision/params.c
    fn lcb_param_scenario() -> *const c_char;
}

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

/// Whether `scenario=` was given.
pub(crate) fn requested() -> bool {
    // SAFETY: the parameter is a NUL-terminated string that lives as long as the module.
    let p = unsafe { lcb_param_scenario() };
    // SAFETY: as above; checked for null first.
    !p.is_null() && unsafe { *p } != 0
}

fn param_str(name: &str, p: *const c_char) -> Result<&'static str> {
    if p.is_null() {
        return Err(EINVAL);
    }
    // SAFETY: charp parameters are NUL-terminated and live as long as the module.
    unsafe { CStr::from_char_ptr(p) }.to_str().map_err(|_| {
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
    // SAFETY: reads of the module's own parameter, set before init runs.
    let name = param_str("scenario", unsafe { lcb_param_scenario() })?;
    let valid = Names(scenarios::SCENARIOS.iter().map(|s| s.name));
    let Some(scenario) = scenarios::SCENARIOS.iter().find(|s| s.name == name) else {
        pr_err!(
            "invalid parameter scenario=\"{}\": unknown scenario\n",
            name
        );
        pr_err!("error param=scenario value={} valid={}\n", name, valid);
        return Err(EINVAL);
    };
    let params = glue::raw_params()?;
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
    glue::set_alloc_fail_every(fail_alloc_every);
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
        (ops.reset)();
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
fn describe(label: &str, site: &CallSite, class: Class) {
    // SAFETY: every strategy names its classes with NUL-terminated strings that live as long
    // as the key.
    let name = unsafe { CStr::from_char_ptr(class.name) };
    // Which kind of key the strategy gave: the `Location` itself (the `location` strategy and
    // every fallback), the site's static key (`macro`), a static key of the `pool`, or one it
    // registered.
    let key = if class.key == site.loc as *const _ as *mut _ {
        "location"
    } else if class.key == site.key as *const _ as *mut _ {
        "static"
    } else if crate::strategy::pool::INSTANCE.holds(class.key) {
        "pool"
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

/// A lock created at `site` with the class `strategy` gives it, logged as `label`.
pub(crate) fn new_lock(
    strategy: &StrategyOps,
    label: &str,
    site: &'static CallSite,
) -> Result<KBox<ScenarioMutex>> {
    let c = (strategy.class)(site);
    describe(label, site, c);
    let class = LockClass {
        key: c.key,
        name: c.name,
    };
    // SAFETY: a strategy's class stays valid until it is released, which the mutex does
    // (with `site`, as `release_call_site` expects).
    unsafe { ScenarioMutex::new(class, (site as *const CallSite).cast(), release_call_site) }
}

/// Gives back a class `new_lock` made for the `CallSite` at `site`.
///
/// # Safety
///
/// As `lcb_precision_release`, with `site` a `&'static CallSite`.
unsafe extern "C" fn release_call_site(
    site: *const c_void,
    key: *mut bindings::lock_class_key,
    name: *const c_char,
) {
    // SAFETY: a `&'static CallSite` (caller).
    let site: &'static CallSite = unsafe { &*site.cast::<CallSite>() };
    if let Some(strategy) = active() {
        (strategy.release)(site, Class { key, name });
    }
}

/// A site's `CallSite`, made once per `SharedSite` (the peer module's sites have none).
struct Slot {
    site: AtomicPtr<SharedSite>,
    call_site: UnsafeCell<MaybeUninit<CallSite>>,
}

// SAFETY: `call_site` is written once, by the caller that claimed the slot under `SLOTS_BUSY`,
// before `site` is set; afterwards it is only read.
unsafe impl Sync for Slot {}

/// Two sites in each copy of two_locations.rs: this module's and the peer's.
static SLOTS: [Slot; 4] = [const {
    Slot {
        site: AtomicPtr::new(core::ptr::null_mut()),
        call_site: UnsafeCell::new(MaybeUninit::uninit()),
    }
}; 4];
/// Serialises the slot search; a second caller at the same time gets EBUSY.
static SLOTS_BUSY: AtomicBool = AtomicBool::new(false);

fn slot_for(site: &'static SharedSite) -> Result<&'static CallSite> {
    // Acquire/Release: a slot's `call_site` written before the flag is released is visible to
    // the next holder, which may return it.
    if SLOTS_BUSY.swap(true, Ordering::Acquire) {
        return Err(EBUSY);
    }
    let want = site as *const SharedSite as *mut SharedSite;
    let mut found = Err(ENOSPC);
    for slot in SLOTS.iter() {
        let p = slot.site.load(Ordering::Relaxed);
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
            slot.site.store(want, Ordering::Relaxed);
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

/// The class of `site` under the running scenario's strategy (for two_locations.rs in both
/// modules, exported by precision/params.c).
///
/// # Safety
///
/// `site` points at a `SharedSite` static of its module; `key` and `name` are valid for writes.
#[no_mangle]
pub(crate) unsafe extern "C" fn lcb_precision_class(
    site: *const c_void,
    key: *mut *mut bindings::lock_class_key,
    name: *mut *const c_char,
) -> c_int {
    let Some(strategy) = active() else {
        pr_err!("precision: no scenario is running, no class to give\n");
        return EINVAL.to_errno();
    };
    // SAFETY: a `SharedSite` static (caller).
    let site: &'static SharedSite = unsafe { &*site.cast::<SharedSite>() };
    let call_site = match slot_for(site) {
        Ok(c) => c,
        Err(e) => return e.to_errno(),
    };
    let c = (strategy.class)(call_site);
    describe("shared", call_site, c);
    // SAFETY: valid for writes (caller).
    unsafe {
        *key = c.key;
        *name = c.name;
    }
    0
}

/// Gives back a class `lcb_precision_class` gave for the `SharedSite` at `site`.
///
/// # Safety
///
/// `key` and `name` came from `lcb_precision_class(site)` and no lock uses them any more.
#[no_mangle]
pub(crate) unsafe extern "C" fn lcb_precision_release(
    site: *const c_void,
    key: *mut bindings::lock_class_key,
    name: *const c_char,
) {
    // SAFETY: the site's module is still loaded (its lock is going away now).
    let site: &'static SharedSite = unsafe { &*site.cast::<SharedSite>() };
    let (Some(strategy), Ok(call_site)) = (active(), slot_for(site)) else {
        return;
    };
    (strategy.release)(call_site, Class { key, name });
}

/// Which half the peer module takes at this load: 0 for A then B, 1 for B then A, or a
/// negative errno when the running scenario has no use for the peer.
#[no_mangle]
pub(crate) extern "C" fn lcb_precision_peer_order() -> c_int {
    let loads = PEER_LOADS.fetch_add(1, Ordering::Relaxed);
    let peer = ACTIVE_PEER.load(Ordering::Relaxed);
    if active().is_none() || peer == Peer::Refused as usize {
        pr_err!("precision: the running scenario (if any) has no use for the peer module\n");
        return EINVAL.to_errno();
    }
    if peer == Peer::HalvesByLoad as usize && loads == 0 {
        0
    } else {
        1
    }
}
