//! The recommendation: which strategy for which locks, with which fallback, and what it costs
//! lockdep's precision, chosen from the same cells as the answers.

use super::answers::TABLES;
use super::basis::Basis;
use super::fallback::timed_fallback;
use super::init_cost::create_gp;
use super::inputs::Extras;
use super::keycost::{level_with_macro, pool_vs_macro, POOL_MARGIN};
use super::md::{compare, fig, fmt_ratio, join_and, pct, ratio, Md, Verdict};
use super::precision;
use crate::aggregate::{Dataset, Series, SPREAD_LIMIT};
use crate::source::HEADLINE_SOURCE;
use crate::tidy::PrecisionRow;

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
            let pool = pool_case(b, ex);
            match pool.as_ref().filter(|p| p.prefer) {
                Some(p) => items.push(pool_item(b, ds, prec, p, best)),
                None => {
                    let mut s = table_item(b, ds, prec, best, runner);
                    if let Some(p) = &pool {
                        s.push_str(&format!(" Not `pool`: {}.", p.why_not()));
                    }
                    items.push(s);
                }
            }
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

/// The best table's item: the recommendation for `#[track_caller]` constructors without `pool`.
fn table_item(
    b: &Basis,
    ds: &Dataset,
    prec: Option<&[PrecisionRow]>,
    best: &'static str,
    runner: Option<(&'static str, Verdict)>,
) -> String {
    let hit = b.at("lookup", best, &[]);
    let init = b.pair("init", best, "macro");
    let mut s = format!(
        "**For `#[track_caller]` constructors, use the `{best}` table** (one class per source site"
    );
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
    s.push_str(&format!(
        ". Precision: {}.",
        precision::summary_cell(prec, best)
    ));
    s
}

/// What the data say about `pool` against the recommendation's conditions: its init within
/// `POOL_MARGIN` of `macro`'s and a create that waits for no grace period.
struct PoolCase {
    /// `pool`'s init over `macro`'s, and the phrase that gives it with its source.
    ratio: Option<f64>,
    ratio_text: String,
    /// Grace periods per `create`, where counted; whether `create` was measured at all.
    gp: Option<f64>,
    create: bool,
    prefer: bool,
}

impl PoolCase {
    fn why_not(&self) -> String {
        let mut why = Vec::new();
        let mut lead = String::new();
        match self.ratio {
            None => why.push(self.ratio_text.clone()),
            Some(r) if !level_with_macro(r) => why.push(format!(
                "{}, more than {} above",
                self.ratio_text,
                pct(POOL_MARGIN)
            )),
            Some(_) => lead = format!("{}, within {}, but ", self.ratio_text, pct(POOL_MARGIN)),
        }
        match self.gp {
            None if self.create => {
                why.push("its create's grace periods are not counted in this data".into())
            }
            None => why.push("its create is not in this data (no `pool` create rows)".into()),
            Some(g) if g >= GP_ZERO => why.push(format!(
                "its create waits {g:.2} grace periods per operation"
            )),
            Some(_) => {}
        }
        lead + &join_and(&why)
    }
}

/// Below this a median of grace periods per operation prints as zero.
const GP_ZERO: f64 = 0.005;

/// `None` when the data have nothing of `pool`.
fn pool_case(b: &Basis, ex: &Extras) -> Option<PoolCase> {
    let keyed = ex
        .keycost
        .as_ref()
        .and_then(|(_, rows)| pool_vs_macro(rows));
    if keyed.is_none() && !b.ds.has_strategy(b.series, "pool") {
        return None;
    }
    let (ratio, ratio_text) = match (keyed, b.pair("init", "pool", "macro")) {
        (Some(r), _) => (
            Some(r.median),
            format!(
                "its init is {} a macro key's (median over {} boot(s) of the per-boot ratio, {}–{}) [{}, keycost]",
                fmt_ratio(Some(r.median)),
                r.n,
                fmt_ratio(Some(r.min)),
                fmt_ratio(Some(r.max)),
                Series::new(HEADLINE_SOURCE, "").tag()
            ),
        ),
        (None, Some((p, m, _))) => (
            ratio(p.median, m.median),
            format!(
                "a `pool` lock init costs {} against {} for `macro` ({})",
                fig(p, b.series),
                fig(m, b.series),
                fmt_ratio(ratio(p.median, m.median))
            ),
        ),
        (None, None) => (None, "its init is not compared with `macro`'s in this data".into()),
    };
    let gp = create_gp(b, "pool");
    Some(PoolCase {
        prefer: ratio.is_some_and(level_with_macro) && gp.is_some_and(|g| g < GP_ZERO),
        ratio,
        ratio_text,
        gp,
        create: b.at("create", "pool", &[]).is_some(),
    })
}

fn pool_item(
    b: &Basis,
    ds: &Dataset,
    prec: Option<&[PrecisionRow]>,
    p: &PoolCase,
    best: &str,
) -> String {
    let mut s = "**For `#[track_caller]` constructors, use `pool`** (one class per source site: a static key from a fixed pool in the module's own memory, found through `cached`'s address cache".to_string();
    if ds.has(b.series, "pool", "atomic") {
        s.push_str(", usable with preemption disabled");
    }
    s.push_str(&format!(
        "): lockdep takes its static path, so {}, within {} of it; and a create waits for no grace period ({:.2} per operation [{}]), as nothing is registered or unregistered",
        p.ratio_text,
        pct(POOL_MARGIN),
        p.gp.unwrap_or(0.0),
        b.series.tag()
    ));
    if let Some(h) = b.at("lookup", "pool", &[]) {
        s.push_str(&format!("; a hit costs {}", fig(h, b.series)));
    }
    s.push_str(". Its limit: a fixed number of slots, and a slot is never reused while its module is loaded (a claimed slot is neither renamed nor freed); past the pool it falls back to registered keys from the content table, as `cached`");
    if best != "cached" {
        s.push_str(&format!(
            " (the fastest table hit measured here is `{best}`'s)"
        ));
    }
    s.push_str(&format!(
        ". Precision: {}.",
        precision::summary_cell(prec, "pool")
    ));
    s
}
