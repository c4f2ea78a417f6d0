//! The list of every figure the data supports, one family per file: strategies side by side
//! (`strategies`), scaling with threads and sites (`scaling`), guest against host (`versus`).

use super::model::Figure;
use super::{scaling, strategies, versus};
use crate::aggregate::{Dataset, Series};

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
    let hosts: Vec<&Series> = ds.host_series().collect();
    for g in ds.guest_series() {
        for h in &hosts {
            out.extend(versus::figure(ds, g, h));
        }
    }
    out
}
