//! The page's tables as rows of cells: the summary, the method's sources, and detail/'s
//! every cell, precision, key cost and host memory.

use std::collections::{BTreeMap, BTreeSet};

use minijinja::{context, Value};

use crate::aggregate::{median_of, CellKey, Dataset, Series};
use crate::decided::{bytes_per_class, median_interval};
use crate::runs::{LoadRow, RunRow};
use crate::tidy::{CalibrationRow, KeycostRow, MemoryRow, PrecisionRow, ScalingRow, StatsRow};

/// A cell's figure: the median of its load medians with the exact 95 % interval over loads
/// (criterion's for a lone host estimate), or why there is none.
/// The inputs besides data.csv; empty when a file was not given.
#[derive(Default)]
pub struct Inputs {
    pub stats: Vec<StatsRow>,
    pub memory: Vec<MemoryRow>,
    pub precision: Vec<PrecisionRow>,
    pub calibration: Vec<CalibrationRow>,
    pub runs: Vec<RunRow>,
    pub loads: Vec<LoadRow>,
    pub keycost: Vec<KeycostRow>,
    pub scaling: Vec<ScalingRow>,
    /// `--stale SOURCE=REASON`: that source's rows are from an earlier run.
    pub stale: Vec<(String, String)>,
    /// Input file names, for the "generated from" line.
    pub files: Vec<String>,
}

/// The plan's site count: the summary's column and most comparisons.
pub const SITES: u64 = 64;

/// Numbers to 3 significant figures: what the data can carry.
pub fn num(v: f64) -> String {
    let a = v.abs();
    let decimals = match a {
        _ if a >= 100.0 || a == 0.0 => 0,
        _ if a >= 10.0 => 1,
        _ if a >= 1.0 => 2,
        _ => 3,
    };
    format!("{v:.decimals$}")
}

/// Per scenario, what lockdep got wrong with `strategy`: "missed", "false report", ...
pub fn wrong(prec: &[PrecisionRow], strategy: &str) -> BTreeMap<String, &'static str> {
    (prec.iter())
        .filter(|r| r.strategy == strategy && (r.outcome != r.expected || name_warning(r)))
        .map(|r| {
            let kind = match (r.expected.as_str(), r.outcome.as_str()) {
                (_, "lockdep-off") => "lockdep off",
                ("silent", _) => "false report",
                (e, o) if e == o => "a lockdep WARNING (one key, two names) in",
                _ => "missed",
            };
            (r.scenario.clone(), kind)
        })
        .collect()
}

fn figure(ds: &Dataset, k: &CellKey) -> String {
    let Some(c) = ds.cells.get(k) else {
        let short = ds.below_resolution.contains_key(k);
        return if short { "below resolution" } else { "-" }.into();
    };
    let mut v: Vec<f64> = c.per_load.iter().map(|p| p.1).collect();
    v.sort_by(f64::total_cmp);
    match median_interval(&v).or(c.ci) {
        Some((lo, hi)) => format!("{} ({}-{})", num(c.median), num(lo), num(hi)),
        None => format!("{} ({} loads)", num(c.median), v.len()),
    }
}

/// One row per strategy of the main series: its headline modes at one thread and the plan's
/// sites, bytes per class and lockdep precision.
pub fn summary(ds: &Dataset, main: Option<&Series>, inp: &Inputs) -> Vec<Vec<String>> {
    let Some(m) = main else { return Vec::new() };
    let strategies: BTreeSet<&(usize, String)> =
        (ds.cells.keys().chain(ds.below_resolution.keys()))
            .filter(|k| &k.series == m)
            .map(|k| &k.strategy)
            .collect();
    let modes = ["lookup", "create", "init", "acquire"];
    (strategies.into_iter().map(|(_, st)| {
        let cells = modes
            .iter()
            .map(|mode| figure(ds, &CellKey::new(m, st, mode, 1, SITES)));
        let bytes = bytes_per_class(&inp.stats, st).map_or("no table".into(), |(b, n, _)| {
            format!("{} ({n} classes)", num(b))
        });
        let all = inp.precision.iter().filter(|r| &r.strategy == st).count();
        let w = wrong(&inp.precision, st);
        let faults: Vec<String> = w.iter().map(|(s, k)| format!("; {k} `{s}`")).collect();
        let precision = match all {
            0 => "-".into(),
            _ => format!("{}/{all} as expected{}", all - w.len(), faults.concat()),
        };
        let first = [format!("`{st}`")].into_iter();
        first.chain(cells).chain([bytes, precision]).collect()
    }))
    .collect()
}

/// What a `mutex` table holds per bucket beyond a `spinlock` table of the same buckets and
/// classes (the bucket's lock): (bytes, buckets, classes, source).
pub fn bucket_lock(stats: &[StatsRow]) -> Option<(String, u64, u64, String)> {
    let most = |st: &str| {
        let rows = stats.iter().filter(|r| r.strategy == st && r.buckets > 0);
        rows.max_by_key(|r| (r.source == "guest-uml", r.classes, r.table_bytes))
    };
    let (m, s) = (most("mutex")?, most("spinlock")?);
    let same = (m.source == s.source && m.buckets == s.buckets && m.classes == s.classes)
        && m.table_bytes >= s.table_bytes;
    let per = (m.table_bytes - s.table_bytes) as f64 / m.buckets as f64;
    same.then(|| (num(per), m.buckets, m.classes, m.source.clone()))
}

/// Per series: boots (none for host estimates), CPU, host details and quietness (runs.csv).
pub fn hosts(ds: &Dataset, runs: &[RunRow]) -> Vec<Value> {
    let fields = "host_vendor host_family host_model host_stepping host_avx512f host_amx_tile \
                  host_xsave_bytes hypervisor host_kernel";
    let range = |v: Vec<f64>| {
        let (lo, hi) = (
            v.iter().copied().reduce(f64::min)?,
            v.iter().copied().reduce(f64::max)?,
        );
        Some(format!("{}-{}", num(lo), num(hi)))
    };
    (ds.series.iter())
        .map(|(s, i)| {
            let rs: Vec<&RunRow> = runs.iter().filter(|r| r.source == s.source).collect();
            let rows: Vec<Value> = rs.iter().map(Value::from_serialize).collect();
            let detail: Vec<String> = (fields.split_whitespace())
                .filter_map(|f| {
                    let v: BTreeSet<String> = rows
                        .iter()
                        .map(|r| r.get_attr(f).unwrap_or_default().to_string())
                        .collect();
                    let v: Vec<String> = v.into_iter().filter(|x| !x.is_empty()).collect();
                    let name = f.trim_start_matches("host_").replace('_', " ");
                    (!v.is_empty()).then(|| format!("{name} {}", v.join("/")))
                })
                .collect();
            let other = range(rs.iter().filter_map(|r| r.other_cpu_pct).collect());
            let steal = range(rs.iter().filter_map(|r| r.steal_pct).collect());
            let l3 = range(rs.iter().filter_map(|r| r.mem_l3_ns).collect());
            let dram = range(rs.iter().filter_map(|r| r.mem_dram_ns).collect());
            let quiet = [
                other.map(|o| format!("others' CPU {o} %")),
                steal.map(|s| format!("steal {s} %")),
                l3.map(|l| format!("host L3 latency {l} ns")),
                dram.map(|d| format!("memory latency {d} ns")),
            ];
            let quiet: Vec<String> = quiet.into_iter().flatten().collect();
            context! {
                source => s.id(),
                boots => (!s.is_host()).then_some(i.boots.len()),
                cpu => i.cpus.iter().cloned().collect::<Vec<_>>().join(" / "),
                detail => detail.join(", "),
                quiet => if quiet.is_empty() { "not recorded".into() } else { quiet.join(", ") },
            }
        })
        .collect()
}

/// Every cell of every series, for detail/figures.md.
pub fn cells(ds: &Dataset) -> Vec<Vec<String>> {
    let keys: BTreeSet<&CellKey> = ds.cells.keys().chain(ds.below_resolution.keys()).collect();
    (keys.into_iter())
        .map(|k| {
            let c = ds.cells.get(k);
            let failing = match k.fail_alloc_every {
                0 => "none".into(),
                f => format!("every {f}"),
            };
            vec![
                k.series.id(),
                k.strategy.1.clone(),
                k.mode.1.clone(),
                k.threads.to_string(),
                k.sites.to_string(),
                failing,
                figure(ds, k),
                c.map_or("-".into(), |c| c.per_load.len().to_string()),
                c.map_or("-".into(), |c| c.runs.to_string()),
            ]
        })
        .collect()
}

/// Whether lockdep warned that one static key came with two name pointers (precision.sh's
/// `name-warning`): the class is right, the log has a WARNING.
fn name_warning(r: &PrecisionRow) -> bool {
    r.note.contains("name-warning:")
}

/// Scenario x strategy outcomes: (scenarios, one row per strategy).
pub fn precision(prec: &[PrecisionRow]) -> (Vec<&String>, Vec<Vec<String>>) {
    let mut scen: Vec<&String> = Vec::new();
    let mut strat: Vec<&String> = Vec::new();
    for r in prec {
        for (list, v) in [(&mut scen, &r.scenario), (&mut strat, &r.strategy)] {
            if !list.contains(&v) {
                list.push(v);
            }
        }
    }
    let cell = |st: &String, sc: &String| match prec
        .iter()
        .find(|r| &r.strategy == st && &r.scenario == sc)
    {
        None => "no row".to_string(),
        Some(r) if r.outcome == r.expected && name_warning(r) => format!(
            "as expected ({}) **with a lockdep WARNING: one key, two names**, names sites: {}",
            r.outcome, r.names_sites
        ),
        Some(r) if r.outcome == r.expected => format!(
            "as expected ({}), names sites: {}",
            r.outcome, r.names_sites
        ),
        Some(r) => format!(
            "**{}** (expected {}), names sites: {}",
            r.outcome, r.expected, r.names_sites
        ),
    };
    let rows = (strat.iter())
        .map(|st| {
            [
                vec![format!("`{st}`")],
                scen.iter().map(|sc| cell(st, sc)).collect(),
            ]
            .concat()
        })
        .collect();
    (scen, rows)
}

/// keycost.csv: median over boots of each (source, row, name, CPUs, per-CPU modules).
pub fn keycost(rows: &[KeycostRow]) -> Vec<Vec<String>> {
    let mut groups: BTreeMap<[String; 5], Vec<f64>> = BTreeMap::new();
    for r in rows {
        let (c, m) = (r.possible_cpus.to_string(), r.percpu_modules.to_string());
        let k = [r.source.clone(), r.row.clone(), r.name.clone(), c, m];
        groups.entry(k).or_default().push(r.ns_per_op);
    }
    (groups.into_iter())
        .map(|(k, v)| {
            let n = v.len().to_string();
            [k.to_vec(), vec![median_of(v).map_or("-".into(), num), n]].concat()
        })
        .collect()
}

/// memory.csv: host-bench's user-space table, bytes per class, next to each record's size.
pub fn memory(rows: &[MemoryRow]) -> Vec<Vec<String>> {
    (rows.iter())
        .map(|r| {
            let per = (r.classes > 0).then(|| num(r.table_bytes as f64 / r.classes as f64));
            vec![
                format!("`{}`", r.strategy),
                r.table_bytes.to_string(),
                r.classes.to_string(),
                per.unwrap_or_else(|| "-".into()),
                r.record_bytes.to_string(),
            ]
        })
        .collect()
}
