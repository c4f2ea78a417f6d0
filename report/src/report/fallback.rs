//! Question 3: how often class creation failed, and the fallback timed against the same
//! configuration without injected failures.

use super::answers::{with_basis, TABLES};
use super::basis::Basis;
use super::inputs::Extras;
use super::md::{compare, fig, fmt_ratio, ratio, Verdict};
use super::precision;
use crate::aggregate::{Dataset, Series, Summary};
use crate::tidy::StatsRow;

pub fn q3(b: Option<&Basis>, ds: &Dataset, ex: &Extras) -> String {
    with_basis(b, |b| {
        let mut out = String::new();
        if let Some((_, rows)) = &ex.stats {
            let mine: Vec<&StatsRow> = rows
                .iter()
                .filter(|r| Series::new(&r.source, &r.flavour) == *b.series)
                .collect();
            let (fb, cl): (u64, u64) = mine
                .iter()
                .filter(|r| !load_injects(ds, b.series, r))
                .fold((0, 0), |(f, c), r| (f + r.fallbacks, c + r.classes));
            out.push_str(&format!(
                "Without injected failures, creation fell back {fb} times for {cl} classes created over all loads [{} stats]. ",
                b.series.tag()
            ));
        } else {
            out.push_str("How often creation fails is not counted here (no stats CSV). ");
        }
        match timed_fallback(ds, b, None) {
            Some(t) => {
                out.push_str(&format!(
                    "With {} (an injected failure rate, `fail_alloc_every={}`), {}",
                    failing_phrase(t.k),
                    t.k,
                    pair_clause(t.strategy, t.mode, t.failing, t.ok, b.series)
                ));
                // The other mode of the same table, when it was timed too.
                let other = if t.mode == "init" { "create" } else { "init" };
                if let Some((_, f, o)) = fallback_pair(ds, b, t.strategy, other) {
                    out.push_str(&format!(
                        "; {}",
                        pair_clause(t.strategy, other, f, o, b.series)
                    ));
                }
                out.push('.');
            }
            None => {
                let elsewhere: Vec<String> = ds
                    .series
                    .keys()
                    .filter(|s| *s != b.series && ds.failing_cells(s).next().is_some())
                    .map(|s| format!("`{}`", s.id()))
                    .collect();
                out.push_str(&format!(
                    "The fallback is not timed in this data: no rows with `fail_alloc_every` > 0 and a matching run without failures from `{}`{}.",
                    b.series.id(),
                    if elsewhere.is_empty() {
                        String::new()
                    } else {
                        format!(" (only from {})", elsewhere.join(", "))
                    }
                ))
            }
        }
        if let Some((_, rows)) = &ex.precision {
            let named: Vec<String> = TABLES
                .iter()
                .filter_map(|st| precision::find(rows, "fallback-name", st))
                .map(|r| format!("`{}`: {}", r.strategy, or_dash(&r.names_sites)))
                .collect();
            if !named.is_empty() {
                out.push_str(&format!(
                    " Does a splat on a fallback key name the site? {}.",
                    named.join(", ")
                ));
            }
        }
        out
    })
}

/// "a `mutex` lock init costs X against Y once allocation has succeeded (0.60x): why".
fn pair_clause(st: &str, mode: &str, failing: &Summary, ok: &Summary, s: &Series) -> String {
    let (against, why_cheaper, why_dearer) = match mode {
        "init" => (
            "for a hit, once allocation has succeeded",
            "",
            ": every init misses and tries to allocate again",
        ),
        _ => (
            "when allocation and registration succeed",
            ": cheaper, as a failed allocation skips naming and registering a key",
            "",
        ),
    };
    format!(
        "a `{st}` {} costs {} against {} {against} ({}){}",
        mode_noun(mode),
        fig(failing, s),
        fig(ok, s),
        fmt_ratio(ratio(failing.median, ok.median)),
        match compare(failing, ok) {
            Verdict::Faster(_) => why_cheaper,
            Verdict::Slower(_) => why_dearer,
            _ => "",
        }
    )
}

/// "every table allocation failing", "one table allocation in 3 failing".
fn failing_phrase(k: u64) -> String {
    if k == 1 {
        "every table allocation failing".into()
    } else {
        format!("one table allocation in {k} failing")
    }
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

fn mode_noun(mode: &str) -> &'static str {
    match mode {
        "init" => "lock init",
        "create" => "class creation (a miss)",
        "acquire" => "first acquire",
        _ => "operation",
    }
}

/// True when the stats row comes from a load that injected failures.
fn load_injects(ds: &Dataset, s: &Series, r: &StatsRow) -> bool {
    ds.failing_loads
        .get(s)
        .is_some_and(|l| l.contains(&(r.boot, r.load)))
}

pub struct TimedFallback<'a> {
    pub strategy: &'static str,
    pub mode: &'static str,
    pub k: u64,
    pub failing: &'a Summary,
    pub ok: &'a Summary,
}

/// A failing cell of one table and mode, with the same configuration without failures.
pub fn fallback_pair<'a>(
    ds: &'a Dataset,
    b: &Basis<'a>,
    st: &str,
    mode: &str,
) -> Option<(u64, &'a Summary, &'a Summary)> {
    ds.failing_cells(b.series)
        .filter(|(k, _)| k.strategy.1 == st && k.mode.1 == mode)
        .find_map(|(k, v)| {
            ds.get(b.series, st, mode, k.threads, k.sites)
                .map(|ok| (k.fail_alloc_every, v, ok))
        })
}

/// The first pair of a failing cell and the same configuration without failures: the
/// `prefer`red table first, then the RFC's; `init` before `create`.
pub fn timed_fallback<'a>(
    ds: &'a Dataset,
    b: &Basis<'a>,
    prefer: Option<&'static str>,
) -> Option<TimedFallback<'a>> {
    let order: Vec<&'static str> = prefer
        .into_iter()
        .chain(TABLES.into_iter().filter(|st| Some(*st) != prefer))
        .collect();
    for mode in ["init", "create"] {
        for &st in &order {
            if let Some((k, failing, ok)) = fallback_pair(ds, b, st, mode) {
                return Some(TimedFallback {
                    strategy: st,
                    mode,
                    k,
                    failing,
                    ok,
                });
            }
        }
    }
    None
}
