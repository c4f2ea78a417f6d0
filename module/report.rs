// SPDX-License-Identifier: GPL-2.0

//! Output: one machine-readable line per result as it is measured, and a human summary table
//! at the end (format documented in docs/output-format.md).

use crate::params::Mode;
use kernel::prelude::*;

/// One measured run.
pub(crate) struct Row {
    pub(crate) strategy: &'static str,
    pub(crate) mode: Mode,
    pub(crate) threads: u32,
    pub(crate) sites: u32,
    pub(crate) run: u32,
    pub(crate) ops: u64,
    /// Picoseconds per operation (ns with three decimals, without floating point).
    pub(crate) ps_per_op: u64,
    /// Slowest thread's, in `concurrent` mode.
    pub(crate) max_ps_per_op: Option<u64>,
}

/// ps as "ns.ddd".
struct Ns(u64);

impl core::fmt::Display for Ns {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Render first, then pad, so the summary's column widths apply.
        let mut buf = Buf([0; 32], 0);
        core::fmt::Write::write_fmt(
            &mut buf,
            format_args!("{}.{:03}", self.0 / 1000, self.0 % 1000),
        )?;
        f.pad(core::str::from_utf8(&buf.0[..buf.1]).map_err(|_| core::fmt::Error)?)
    }
}

/// A fixed buffer to format into (u64 ns with decimals needs at most 25 bytes).
struct Buf([u8; 32], usize);

impl core::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.1 + s.len();
        self.0
            .get_mut(self.1..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.1 = end;
        Ok(())
    }
}

/// Collects rows for the summary and counts progress.
pub(crate) struct Report {
    rows: KVec<Row>,
    step: usize,
    total_steps: usize,
}

impl Report {
    pub(crate) fn new(total_steps: usize) -> Self {
        Self {
            rows: KVec::new(),
            step: 0,
            total_steps,
        }
    }

    pub(crate) fn progress(&mut self, strategy: &str, mode: Mode) {
        self.step += 1;
        pr_info!(
            "progress step={}/{} strategy={} mode={}\n",
            self.step,
            self.total_steps,
            strategy,
            mode.name()
        );
    }

    pub(crate) fn skip(&mut self, strategy: &str, mode: Mode, reason: &str) {
        pr_info!(
            "skip strategy={} mode={} reason={}\n",
            strategy,
            mode.name(),
            reason
        );
    }

    pub(crate) fn result(&mut self, row: Row) -> Result {
        match row.max_ps_per_op {
            Some(max) => pr_info!(
                "result strategy={} mode={} threads={} sites={} run={} ops={} ns_per_op={} max_ns_per_op={}\n",
                row.strategy, row.mode.name(), row.threads, row.sites, row.run, row.ops, Ns(row.ps_per_op), Ns(max)
            ),
            None => pr_info!(
                "result strategy={} mode={} threads={} sites={} run={} ops={} ns_per_op={}\n",
                row.strategy, row.mode.name(), row.threads, row.sites, row.run, row.ops, Ns(row.ps_per_op)
            ),
        }
        self.rows.push(row, GFP_KERNEL)?;
        Ok(())
    }

    /// Reports whether a table holds exactly one class per site; an error fails the load.
    pub(crate) fn check(
        &mut self,
        strategy: &str,
        mode: Mode,
        sites: usize,
        classes: usize,
    ) -> Result {
        let ok = sites == classes;
        pr_info!(
            "check strategy={} mode={} sites={} classes={} ok={}\n",
            strategy,
            mode.name(),
            sites,
            classes,
            ok as u8
        );
        if ok {
            Ok(())
        } else {
            pr_err!(
                "{} holds {} classes for {} sites after mode {}\n",
                strategy,
                classes,
                sites,
                mode.name()
            );
            Err(EINVAL)
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.rows.len()
    }

    /// The summary table: median, min and max ns/op over the runs of each configuration.
    pub(crate) fn summary(&mut self) -> Result {
        pr_info!(
            "summary {:<9} {:<10} {:>7} {:>5} {:>12} {:>12} {:>12}\n",
            "strategy",
            "mode",
            "threads",
            "sites",
            "median_ns",
            "min_ns",
            "max_ns"
        );
        let mut i = 0;
        while i < self.rows.len() {
            let r = &self.rows[i];
            let same = |o: &Row| {
                o.strategy == r.strategy
                    && o.mode == r.mode
                    && o.threads == r.threads
                    && o.sites == r.sites
            };
            let mut ps: KVec<u64> = KVec::new();
            let mut j = i;
            while j < self.rows.len() && same(&self.rows[j]) {
                ps.push(self.rows[j].ps_per_op, GFP_KERNEL)?;
                j += 1;
            }
            insertion_sort(&mut ps);
            let median = if ps.len() % 2 == 1 {
                ps[ps.len() / 2]
            } else {
                (ps[ps.len() / 2 - 1] + ps[ps.len() / 2]) / 2
            };
            pr_info!(
                "summary {:<9} {:<10} {:>7} {:>5} {:>12} {:>12} {:>12}\n",
                r.strategy,
                r.mode.name(),
                r.threads,
                r.sites,
                Ns(median),
                Ns(ps[0]),
                Ns(ps[ps.len() - 1])
            );
            i = j;
        }
        Ok(())
    }
}

/// Sorts the few runs of one configuration. (Not `core`'s sort: its panic path is a noreturn
/// call that 6.12's objtool does not know, so it warns about a fall-through.)
fn insertion_sort(v: &mut [u64]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}
