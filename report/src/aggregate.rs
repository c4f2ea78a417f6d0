//! Groups tidy rows into cells (series x strategy x mode x threads x sites) and summarises
//! each cell by its median and range, the only statistics the report and plots use.

use std::collections::{BTreeMap, BTreeSet};

use crate::tidy::DataRow;

/// Canonical display order; names the project does not know sort after these, alphabetically.
const STRATEGY_ORDER: [&str; 11] = [
    "mutex", "spinlock", "rcu", "location", "macro", "dynamic", "cached", "noop", "siphash",
    "fxhash", "addr",
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
const SOURCE_ORDER: [&str; 4] = ["guest-icount", "guest-tcg", "guest-kvm", "host"];

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

/// One measured configuration: which machine/emulation and which kernel flavour.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Series {
    pub source: String,
    pub flavour: String,
}

impl Series {
    /// host-bench writes `-` for "no kernel flavour"; it means the same as an empty cell.
    pub fn new(source: &str, flavour: &str) -> Series {
        Series {
            source: source.to_string(),
            flavour: if flavour == "-" { "" } else { flavour }.to_string(),
        }
    }

    fn sort_key(&self) -> ((usize, String), String) {
        (rank(&SOURCE_ORDER, &self.source), self.flavour.clone())
    }

    pub fn is_host(&self) -> bool {
        self.source == "host"
    }

    /// What kind of clock produced the numbers; every figure in the report carries this.
    pub fn kind(&self) -> &'static str {
        match self.source.as_str() {
            "guest-icount" => "emulated guest: QEMU TCG, icount",
            "guest-tcg" => "emulated guest: QEMU TCG, real-time",
            "guest-kvm" => "virtualised guest: QEMU KVM on real hardware",
            "host" => "real hardware: host",
            _ => "unknown source",
        }
    }

    /// Short id used in file names and table headings, e.g. `guest-icount-lockdep`.
    pub fn id(&self) -> String {
        if self.flavour.is_empty() {
            self.source.clone()
        } else {
            format!("{}-{}", self.source, self.flavour)
        }
    }

    /// Full label, e.g. `guest-icount, lockdep kernel (emulated guest: QEMU TCG, icount)`.
    pub fn label(&self) -> String {
        if self.flavour.is_empty() || self.is_host() {
            format!("{} ({})", self.source, self.kind())
        } else {
            format!("{}, {} kernel ({})", self.source, self.flavour, self.kind())
        }
    }
}

impl PartialOrd for Series {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Series {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CellKey {
    pub series: Series,
    pub strategy: (usize, String),
    pub mode: (usize, String),
    pub threads: u32,
    pub sites: u64,
}

/// Median and spread of one cell. `ci` is set when the cell is a single criterion estimate.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
    pub ci: Option<(f64, f64)>,
}

impl Summary {
    fn of(rows: &[&DataRow]) -> Summary {
        let mut v: Vec<f64> = rows.iter().map(|r| r.ns_per_op).collect();
        v.sort_by(f64::total_cmp);
        let ci = match rows {
            [r] => r.ci_low.zip(r.ci_high),
            _ => None,
        };
        Summary {
            median: median_sorted(&v),
            min: v[0],
            max: v[v.len() - 1],
            runs: v.len(),
            ci,
        }
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
}

pub struct Dataset {
    pub cells: BTreeMap<CellKey, Summary>,
    pub series: BTreeMap<Series, SeriesInfo>,
}

impl Dataset {
    pub fn new(rows: &[DataRow]) -> Dataset {
        let mut groups: BTreeMap<CellKey, Vec<&DataRow>> = BTreeMap::new();
        let mut series: BTreeMap<Series, SeriesInfo> = BTreeMap::new();
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
            let key = CellKey {
                series: s,
                strategy: strategy_rank(&r.strategy),
                mode: mode_rank(&r.mode),
                threads: r.threads,
                sites: r.sites,
            };
            groups.entry(key).or_default().push(r);
        }
        let cells = groups
            .into_iter()
            .map(|(k, rows)| (k, Summary::of(&rows)))
            .collect();
        Dataset { cells, series }
    }

    pub fn get(
        &self,
        series: &Series,
        strategy: &str,
        mode: &str,
        threads: u32,
        sites: u64,
    ) -> Option<&Summary> {
        self.cells.get(&CellKey {
            series: series.clone(),
            strategy: strategy_rank(strategy),
            mode: mode_rank(mode),
            threads,
            sites,
        })
    }

    /// All cells of one series and mode, optionally limited to some strategies.
    pub fn cells_of<'a>(
        &'a self,
        series: &'a Series,
        mode: &'a str,
    ) -> impl Iterator<Item = (&'a CellKey, &'a Summary)> + 'a {
        self.cells
            .iter()
            .filter(move |(k, _)| &k.series == series && k.mode.1 == mode)
    }

    pub fn has(&self, series: &Series, strategy: &str, mode: &str) -> bool {
        self.cells_of(series, mode)
            .any(|(k, _)| k.strategy.1 == strategy)
    }

    pub fn has_strategy(&self, series: &Series, strategy: &str) -> bool {
        self.cells
            .keys()
            .any(|k| &k.series == series && k.strategy.1 == strategy)
    }

    /// Strategies present in a series and mode, in display order.
    pub fn strategies(&self, series: &Series, mode: &str) -> Vec<String> {
        let set: BTreeSet<(usize, String)> = self
            .cells_of(series, mode)
            .map(|(k, _)| k.strategy.clone())
            .collect();
        set.into_iter().map(|s| s.1).collect()
    }

    /// Sorted distinct (threads, sites) pairs where every given strategy has a cell.
    pub fn common_points(
        &self,
        series: &Series,
        mode: &str,
        strategies: &[&str],
    ) -> Vec<(u32, u64)> {
        let mut pts: BTreeSet<(u32, u64)> = self
            .cells_of(series, mode)
            .map(|(k, _)| (k.threads, k.sites))
            .collect();
        pts.retain(|(t, n)| {
            strategies
                .iter()
                .all(|s| self.get(series, s, mode, *t, *n).is_some())
        });
        pts.into_iter().collect()
    }

    /// The headline point for a comparison: fewest threads, then most sites.
    pub fn headline_point(
        &self,
        series: &Series,
        mode: &str,
        strategies: &[&str],
    ) -> Option<(u32, u64)> {
        let pts = self.common_points(series, mode, strategies);
        let t = pts.iter().map(|p| p.0).min()?;
        pts.into_iter().filter(|p| p.0 == t).max_by_key(|p| p.1)
    }

    pub fn guest_series(&self) -> impl Iterator<Item = &Series> {
        self.series.keys().filter(|s| !s.is_host())
    }

    pub fn host_series(&self) -> impl Iterator<Item = &Series> {
        self.series.keys().filter(|s| s.is_host())
    }
}
