// SPDX-License-Identifier: GPL-2.0

//! Parameter parsing and validation. Any bad value fails `insmod` with `-EINVAL` after one log
//! line that names the parameter, the value and what is valid (`error param=...`).

use crate::glue;
use crate::sites::COMPILED_SITES;
use crate::strategy::STRATEGIES;
use crate::workload::MAX_THREADS;
use kernel::ffi::c_char;
use kernel::prelude::*;
use kernel::str::CStr;

/// A workload.
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

impl Mode {
    pub(crate) fn name(self) -> &'static str {
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

/// Limits, so a load cannot run for hours: per parameter, and on the whole plan's operations.
const MAX_LOOPS: i32 = 10_000_000;
const MAX_RUNS: i32 = 1000;
const MAX_WARMUP: i32 = 100;
const MAX_TOTAL_OPS: u64 = 500_000_000;
/// Longest list parameter accepted (bytes).
const MAX_PARAM_LEN: usize = 256;

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

fn as_str(name: &str, p: *const c_char) -> Result<&'static str> {
    if p.is_null() {
        return Err(refuse(name, "", "a non-empty value", "missing value"));
    }
    // SAFETY: the C side's charp parameters are NUL-terminated strings that live as long as
    // the module.
    let s = unsafe { CStr::from_char_ptr(p) };
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

/// Parses a comma list of names from `all` (or the word `all`) into indices.
fn names(name: &str, value: &str, all: &[&str], valid: &str) -> Result<KVec<usize>> {
    let mut out = KVec::new();
    if value == "all" {
        for i in 0..all.len() {
            out.push(i, GFP_KERNEL)?;
        }
        return Ok(out);
    }
    for item in value.split(',') {
        match all.iter().position(|n| *n == item) {
            Some(i) => out.push(i, GFP_KERNEL)?,
            None => {
                return Err(refuse(
                    name,
                    value,
                    valid,
                    "unknown name (names are lower case)",
                ))
            }
        }
    }
    Ok(out)
}

/// Parses a comma list of integers, each in `1..=max`.
fn numbers(name: &str, value: &str, max: usize) -> Result<KVec<usize>> {
    let valid = Range(1, max as i64);
    let mut out = KVec::new();
    for item in value.split(',') {
        let n: usize = item
            .parse()
            .map_err(|_| refuse(name, value, valid, "not a comma list of positive integers"))?;
        if n == 0 || n > max {
            return Err(refuse(name, value, valid, "out of range"));
        }
        out.push(n, GFP_KERNEL)?;
    }
    Ok(out)
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
    let p = glue::str_params();
    let (loops, runs, warmup, fail_every) = glue::int_params();
    let (atomic_demo, leak_keys) = glue::bool_params();

    let mut all_strategies = [""; STRATEGIES.len()];
    for (i, s) in STRATEGIES.iter().enumerate() {
        all_strategies[i] = s.name;
    }
    let strategies = names(
        "strategy",
        as_str("strategy", p.strategy)?,
        &all_strategies,
        "all|noop,mutex,spinlock,rcu,location,macro,dynamic,cached",
    )?;
    let mode_names = MODES.map(Mode::name);
    let mode_idx = names(
        "mode",
        as_str("mode", p.mode)?,
        &mode_names,
        "all|lookup,create,init,acquire,concurrent,atomic",
    )?;
    let mut modes = KVec::new();
    for i in mode_idx.iter() {
        modes.push(MODES[*i], GFP_KERNEL)?;
    }

    let cpus = (glue::online_cpus() as usize).min(MAX_THREADS);
    let threads_raw = numbers("threads", as_str("threads", p.threads)?, cpus)?;
    let mut threads = KVec::new();
    for t in threads_raw.iter() {
        threads.push(*t as u32, GFP_KERNEL)?;
    }
    let sites = numbers("sites", as_str("sites", p.sites)?, COMPILED_SITES)?;

    let loops = bounded("loops", loops, 1, MAX_LOOPS)? as u64;
    let runs = bounded("runs", runs, 1, MAX_RUNS)?;
    let warmup = bounded("warmup", warmup, 0, MAX_WARMUP)?;
    let fail_alloc_every = bounded("fail_alloc_every", fail_every, 0, i32::MAX)?;

    // Watchdog on the plan: refuse what would keep insmod busy for hours.
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
        atomic_demo,
        fail_alloc_every,
        leak_keys,
    })
}
