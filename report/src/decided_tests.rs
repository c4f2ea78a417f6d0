//! Unit tests of `decided`: pairing by round, and the host's rounds.

use super::*;
use crate::tidy::DataRow;

/// Rows of `mutex` and `spinlock` lookups at 64 sites, one load per boot, run `r` of each
/// given by the slices.
fn rows(a: &[f64], b: &[f64], boots: u32) -> Vec<DataRow> {
    let mut out = Vec::new();
    for boot in 1..=boots {
        for (st, v) in [("mutex", a), ("spinlock", b)] {
            for (i, ns) in v.iter().enumerate() {
                let mut r = DataRow::basic("guest-uml", st, "lookup", 1, 64);
                r.flavour = "lockdep".into();
                (r.boot, r.load, r.run) = (Some(boot), Some(1), Some(i as u64 + 1));
                r.ns_per_op = *ns;
                out.push(r);
            }
        }
    }
    out
}

fn q1_lookup(rows: Vec<DataRow>) -> Decided {
    let d = compute(&Dataset::new(&rows), &[], &[]);
    d.into_iter().find(|d| d.id == "q1_lookup").unwrap()
}

#[test]
fn pairs_by_round_within_a_load() {
    // A drift that hits each strategy in a different round: per round the ratios are
    // 2, 0.367 and 1.29 (median 1.29); the two load medians would give 11 / 30 = 0.367.
    let q1 = q1_lookup(rows(&[10.0, 11.0, 40.0], &[5.0, 30.0, 31.0], 6));
    assert_eq!((q1.n, q1.unit), (6, "loads"));
    assert!((q1.ratio.unwrap() - 40.0 / 31.0).abs() < 1e-9, "{q1:?}");
}

#[test]
fn falls_back_to_load_medians_without_runs() {
    let mut r = rows(&[10.0, 11.0, 40.0], &[5.0, 30.0, 31.0], 6);
    r.iter_mut().for_each(|r| r.run = None);
    let q1 = q1_lookup(r);
    assert!((q1.ratio.unwrap() - 11.0 / 30.0).abs() < 1e-9, "{q1:?}");
}

#[test]
fn host_rounds_give_an_order_statistic_interval() {
    // 21 rounds: the exact interval is the 6th to the 16th ratio, not the whole range.
    let ratios: Vec<String> = (1..=21)
        .map(|i| format!("{:.4}", 0.9 + 0.01 * i as f64))
        .collect();
    let row = ScalingRow {
        strategy: "pool".into(),
        sites: 1024,
        threads: 2,
        cores: 2,
        rounds: 21,
        median_ratio: 1.01,
        min_ratio: 0.91,
        max_ratio: 1.11,
        ratios: ratios.join(";"),
    };
    let ds = Dataset::new(&[]);
    let d = compute(&ds, &[], &[row]);
    let q = d.iter().find(|d| d.id == "q5_cpus_pool").unwrap();
    assert_eq!((q.n, q.lo, q.hi), (21, Some(0.96), Some(1.06)));
    assert_eq!(q.verdict, "open");
}
