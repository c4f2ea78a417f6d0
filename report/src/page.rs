//! The values REPORT.md and detail/ word: computed here, worded in `templates/`.
//!
//! minijinja rather than askama: the templates stay plain Markdown files read at build time
//! (`include_str!`) with no derive per template, the context is the same serde `Serialize`
//! data the CSVs use, and a wording change recompiles no macro-generated code. A template
//! error is a render error, which the tests render on every run.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use minijinja::Environment;
use serde::Serialize;

use crate::aggregate::{median_of, Dataset};
use crate::decided::{self, bytes_per_class, Decided};
use crate::source::Series;
use crate::tidy::{CalibrationRow, KeycostRow, PrecisionRow, RunRow, ScalingRow, StatsRow};

/// The inputs besides data.csv; empty when a file was not given.
#[derive(Default)]
pub struct Inputs {
    pub stats: Vec<StatsRow>,
    pub precision: Vec<PrecisionRow>,
    pub calibration: Vec<CalibrationRow>,
    pub runs: Vec<RunRow>,
    pub keycost: Vec<KeycostRow>,
    pub scaling: Vec<ScalingRow>,
    /// `--stale SOURCE=REASON`: that source's rows are from an earlier run.
    pub stale: Vec<(String, String)>,
    /// Input file names, for the "generated from" line.
    pub files: Vec<String>,
}

const STRATEGIES: [&str; 9] = [
    "mutex", "spinlock", "rcu", "location", "macro", "dynamic", "cached", "pool", "noop",
];
const HEADLINE_MODES: [&str; 4] = ["lookup", "create", "init", "acquire"];
/// The plan's site count: the summary's column and most comparisons.
const SITES: u64 = 64;

#[derive(Serialize)]
struct Stale {
    source: String,
    reason: String,
    date: String,
}

/// A decided figure with its words: `fig` is "1.54x (95 %: 1.21-1.80x, 10 loads)".
#[derive(Serialize)]
struct Fig {
    #[serde(flatten)]
    d: Decided,
    fig: String,
    est: String,
    ci: String,
    pairs: String,
    /// The faster side's advantage, >= 1x: "X is faster by R (lo-hi)".
    by: String,
    tag: String,
    a_ns: String,
    b_ns: String,
}

#[derive(Serialize)]
struct Cell {
    text: String,
}

#[derive(Serialize)]
struct SummaryRow {
    strategy: &'static str,
    cells: Vec<Cell>,
    bytes: String,
    precision: String,
}

#[derive(Serialize)]
struct Reason {
    kind: &'static str,
    scenarios: Vec<String>,
    fig: Option<String>,
    value: String,
}

#[derive(Serialize)]
struct Reject {
    strategy: &'static str,
    reasons: Vec<Reason>,
}

#[derive(Serialize)]
struct Host {
    source: String,
    boots: usize,
    cpu: String,
    detail: String,
    quiet: String,
}

/// Numbers to 3 significant figures: what the data can carry.
pub fn num(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn fig_text(d: &Decided) -> String {
    let Some(r) = d.ratio else {
        return format!("no figure ({})", d.note);
    };
    match (d.lo, d.hi, d.unit) {
        (_, _, "counted") => format!("{}x (counted)", num(r)),
        (Some(lo), Some(hi), u) => {
            format!("{}x (95 %: {}-{}x, {} {u})", num(r), num(lo), num(hi), d.n)
        }
        _ => format!("{}x ({} {}, {})", num(r), d.n, d.unit, d.note),
    }
}

fn by_text(d: &Decided) -> String {
    match (d.ratio, d.lo, d.hi) {
        (Some(r), Some(lo), Some(hi)) if r < 1.0 && d.unit != "counted" => {
            format!(
                "{}x (95 %: {}-{}x, {} {})",
                num(1.0 / r),
                num(1.0 / hi),
                num(1.0 / lo),
                d.n,
                d.unit
            )
        }
        (Some(r), _, _) if r < 1.0 => format!("{}x", num(1.0 / r)),
        _ => fig_text(d),
    }
}

/// The figure's source tag, and "earlier run" when `--stale` names it.
fn tag(source: &str, stale: &[Stale]) -> String {
    if source.is_empty() {
        return String::new();
    }
    match stale.iter().find(|s| s.source == source) {
        Some(s) if s.date.is_empty() => format!("[{source}, earlier run]"),
        Some(s) => format!("[{source}, earlier run {}]", s.date),
        None => format!("[{source}]"),
    }
}

/// Precision: per strategy, the scenarios lockdep got wrong ("missed x", "false report y").
fn wrong(prec: &[PrecisionRow], strategy: &str) -> BTreeMap<String, String> {
    (prec.iter())
        .filter(|r| r.strategy == strategy && r.outcome != r.expected)
        .map(|r| {
            let kind = match (r.expected.as_str(), r.outcome.as_str()) {
                (_, "lockdep-off") => "lockdep off",
                ("silent", _) => "false report",
                _ => "missed",
            };
            (r.scenario.clone(), kind.to_string())
        })
        .collect()
}

fn precision_text(prec: &[PrecisionRow], strategy: &str) -> String {
    let all = prec.iter().filter(|r| r.strategy == strategy).count();
    if all == 0 {
        return "-".into();
    }
    let w = wrong(prec, strategy);
    let list: Vec<String> = w.iter().map(|(s, k)| format!("{k} `{s}`")).collect();
    format!(
        "{}/{all} as expected{}",
        all - w.len(),
        if list.is_empty() {
            String::new()
        } else {
            format!("; {}", list.join(", "))
        }
    )
}

fn v<T: Serialize>(x: T) -> minijinja::Value {
    minijinja::Value::from_serialize(x)
}

/// The page's context: every value the templates word.
pub fn context(ds: &Dataset, inp: &Inputs, plots: &[(String, String)]) -> minijinja::Value {
    let headline = ds.series.keys().find(|s| s.source == "guest-uml").cloned();
    let date_of = |src: &str| {
        let runs = inp
            .runs
            .iter()
            .filter(|r| r.source == src)
            .map(|r| r.date.clone());
        let data = (ds.series.iter())
            .filter(|(s, _)| s.source == src)
            .flat_map(|(_, i)| i.dates.iter().cloned());
        runs.chain(data)
            .filter(|d| !d.is_empty())
            .max()
            .unwrap_or_default()
    };
    let stale: Vec<Stale> = (inp.stale.iter())
        .map(|(s, r)| Stale {
            source: s.clone(),
            reason: r.clone(),
            date: date_of(s),
        })
        .collect();
    let figs: BTreeMap<&str, Fig> = decided::compute(ds, &inp.stats, &inp.scaling)
        .into_iter()
        .map(|d| {
            let unit = if d.unit == "counted" { " B" } else { " ns" };
            let ns = |v: Option<f64>| v.map(|v| format!("{}{unit}", num(v))).unwrap_or_default();
            let est = d.ratio.map_or("-".into(), |r| format!("{}x", num(r)));
            let ci = match (d.lo, d.hi) {
                (Some(lo), Some(hi)) if d.unit != "counted" => format!("{}-{}x", num(lo), num(hi)),
                (Some(_), _) => "counted".into(),
                _ => "-".into(),
            };
            let pairs = d
                .pairs
                .iter()
                .map(|r| num(*r))
                .collect::<Vec<_>>()
                .join(", ");
            let f = Fig {
                fig: fig_text(&d),
                by: by_text(&d),
                est,
                ci,
                pairs,
                tag: tag(&d.source, &stale),
                a_ns: ns(d.a),
                b_ns: ns(d.b),
                d,
            };
            (f.d.id, f)
        })
        .collect();

    // Summary table: the headline series (else the first guest), one thread, the plan's sites.
    let main = headline
        .clone()
        .or_else(|| ds.guest_series().next().cloned());
    let summary: Vec<SummaryRow> = STRATEGIES
        .iter()
        .filter(|s| {
            main.as_ref().is_some_and(|m| {
                ds.cells
                    .keys()
                    .any(|k| &k.series == m && k.strategy.1 == **s)
            })
        })
        .map(|s| SummaryRow {
            strategy: s,
            cells: HEADLINE_MODES
                .iter()
                .map(|m| Cell {
                    text: cell_text(ds, main.as_ref(), s, m),
                })
                .collect(),
            bytes: bytes_per_class(&inp.stats, s).map_or("no table".into(), |(b, n, _)| {
                format!("{} ({n} classes)", num(b))
            }),
            precision: precision_text(&inp.precision, s),
        })
        .collect();

    // Question 3's frequency: fallbacks over classes created in loads without injected failures.
    let failing = main.as_ref().and_then(|m| ds.failing_loads.get(m));
    let (mut fallbacks, mut classes) = (0, 0);
    for r in inp
        .stats
        .iter()
        .filter(|r| main.as_ref().is_some_and(|m| m.source == r.source))
    {
        if failing.is_none_or(|f| !f.contains(&(r.boot, r.load))) {
            fallbacks += r.fallbacks;
            classes += r.classes;
        }
    }
    let has = |st: &str, mode: &str| main.as_ref().is_some_and(|m| ds.has(m, st, mode));
    let gp = |st: &str| {
        let m = main.as_ref()?;
        match ds.get(m, st, "create", 1, SITES) {
            Some(s) => s.gp_per_op,
            None => (ds.below_resolution.iter())
                .find(|(k, _)| {
                    &k.series == m
                        && k.strategy.1 == st
                        && k.mode.1 == "create"
                        && k.sites == SITES
                        && k.fail_alloc_every == 0
                })
                .and_then(|(_, g)| *g),
        }
    };

    let rejects = ["mutex", "spinlock", "rcu", "location", "dynamic"]
        .into_iter()
        .map(|st| Reject {
            strategy: st,
            reasons: reasons(
                st,
                inp,
                &figs,
                has("pool", "atomic") && !has(st, "atomic"),
                gp(st),
                gp("pool"),
            ),
        })
        .collect::<Vec<_>>();

    let sources: Vec<Host> = ds
        .series
        .iter()
        .map(|(s, i)| {
            host(
                s,
                i.cpus.iter().cloned().collect(),
                &inp.runs,
                i.boots.len(),
            )
        })
        .collect();
    let lock_pair = median_of(
        inp.calibration
            .iter()
            .filter(|r| r.kind == "lock" && r.source == "guest-uml")
            .map(|r| r.ns_per_op)
            .collect(),
    );
    let kernels: BTreeSet<&String> = ds
        .series
        .iter()
        .filter(|(s, _)| !s.is_host())
        .flat_map(|(_, i)| i.kernels.iter())
        .collect();
    minijinja::context! {
        list => v(decided::list().iter().map(|s| s.id).collect::<Vec<_>>()),
        d => v(figs),
        stale => v(&stale),
        no_real_cpu => v(headline.is_none()),
        main => v(main.as_ref().map(|m| m.id())),
        loads => v(main.as_ref().and_then(|m| ds.series.get(m)).map(|i| (i.loads.len(), i.boots.len()))),
        kernels => v(kernels.into_iter().collect::<Vec<_>>()),
        summary => v(&summary),
        modes => v(HEADLINE_MODES),
        sites => v(SITES),
        fallbacks => v(fallbacks),
        classes => v(classes),
        mutex_atomic => v(has("mutex", "atomic")),
        spinlock_atomic => v(has("spinlock", "atomic")),
        pool_atomic => v(has("pool", "atomic")),
        gp_pool => v(gp("pool").map(num)),
        gp_cached => v(gp("cached").map(num)),
        location_wrong => v(wrong(&inp.precision, "location")),
        pool_wrong => v(wrong(&inp.precision, "pool")),
        macro_wrong => v(wrong(&inp.precision, "macro")),
        rejects => v(&rejects),
        sources => v(&sources),
        lock_pair => v(lock_pair.map(num)),
        equal_pct => v((decided::EQUAL * 100.0).round()),
        files => v(&inp.files),
        cells => v(cells(ds)),
        precision => v(precision_matrix(&inp.precision)),
        keycost => v(keycost(&inp.keycost)),
        plots => v(plots),
    }
}

fn cell_text(ds: &Dataset, s: Option<&Series>, strategy: &str, mode: &str) -> String {
    let Some(s) = s else { return "-".into() };
    if let Some(c) = ds.get(s, strategy, mode, 1, SITES) {
        let mut v: Vec<f64> = c.per_load.iter().map(|p| p.1).collect();
        v.sort_by(f64::total_cmp);
        return match decided::median_interval(&v) {
            Some((lo, hi)) => format!("{} ({}-{})", num(c.median), num(lo), num(hi)),
            None => format!("{} ({} loads)", num(c.median), v.len()),
        };
    }
    let short = ds.below_resolution.keys().any(|k| {
        &k.series == s
            && k.strategy.1 == strategy
            && k.mode.1 == mode
            && k.sites == SITES
            && k.fail_alloc_every == 0
    });
    if short {
        "below resolution".into()
    } else {
        "-".into()
    }
}

/// Why `st` is not recommended, as far as `pool` (the recommendation) does not share it.
fn reasons(
    st: &str,
    inp: &Inputs,
    figs: &BTreeMap<&str, Fig>,
    atomic: bool,
    gp: Option<f64>,
    gp_pool: Option<f64>,
) -> Vec<Reason> {
    let pool = wrong(&inp.precision, "pool");
    let scenarios: Vec<String> = (wrong(&inp.precision, st).into_iter())
        .filter(|(s, _)| !pool.contains_key(s))
        .map(|(s, k)| format!("{k} `{s}`"))
        .collect();
    let mut out = Vec::new();
    let mut push = |kind, scenarios, fig, value| {
        out.push(Reason {
            kind,
            scenarios,
            fig,
            value,
        })
    };
    if !scenarios.is_empty() {
        push("precision", scenarios, None, String::new());
    }
    if atomic {
        push("atomic", vec![], None, String::new());
    }
    let fig = match st {
        "mutex" => Some("rec_mutex_pool"),
        "spinlock" => Some("rec_spinlock_pool"),
        "rcu" => Some("rec_rcu_pool"),
        "dynamic" => Some("rec_dynamic_pool"),
        _ => None,
    };
    // Only a ratio decided against `st` is a reason (mutex: slower than spinlock, which is
    // itself slower than pool when that is decided).
    if let Some(f) = fig
        .and_then(|id| figs.get(id))
        .filter(|f| f.d.verdict == "b_faster")
    {
        push(
            "slower",
            vec![],
            Some(format!("{}: {} {}", f.d.what, f.fig, f.tag)),
            String::new(),
        );
    }
    if let (Some(g), Some(p)) = (gp, gp_pool) {
        if g > p {
            push("grace", vec![], None, num(g));
        }
    }
    out
}

fn host(s: &Series, cpus: Vec<String>, runs: &[RunRow], boots: usize) -> Host {
    let rs: Vec<&RunRow> = runs.iter().filter(|r| r.source == s.source).collect();
    let uniq = |f: fn(&RunRow) -> &str| {
        let v: BTreeSet<&str> = rs.iter().map(|r| f(r)).filter(|x| !x.is_empty()).collect();
        v.into_iter().collect::<Vec<_>>().join(" / ")
    };
    let mut detail = Vec::new();
    for (name, v) in [
        (
            "family/model/stepping",
            [
                uniq(|r| &r.host_family),
                uniq(|r| &r.host_model),
                uniq(|r| &r.host_stepping),
            ]
            .join(" "),
        ),
        ("avx512f", uniq(|r| &r.host_avx512f)),
        ("amx_tile", uniq(|r| &r.host_amx_tile)),
        ("xsave bytes", uniq(|r| &r.host_xsave_bytes)),
        ("hypervisor", uniq(|r| &r.hypervisor)),
        ("host kernel", uniq(|r| &r.host_kernel)),
    ] {
        if !v.trim().is_empty() {
            detail.push(format!("{name} {}", v.trim()));
        }
    }
    let range = |f: fn(&RunRow) -> Option<f64>| {
        let mut v: Vec<f64> = rs.iter().filter_map(|r| f(r)).collect();
        v.sort_by(f64::total_cmp);
        (!v.is_empty()).then(|| format!("{}-{} %", num(v[0]), num(v[v.len() - 1])))
    };
    let quiet: Vec<String> = [
        ("others' CPU", range(|r| r.other_cpu_pct)),
        ("steal", range(|r| r.steal_pct)),
    ]
    .into_iter()
    .filter_map(|(n, v)| v.map(|v| format!("{n} {v}")))
    .collect();
    Host {
        source: s.id(),
        boots,
        cpu: cpus.join(" / "),
        detail: detail.join(", "),
        quiet: if quiet.is_empty() {
            "not recorded".into()
        } else {
            quiet.join(", ")
        },
    }
}

/// Renders one template with the context.
pub fn render(name: &str, ctx: &minijinja::Value) -> Result<String> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_template("report.md", include_str!("../templates/report.md.j2"))?;
    env.add_template("figures.md", include_str!("../templates/figures.md.j2"))?;
    env.add_template("readme.md", include_str!("../templates/readme.md.j2"))?;
    let out = env
        .get_template(name)?
        .render(ctx)
        .with_context(|| format!("template {name}"))?;
    Ok(out)
}

/// Every cell of every series for detail/figures.md, as table cells.
fn cells(ds: &Dataset) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let key = |k: &crate::aggregate::CellKey| {
        let f = k.fail_alloc_every;
        vec![
            k.series.id(),
            k.strategy.1.clone(),
            k.mode.1.clone(),
            k.threads.to_string(),
            k.sites.to_string(),
            if f == 0 {
                "none".into()
            } else {
                format!("every {f}")
            },
        ]
    };
    for (k, c) in &ds.cells {
        let mut v: Vec<f64> = c.per_load.iter().map(|p| p.1).collect();
        v.sort_by(f64::total_cmp);
        let fig = match (decided::median_interval(&v), c.ci) {
            (Some((lo, hi)), _) | (None, Some((lo, hi))) => {
                format!("{} ({}-{})", num(c.median), num(lo), num(hi))
            }
            _ => num(c.median),
        };
        out.push([key(k), vec![fig, v.len().to_string(), c.runs.to_string()]].concat());
    }
    for k in ds.below_resolution.keys() {
        out.push(
            [
                key(k),
                vec!["below resolution".into(), "-".into(), "-".into()],
            ]
            .concat(),
        );
    }
    out
}

/// Scenario x strategy outcomes: (header, rows).
fn precision_matrix(prec: &[PrecisionRow]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut scen: Vec<String> = Vec::new();
    let mut strat: Vec<String> = Vec::new();
    for r in prec {
        if !scen.contains(&r.scenario) {
            scen.push(r.scenario.clone());
        }
        if !strat.contains(&r.strategy) {
            strat.push(r.strategy.clone());
        }
    }
    let rows = (strat.iter())
        .map(|st| {
            let cell =
                |sc: &String| match prec.iter().find(|r| &r.strategy == st && &r.scenario == sc) {
                    None => "no row".to_string(),
                    Some(r) if r.outcome == r.expected => format!(
                        "as expected ({}), names sites: {}",
                        r.outcome, r.names_sites
                    ),
                    Some(r) => format!(
                        "**{}** (expected {}), names sites: {}",
                        r.outcome, r.expected, r.names_sites
                    ),
                };
            [vec![st.clone()], scen.iter().map(cell).collect()].concat()
        })
        .collect();
    (scen, rows)
}

/// keycost.csv: median over boots of each (source, row, name, CPUs, per-CPU modules).
fn keycost(rows: &[KeycostRow]) -> Vec<Vec<String>> {
    let mut groups: BTreeMap<(String, String, String, u32, u32), Vec<f64>> = BTreeMap::new();
    for r in rows {
        let k = (
            r.source.clone(),
            r.row.clone(),
            r.name.clone(),
            r.possible_cpus,
            r.percpu_modules,
        );
        groups.entry(k).or_default().push(r.ns_per_op);
    }
    (groups.into_iter())
        .map(|((s, row, name, cpus, m), v)| {
            let n = v.len();
            vec![
                s,
                row,
                name,
                cpus.to_string(),
                m.to_string(),
                median_of(v).map_or("-".into(), num),
                n.to_string(),
            ]
        })
        .collect()
}
