// SPDX-License-Identifier: GPL-2.0

//! Instructions per lookup, counted with callgrind (`valgrind --tool=callgrind`): this machine
//! (a VM) exposes no hardware performance counters, and callgrind's counts are exact and
//! repeatable where times are not, so they are the figure to lean on for the cheap strategies.
//!
//! The export binary runs itself under callgrind ([`COUNT_ARG`]), twice per strategy and site
//! count, with [`COUNT_ITERS`] passes over the sites, counting only inside
//! [`lookup_batch`](crate::harness::lookup_batch) (the warm-up pass that creates the classes
//! included, in both runs). The difference of the two counts divided by the difference in
//! operations is what one hit costs: start-up, warm-up and the batch's entry and exit cancel.
//! Counted are user-space instructions of the whole operation as the `lookup` benchmark times
//! it, loop included (that is what `noop` counts); a system call (the `dynamic` strategy's
//! registry lock when contended) counts as its user-space instructions only.

use crate::harness::{lookup_batch, pass_sites};
use crate::strategy::{self, HostStrategy, Visit};
use std::fs;
use std::path::Path;
use std::process::Command;

/// The first argument that makes the export binary run lookups instead of exporting:
/// `COUNT_ARG STRATEGY SITES ITERS`.
pub const COUNT_ARG: &str = "--count-lookups";

/// Passes over the sites in the two counted runs.
pub const COUNT_ITERS: [u64; 2] = [20, 60];

/// Runs a warm-up pass and then `iters` passes of `name`'s lookups over `n` sites, as the
/// `lookup` benchmark walks them ([`pass_sites`]); this is what runs under callgrind.
pub fn run_lookups(name: &str, n: usize, iters: u64) -> Result<(), String> {
    struct Run(usize, u64);
    impl Visit for Run {
        fn visit<S: HostStrategy>(&mut self) {
            let s = S::new();
            let sites = pass_sites(self.0);
            std::hint::black_box(lookup_batch(&s, sites, 0, 1));
            std::hint::black_box(lookup_batch(&s, sites, 0, self.1));
        }
    }
    if n == 0 || n > crate::call_sites::COMPILED_SITES {
        return Err(format!(
            "{n} sites: there are 1..={}",
            crate::call_sites::COMPILED_SITES
        ));
    }
    if strategy::visit_named(name, &mut Run(n, iters)) {
        Ok(())
    } else {
        Err(format!(
            "unknown strategy {name}; valid: {}",
            strategy::NAMES.join(", ")
        ))
    }
}

/// Whether `valgrind` can be run here.
pub fn valgrind_available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Instructions counted inside `lookup_batch` when `exe` runs `iters` passes of `name` over
/// `n` sites under callgrind.
fn count_once(exe: &Path, name: &str, n: usize, iters: u64) -> Result<u64, String> {
    let out = std::env::temp_dir().join(format!(
        "host-bench-callgrind-{}-{name}-{n}-{iters}.out",
        std::process::id()
    ));
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--toggle-collect=*harness::lookup_batch*")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(exe)
        .args([COUNT_ARG, name, &n.to_string(), &iters.to_string()])
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    let text = fs::read_to_string(&out);
    let _ = fs::remove_file(&out);
    if !status.status.success() {
        return Err(format!(
            "valgrind on {name} with {n} sites failed: {}",
            String::from_utf8_lossy(&status.stderr)
        ));
    }
    let text = text.map_err(|e| format!("{}: {e}", out.display()))?;
    totals(&text).ok_or_else(|| format!("{}: no totals line", out.display()))
}

/// The instruction total of a callgrind output file (its `totals:` or `summary:` line).
pub fn totals(callgrind_out: &str) -> Option<u64> {
    callgrind_out.lines().find_map(|l| {
        let rest = l
            .strip_prefix("totals:")
            .or_else(|| l.strip_prefix("summary:"))?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// Instructions one lookup of `name` over `n` sites executes, from two callgrind runs of `exe`.
pub fn per_op(exe: &Path, name: &str, n: usize) -> Result<f64, String> {
    let [few, many] = COUNT_ITERS;
    let a = count_once(exe, name, n, few)?;
    let b = count_once(exe, name, n, many)?;
    let ops = (many - few) * pass_sites(n).len() as u64;
    Ok(b.saturating_sub(a) as f64 / ops as f64)
}
