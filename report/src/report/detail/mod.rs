//! results/detail/: one file per question (and for `cached`, precision and the sources), each
//! with per-source tables. Every question file is written by one routine from a spec; the
//! questions that need more (fallback timing, scale) add their own part after it.

mod fallback;
mod noise;
mod scale;

use std::collections::BTreeSet;

use super::basis::Basis;
use super::inputs::Extras;
use super::md::{cell, heads, ratio_cell, Md};
use super::precision;
use crate::aggregate::{Dataset, Series, TIMED_MODES};

/// What one detail file compares.
struct Spec {
    file: &'static str,
    title: &'static str,
    intro: &'static str,
    strategies: &'static [&'static str],
    /// The modes its tables show.
    modes: &'static [&'static str],
    /// `a / b` columns of medians.
    ratios: &'static [(&'static str, &'static str)],
    /// A part of its own after the tables.
    extra: Option<fn(&mut Md, &Dataset, &Extras)>,
}

const SPECS: [Spec; 6] = [
    Spec {
        file: "q1-mutex-or-spinlock.md",
        title: "Question 1: mutex or spinlock around the table",
        intro: "The RFC guards each bucket with a kernel mutex, which rules out creating a lock in atomic context; on a hit the critical section is a short bucket scan. `rcu` reads the same table with no lock at all.",
        strategies: &["mutex", "spinlock", "rcu"],
        modes: TIMED_MODES,
        ratios: &[("mutex", "spinlock"), ("mutex", "rcu")],
        extra: None,
    },
    Spec {
        file: "q2-location-key.md",
        title: "Question 2: the static `Location` as the key, with no table",
        intro: "The caller's `Location` as the key needs no lookup. Its costs are in precision (one site can be several `Location` objects; keys in module memory go away on unload): see [precision.md](precision.md).",
        strategies: &["location", "macro", "spinlock", "mutex"],
        modes: &["lookup", "init", "acquire", "atomic"],
        ratios: &[("spinlock", "location"), ("mutex", "location")],
        extra: None,
    },
    Spec {
        file: "q3-fallback.md",
        title: "Question 3: fallibility and the fallback key",
        intro: "Creating a class at run time allocates and can fail; the RFC then uses the `Location` address as a static key. `create` times a miss (allocate, name, register); the runs with an injected failure rate (`fail_alloc_every` > 0) time the fallback.",
        strategies: &["mutex", "spinlock", "rcu", "cached", "pool", "dynamic"],
        modes: &["create", "init"],
        ratios: &[],
        extra: Some(fallback::extra),
    },
    Spec {
        file: "q4-macro-keys.md",
        title: "Question 4: macro keys",
        intro: "`static_lock_class!()` gives one `static` key per expansion site: nothing to look up, nothing that can fail. `noop` is the harness with no work.",
        strategies: &["macro", "noop", "location", "cached", "pool", "mutex"],
        modes: &["lookup", "create", "init", "acquire"],
        ratios: &[
            ("macro", "noop"),
            ("cached", "macro"),
            ("pool", "macro"),
            ("mutex", "macro"),
        ],
        extra: None,
    },
    Spec {
        file: "q5-scale.md",
        title: "Question 5: scale with call sites, CPUs and memory",
        intro: "Lookup cost against distinct sites (bucket load), per-operation cost against concurrent threads, and table memory.",
        strategies: &[],
        modes: &[],
        ratios: &[],
        extra: Some(scale::extra),
    },
    Spec {
        file: "cached.md",
        title: "The `cached` and `pool` strategies",
        intro: "`cached` puts a lock-free cache keyed by the `Location` object's address in front of the `rcu` table: a hit costs an address hash, a load and a compare; the first lookup of each `Location` goes to the table, so two objects of one site still share one class. `pool` hits through the same address cache, but its keys are slots of a fixed pool in the module's static memory, one claimed per source site (by content hash) on its first lookup and kept until module unload: lockdep takes its static path at lock init, and nothing is registered or unregistered, so no grace period is waited for; past the pool it falls back to `cached`'s registered keys.",
        strategies: &["cached", "pool", "location", "macro", "rcu", "mutex"],
        modes: TIMED_MODES,
        ratios: &[
            ("cached", "location"),
            ("pool", "macro"),
            ("pool", "cached"),
            ("mutex", "cached"),
        ],
        extra: None,
    },
];

/// Every detail file as (file name, Markdown).
pub fn files(ds: &Dataset, ex: &Extras) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = SPECS
        .iter()
        .map(|s| (s.file.to_string(), spec_file(s, ds, ex)))
        .collect();
    let mut md = Md::default();
    precision::detail(
        &mut md,
        ex.precision.as_ref().map(|(_, r)| *r),
        ex.precision.as_ref().map(|(n, _)| n.as_str()),
    );
    out.push(("precision.md".into(), md.0));
    let mut md = Md::default();
    noise::file(&mut md, Basis::choose(ds).as_ref());
    out.push(("noise.md".into(), md.0));
    let mut index = Md::default();
    index.para("# Detail tables");
    index.para(format!(
        "Generated by `lockclass-report render` from {}; the answers are in [../REPORT.md](../REPORT.md). Cells read `median [min–max]` over the runs, or, for the host, the median of criterion's samples with its 95 % interval `[CI low–high]`; with several loads the median is the median of the load medians and `±` gives half their range, `(noisy)` when that range exceeds the limit; `instr` is the instructions per operation where they were counted (host). A column `a / b` divides medians: above one, `b` is faster.",
        ex.inputs()
    ));
    for (f, text) in &out {
        let title = text.lines().next().unwrap_or("").trim_start_matches("# ");
        index.line(format!("- [{title}]({f})"));
    }
    index.blank();
    out.push(("README.md".into(), index.0));
    out
}

fn spec_file(spec: &Spec, ds: &Dataset, ex: &Extras) -> String {
    let mut md = Md::default();
    md.para(format!("# {}", spec.title));
    md.para(spec.intro);
    if !spec.strategies.is_empty() {
        let series: Vec<&Series> = ds
            .series
            .keys()
            .filter(|s| spec.strategies.iter().any(|st| ds.has_strategy(s, st)))
            .collect();
        if series.is_empty() {
            md.para(format!(
                "No data for {} in any source.",
                spec.strategies.join(", ")
            ));
        }
        for s in series {
            md.para(format!("## {}", s.label()));
            if !comparison_table(&mut md, ds, s, spec.modes, spec.strategies, spec.ratios) {
                md.para("No data for these strategies in the timed modes.");
            }
        }
    }
    if let Some(extra) = spec.extra {
        extra(&mut md, ds, ex);
    }
    md.0
}

/// Strategies side by side at every (mode, threads, sites) point where one was measured,
/// plus `num / den` ratio columns of medians. False when there is nothing to show.
pub fn comparison_table(
    md: &mut Md,
    ds: &Dataset,
    series: &Series,
    modes: &[&str],
    strategies: &[&str],
    ratios: &[(&str, &str)],
) -> bool {
    let mut header = heads(&["mode", "threads", "sites"]);
    header.extend(strategies.iter().map(|s| format!("{s} ns/op")));
    header.extend(ratios.iter().map(|(a, b)| format!("{a} / {b}")));
    let mut rows = Vec::new();
    for mode in modes {
        let pts: BTreeSet<(u32, u64)> = ds
            .cells_of(series, mode)
            .filter(|(k, _)| strategies.contains(&k.strategy.1.as_str()))
            .map(|(k, _)| (k.threads, k.sites))
            .collect();
        for (t, n) in pts {
            let mut row = vec![mode.to_string(), t.to_string(), n.to_string()];
            row.extend(
                strategies
                    .iter()
                    .map(|s| cell(ds.get(series, s, mode, t, n))),
            );
            row.extend(ratios.iter().map(|(a, b)| {
                match (ds.get(series, a, mode, t, n), ds.get(series, b, mode, t, n)) {
                    (Some(x), Some(y)) => ratio_cell(x, y),
                    _ => "n/a".to_string(),
                }
            }));
            rows.push(row);
        }
    }
    if rows.is_empty() {
        return false;
    }
    md.table(&header, &rows);
    true
}
