// SPDX-License-Identifier: GPL-2.0

//! Per-thread cost with every core busy against one thread, measured in pairs.
//!
//! Criterion measures a configuration for a few seconds, then the next one: on a virtual
//! machine whose speed drifts by tens of percent over seconds, the ratio of two criterion
//! figures (all cores, then one) measures the drift as much as the scaling (a 1.52x "slowdown"
//! of `cached` at 2 threads came out of it, while a paired run read 0.94x). Here each round
//! times a one-thread batch and an all-core batch back to back, about 10 ms each, and the
//! ratio is taken per round: a drift slower than a round touches both sides alike. The result
//! is the median over the rounds, with the range and every round's ratio (the report takes the
//! exact order-statistic 95 % interval of the median from them).

use crate::harness::{self, lookup_batch, run_concurrent};
use crate::strategy::{self, HostStrategy, Visit};
use std::hint::black_box;
use std::time::Duration;

/// Rounds per configuration (odd: the median is one of them). Contended locks' ratios spread
/// widely from round to round (`spinlock` at 64 sites: 1.0-2.5x), so 41 rounds left its
/// median's exact 95 % interval at -13/+7 %; 161 narrow it to about half (between the 69th
/// and 93rd ratios), for about a minute of the export.
pub const ROUNDS: usize = 161;
/// Target length of a one-thread batch.
const BATCH: Duration = Duration::from_millis(10);
/// Site counts measured.
pub const SITE_COUNTS: [usize; 2] = [64, 1024];
/// Header of `scaling.csv`.
pub const HEADER: &str =
    "strategy,sites,threads,cores,rounds,median_ratio,min_ratio,max_ratio,ratios";

/// One configuration's ratios: per-thread time per operation at `threads` over one thread's.
#[derive(Clone, Debug, PartialEq)]
pub struct Scaling {
    pub strategy: &'static str,
    pub sites: usize,
    pub threads: usize,
    /// Per-round ratios, sorted.
    pub ratios: Vec<f64>,
}

impl Scaling {
    /// The median ratio.
    pub fn median(&self) -> f64 {
        self.ratios[self.ratios.len() / 2]
    }

    /// A `scaling.csv` row.
    pub fn csv_row(&self, cores: usize) -> String {
        format!(
            "{},{},{},{},{},{:.4},{:.4},{:.4},{}",
            self.strategy,
            self.sites,
            self.threads,
            cores,
            self.ratios.len(),
            self.median(),
            self.ratios[0],
            self.ratios[self.ratios.len() - 1],
            (self.ratios.iter())
                .map(|r| format!("{r:.4}"))
                .collect::<Vec<_>>()
                .join(";")
        )
    }
}

/// `rounds` paired ratios for `S` at `sites` sites and `threads` threads (at least 2).
pub fn measure<S: HostStrategy>(sites: usize, threads: usize, rounds: usize) -> Scaling {
    assert!(threads >= 2 && rounds >= 1);
    // Boxed: the pool and cache strategies are hundreds of KiB.
    let s = Box::new(S::new());
    let s = &*s;
    let sites_slice = harness::pass_sites(sites);
    // Populate (misses), then size the batch from one timed pass.
    black_box(lookup_batch(s, sites_slice, 0, 1));
    let mut iters = 1u64;
    let mut probe = run_concurrent(s, sites_slice, 1, iters);
    while probe < BATCH / 10 && iters < 1 << 24 {
        iters *= 4;
        probe = run_concurrent(s, sites_slice, 1, iters);
    }
    let iters =
        (u128::from(iters) * BATCH.as_nanos() / probe.as_nanos().max(1)).clamp(1, 1 << 24) as u64;
    let mut ratios: Vec<f64> = (0..rounds)
        .map(|_| {
            let single = run_concurrent(s, sites_slice, 1, iters);
            let all = run_concurrent(s, sites_slice, threads, iters);
            all.as_secs_f64() / single.as_secs_f64().max(f64::MIN_POSITIVE)
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    Scaling {
        strategy: S::NAME,
        sites,
        threads,
        ratios,
    }
}

/// Every strategy at every site count, all `cores` threads against one; empty on one core.
pub fn measure_all(cores: usize, rounds: usize) -> Vec<Scaling> {
    struct All(Vec<Scaling>, usize, usize);
    impl Visit for All {
        fn visit<S: HostStrategy>(&mut self) {
            for n in SITE_COUNTS {
                self.0.push(measure::<S>(n, self.1, self.2));
            }
        }
    }
    if cores < 2 {
        return Vec::new();
    }
    let mut all = All(Vec::new(), cores, rounds);
    strategy::for_each(&mut all);
    all.0
}

/// `scaling.csv`.
pub fn csv(rows: &[Scaling], cores: usize) -> String {
    let mut s = String::from(HEADER);
    s.push('\n');
    for r in rows {
        s.push_str(&r.csv_row(cores));
        s.push('\n');
    }
    s
}
