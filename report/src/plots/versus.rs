//! Guest against host: the same strategy's lookup in a guest series and on the host.

use std::collections::BTreeSet;

use super::model::{Figure, Line, Panel};
use super::style::{pt, threads_word};
use crate::aggregate::{Dataset, Series};

pub(super) fn figure(ds: &Dataset, g: &Series, h: &Series) -> Option<Figure> {
    let (gt, ht, n, names) = guest_host_point(ds, g, h)?;
    // Two points per strategy, nudged apart so the whiskers do not overlap.
    let line = |s: &Series, t: u32, dx: f64, color: usize| Line {
        name: s.label(),
        color,
        pts: names
            .iter()
            .enumerate()
            .map(|(i, st)| {
                pt(
                    i as f64 + dx,
                    ds.get(s, st, "lookup", t, n).expect("common"),
                )
            })
            .collect(),
    };
    Some(Figure {
        stem: format!("{}-vs-{}", g.id(), h.id()),
        title: format!("Guest against host, lookup at {n} sites"),
        panels: vec![Panel {
            title: format!(
                "{} at {gt} {} against {} at {ht} {}",
                g.id(),
                threads_word(gt),
                h.id(),
                threads_word(ht)
            ),
            x_desc: "strategy".into(),
            lines: vec![line(g, gt, -0.12, 0), line(h, ht, 0.12, 1)],
            categories: Some(names),
            join: false,
            log_x: false,
        }],
        grid: (1, 1),
        size: (1000, 700),
    })
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
