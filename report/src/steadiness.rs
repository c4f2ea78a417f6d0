//! The report's steadiness line: how much the headline source's cells spread across loads,
//! which loads read slow for every cell alike, and which loads bench.sh set aside by their own
//! reference (loads.csv).

use std::collections::BTreeMap;

use minijinja::{context, Value};

use crate::aggregate::{median_of, Dataset, LoadId, Series, Summary};
use crate::runs::LoadRow;
use crate::tables::num;

/// How steady the headline source's cells are across loads: a cell's spread is its widest
/// load median over its narrowest, less one. Counts the cells of two loads or more under 10 %,
/// names the widest few, and the loads that read slow for most cells alike (`slow_loads`).
pub fn steadiness(ds: &Dataset, main: Option<&Series>, loads: &[LoadRow]) -> Option<Value> {
    let cells =
        || (ds.cells.iter()).filter(|(k, c)| Some(&k.series) == main && c.per_load.len() >= 2);
    let mut spreads: Vec<(f64, String)> = cells()
        .map(|(k, c)| {
            let v = c.per_load.iter().map(|p| p.1);
            let (lo, hi) = v.fold((f64::INFINITY, 0.0f64), |(l, h), x| (l.min(x), h.max(x)));
            let fail = if k.fail_alloc_every > 0 {
                " failing"
            } else {
                ""
            };
            let name = format!("{} {} {}{fail}", k.strategy.1, k.mode.1, k.sites);
            (hi / lo - 1.0, name)
        })
        .collect();
    if spreads.is_empty() {
        return None;
    }
    spreads.sort_by(|a, b| b.0.total_cmp(&a.0));
    let steady = spreads.iter().filter(|s| s.0 < 0.10).count();
    let widest: Vec<String> = (spreads.iter().take(3))
        .map(|(s, n)| format!("{n} {} %", num(s * 100.0)))
        .collect();
    let slow: Vec<String> = slow_loads(cells().map(|(_, c)| c))
        .into_iter()
        .map(|((boot, load), level)| {
            let at = |x: Option<u32>| x.map_or("-".into(), |v| v.to_string());
            format!(
                "boot {} load {} +{} %",
                at(boot),
                at(load),
                num((level - 1.0) * 100.0)
            )
        })
        .collect();
    Some(context! {
        steady => steady,
        cells => spreads.len(),
        pct => num(steady as f64 * 100.0 / spreads.len() as f64),
        widest => widest,
        slow_loads => slow,
        set_aside => set_aside(loads, main),
    })
}

/// loads.csv, for the headline source: (loads set aside, loads run), and the reference range
/// of the kept ones (ns), when it has any.
fn set_aside(loads: &[LoadRow], main: Option<&Series>) -> Option<Value> {
    let rows: Vec<&LoadRow> = (loads.iter())
        .filter(|r| main.is_some_and(|m| m.source == r.source))
        .collect();
    let kept: Vec<f64> = (rows.iter())
        .filter(|r| r.kept == 1)
        .filter_map(|r| r.reference_ns)
        .collect();
    let (lo, hi) = (
        kept.iter().copied().reduce(f64::min)?,
        kept.iter().copied().reduce(f64::max)?,
    );
    Some(context! {
        aside => rows.len() - kept.len(),
        run => rows.len(),
        lo => num(lo),
        hi => num(hi),
        drift => rows.iter().map(|r| r.max_drift_pct.as_str()).find(|d| !d.is_empty()),
    })
}

/// Loads that read slow for most cells alike: a load's level is the median, over the cells it
/// ran, of its median against the cell's median over loads; listed when 5 % or more above.
/// What slows a whole load (the host, for a second or so) spreads every cell it ran, while
/// the paired ratios, taken within the load, cancel it.
pub fn slow_loads<'a>(cells: impl Iterator<Item = &'a Summary>) -> Vec<(LoadId, f64)> {
    let mut levels: BTreeMap<LoadId, Vec<f64>> = BTreeMap::new();
    for c in cells {
        for (load, m) in &c.per_load {
            levels.entry(*load).or_default().push(m / c.median);
        }
    }
    let mut slow: Vec<(LoadId, f64)> = (levels.into_iter())
        .filter_map(|(load, v)| Some((load, median_of(v)?)))
        .filter(|(_, level)| *level >= 1.05)
        .collect();
    slow.sort_by(|a, b| b.1.total_cmp(&a.1));
    slow
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tidy::DataRow;

    /// Three strategies' lookups, one load per boot, six boots; boot 4 reads `slow` times the
    /// others for every strategy.
    fn rows(slow: f64) -> Vec<DataRow> {
        let mut out = Vec::new();
        for boot in 1..=6 {
            for (st, ns) in [("mutex", 100.0), ("spinlock", 60.0), ("rcu", 20.0)] {
                let mut r = DataRow::basic("guest-uml", st, "lookup", 1, 64);
                r.flavour = "lockdep".into();
                (r.boot, r.load, r.run) = (Some(boot), Some(1), Some(1));
                r.ns_per_op = ns
                    * if boot == 4 {
                        slow
                    } else {
                        1.0 + boot as f64 * 0.001
                    };
                out.push(r);
            }
        }
        out
    }

    #[test]
    fn a_load_slow_for_every_cell_is_named() {
        let ds = Dataset::new(&rows(1.08));
        let slow = slow_loads(ds.cells.values());
        assert_eq!(slow.len(), 1, "{slow:?}");
        assert_eq!(slow[0].0, (Some(4), Some(1)));
        assert!((slow[0].1 - 1.08 / 1.003).abs() < 0.01, "{slow:?}");
    }

    #[test]
    fn loads_set_aside_are_counted_for_the_headline_source_only() {
        let ds = Dataset::new(&rows(1.0));
        let main = ds.series.keys().next().cloned();
        let load = |source: &str, reference: f64, kept: u8| LoadRow {
            source: source.into(),
            reference_ns: Some(reference),
            max_drift_pct: "3".into(),
            kept,
            ..LoadRow::default()
        };
        let loads = [
            load("guest-uml", 54.0, 1),
            load("guest-uml", 50.0, 0),
            load("guest-uml", 55.0, 1),
            load("guest-icount", 600.0, 0),
        ];
        let v = set_aside(&loads, main.as_ref()).expect("kept loads");
        assert_eq!(v.get_attr("aside").unwrap().as_usize(), Some(1));
        assert_eq!(v.get_attr("run").unwrap().as_usize(), Some(3));
        assert_eq!(v.get_attr("lo").unwrap().to_string(), "54.0");
        assert_eq!(v.get_attr("drift").unwrap().to_string(), "3");
        assert!(set_aside(&loads[1..2], main.as_ref()).is_none());
    }

    #[test]
    fn no_load_named_when_none_is_slow() {
        let ds = Dataset::new(&rows(1.02));
        assert!(slow_loads(ds.cells.values()).is_empty());
    }
}
