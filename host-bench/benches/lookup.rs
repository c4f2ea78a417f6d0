// SPDX-License-Identifier: GPL-2.0

//! `lookup`: the hit path, every strategy over 1..all compiled sites, after a warm-up pass
//! has created every class. `noop` is the harness baseline.

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use host_bench::harness::{self, lookup_batch, SITE_COUNTS};
use host_bench::strategy::{self, HostStrategy, Visit};
use std::hint::black_box;

struct Lookup<'a, 'c>(&'a mut BenchmarkGroup<'c, WallTime>);

impl Visit for Lookup<'_, '_> {
    fn visit<S: HostStrategy>(&mut self) {
        let s = S::new();
        for n in SITE_COUNTS {
            let sites = harness::pass_sites(n);
            // Warm-up: the first pass creates the classes; every later lookup hits.
            black_box(lookup_batch(&s, sites, 0, 1));
            self.0.throughput(Throughput::Elements(sites.len() as u64));
            self.0.bench_function(BenchmarkId::new(S::NAME, n), |b| {
                b.iter_custom(|iters| {
                    harness::cpu_timed(|| {
                        black_box(lookup_batch(&s, sites, 0, iters));
                    })
                })
            });
        }
    }
}

fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("lookup");
    strategy::for_each(&mut Lookup(&mut group));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(host_bench::harness::WARM_UP)
        .measurement_time(host_bench::harness::MEASUREMENT);
    targets = lookup
}
criterion_main!(benches);
