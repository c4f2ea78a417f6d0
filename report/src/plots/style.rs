//! What the figure families share: how a cell becomes a point, a strategy's colour, words,
//! and the point a per-strategy panel shows.

use super::model::Pt;
use crate::aggregate::{strategy_rank, Dataset, Series, Summary};
/// The plan's site count: the summary table's point.
const PLAN_SITES: u64 = 64;

/// A cell as a point: median with whiskers (criterion's interval for a lone estimate).
pub(super) fn pt(x: f64, s: &Summary) -> Pt {
    let (lo, hi) = s.whiskers();
    Pt {
        x,
        med: s.median,
        lo: lo.min(s.median),
        hi: hi.max(s.median),
    }
}

/// Each strategy keeps its colour in every figure.
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
