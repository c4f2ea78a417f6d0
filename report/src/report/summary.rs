//! The summary table: every strategy of the headline source side by side, with the plot of
//! the same cells.

use super::answers::largest_table;
use super::basis::Basis;
use super::inputs::Extras;
use super::md::{fig_bare, heads, ns, Md};
use super::precision;
use crate::aggregate::Summary;

/// The summary's timed columns: (mode, heading).
const COLUMNS: [(&str, &str); 4] = [
    ("lookup", "hit (lookup)"),
    ("create", "miss (create)"),
    ("init", "lock init"),
    ("acquire", "first acquire"),
];

pub fn summary(md: &mut Md, b: Option<&Basis>, ex: &Extras) {
    md.para("## Summary");
    let Some(b) = b else {
        md.para("No kernel source with lockdep in this data: no summary.");
        return;
    };
    let ds = b.ds;
    let strategies: Vec<String> = {
        let mut v: Vec<(usize, String)> = ds
            .cells
            .keys()
            .filter(|k| k.series == *b.series && k.fail_alloc_every == 0)
            .map(|k| k.strategy.clone())
            .collect();
        v.sort();
        v.dedup();
        v.into_iter().map(|s| s.1).collect()
    };
    // Each mode at one point all its strategies share, so a column compares like with like.
    let points: Vec<Option<(u32, u64)>> = COLUMNS
        .iter()
        .map(|(mode, _)| {
            let names = ds.strategies(b.series, mode);
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            b.point(mode, &refs).or_else(|| b.point(mode, &[]))
        })
        .collect();
    let noop_hit = points[0].and_then(|(t, n)| ds.get(b.series, "noop", "lookup", t, n));
    let mut header = heads(&["strategy"]);
    for ((_, h), p) in COLUMNS.iter().zip(&points) {
        header.push(match p {
            Some((_, n)) => format!("{h}, {n} sites"),
            None => h.to_string(),
        });
        if *h == "hit (lookup)" {
            header.push("hit − noop".into());
        }
    }
    header.extend(heads(&["table bytes per class", "lockdep precision"]));
    let stats = ex.stats.as_ref().map(|(_, r)| *r);
    let prec = ex.precision.as_ref().map(|(_, r)| *r);
    let rows: Vec<Vec<String>> = strategies
        .iter()
        .map(|st| {
            let mut row = vec![format!("`{st}`")];
            for ((mode, _), p) in COLUMNS.iter().zip(&points) {
                let c = p.and_then(|(t, n)| ds.get(b.series, st, mode, t, n));
                row.push(c.map_or_else(|| "-".into(), fig_bare));
                if *mode == "lookup" {
                    row.push(minus_noop(c, noop_hit, st));
                }
            }
            row.push(match stats {
                None => "not measured".into(),
                Some(rows) => match largest_table(rows, b.series, st) {
                    Some(r) => format!(
                        "{:.0} ({} classes)",
                        r.table_bytes as f64 / r.classes as f64,
                        r.classes
                    ),
                    None => "no table".into(),
                },
            });
            row.push(if st == "noop" {
                "-".into()
            } else {
                precision::summary_cell(prec, st)
            });
            row
        })
        .collect();
    md.para(format!(
        "Medians in ns per operation from `{}` ({}), one thread; each figure is the median over {}, marked noisy where the loads spread by more than the limit. `hit − noop` subtracts the harness's own cost. Bytes per class: the strategy's table at its most classes (stats lines). `pool`'s miss re-finds the slot its site claimed in an earlier run (claims outlive a reset). Per-question and per-source tables: [detail/](detail/README.md).",
        b.series.id(),
        b.series.kind(),
        loads_phrase(ds.series.get(b.series).map_or(0, |i| i.loads.len()))
    ));
    md.table(&header, &rows);
    let stem = format!("strategies-{}", b.series.id());
    if let Some(p) = ex.plots.iter().find(|p| p.stem == stem) {
        let links: Vec<String> = p.files.iter().map(|f| format!("[{f}]({f})")).collect();
        md.para(format!("![{}]({})", p.title, p.files[0]));
        md.para(format!("Plot of the same cells: {}.", links.join(", ")));
    }
}

fn loads_phrase(loads: usize) -> String {
    if loads > 1 {
        format!("the medians of its {loads} loads")
    } else {
        "the runs of its one load (no spread across loads measured)".into()
    }
}

fn minus_noop(c: Option<&Summary>, noop: Option<&Summary>, st: &str) -> String {
    match (c, noop) {
        _ if st == "noop" => "-".into(),
        (Some(c), Some(z)) => format!("{} ns", ns(c.median - z.median)),
        _ => "-".into(),
    }
}
