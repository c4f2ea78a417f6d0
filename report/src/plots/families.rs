//! The figure families, one file each: strategies side by side (`strategies`), scaling with
//! threads and sites (`scaling`), and guest against host (`versus`). This file has what they
//! share and the list of every figure the data supports.

use super::{scaling, strategies, versus, Figure, Pt};
use crate::aggregate::{strategy_rank, Dataset, Series, Summary};
use crate::report::basis::PLAN_SITES;

pub(super) fn pt(x: f64, s: &Summary) -> Pt {
    let (lo, hi) = s.whiskers();
    Pt {
        x,
        med: s.median,
        lo: lo.min(s.median),
        hi: hi.max(s.median),
    }
}

pub(super) fn strategy_color(s: &str) -> usize {
    strategy_rank(s).0
}

pub(super) fn threads_word(t: u32) -> &'static str {
    if t == 1 {
        "thread"
    } else {
        "threads"
    }
}

/// The point a per-strategy panel shows for a mode: fewest threads, then the plan's sites if
/// measured there (the summary table's point), else the most sites.
pub(super) fn mode_point(ds: &Dataset, s: &Series, mode: &str) -> Option<(u32, u64)> {
    let t = ds.cells_of(s, mode).map(|(k, _)| k.threads).min()?;
    let sites = || {
        ds.cells_of(s, mode)
            .filter(|(k, _)| k.threads == t)
            .map(|(k, _)| k.sites)
    };
    if sites().any(|n| n == PLAN_SITES) {
        return Some((t, PLAN_SITES));
    }
    Some((t, sites().max()?))
}

/// All figures the data supports, in a stable order.
pub fn figures(ds: &Dataset) -> Vec<Figure> {
    let mut out = Vec::new();
    for s in ds.series.keys() {
        out.push(strategies::figure(ds, s));
    }
    for s in ds.series.keys() {
        out.extend(scaling::threads_figure(ds, s));
    }
    for s in ds.series.keys() {
        out.extend(scaling::sites_figure(ds, s));
    }
    let hosts: Vec<&Series> = ds.host_series().collect();
    for g in ds.guest_series() {
        for h in &hosts {
            out.extend(versus::figure(ds, g, h));
        }
    }
    out
}
