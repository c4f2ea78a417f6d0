//! Question 3: how often class creation failed, and the fallback timed against the same
//! configuration without injected failures.

use super::answers::{with_basis, TABLES};
use super::basis::Basis;
use super::md::{fig, fmt_ratio, ratio};
use super::precision;
use super::Extras;
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
                "Without injected failures, creation fell back {fb} times for {cl} classes created [{} stats]. ",
                b.series.tag()
            ));
        } else {
            out.push_str("How often creation fails is not counted here (no stats CSV). ");
        }
        match timed_fallback(ds, b, None) {
            Some(t) => out.push_str(&format!(
                "With {} (an injected failure rate, `fail_alloc_every={k}`), a `{st}` {mode} costs {} against {} when allocation succeeds ({}).",
                failing_phrase(t.k),
                fig(t.failing, b.series),
                fig(t.ok, b.series),
                fmt_ratio(ratio(t.failing.median, t.ok.median)),
                k = t.k,
                st = t.strategy,
                mode = mode_noun(t.mode),
            )),
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
            let hit = ds
                .failing_cells(b.series)
                .filter(|(k, _)| k.strategy.1 == st && k.mode.1 == mode)
                .find_map(|(k, v)| {
                    ds.get(b.series, st, mode, k.threads, k.sites)
                        .map(|ok| (k.fail_alloc_every, v, ok))
                });
            if let Some((k, failing, ok)) = hit {
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
