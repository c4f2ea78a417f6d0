// SPDX-License-Identifier: GPL-2.0

//! Writes `results/host/host.csv` from criterion's saved estimates, with each `lookup` row's
//! instruction count from callgrind (see `host_bench::instructions`; the binary runs itself
//! under valgrind for that), and `results/host/memory.csv` from the strategies' footprint after
//! every compiled site was looked up, and `results/host/scaling.csv`: per-thread cost with every
//! core busy against one thread, in paired rounds (see `host_bench::scaling`).
//!
//! Usage: `cargo run -p host-bench --release --bin export [-- --criterion DIR] [--out DIR]
//! [--no-instructions] [--no-scaling]`

use host_bench::call_sites::{CALL_SITES, COMPILED_SITES};
use host_bench::export::{self, Machine, Measurement};
use host_bench::instructions::{self, COUNT_ARG};
use host_bench::strategy::{self, HostStrategy, Memory, Visit};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Every strategy's memory after looking up all compiled sites.
struct MemoryReport(Vec<(&'static str, Memory, usize)>);

impl Visit for MemoryReport {
    fn visit<S: HostStrategy>(&mut self) {
        let s = S::new();
        for site in &CALL_SITES {
            s.class(site, ()).class();
        }
        self.0
            .push((S::NAME, s.memory(COMPILED_SITES), s.fallbacks()));
    }
}

/// Counts instructions per lookup for every `lookup` row under callgrind (one count per
/// strategy and site count) and stores them in the rows.
fn count_instructions(rows: &mut [Measurement]) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("own executable: {e}"))?;
    let mut counted: BTreeMap<(String, usize), f64> = BTreeMap::new();
    for r in rows.iter_mut().filter(|r| r.mode == "lookup") {
        let key = (r.strategy.clone(), r.sites);
        let n = match counted.get(&key) {
            Some(&n) => n,
            None => {
                let n = instructions::per_op(&exe, &r.strategy, r.sites)?;
                println!(
                    "instructions per op: {:<10} {:>5} sites {n:>10.2}",
                    r.strategy, r.sites
                );
                counted.insert(key, n);
                n
            }
        };
        r.instructions_per_op = Some(n);
    }
    Ok(())
}

fn run() -> Result<(), String> {
    let mut criterion = export::criterion_dir();
    let mut out = export::workspace_dir().join("results").join("host");
    let mut count = true;
    let mut scaling = true;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || {
            args.next()
                .map(PathBuf::from)
                .ok_or(format!("{a} needs a value"))
        };
        match a.as_str() {
            "--criterion" => criterion = value()?,
            "--out" => out = value()?,
            "--no-instructions" => count = false,
            "--no-scaling" => scaling = false,
            COUNT_ARG => {
                // Run under callgrind by `count_instructions`: STRATEGY SITES ITERS.
                let mut next = || {
                    args.next()
                        .ok_or(format!("{COUNT_ARG} STRATEGY SITES ITERS"))
                };
                let (name, n, iters) = (next()?, next()?, next()?);
                let n = n.parse().map_err(|e| format!("sites {n}: {e}"))?;
                let iters = iters.parse().map_err(|e| format!("iters {iters}: {e}"))?;
                return instructions::run_lookups(&name, n, iters);
            }
            _ => {
                return Err(format!(
                    "unknown argument {a}; use --criterion DIR, --out DIR, --no-instructions, --no-scaling"
                ))
            }
        }
    }

    let mut rows = export::collect(&criterion)?;
    if rows.is_empty() {
        return Err(format!(
            "no host-bench results under {}; run `cargo bench -p host-bench` first",
            criterion.display()
        ));
    }
    let machine = Machine::this();
    // Left over from a run on a machine with more CPUs: not a measurement of this one.
    let before = rows.len();
    rows.retain(|r| r.threads <= machine.cores);
    if rows.len() < before {
        println!(
            "dropped {} rows with more threads than this machine's {} cores",
            before - rows.len(),
            machine.cores
        );
    }
    if !count {
        println!("instructions per op: not counted (--no-instructions)");
    } else if instructions::valgrind_available() {
        count_instructions(&mut rows)?;
    } else {
        return Err("valgrind not found: install it, or pass --no-instructions".into());
    }
    let host_csv = out.join("host.csv");
    export::write_file(&host_csv, &export::host_csv(&machine, &rows))?;
    println!(
        "{}: {} rows from {}",
        host_csv.display(),
        rows.len(),
        criterion.display()
    );

    let mut report = MemoryReport(Vec::new());
    strategy::for_each(&mut report);
    println!(
        "{:<10} {:>12} {:>13} {:>8} {:>10}",
        "strategy", "table_bytes", "record_bytes", "classes", "fallbacks"
    );
    for (name, m, fallbacks) in &report.0 {
        println!(
            "{name:<10} {:>12} {:>13} {:>8} {fallbacks:>10}",
            m.table_bytes, m.record_bytes, m.classes
        );
    }
    let mem: Vec<_> = report.0.iter().map(|(n, m, _)| (*n, *m)).collect();
    let memory_csv = out.join("memory.csv");
    export::write_file(&memory_csv, &export::memory_csv(&mem))?;
    println!("{}: {} strategies", memory_csv.display(), mem.len());

    if scaling {
        let rows = host_bench::scaling::measure_all(machine.cores, host_bench::scaling::ROUNDS);
        for r in &rows {
            println!(
                "scaling: {:<10} {:>5} sites, {} threads / 1: median {:.3} (range {:.3}-{:.3} over {} paired rounds)",
                r.strategy,
                r.sites,
                r.threads,
                r.median(),
                r.ratios[0],
                r.ratios[r.ratios.len() - 1],
                r.ratios.len()
            );
        }
        let scaling_csv = out.join("scaling.csv");
        export::write_file(
            &scaling_csv,
            &host_bench::scaling::csv(&rows, machine.cores),
        )?;
        println!("{}: {} rows", scaling_csv.display(), rows.len());
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("export: {e}");
            ExitCode::FAILURE
        }
    }
}
