//! A figure as plain data: panels of lines of points, built by the families and drawn by
//! `draw`, so what is drawn can be checked without drawing it.

/// One point: median with its whisker ends.
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
