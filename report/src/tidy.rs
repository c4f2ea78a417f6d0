//! The CSV schemas, as serde-derived rows read and written with the `csv` crate.
//!
//! Files are read by column name: a column the row type marks `default` may be missing (it
//! reads as empty), and columns the type does not know are ignored, so a producer can add one
//! (runs.csv's host and quietness columns, say) without breaking the report. After serde, each
//! row's `check` rejects values a type cannot (a zero thread count, a negative time), so a bad
//! file fails with its line instead of giving a wrong page.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{bail, ensure, Context, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What every schema's row does after serde has read it.
pub trait Row: DeserializeOwned + Serialize {
    const SCHEMA: Schema;
    fn check(&self) -> Result<()> {
        Ok(())
    }
}

fn finite(col: &str, v: f64) -> Result<()> {
    ensure!(
        v.is_finite() && v >= 0.0,
        "column `{col}`: `{v}` is not a finite non-negative number"
    );
    Ok(())
}

/// `short_batch` is `1` or empty in the files; a bool in the code.
mod flag {
    use super::*;
    pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if *v { "1" } else { "" })
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        let s = String::deserialize(d)?;
        match s.trim() {
            "" | "0" => Ok(false),
            "1" => Ok(true),
            o => Err(serde::de::Error::custom(format!(
                "`{o}` is not 0, 1 or empty"
            ))),
        }
    }
}

/// One measured run (guest) or one criterion estimate (host).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataRow {
    pub source: String,
    pub kernel: String,
    pub flavour: String,
    pub rustc: String,
    pub cpu: String,
    pub date: String,
    pub strategy: String,
    pub mode: String,
    pub threads: u32,
    pub sites: u64,
    /// Empty in host rows: a criterion estimate is not one run.
    pub run: Option<u64>,
    pub ops: u64,
    pub ns_per_op: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    #[serde(default)]
    pub boot: Option<u32>,
    /// Which module load within that boot's log, from one.
    #[serde(default)]
    pub load: Option<u32>,
    #[serde(default, deserialize_with = "zero_if_empty")]
    pub fail_alloc_every: u64,
    #[serde(default)]
    pub gp_per_op: Option<f64>,
    #[serde(default)]
    pub instructions_per_op: Option<f64>,
    #[serde(default)]
    pub cores: Option<u32>,
    /// The module found the batch too short for its clock: never enters a comparison.
    #[serde(default, with = "flag")]
    pub short_batch: bool,
    #[serde(default)]
    pub gp_ns: Option<u64>,
}

fn zero_if_empty<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(Option::<u64>::deserialize(d)?.unwrap_or(0))
}

impl DataRow {
    /// A row with the optional columns empty; the tests and the parser start from it.
    pub fn basic(source: &str, strategy: &str, mode: &str, threads: u32, sites: u64) -> DataRow {
        DataRow {
            source: source.into(),
            kernel: String::new(),
            flavour: String::new(),
            rustc: String::new(),
            cpu: String::new(),
            date: String::new(),
            strategy: strategy.into(),
            mode: mode.into(),
            threads,
            sites,
            run: None,
            ops: 1,
            ns_per_op: 0.0,
            ci_low: None,
            ci_high: None,
            boot: None,
            load: None,
            fail_alloc_every: 0,
            gp_per_op: None,
            instructions_per_op: None,
            cores: None,
            short_batch: false,
            gp_ns: None,
        }
    }
}

impl Row for DataRow {
    const SCHEMA: Schema = Schema::Data;
    fn check(&self) -> Result<()> {
        ensure!(!self.source.is_empty(), "column `source` is empty");
        ensure!(!self.strategy.is_empty(), "column `strategy` is empty");
        ensure!(!self.mode.is_empty(), "column `mode` is empty");
        ensure!(self.threads > 0, "column `threads` is 0");
        ensure!(self.cores != Some(0), "column `cores` is 0");
        ensure!(
            self.ci_low.is_some() == self.ci_high.is_some(),
            "columns `ci_low` and `ci_high` must both be set or both be empty"
        );
        finite("ns_per_op", self.ns_per_op)?;
        for (c, v) in [("ci_low", self.ci_low), ("ci_high", self.ci_high)] {
            v.map_or(Ok(()), |v| finite(c, v))?;
        }
        Ok(())
    }
}

/// One `stats` line: a strategy's table after its modes ran in one load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsRow {
    pub source: String,
    pub flavour: String,
    pub strategy: String,
    pub table_bytes: u64,
    pub buckets: u64,
    pub classes: u64,
    pub lost_races: u64,
    pub fallbacks: u64,
    #[serde(default)]
    pub boot: Option<u32>,
    #[serde(default)]
    pub load: Option<u32>,
}
impl Row for StatsRow {
    const SCHEMA: Schema = Schema::Stats;
}

/// Host table memory (host-bench export).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryRow {
    pub strategy: String,
    pub table_bytes: u64,
    pub record_bytes: u64,
    pub classes: u64,
}
impl Row for MemoryRow {
    const SCHEMA: Schema = Schema::Memory;
}

/// refscale in the same boot as the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRow {
    pub source: String,
    pub boot: u32,
    /// refscale's `scale_type`: `lock`, `rcu`, `clock`, ...
    #[serde(rename = "type")]
    pub kind: String,
    pub run: u64,
    pub ns_per_op: f64,
}
impl Row for CalibrationRow {
    const SCHEMA: Schema = Schema::Calibration;
    fn check(&self) -> Result<()> {
        finite("ns_per_op", self.ns_per_op)
    }
}

/// Lockdep's outcome for one scenario x strategy (scripts/precision.sh).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrecisionRow {
    pub scenario: String,
    pub strategy: String,
    pub expected: String,
    pub outcome: String,
    pub names_sites: String,
    pub source: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub count: Option<u64>,
}
impl Row for PrecisionRow {
    const SCHEMA: Schema = Schema::Precision;
}

/// A key kind's (`row` = `key`) or a strategy's (`init`) lock init in one boot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeycostRow {
    pub source: String,
    pub possible_cpus: u32,
    /// 1 when a module with per-CPU data was loaded first, else 0.
    pub percpu_modules: u32,
    pub boot: u32,
    pub row: String,
    pub name: String,
    pub ns_per_op: f64,
}
impl Row for KeycostRow {
    const SCHEMA: Schema = Schema::Keycost;
    fn check(&self) -> Result<()> {
        ensure!(self.possible_cpus > 0, "column `possible_cpus` is 0");
        ensure!(
            ["key", "init"].contains(&self.row.as_str()),
            "column `row`: `{}` is neither `key` nor `init`",
            self.row
        );
        finite("ns_per_op", self.ns_per_op)
    }
}

/// host-bench's paired rounds: all-core over one-thread cost of one strategy at one site count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScalingRow {
    pub strategy: String,
    pub sites: u64,
    pub threads: u32,
    pub cores: u32,
    pub rounds: u32,
    pub median_ratio: f64,
    pub min_ratio: f64,
    pub max_ratio: f64,
}
impl Row for ScalingRow {
    const SCHEMA: Schema = Schema::Scaling;
    fn check(&self) -> Result<()> {
        ensure!(self.sites > 0, "column `sites`: must be at least 1");
        ensure!(
            self.threads >= 2,
            "column `threads`: not a multi-thread batch"
        );
        ensure!(
            self.cores > 0 && self.rounds > 0,
            "`cores`, `rounds` must be >= 1"
        );
        ensure!(
            0.0 < self.min_ratio
                && self.min_ratio <= self.median_ratio
                && self.median_ratio <= self.max_ratio,
            "0 < min_ratio <= median_ratio <= max_ratio does not hold"
        );
        Ok(())
    }
}

/// One guest boot from runs.csv. Every column but `source` may be missing: bench.sh adds
/// columns over time (host CPU, quietness), and older files lack them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunRow {
    pub source: String,
    pub flavour: String,
    pub boot: Option<u32>,
    pub preempt: String,
    pub cpus: Option<u32>,
    pub pinned: String,
    pub guest: String,
    pub date: String,
    pub host_cpu: String,
    pub host_family: String,
    pub host_model: String,
    pub host_stepping: String,
    pub host_avx512f: String,
    pub host_amx_tile: String,
    pub host_xsave_bytes: String,
    pub hypervisor: String,
    pub host_kernel: String,
    /// CPU time of other processes during the boot, % of one CPU.
    pub other_cpu_pct: Option<f64>,
    pub steal_pct: Option<f64>,
}
impl Row for RunRow {
    const SCHEMA: Schema = Schema::Runs;
    fn check(&self) -> Result<()> {
        ensure!(!self.source.is_empty(), "column `source` is empty");
        Ok(())
    }
}

/// Which schema a file has (merge accepts any one but runs, and not a mix).
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
    /// Runs last: it needs only `source`, which every header has, so detection skips it.
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

    /// Every column, in canonical order, and how many of the first are required.
    pub fn columns(self) -> (&'static [&'static str], usize) {
        match self {
            Schema::Data => (&DATA_HEADER, 15),
            Schema::Stats => (&STATS_HEADER, 8),
            Schema::Memory => (&["strategy", "table_bytes", "record_bytes", "classes"], 4),
            Schema::Calibration => (&["source", "boot", "type", "run", "ns_per_op"], 5),
            Schema::Precision => (&PRECISION_HEADER, 6),
            Schema::Keycost => (&KEYCOST_HEADER, 7),
            Schema::Scaling => (&SCALING_HEADER, 8),
            Schema::Runs => (&["source"], 1),
        }
    }

    pub fn header(self) -> &'static [&'static str] {
        self.columns().0
    }

    pub fn required(self) -> &'static [&'static str] {
        let (h, n) = self.columns();
        &h[..n]
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

    pub fn detect(header: &csv::StringRecord) -> Option<Schema> {
        Schema::ALL[..7]
            .iter()
            .copied()
            .find(|s| s.required().iter().all(|c| header.iter().any(|h| h == *c)))
    }

    /// Type-checks one record; merge uses it so that it never concatenates garbage.
    pub fn check(self, header: &csv::StringRecord, rec: &csv::StringRecord) -> Result<()> {
        fn one<T: Row>(h: &csv::StringRecord, r: &csv::StringRecord) -> Result<()> {
            deserialize::<T>(h, r)?.check()
        }
        match self {
            Schema::Data => one::<DataRow>(header, rec),
            Schema::Stats => one::<StatsRow>(header, rec),
            Schema::Memory => one::<MemoryRow>(header, rec),
            Schema::Calibration => one::<CalibrationRow>(header, rec),
            Schema::Precision => one::<PrecisionRow>(header, rec),
            Schema::Keycost => one::<KeycostRow>(header, rec),
            Schema::Scaling => one::<ScalingRow>(header, rec),
            Schema::Runs => one::<RunRow>(header, rec),
        }
    }
}

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
const STATS_HEADER: [&str; 10] = [
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
const PRECISION_HEADER: [&str; 8] = [
    "scenario",
    "strategy",
    "expected",
    "outcome",
    "names_sites",
    "source",
    "note",
    "count",
];
const KEYCOST_HEADER: [&str; 7] = [
    "source",
    "possible_cpus",
    "percpu_modules",
    "boot",
    "row",
    "name",
    "ns_per_op",
];
const SCALING_HEADER: [&str; 8] = [
    "strategy",
    "sites",
    "threads",
    "cores",
    "rounds",
    "median_ratio",
    "min_ratio",
    "max_ratio",
];

/// serde's error names the field by index; say the column's name.
fn deserialize<T: Row>(h: &csv::StringRecord, r: &csv::StringRecord) -> Result<T> {
    r.deserialize(Some(h)).map_err(|e| {
        let col = match e.kind() {
            csv::ErrorKind::Deserialize { err, .. } => err.field().and_then(|i| h.get(i as usize)),
            _ => None,
        };
        match col {
            Some(c) => anyhow::anyhow!("column `{c}`: {e}"),
            None => e.into(),
        }
    })
}

/// Reads a whole CSV of one row type, failing on a missing required column or a bad cell.
pub fn read_from<T: Row>(input: impl Read) -> Result<Vec<T>> {
    let mut rdr = csv::Reader::from_reader(input);
    let header = rdr
        .headers()
        .context("cannot read the header line")?
        .clone();
    let missing: Vec<&str> = (T::SCHEMA.required().iter().copied())
        .filter(|c| !header.iter().any(|h| h == *c))
        .collect();
    if !missing.is_empty() {
        bail!(
            "header is `{}`, which lacks the column(s) `{}`",
            header.iter().collect::<Vec<_>>().join(","),
            missing.join(",")
        );
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.context("cannot read a record")?;
        let line = rec.position().map_or(0, |p| p.line());
        let row: T = deserialize(&header, &rec).with_context(|| format!("line {line}"))?;
        row.check().with_context(|| format!("line {line}"))?;
        out.push(row);
    }
    Ok(out)
}

pub fn read<T: Row>(path: &Path) -> Result<Vec<T>> {
    let name = T::SCHEMA.name();
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open {name} CSV {}", path.display()))?;
    read_from(file).with_context(|| format!("{} is not a valid {name} CSV", path.display()))
}

/// Writes rows with a header from the row type's field names (serde's order: canonical).
pub fn write<T: Serialize>(out: impl Write, rows: &[T]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    for r in rows {
        w.serialize(r)?;
    }
    w.flush()?;
    Ok(())
}
