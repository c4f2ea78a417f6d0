//! The sources as a reader weighs them: their CPUs and oversubscription, kernel model and the
//! grace period measured on it, from the rows and from runs.csv.

use super::inputs::Extras;
use super::md::{heads, ns, Md};
use crate::aggregate::{median_sorted, Dataset, Series};
use crate::tidy::RunRow;

/// The runs.csv rows of a series (its flavour, or `uml` for the User-Mode Linux build).
pub(super) fn runs_of<'a>(ex: &'a Extras, s: &'a Series) -> impl Iterator<Item = &'a RunRow> + 'a {
    ex.runs
        .iter()
        .flat_map(|(_, r)| r.iter())
        .filter(move |r| r.source == s.source)
}

/// "PREEMPT_VOLUNTARY, no SMP, so Tiny RCU: ...", from runs.csv when it says.
pub(super) fn kernel_model(ex: &Extras, s: &Series) -> String {
    let mut preempt: Vec<&str> = runs_of(ex, s)
        .map(|r| r.preempt.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    preempt.sort();
    preempt.dedup();
    let p = if preempt.is_empty() {
        s.default_preempt().to_string()
    } else {
        preempt.join("/")
    };
    if p.is_empty() {
        s.rcu_note().to_string()
    } else {
        format!("{p}, {}", s.rcu_note())
    }
}

/// How many CPUs each source had, and whether any row ran more threads than that.
pub(super) fn cores(ds: &Dataset) -> String {
    let parts: Vec<String> = ds
        .series
        .iter()
        .map(|(s, i)| {
            let c: Vec<String> = i.cores.iter().map(ToString::to_string).collect();
            let one = i.cores.len() == 1 && i.cores.contains(&1);
            let what = match (s.is_host(), one) {
                (true, true) => "core",
                (true, false) => "cores",
                (false, true) => "CPU",
                (false, false) => "CPUs",
            };
            if c.is_empty() {
                format!("`{}` did not record its {what} (at most {} threads)", s.id(), i.max_threads)
            } else if i.oversubscribed > 0 {
                format!(
                    "`{}` had {} {what} and {} rows ran more threads than that (oversubscribed: they time the scheduler)",
                    s.id(),
                    c.join("/"),
                    i.oversubscribed
                )
            } else {
                format!("`{}` had {} {what}, never more threads than that", s.id(), c.join("/"))
            }
        })
        .collect();
    format!("**CPUs and oversubscription**: {}.", parts.join("; "))
}

/// ", one grace period measured at 6.1 µs [tag]" from the loads' `gp_ns`, median.
pub(super) fn grace_period_measured(ds: &Dataset, s: &Series) -> String {
    let Some(info) = ds.series.get(s) else {
        return String::new();
    };
    if info.gp_ns.is_empty() {
        return String::new();
    }
    let mut v: Vec<f64> = info.gp_ns.iter().map(|g| *g as f64).collect();
    v.sort_by(f64::total_cmp);
    let m = median_sorted(&v);
    let (value, unit) = if m >= 1e6 {
        (m / 1e6, "ms")
    } else if m >= 1e3 {
        (m / 1e3, "µs")
    } else {
        (m, "ns")
    };
    format!(
        ", one grace period (a `lockdep_unregister_key`) measured at {} {unit} [{}] ({})",
        ns(value),
        s.tag(),
        if v.len() == 1 {
            "one load".to_string()
        } else {
            format!("median of {} loads", v.len())
        }
    )
}

pub(super) fn sources_table(md: &mut Md, ds: &Dataset, ex: &Extras) {
    md.para("Sources in this data:");
    let rows: Vec<Vec<String>> = ds
        .series
        .iter()
        .map(|(s, i)| {
            let cores: Vec<String> = i.cores.iter().map(ToString::to_string).collect();
            vec![
                format!("`{}`", s.id()),
                s.kind().to_string(),
                kernel_model(ex, s),
                join_set(i.kernels.iter()),
                join_set(i.cpus.iter()),
                if cores.is_empty() {
                    "not recorded".into()
                } else {
                    cores.join(", ")
                },
                i.max_threads.to_string(),
                i.oversubscribed.to_string(),
                format!("{} / {}", i.loads.len(), i.boots.len().max(1)),
            ]
        })
        .collect();
    md.table(
        &heads(&[
            "series",
            "what it is",
            "kernel model",
            "kernel",
            "CPU",
            "CPUs (cores)",
            "most threads",
            "rows with threads > cores",
            "loads / boots",
        ]),
        &rows,
    );
}

fn join_set<'a>(v: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<&str> = v.map(String::as_str).collect();
    if v.is_empty() {
        "-".into()
    } else {
        v.join(", ")
    }
}
