//! The CSV schemas this tool reads and writes, with strict readers: every cell is checked so
//! that a bad file is rejected with its line and column instead of producing a wrong report.
//!
//! Files are read by column name. Each schema has required columns and optional ones (absent
//! means empty), and a reader ignores columns it does not know, so a producer can add a
//! column (the host export's instruction counts, say) without breaking the report.

mod rows;
mod scaling;

use std::fmt::Display;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use anyhow::{bail, Context, Result};

pub use rows::{
    write_calibration, write_data, write_stats, CalibrationRow, DataRow, KeycostRow, MemoryRow,
    PrecisionRow, RunRow, StatsRow,
};
pub use scaling::ScalingRow;

/// Tidy measurement rows, in the order `parse` writes them. The first fifteen are the
/// original schema and required; the rest are optional.
pub const DATA_HEADER: [&str; 23] = [
    "source",
    "kernel",
    "flavour",
    "rustc",
    "cpu",
    "date",
    "strategy",
    "mode",
    "threads",
    "sites",
    "run",
    "ops",
    "ns_per_op",
    "ci_low",
    "ci_high",
    "boot",
    "load",
    "fail_alloc_every",
    "gp_per_op",
    "instructions_per_op",
    "cores",
    "short_batch",
    "gp_ns",
];
const DATA_REQUIRED: usize = 15;

/// Per-strategy table statistics from the module's `stats` lines (`boot`, `load` optional).
pub const STATS_HEADER: [&str; 10] = [
    "source",
    "flavour",
    "strategy",
    "table_bytes",
    "buckets",
    "classes",
    "lost_races",
    "fallbacks",
    "boot",
    "load",
];
const STATS_REQUIRED: usize = 8;

/// Host-side memory accounting written by host-bench.
pub const MEMORY_HEADER: [&str; 4] = ["strategy", "table_bytes", "record_bytes", "classes"];

/// The kernel's refscale run in the same boot as the plan (one row per refscale run).
pub const CALIBRATION_HEADER: [&str; 5] = ["source", "boot", "type", "run", "ns_per_op"];

/// Lockdep precision outcomes (one row per scenario x strategy).
pub const PRECISION_HEADER: [&str; 8] = [
    "scenario",
    "strategy",
    "expected",
    "outcome",
    "names_sites",
    "source",
    "note",
    "count",
];
const PRECISION_REQUIRED: usize = 6;

/// Lock init by key kind (scripts/keycost.sh): `row` is `key` (one `__mutex_init` with a key
/// of kind `name`) or `init` (the median `init` of strategy `name` in that boot).
pub const KEYCOST_HEADER: [&str; 7] = [
    "source",
    "possible_cpus",
    "percpu_modules",
    "boot",
    "row",
    "name",
    "ns_per_op",
];

/// Paired all-core / one-thread ratios from host-bench (`host-bench/src/scaling.rs`).
pub const SCALING_HEADER: [&str; 8] = [
    "strategy",
    "sites",
    "threads",
    "cores",
    "rounds",
    "median_ratio",
    "min_ratio",
    "max_ratio",
];

/// The guest boots (bench.sh's runs.csv); only what the report uses, the rest is ignored.
pub const RUNS_HEADER: [&str; 7] = [
    "source", "preempt", "flavour", "boot", "cpus", "pinned", "guest",
];
const RUNS_REQUIRED: usize = 1;

/// Which schema a header belongs to (merge accepts any one, but not a mix).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    Data,
    Stats,
    Memory,
    Calibration,
    Precision,
    Keycost,
    Scaling,
    Runs,
}

impl Schema {
    /// Runs last: merge lists every schema but it.
    pub const ALL: [Schema; 8] = [
        Schema::Data,
        Schema::Stats,
        Schema::Memory,
        Schema::Calibration,
        Schema::Precision,
        Schema::Keycost,
        Schema::Scaling,
        Schema::Runs,
    ];

    /// Every column the schema knows, in canonical order.
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Schema::Data => &DATA_HEADER,
            Schema::Stats => &STATS_HEADER,
            Schema::Memory => &MEMORY_HEADER,
            Schema::Calibration => &CALIBRATION_HEADER,
            Schema::Precision => &PRECISION_HEADER,
            Schema::Keycost => &KEYCOST_HEADER,
            Schema::Scaling => &SCALING_HEADER,
            Schema::Runs => &RUNS_HEADER,
        }
    }

    pub fn required(self) -> &'static [&'static str] {
        let h = self.header();
        match self {
            Schema::Data => &h[..DATA_REQUIRED],
            Schema::Stats => &h[..STATS_REQUIRED],
            Schema::Precision => &h[..PRECISION_REQUIRED],
            Schema::Runs => &h[..RUNS_REQUIRED],
            Schema::Memory | Schema::Calibration | Schema::Keycost | Schema::Scaling => h,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Schema::Data => "tidy data",
            Schema::Stats => "stats",
            Schema::Memory => "memory",
            Schema::Calibration => "calibration",
            Schema::Precision => "precision",
            Schema::Keycost => "keycost",
            Schema::Scaling => "scaling",
            Schema::Runs => "runs",
        }
    }

    /// The schema whose required columns are all in `header` (the required sets differ).
    /// Runs CSVs need only `source`, which every other header has too: they are read, never
    /// merged, so detection leaves them out.
    pub fn detect(header: &csv::StringRecord) -> Option<Schema> {
        Schema::ALL
            .into_iter()
            .filter(|s| *s != Schema::Runs)
            .find(|s| s.required().iter().all(|c| header.iter().any(|h| h == *c)))
    }

    /// Type-checks one record; used by merge so that it never concatenates garbage.
    pub fn check(self, header: &csv::StringRecord, rec: &csv::StringRecord) -> Result<()> {
        let cells = Cells::new(rec, header);
        match self {
            Schema::Data => rows::data_row(&cells).map(drop),
            Schema::Stats => rows::stats_row(&cells).map(drop),
            Schema::Memory => rows::memory_row(&cells).map(drop),
            Schema::Calibration => rows::calibration_row(&cells).map(drop),
            Schema::Precision => rows::precision_row(&cells).map(drop),
            Schema::Keycost => rows::keycost_row(&cells).map(drop),
            Schema::Scaling => scaling::scaling_row(&cells).map(drop),
            Schema::Runs => rows::run_row(&cells).map(drop),
        }
    }
}

/// Names a record's cells by column so errors can say which one is wrong.
pub(crate) struct Cells<'a> {
    rec: &'a csv::StringRecord,
    header: &'a csv::StringRecord,
}

impl<'a> Cells<'a> {
    fn new(rec: &'a csv::StringRecord, header: &'a csv::StringRecord) -> Self {
        Cells { rec, header }
    }

    /// The cell, or "" for an optional column the file does not have.
    fn raw(&self, col: &str) -> Result<&'a str> {
        match self.header.iter().position(|h| h == col) {
            Some(i) => self
                .rec
                .get(i)
                .with_context(|| format!("missing column `{col}`")),
            None => Ok(""),
        }
    }

    pub(crate) fn text(&self, col: &str) -> Result<String> {
        let v = self.raw(col)?;
        if v.trim().is_empty() {
            bail!("column `{col}` is empty");
        }
        Ok(v.to_string())
    }

    /// Free-form text that may be empty (host rows have no kernel or flavour).
    pub(crate) fn text_or_empty(&self, col: &str) -> Result<String> {
        Ok(self.raw(col)?.to_string())
    }

    pub(crate) fn num<T: FromStr>(&self, col: &str) -> Result<T>
    where
        T::Err: Display,
    {
        let v = self.raw(col)?;
        v.trim()
            .parse::<T>()
            .map_err(|e| anyhow::anyhow!("column `{col}`: `{v}` is not a valid number ({e})"))
    }

    pub(crate) fn float(&self, col: &str) -> Result<f64> {
        let v: f64 = self.num(col)?;
        if !v.is_finite() || v < 0.0 {
            bail!("column `{col}`: `{v}` is not a finite non-negative number");
        }
        Ok(v)
    }

    pub(crate) fn opt_num<T: FromStr>(&self, col: &str) -> Result<Option<T>>
    where
        T::Err: Display,
    {
        if self.raw(col)?.trim().is_empty() {
            Ok(None)
        } else {
            self.num(col).map(Some)
        }
    }

    pub(crate) fn opt_float(&self, col: &str) -> Result<Option<f64>> {
        if self.raw(col)?.trim().is_empty() {
            Ok(None)
        } else {
            self.float(col).map(Some)
        }
    }
}

/// Reads a whole CSV of one schema, failing on the first bad header or cell.
fn read_with<T>(
    path: &Path,
    schema: Schema,
    parse: impl Fn(&Cells) -> Result<T>,
) -> Result<Vec<T>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open {} CSV {}", schema.name(), path.display()))?;
    read_from(file, schema, parse)
        .with_context(|| format!("{} is not a valid {} CSV", path.display(), schema.name()))
}

fn read_from<T>(
    input: impl Read,
    schema: Schema,
    parse: impl Fn(&Cells) -> Result<T>,
) -> Result<Vec<T>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input);
    let header = rdr
        .headers()
        .context("cannot read the header line")?
        .clone();
    let missing: Vec<&str> = schema
        .required()
        .iter()
        .copied()
        .filter(|c| !header.iter().any(|h| h == *c))
        .collect();
    if !missing.is_empty() {
        bail!(
            "header is `{}`, which lacks the column(s) `{}` (required: `{}`)",
            header.iter().collect::<Vec<_>>().join(","),
            missing.join(","),
            schema.required().join(",")
        );
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.context("cannot read a record")?;
        let line = rec.position().map_or(0, |p| p.line());
        out.push(parse(&Cells::new(&rec, &header)).with_context(|| format!("line {line}"))?);
    }
    Ok(out)
}

pub fn read_data(path: &Path) -> Result<Vec<DataRow>> {
    read_with(path, Schema::Data, rows::data_row)
}

pub fn read_stats(path: &Path) -> Result<Vec<StatsRow>> {
    read_with(path, Schema::Stats, rows::stats_row)
}

pub fn read_memory(path: &Path) -> Result<Vec<MemoryRow>> {
    read_with(path, Schema::Memory, rows::memory_row)
}

pub fn read_calibration(path: &Path) -> Result<Vec<CalibrationRow>> {
    read_with(path, Schema::Calibration, rows::calibration_row)
}

pub fn read_precision(path: &Path) -> Result<Vec<PrecisionRow>> {
    read_with(path, Schema::Precision, rows::precision_row)
}

pub fn read_keycost(path: &Path) -> Result<Vec<KeycostRow>> {
    read_with(path, Schema::Keycost, rows::keycost_row)
}

pub fn read_keycost_from(input: impl Read) -> Result<Vec<KeycostRow>> {
    read_from(input, Schema::Keycost, rows::keycost_row)
}

pub fn read_scaling(path: &Path) -> Result<Vec<ScalingRow>> {
    read_with(path, Schema::Scaling, scaling::scaling_row)
}

pub fn read_scaling_from(input: impl Read) -> Result<Vec<ScalingRow>> {
    read_from(input, Schema::Scaling, scaling::scaling_row)
}

pub fn read_runs(path: &Path) -> Result<Vec<RunRow>> {
    read_with(path, Schema::Runs, rows::run_row)
}

pub fn read_data_from(input: impl Read) -> Result<Vec<DataRow>> {
    read_from(input, Schema::Data, rows::data_row)
}
