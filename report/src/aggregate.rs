//! Groups tidy rows into cells (series x strategy x mode x threads x sites x injected
//! failure rate) and summarises each cell.
//!
//! A real clock on a shared machine is noisy, and a whole module load can shift (key and
//! record placement, the host), so no single load may stand for a figure: the runs of one
//! load (one boot's `load`) give that load's median, the cell's figure is the median of its
//! load medians over every load of every boot, and its spread is the range of those load
//! medians relative to the figure. Runs the module marked below its clock's resolution
//! (`short_batch`) are left out of every figure; a cell with nothing else is only listed in
//! `Dataset::below_resolution`, so no comparison can use it.

use std::collections::{BTreeMap, BTreeSet};

pub use crate::source::Series;
use crate::tidy::DataRow;

/// Canonical display order; names the project does not know sort after these, alphabetically.
const STRATEGY_ORDER: [&str; 12] = [
    "mutex", "spinlock", "rcu", "location", "macro", "dynamic", "cached", "pool", "noop",
    "siphash", "fxhash", "addr",
];
const MODE_ORDER: [&str; 7] = [
    "lookup",
    "create",
    "init",
    "acquire",
    "concurrent",
    "atomic",
    "hash",
];
fn rank(order: &[&str], name: &str) -> (usize, String) {
    let i = order.iter().position(|o| *o == name).unwrap_or(order.len());
    (i, name.to_string())
}

pub fn strategy_rank(s: &str) -> (usize, String) {
    rank(&STRATEGY_ORDER, s)
}

pub fn mode_rank(s: &str) -> (usize, String) {
    rank(&MODE_ORDER, s)
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CellKey {
    pub series: Series,
    pub strategy: (usize, String),
    pub mode: (usize, String),
    pub threads: u32,
    pub sites: u64,
    pub fail_alloc_every: u64,
}

/// One cell. `median` is the median of the load medians; `min`/`max` span every run; `ci`
/// is set when the cell is a single criterion estimate.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
    /// criterion's interval, for a lone host estimate.
    pub ci: Option<(f64, f64)>,
    pub gp_per_op: Option<f64>,
    /// Median instructions per operation, where counted (host export).
    pub instructions: Option<f64>,
    /// Each load's median, by (boot, load): strategies measured in one load are paired by it.
    pub per_load: Vec<(LoadId, f64)>,
}

pub fn median_of(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(median_sorted(&v))
}

impl Summary {
    /// `None` when every row is below the clock's resolution.
    pub fn of(all: &[&DataRow]) -> Option<Summary> {
        let rows: Vec<&DataRow> = all.iter().copied().filter(|r| !r.short_batch).collect();
        let mut v: Vec<f64> = rows.iter().map(|r| r.ns_per_op).collect();
        v.sort_by(f64::total_cmp);
        let ci = match rows.as_slice() {
            [r] => r.ci_low.zip(r.ci_high),
            _ => None,
        };
        // Rows that name no load (older guest CSVs, host estimates) count as one load.
        let mut groups: BTreeMap<LoadId, Vec<f64>> = BTreeMap::new();
        for r in &rows {
            groups
                .entry((r.boot, r.load))
                .or_default()
                .push(r.ns_per_op);
        }
        let per_load: Vec<(LoadId, f64)> = groups
            .into_iter()
            .filter_map(|(id, v)| median_of(v).map(|m| (id, m)))
            .collect();
        Some(Summary {
            median: median_of(per_load.iter().map(|p| p.1).collect())?,
            min: v[0],
            max: v[v.len() - 1],
            runs: v.len(),
            ci,
            gp_per_op: median_of(rows.iter().filter_map(|r| r.gp_per_op).collect()),
            instructions: median_of(rows.iter().filter_map(|r| r.instructions_per_op).collect()),
            per_load,
        })
    }

    /// Each boot's median of its load medians: the pairing unit when two cells share no load.
    pub fn per_boot(&self) -> Vec<(Option<u32>, f64)> {
        let mut by: BTreeMap<Option<u32>, Vec<f64>> = BTreeMap::new();
        for ((b, _), m) in &self.per_load {
            by.entry(*b).or_default().push(*m);
        }
        by.into_iter()
            .filter_map(|(b, v)| median_of(v).map(|m| (b, m)))
            .collect()
    }

    /// Whisker ends for plots: the confidence interval for a lone estimate, else min-max.
    pub fn whiskers(&self) -> (f64, f64) {
        self.ci.unwrap_or((self.min, self.max))
    }
}

/// Median of a sorted, non-empty slice; the mean of the middle two for even lengths.
pub fn median_sorted(v: &[f64]) -> f64 {
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Descriptive facts about a series, listed in the report header.
#[derive(Clone, Debug, Default)]
pub struct SeriesInfo {
    pub kernels: BTreeSet<String>,
    pub rustcs: BTreeSet<String>,
    pub cpus: BTreeSet<String>,
    pub dates: BTreeSet<String>,
    pub rows: usize,
    pub min_ops: u64,
    pub max_ops: u64,
    /// Distinct loads (boot, load) and boots that produced rows.
    pub loads: BTreeSet<LoadId>,
    pub boots: BTreeSet<u32>,
    /// Cores (host) or online CPUs (guest) the rows record.
    pub cores: BTreeSet<u32>,
    /// Grace periods measured at load (ns), one per load that printed it.
    pub gp_ns: Vec<u64>,
    /// Most threads run at once, and rows that ran more threads than their cores.
    pub max_threads: u32,
    pub oversubscribed: usize,
}

/// A load as the rows name it: (boot, load).
pub type LoadId = (Option<u32>, Option<u32>);

pub struct Dataset {
    pub cells: BTreeMap<CellKey, Summary>,
    /// Cells all of whose runs were too short for the clock: shown as such, never compared.
    /// With the median grace periods per operation: a count, not a time, so still shown.
    pub below_resolution: BTreeMap<CellKey, Option<f64>>,
    pub series: BTreeMap<Series, SeriesInfo>,
    /// Per series, the loads that injected allocation failures (their stats count fallbacks
    /// on purpose).
    pub failing_loads: BTreeMap<Series, BTreeSet<LoadId>>,
}

impl Dataset {
    pub fn new(rows: &[DataRow]) -> Dataset {
        let mut groups: BTreeMap<CellKey, Vec<&DataRow>> = BTreeMap::new();
        let mut series: BTreeMap<Series, SeriesInfo> = BTreeMap::new();
        let mut failing_loads: BTreeMap<Series, BTreeSet<LoadId>> = BTreeMap::new();
        for r in rows {
            let s = Series::new(&r.source, &r.flavour);
            let info = series.entry(s.clone()).or_insert_with(|| SeriesInfo {
                min_ops: u64::MAX,
                ..SeriesInfo::default()
            });
            for (set, v) in [
                (&mut info.kernels, &r.kernel),
                (&mut info.rustcs, &r.rustc),
                (&mut info.cpus, &r.cpu),
                (&mut info.dates, &r.date),
            ] {
                if !v.is_empty() {
                    set.insert(v.clone());
                }
            }
            info.rows += 1;
            info.min_ops = info.min_ops.min(r.ops);
            info.max_ops = info.max_ops.max(r.ops);
            info.boots.extend(r.boot);
            info.cores.extend(r.cores);
            let new_load = info.loads.insert((r.boot, r.load));
            // Zero means no key to unregister (a kernel without lockdep): nothing measured.
            if let (true, Some(g)) = (new_load, r.gp_ns.filter(|g| *g > 0)) {
                info.gp_ns.push(g);
            }
            info.max_threads = info.max_threads.max(r.threads);
            if r.cores.is_some_and(|c| r.threads > c) {
                info.oversubscribed += 1;
            }
            if r.fail_alloc_every > 0 {
                failing_loads
                    .entry(s.clone())
                    .or_default()
                    .insert((r.boot, r.load));
            }
            let key = CellKey {
                series: s,
                strategy: strategy_rank(&r.strategy),
                mode: mode_rank(&r.mode),
                threads: r.threads,
                sites: r.sites,
                fail_alloc_every: r.fail_alloc_every,
            };
            groups.entry(key).or_default().push(r);
        }
        let mut cells = BTreeMap::new();
        let mut below_resolution = BTreeMap::new();
        for (k, rows) in groups {
            match Summary::of(&rows) {
                Some(s) => drop(cells.insert(k, s)),
                None => {
                    let gp = median_of(rows.iter().filter_map(|r| r.gp_per_op).collect());
                    below_resolution.insert(k, gp);
                }
            }
        }
        Dataset {
            cells,
            below_resolution,
            series,
            failing_loads,
        }
    }

    /// The cell of one configuration without injected failures.
    pub fn get(
        &self,
        series: &Series,
        strategy: &str,
        mode: &str,
        threads: u32,
        sites: u64,
    ) -> Option<&Summary> {
        self.get_failing(series, strategy, mode, threads, sites, 0)
    }

    /// The cell of one configuration at an injected failure rate (0: none).
    pub fn get_failing(
        &self,
        series: &Series,
        strategy: &str,
        mode: &str,
        threads: u32,
        sites: u64,
        fail_alloc_every: u64,
    ) -> Option<&Summary> {
        self.cells.get(&CellKey {
            series: series.clone(),
            strategy: strategy_rank(strategy),
            mode: mode_rank(mode),
            threads,
            sites,
            fail_alloc_every,
        })
    }

    /// All cells of one series and mode without injected failures.
    pub fn cells_of<'a>(
        &'a self,
        series: &'a Series,
        mode: &'a str,
    ) -> impl Iterator<Item = (&'a CellKey, &'a Summary)> + 'a {
        self.cells.iter().filter(move |(k, _)| {
            &k.series == series && k.mode.1 == mode && k.fail_alloc_every == 0
        })
    }

    pub fn has(&self, series: &Series, strategy: &str, mode: &str) -> bool {
        self.cells_of(series, mode)
            .any(|(k, _)| k.strategy.1 == strategy)
    }

    /// Strategies present in a series and mode, in display order.
    pub fn strategies(&self, series: &Series, mode: &str) -> Vec<String> {
        let set: BTreeSet<(usize, String)> = self
            .cells_of(series, mode)
            .map(|(k, _)| k.strategy.clone())
            .collect();
        set.into_iter().map(|s| s.1).collect()
    }

    pub fn guest_series(&self) -> impl Iterator<Item = &Series> {
        self.series.keys().filter(|s| !s.is_host())
    }
}
