//! The list of every figure the data supports, one family per file: strategies side by side
//! (`strategies`), scaling with threads and sites (`scaling`).

use super::model::Figure;
use super::{scaling, strategies};
use crate::aggregate::Dataset;

/// All figures the data supports, in a stable order.
pub fn figures(ds: &Dataset) -> Vec<Figure> {
    let mut out = Vec::new();
    for s in ds.series.keys() {
        out.push(strategies::figure(ds, s));
    }
    for s in ds.series.keys() {
        out.extend(scaling::threads_figure(ds, s));
    }
    for s in ds.series.keys() {
        out.extend(scaling::sites_figure(ds, s));
    }
    out
}
