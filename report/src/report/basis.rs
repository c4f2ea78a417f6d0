//! Which series and which configuration the answers and the summary stand on.

use crate::aggregate::{Dataset, Series, Summary};
use crate::source::{EXACT_SOURCE, HEADLINE_SOURCE, MULTI_CPU_SOURCE};

/// Sites of the module's default plan: the point every strategy x mode is measured at, so
/// the summary compares all strategies there when it can.
pub const PLAN_SITES: u64 = 64;

/// The series the answers quote, and whether it is the real-CPU kernel source.
pub struct Basis<'a> {
    pub ds: &'a Dataset,
    pub series: &'a Series,
    pub real: bool,
}

impl<'a> Basis<'a> {
    /// The real-CPU kernel source with lockdep; without it, the instruction-exact emulated
    /// one, then any guest with lockdep. `None` when no kernel ran with lockdep at all.
    pub fn choose(ds: &'a Dataset) -> Option<Basis<'a>> {
        if let Some(s) = ds
            .find(HEADLINE_SOURCE, "lockdep")
            .or_else(|| ds.find(HEADLINE_SOURCE, "uml"))
        {
            return Some(Basis {
                ds,
                series: s,
                real: true,
            });
        }
        ds.find(EXACT_SOURCE, "lockdep")
            .or_else(|| ds.guest_series().find(|s| s.flavour == "lockdep"))
            .map(|s| Basis {
                ds,
                series: s,
                real: false,
            })
    }

    /// The sentence that opens an answer resting on an emulated source.
    pub fn caveat(&self) -> Option<String> {
        (!self.real).then(|| {
            format!(
                "(No real-CPU source `{HEADLINE_SOURCE}` in this data: figures from `{}`, emulated, which rank strategies but do not time hardware.)",
                self.series.id()
            )
        })
    }

    /// The (threads, sites) point a mode is compared at: one thread, the plan's sites if
    /// every strategy has them, else the most sites they share.
    pub fn point(&self, mode: &str, strategies: &[&str]) -> Option<(u32, u64)> {
        let pts = self.ds.common_points(self.series, mode, strategies);
        let t = pts.iter().map(|p| p.0).min()?;
        if pts.contains(&(t, PLAN_SITES)) {
            return Some((t, PLAN_SITES));
        }
        pts.into_iter().filter(|p| p.0 == t).max_by_key(|p| p.1)
    }

    /// The cells of two strategies at their common point in a mode.
    pub fn pair(&self, mode: &str, a: &str, b: &str) -> Option<(&'a Summary, &'a Summary, u64)> {
        let (t, n) = self.point(mode, &[a, b])?;
        Some((
            self.ds.get(self.series, a, mode, t, n)?,
            self.ds.get(self.series, b, mode, t, n)?,
            n,
        ))
    }

    /// One strategy's cell in a mode at the point all `with` strategies share.
    pub fn at(&self, mode: &str, strategy: &str, with: &[&str]) -> Option<&'a Summary> {
        let mut all = with.to_vec();
        all.push(strategy);
        let (t, n) = self.point(mode, &all)?;
        self.ds.get(self.series, strategy, mode, t, n)
    }
}

/// The multi-CPU emulated series for concurrent figures (lockdep kernel), if present.
pub fn multi_cpu(ds: &Dataset) -> Option<&Series> {
    ds.find(MULTI_CPU_SOURCE, "lockdep")
}
