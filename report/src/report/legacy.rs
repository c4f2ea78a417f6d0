//! REPORT.md, generated from the CSVs only.
//!
//! Every number in the output is a CSV value, a count of CSV rows, a median/min/max of a cell,
//! a ratio of two cell medians, or a ratio of two stats columns; the fixed prose contains no
//! digits (the integration test checks this against a fixture). Figures carry their series
//! label so an emulated-guest number is never mistaken for a real-hardware one.

use std::collections::BTreeSet;

use crate::aggregate::{Dataset, Series, Summary};
use crate::tidy::{MemoryRow, StatsRow};

/// Inputs besides the tidy data; `None` means the file was not given.
pub struct Extras<'a> {
    pub data_name: String,
    pub stats: Option<(String, &'a [StatsRow])>,
    pub memory: Option<(String, &'a [MemoryRow])>,
    pub plots: &'a [PlotEntry],
    pub plot_note: Option<String>,
}

/// One drawn figure; `files` are paths relative to REPORT.md.
pub struct PlotEntry {
    pub title: String,
    pub files: Vec<String>,
}

const TIMED_MODES: [&str; 6] = [
    "lookup",
    "create",
    "init",
    "acquire",
    "concurrent",
    "atomic",
];
const TABLE_STRATEGIES: [&str; 4] = ["mutex", "spinlock", "rcu", "cached"];

fn ns(v: f64) -> String {
    format!("{v:.3}")
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (a > 0.0 && b > 0.0).then(|| a / b)
}

/// Two decimals, or two significant digits below one so small ratios do not print as zero.
fn fmt_ratio(r: Option<f64>) -> String {
    match r {
        None => "n/a".to_string(),
        Some(r) if r >= 1.0 => format!("{r:.2}x"),
        Some(r) => {
            let decimals = (1 - r.log10().floor() as i32).max(2) as usize;
            format!("{r:.decimals$}x")
        }
    }
}

/// `median [min–max]`, or `median [CI lo–hi]` for a lone criterion estimate.
fn cell(s: Option<&Summary>) -> String {
    match s {
        None => "no data".to_string(),
        Some(s) => match s.ci {
            Some((lo, hi)) => format!("{} [CI {}–{}]", ns(s.median), ns(lo), ns(hi)),
            None if s.runs > 1 => format!("{} [{}–{}]", ns(s.median), ns(s.min), ns(s.max)),
            None => ns(s.median),
        },
    }
}

/// Full phrase with the spread, for sentences.
fn figure(s: &Summary) -> String {
    match s.ci {
        Some((lo, hi)) => format!(
            "{} ns/op (confidence interval {} to {})",
            ns(s.median),
            ns(lo),
            ns(hi)
        ),
        None => format!(
            "median {} ns/op (min {}, max {}, {} runs)",
            ns(s.median),
            ns(s.min),
            ns(s.max),
            s.runs
        ),
    }
}

/// "A is R.RRx faster than B", from the two medians.
fn speed(a_name: &str, a: &Summary, b_name: &str, b: &Summary) -> String {
    match ratio(b.median, a.median) {
        None => format!("{a_name} and {b_name} cannot be compared as a ratio (a median is zero)"),
        Some(r) if r >= 1.0 => format!("{a_name} is {r:.2}x faster than {b_name}"),
        Some(_) => format!(
            "{a_name} is {:.2}x slower than {b_name}",
            a.median / b.median
        ),
    }
}

fn threads_word(t: u32) -> &'static str {
    if t == 1 {
        "thread"
    } else {
        "threads"
    }
}

struct Md(String);

impl Md {
    fn line(&mut self, s: impl AsRef<str>) {
        self.0.push_str(s.as_ref());
        self.0.push('\n');
    }

    fn blank(&mut self) {
        self.0.push('\n');
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        self.line(format!("| {} |", header.join(" | ")));
        self.line(format!(
            "|{}",
            header.iter().map(|_| " --- |").collect::<String>()
        ));
        for r in rows {
            self.line(format!("| {} |", r.join(" | ")));
        }
        self.blank();
    }
}

/// A table of strategies side by side for every (mode, threads, sites) point where at least
/// one of them was measured, plus `num / den` ratio columns of medians.
fn comparison_table(
    md: &mut Md,
    ds: &Dataset,
    series: &Series,
    modes: &[&str],
    strategies: &[&str],
    ratios: &[(&str, &str)],
) -> bool {
    let mut header: Vec<String> = ["mode", "threads", "sites"].map(String::from).to_vec();
    header.extend(strategies.iter().map(|s| format!("{s} ns/op")));
    header.extend(ratios.iter().map(|(a, b)| format!("{a} / {b}")));
    let mut rows = Vec::new();
    for mode in modes {
        let pts: BTreeSet<(u32, u64)> = ds
            .cells_of(series, mode)
            .filter(|(k, _)| strategies.contains(&k.strategy.1.as_str()))
            .map(|(k, _)| (k.threads, k.sites))
            .collect();
        for (t, n) in pts {
            let mut row = vec![mode.to_string(), t.to_string(), n.to_string()];
            row.extend(
                strategies
                    .iter()
                    .map(|s| cell(ds.get(series, s, mode, t, n))),
            );
            row.extend(ratios.iter().map(|(a, b)| {
                match (ds.get(series, a, mode, t, n), ds.get(series, b, mode, t, n)) {
                    (Some(x), Some(y)) => fmt_ratio(ratio(x.median, y.median)),
                    _ => "n/a".to_string(),
                }
            }));
            rows.push(row);
        }
    }
    if rows.is_empty() {
        return false;
    }
    md.table(&header, &rows);
    true
}

/// One headline sentence comparing two strategies in a mode at the usual point.
fn headline(md: &mut Md, ds: &Dataset, series: &Series, mode: &str, a: &str, b: &str) {
    match ds.headline_point(series, mode, &[a, b]) {
        Some((t, n)) => {
            let x = ds.get(series, a, mode, t, n).expect("common point");
            let y = ds.get(series, b, mode, t, n).expect("common point");
            md.line(format!(
                "- {}: {} at {n} sites, {t} {}: {a} {}, {b} {}.",
                series.label(),
                speed(&format!("{a} {mode}"), x, b, y),
                threads_word(t),
                figure(x),
                figure(y)
            ));
        }
        None => md.line(format!(
            "- {}: no data for comparing {a} and {b} in {mode} mode.",
            series.label()
        )),
    }
}

/// Writes a section's title and introduction, and returns the series that measured any of
/// `strategies`; if none did, says so ("No data for `what`").
fn section<'a>(
    md: &mut Md,
    ds: &'a Dataset,
    title: &str,
    intro: &str,
    strategies: &[&str],
    what: &str,
) -> Vec<&'a Series> {
    md.line(title);
    md.blank();
    md.line(intro);
    md.blank();
    let series: Vec<&Series> = ds
        .series
        .keys()
        .filter(|s| strategies.iter().any(|st| ds.has_strategy(s, st)))
        .collect();
    if series.is_empty() {
        no_series(md, what);
    }
    series
}

/// Closes a section: a blank line, then per series a heading and the comparison table of
/// `strategies` over the timed modes, with the `ratios` columns.
fn series_tables(
    md: &mut Md,
    ds: &Dataset,
    series: &[&Series],
    strategies: &[&str],
    ratios: &[(&str, &str)],
) {
    md.blank();
    for s in series {
        md.line(format!("### {}", s.label()));
        md.blank();
        comparison_table(md, ds, s, &TIMED_MODES, strategies, ratios);
    }
}

fn no_series(md: &mut Md, what: &str) {
    md.line(format!("No data for {what} in any source."));
    md.blank();
}

pub fn render_markdown(ds: &Dataset, ex: &Extras) -> String {
    let mut md = Md(String::new());
    header(&mut md, ds, ex);
    question1(&mut md, ds);
    question2(&mut md, ds, ex);
    question3(&mut md, ds, ex);
    question4(&mut md, ds);
    question5(&mut md, ds, ex);
    guest_vs_host(&mut md, ds);
    cached(&mut md, ds);
    memory(&mut md, ex);
    methodology(&mut md, ds);
    plots(&mut md, ex);
    md.0
}

fn header(md: &mut Md, ds: &Dataset, ex: &Extras) {
    md.line("# Lock-class strategies for Rust-for-Linux locks: measured results");
    md.blank();
    let mut inputs = vec![format!("`{}`", ex.data_name)];
    inputs.extend(ex.stats.as_ref().map(|(n, _)| format!("`{n}`")));
    inputs.extend(ex.memory.as_ref().map(|(n, _)| format!("`{n}`")));
    md.line(format!(
        "Generated by `lockclass-report render` from {}. Do not edit by hand: rerun the tool.",
        inputs.join(", ")
    ));
    md.blank();
    md.line("Emulated-guest figures (QEMU TCG) measure the emulator, not a CPU: compare strategies within one source, not across sources. Tables give the median ns/op with [min–max] over the runs, or [CI low–high] for a criterion estimate. A column `a / b` divides the median of `a` by that of `b`: above one, `b` is faster.");
    md.blank();
    md.line("## Sources present");
    md.blank();
    let join = |s: &BTreeSet<String>| {
        if s.is_empty() {
            "-".to_string()
        } else {
            s.iter().cloned().collect::<Vec<_>>().join(", ")
        }
    };
    let rows: Vec<Vec<String>> = ds
        .series
        .iter()
        .map(|(s, i)| {
            vec![
                format!("`{}`", s.id()),
                s.kind().to_string(),
                join(&i.kernels),
                join(&i.rustcs),
                join(&i.cpus),
                join(&i.dates),
                i.rows.to_string(),
            ]
        })
        .collect();
    md.table(
        &[
            "series",
            "what it is",
            "kernel",
            "rustc",
            "CPU",
            "date",
            "rows",
        ]
        .map(String::from),
        &rows,
    );
    let absent: Vec<&str> = ["guest-icount", "guest-tcg", "guest-kvm", "host"]
        .into_iter()
        .filter(|src| !ds.series.keys().any(|s| s.source == *src))
        .collect();
    if !absent.is_empty() {
        md.line(format!(
            "Not present in this data: {}.",
            absent
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        md.blank();
    }
}

fn question1(md: &mut Md, ds: &Dataset) {
    let series = section(
        md,
        ds,
        "## Question 1: mutex or spinlock around the table",
        "The RFC guards each bucket with a kernel mutex, which rules out creating a lock in atomic context; on a hit the critical section is a short bucket scan, so a spinlock may also be cheaper.",
        &["mutex", "spinlock"],
        "the mutex or spinlock strategies",
    );
    if series.is_empty() {
        return;
    }
    for s in &series {
        headline(md, ds, s, "lookup", "spinlock", "mutex");
        headline(md, ds, s, "create", "spinlock", "mutex");
        // Concurrent creators: report the most threads measured, where contention matters.
        let pts = ds.common_points(s, "concurrent", &["spinlock", "mutex"]);
        if let Some(&(t, n)) = pts.iter().max_by_key(|p| (p.0, p.1)) {
            let x = ds.get(s, "spinlock", "concurrent", t, n).expect("common");
            let y = ds.get(s, "mutex", "concurrent", t, n).expect("common");
            md.line(format!(
                "- {}: with {t} concurrent {} at {n} sites, {}: spinlock {}, mutex {}.",
                s.label(),
                threads_word(t),
                speed("spinlock", x, "mutex", y),
                figure(x),
                figure(y)
            ));
        }
        let mutex_atomic = ds.has(s, "mutex", "atomic");
        let spin_atomic = ds.has(s, "spinlock", "atomic");
        if !mutex_atomic && spin_atomic {
            md.line(format!(
                "- {}: mutex has no rows in atomic mode (the module does not run it there: taking a mutex might sleep), while spinlock does; see the table.",
                s.label()
            ));
        } else if !spin_atomic {
            md.line(format!(
                "- {}: no data for spinlock in atomic mode.",
                s.label()
            ));
        }
    }
    series_tables(
        md,
        ds,
        &series,
        &["mutex", "spinlock", "rcu"],
        &[("mutex", "spinlock"), ("mutex", "rcu")],
    );
}

fn stat_of<'a>(ex: &'a Extras, s: &Series, strategy: &str) -> Option<&'a StatsRow> {
    ex.stats.as_ref().and_then(|(_, rows)| {
        rows.iter()
            .find(|r| &stats_series(r) == s && r.strategy == strategy)
    })
}

fn question2(md: &mut Md, ds: &Dataset, ex: &Extras) {
    let series = section(
        md,
        ds,
        "## Question 2: the static `Location` as the key, with no table",
        "Using the caller's `Location` as the key needs no lookup at all. Its costs are not timing costs: one source site can yield several `Location` objects (a generic instantiated from several crates), and keys in a module's memory go away on unload.",
        &["location"],
        "the location strategy",
    );
    for s in &series {
        headline(md, ds, s, "lookup", "location", "spinlock");
        headline(md, ds, s, "lookup", "location", "mutex");
        if let Some(st) = stat_of(ex, s, "location") {
            md.line(format!(
                "- {}: the location strategy left {} classes registered and a table of {} bytes.",
                s.label(),
                st.classes,
                st.table_bytes
            ));
        }
    }
    md.blank();
    md.line("No data in these CSVs for how many classes one generic site produces across crates, nor for module unload: both are correctness properties, not timings.");
    series_tables(
        md,
        ds,
        &series,
        &["location", "spinlock", "mutex"],
        &[("spinlock", "location"), ("mutex", "location")],
    );
}

fn question3(md: &mut Md, ds: &Dataset, ex: &Extras) {
    md.line("## Question 3: fallibility and the fallback key");
    md.blank();
    md.line("Creating a class at run time allocates a record and can fail; the RFC then falls back to the `Location` address as a static key, which has exactly the precision problems of question two. The module counts how often that happened (`fallbacks`) and how often two creators raced for one site (`lost_races`).");
    md.blank();
    match &ex.stats {
        None => {
            md.line("No data for fallbacks or lost races: no stats CSV was given.");
            md.blank();
        }
        Some((_, [])) => {
            md.line("No data for fallbacks or lost races: the stats CSV has no rows.");
            md.blank();
        }
        Some((_, rows)) => {
            let mut per_series: Vec<(Series, u64, u64)> = Vec::new();
            for r in rows.iter() {
                let s = stats_series(r);
                match per_series.iter_mut().find(|(x, _, _)| *x == s) {
                    Some(e) => {
                        e.1 += r.fallbacks;
                        e.2 += r.classes;
                    }
                    None => per_series.push((s, r.fallbacks, r.classes)),
                }
            }
            for (s, fb, classes) in &per_series {
                md.line(format!(
                    "- {}: the fallback key was used {fb} times, against {classes} classes registered by all strategies together (these runs inject no allocation failure; the guest tests do, with `fail_alloc_every`, and check that every table strategy falls back, counts it and completes).",
                    s.label()
                ));
            }
            md.blank();
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        stats_series(r).label(),
                        r.strategy.clone(),
                        r.classes.to_string(),
                        r.fallbacks.to_string(),
                        r.lost_races.to_string(),
                    ]
                })
                .collect();
            md.table(
                &["series", "strategy", "classes", "fallbacks", "lost_races"].map(String::from),
                &table,
            );
        }
    }
    md.line("What creation costs per strategy (create mode: each run is one miss per site):");
    md.blank();
    let mut any = false;
    for s in ds.series.keys() {
        let strategies = ds.strategies(s, "create");
        if strategies.is_empty() {
            continue;
        }
        any = true;
        md.line(format!("### {}", s.label()));
        md.blank();
        let names: Vec<&str> = strategies.iter().map(String::as_str).collect();
        comparison_table(md, ds, s, &["create"], &names, &[]);
    }
    if !any {
        no_series(md, "create mode");
    }
}

fn stats_series(r: &StatsRow) -> Series {
    Series::new(&r.source, &r.flavour)
}

fn question4(md: &mut Md, ds: &Dataset) {
    let series = section(
        md,
        ds,
        "## Question 4: macro keys",
        "`static_lock_class!()` gives one `static` key per expansion site: nothing to look up and nothing that can fail, at the price of a macro in the API. `noop` is the harness doing no work, the floor for every strategy.",
        &["macro"],
        "the macro strategy",
    );
    if series.is_empty() {
        return;
    }
    for s in &series {
        headline(md, ds, s, "lookup", "macro", "spinlock");
        headline(md, ds, s, "lookup", "macro", "location");
        match ds.headline_point(s, "lookup", &["macro", "noop"]) {
            Some((t, n)) => {
                let m = ds.get(s, "macro", "lookup", t, n).expect("common");
                let z = ds.get(s, "noop", "lookup", t, n).expect("common");
                md.line(format!(
                    "- {}: macro lookup over the noop baseline at {n} sites, {t} {}: {} (macro {}, noop {}).",
                    s.label(),
                    threads_word(t),
                    fmt_ratio(ratio(m.median, z.median)),
                    figure(m),
                    figure(z)
                ));
            }
            None => md.line(format!(
                "- {}: no data for the noop baseline in lookup mode.",
                s.label()
            )),
        }
    }
    series_tables(
        md,
        ds,
        &series,
        &["macro", "noop", "location", "spinlock"],
        &[("macro", "noop"), ("spinlock", "macro")],
    );
}

/// Medians at each x value of one strategy, plus last/first growth.
fn growth_table(
    md: &mut Md,
    ds: &Dataset,
    s: &Series,
    mode: &str,
    strategies: &[String],
    by_threads: bool,
    fixed: u64,
) -> bool {
    // x values: threads (at fixed sites) or sites (at fixed threads).
    let xs: BTreeSet<u64> = ds
        .cells_of(s, mode)
        .filter(|(k, _)| {
            if by_threads {
                k.sites == fixed
            } else {
                u64::from(k.threads) == fixed
            }
        })
        .map(|(k, _)| {
            if by_threads {
                u64::from(k.threads)
            } else {
                k.sites
            }
        })
        .collect();
    if xs.len() < 2 {
        return false;
    }
    let xs: Vec<u64> = xs.into_iter().collect();
    let get = |st: &str, x: u64| {
        if by_threads {
            ds.get(s, st, mode, u32::try_from(x).unwrap_or(u32::MAX), fixed)
        } else {
            ds.get(s, st, mode, u32::try_from(fixed).unwrap_or(u32::MAX), x)
        }
    };
    let unit = if by_threads { "threads" } else { "sites" };
    let mut header = vec!["strategy".to_string()];
    header.extend(xs.iter().map(|x| format!("{unit} {x}")));
    header.push(format!("{unit} {} / {unit} {}", xs[xs.len() - 1], xs[0]));
    let mut rows = Vec::new();
    for st in strategies {
        if xs.iter().all(|x| get(st, *x).is_none()) {
            continue;
        }
        let mut row = vec![st.clone()];
        row.extend(xs.iter().map(|x| cell(get(st, *x))));
        let g = match (get(st, xs[xs.len() - 1]), get(st, xs[0])) {
            (Some(hi), Some(lo)) => fmt_ratio(ratio(hi.median, lo.median)),
            _ => "n/a".to_string(),
        };
        row.push(g);
        rows.push(row);
    }
    if rows.is_empty() {
        return false;
    }
    md.table(&header, &rows);
    true
}

fn question5(md: &mut Md, ds: &Dataset, ex: &Extras) {
    md.line("## Question 5: scale");
    md.blank();
    md.line("### Distinct sites (bucket load)");
    md.blank();
    md.line("Lookup cost against the number of distinct call sites, at the fewest threads measured. The last column divides the median at the most sites by the median at the fewest.");
    md.blank();
    let mut any = false;
    for s in ds.series.keys() {
        let Some(t) = ds.cells_of(s, "lookup").map(|(k, _)| k.threads).min() else {
            continue;
        };
        let strategies = ds.strategies(s, "lookup");
        md.line(format!("{}, {t} {}:", s.label(), threads_word(t)));
        md.blank();
        if growth_table(md, ds, s, "lookup", &strategies, false, u64::from(t)) {
            any = true;
        } else {
            md.line("No data for more than one sites value.");
            md.blank();
        }
    }
    if !any {
        no_series(md, "lookup at more than one sites value");
    }
    let loaded: Vec<&StatsRow> = ex
        .stats
        .as_ref()
        .map(|(_, rows)| rows.iter().filter(|r| r.buckets > 0).collect())
        .unwrap_or_default();
    if loaded.is_empty() {
        md.line("No data for bucket load: no stats rows with buckets in use.");
        md.blank();
    }
    {
        if !loaded.is_empty() {
            md.line("Bucket load from the stats lines (classes divided by buckets in use):");
            md.blank();
            let table: Vec<Vec<String>> = loaded
                .iter()
                .map(|r| {
                    vec![
                        stats_series(r).label(),
                        r.strategy.clone(),
                        r.classes.to_string(),
                        r.buckets.to_string(),
                        format!("{:.2}", r.classes as f64 / r.buckets as f64),
                    ]
                })
                .collect();
            md.table(
                &[
                    "series",
                    "strategy",
                    "classes",
                    "buckets",
                    "classes per bucket",
                ]
                .map(String::from),
                &table,
            );
        }
    }

    md.line("### Concurrent creators");
    md.blank();
    md.line("Concurrent mode: every thread works on the same sites at once (in the untimed warm-up run they race to create the classes); ns/op is per operation of one thread, at the most sites measured. The last column divides the median at the most threads by the median at the fewest.");
    md.blank();
    let mut any = false;
    for s in ds.series.keys() {
        let Some(n) = ds.cells_of(s, "concurrent").map(|(k, _)| k.sites).max() else {
            continue;
        };
        let mut strategies: Vec<String> = TABLE_STRATEGIES.map(String::from).to_vec();
        strategies.extend(
            ds.strategies(s, "concurrent")
                .into_iter()
                .filter(|x| !TABLE_STRATEGIES.contains(&x.as_str())),
        );
        md.line(format!("{}, {n} sites:", s.label()));
        md.blank();
        if growth_table(md, ds, s, "concurrent", &strategies, true, n) {
            any = true;
        } else {
            md.line("No data for more than one thread count.");
            md.blank();
        }
    }
    if !any {
        no_series(md, "concurrent mode at more than one thread count");
    }
    md.line("Not modelled under TCG: real cache-line contention between CPUs. Only the host and KVM rows show it.");
    md.blank();

    md.line("### Hashing the location (host)");
    md.blank();
    let mut any = false;
    for s in ds.series.keys() {
        let strategies = ds.strategies(s, "hash");
        if strategies.is_empty() {
            continue;
        }
        any = true;
        md.line(format!(
            "{}: the cost of hashing one call site's location with the RFC's siphash, with fxhash, and of using its address alone.",
            s.label()
        ));
        md.blank();
        let names: Vec<&str> = strategies.iter().map(String::as_str).collect();
        let ratios: Vec<(&str, &str)> = names
            .iter()
            .filter(|n| **n != "siphash")
            .map(|n| ("siphash", *n))
            .collect();
        let ratios = if names.contains(&"siphash") {
            ratios
        } else {
            Vec::new()
        };
        comparison_table(md, ds, s, &["hash"], &names, &ratios);
    }
    if !any {
        no_series(md, "hash mode");
    }

    md.line("### Memory");
    md.blank();
    let mut any = false;
    for r in ex.stats.iter().flat_map(|(_, rows)| rows.iter()) {
        if r.classes > 0 {
            any = true;
            md.line(format!(
                "- {}: the {} table holds {} bytes for {} classes ({} bytes per class).",
                stats_series(r).label(),
                r.strategy,
                r.table_bytes,
                r.classes,
                per_class(r.table_bytes, r.classes)
            ));
        }
    }
    for r in ex.memory.iter().flat_map(|(_, rows)| rows.iter()) {
        if r.classes > 0 {
            any = true;
            md.line(format!(
                "- host-bench (real hardware: host): the {} table holds {} bytes for {} classes ({} bytes per class; one record is {} bytes).",
                r.strategy,
                r.table_bytes,
                r.classes,
                per_class(r.table_bytes, r.classes),
                r.record_bytes
            ));
        }
    }
    if !any {
        md.line("No data for table memory: no stats or memory rows with registered classes.");
    }
    md.blank();
    md.line("The memory section below lists every strategy.");
    md.blank();
}

fn guest_vs_host(md: &mut Md, ds: &Dataset) {
    md.line("## Guest versus host");
    md.blank();
    md.line("The same strategy's lookup cost in each guest series next to the host (criterion on real hardware), at the largest sites value both measured and the fewest threads. Compare the ordering of strategies, not the absolute values.");
    md.blank();
    let hosts: Vec<&Series> = ds.host_series().collect();
    let guests: Vec<&Series> = ds.guest_series().collect();
    if hosts.is_empty() || guests.is_empty() {
        md.line(format!(
            "No data for this comparison: {}.",
            if hosts.is_empty() {
                "no host rows"
            } else {
                "no guest rows"
            }
        ));
        md.blank();
        return;
    }
    for g in &guests {
        for h in &hosts {
            match guest_host_point(ds, g, h) {
                None => {
                    md.line(format!(
                        "No data for lookup at a common sites value in {} and {}.",
                        g.label(),
                        h.label()
                    ));
                    md.blank();
                }
                Some((gt, ht, n, strategies)) => {
                    md.line(format!(
                        "{} ({gt} {}) against {} ({ht} {}), {n} sites:",
                        g.label(),
                        threads_word(gt),
                        h.label(),
                        threads_word(ht)
                    ));
                    md.blank();
                    let rows: Vec<Vec<String>> = strategies
                        .iter()
                        .map(|st| {
                            let a = ds.get(g, st, "lookup", gt, n).expect("common");
                            let b = ds.get(h, st, "lookup", ht, n).expect("common");
                            vec![
                                st.clone(),
                                cell(Some(a)),
                                cell(Some(b)),
                                fmt_ratio(ratio(a.median, b.median)),
                            ]
                        })
                        .collect();
                    md.table(
                        &[
                            "strategy".to_string(),
                            format!("{} ns/op", g.id()),
                            format!("{} ns/op", h.id()),
                            "guest / host".to_string(),
                        ],
                        &rows,
                    );
                }
            }
        }
    }
}

/// Largest sites value at which guest and host both have lookup cells for some strategy,
/// each at its own fewest threads; also returns the strategies measured at that point.
pub fn guest_host_point(
    ds: &Dataset,
    g: &Series,
    h: &Series,
) -> Option<(u32, u32, u64, Vec<String>)> {
    let gt = ds.cells_of(g, "lookup").map(|(k, _)| k.threads).min()?;
    let ht = ds.cells_of(h, "lookup").map(|(k, _)| k.threads).min()?;
    let pairs = |n: u64| -> Vec<String> {
        ds.strategies(g, "lookup")
            .into_iter()
            .filter(|st| {
                ds.get(g, st, "lookup", gt, n).is_some() && ds.get(h, st, "lookup", ht, n).is_some()
            })
            .collect()
    };
    let sites: BTreeSet<u64> = ds.cells_of(g, "lookup").map(|(k, _)| k.sites).collect();
    sites
        .into_iter()
        .rev()
        .map(|n| (n, pairs(n)))
        .find(|(_, p)| !p.is_empty())
        .map(|(n, p)| (gt, ht, n, p))
}

fn cached(md: &mut Md, ds: &Dataset) {
    let series = section(
        md,
        ds,
        "## The `cached` strategy",
        "`cached` puts a lock-free cache keyed by the `Location` object's address in front of the content-keyed table: a hit costs an address hash, a load and a compare, with no SipHash and no lock; the first lookup of each `Location` object goes to the table, so two objects of one site still share one class. Compared here with `location` (no table at all) and `mutex` (the RFC's table).",
        &["cached"],
        "the cached strategy",
    );
    if series.is_empty() {
        return;
    }
    for s in &series {
        headline(md, ds, s, "lookup", "cached", "mutex");
        headline(md, ds, s, "lookup", "cached", "location");
    }
    series_tables(
        md,
        ds,
        &series,
        &["cached", "location", "mutex"],
        &[("mutex", "cached"), ("cached", "location")],
    );
}

fn per_class(bytes: u64, classes: u64) -> String {
    if classes == 0 {
        "n/a".to_string()
    } else {
        format!("{:.1}", bytes as f64 / classes as f64)
    }
}

fn memory(md: &mut Md, ex: &Extras) {
    md.line("## Memory");
    md.blank();
    md.line("Table bytes are what the strategy's table holds after the run (buckets and key records); classes are the keys it holds registered with lockdep at that point. The module unregisters and frees them all when it is unloaded (the guest tests check that no class of the module is left); the RFC as posted never did, so there they would stay until reboot.");
    md.blank();
    md.line("### Guest (stats lines)");
    md.blank();
    match &ex.stats {
        None => {
            md.line("No data for guest memory: no stats CSV was given.");
            md.blank();
        }
        Some((_, [])) => {
            md.line("No data for guest memory: the stats CSV has no rows.");
            md.blank();
        }
        Some((_, rows)) => {
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        stats_series(r).label(),
                        r.strategy.clone(),
                        r.table_bytes.to_string(),
                        r.buckets.to_string(),
                        r.classes.to_string(),
                        per_class(r.table_bytes, r.classes),
                    ]
                })
                .collect();
            md.table(
                &[
                    "series",
                    "strategy",
                    "table bytes",
                    "buckets in use",
                    "classes registered",
                    "table bytes per class",
                ]
                .map(String::from),
                &table,
            );
        }
    }
    md.line("### Host (host-bench)");
    md.blank();
    match &ex.memory {
        None => {
            md.line("No data for host memory: no memory CSV was given.");
            md.blank();
        }
        Some((_, [])) => {
            md.line("No data for host memory: the memory CSV has no rows.");
            md.blank();
        }
        Some((_, rows)) => {
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.strategy.clone(),
                        r.table_bytes.to_string(),
                        r.record_bytes.to_string(),
                        r.classes.to_string(),
                        per_class(r.table_bytes, r.classes),
                    ]
                })
                .collect();
            md.table(
                &[
                    "strategy",
                    "table bytes",
                    "record bytes",
                    "classes",
                    "table bytes per class",
                ]
                .map(String::from),
                &table,
            );
        }
    }
}

fn methodology(md: &mut Md, ds: &Dataset) {
    md.line("## Methodology");
    md.blank();
    md.line("- Guest: the kernel module times a batch of `ops` operations with `ktime` and divides by `ops`; that is one run. Warm-up runs are done first and not recorded. Each strategy, mode, thread count and sites value is repeated for several runs and the median is reported with the minimum and maximum. In concurrent mode every thread does `ops` operations and the slowest thread is not in these CSVs (only the mean per thread is).");
    md.line("- `guest-icount`: QEMU TCG with `-icount`: guest time advances per executed instruction, so the numbers are repeatable from run to run but are not real nanoseconds; they count instructions, weighted.");
    md.line("- `guest-tcg`: QEMU TCG on the host's real-time clock: closer to elapsed time but noisy, and still emulation.");
    md.line("- `guest-kvm`: QEMU with KVM: the guest runs on the real CPU, so caches and contention are real, with virtualisation overhead on exits.");
    md.line("- Not modelled under TCG: caches, memory latency, and real contention between CPUs (vCPUs are run by emulator threads). Only KVM and host figures reflect real hardware.");
    md.line("- Host: criterion benches over the same algorithms (shared source), one estimate per benchmark with its confidence interval.");
    md.blank();
    let rows: Vec<Vec<String>> = ds
        .series
        .iter()
        .map(|(s, info)| {
            let runs: BTreeSet<usize> = ds
                .cells
                .iter()
                .filter(|(k, _)| &k.series == s)
                .map(|(_, v)| v.runs)
                .collect();
            let span = |lo: String, hi: String| {
                if lo == hi {
                    lo
                } else {
                    format!("{lo} to {hi}")
                }
            };
            vec![
                format!("`{}`", s.id()),
                span(
                    runs.first().map(ToString::to_string).unwrap_or_default(),
                    runs.last().map(ToString::to_string).unwrap_or_default(),
                ),
                span(info.min_ops.to_string(), info.max_ops.to_string()),
            ]
        })
        .collect();
    md.table(
        &["series", "runs per point", "ops per run"].map(String::from),
        &rows,
    );
}

fn plots(md: &mut Md, ex: &Extras) {
    md.line("## Plots");
    md.blank();
    if let Some(note) = &ex.plot_note {
        md.line(note);
        md.blank();
    }
    if ex.plots.is_empty() {
        md.line("No plots: the data has nothing to draw.");
    }
    for p in ex.plots {
        let links: Vec<String> = p.files.iter().map(|f| format!("[{f}]({f})")).collect();
        md.line(format!("- {}: {}", p.title, links.join(", ")));
    }
    md.blank();
}
