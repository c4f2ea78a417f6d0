//! Scaling figures: concurrent threads, and distinct sites.

use super::model::{Figure, Line, Panel, Pt};
use super::style::{pt, strategy_color, threads_word};
use crate::aggregate::{Dataset, Series};

pub(super) fn threads_figure(ds: &Dataset, s: &Series) -> Option<Figure> {
    let n = ds.cells_of(s, "concurrent").map(|(k, _)| k.sites).max()?;
    let lines: Vec<Line> = ["mutex", "spinlock", "rcu", "cached"]
        .iter()
        .filter_map(|st| {
            let pts: Vec<Pt> = ds
                .cells_of(s, "concurrent")
                .filter(|(k, _)| k.strategy.1 == *st && k.sites == n)
                .map(|(k, v)| pt(f64::from(k.threads), v))
                .collect();
            (!pts.is_empty()).then(|| Line {
                name: st.to_string(),
                color: strategy_color(st),
                pts,
            })
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some(Figure {
        stem: format!("threads-{}", s.id()),
        title: format!("Concurrent creators: {}", s.label()),
        panels: vec![Panel {
            title: format!(
                "concurrent mode, {n} sites, ns/op per thread{}",
                cores_note(ds, s)
            ),
            x_desc: "threads".into(),
            lines,
            categories: None,
            join: true,
            log_x: false,
        }],
        grid: (1, 1),
        size: (1000, 700),
    })
}

pub(super) fn sites_figure(ds: &Dataset, s: &Series) -> Option<Figure> {
    let t = ds.cells_of(s, "lookup").map(|(k, _)| k.threads).min()?;
    let lines: Vec<Line> = ds
        .strategies(s, "lookup")
        .into_iter()
        .map(|st| Line {
            pts: ds
                .cells_of(s, "lookup")
                .filter(|(k, _)| k.strategy.1 == st && k.threads == t)
                .map(|(k, v)| pt(k.sites as f64, v))
                .collect(),
            color: strategy_color(&st),
            name: st,
        })
        .filter(|l| !l.pts.is_empty())
        .collect();
    let distinct_sites: std::collections::BTreeSet<u64> = ds
        .cells_of(s, "lookup")
        .filter(|(k, _)| k.threads == t)
        .map(|(k, _)| k.sites)
        .collect();
    if distinct_sites.len() < 2 {
        return None;
    }
    Some(Figure {
        stem: format!("sites-{}", s.id()),
        title: format!("Lookup cost against distinct sites: {}", s.label()),
        panels: vec![Panel {
            title: format!("lookup mode, {t} {}", threads_word(t)),
            x_desc: "distinct sites".into(),
            lines,
            categories: None,
            join: true,
            log_x: true,
        }],
        grid: (1, 1),
        size: (1000, 700),
    })
}

/// ", on 2 cores" when the rows record the machine's cores (host) or CPUs (guest).
fn cores_note(ds: &Dataset, s: &Series) -> String {
    let Some(info) = ds.series.get(s) else {
        return String::new();
    };
    let c: Vec<String> = info.cores.iter().map(ToString::to_string).collect();
    match c.as_slice() {
        [] => String::new(),
        [one] if s.is_host() => format!(", on {one} cores"),
        [one] => format!(", on {one} CPUs"),
        many => format!(", on {} CPUs", many.join("/")),
    }
}
