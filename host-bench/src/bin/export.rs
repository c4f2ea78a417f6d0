//! Writes `results/host/host.csv` from criterion's saved estimates and `results/host/memory.csv`
//! from the strategies' footprint after every compiled site was looked up.
//!
//! Usage: `cargo run -p host-bench --release --bin export [-- --criterion DIR] [--out DIR]`

use host_bench::call_sites::{CALL_SITES, COMPILED_SITES};
use host_bench::export::{self, Machine};
use host_bench::strategy::{self, Memory, Strategy, Visit};
use std::path::PathBuf;
use std::process::ExitCode;

/// Every strategy's memory after looking up all compiled sites.
struct MemoryReport(Vec<(&'static str, Memory, usize)>);

impl Visit for MemoryReport {
    fn visit<S: Strategy>(&mut self) {
        let s = S::new();
        for site in &CALL_SITES {
            s.class(site);
        }
        self.0
            .push((S::NAME, s.memory(COMPILED_SITES), s.fallbacks()));
    }
}

fn run() -> Result<(), String> {
    let mut criterion = export::criterion_dir();
    let mut out = export::workspace_dir().join("results").join("host");
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
            _ => {
                return Err(format!(
                    "unknown argument {a}; use --criterion DIR, --out DIR"
                ))
            }
        }
    }

    let rows = export::collect(&criterion)?;
    if rows.is_empty() {
        return Err(format!(
            "no host-bench results under {}; run `cargo bench -p host-bench` first",
            criterion.display()
        ));
    }
    let machine = Machine::this();
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
