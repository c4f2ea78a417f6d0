//! The five answers: each one to three sentences generated from the cells, with the figures
//! that decide it and their source; when the data cannot decide, the sentence says why.

use super::basis::{multi_cpu, Basis};
use super::inputs::Extras;
use super::keycost;
use super::md::{compare, fig, fmt_ratio, join_and, ratio, speed_phrase, Verdict};
use super::precision::{self, Judged};
use super::scaling;
use crate::aggregate::{Dataset, Series, Summary};
use crate::tidy::StatsRow;

/// The table strategies, the RFC's first. `pool` is not one: it hands out static keys in front
/// of a content table (the recommendation weighs it against the best table).
pub const TABLES: [&str; 4] = ["mutex", "spinlock", "rcu", "cached"];

/// Prefixes an answer with the basis caveat, or says there is nothing to stand on.
pub(super) fn with_basis(b: Option<&Basis>, body: impl FnOnce(&Basis) -> String) -> String {
    match b {
        None => "Not answered: no kernel source with lockdep in this data.".into(),
        Some(b) => match b.caveat() {
            Some(c) => format!("{c} {}", body(b)),
            None => body(b),
        },
    }
}

pub fn q1(b: Option<&Basis>, ds: &Dataset) -> String {
    with_basis(b, |b| {
        let Some((sp, mu, n)) = b.pair("lookup", "spinlock", "mutex") else {
            return format!(
                "No data for the mutex and spinlock tables' lookups in `{}`.",
                b.series.id()
            );
        };
        let v = compare(sp, mu);
        let atomic_only_spin =
            ds.has(b.series, "spinlock", "atomic") && !ds.has(b.series, "mutex", "atomic");
        let lead = match v {
            Verdict::Faster(_) | Verdict::Same => "Spinlock.",
            Verdict::Slower(_) if atomic_only_spin => {
                "The mutex table is faster, but only the spinlock table can be used in atomic context."
            }
            Verdict::Slower(_) => "The mutex table is faster.",
            Verdict::Noisy => "Not decided by this data.",
        };
        let mut out = format!(
            "{lead} A hit costs {} in the spinlock table against {} in the mutex table at {n} sites: {}",
            fig(sp, b.series),
            fig(mu, b.series),
            speed_phrase("spinlock", "mutex", v)
        );
        if let Some((sc, mc, _)) = b.pair("create", "spinlock", "mutex") {
            out.push_str(&format!(
                "; a miss (create) {} against {}",
                fig(sc, b.series),
                fig(mc, b.series)
            ));
        }
        out.push('.');
        if atomic_only_spin {
            out.push_str(" Only the spinlock table runs with preemption disabled (the module skips `mutex` in atomic mode: it might sleep)");
        }
        match concurrent_pair(ds, "spinlock", "mutex") {
            Some((s, t, x, y)) => out.push_str(&format!(
                "{} with {t} concurrent threads{} spinlock costs {} and mutex {} per operation.",
                if atomic_only_spin {
                    ";"
                } else {
                    " Concurrently,"
                },
                cpus_phrase(ds, s),
                fig(x, s),
                fig(y, s)
            )),
            None if atomic_only_spin => out.push('.'),
            None => {}
        }
        out
    })
}

/// " on N CPUs" when the rows record the CPUs, else nothing.
fn cpus_phrase(ds: &Dataset, s: &Series) -> String {
    match ds.series.get(s).map(|i| &i.cores) {
        Some(c) if c.len() == 1 => format!(" on {} CPUs", c.iter().next().expect("one")),
        _ => String::new(),
    }
}

/// Two strategies in concurrent mode at the most threads of the multi-CPU source.
fn concurrent_pair<'a>(
    ds: &'a Dataset,
    a: &str,
    b: &str,
) -> Option<(&'a Series, u32, &'a Summary, &'a Summary)> {
    let s = multi_cpu(ds)?;
    let &(t, n) = ds
        .common_points(s, "concurrent", &[a, b])
        .iter()
        .max_by_key(|p| (p.0, p.1))?;
    (t > 1).then_some(())?;
    Some((
        s,
        t,
        ds.get(s, a, "concurrent", t, n)?,
        ds.get(s, b, "concurrent", t, n)?,
    ))
}

/// A sentence on what lockdep saw of `strategy` in some scenarios.
fn precision_sentence(ex: &Extras, strategy: &str, scenarios: &[&str]) -> String {
    let Some((_, rows)) = &ex.precision else {
        return format!(
            "What `{strategy}` costs lockdep's precision is not measured in this data (no precision CSV)."
        );
    };
    let found: Vec<String> = scenarios
        .iter()
        .filter_map(|sc| precision::find(rows, sc, strategy))
        .map(|r| format!("`{}` {}", r.scenario, precision::describe(r)))
        .collect();
    if found.is_empty() {
        format!(
            "The precision CSV has no `{}` row for `{strategy}`.",
            scenarios.join("`/`")
        )
    } else {
        format!(
            "Lockdep precision of `{strategy}`: {} [{}].",
            join_and(&found),
            rows_source(rows, strategy)
        )
    }
}

/// The source tag of a strategy's precision rows.
fn rows_source(rows: &[crate::tidy::PrecisionRow], strategy: &str) -> String {
    rows.iter()
        .find(|r| r.strategy == strategy)
        .map(|r| Series::new(&r.source, "").tag())
        .unwrap_or_default()
}

pub fn q2(b: Option<&Basis>, ex: &Extras) -> String {
    with_basis(b, |b| {
        let Some((loc, mac, n)) = b.pair("lookup", "location", "macro") else {
            return format!(
                "No data for the location and macro strategies' lookups in `{}`.",
                b.series.id()
            );
        };
        let missed = ex.precision.as_ref().is_some_and(|(_, rows)| {
            precision::deviations(rows, "location")
                .iter()
                .any(|(_, j)| *j == Judged::Missed)
        });
        let lead = match (&ex.precision, missed) {
            (_, true) => "Not on its own: it does not give one class per source site.",
            (Some(_), false) => "Yes, as far as lockdep's precision was measured here.",
            (None, false) => "Cheap to look up.",
        };
        let mut out = format!(
            "{lead} A lookup costs {} against {} for `macro` at {n} sites ({})",
            fig(loc, b.series),
            fig(mac, b.series),
            speed_phrase("location", "macro", compare(loc, mac))
        );
        if let Some((li, mi, _)) = b.pair("init", "location", "macro") {
            out.push_str(&format!(
                ", a lock init {} against {}",
                fig(li, b.series),
                fig(mi, b.series)
            ));
        }
        out.push_str(&format!(
            ". {}",
            precision_sentence(ex, "location", &["two-locations", "reload"])
        ));
        // A miss the macro key shares is no argument for macro keys over the Location.
        let shared: Vec<String> = ex
            .precision
            .iter()
            .flat_map(|(_, rows)| {
                let loc = precision::deviations(rows, "location");
                precision::deviations(rows, "macro")
                    .into_iter()
                    .filter(move |d| loc.contains(d))
            })
            .map(|(sc, j)| format!("{} `{sc}`", j.word().to_lowercase()))
            .collect();
        if !shared.is_empty() {
            // One sentence with the precision figures: replace its full stop.
            out.pop();
            out.push_str(&format!("; `macro` keys share {}.", join_and(&shared)));
        }
        out
    })
}

pub fn q4(b: Option<&Basis>) -> String {
    with_basis(b, |b| {
        let others = ["location", "cached", "pool", "mutex"];
        let Some(mac) = b.at("init", "macro", &[]) else {
            return format!(
                "No data for the macro strategy's lock init in `{}`.",
                b.series.id()
            );
        };
        let cmp: Vec<String> = others
            .iter()
            .filter_map(|o| b.pair("init", "macro", o).map(|(_, y, _)| (o, y)))
            .map(|(o, y)| format!("`{o}` {}", fig(y, b.series)))
            .collect();
        let verdicts: Vec<(String, Verdict)> =
            b.ds.strategies(b.series, "init")
                .into_iter()
                .filter(|s| s != "noop" && s != "macro")
                .filter_map(|s| {
                    b.pair("init", "macro", &s)
                        .map(|(m, y, _)| (s, compare(m, y)))
                })
                .collect();
        let faster = verdicts.iter().find_map(|(s, v)| match v {
            Verdict::Slower(r) => Some((s, *r)),
            _ => None,
        });
        let lead = match faster {
            Some((s, r)) => {
                format!("Not the cheapest init measured (`{s}` is {r:.2}x faster), but infallible:")
            }
            None if verdicts.iter().any(|(_, v)| *v == Verdict::Noisy) => {
                "Whether it is the cheapest lock init is not decided by this data (loads disagree); nothing can fail:".to_string()
            }
            None => "The cheapest lock init measured (or within the noise of it), and nothing can fail:"
                .to_string(),
        };
        let mut out = format!(
            "{lead} a lock init with a macro key costs {}, against {}.",
            fig(mac, b.series),
            join_and(&cmp)
        );
        if let Some((m, z, n)) = b.pair("lookup", "macro", "noop") {
            out.push_str(&format!(
                " Its lookup costs {} at {n} sites, {} the harness's own `noop` ({}).",
                fig(m, b.series),
                match compare(m, z) {
                    Verdict::Same | Verdict::Faster(_) => "no more than",
                    _ => "against",
                },
                fig(z, b.series)
            ));
        }
        out
    })
}

pub fn q5(b: Option<&Basis>, ds: &Dataset, ex: &Extras) -> String {
    with_basis(b, |b| {
        let mut parts = Vec::new();
        let growth: Vec<String> = ["mutex", "cached"]
            .iter()
            .filter_map(|st| sites_growth(b, st))
            .collect();
        parts.push(if growth.is_empty() {
            "Growth with call sites is not measured here (no lookups at more than one sites value)"
                .to_string()
        } else {
            format!("Call sites: {}", growth.join("; "))
        });
        let cpus: Vec<String> = ["spinlock", "cached"]
            .iter()
            .filter_map(|st| multi_cpu(ds).and_then(|s| threads_growth(ds, s, st)))
            // Real cores, in user space: the only source where contention is not emulated.
            // Paired rounds when given: criterion's configurations drift apart in time.
            .chain(
                ex.scaling
                    .as_ref()
                    .and_then(|(_, rows)| scaling::q5_phrase(rows))
                    .or_else(|| {
                        ds.host_series()
                            .next()
                            .and_then(|h| threads_growth(ds, h, "cached"))
                    }),
            )
            .collect();
        parts.push(if cpus.is_empty() {
            "CPUs: not measured (no multi-CPU concurrent rows)".to_string()
        } else {
            format!("CPUs: {}", cpus.join("; "))
        });
        if let Some(k) = ex
            .keycost
            .as_ref()
            .and_then(|(_, rows)| keycost::q5_sentence(rows))
        {
            parts.push(k);
        }
        parts.push(memory_phrase(b, ex));
        parts.join(". ") + "."
    })
}

fn sites_growth(b: &Basis, st: &str) -> Option<String> {
    let pts = b.ds.common_points(b.series, "lookup", &[st]);
    let t = pts.iter().map(|p| p.0).min()?;
    let lo = pts.iter().filter(|p| p.0 == t).map(|p| p.1).min()?;
    let hi = pts.iter().filter(|p| p.0 == t).map(|p| p.1).max()?;
    (hi > lo).then_some(())?;
    let a = b.ds.get(b.series, st, "lookup", t, lo)?;
    let z = b.ds.get(b.series, st, "lookup", t, hi)?;
    Some(format!(
        "a `{st}` hit goes from {} at {lo} to {} at {hi} ({})",
        fig(a, b.series),
        fig(z, b.series),
        fmt_ratio(ratio(z.median, a.median))
    ))
}

fn threads_growth(ds: &Dataset, s: &Series, st: &str) -> Option<String> {
    let pts = ds.common_points(s, "concurrent", &[st]);
    let n = pts.iter().map(|p| p.1).max()?;
    let lo = pts.iter().filter(|p| p.1 == n).map(|p| p.0).min()?;
    let hi = pts.iter().filter(|p| p.1 == n).map(|p| p.0).max()?;
    (hi > lo).then_some(())?;
    let a = ds.get(s, st, "concurrent", lo, n)?;
    let z = ds.get(s, st, "concurrent", hi, n)?;
    let over = match ds.series.get(s).map(|i| &i.cores) {
        Some(c) if c.len() == 1 && c.iter().all(|c| hi > *c) => format!(
            ", oversubscribed: {hi} threads on {} CPUs",
            c.iter().next().expect("one")
        ),
        _ => String::new(),
    };
    Some(format!(
        "a `{st}` operation on {n} {} costs {} with {hi} threads against {} with {lo} ({}{over})",
        if n == 1 { "site" } else { "sites" },
        fig(z, s),
        fig(a, s),
        fmt_ratio(ratio(z.median, a.median))
    ))
}

/// Bytes per class of the RFC's table and of `cached`, from the basis' largest table.
fn memory_phrase(b: &Basis, ex: &Extras) -> String {
    let Some((_, rows)) = &ex.stats else {
        return "Memory: not measured (no stats CSV)".into();
    };
    let per: Vec<String> = ["mutex", "cached"]
        .iter()
        .filter_map(|st| largest_table(rows, b.series, st))
        .map(|r| {
            format!(
                "the `{}` table holds {:.0} bytes per class at {} classes",
                r.strategy,
                r.table_bytes as f64 / r.classes as f64,
                r.classes
            )
        })
        .collect();
    if per.is_empty() {
        "Memory: no stats rows with classes for this source".into()
    } else {
        format!("Memory: {} [{} stats]", per.join(", "), b.series.tag())
    }
}

/// The stats row of a strategy with the most classes in a series.
pub fn largest_table<'a>(rows: &'a [StatsRow], s: &Series, st: &str) -> Option<&'a StatsRow> {
    rows.iter()
        .filter(|r| Series::new(&r.source, &r.flavour) == *s && r.strategy == st && r.classes > 0)
        .max_by_key(|r| r.classes)
}
