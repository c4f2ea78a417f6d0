//! What a reader asks next: where the host's lookup time goes, what the harness costs, how
//! many CPUs each source had, which kernel it ran, how noisy it was, and what the kernel's
//! own benchmark reads on the same boot.

use std::collections::BTreeMap;

use super::basis::{multi_cpu, Basis};
use super::inputs::Extras;
use super::md::{fig, join_and, ns, pct, Md};
use super::sources::{cores, grace_period_measured, kernel_model, runs_of, sources_table};
use crate::aggregate::{median_sorted, Dataset, SPREAD_LIMIT};

pub fn context(md: &mut Md, b: Option<&Basis>, ds: &Dataset, ex: &Extras) {
    md.para("## What the figures mean");
    let mut items = vec![
        siphash(ds),
        noop(b, ds),
        cores(ds),
        grace_periods(b, ds, ex),
        noise(b, ds, ex),
    ];
    items.push(calibration(b, ex));
    items.extend(instructions(ds));
    for it in items {
        md.line(format!("- {it}"));
    }
    md.blank();
    sources_table(md, ds, ex);
}

/// The host's table lookups against the SipHash they start with.
fn siphash(ds: &Dataset) -> String {
    let Some(h) = ds.host_series().next() else {
        return "**SipHash share**: no host rows in this data.".into();
    };
    let Some((k, sip)) = ds
        .cells_of(h, "hash")
        .find(|(k, _)| k.strategy.1 == "siphash")
    else {
        return "**SipHash share**: no host `hash` rows with `siphash` in this data.".into();
    };
    // The spinlock table's hit at the same sites, else the mutex table's (the RFC's).
    let Some((table, look)) = ["spinlock", "mutex"]
        .into_iter()
        .find_map(|st| ds.get(h, st, "lookup", k.threads, k.sites).map(|c| (st, c)))
    else {
        return format!(
            "**SipHash share**: SipHash-2-4 of one location costs {} at {} sites, but there is no host table lookup at those sites to compare it with.",
            fig(sip, h),
            k.sites
        );
    };
    let addr = ds.get(h, "addr", "hash", k.threads, k.sites);
    format!(
        "**SipHash share of a host table lookup**: SipHash-2-4 of one location (file, line, column), as the kernel computes it, costs {} at {} sites, {} of a {table}-table hit ({}){}. The tables pay it on every lookup; `cached` hashes only the `Location`'s address.",
        fig(sip, h),
        k.sites,
        pct(sip.median / look.median),
        fig(look, h),
        addr.map(|a| format!("; hashing the address costs {}", fig(a, h)))
            .unwrap_or_default()
    )
}

fn noop(b: Option<&Basis>, ds: &Dataset) -> String {
    let mut out = "**The noop baseline**: `noop` runs the harness with no work; figures are shown raw, and the summary subtracts it in `hit − noop`.".to_string();
    if let Some(b) = b {
        if let Some((t, n)) = b.point("lookup", &["noop"]) {
            let z = ds.get(b.series, "noop", "lookup", t, n).expect("point");
            out.push_str(&format!(
                " In `{}` it costs {} per lookup",
                b.series.id(),
                fig(z, b.series)
            ));
            let cheaper: Vec<String> = ds
                .strategies(b.series, "lookup")
                .into_iter()
                .filter(|s| s != "noop")
                .filter(|s| {
                    ds.get(b.series, s, "lookup", t, n)
                        .is_some_and(|c| c.median < z.median)
                })
                .map(|s| format!("`{s}`"))
                .collect();
            if cheaper.is_empty() {
                out.push('.');
            } else {
                out.push_str(&format!(
                    ", more than {}: there it measures something they do not do, so subtracting it understates them (on x86-64 the compiler gives `noop` a `lea` and a `mov` where `location` has one `add`: the same instruction count, but a longer dependency through the loop's site pointer; see docs/design.md, Timing).",
                    join_and(&cheaper)
                ));
            }
        }
    }
    out
}

/// What the preemption model does to create, dynamic and unload figures, with grace periods
/// per operation where the module counted them.
fn grace_periods(b: Option<&Basis>, ds: &Dataset, ex: &Extras) -> String {
    let models: Vec<String> = ds
        .guest_series()
        .map(|s| {
            format!(
                "`{}` {}{}",
                s.id(),
                kernel_model(ex, s),
                grace_period_measured(ds, s)
            )
        })
        .collect();
    let mut out = format!(
        "**Preemption model**: {}.",
        if models.is_empty() {
            "no guest in this data".to_string()
        } else {
            models.join("; ")
        }
    );
    if ds.guest_series().any(|s| s.source == "guest-uml") {
        out.push_str(" So on User-Mode Linux the `create` of registered keys, the `dynamic` strategy (a key registered and unregistered per lock) and module unload do not pay the grace-period wait a preemptible SMP kernel pays: read those figures as a lower bound, beside the emulated SMP guests' and the grace periods counted per operation.");
    }
    let mut seen = Vec::new();
    for s in [b.map(|b| b.series), multi_cpu(ds)].into_iter().flatten() {
        let Some((t, n)) = ds
            .common_points(s, "create", &["dynamic"])
            .into_iter()
            .min_by_key(|p| (p.0, std::cmp::Reverse(p.1)))
        else {
            continue;
        };
        let c = ds.get(s, "dynamic", "create", t, n).expect("point");
        let gp = c
            .gp_per_op
            .map(|g| format!("{g:.2} grace periods waited per operation"))
            .unwrap_or_else(|| "grace periods not counted".into());
        seen.push(format!("{} ({gp})", fig(c, s)));
    }
    if !seen.is_empty() {
        out.push_str(&format!(
            " A `dynamic` create costs {}.",
            seen.join(" against ")
        ));
    }
    out
}

fn noise(b: Option<&Basis>, ds: &Dataset, ex: &Extras) -> String {
    let Some(b) = b else {
        return "**Noise**: no kernel source with lockdep.".into();
    };
    let info = &ds.series[b.series];
    let cells: Vec<_> = ds
        .cells
        .iter()
        .filter(|(k, _)| k.series == *b.series)
        .collect();
    let spread: Vec<f64> = cells.iter().filter_map(|(_, v)| v.spread()).collect();
    let noisy = cells.iter().filter(|(_, v)| v.noisy()).count();
    if spread.is_empty() {
        return format!(
            "**Noise**: every cell of `{}` comes from one load ({} boot(s)), so its spread across loads and boots is not measured.",
            b.series.id(),
            info.boots.len().max(1)
        );
    }
    let mut s = spread.clone();
    s.sort_by(f64::total_cmp);
    let mut pinned: Vec<&str> = runs_of(ex, b.series).map(|r| r.pinned.as_str()).collect();
    pinned.sort();
    pinned.dedup();
    let pin = match pinned.as_slice() {
        [] => String::new(),
        [""] => " Its boots were not pinned to a host CPU.".into(),
        p => format!(" Its boots were pinned to one host CPU ({}).", p.join(", ")),
    };
    format!(
        "**Noise**: `{}` ran {} loads in {} boot(s); a figure is the median of its load medians. Across loads, the median cell spreads by {} (largest {}); {noisy} of {} cells spread by more than {} and are marked noisy.{pin}",
        b.series.id(),
        info.loads.len(),
        info.boots.len().max(1),
        pct(median_sorted(&s)),
        pct(s[s.len() - 1]),
        cells.len(),
        pct(SPREAD_LIMIT)
    )
}

fn calibration(b: Option<&Basis>, ex: &Extras) -> String {
    let Some((_, rows)) = &ex.calibration else {
        return "**Calibration**: no refscale rows in this data (no calibration CSV).".into();
    };
    let source = b.map_or("guest-uml", |b| b.series.source.as_str());
    let mut by: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.source == source) {
        by.entry(r.kind.as_str()).or_default().push(r.ns_per_op);
    }
    if by.is_empty() {
        return format!("**Calibration**: the calibration CSV has no rows from `{source}`.");
    }
    let what = |k: &str| match k {
        "lock" => "a raw spinlock lock+unlock",
        "rcu" => "rcu_read_lock+unlock",
        "clock" => "ktime_get",
        _ => "",
    };
    let lock_pair = by.get("lock").map(|v| {
        let mut v = v.clone();
        v.sort_by(f64::total_cmp);
        median_sorted(&v)
    });
    let parts: Vec<String> = by
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_by(f64::total_cmp);
            let label = what(k);
            format!(
                "{}{} ns (`{k}`, {} runs)",
                if label.is_empty() {
                    String::new()
                } else {
                    format!("{label} ")
                },
                ns(median_sorted(&v)),
                v.len()
            )
        })
        .collect();
    let mut out = format!(
        "**Calibration**: the kernel's refscale in the same boots of `{source}` reads {} (medians).",
        join_and(&parts)
    );
    // Each table's hit beside the lock pair a kernel reader knows.
    if let (Some(b), Some(lock)) = (b, lock_pair) {
        let beside: Vec<String> = ["spinlock", "rcu", "cached"]
            .iter()
            .filter_map(|st| b.at("lookup", st, &[]).map(|c| (st, c)))
            .map(|(st, c)| format!("`{st}` {}x", ratio2(c.median / lock)))
            .collect();
        if !beside.is_empty() {
            out.push_str(&format!(
                " A table hit in units of that raw spinlock pair: {}.",
                beside.join(", ")
            ));
        }
    }
    out
}

fn ratio2(r: f64) -> String {
    if r >= 1.0 {
        format!("{r:.2}")
    } else {
        format!("{r:.3}")
    }
}

/// Instructions per host lookup, where the export counted them.
fn instructions(ds: &Dataset) -> Option<String> {
    let h = ds.host_series().next()?;
    let mut per: Vec<(String, f64, u64)> = ds
        .cells_of(h, "lookup")
        .filter_map(|(k, v)| v.instructions.map(|i| (k.strategy.1.clone(), i, k.sites)))
        .collect();
    let n = per.iter().map(|p| p.2).max()?;
    per.retain(|p| p.2 == n);
    let list: Vec<String> = per
        .iter()
        .map(|(s, i, _)| format!("`{s}` {i:.0}"))
        .collect();
    let of = |st: &str| per.iter().find(|p| p.0 == st).map(|p| p.1);
    let diff = match (of("cached"), of("location")) {
        (Some(c), Some(l)) => format!(
            "; a `cached` hit executes {:.0} more than a `location` lookup",
            c - l
        ),
        _ => String::new(),
    };
    Some(format!(
        "**Instructions per host lookup** at {n} sites, counted (callgrind) rather than timed [user space]: {}{diff}.",
        list.join(", ")
    ))
}
