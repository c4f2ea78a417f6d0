//! Decided figures: the one place where the page's comparisons are computed.
//!
//! `LIST_TEXT` is fixed here, before any run: the comparisons the five answers and the
//! recommendation rest on. Each is a paired ratio A / B. The module runs a load's strategies
//! interleaved (one batch each per round, the order rotated from round to round), so each
//! round gives a ratio of two batches taken moments apart, and each load the median of its
//! rounds' ratios; when two cells share no load (the injected-failure loads), each boot gives
//! one ratio of its boot medians. Loads (or boots) are the pairs: rounds of one load share its
//! placement and are not independent. The estimate is the median of the pairs, and its 95 % interval is the
//! exact order-statistic (binomial) interval for a median: distribution-free, reproducible
//! without a seed, and it says plainly when there are too few pairs (fewer than 6) for one.
//! Runs marked below the clock's resolution never enter (see `aggregate`). `noop` is
//! compared with `location` like any other pair, never subtracted.

use serde::Serialize;

use std::collections::BTreeMap;

use crate::aggregate::{median_of, median_sorted, CellKey, Dataset, LoadId, Summary};
pub use crate::interval::{median_interval, share_interval};
use crate::source::Series;
use crate::tidy::{ScalingRow, StatsRow};

/// Ratios inside 1 +- EQUAL (both ends) are "equal"; outside it, "faster"/"slower".
pub const EQUAL: f64 = 0.05;
/// Sources a timed comparison may come from, in order of preference.
const TIMED: &[&str] = &["guest-uml", "guest-icount"];
const MULTI_CPU: &[&str] = &["guest-tcg", "guest-kvm"];

/// One side of a comparison: a cell of the data.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    pub strategy: &'static str,
    pub mode: &'static str,
    pub sites: u64,
    pub threads: u32,
    pub fail_alloc_every: u64,
}

/// The fixed list, one comparison a line: id | A | B | how | what. A cell is "strategy mode
/// sites [threads=N] [failing]"; how is `timed` (guest-uml, else guest-icount), `multi`
/// (guest-tcg, guest-kvm), `cores` (host scaling.csv: A's strategy and sites) or `bytes`.
const LIST_TEXT: &str = "\
q1_lookup | mutex lookup 64 | spinlock lookup 64 | timed | hit (lookup), `mutex` / `spinlock` table
q1_create | mutex create 64 | spinlock create 64 | timed | miss (create), `mutex` / `spinlock` table
q1_concurrent | mutex concurrent 64 threads=2 | spinlock concurrent 64 threads=2 | multi | 2 concurrent threads, `mutex` / `spinlock`
q2_lookup | location lookup 64 | macro lookup 64 | timed | lookup, `location` / `macro`
q2_init | location init 64 | macro init 64 | timed | lock init, `location` / `macro`
q3_cached_init | cached init 64 failing | cached init 64 | timed | `cached` lock init, every allocation failing / none failing
q3_mutex_init | mutex init 64 failing | mutex init 64 | timed | `mutex` lock init, every allocation failing / none failing
q3_mutex_create | mutex create 1024 failing | mutex create 1024 | timed | `mutex` miss at 1024 sites, every allocation failing / none failing
q4_pool_init | pool init 64 | macro init 64 | timed | lock init, `pool` / `macro`
q4_cached_init | cached init 64 | macro init 64 | timed | lock init, `cached` / `macro`
q4_noop | noop lookup 64 | location lookup 64 | timed | lookup, `noop` (harness alone) / `location`
q5_sites_mutex | mutex lookup 1024 | mutex lookup 1 | timed | `mutex` hit, 1024 sites / 1 site
q5_sites_pool | pool lookup 1024 | pool lookup 1 | timed | `pool` hit, 1024 sites / 1 site
q5_cpus_pool | pool lookup 1024 | pool lookup 1024 | cores | `pool` lookup per thread, every core busy / one thread
q5_cpus_spinlock | spinlock lookup 1024 | spinlock lookup 1024 | cores | `spinlock` lookup per thread, every core busy / one thread
q5_memory | pool - 0 | mutex - 0 | bytes | table bytes per class, `pool` / `mutex`
rec_pool_cached | pool lookup 64 | cached lookup 64 | timed | hit, `pool` / `cached`
rec_mutex_pool | mutex lookup 64 | pool lookup 64 | timed | hit, `mutex` / `pool`
rec_spinlock_pool | spinlock lookup 64 | pool lookup 64 | timed | hit, `spinlock` / `pool`
rec_rcu_pool | rcu lookup 64 | pool lookup 64 | timed | hit, `rcu` / `pool`
rec_dynamic_pool | dynamic init 64 | pool init 64 | timed | lock init, `dynamic` / `pool`
api_init | tracked init 64 | macro init 64 | timed | lock init, the patched API (`tracked`) / `macro`
api_pool_init | tracked init 64 | pool init 64 | timed | lock init, the patched API (`tracked`) / the module-local `pool`
api_acquire | tracked acquire 64 | macro acquire 64 | timed | first acquire, the patched API (`tracked`) / `macro`
api_overflow | tracked lookup 1024 | tracked lookup 16 | timed | the patched API's lookup, 1024 sites (960 past its pool) / 16
api_location_init | tracked init 64 | location init 64 | timed | lock init, the patched API (`tracked`) / the `Location` as the key
";

fn cell(text: &'static str) -> Cell {
    let mut w = text.split_whitespace();
    let mut x = Cell {
        strategy: w.next().expect("strategy"),
        mode: w.next().expect("mode"),
        sites: w.next().and_then(|n| n.parse().ok()).expect("sites"),
        threads: 1,
        fail_alloc_every: 0,
    };
    for o in w {
        match o.split_once('=') {
            Some(("threads", t)) => x.threads = t.parse().expect("threads"),
            _ => x.fail_alloc_every = 1,
        }
    }
    x
}

/// How a comparison is measured.
#[derive(Clone, Copy, Debug)]
pub enum How {
    /// A / B from data.csv, paired by load (else by boot), from the first of the sources.
    Paired(Cell, Cell, &'static [&'static str]),
    /// host-bench's paired rounds (scaling.csv): every core busy over one thread.
    AllCores(&'static str, u64),
    /// Bytes per class of A over B's, counted by the module (stats.csv): no interval needed.
    Bytes(&'static str, &'static str),
}

pub struct Spec {
    pub id: &'static str,
    pub what: &'static str,
    pub how: How,
}

/// The list, parsed; a malformed line is a bug here, so it panics (every test renders it).
pub fn list() -> Vec<Spec> {
    (LIST_TEXT.lines())
        .map(|l| {
            let f: Vec<&'static str> = l.split(" | ").collect();
            let (a, b) = (cell(f[1]), cell(f[2]));
            let how = match f[3] {
                "timed" => How::Paired(a, b, TIMED),
                "multi" => How::Paired(a, b, MULTI_CPU),
                "cores" => How::AllCores(a.strategy, a.sites),
                _ => How::Bytes(a.strategy, b.strategy),
            };
            Spec {
                id: f[0],
                what: f[4],
                how,
            }
        })
        .collect()
}

/// A decided figure as the page words it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Decided {
    pub id: &'static str,
    pub what: &'static str,
    pub source: String,
    pub ratio: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    /// Pairs and what paired them (`loads`, `boots`, `rounds`, `counted`).
    pub n: usize,
    pub unit: &'static str,
    /// Every pair's ratio, sorted: detail/figures.md lists them.
    pub pairs: Vec<f64>,
    /// `a_faster`, `b_faster`, `equal`, `open` (interval straddles a bound), `none` (no data).
    pub verdict: &'static str,
    /// Why there is no figure, or what is missing, in a few words.
    pub note: String,
    /// What A and B are, in the words "A is faster" needs.
    pub a_name: String,
    pub b_name: String,
    /// A / B medians in ns (or bytes), for the sentence that names them.
    pub a: Option<f64>,
    pub b: Option<f64>,
}

fn verdict(lo: f64, hi: f64) -> &'static str {
    if hi < 1.0 / (1.0 + EQUAL) {
        "a_faster"
    } else if lo > 1.0 + EQUAL {
        "b_faster"
    } else if lo >= 1.0 / (1.0 + EQUAL) && hi <= 1.0 + EQUAL {
        "equal"
    } else {
        "open"
    }
}

fn empty(spec: &Spec, source: &str, note: String) -> Decided {
    let (a_name, b_name) = names(spec.how);
    Decided {
        id: spec.id,
        what: spec.what,
        source: source.into(),
        verdict: "none",
        note,
        a_name,
        b_name,
        ..Decided::default()
    }
}

fn from_ratios(spec: &Spec, source: &str, mut r: Vec<f64>, unit: &'static str) -> Decided {
    r.sort_by(f64::total_cmp);
    let mut d = empty(spec, source, String::new());
    if r.is_empty() {
        d.note = "no pair measured in one load or boot".into();
        return d;
    }
    d.ratio = Some(median_sorted(&r));
    d.n = r.len();
    d.unit = unit;
    d.pairs = r.clone();
    match median_interval(&r) {
        Some((lo, hi)) => {
            (d.lo, d.hi) = (Some(lo), Some(hi));
            d.verdict = verdict(lo, hi);
        }
        None => {
            d.verdict = "open";
            d.note = "too few for an exact 95 % interval (6)".into();
        }
    }
    d
}

/// A / B of every pair of values with the same key.
fn ratios<K: PartialEq>(a: &[(K, f64)], b: &[(K, f64)]) -> Vec<f64> {
    let with = |(id, x): &(K, f64)| Some(x / b.iter().find(|(j, _)| j == id)?.1);
    a.iter()
        .filter_map(with)
        .filter(|r| r.is_finite())
        .collect()
}

fn pair(a: &Summary, b: &Summary) -> (Vec<f64>, &'static str) {
    // Per round, then the median over each load's rounds.
    let mut by_round: BTreeMap<LoadId, Vec<f64>> = BTreeMap::new();
    for ((id, run), x) in &a.per_round {
        let y = b.per_round.iter().find(|(j, _)| *j == (*id, *run));
        if let Some(r) = y.map(|(_, y)| x / y).filter(|r| r.is_finite()) {
            by_round.entry(*id).or_default().push(r);
        }
    }
    let by_load: Vec<f64> = by_round.into_values().filter_map(median_of).collect();
    if !by_load.is_empty() {
        return (by_load, "loads");
    }
    let by_load = ratios(&a.per_load, &b.per_load);
    if !by_load.is_empty() {
        return (by_load, "loads");
    }
    (ratios(&a.per_boot(), &b.per_boot()), "boots")
}

fn key(s: &Series, x: Cell) -> CellKey {
    let mut k = CellKey::new(s, x.strategy, x.mode, x.threads, x.sites);
    k.fail_alloc_every = x.fail_alloc_every;
    k
}

fn paired(ds: &Dataset, spec: &Spec, a: Cell, b: Cell, sources: &[&str]) -> Decided {
    let mut note = format!("not measured in {}", sources.join(" or "));
    for src in sources {
        let series = ds.series.keys();
        let Some(s) = series
            .filter(|s| s.flavour != "plain")
            .find(|s| s.source == *src)
        else {
            continue;
        };
        let short = |x| ds.below_resolution.contains_key(&key(s, x));
        if short(a) || short(b) {
            note = format!("below the clock's resolution in {src}: not compared");
            continue;
        }
        let (Some(sa), Some(sb)) = (ds.cells.get(&key(s, a)), ds.cells.get(&key(s, b))) else {
            continue;
        };
        let (r, unit) = pair(sa, sb);
        let mut d = from_ratios(spec, src, r, unit);
        (d.a, d.b) = (Some(sa.median), Some(sb.median));
        return d;
    }
    empty(spec, "", note)
}

/// What tells A from B: the strategy, else the sites, threads or injected failures.
fn names(how: How) -> (String, String) {
    match how {
        How::Paired(a, b, _) if a.strategy != b.strategy => {
            (format!("`{}`", a.strategy), format!("`{}`", b.strategy))
        }
        How::Paired(a, b, _) if a.sites != b.sites => {
            let s = |n: u64| format!("{n} site{}", if n == 1 { "" } else { "s" });
            (s(a.sites), s(b.sites))
        }
        How::Paired(a, b, _) if a.threads != b.threads => (
            format!("{} threads", a.threads),
            format!("{} thread", b.threads),
        ),
        How::Paired(..) => ("the fallback".into(), "a registered key".into()),
        How::AllCores(..) => ("every core busy".into(), "one thread".into()),
        How::Bytes(a, b) => (format!("`{a}`"), format!("`{b}`")),
    }
}

/// Every figure of the list, in its order.
pub fn compute(ds: &Dataset, stats: &[StatsRow], scaling: &[ScalingRow]) -> Vec<Decided> {
    list()
        .iter()
        .map(|spec| one(ds, stats, scaling, spec))
        .collect()
}

fn one(ds: &Dataset, stats: &[StatsRow], scaling: &[ScalingRow], spec: &Spec) -> Decided {
    match spec.how {
        How::Paired(a, b, src) => paired(ds, spec, a, b, src),
        How::AllCores(strategy, sites) => {
            let row = scaling
                .iter()
                .find(|r| (&*r.strategy, r.sites) == (strategy, sites));
            let Some(r) = row else {
                return empty(spec, "host", "no scaling.csv row".into());
            };
            let note = format!("{} threads on {} cores", r.threads, r.cores);
            let rounds = r.round_ratios();
            if !rounds.is_empty() {
                // Each round is an independent pair (its own batches, back to back).
                let mut d = from_ratios(spec, "host", rounds, "rounds");
                d.note = note;
                return d;
            }
            // Older files give only the range of n rounds: the order-statistic interval with
            // k = 1, which covers the median with 1 - 2^(1-n), at least 95 % from 6 rounds on.
            let mut d = empty(spec, "host", note);
            (d.ratio, d.n, d.unit) = (Some(r.median_ratio), r.rounds as usize, "rounds");
            if r.rounds >= 6 {
                (d.lo, d.hi) = (Some(r.min_ratio), Some(r.max_ratio));
                d.verdict = verdict(r.min_ratio, r.max_ratio);
            } else {
                d.verdict = "open";
            }
            d
        }
        How::Bytes(a, b) => {
            let (x, y) = (bytes_per_class(stats, a), bytes_per_class(stats, b));
            let (Some(x), Some(y)) = (x, y) else {
                return empty(spec, "", "no stats rows".into());
            };
            let mut d = empty(spec, &x.2, format!("at {} classes", x.1));
            let r = x.0 / y.0;
            (d.ratio, d.lo, d.hi, d.n, d.unit) = (Some(r), Some(r), Some(r), 1, "counted");
            (d.a, d.b) = (Some(x.0), Some(y.0));
            d.verdict = verdict(r, r);
            d
        }
    }
}

/// The strategy's table bytes per class at its most classes, from the headline source's
/// stats (another source's when it has none), with that class count.
pub fn bytes_per_class(stats: &[StatsRow], strategy: &str) -> Option<(f64, u64, String)> {
    let best = |src: &str| {
        (stats.iter())
            .filter(|r| r.strategy == strategy && r.source == src && r.classes > 0)
            .max_by_key(|r| (r.classes, r.table_bytes))
    };
    let r = best("guest-uml").or_else(|| best("guest-icount"))?;
    let bytes = r.table_bytes as f64 / r.classes as f64;
    Some((bytes, r.classes, r.source.clone()))
}

#[cfg(test)]
#[path = "decided_tests.rs"]
mod tests;
