//! keycost.csv (scripts/keycost.sh) as figures: per-boot medians, ratios within a boot, and
//! the emulated sweep's growth per possible CPU and per per-CPU module.
//!
//! Real CPU time drifts between boots, so kinds and strategies are compared within a boot (the
//! median over boots of per-boot ratios); several rows of one boot and name (repeated loads)
//! count as their median.

use std::collections::{BTreeMap, BTreeSet};

use super::md::{fmt_ratio, ns};
use crate::aggregate::{median_sorted, Series};
use crate::source::{EXACT_SOURCE, HEADLINE_SOURCE};
use crate::tidy::KeycostRow;

/// `pool`'s init may cost this much more than `macro`'s and still count as level with it.
pub const POOL_MARGIN: f64 = 0.10;

/// Median and range of some values, and how many.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Spread {
    pub fn of(mut v: Vec<f64>) -> Option<Spread> {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(Spread {
            median: median_sorted(&v),
            min: v[0],
            max: v[v.len() - 1],
            n: v.len(),
        })
    }

    /// `50.8 ns [49.3–53.6]`.
    pub(super) fn ns_cell(&self) -> String {
        if self.n > 1 {
            format!("{} [{}–{}]", ns(self.median), ns(self.min), ns(self.max))
        } else {
            ns(self.median)
        }
    }

    pub(super) fn ratio_cell(&self) -> String {
        if self.n > 1 {
            format!(
                "{} [{}–{}]",
                fmt_ratio(Some(self.median)),
                fmt_ratio(Some(self.min)),
                fmt_ratio(Some(self.max))
            )
        } else {
            fmt_ratio(Some(self.median))
        }
    }
}

pub(super) fn tag(source: &str) -> String {
    Series::new(source, "").tag()
}

/// A boot of keycost.csv: (possible CPUs, per-CPU modules, boot).
pub(super) type Boot = (u32, u32, u32);

/// Per boot, the median of one row's values (`row` is `key` or `init`).
pub(super) fn per_boot(
    rows: &[KeycostRow],
    source: &str,
    row: &str,
    name: &str,
) -> BTreeMap<Boot, f64> {
    let mut groups: BTreeMap<Boot, Vec<f64>> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.source == source && r.row == row && r.name == name)
    {
        groups
            .entry((r.possible_cpus, r.percpu_modules, r.boot))
            .or_default()
            .push(r.ns_per_op);
    }
    groups
        .into_iter()
        .filter_map(|(b, v)| Spread::of(v).map(|s| (b, s.median)))
        .collect()
}

/// One row's values over the boots with `percpu` per-CPU modules.
pub(super) fn over_boots(m: &BTreeMap<Boot, f64>, percpu: u32) -> Option<Spread> {
    Spread::of(
        m.iter()
            .filter(|(b, _)| b.1 == percpu)
            .map(|(_, v)| *v)
            .collect(),
    )
}

/// Per boot, `a / b` where the boot has both; `percpu` None takes every boot.
pub(super) fn ratios(
    a: &BTreeMap<Boot, f64>,
    b: &BTreeMap<Boot, f64>,
    percpu: Option<u32>,
) -> Vec<f64> {
    a.iter()
        .filter(|(k, _)| percpu.is_none_or(|p| k.1 == p))
        .filter_map(|(k, x)| b.get(k).filter(|y| **y > 0.0).map(|y| x / y))
        .collect()
}

/// `pool`'s init over `macro`'s, per real-CPU boot (every boot, with and without the per-CPU
/// module): the median of those ratios and their range.
pub fn pool_vs_macro(rows: &[KeycostRow]) -> Option<Spread> {
    let pool = per_boot(rows, HEADLINE_SOURCE, "init", "pool");
    let mac = per_boot(rows, HEADLINE_SOURCE, "init", "macro");
    Spread::of(ratios(&pool, &mac, None))
}

/// True when `pool`'s init costs at most `POOL_MARGIN` more than `macro`'s.
pub fn level_with_macro(ratio: f64) -> bool {
    ratio <= 1.0 + POOL_MARGIN
}

/// What a key kind's `__mutex_init` gains in the emulated sweep, in instruction-weighted ns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Growth {
    /// Possible CPUs swept, fewest and most (no per-CPU module).
    pub cpus: (u32, u32),
    /// Per possible CPU, when the sweep has more than one value.
    pub per_cpu: Option<f64>,
    /// Per per-CPU module at the fewest and the most possible CPUs.
    pub per_module: (Option<f64>, Option<f64>),
}

/// The emulated sweep's growth for one key kind.
pub fn growth(rows: &[KeycostRow], kind: &str) -> Option<Growth> {
    let m = per_boot(rows, EXACT_SOURCE, "key", kind);
    let at = |cpus: u32, percpu: u32| -> Option<f64> {
        Spread::of(
            m.iter()
                .filter(|(b, _)| b.0 == cpus && b.1 == percpu)
                .map(|(_, v)| *v)
                .collect(),
        )
        .map(|s| s.median)
    };
    let cpus: BTreeSet<u32> = m.keys().filter(|b| b.1 == 0).map(|b| b.0).collect();
    let (&lo, &hi) = (cpus.first()?, cpus.last()?);
    let per_cpu = match (at(hi, 0), at(lo, 0)) {
        (Some(z), Some(a)) if hi > lo => Some((z - a) / f64::from(hi - lo)),
        _ => None,
    };
    let module = |c: u32| Some(at(c, 1)? - at(c, 0)?);
    Some(Growth {
        cpus: (lo, hi),
        per_cpu,
        per_module: (module(lo), module(hi)),
    })
}

/// Signed ns: `+12.0 ns`.
fn plus(v: f64) -> String {
    format!("{}{} ns", if v < 0.0 { "" } else { "+" }, ns(v))
}

/// "1 possible CPU", "8 possible CPUs".
pub(super) fn cpus(n: u32) -> String {
    format!("{n} possible CPU{}", if n == 1 { "" } else { "s" })
}

/// "+X ns per possible CPU (1 to 8 possible CPUs), +Y per per-CPU module at 1 possible CPU
/// (+Z at 8)", or what was not measured.
pub(super) fn growth_phrase(g: &Growth) -> String {
    let mut s = match g.per_cpu {
        Some(c) => format!(
            "{} per possible CPU ({} to {})",
            plus(c),
            g.cpus.0,
            cpus(g.cpus.1)
        ),
        None => format!(
            "growth per possible CPU not measured (the sweep has {} only)",
            cpus(g.cpus.0)
        ),
    };
    if let Some(m) = g.per_module.0 {
        s.push_str(&format!(
            "; {} per per-CPU module at {}",
            plus(m),
            cpus(g.cpus.0)
        ));
        if let (Some(x), true) = (g.per_module.1, g.cpus.1 > g.cpus.0) {
            s.push_str(&format!(" ({} at {})", plus(x), g.cpus.1));
        }
    }
    s
}

/// Q5's sentence on lock init against possible CPUs, from the emulated sweep.
pub fn q5_sentence(rows: &[KeycostRow]) -> Option<String> {
    let reg = growth(rows, "registered")?;
    let stat = growth(rows, "module_static")?;
    let t = tag(EXACT_SOURCE);
    let mut s = "Possible CPUs, from the keycost sweep (emulated, instruction-weighted figures): "
        .to_string();
    match (reg.per_cpu, stat.per_cpu) {
        (Some(r), Some(m)) => s.push_str(&format!(
            "a lock init with a registered key grows by {} per possible CPU, with a module static key by {} ({} to {}) [{t}]",
            plus(r),
            plus(m),
            reg.cpus.0,
            cpus(reg.cpus.1)
        )),
        _ => s.push_str(&format!(
            "growth per possible CPU is not measured (the sweep has {} only)",
            cpus(reg.cpus.0)
        )),
    }
    if let (Some(r), Some(m)) = (reg.per_module.1, stat.per_module.1) {
        s.push_str(&format!(
            "; a loaded module with per-CPU data adds {} to it with a registered key and {} with a module static key at {} [{t}]",
            plus(r),
            plus(m),
            cpus(reg.cpus.1)
        ));
    }
    Some(s)
}
