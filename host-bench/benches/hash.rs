// SPDX-License-Identifier: GPL-2.0

//! `hash`: what picking a bucket costs: SipHash over file, line and column (the RFC), a cheap
//! FxHash over the same, and a multiply-shift of the `Location`'s address (`cached`).

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use host_bench::call_sites::COMPILED_SITES;
use host_bench::harness::{self, hash_batch};
use host_bench::hash::{AddrHashSite, FxHashSite, SipHashSite, SiteHash};
use std::hint::black_box;

fn bench<H: SiteHash>(group: &mut BenchmarkGroup<'_, WallTime>) {
    let sites = harness::sites(COMPILED_SITES);
    group.throughput(Throughput::Elements(sites.len() as u64));
    group.bench_function(BenchmarkId::new(H::NAME, sites.len()), |b| {
        b.iter_custom(|iters| {
            harness::cpu_timed(|| {
                black_box(hash_batch::<H>(sites, iters));
            })
        })
    });
}

fn hash(c: &mut Criterion) {
    let mut group = c.benchmark_group("hash");
    bench::<SipHashSite>(&mut group);
    bench::<FxHashSite>(&mut group);
    bench::<AddrHashSite>(&mut group);
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(host_bench::harness::WARM_UP)
        .measurement_time(host_bench::harness::MEASUREMENT);
    targets = hash
}
criterion_main!(benches);
