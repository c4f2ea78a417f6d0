//! The host's paired scaling ratios (host-bench's scaling.csv): Q5's CPU phrase for the host and
//! the detail table. Each round times a one-thread batch and an all-core batch back to back, so
//! the host's speed drift, which criterion's configurations measured seconds apart absorb,
//! touches both sides of a ratio alike.

use super::md::{fmt_ratio, heads, Md};
use crate::source::Series;
use crate::tidy::ScalingRow;

/// The target: with every core busy, a `cached` lookup costs at most this much more
/// per thread than with one thread.
pub const TARGET: f64 = 1.2;

/// The strategies Q5 reports from the paired rounds, in order.
const Q5_STRATEGIES: [&str; 2] = ["cached", "pool"];

/// A strategy's row at its most sites (the first such row, if a merge repeated one).
fn at_most_sites<'a>(rows: &'a [ScalingRow], st: &str) -> Option<&'a ScalingRow> {
    rows.iter()
        .filter(|r| r.strategy == st)
        .fold(None, |best: Option<&ScalingRow>, r| match best {
            Some(b) if b.sites >= r.sites => Some(b),
            _ => Some(r),
        })
}

/// "1.04x [user space, paired rounds: median of 21, range 0.52x–1.81x]".
fn paired_fig(r: &ScalingRow) -> String {
    format!(
        "{} [{}, paired rounds: median of {}, range {}–{}]",
        fmt_ratio(Some(r.median_ratio)),
        Series::new("host", "").tag(),
        r.rounds,
        fmt_ratio(Some(r.min_ratio)),
        fmt_ratio(Some(r.max_ratio))
    )
}

fn cores_phrase(r: &ScalingRow) -> String {
    if r.threads == r.cores {
        format!("{} cores", r.cores)
    } else {
        format!("{} threads on {} cores", r.threads, r.cores)
    }
}

/// Q5's host CPU phrase from the paired rounds, or `None` without a `cached` row (the caller
/// then keeps criterion's figures).
pub fn q5_phrase(rows: &[ScalingRow]) -> Option<String> {
    let cached = at_most_sites(rows, Q5_STRATEGIES[0])?;
    let mut out = format!(
        "with every core of the host busy ({}), a `cached` lookup costs {} of one thread's at {} sites",
        cores_phrase(cached),
        paired_fig(cached),
        cached.sites
    );
    for st in &Q5_STRATEGIES[1..] {
        let r = rows
            .iter()
            .find(|r| r.strategy == *st && r.sites == cached.sites)
            .or_else(|| at_most_sites(rows, st));
        if let Some(r) = r {
            out.push_str(&format!(", and a `{st}` lookup {}", paired_fig(r)));
            if r.sites != cached.sites {
                out.push_str(&format!(" at {} sites", r.sites));
            }
        }
    }
    Some(out)
}

/// The detail part: every row as a table, why the rounds are paired, and the target verdict.
pub fn detail(md: &mut Md, scaling: Option<(&str, &[ScalingRow])>) {
    md.para("## Every core against one thread, paired rounds (host)");
    let Some((name, rows)) = scaling else {
        md.para("No data for paired scaling: no scaling CSV was given.");
        return;
    };
    if rows.is_empty() {
        md.para(format!("No data for paired scaling: `{name}` has no rows."));
        return;
    }
    md.para(format!(
        "Criterion times the one-thread and the all-core configurations seconds apart, on a host whose speed drifts (a virtual machine's by tens of percent over seconds), so the ratio of two criterion figures measures the drift as much as the scaling; `{name}` instead times a one-thread batch and an all-core batch back to back (about 10 ms each) in every round and divides their per-thread cost per operation, so a drift slower than a round touches both sides alike. {}",
        target_sentence(rows)
    ));
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.strategy.clone(),
                r.sites.to_string(),
                format!(
                    "{} [{}–{}]",
                    fmt_ratio(Some(r.median_ratio)),
                    fmt_ratio(Some(r.min_ratio)),
                    fmt_ratio(Some(r.max_ratio))
                ),
                r.rounds.to_string(),
                cores_cell(r),
            ]
        })
        .collect();
    md.table(
        &heads(&[
            "strategy",
            "sites",
            "all-core / one-thread, median [range]",
            "rounds",
            "cores",
        ]),
        &table,
    );
}

fn cores_cell(r: &ScalingRow) -> String {
    if r.threads == r.cores {
        r.cores.to_string()
    } else {
        format!("{} ({} threads)", r.cores, r.threads)
    }
}

/// Whether `cached`'s median meets the target at each site count measured.
fn target_sentence(rows: &[ScalingRow]) -> String {
    let target = fmt_ratio(Some(TARGET));
    let cached: Vec<&ScalingRow> = rows.iter().filter(|r| r.strategy == "cached").collect();
    if cached.is_empty() {
        return format!(
            "The issue's target is all-core / one-thread at most {target} for `cached`, which has no row here."
        );
    }
    let figs: Vec<String> = cached
        .iter()
        .map(|r| format!("{} at {} sites", fmt_ratio(Some(r.median_ratio)), r.sites))
        .collect();
    let missed: Vec<String> = cached
        .iter()
        .filter(|r| r.median_ratio > TARGET)
        .map(|r| r.sites.to_string())
        .collect();
    let verdict = if missed.is_empty() {
        if cached.len() == 1 {
            "which meets it".to_string()
        } else {
            "which meets it at every site count".to_string()
        }
    } else {
        format!("which does not meet it at {} sites", missed.join(" and "))
    };
    format!(
        "The issue's target is all-core / one-thread at most {target} for `cached`: its median is {}, {verdict}.",
        figs.join(", ")
    )
}
