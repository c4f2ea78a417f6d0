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

/// What every schema's row does after serde has read it. The columns are the row type's
/// fields in order (see `header`); the first `REQUIRED` of them must be in every file.
pub trait Row: DeserializeOwned + Serialize + Default {
    const NAME: &'static str;
    const REQUIRED: usize;
    fn check(&self) -> Result<()> {
        Ok(())
    }
}

fn time(v: f64) -> Result<()> {
    ensure!(
        v.is_finite() && v >= 0.0,
        "`{v}` is not a finite non-negative number"
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
            strategy: strategy.into(),
            mode: mode.into(),
            threads,
            sites,
            ops: 1,
            ..DataRow::default()
        }
    }
}

impl Row for DataRow {
    const NAME: &'static str = "tidy data";
    const REQUIRED: usize = 15;
    fn check(&self) -> Result<()> {
        let ci = [self.ci_low, self.ci_high];
        ensure!(!self.source.is_empty(), "column `source` is empty");
        ensure!(!self.strategy.is_empty(), "column `strategy` is empty");
        ensure!(!self.mode.is_empty(), "column `mode` is empty");
        ensure!(
            self.threads > 0 && self.cores != Some(0),
            "`threads` or `cores` is 0"
        );
        ensure!(
            ci[0].is_some() == ci[1].is_some(),
            "`ci_low` and `ci_high`: one is empty"
        );
        time(self.ns_per_op)?;
        ensure!(
            ci.iter().flatten().all(|v| time(*v).is_ok()),
            "`ci_low` or `ci_high` is negative"
        );
        Ok(())
    }
}

/// One `stats` line: a strategy's table after its modes ran in one load.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    const NAME: &'static str = "stats";
    const REQUIRED: usize = 8;
}

/// Host table memory (host-bench export).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryRow {
    pub strategy: String,
    pub table_bytes: u64,
    pub record_bytes: u64,
    pub classes: u64,
}
impl Row for MemoryRow {
    const NAME: &'static str = "memory";
    const REQUIRED: usize = 4;
}

/// refscale in the same boot as the plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    const NAME: &'static str = "calibration";
    const REQUIRED: usize = 5;
    fn check(&self) -> Result<()> {
        Ok(())
    }
}

/// Lockdep's outcome for one scenario x strategy (scripts/precision.sh).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    const NAME: &'static str = "precision";
    const REQUIRED: usize = 6;
}

/// A key kind's (`row` = `key`) or a strategy's (`init`) lock init in one boot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    const NAME: &'static str = "keycost";
    const REQUIRED: usize = 7;
    fn check(&self) -> Result<()> {
        ensure!(self.possible_cpus > 0, "column `possible_cpus` is 0");
        ensure!(
            ["key", "init"].contains(&&*self.row),
            "column `row` is neither `key` nor `init`"
        );
        time(self.ns_per_op)?;
        Ok(())
    }
}

/// host-bench's paired rounds: all-core over one-thread cost of one strategy at one site count.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScalingRow {
    pub strategy: String,
    pub sites: u64,
    pub threads: u32,
    pub cores: u32,
    pub rounds: u32,
    pub median_ratio: f64,
    pub min_ratio: f64,
    pub max_ratio: f64,
    /// Every round's ratio, sorted, `;`-separated (older files lack it: only the range then).
    #[serde(default)]
    pub ratios: String,
}
impl ScalingRow {
    /// The per-round ratios, if the row lists them.
    pub fn round_ratios(&self) -> Vec<f64> {
        (self.ratios.split(';'))
            .filter_map(|x| x.trim().parse().ok())
            .collect()
    }
}
impl Row for ScalingRow {
    const NAME: &'static str = "scaling";
    const REQUIRED: usize = 8;
    fn check(&self) -> Result<()> {
        let (lo, med, hi) = (self.min_ratio, self.median_ratio, self.max_ratio);
        ensure!(self.sites > 0, "column `sites` is 0");
        ensure!(
            self.threads >= 2,
            "column `threads`: not a multi-thread batch"
        );
        ensure!(
            self.cores > 0 && self.rounds > 0,
            "`cores` or `rounds` is 0"
        );
        ensure!(
            0.0 < lo && lo <= med && med <= hi,
            "not 0 < min_ratio <= median_ratio <= max_ratio"
        );
        Ok(())
    }
}

/// Every column of a row type, in order: the header serde writes for a default row.
pub fn header<T: Row>() -> Vec<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(T::default()).expect("a default row serializes");
    let bytes = w.into_inner().expect("writes to memory");
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    r.headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect()
}

pub fn required<T: Row>() -> Vec<String> {
    header::<T>()[..T::REQUIRED].to_vec()
}

/// serde's error names the field by index; say the column's name.
pub fn deserialize<T: Row>(h: &csv::StringRecord, r: &csv::StringRecord) -> Result<T> {
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
    let missing: Vec<String> = (required::<T>().into_iter())
        .filter(|c| !header.iter().any(|h| h == c))
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
    let name = T::NAME;
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
