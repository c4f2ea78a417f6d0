// SPDX-License-Identifier: GPL-2.0

//! Parameter parsing and validation. Any bad value fails `insmod` with `-EINVAL` after one log
//! line that names the parameter, the value and what is valid (`error param=...`).

use crate::glue;
use crate::sites::COMPILED_SITES;
use crate::strategies::{StrategyInfo, NAMES};
use kernel::prelude::*;
use kernel::str::CStr;

/// A `mode=` word: what is measured, in which context (`measures`, `context`). The command
/// line offers one word per combination it runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Lookup,
    Create,
    Init,
    Acquire,
    Concurrent,
    Atomic,
}

/// Every mode, in output order.
pub(crate) const MODES: [Mode; 6] = [
    Mode::Lookup,
    Mode::Create,
    Mode::Init,
    Mode::Acquire,
    Mode::Concurrent,
    Mode::Atomic,
];

/// What a mode times per operation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    /// Finding a site's class (a hit, after a populating pass).
    Lookup,
    /// Making a site's class (a miss: every run starts from an empty table).
    Create,
    /// Finding the class and initialising a mutex with it.
    Init,
    /// As `Init`, then the mutex's first lock and unlock.
    Acquire,
}

/// Where a mode's operations run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// The loading task, preemptible.
    Task,
    /// The loading task with preemption disabled (GFP_ATOMIC on a miss).
    PreemptOff,
    /// One kthread per CPU at once, on the same sites.
    Threads,
}

impl Mode {
    /// What it measures: `concurrent` and `atomic` time lookups.
    pub(crate) const fn measures(self) -> Measure {
        match self {
            Mode::Lookup | Mode::Concurrent | Mode::Atomic => Measure::Lookup,
            Mode::Create => Measure::Create,
            Mode::Init => Measure::Init,
            Mode::Acquire => Measure::Acquire,
        }
    }

    /// Where it runs.
    pub(crate) const fn context(self) -> Context {
        match self {
            Mode::Concurrent => Context::Threads,
            Mode::Atomic => Context::PreemptOff,
            _ => Context::Task,
        }
    }

    pub(crate) const fn name(self) -> &'static str {
        match self {
            Mode::Lookup => "lookup",
            Mode::Create => "create",
            Mode::Init => "init",
            Mode::Acquire => "acquire",
            Mode::Concurrent => "concurrent",
            Mode::Atomic => "atomic",
        }
    }
}

/// Most kthreads a concurrent run uses (the kernels built here have NR_CPUS=8).
pub(crate) const MAX_THREADS: usize = 8;

/// Limits, so a load cannot run for hours: per parameter, and on the whole plan's operations
/// (a cheap first bound; the cost model in `cost.rs` then bounds the plan's time).
pub(crate) const MAX_LOOPS: i32 = 10_000_000;
const MAX_RUNS: i32 = 1000;
const MAX_WARMUP: i32 = 100;
const MAX_TOTAL_OPS: u64 = 500_000_000;
/// Longest list parameter accepted (bytes).
const MAX_PARAM_LEN: usize = 256;
const MAX_SECONDS: i32 = 86400;

/// What one load runs.
pub(crate) struct Plan {
    /// Indices into `STRATEGIES`.
    pub(crate) strategies: KVec<usize>,
    pub(crate) modes: KVec<Mode>,
    pub(crate) threads: KVec<u32>,
    pub(crate) sites: KVec<usize>,
    pub(crate) loops: u64,
    pub(crate) runs: u32,
    pub(crate) warmup: u32,
    pub(crate) atomic_demo: bool,
    pub(crate) fail_alloc_every: u32,
    pub(crate) leak_keys: bool,
    /// Longest estimated run time accepted, seconds.
    pub(crate) max_seconds: u32,
    /// Classes lockdep held before the load, if the runner said (`lockdep_classes=`).
    pub(crate) lockdep_classes: Option<u64>,
    /// Run even if the plan may fill lockdep's class table; rows are then marked.
    pub(crate) past_class_limit: bool,
}

impl Plan {
    /// Whether the harness runs `mode` for the strategy (or skips it with a reason).
    pub(crate) fn runs_mode(&self, info: &StrategyInfo, mode: Mode) -> bool {
        mode != Mode::Atomic || info.atomic_safe || (self.atomic_demo && info.atomic_demo)
    }
}

/// Logs why `name=value` is refused and gives -EINVAL.
fn refuse(
    name: &str,
    value: impl core::fmt::Display,
    valid: impl core::fmt::Display,
    why: &str,
) -> Error {
    pr_err!("invalid parameter {}=\"{}\": {}\n", name, value, why);
    pr_err!("error param={} value={} valid={}\n", name, value, valid);
    EINVAL
}

/// Refuses a list that names `item` twice (lists are sets: a repeat would run twice).
fn repeated(name: &str, value: &str, item: impl core::fmt::Display) -> Error {
    pr_err!(
        "invalid parameter {}=\"{}\": {} is repeated (lists are sets)\n",
        name,
        value,
        item
    );
    pr_err!(
        "error param={} value={} valid=distinct_values repeated={}\n",
        name,
        value,
        item
    );
    EINVAL
}

fn as_str(name: &str, p: Option<&'static CStr>) -> Result<&'static str> {
    let Some(s) = p else {
        return Err(refuse(name, "", "a non-empty value", "missing value"));
    };
    let s = s
        .to_str()
        .map_err(|_| refuse(name, "?", "ASCII names and numbers", "not valid UTF-8"))?;
    if s.len() > MAX_PARAM_LEN {
        return Err(refuse(
            name,
            "(too long)",
            "at most 256 characters",
            "value too long",
        ));
    }
    if s.is_empty() {
        return Err(refuse(name, "", "a non-empty value", "empty value"));
    }
    Ok(s)
}

/// Parses a comma list of names from `all` (or the word `all`) into indices; a refusal lists
/// `all`, the table itself.
fn names(name: &str, value: &str, all: &[&'static str]) -> Result<KVec<usize>> {
    let valid = AllOr(crate::fmt::List(all.iter()));
    let mut out = KVec::new();
    if value == "all" {
        for i in 0..all.len() {
            out.push(i, GFP_KERNEL)?;
        }
        return Ok(out);
    }
    for item in value.split(',') {
        match all.iter().position(|n| *n == item) {
            Some(i) if out.contains(&i) => return Err(repeated(name, value, item)),
            Some(i) => out.push(i, GFP_KERNEL)?,
            None => {
                return Err(refuse(
                    name,
                    value,
                    &valid,
                    "unknown name (names are lower case)",
                ))
            }
        }
    }
    Ok(out)
}

/// Parses a comma list of distinct integers, each in `1..=max` (`why_max` says why a larger
/// one is refused).
fn numbers(name: &str, value: &str, max: usize, why_max: &str) -> Result<KVec<usize>> {
    let valid = Range(1, max as i64);
    let mut out = KVec::new();
    for item in value.split(',') {
        let n: usize = item
            .parse()
            .map_err(|_| refuse(name, value, valid, "not a comma list of positive integers"))?;
        if n == 0 {
            return Err(refuse(name, value, valid, "out of range"));
        }
        if n > max {
            return Err(refuse(name, value, valid, why_max));
        }
        if out.contains(&n) {
            return Err(repeated(name, value, n));
        }
        out.push(n, GFP_KERNEL)?;
    }
    Ok(out)
}

/// "all|a,b,c" in messages.
struct AllOr<L>(L);

impl<L: core::fmt::Display> core::fmt::Display for AllOr<L> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "all|{}", self.0)
    }
}

/// "lo..hi" in messages.
#[derive(Clone, Copy)]
struct Range(i64, i64);

impl core::fmt::Display for Range {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}..{}", self.0, self.1)
    }
}

fn bounded(name: &str, v: i32, lo: i32, hi: i32) -> Result<u32> {
    if v < lo || v > hi {
        return Err(refuse(name, v, Range(lo.into(), hi.into()), "out of range"));
    }
    Ok(v as u32)
}

/// Reads and validates every parameter.
pub(crate) fn plan() -> Result<Plan> {
    let p = glue::params();

    let strategies = names("strategy", as_str("strategy", p.strategy)?, &NAMES)?;
    let mode_names = MODES.map(Mode::name);
    let mode_idx = names("mode", as_str("mode", p.mode)?, &mode_names)?;
    let mut modes = KVec::new();
    for i in mode_idx.iter() {
        modes.push(MODES[*i], GFP_KERNEL)?;
    }

    let online = glue::online_cpus() as usize;
    let cpus = online.min(MAX_THREADS);
    let threads_str = as_str("threads", p.threads)?;
    let threads_raw = if p.threads_is_default {
        // The default list is cut to the online CPUs (a 1-CPU kernel runs threads=1); an
        // explicit list is taken as asked, or refused.
        let all = numbers("threads", threads_str, MAX_THREADS, "out of range")?;
        let mut cut = KVec::new();
        for &t in all.iter().filter(|&&t| t <= cpus) {
            cut.push(t, GFP_KERNEL)?;
        }
        if cut.len() < all.len() {
            pr_info!(
                "threads: default list {} cut to {} online CPU(s): threads={}\n",
                threads_str,
                online,
                crate::fmt::List(cut.iter())
            );
        }
        cut
    } else {
        numbers(
            "threads",
            threads_str,
            cpus,
            "more threads than online CPUs (one kthread per CPU)",
        )?
    };
    let mut threads = KVec::new();
    for t in threads_raw.iter() {
        threads.push(*t as u32, GFP_KERNEL)?;
    }
    let sites = numbers(
        "sites",
        as_str("sites", p.sites)?,
        COMPILED_SITES,
        "more sites than the module has compiled",
    )?;

    let loops = bounded("loops", p.loops, 1, MAX_LOOPS)? as u64;
    let runs = bounded("runs", p.runs, 1, MAX_RUNS)?;
    let warmup = bounded("warmup", p.warmup, 0, MAX_WARMUP)?;
    let fail_alloc_every = bounded("fail_alloc_every", p.fail_alloc_every, 0, i32::MAX)?;
    let max_seconds = bounded("max_seconds", p.max_seconds, 1, MAX_SECONDS)?;
    let lockdep_classes = match p.lockdep_classes {
        -1 => None,
        v => Some(bounded("lockdep_classes", v, 0, i32::MAX)? as u64),
    };

    // A cheap bound on the operations first; the cost model bounds the time after calibration.
    let per_combo = loops * (runs + warmup) as u64;
    let combos = (strategies.len() * modes.len() * sites.len() * threads.len()) as u64;
    let total = per_combo.saturating_mul(combos);
    if total > MAX_TOTAL_OPS {
        pr_err!(
            "invalid parameters: loops x (runs + warmup) x strategies x modes x sites x threads = {} operations, more than {}\n",
            total,
            MAX_TOTAL_OPS
        );
        pr_err!(
            "error param=loops value={} valid=total<={}\n",
            loops,
            MAX_TOTAL_OPS
        );
        return Err(EINVAL);
    }

    Ok(Plan {
        strategies,
        modes,
        threads,
        sites,
        loops,
        runs,
        warmup,
        atomic_demo: p.atomic_demo,
        fail_alloc_every,
        leak_keys: p.leak_keys,
        max_seconds,
        lockdep_classes,
        past_class_limit: p.past_class_limit,
    })
}
