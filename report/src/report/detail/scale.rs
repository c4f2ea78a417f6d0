//! Question 5's own part: growth with sites and with threads, bucket load, table memory and
//! the host's hash functions.

use std::collections::BTreeSet;

use super::comparison_table;
use crate::aggregate::{Dataset, Series};
use crate::report::answers::largest_table;
use crate::report::inputs::Extras;
use crate::report::md::{cell, fmt_ratio, heads, ratio, Md};
use crate::report::scaling;

/// Which axis a growth table walks.
#[derive(Clone, Copy)]
enum Axis {
    Sites,
    Threads,
}

pub fn extra(md: &mut Md, ds: &Dataset, ex: &Extras) {
    md.para("## Distinct sites (bucket load)");
    md.para("Lookup cost against distinct call sites at the fewest threads; the last column divides the figure at the most sites by that at the fewest.");
    growth_section(md, ds, "lookup", Axis::Sites);
    md.para("## Concurrent threads");
    md.para("Concurrent mode: every thread works on the same sites at once; ns/op is per operation of one thread, at the most sites measured. Only a multi-CPU source (or the host, on its own cores) shows contention; the `cores` column of the sources table says how many CPUs each had.");
    growth_section(md, ds, "concurrent", Axis::Threads);
    scaling::detail(md, ex.scaling.as_ref().map(|(n, r)| (n.as_str(), *r)));
    memory(md, ds, ex);
    md.para("## Hashing the location (host)");
    let mut any = false;
    for s in ds.host_series() {
        let names = ds.strategies(s, "hash");
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let ratios: Vec<(&str, &str)> = if names.contains(&"siphash") {
            names
                .iter()
                .filter(|n| **n != "siphash")
                .map(|n| ("siphash", *n))
                .collect()
        } else {
            Vec::new()
        };
        any |= comparison_table(md, ds, s, &["hash"], &names, &ratios);
    }
    if !any {
        md.para("No data for hash mode.");
    }
}

fn growth_section(md: &mut Md, ds: &Dataset, mode: &str, axis: Axis) {
    let mut any = false;
    for s in ds.series.keys() {
        if growth_table(md, ds, s, mode, axis) {
            any = true;
        }
    }
    if !any {
        md.para(format!(
            "No data for {mode} at more than one value in any source."
        ));
    }
}

/// Medians at each x of every strategy, plus last/first growth; false if under two x values.
fn growth_table(md: &mut Md, ds: &Dataset, s: &Series, mode: &str, axis: Axis) -> bool {
    let cells: Vec<_> = ds.cells_of(s, mode).collect();
    // Fix the other axis: fewest threads for sites, most sites for threads.
    let fixed = match axis {
        Axis::Sites => cells.iter().map(|(k, _)| u64::from(k.threads)).min(),
        Axis::Threads => cells.iter().map(|(k, _)| k.sites).max(),
    };
    let Some(fixed) = fixed else {
        return false;
    };
    let key = |t: u32, n: u64| match axis {
        Axis::Sites => (u64::from(t) == fixed).then_some(n),
        Axis::Threads => (n == fixed).then_some(u64::from(t)),
    };
    let xs: Vec<u64> = cells
        .iter()
        .filter_map(|(k, _)| key(k.threads, k.sites))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if xs.len() < 2 {
        return false;
    }
    let get = |st: &str, x: u64| match axis {
        Axis::Sites => ds.get(s, st, mode, u32::try_from(fixed).unwrap_or(u32::MAX), x),
        Axis::Threads => ds.get(s, st, mode, u32::try_from(x).unwrap_or(u32::MAX), fixed),
    };
    let (unit, other) = match axis {
        Axis::Sites => ("sites", format!("{fixed} thread(s)")),
        Axis::Threads => ("threads", format!("{fixed} sites")),
    };
    md.para(format!("### {}, {other}", s.label()));
    let mut header = heads(&["strategy"]);
    header.extend(xs.iter().map(|x| format!("{unit} {x}")));
    header.push(format!("{unit} {} / {unit} {}", xs[xs.len() - 1], xs[0]));
    let rows: Vec<Vec<String>> = ds
        .strategies(s, mode)
        .iter()
        .map(|st| {
            let mut row = vec![st.clone()];
            row.extend(xs.iter().map(|x| cell(get(st, *x))));
            row.push(match (get(st, xs[xs.len() - 1]), get(st, xs[0])) {
                (Some(hi), Some(lo)) => fmt_ratio(ratio(hi.median, lo.median)),
                _ => "n/a".to_string(),
            });
            row
        })
        .collect();
    md.table(&header, &rows);
    true
}

fn memory(md: &mut Md, ds: &Dataset, ex: &Extras) {
    md.para("## Memory");
    md.para("Table bytes after the strategy's modes ran (buckets and key records), at the load with its most classes; the module unregisters and frees them all on unload (the RFC as posted never did).");
    match &ex.stats {
        None => md.para("No data for guest memory: no stats CSV was given."),
        Some((_, stats)) => {
            let rows: Vec<Vec<String>> = ds
                .series
                .keys()
                .flat_map(|s| {
                    ["mutex", "spinlock", "rcu", "cached"]
                        .into_iter()
                        .filter_map(move |st| largest_table(stats, s, st).map(|r| (s, r)))
                })
                .map(|(s, r)| {
                    vec![
                        format!("`{}`", s.id()),
                        r.strategy.clone(),
                        r.table_bytes.to_string(),
                        r.buckets.to_string(),
                        r.classes.to_string(),
                        format!("{:.1}", r.table_bytes as f64 / r.classes as f64),
                        format!("{:.2}", r.classes as f64 / r.buckets.max(1) as f64),
                    ]
                })
                .collect();
            md.table(
                &heads(&[
                    "series",
                    "strategy",
                    "table bytes",
                    "buckets in use",
                    "classes",
                    "bytes per class",
                    "classes per bucket",
                ]),
                &rows,
            );
        }
    }
    match &ex.memory {
        None => md.para("No data for host memory: no memory CSV was given."),
        Some((_, rows)) => {
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.strategy.clone(),
                        r.table_bytes.to_string(),
                        r.record_bytes.to_string(),
                        r.classes.to_string(),
                    ]
                })
                .collect();
            md.para("Host (host-bench, user space):");
            md.table(
                &heads(&["strategy", "table bytes", "record bytes", "classes"]),
                &table,
            );
        }
    }
}
