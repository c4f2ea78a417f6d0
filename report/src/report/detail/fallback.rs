//! Question 3's own part: the fallback timed against the same configuration without
//! failures, and how often each strategy fell back or raced.

use std::collections::BTreeMap;

use crate::aggregate::{Dataset, Series};
use crate::report::inputs::Extras;
use crate::report::md::{cell, fmt_ratio, heads, ratio, Md};

pub fn extra(md: &mut Md, ds: &Dataset, ex: &Extras) {
    md.para("## The fallback, timed");
    let mut rows = Vec::new();
    for s in ds.series.keys() {
        for (k, fail) in ds.failing_cells(s) {
            let ok = ds.get(s, &k.strategy.1, &k.mode.1, k.threads, k.sites);
            rows.push(vec![
                format!("`{}`", s.id()),
                k.strategy.1.clone(),
                k.mode.1.clone(),
                k.sites.to_string(),
                k.fail_alloc_every.to_string(),
                cell(Some(fail)),
                cell(ok),
                ok.map_or("n/a".into(), |o| fmt_ratio(ratio(fail.median, o.median))),
            ]);
        }
    }
    if rows.is_empty() {
        md.para("No data: no rows with an injected failure rate (`fail_alloc_every` > 0) in any source, so the fallback is not timed.");
    } else {
        md.para("With every k-th table allocation failing (`fail_alloc_every=k`), against the same strategy, mode and sites with no failure injected:");
        md.table(
            &heads(&[
                "series",
                "strategy",
                "mode",
                "sites",
                "fail_alloc_every",
                "ns/op with failures",
                "ns/op without",
                "with / without",
            ]),
            &rows,
        );
    }
    counts(md, ds, ex);
}

/// Fallbacks and lost races per series and strategy, loads with injected failures apart.
fn counts(md: &mut Md, ds: &Dataset, ex: &Extras) {
    md.para("## How often creation fell back or raced (stats lines)");
    let Some((_, stats)) = &ex.stats else {
        md.para("No data: no stats CSV was given.");
        return;
    };
    // (series, injected?, strategy) -> (classes, fallbacks, lost races), summed over loads.
    type Key = (Series, bool, (usize, String));
    let mut sums: BTreeMap<Key, (u64, u64, u64)> = BTreeMap::new();
    for r in stats.iter() {
        let s = Series::new(&r.source, &r.flavour);
        let injected = ds
            .failing_loads
            .get(&s)
            .is_some_and(|l| l.contains(&(r.boot, r.load)));
        let e = sums
            .entry((s, injected, crate::aggregate::strategy_rank(&r.strategy)))
            .or_default();
        e.0 += r.classes;
        e.1 += r.fallbacks;
        e.2 += r.lost_races;
    }
    let rows: Vec<Vec<String>> = sums
        .iter()
        .filter(|(_, v)| v.0 + v.1 + v.2 > 0)
        .map(|((s, inj, st), (c, f, l))| {
            vec![
                format!("`{}`", s.id()),
                if *inj { "injected" } else { "none" }.to_string(),
                st.1.clone(),
                c.to_string(),
                f.to_string(),
                l.to_string(),
            ]
        })
        .collect();
    if rows.is_empty() {
        md.para("No stats rows with classes, fallbacks or lost races.");
        return;
    }
    md.table(
        &heads(&[
            "series",
            "failures",
            "strategy",
            "classes (summed over loads)",
            "fallbacks",
            "lost races",
        ]),
        &rows,
    );
}
