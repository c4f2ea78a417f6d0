//! Per-strategy panels (lookup, create, init, acquire) of one series: the summary's plot.

use super::model::{Figure, Line, Panel};
use super::style::{mode_point, pt, strategy_color, threads_word};
use crate::aggregate::{Dataset, Series};

pub(super) fn figure(ds: &Dataset, s: &Series) -> Figure {
    let panels: Vec<Panel> = ["lookup", "create", "init", "acquire"]
        .iter()
        .map(|mode| {
            let Some((t, n)) = mode_point(ds, s, mode) else {
                return Panel {
                    title: format!("{mode}: no data"),
                    x_desc: String::new(),
                    lines: Vec::new(),
                    categories: None,
                    join: false,
                    log_x: false,
                };
            };
            let names: Vec<String> = ds
                .strategies(s, mode)
                .into_iter()
                .filter(|st| ds.get(s, st, mode, t, n).is_some())
                .collect();
            let lines = names
                .iter()
                .enumerate()
                .map(|(i, st)| Line {
                    name: st.clone(),
                    color: strategy_color(st),
                    pts: vec![pt(i as f64, ds.get(s, st, mode, t, n).expect("filtered"))],
                })
                .collect();
            Panel {
                title: format!("{mode}, {t} {}, {n} sites", threads_word(t)),
                x_desc: "strategy".into(),
                lines,
                categories: Some(names),
                join: false,
                log_x: false,
            }
        })
        .collect();
    // Host rows have no init/acquire modes: drop empty panels rather than draw blank ones,
    // unless nothing is left (the figure then says "no data" per mode).
    let with_data: Vec<Panel> = panels
        .iter()
        .filter(|p| !p.lines.is_empty())
        .cloned()
        .collect();
    let panels = if with_data.is_empty() {
        panels
    } else {
        with_data
    };
    let (grid, size) = if panels.len() <= 2 {
        ((1, panels.len()), (1200, 520))
    } else {
        ((2, 2), (1200, 900))
    };
    Figure {
        stem: format!("strategies-{}", s.id()),
        title: format!("ns/op per strategy, median and min-max: {}", s.label()),
        panels,
        grid,
        size,
    }
}
