//! The headline source's noise: per configuration, each boot's figure beside the one the
//! report quotes and the spread across loads, so boots can be compared with the stated spread.

use std::collections::BTreeSet;

use crate::aggregate::SPREAD_LIMIT;
use crate::report::basis::Basis;
use crate::report::md::{heads, ns3, pct, Md};

pub fn file(md: &mut Md, b: Option<&Basis>) {
    md.para("# Noise across loads and boots");
    let Some(b) = b else {
        md.para("No kernel source with lockdep in this data.");
        return;
    };
    let cells: Vec<_> =
        b.ds.cells
            .iter()
            .filter(|(k, _)| k.series == *b.series)
            .collect();
    let boots: BTreeSet<Option<u32>> = cells
        .iter()
        .flat_map(|(_, v)| v.boot_medians.iter().map(|(boot, _)| *boot))
        .collect();
    md.para(format!(
        "`{}` ({}): per configuration, the median of each boot's load medians, the figure the report quotes (the median of all load medians) and the spread (range of the load medians over that figure); `noisy` marks a spread over {}.",
        b.series.id(),
        b.series.kind(),
        pct(SPREAD_LIMIT)
    ));
    let mut header = heads(&["strategy", "mode", "threads", "sites", "fail_alloc_every"]);
    header.extend(boots.iter().map(|bt| match bt {
        Some(n) => format!("boot {n}"),
        None => "boot -".into(),
    }));
    header.extend(heads(&["figure", "loads", "spread"]));
    let rows: Vec<Vec<String>> = cells
        .iter()
        .map(|(k, v)| {
            let mut row = vec![
                k.strategy.1.clone(),
                k.mode.1.clone(),
                k.threads.to_string(),
                k.sites.to_string(),
                k.fail_alloc_every.to_string(),
            ];
            row.extend(boots.iter().map(|bt| {
                v.boot_medians
                    .iter()
                    .find(|(x, _)| x == bt)
                    .map_or("-".into(), |(_, m)| ns3(*m))
            }));
            row.push(ns3(v.median));
            row.push(v.loads.to_string());
            row.push(match v.spread() {
                None => "one load".into(),
                Some(s) if v.noisy() => format!("{} noisy", pct(s)),
                Some(s) => pct(s),
            });
            row
        })
        .collect();
    md.table(&header, &rows);
}
