// SPDX-License-Identifier: GPL-2.0

//! `create`: the miss path, the cost of the first lookup of each site in a fresh strategy
//! (table allocation outside the timing, bucket and record allocation and key registration
//! inside it).

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use host_bench::harness::{self, create_batch_size, lookup_batch, SITE_COUNTS};
use host_bench::strategy::{self, HostStrategy, Visit};
use std::hint::black_box;

struct Create<'a, 'c>(&'a mut BenchmarkGroup<'c, WallTime>);

impl Visit for Create<'_, '_> {
    fn visit<S: HostStrategy>(&mut self) {
        for n in SITE_COUNTS {
            let sites = harness::sites(n);
            let batch = create_batch_size::<S>(sites);
            self.0.throughput(Throughput::Elements(n as u64));
            self.0.bench_function(BenchmarkId::new(S::NAME, n), |b| {
                // By reference: a strategy is not moved inside the timing (`cached` holds its
                // table inline, tens of KiB); criterion drops the batch (freeing and
                // unregistering) untimed.
                b.iter_batched_ref(
                    S::new,
                    |s| black_box(lookup_batch(s, sites, 0, 1)),
                    BatchSize::NumIterations(batch),
                )
            });
        }
    }
}

fn create(c: &mut Criterion) {
    let mut group = c.benchmark_group("create");
    strategy::for_each(&mut Create(&mut group));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(host_bench::harness::WARM_UP)
        .measurement_time(host_bench::harness::MEASUREMENT);
    targets = create
}
criterion_main!(benches);
