// SPDX-License-Identifier: GPL-2.0

//! `concurrent`: 1 up to as many threads as the machine has CPUs (read at run time), looking up
//! the same shared sites at once (hit path); the time is per operation and per thread (each
//! thread does `sites` lookups per iteration).

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use host_bench::harness::{
    self, concurrent_param, lookup_batch, run_concurrent, thread_counts, CONCURRENT_SITE_COUNTS,
};
use host_bench::strategy::{self, HostStrategy, Visit};
use std::hint::black_box;

struct Concurrent<'a, 'c>(&'a mut BenchmarkGroup<'c, WallTime>);

impl Visit for Concurrent<'_, '_> {
    fn visit<S: HostStrategy>(&mut self) {
        let s = S::new();
        for n in CONCURRENT_SITE_COUNTS {
            let sites = harness::pass_sites(n);
            black_box(lookup_batch(&s, sites, 0, 1));
            self.0.throughput(Throughput::Elements(sites.len() as u64));
            for threads in thread_counts(host_bench::export::cores()) {
                let id = BenchmarkId::new(S::NAME, concurrent_param(threads, n));
                self.0.bench_function(id, |b| {
                    b.iter_custom(|iters| run_concurrent(&s, sites, threads, iters))
                });
            }
        }
    }
}

fn concurrent(c: &mut Criterion) {
    let mut group = c.benchmark_group("concurrent");
    strategy::for_each(&mut Concurrent(&mut group));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(host_bench::harness::WARM_UP)
        .measurement_time(host_bench::harness::MEASUREMENT);
    targets = concurrent
}
criterion_main!(benches);
