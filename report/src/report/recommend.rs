//! The recommendation: which strategy for which locks, with which fallback, and what it costs
//! lockdep's precision, chosen from the same cells as the answers.

use super::answers::TABLES;
use super::basis::Basis;
use super::fallback::timed_fallback;
use super::inputs::Extras;
use super::md::{compare, fig, fmt_ratio, pct, ratio, Md, Verdict};
use super::precision;
use crate::aggregate::{Dataset, SPREAD_LIMIT};

/// The table strategy with the cheapest hit among those that run in atomic context (all of
/// them if none does), and the runner-up's verdict against it.
pub fn best_table<'a>(
    b: &Basis<'a>,
    ds: &Dataset,
) -> Option<(&'static str, Option<(&'static str, Verdict)>)> {
    let present: Vec<&'static str> = TABLES
        .into_iter()
        .filter(|st| ds.has(b.series, st, "lookup"))
        .collect();
    let atomic: Vec<&'static str> = present
        .iter()
        .copied()
        .filter(|st| ds.has(b.series, st, "atomic"))
        .collect();
    let pool = if atomic.is_empty() { present } else { atomic };
    let (t, n) = b.point("lookup", &pool)?;
    let mut ranked: Vec<(&'static str, f64)> = pool
        .iter()
        .filter_map(|st| {
            ds.get(b.series, st, "lookup", t, n)
                .map(|s| (*st, s.median))
        })
        .collect();
    ranked.sort_by(|x, y| x.1.total_cmp(&y.1));
    let best = ranked.first()?.0;
    let runner = ranked.get(1).map(|(st, _)| {
        let x = ds.get(b.series, best, "lookup", t, n).expect("ranked");
        let y = ds.get(b.series, st, "lookup", t, n).expect("ranked");
        (*st, compare(x, y))
    });
    Some((best, runner))
}

pub fn recommendation(md: &mut Md, b: Option<&Basis>, ds: &Dataset, ex: &Extras) {
    md.para("## Recommendation");
    let Some(b) = b else {
        md.para("None: no kernel source with lockdep in this data.");
        return;
    };
    if let Some(c) = b.caveat() {
        md.para(c);
    }
    let prec = ex.precision.as_ref().map(|(_, r)| *r);
    let mut items = Vec::new();
    if let Some(mac) = b.at("init", "macro", &[]) {
        items.push(format!(
            "**Keep `static_lock_class!()` wherever a macro is acceptable**: a lock init costs {}, nothing can fail, one class per site (precision: {}).",
            fig(mac, b.series),
            precision::summary_cell(prec, "macro")
        ));
    }
    match best_table(b, ds) {
        None => items.push("No table strategy was measured, so none is recommended for `#[track_caller]` constructors.".into()),
        Some((best, runner)) => {
            let hit = b.at("lookup", best, &[]);
            let init = b.pair("init", best, "macro");
            let mut s = format!("**For `#[track_caller]` constructors, use the `{best}` table** (one class per source site");
            if ds.has(b.series, best, "atomic") {
                s.push_str(", usable with preemption disabled");
            }
            s.push(')');
            if let Some(h) = hit {
                s.push_str(&format!(": a hit costs {}", fig(h, b.series)));
            }
            if let Some((x, m, _)) = init {
                s.push_str(&format!(
                    ", a lock init {} ({} a macro key's)",
                    fig(x, b.series),
                    fmt_ratio(ratio(x.median, m.median))
                ));
            }
            match runner {
                Some((r, Verdict::Same)) => s.push_str(&format!("; `{r}` is within the noise of it")),
                Some((r, Verdict::Noisy)) => s.push_str(&format!(
                    "; the data do not decide between it and `{r}` (a spread over {})",
                    pct(SPREAD_LIMIT)
                )),
                Some((r, Verdict::Faster(x))) => {
                    s.push_str(&format!("; {x:.2}x faster than the next, `{r}`"))
                }
                _ => {}
            }
            s.push_str(&format!(". Precision: {}.", precision::summary_cell(prec, best)));
            items.push(s);
            items.push(fallback_item(b, ds, ex, best));
        }
    }
    for st in ["location", "dynamic"] {
        if let Some(item) = avoid_item(b, ex, st) {
            items.push(item);
        }
    }
    for (i, it) in items.iter().enumerate() {
        md.line(format!("{}. {it}", i + 1));
    }
    md.blank();
}

fn fallback_item(b: &Basis, ds: &Dataset, ex: &Extras, best: &'static str) -> String {
    let mut s = "**On allocation failure, fall back to the `Location` address as a static key**"
        .to_string();
    match timed_fallback(ds, b, Some(best)) {
        Some(t) => s.push_str(&format!(
            ": measured with `fail_alloc_every={}`, a `{}` {} costs {} with the fallback against {} without",
            t.k,
            t.strategy,
            t.mode,
            fig(t.failing, b.series),
            fig(t.ok, b.series)
        )),
        None => s.push_str(" (its cost is not timed in this data)"),
    }
    if let Some(r) = ex
        .precision
        .as_ref()
        .and_then(|(_, rows)| precision::find(rows, "fallback-name", best))
    {
        s.push_str(&format!(
            "; a splat on a fallback key names the sites: {}",
            if r.names_sites.is_empty() {
                "-"
            } else {
                &r.names_sites
            }
        ));
    }
    s + "."
}

/// A warning for a strategy whose precision deviates from the expectations, with the cost
/// that goes with it where measured.
fn avoid_item(b: &Basis, ex: &Extras, st: &str) -> Option<String> {
    let (_, rows) = ex.precision.as_ref()?;
    let dev = precision::deviations(rows, st);
    if dev.is_empty() {
        return None;
    }
    let list: Vec<String> = dev
        .iter()
        .map(|(sc, j)| format!("{} `{sc}`", j.word().to_lowercase()))
        .collect();
    let mut s = format!(
        "**Not `{st}` as the class source**: lockdep {}",
        list.join(", ")
    );
    if let Some(c) = b.at("create", st, &[]) {
        s.push_str(&format!("; a class costs {} to create", fig(c, b.series)));
        if let Some(g) = c.gp_per_op.filter(|g| *g > 0.0) {
            s.push_str(&format!(" and waits {g:.2} grace periods per operation"));
        }
    }
    Some(s + ".")
}
