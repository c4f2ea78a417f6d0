//! What the report reads besides the tidy data, as the parts of the report see it.

use crate::tidy::{
    CalibrationRow, KeycostRow, MemoryRow, PrecisionRow, RunRow, ScalingRow, StatsRow,
};

/// Inputs besides the tidy data, each with its file name; `None` means not given.
pub struct Extras<'a> {
    pub data_name: String,
    pub stats: Option<(String, &'a [StatsRow])>,
    pub memory: Option<(String, &'a [MemoryRow])>,
    pub precision: Option<(String, &'a [PrecisionRow])>,
    pub calibration: Option<(String, &'a [CalibrationRow])>,
    pub runs: Option<(String, &'a [RunRow])>,
    /// Lock init by key kind (scripts/keycost.sh).
    pub keycost: Option<(String, &'a [KeycostRow])>,
    /// Paired all-core / one-thread ratios on the host (host-bench's scaling.csv).
    pub scaling: Option<(String, &'a [ScalingRow])>,
    pub plots: &'a [PlotEntry],
    pub plot_note: Option<String>,
}

impl Extras<'_> {
    /// "`data.csv`, `stats.csv`" for the generated-from line.
    pub fn inputs(&self) -> String {
        let mut v = vec![format!("`{}`", self.data_name)];
        for n in [
            self.stats.as_ref().map(|x| &x.0),
            self.memory.as_ref().map(|x| &x.0),
            self.precision.as_ref().map(|x| &x.0),
            self.calibration.as_ref().map(|x| &x.0),
            self.runs.as_ref().map(|x| &x.0),
            self.keycost.as_ref().map(|x| &x.0),
            self.scaling.as_ref().map(|x| &x.0),
        ]
        .into_iter()
        .flatten()
        {
            v.push(format!("`{n}`"));
        }
        v.join(", ")
    }
}

/// One drawn figure; `files` are paths relative to REPORT.md.
pub struct PlotEntry {
    pub stem: String,
    pub title: String,
    pub files: Vec<String>,
}
