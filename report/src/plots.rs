//! Figures: built as plain data from the dataset first (so what is drawn is easy to check),
//! then drawn by one routine into SVG and, when a font is loaded, PNG.

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::aggregate::{strategy_rank, Dataset, Series, Summary};
use crate::report::guest_host_point;
use crate::svgtext::SvgAnyFont;

/// Default TTF for PNG text; Debian's fonts-dejavu-core (installed by scripts/setup.sh).
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// Registers the TTF at `path` as plotters' sans-serif font (ab_glyph needs `'static` bytes,
/// hence the leak: once per process, a few hundred KiB).
pub fn load_font(path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
        .map_err(|_| anyhow!("{} is not a usable TrueType font", path.display()))
}

#[derive(Clone, Debug)]
pub struct Pt {
    pub x: f64,
    pub med: f64,
    pub lo: f64,
    pub hi: f64,
}

#[derive(Clone, Debug)]
pub struct Line {
    pub name: String,
    pub color: usize,
    pub pts: Vec<Pt>,
}

#[derive(Clone, Debug)]
pub struct Panel {
    pub title: String,
    pub x_desc: String,
    pub lines: Vec<Line>,
    /// Names for x = 0, 1, ... when the x axis is categorical (strategies).
    pub categories: Option<Vec<String>>,
    /// Join points with lines (scaling plots) or not (per-strategy plots).
    pub join: bool,
    /// Whether a log x axis is allowed (sites), used only if the range spans a decade.
    pub log_x: bool,
}

#[derive(Clone, Debug)]
pub struct Figure {
    pub stem: String,
    pub title: String,
    pub panels: Vec<Panel>,
    pub grid: (usize, usize),
    pub size: (u32, u32),
}

const PALETTE: [RGBColor; 11] = [
    RGBColor(0xd6, 0x27, 0x28), // mutex
    RGBColor(0x1f, 0x77, 0xb4), // spinlock
    RGBColor(0x2c, 0xa0, 0x2c), // rcu
    RGBColor(0x94, 0x67, 0xbd), // location
    RGBColor(0x8c, 0x56, 0x4b), // macro
    RGBColor(0xe3, 0x77, 0xc2), // dynamic
    RGBColor(0xff, 0x7f, 0x0e), // cached
    RGBColor(0x7f, 0x7f, 0x7f), // noop
    RGBColor(0xbc, 0xbd, 0x22), // siphash
    RGBColor(0x17, 0xbe, 0xcf), // fxhash
    RGBColor(0x39, 0x3b, 0x79), // addr
];

fn pt(x: f64, s: &Summary) -> Pt {
    let (lo, hi) = s.whiskers();
    Pt {
        x,
        med: s.median,
        lo: lo.min(s.median),
        hi: hi.max(s.median),
    }
}

fn strategy_color(s: &str) -> usize {
    strategy_rank(s).0
}

fn threads_word(t: u32) -> &'static str {
    if t == 1 {
        "thread"
    } else {
        "threads"
    }
}

/// The point a per-strategy panel shows for a mode: fewest threads, then most sites.
fn mode_point(ds: &Dataset, s: &Series, mode: &str) -> Option<(u32, u64)> {
    let t = ds.cells_of(s, mode).map(|(k, _)| k.threads).min()?;
    let n = ds
        .cells_of(s, mode)
        .filter(|(k, _)| k.threads == t)
        .map(|(k, _)| k.sites)
        .max()?;
    Some((t, n))
}

/// All figures the data supports, in a stable order.
pub fn figures(ds: &Dataset) -> Vec<Figure> {
    let mut out = Vec::new();
    for s in ds.series.keys() {
        out.push(strategies_figure(ds, s));
    }
    for s in ds.series.keys() {
        out.extend(threads_figure(ds, s));
    }
    for s in ds.series.keys() {
        out.extend(sites_figure(ds, s));
    }
    let hosts: Vec<&Series> = ds.host_series().collect();
    for g in ds.guest_series() {
        for h in &hosts {
            out.extend(guest_host_figure(ds, g, h));
        }
    }
    out
}

fn strategies_figure(ds: &Dataset, s: &Series) -> Figure {
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

fn threads_figure(ds: &Dataset, s: &Series) -> Option<Figure> {
    let n = ds.cells_of(s, "concurrent").map(|(k, _)| k.sites).max()?;
    let lines: Vec<Line> = ["mutex", "spinlock", "rcu", "cached"]
        .iter()
        .filter_map(|st| {
            let pts: Vec<Pt> = ds
                .cells_of(s, "concurrent")
                .filter(|(k, _)| k.strategy.1 == *st && k.sites == n)
                .map(|(k, v)| pt(f64::from(k.threads), v))
                .collect();
            (!pts.is_empty()).then(|| Line {
                name: st.to_string(),
                color: strategy_color(st),
                pts,
            })
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some(Figure {
        stem: format!("threads-{}", s.id()),
        title: format!("Concurrent creators: {}", s.label()),
        panels: vec![Panel {
            title: format!("concurrent mode, {n} sites, ns/op per thread"),
            x_desc: "threads".into(),
            lines,
            categories: None,
            join: true,
            log_x: false,
        }],
        grid: (1, 1),
        size: (1000, 700),
    })
}

fn sites_figure(ds: &Dataset, s: &Series) -> Option<Figure> {
    let t = ds.cells_of(s, "lookup").map(|(k, _)| k.threads).min()?;
    let lines: Vec<Line> = ds
        .strategies(s, "lookup")
        .into_iter()
        .map(|st| Line {
            pts: ds
                .cells_of(s, "lookup")
                .filter(|(k, _)| k.strategy.1 == st && k.threads == t)
                .map(|(k, v)| pt(k.sites as f64, v))
                .collect(),
            color: strategy_color(&st),
            name: st,
        })
        .filter(|l| !l.pts.is_empty())
        .collect();
    let distinct_sites: std::collections::BTreeSet<u64> = ds
        .cells_of(s, "lookup")
        .filter(|(k, _)| k.threads == t)
        .map(|(k, _)| k.sites)
        .collect();
    if distinct_sites.len() < 2 {
        return None;
    }
    Some(Figure {
        stem: format!("sites-{}", s.id()),
        title: format!("Lookup cost against distinct sites: {}", s.label()),
        panels: vec![Panel {
            title: format!("lookup mode, {t} {}", threads_word(t)),
            x_desc: "distinct sites".into(),
            lines,
            categories: None,
            join: true,
            log_x: true,
        }],
        grid: (1, 1),
        size: (1000, 700),
    })
}

fn guest_host_figure(ds: &Dataset, g: &Series, h: &Series) -> Option<Figure> {
    let (gt, ht, n, names) = guest_host_point(ds, g, h)?;
    // Two points per strategy, nudged apart so the whiskers do not overlap.
    let line = |s: &Series, t: u32, dx: f64, color: usize| Line {
        name: s.label(),
        color,
        pts: names
            .iter()
            .enumerate()
            .map(|(i, st)| {
                pt(
                    i as f64 + dx,
                    ds.get(s, st, "lookup", t, n).expect("common"),
                )
            })
            .collect(),
    };
    Some(Figure {
        stem: format!("{}-vs-{}", g.id(), h.id()),
        title: format!("Guest against host, lookup at {n} sites"),
        panels: vec![Panel {
            title: format!(
                "{} at {gt} {} against {} at {ht} {}",
                g.id(),
                threads_word(gt),
                h.id(),
                threads_word(ht)
            ),
            x_desc: "strategy".into(),
            lines: vec![line(g, gt, -0.12, 0), line(h, ht, 0.12, 1)],
            categories: Some(names),
            join: false,
            log_x: false,
        }],
        grid: (1, 1),
        size: (1000, 700),
    })
}

/// Axis numbers: integers without decimals, small values with as many as they need.
fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 || (v.fract() == 0.0 && a >= 1.0) {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else if a == 0.0 {
        "0".into()
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw_figure<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, fig: &Figure) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let body = root.titled(&fig.title, ("sans-serif", 22))?;
    let areas = body.split_evenly(fig.grid);
    for (area, panel) in areas.iter().zip(&fig.panels) {
        draw_panel(area, panel)?;
    }
    root.present()
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel) -> DrawResult<DB> {
    let pts: Vec<&Pt> = p.lines.iter().flat_map(|l| &l.pts).collect();
    if pts.is_empty() {
        let style = ("sans-serif", 18).into_font().color(&BLACK);
        return area.draw(&Text::new(p.title.clone(), (20, 30), style));
    }
    let ylo = pts.iter().map(|q| q.lo).fold(f64::INFINITY, f64::min);
    let yhi = pts.iter().map(|q| q.hi).fold(0.0, f64::max);
    // Log scale only where the values span at least a decade; otherwise linear from zero.
    let log_y = ylo > 0.0 && yhi / ylo >= 10.0;
    let (xlo, xhi) = match &p.categories {
        Some(c) => (-0.5, c.len() as f64 - 0.5),
        None => (
            pts.iter().map(|q| q.x).fold(f64::INFINITY, f64::min),
            pts.iter().map(|q| q.x).fold(f64::NEG_INFINITY, f64::max),
        ),
    };
    let log_x = p.log_x && xlo > 0.0 && xhi / xlo >= 10.0;
    // Ticks are chosen here rather than by plotters: categories and measured x values get
    // exactly their own ticks, log axes get 1-2-5 steps (plotters' defaults crowd them).
    let xk: Vec<f64> = match &p.categories {
        Some(c) => (0..c.len()).map(|i| i as f64).collect(),
        None => thin(distinct(pts.iter().map(|q| q.x))),
    };
    let lin_x = || {
        if p.categories.is_some() {
            RangedCoordf64::from(xlo..xhi)
        } else {
            let pad = (xhi - xlo).max(1.0) * 0.05;
            RangedCoordf64::from((xlo - pad)..(xhi + pad))
        }
    };
    let log_xr = || LogCoord::from((xlo / 1.3..xhi * 1.3).log_scale());
    let ytop = if yhi > 0.0 { yhi * 1.12 } else { 1.0 };
    let lin_y = || RangedCoordf64::from(0.0..ytop);
    let (ylo_log, yhi_log) = (ylo / 1.6, yhi * 1.6);
    let log_yr = || LogCoord::from((ylo_log..yhi_log).log_scale());
    let yk = if log_y {
        log_ticks(ylo_log, yhi_log)
    } else {
        linear_ticks(ytop)
    };
    match (log_x, log_y) {
        (false, false) => draw_chart(area, p, lin_x(), lin_y(), xk, yk),
        (false, true) => draw_chart(area, p, lin_x(), log_yr(), xk, yk),
        (true, false) => draw_chart(area, p, log_xr(), lin_y(), xk, yk),
        (true, true) => draw_chart(area, p, log_xr(), log_yr(), xk, yk),
    }
}

fn distinct(v: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = v.collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// Keeps at most a dozen ticks, always including the first and the last.
fn thin(v: Vec<f64>) -> Vec<f64> {
    const MAX: usize = 12;
    if v.len() <= MAX {
        return v;
    }
    let step = v.len().div_ceil(MAX);
    let last = v[v.len() - 1];
    let mut out: Vec<f64> = v.into_iter().step_by(step).collect();
    if out.last() != Some(&last) {
        out.push(last);
    }
    out
}

/// 1-2-5 ticks per decade within [lo, hi]; every integer mantissa if that gives too few.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let ticks = |mantissas: &[f64]| -> Vec<f64> {
        let mut out = Vec::new();
        let mut decade = 10f64.powf(lo.log10().floor());
        while decade <= hi {
            for m in mantissas {
                let v = m * decade;
                if v >= lo && v <= hi {
                    out.push(v);
                }
            }
            decade *= 10.0;
        }
        out
    };
    let coarse = ticks(&[1.0, 2.0, 5.0]);
    if coarse.len() >= 3 {
        coarse
    } else {
        ticks(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    }
}

/// About six round steps (1, 2 or 5 times a power of ten) from zero up to `top`.
fn linear_ticks(top: f64) -> Vec<f64> {
    let raw = top / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|v| *v <= top)
        .collect()
}

/// An axis with exactly the given ticks and no minor grid. (plotters' own `WithKeyPoints`
/// cannot wrap `RangedCoordf64`: its label formatting would be unavailable.)
struct Ticked<R> {
    inner: R,
    ticks: Vec<f64>,
}

impl<R: Ranged<ValueType = f64>> Ticked<R> {
    fn new(inner: R, ticks: Vec<f64>) -> Self {
        Ticked { inner, ticks }
    }
}

impl<R: Ranged<ValueType = f64>> Ranged for Ticked<R> {
    type ValueType = f64;
    // Labels always come from the formatters set on the mesh, never from this default.
    type FormatOption = DefaultFormatting;

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> std::ops::Range<i32> {
        self.inner.axis_pixel_range(limit)
    }
}

fn draw_chart<DB, X, Y>(
    area: &DrawingArea<DB, Shift>,
    p: &Panel,
    x: X,
    y: Y,
    xk: Vec<f64>,
    yk: Vec<f64>,
) -> DrawResult<DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    // Title, then a legend strip, then the chart: a legend inside the plot hides points.
    let titled = area.titled(&p.title, ("sans-serif", 18))?;
    let legend = p.join || (p.lines.len() > 1 && !same_category_per_line(p));
    let body = if legend {
        let (w, _) = titled.dim_in_pixel();
        let rows = legend_rows(p, i32::try_from(w).unwrap_or(i32::MAX) - 2 * LEGEND_X);
        let (strip, body) =
            titled.split_vertically(LEGEND_ROW * i32::try_from(rows.len()).unwrap_or(1) + 6);
        draw_legend(&strip, p, &rows)?;
        body
    } else {
        titled
    };
    let mut chart = ChartBuilder::on(&body)
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(Ticked::new(x, xk), Ticked::new(y, yk))?;
    let cats = p.categories.clone();
    let x_fmt = move |v: &f64| match &cats {
        Some(c) => {
            let i = v.round();
            let idx = i as usize;
            if (v - i).abs() < 1e-6 && i >= 0.0 && idx < c.len() {
                c[idx].clone()
            } else {
                String::new()
            }
        }
        None => fmt_num(*v),
    };
    let y_fmt = |v: &f64| fmt_num(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(p.x_desc.as_str())
        .y_desc("ns/op")
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(("sans-serif", 14));
    if p.categories.is_some() {
        mesh.disable_x_mesh();
    }
    mesh.draw()?;

    // A legend only where colours tell lines apart; single-point categories are labelled on x.
    for line in &p.lines {
        let color = PALETTE[line.color % PALETTE.len()];
        if p.join {
            chart.draw_series(LineSeries::new(
                line.pts.iter().map(|q| (q.x, q.med)),
                color.stroke_width(2),
            ))?;
        }
        chart.draw_series(
            line.pts
                .iter()
                .map(|q| ErrorBar::new_vertical(q.x, q.lo, q.med, q.hi, color.stroke_width(1), 10)),
        )?;
        chart.draw_series(
            line.pts
                .iter()
                .map(|q| Circle::new((q.x, q.med), 4, color.filled())),
        )?;
    }
    Ok(())
}

const LEGEND_FONT: i32 = 14;
const LEGEND_ROW: i32 = 20;
/// Left edge of the legend: in line with the plot, past the y labels (margin + label area).
const LEGEND_X: i32 = 92;

/// Estimated width of a legend entry: marker, gap, text at about 0.6 em per character.
fn legend_entry_width(name: &str) -> i32 {
    let chars = i32::try_from(name.chars().count()).unwrap_or(i32::MAX / 16);
    36 + chars * LEGEND_FONT * 6 / 10 + 18
}

/// Flows the entries into rows no wider than `width`; each entry is (line index, x offset).
fn legend_rows(p: &Panel, width: i32) -> Vec<Vec<(usize, i32)>> {
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut x = 0;
    for (i, line) in p.lines.iter().enumerate() {
        let w = legend_entry_width(&line.name);
        if x > 0 && x + w > width {
            rows.push(Vec::new());
            x = 0;
        }
        rows.last_mut().expect("never empty").push((i, x));
        x += w;
    }
    rows
}

/// A legend drawn by hand: plotters' own measures its text with the font, which fails when no
/// font is loaded, and the SVG must still be drawn then.
fn draw_legend<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    p: &Panel,
    rows: &[Vec<(usize, i32)>],
) -> DrawResult<DB> {
    let style = ("sans-serif", LEGEND_FONT)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (r, row) in rows.iter().enumerate() {
        let cy = LEGEND_ROW * i32::try_from(r).unwrap_or(0) + LEGEND_ROW / 2 + 3;
        for &(i, dx) in row {
            let line = &p.lines[i];
            let x = LEGEND_X + dx;
            let color = PALETTE[line.color % PALETTE.len()];
            if p.join {
                strip.draw(&PathElement::new(
                    vec![(x + 4, cy), (x + 26, cy)],
                    color.stroke_width(2),
                ))?;
            }
            strip.draw(&Circle::new((x + 15, cy), 4, color.filled()))?;
            strip.draw(&Text::new(line.name.clone(), (x + 34, cy), style.clone()))?;
        }
    }
    Ok(())
}

/// True for per-strategy panels, where each line is one category already named on the x axis.
fn same_category_per_line(p: &Panel) -> bool {
    p.categories.is_some() && p.lines.iter().all(|l| l.pts.len() <= 1)
}

pub fn write_svg(fig: &Figure, path: &Path) -> Result<()> {
    let mut buf = String::new();
    {
        let root = SvgAnyFont(SVGBackend::with_string(&mut buf, fig.size)).into_drawing_area();
        draw_figure(root, fig).map_err(|e| anyhow!("drawing {}: {e}", fig.stem))?;
    }
    std::fs::write(path, buf).with_context(|| format!("cannot write {}", path.display()))
}

pub fn write_png(fig: &Figure, path: &Path) -> Result<()> {
    let root = BitMapBackend::new(path, fig.size).into_drawing_area();
    draw_figure(root, fig).map_err(|e| anyhow!("drawing {}: {e}", path.display()))
}
