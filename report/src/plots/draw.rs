//! Draws a figure (any family) onto a plotters backend.

use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{distinct, fmt_num, linear_ticks, log_ticks, thin, Ticked};
use super::model::{Figure, Panel, Pt};

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

pub(super) type DrawResult<DB> =
    Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

pub(super) fn draw_figure<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    fig: &Figure,
) -> DrawResult<DB> {
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
