//! Draws a figure onto a plotters backend: a grid of panels, each a categorical x axis and a
//! log ns/op axis with ticks chosen here (plotters' defaults crowd a log axis).

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Figure, Panel};

/// One colour per strategy, in `aggregate`'s display order.
const PALETTE: [RGBColor; 12] = [
    RGBColor(0xd6, 0x27, 0x28), // mutex
    RGBColor(0x1f, 0x77, 0xb4), // spinlock
    RGBColor(0x2c, 0xa0, 0x2c), // rcu
    RGBColor(0x94, 0x67, 0xbd), // location
    RGBColor(0x8c, 0x56, 0x4b), // macro
    RGBColor(0xe3, 0x77, 0xc2), // dynamic
    RGBColor(0xff, 0x7f, 0x0e), // cached
    RGBColor(0x00, 0x60, 0x50), // pool
    RGBColor(0x7f, 0x7f, 0x7f), // noop
    RGBColor(0xbc, 0xbd, 0x22), // siphash
    RGBColor(0x17, 0xbe, 0xcf), // fxhash
    RGBColor(0x39, 0x3b, 0x79), // addr
];
const LEGEND_FONT: i32 = 14;
const LEGEND_ROW: i32 = 20;
/// Left edge of the legend: in line with the plot, past the y labels.
const LEGEND_X: i32 = 92;

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn grid(fig: &Figure) -> (usize, usize) {
    match fig.panels.len() {
        1 => (1, 1),
        2 => (1, 2),
        _ => (2, 2),
    }
}

pub(super) fn size(fig: &Figure) -> (u32, u32) {
    match grid(fig) {
        (1, 1) => (1000, 700),
        (1, _) => (1200, 520),
        _ => (1200, 900),
    }
}

pub(super) fn figure<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    fig: &Figure,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let body = root.titled(&fig.title, ("sans-serif", 22))?;
    for (area, p) in body.split_evenly(grid(fig)).iter().zip(&fig.panels) {
        panel(area, p)?;
    }
    root.present()
}

/// 1-2-5 ticks per decade within [lo, hi]; every integer mantissa if that gives too few.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let ticks = |mantissas: &[f64]| {
        let first = 10f64.powf(lo.log10().floor());
        let decades =
            std::iter::successors(Some(first), |d| Some(d * 10.0)).take_while(|d| *d <= hi);
        let all = decades.flat_map(|d| mantissas.iter().map(move |m| m * d));
        all.filter(|v| (lo..=hi).contains(v)).collect::<Vec<f64>>()
    };
    let coarse = ticks(&[1.0, 2.0, 5.0]);
    if coarse.len() >= 3 {
        return coarse;
    }
    ticks(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
}

/// Axis numbers: integers without decimals, small values with as many as they need.
fn fmt_num(v: f64) -> String {
    if v >= 100.0 || (v.fract() == 0.0 && v >= 1.0) {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel) -> DrawResult<DB> {
    let area = area.titled(&p.title, ("sans-serif", 18))?;
    let pts = || p.lines.iter().flat_map(|l| &l.pts);
    let lo = pts().map(|q| q.lo).fold(f64::INFINITY, f64::min) / 1.6;
    let hi = pts().map(|q| q.hi).fold(0.0, f64::max) * 1.6;
    if !(lo > 0.0 && hi > lo) {
        return Ok(());
    }
    let body = if p.join {
        let (w, _) = area.dim_in_pixel();
        let rows = legend_rows(p, i32::try_from(w).unwrap_or(i32::MAX) - 2 * LEGEND_X);
        let (strip, body) = area.split_vertically(LEGEND_ROW * rows.len() as i32 + 6);
        legend(&strip, p, &rows)?;
        body
    } else {
        area
    };
    let n = p.categories.len();
    let x = Ticked(
        RangedCoordf64::from(-0.5..n as f64 - 0.5),
        (0..n).map(|i| i as f64).collect(),
    );
    let y = Ticked(LogCoord::from((lo..hi).log_scale()), log_ticks(lo, hi));
    let mut chart = ChartBuilder::on(&body)
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(x, y)?;
    let x_fmt = |v: &f64| {
        p.categories
            .get(v.round() as usize)
            .cloned()
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_desc(p.x_desc.as_str())
        .y_desc("ns/op")
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&|v| fmt_num(*v))
        .label_style(("sans-serif", 14))
        .disable_x_mesh()
        .draw()?;
    for line in &p.lines {
        let color = PALETTE[line.color % PALETTE.len()];
        let at = |q: &super::Pt| (q.x as f64, q.med);
        let dots = line
            .pts
            .iter()
            .map(|q| Circle::new(at(q), 4, color.filled()));
        if p.join {
            let joined = LineSeries::new(line.pts.iter().map(at), color.stroke_width(2));
            chart.draw_series(joined)?;
        }
        chart.draw_series(line.pts.iter().map(|q| {
            ErrorBar::new_vertical(q.x as f64, q.lo, q.med, q.hi, color.stroke_width(1), 10)
        }))?;
        chart.draw_series(dots)?;
    }
    Ok(())
}

/// Flows the legend entries into rows no wider than `width`: (line index, x offset) each,
/// an entry being a marker and its name at about 0.6 em per character.
fn legend_rows(p: &Panel, width: i32) -> Vec<Vec<(usize, i32)>> {
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut x = 0;
    for (i, line) in p.lines.iter().enumerate() {
        let w = 54 + line.name.chars().count() as i32 * LEGEND_FONT * 6 / 10;
        if x > 0 && x + w > width {
            rows.push(Vec::new());
            x = 0;
        }
        rows.last_mut().expect("never empty").push((i, x));
        x += w;
    }
    rows
}

/// The legend above the chart: one inside the plot would hide points.
fn legend<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    p: &Panel,
    rows: &[Vec<(usize, i32)>],
) -> DrawResult<DB> {
    let style = ("sans-serif", LEGEND_FONT)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (r, row) in rows.iter().enumerate() {
        let cy = LEGEND_ROW * r as i32 + LEGEND_ROW / 2 + 3;
        for &(i, dx) in row {
            let (line, x) = (&p.lines[i], LEGEND_X + dx);
            let color = PALETTE[line.color % PALETTE.len()];
            strip.draw(&PathElement::new(
                vec![(x + 4, cy), (x + 26, cy)],
                color.stroke_width(2),
            ))?;
            strip.draw(&Circle::new((x + 15, cy), 4, color.filled()))?;
            strip.draw(&Text::new(line.name.clone(), (x + 34, cy), style.clone()))?;
        }
    }
    Ok(())
}

/// An axis with exactly the given ticks and no minor grid. (plotters' own `WithKeyPoints`
/// cannot wrap `RangedCoordf64`: its label formatting would be unavailable.)
struct Ticked<R>(R, Vec<f64>);

impl<R: Ranged<ValueType = f64>> Ranged for Ticked<R> {
    type ValueType = f64;
    // Labels always come from the formatters set on the mesh, never from this default.
    type FormatOption = DefaultFormatting;

    fn range(&self) -> std::ops::Range<f64> {
        self.0.range()
    }

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.0.map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        match hint.weight().allow_light_points() {
            true => Vec::new(),
            false => self.1.clone(),
        }
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> std::ops::Range<i32> {
        self.0.axis_pixel_range(limit)
    }
}
