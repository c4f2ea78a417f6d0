//! Axis ticks and labels chosen here rather than by plotters: categories and measured x
//! values get exactly their own ticks, log axes get 1-2-5 steps.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

/// Axis numbers: integers without decimals, small values with as many as they need.
pub(super) fn fmt_num(v: f64) -> String {
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

pub(super) fn distinct(v: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = v.collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// Keeps at most a dozen ticks, always including the first and the last.
pub(super) fn thin(v: Vec<f64>) -> Vec<f64> {
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
pub(super) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
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
pub(super) fn linear_ticks(top: f64) -> Vec<f64> {
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
pub(super) struct Ticked<R> {
    inner: R,
    ticks: Vec<f64>,
}

impl<R: Ranged<ValueType = f64>> Ticked<R> {
    pub(super) fn new(inner: R, ticks: Vec<f64>) -> Self {
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
