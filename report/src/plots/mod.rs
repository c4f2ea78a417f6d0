//! Figures: built as plain data from the dataset first (so what is drawn is easy to check),
//! then drawn by `draw` into SVG and PNG. Every x axis is categorical (strategies, thread
//! counts, site counts: each measured value its own tick); every y axis is ns/op on a log
//! scale, so that a 1 ns and a 5 us strategy share a panel.

mod draw;

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{anyhow, Context, Result};
use plotters::prelude::*;

use crate::aggregate::{CellKey, Dataset, Series};

/// Default TTF for plot text; Debian's fonts-dejavu-core (installed by scripts/setup.sh).
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// The plan's site count: the summary table's point.
const PLAN_SITES: u64 = 64;

/// One point: x is the index of its category; median with its whisker ends.
#[derive(Clone, Debug)]
pub struct Pt {
    pub x: usize,
    pub med: f64,
    pub lo: f64,
    pub hi: f64,
}

#[derive(Clone, Debug)]
pub struct Line {
    pub name: String,
    /// The strategy's rank: each strategy keeps its colour in every figure.
    pub color: usize,
    pub pts: Vec<Pt>,
}

#[derive(Clone, Debug)]
pub struct Panel {
    pub title: String,
    pub x_desc: String,
    pub categories: Vec<String>,
    pub lines: Vec<Line>,
    /// Joined lines with a legend (scaling), or one point per strategy named on the x axis.
    pub join: bool,
}

#[derive(Clone, Debug)]
pub struct Figure {
    pub stem: String,
    pub title: String,
    pub panels: Vec<Panel>,
}

/// What a panel's x axis shows.
#[derive(Clone, Copy, PartialEq)]
enum X {
    Strategy,
    Threads,
    Sites,
}

impl X {
    /// A cell's category: its order and its name.
    fn of(self, k: &CellKey) -> (u64, String) {
        match self {
            X::Strategy => (k.strategy.0 as u64, k.strategy.1.clone()),
            X::Threads => (k.threads.into(), k.threads.to_string()),
            X::Sites => (k.sites, k.sites.to_string()),
        }
    }
}

/// The cells of one series and mode that `keep` accepts, one line per strategy.
fn panel(ds: &Dataset, s: &Series, mode: &str, x: X, keep: impl Fn(&CellKey) -> bool) -> Panel {
    let cells: Vec<_> = ds.cells_of(s, mode).filter(|(k, _)| keep(k)).collect();
    let cats: BTreeSet<(u64, String)> = cells.iter().map(|(k, _)| x.of(k)).collect();
    let cats: Vec<(u64, String)> = cats.into_iter().collect();
    let mut lines: Vec<Line> = Vec::new();
    for (k, v) in cells {
        let (lo, hi) = v.ci.unwrap_or((v.min, v.max));
        let pt = Pt {
            x: cats.iter().position(|c| *c == x.of(k)).unwrap_or(0),
            med: v.median,
            // A log axis cannot show zero: a whisker stops at a tenth of its median.
            lo: lo.min(v.median).max(v.median / 10.0),
            hi: hi.max(v.median),
        };
        match lines.iter_mut().find(|l| l.name == k.strategy.1) {
            Some(l) => l.pts.push(pt),
            None => lines.push(Line {
                name: k.strategy.1.clone(),
                color: k.strategy.0,
                pts: vec![pt],
            }),
        }
    }
    Panel {
        title: String::new(),
        x_desc: ["strategy", "threads", "distinct sites"][x as usize].into(),
        categories: cats.into_iter().map(|c| c.1).collect(),
        lines,
        join: x != X::Strategy,
    }
}

/// Every figure the data supports: per series, its strategies side by side (one panel per
/// headline mode), concurrent threads, and distinct sites.
pub fn figures(ds: &Dataset) -> Vec<Figure> {
    let mut out = Vec::new();
    let fig = |stem: &str, s: &Series, panels| {
        let title = match stem {
            "strategies" => "ns/op per strategy, median and range",
            "threads" => "Concurrent creators",
            _ => "Lookup against distinct sites",
        };
        let (stem, title) = (
            format!("{stem}-{}", s.id()),
            format!("{title}: {}", s.label()),
        );
        Figure {
            stem,
            title,
            panels,
        }
    };
    for s in ds.series.keys() {
        let panels: Vec<Panel> = (["lookup", "create", "init", "acquire"].iter())
            .filter_map(|m| {
                // Fewest threads, then the plan's sites if measured there, else the most.
                let t = ds.cells_of(s, m).map(|(k, _)| k.threads).min()?;
                let sites = ds.cells_of(s, m).filter(|(k, _)| k.threads == t);
                let n = match sites.map(|(k, _)| k.sites).collect::<BTreeSet<_>>() {
                    n if n.contains(&PLAN_SITES) => PLAN_SITES,
                    n => *n.last()?,
                };
                let title = format!("{m}, {t} thread(s), {n} sites");
                let p = panel(ds, s, m, X::Strategy, |k| k.threads == t && k.sites == n);
                Some(Panel { title, ..p })
            })
            .collect();
        out.push(fig("strategies", s, panels));
    }
    for s in ds.series.keys() {
        let Some(n) = ds.cells_of(s, "concurrent").map(|(k, _)| k.sites).max() else {
            continue;
        };
        let cores: Vec<String> = ds.series[s].cores.iter().map(u32::to_string).collect();
        let title = format!("{n} sites, ns/op per thread, {} CPUs", cores.join("/"));
        let four = ["mutex", "spinlock", "rcu", "cached"];
        let p = panel(ds, s, "concurrent", X::Threads, |k| {
            k.sites == n && four.contains(&&*k.strategy.1)
        });
        out.push(fig("threads", s, vec![Panel { title, ..p }]));
    }
    for s in ds.series.keys() {
        let Some(t) = ds.cells_of(s, "lookup").map(|(k, _)| k.threads).min() else {
            continue;
        };
        let p = panel(ds, s, "lookup", X::Sites, |k| k.threads == t);
        let title = format!("lookup, {t} thread(s)");
        if p.categories.len() >= 2 {
            out.push(fig("sites", s, vec![Panel { title, ..p }]));
        }
    }
    out.retain(|f| !f.panels.is_empty());
    out
}

/// Registers the TTF at `path` as plotters' sans-serif font (ab_glyph needs `'static` bytes,
/// hence the leak: once per process, a few hundred KiB). Without it nothing is drawn: plotters
/// lays text out with the font, SVG included.
pub fn load_font(path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
        .map_err(|_| anyhow!("{} is not a usable TrueType font", path.display()))
}

pub fn write_svg(fig: &Figure, path: &Path) -> Result<()> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, draw::size(fig)).into_drawing_area();
        draw::figure(root, fig).map_err(|e| anyhow!("drawing {}: {e}", fig.stem))?;
    }
    std::fs::write(path, buf).with_context(|| format!("cannot write {}", path.display()))
}

pub fn write_png(fig: &Figure, path: &Path) -> Result<()> {
    let root = BitMapBackend::new(path, draw::size(fig)).into_drawing_area();
    draw::figure(root, fig).map_err(|e| anyhow!("drawing {}: {e}", path.display()))
}
