//! The values REPORT.md and detail/ word: computed here (tables in `tables`), worded in
//! `templates/`.
//!
//! minijinja rather than askama: the templates stay plain Markdown files read at build time
//! (`include_str!`) with no derive per template, the context is the same serde `Serialize`
//! data the CSVs use, and a wording change recompiles no macro-generated code. A template
//! error is a render error, which the tests render on every run.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use minijinja::{context, Environment, Value};

use crate::aggregate::{median_of, CellKey, Dataset};
use crate::decided::{self, share_interval};
pub use crate::tables::{num, wrong, Inputs, SITES};
use crate::tidy::PrecisionRow;
use crate::{steadiness, tables};

/// `strategy`'s precision faults that `pool` (the recommendation) does not share, and those it
/// does, as "missed `scenario`".
fn faults(prec: &[PrecisionRow], strategy: &str) -> (Vec<String>, Vec<String>) {
    let pool = wrong(prec, "pool");
    let (only, shared): (Vec<_>, Vec<_>) = (wrong(prec, strategy).into_iter())
        .partition(|(s, _)| strategy == "pool" || !pool.contains_key(s));
    (worded(only), worded(shared))
}

/// Faults as the page words them: "missed `scenario`".
fn worded<'a>(faults: impl IntoIterator<Item = (String, &'a str)>) -> Vec<String> {
    (faults.into_iter())
        .map(|(s, k)| format!("{k} `{s}`"))
        .collect()
}

/// The page's context: every value the templates word.
pub fn context(ds: &Dataset, inp: &Inputs, plots: &[(String, String)], no_plots: &str) -> Value {
    let headline = ds.series.keys().find(|s| s.source == "guest-uml").cloned();
    let main = headline
        .clone()
        .or_else(|| ds.series.keys().find(|s| !s.is_host()).cloned());
    let info = main.as_ref().map(|m| &ds.series[m]);

    // Tags: a figure's source, and "earlier run DATE" when `--stale` names it.
    let date_of = |src: &str| {
        let runs = inp.runs.iter().filter(|r| r.source == src).map(|r| &r.date);
        let data = (ds.series.iter()).filter(|(s, _)| s.source == src);
        let all = runs.chain(data.flat_map(|(_, i)| i.dates.iter()));
        all.filter(|d| !d.is_empty())
            .max()
            .cloned()
            .unwrap_or_default()
    };
    let stale: BTreeMap<&String, (String, &String)> = (inp.stale.iter())
        .map(|(s, why)| (s, (date_of(s), why)))
        .collect();
    let mut sources: BTreeSet<String> = ds.series.keys().map(|s| s.source.clone()).collect();
    sources.extend(inp.stats.iter().map(|r| r.source.clone()));
    let tags: BTreeMap<String, String> = (sources.into_iter())
        .map(|s| {
            let tag = match stale.get(&s) {
                Some((d, _)) if d.is_empty() => format!("[{s}, earlier run]"),
                Some((d, _)) => format!("[{s}, earlier run {d}]"),
                None => format!("[{s}]"),
            };
            (s, tag)
        })
        .collect();
    let figs = decided::compute(ds, &inp.stats, &inp.scaling);
    let figs: BTreeMap<&str, &decided::Decided> = figs.iter().map(|d| (d.id, d)).collect();

    // Question 3: fallbacks over classes created in the headline source's loads without
    // injected failures, with an exact interval for the share.
    let (mut fallbacks, mut classes) = (0, 0);
    for r in inp
        .stats
        .iter()
        .filter(|r| main.as_ref().is_some_and(|m| m.source == r.source))
    {
        if info.is_none_or(|i| !i.failing_loads.contains(&(r.boot, r.load))) {
            (fallbacks, classes) = (fallbacks + r.fallbacks, classes + r.classes);
        }
    }
    let share = (classes > 0).then(|| {
        let (lo, hi) = share_interval(fallbacks, classes);
        (num(lo * 100.0), num(hi * 100.0))
    });
    let has = |st: &str, mode: &str| main.as_ref().is_some_and(|m| ds.has(m, st, mode));
    // Grace periods a create waits: measured, or counted in runs below the clock's resolution.
    let gp = |st: &str| {
        let k = CellKey::new(main.as_ref()?, st, "create", 1, SITES);
        (ds.cells.get(&k).map(|c| c.gp_per_op)).unwrap_or_else(|| *ds.below_resolution.get(&k)?)
    };
    let rejects: Vec<Value> = ["mutex", "spinlock", "rcu", "location", "dynamic"]
        .into_iter()
        .map(|st| {
            // Only a reason `pool` does not share; a ratio only when decided against `st`.
            let slower =
                (figs.get(format!("rec_{st}_pool").as_str())).filter(|f| f.verdict == "b_faster");
            let grace = gp(st).filter(|g| gp("pool").is_some_and(|p| *g > p));
            context! {
                strategy => st,
                precision => faults(&inp.precision, st).0,
                atomic => has("pool", "atomic") && !has(st, "atomic"),
                slower => slower,
                grace => grace.map(num),
            }
        })
        .collect();
    let lock_pair = (inp.calibration.iter())
        .filter(|r| r.kind == "lock" && r.source == "guest-uml")
        .map(|r| r.ns_per_op);
    let kernels: BTreeSet<&String> = (ds.series.iter())
        .filter(|(s, _)| !s.is_host())
        .flat_map(|(_, i)| i.kernels.iter())
        .collect();
    let (location_only, location_shared) = faults(&inp.precision, "location");
    context! {
        list => decided::list().iter().map(|s| s.id).collect::<Vec<_>>(),
        d => figs,
        tags => tags,
        stale => stale,
        no_real_cpu => headline.is_none(),
        main => main.as_ref().map(|m| m.id()),
        main_tag => main.as_ref().and_then(|m| tags.get(&m.source)),
        loads => info.map(|i| (i.loads.len(), i.boots.len())),
        kernels => kernels,
        summary => tables::summary(ds, main.as_ref(), inp),
        steadiness => steadiness::steadiness(ds, main.as_ref(), &inp.loads),
        sites => SITES,
        fallbacks => fallbacks,
        classes => classes,
        share => share,
        mutex_atomic => has("mutex", "atomic"),
        spinlock_atomic => has("spinlock", "atomic"),
        gp_pool => gp("pool").map(num),
        gp_cached => gp("cached").map(num),
        location_only => location_only,
        location_shared => location_shared,
        pool_wrong => faults(&inp.precision, "pool").0,
        api_ran => inp.precision.iter().any(|r| r.strategy == "tracked"),
        api_as_location => {
            let api = wrong(&inp.precision, "tracked");
            !api.is_empty() && api == wrong(&inp.precision, "location")
        },
        api_only => faults(&inp.precision, "tracked").0,
        macro_faults => worded(wrong(&inp.precision, "macro")),
        api_fixes => {
            let api = wrong(&inp.precision, "tracked");
            worded(wrong(&inp.precision, "pool").into_iter().filter(|(s, _)| !api.contains_key(s)))
        },
        bucket => tables::bucket_lock(&inp.stats),
        rejects => rejects,
        sources => tables::hosts(ds, &inp.runs),
        lock_pair => median_of(lock_pair.collect()).map(num),
        equal_pct => (decided::EQUAL * 100.0).round() as u32,
        files => inp.files,
        cells => tables::cells(ds),
        precision => tables::precision(&inp.precision),
        keycost => tables::keycost(&inp.keycost),
        memory => tables::memory(&inp.memory),
        plots => plots,
        no_plots => no_plots,
    }
}

/// Renders one template with the context.
pub fn render(name: &str, ctx: &Value) -> Result<String> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_filter("num", num);
    env.add_template("report.md", include_str!("../templates/report.md.j2"))?;
    env.add_template("figures.md", include_str!("../templates/figures.md.j2"))?;
    env.add_template("readme.md", include_str!("../templates/readme.md.j2"))?;
    let t = env.get_template(name)?;
    t.render(ctx).with_context(|| format!("template {name}"))
}
