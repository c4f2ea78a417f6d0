//! "Lock init: where the time goes": keycost.csv by key kind, on the real CPU and against
//! possible CPUs in the instruction-weighted emulation, the `pool` strategy's init against
//! `macro`'s, and the grace periods each strategy's `create` waits for (data CSV).

use std::collections::BTreeSet;

use super::basis::Basis;
use super::keycost::{
    cpus as possible, growth, growth_phrase, level_with_macro, over_boots, per_boot, pool_vs_macro,
    ratios, tag, Boot, Spread, POOL_MARGIN,
};
use super::md::{fig, fmt_ratio, heads, join_and, ns, pct, Md};
use crate::aggregate::strategy_rank;
use crate::source::{EXACT_SOURCE, HEADLINE_SOURCE};
use crate::tidy::KeycostRow;

/// Key kinds, cheapest check first, with where the key lives.
const KINDS: [(&str, &str); 5] = [
    ("vmlinux_static", "kernel data: static_obj()'s first check"),
    ("module_static", "a macro's static key, module data"),
    ("module_rodata", "the `Location`, module read-only data"),
    ("pool", "a slot of the pool, module data"),
    ("registered", "kmalloc'd, lockdep_register_key"),
];

/// The REPORT.md section.
pub fn section(md: &mut Md, b: Option<&Basis>, keycost: Option<(&str, &[KeycostRow])>) {
    md.para("## Lock init: where the time goes");
    match keycost {
        None => md.para("Key kinds not measured: no keycost CSV was given (`--keycost`), so what `__mutex_init` costs by key kind is not in this report."),
        Some((name, rows)) => {
            md.para(format!(
                "From `{name}` (scripts/keycost.sh): one `__mutex_init` with a key of each kind, and the `init` (lookup + `__mutex_init`) of the strategies whose keys differ in kind, per boot, with no per-CPU module and with one (lockclass_percpu.ko) loaded first: lockdep's static_obj() ends in a walk over loaded modules x possible CPUs, and a `registered` key runs static_obj() twice and then a hash chain."
            ));
            real_cpu(md, rows);
            emulated(md, rows);
        }
    }
    grace_periods(md, b);
}

fn real_cpu(md: &mut Md, rows: &[KeycostRow]) {
    md.para(format!("### Real CPU (`{HEADLINE_SOURCE}`)"));
    let boots: BTreeSet<Boot> = rows
        .iter()
        .filter(|r| r.source == HEADLINE_SOURCE)
        .map(|r| (r.possible_cpus, r.percpu_modules, r.boot))
        .collect();
    if boots.is_empty() {
        md.para(format!("No `{HEADLINE_SOURCE}` rows in the keycost CSV."));
        return;
    }
    let n = |p: u32| boots.iter().filter(|b| b.1 == p).count();
    let t = tag(HEADLINE_SOURCE);
    md.para(format!(
        "ns per `__mutex_init` by key kind [{t}]: the median over boots [lowest–highest boot], {} boot(s) without the per-CPU module and {} with it; `/ module_static` is the median over boots of the per-boot ratio to a macro's key (real CPU time drifts between boots, kinds are compared within one).",
        n(0),
        n(1)
    ));
    let stat = per_boot(rows, HEADLINE_SOURCE, "key", "module_static");
    let table: Vec<Vec<String>> = KINDS
        .iter()
        .map(|(k, what)| {
            let m = per_boot(rows, HEADLINE_SOURCE, "key", k);
            let mut row = vec![format!("`{k}` ({what})")];
            for p in [0, 1] {
                row.push(over_boots(&m, p).map_or("-".into(), |s| s.ns_cell()));
                row.push(
                    Spread::of(ratios(&m, &stat, Some(p))).map_or("-".into(), |s| s.ratio_cell()),
                );
            }
            row
        })
        .collect();
    md.table(
        &heads(&[
            "key kind",
            "ns, no per-CPU module",
            "/ module_static",
            "ns, per-CPU module loaded",
            "/ module_static",
        ]),
        &table,
    );
    let mut strategies: Vec<(usize, String)> = rows
        .iter()
        .filter(|r| r.source == HEADLINE_SOURCE && r.row == "init")
        .map(|r| strategy_rank(&r.name))
        .collect();
    strategies.sort();
    strategies.dedup();
    if strategies.is_empty() {
        md.para("No strategy `init` rows in this source.");
        return;
    }
    let table: Vec<Vec<String>> = strategies
        .iter()
        .map(|(_, st)| {
            let m = per_boot(rows, HEADLINE_SOURCE, "init", st);
            let mac = per_boot(rows, HEADLINE_SOURCE, "init", "macro");
            let mut row = vec![format!("`{st}`")];
            row.extend([0, 1].map(|p| over_boots(&m, p).map_or("-".into(), |s| s.ns_cell())));
            row.push(Spread::of(ratios(&m, &mac, None)).map_or("-".into(), |s| s.ratio_cell()));
            row
        })
        .collect();
    md.para(format!("Lock `init` (lookup + `__mutex_init`) per strategy, median of the boot medians [range] [{t}], and the per-boot ratio to `macro` over every boot:"));
    md.table(
        &heads(&[
            "strategy",
            "init ns, no per-CPU module",
            "init ns, per-CPU module loaded",
            "/ macro, per boot",
        ]),
        &table,
    );
    md.para(match pool_vs_macro(rows) {
        None => format!("The pool-vs-macro comparison is not made: the keycost CSV has no boot with `init` rows of both `pool` and `macro` in `{HEADLINE_SOURCE}`."),
        Some(r) => {
            let verdict = if level_with_macro(r.median) {
                format!("within {} of macro's on this data", pct(POOL_MARGIN))
            } else {
                format!(
                    "not within {} of macro's on this data ({} more)",
                    pct(POOL_MARGIN),
                    pct(r.median - 1.0)
                )
            };
            format!(
                "**Pool against macro**: per boot, `pool`'s init over `macro`'s is {} in the median of {} boot(s), from {} to {} [{t}]: pool's init is {verdict}.",
                fmt_ratio(Some(r.median)),
                r.n,
                fmt_ratio(Some(r.min)),
                fmt_ratio(Some(r.max))
            )
        }
    });
}

fn emulated(md: &mut Md, rows: &[KeycostRow]) {
    md.para(format!(
        "### Emulated, instruction-weighted (`{EXACT_SOURCE}`)"
    ));
    let cpus: BTreeSet<u32> = rows
        .iter()
        .filter(|r| r.source == EXACT_SOURCE && r.row == "key")
        .map(|r| r.possible_cpus)
        .collect();
    if cpus.is_empty() {
        md.para(format!(
            "No `{EXACT_SOURCE}` key rows in the keycost CSV: growth with possible CPUs is not measured."
        ));
        return;
    }
    let t = tag(EXACT_SOURCE);
    md.para(format!(
        "These are emulated figures: under QEMU icount a guest ns stands for a fixed number of instructions, so they are exact and repeatable, and weigh instructions, not hardware time; one boot per cell, N vCPUs for N possible CPUs (`-smp N`; the key-cost rows run on one, the others idle). ns per `__mutex_init` by key kind against possible CPUs [{t}]:"
    ));
    let mut header = heads(&["key kind", "per-CPU modules"]);
    header.extend(cpus.iter().map(|c| possible(*c)));
    let mut table = Vec::new();
    for (k, _) in KINDS {
        let m = per_boot(rows, EXACT_SOURCE, "key", k);
        for p in [0, 1] {
            if !m.keys().any(|b| b.1 == p) {
                continue;
            }
            let mut row = vec![format!("`{k}`"), p.to_string()];
            row.extend(cpus.iter().map(|c| {
                Spread::of(
                    m.iter()
                        .filter(|(b, _)| b.0 == *c && b.1 == p)
                        .map(|(_, v)| *v)
                        .collect(),
                )
                .map_or("-".into(), |s| ns(s.median))
            }));
            table.push(row);
        }
    }
    md.table(&header, &table);
    let growths: Vec<String> = ["module_static", "registered"]
        .iter()
        .filter_map(|k| growth(rows, k).map(|g| format!("`{k}`: {}.", growth_phrase(&g))))
        .collect();
    if !growths.is_empty() {
        md.para(format!(
            "Measured growth of one `__mutex_init` [{t}]: {}",
            growths.join(" ")
        ));
    }
}

/// The strategies whose `create` the grace-period paragraph compares.
const GP_STRATEGIES: [&str; 4] = ["pool", "cached", "rcu", "dynamic"];

/// Grace periods per `create`, median over runs, of a strategy in the basis' source.
pub fn create_gp(b: &Basis, st: &str) -> Option<f64> {
    b.at("create", st, &[]).and_then(|c| c.gp_per_op)
}

fn grace_periods(md: &mut Md, b: Option<&Basis>) {
    let Some(b) = b else {
        md.para("**Grace periods per create**: no kernel source with lockdep in this data.");
        return;
    };
    let t = b.series.tag();
    let parts: Vec<String> = GP_STRATEGIES
        .iter()
        .filter_map(|st| b.at("create", st, &[]).map(|c| (st, c)))
        .map(|(st, c)| {
            format!(
                "`{st}` {} (a create costs {})",
                c.gp_per_op
                    .map_or("not counted".into(), |g| format!("{g:.2}")),
                fig(c, b.series)
            )
        })
        .collect();
    let mut s = format!(
        "**Grace periods per create** (data CSV, `{}`, median per operation; a create's teardown unregisters what it registered): ",
        b.series.id()
    );
    if parts.is_empty() {
        s.push_str("none of `pool`, `cached`, `rcu`, `dynamic` has `create` rows in this data.");
        md.para(s);
        return;
    }
    s.push_str(&format!("{} [{t}].", join_and(&parts)));
    s.push_str(&match create_gp(b, "pool") {
        Some(g) if g < 0.005 => " `pool` waits for no grace period: its keys are module statics, so its teardown unregisters nothing. Its `create` runs after the first find the slot the site claimed before (a claimed slot is never renamed nor given up while the module is loaded): SipHash and a probe of the pool, no allocation.".to_string(),
        Some(g) => format!(" `pool` waits {g:.2} grace periods per create, where none was expected: its keys are module statics."),
        None if b.at("create", "pool", &[]).is_some() => " `pool`'s grace periods are not counted in this data.".into(),
        None => " `pool` has no `create` rows in this data.".into(),
    });
    md.para(s);
}
