//! Groups tidy rows into cells (series x strategy x mode x threads x sites x injected
//! failure rate) and summarises each.
//!
//! A whole module load can shift (key and record placement, the host), so no single load may
//! stand for a figure: the runs of one load (one boot's `load`) give that load's median, and
//! the cell's figure is the median of its load medians over every load of every boot. Runs the
//! module marked below its clock's resolution (`short_batch`) are left out of every figure; a
//! cell with nothing else is only listed in `Dataset::below_resolution`, so no comparison can
//! use it.

use std::collections::{BTreeMap, BTreeSet};

pub use crate::source::Series;
use crate::tidy::DataRow;

/// Display order; names the project does not know sort after these, alphabetically.
const STRATEGY_ORDER: [&str; 13] = [
    "mutex", "spinlock", "rcu", "location", "macro", "dynamic", "cached", "pool", "tracked",
    "noop", "siphash", "fxhash", "addr",
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

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CellKey {
    pub series: Series,
    pub strategy: (usize, String),
    pub mode: (usize, String),
    pub threads: u32,
    pub sites: u64,
    pub fail_alloc_every: u64,
}

impl CellKey {
    pub fn new(s: &Series, strategy: &str, mode: &str, threads: u32, sites: u64) -> CellKey {
        CellKey {
            series: s.clone(),
            strategy: rank(&STRATEGY_ORDER, strategy),
            mode: rank(&MODE_ORDER, mode),
            threads,
            sites,
            fail_alloc_every: 0,
        }
    }
}

/// A load as the rows name it: (boot, load).
pub type LoadId = (Option<u32>, Option<u32>);

/// One cell: `median` is the median of the load medians, `min`/`max` span every run, and
/// `ci` is criterion's interval when the cell is a single host estimate.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
    pub ci: Option<(f64, f64)>,
    pub gp_per_op: Option<f64>,
    /// Each load's median.
    pub per_load: Vec<(LoadId, f64)>,
    /// Each run by (load, run): the module runs a load's strategies interleaved, one batch
    /// each per round, so run `r` of two cells of one load were taken moments apart.
    pub per_round: Vec<((LoadId, u64), f64)>,
}

pub fn median_of(mut v: Vec<f64>) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    (!v.is_empty()).then(|| median_sorted(&v))
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

/// Medians of `v`'s values grouped by key, in key order.
fn medians_by<K: Ord>(v: impl Iterator<Item = (K, f64)>) -> Vec<(K, f64)> {
    let mut groups: BTreeMap<K, Vec<f64>> = BTreeMap::new();
    for (k, x) in v {
        groups.entry(k).or_default().push(x);
    }
    (groups.into_iter())
        .filter_map(|(k, v)| median_of(v).map(|m| (k, m)))
        .collect()
}

impl Summary {
    /// `None` when every row is below the clock's resolution.
    pub fn of(all: &[&DataRow]) -> Option<Summary> {
        let rows: Vec<&DataRow> = all.iter().copied().filter(|r| !r.short_batch).collect();
        let ns = rows.iter().map(|r| r.ns_per_op);
        // Rows that name no load (host estimates) count as one load.
        let per_load = medians_by(rows.iter().map(|r| ((r.boot, r.load), r.ns_per_op)));
        Some(Summary {
            median: median_of(per_load.iter().map(|p| p.1).collect())?,
            min: ns.clone().fold(f64::INFINITY, f64::min),
            max: ns.fold(0.0, f64::max),
            runs: rows.len(),
            ci: match rows.as_slice() {
                [r] => r.ci_low.zip(r.ci_high),
                _ => None,
            },
            gp_per_op: median_of(rows.iter().filter_map(|r| r.gp_per_op).collect()),
            per_load,
            per_round: (rows.iter())
                .filter_map(|r| Some((((r.boot, r.load), r.run?), r.ns_per_op)))
                .collect(),
        })
    }

    /// Each boot's median of its load medians: the pairing unit when two cells share no load.
    pub fn per_boot(&self) -> Vec<(Option<u32>, f64)> {
        medians_by(self.per_load.iter().map(|((b, _), m)| (*b, *m)))
    }
}

/// What the page says about a series besides its cells.
#[derive(Clone, Debug, Default)]
pub struct SeriesInfo {
    pub kernels: BTreeSet<String>,
    pub cpus: BTreeSet<String>,
    pub dates: BTreeSet<String>,
    pub loads: BTreeSet<LoadId>,
    pub boots: BTreeSet<u32>,
    /// Cores (host) or online CPUs (guest) the rows record.
    pub cores: BTreeSet<u32>,
    /// The loads that injected allocation failures (their stats count fallbacks on purpose).
    pub failing_loads: BTreeSet<LoadId>,
}

pub struct Dataset {
    pub cells: BTreeMap<CellKey, Summary>,
    /// Cells all of whose runs were too short for the clock: shown as such, never compared,
    /// with their median grace periods per operation (a count, not a time, so still shown).
    pub below_resolution: BTreeMap<CellKey, Option<f64>>,
    pub series: BTreeMap<Series, SeriesInfo>,
}

impl Dataset {
    pub fn new(rows: &[DataRow]) -> Dataset {
        let mut groups: BTreeMap<CellKey, Vec<&DataRow>> = BTreeMap::new();
        let mut series: BTreeMap<Series, SeriesInfo> = BTreeMap::new();
        for r in rows {
            let s = Series::new(&r.source, &r.flavour);
            let info = series.entry(s.clone()).or_default();
            for (set, v) in [
                (&mut info.kernels, &r.kernel),
                (&mut info.cpus, &r.cpu),
                (&mut info.dates, &r.date),
            ] {
                if !v.is_empty() {
                    set.insert(v.clone());
                }
            }
            info.boots.extend(r.boot);
            info.cores.extend(r.cores);
            info.loads.insert((r.boot, r.load));
            if r.fail_alloc_every > 0 {
                info.failing_loads.insert((r.boot, r.load));
            }
            let mut key = CellKey::new(&s, &r.strategy, &r.mode, r.threads, r.sites);
            key.fail_alloc_every = r.fail_alloc_every;
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
        }
    }

    /// The cell of one configuration without injected failures.
    pub fn get(&self, s: &Series, strategy: &str, mode: &str, t: u32, n: u64) -> Option<&Summary> {
        self.cells.get(&CellKey::new(s, strategy, mode, t, n))
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
}
