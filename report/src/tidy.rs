//! The CSV schemas this tool reads and writes, with strict readers: every cell is checked so
//! that a bad file is rejected with its line and column instead of producing a wrong report.

use std::fmt::Display;
use std::io::{Read, Write};
use std::path::Path;
use std::str::FromStr;

use anyhow::{bail, Context, Result};

/// Tidy measurement rows: one per measured run (guest) or per criterion estimate (host).
pub const DATA_HEADER: [&str; 15] = [
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
];

/// Per-strategy table statistics from the module's `stats` lines.
pub const STATS_HEADER: [&str; 8] = [
    "source",
    "flavour",
    "strategy",
    "table_bytes",
    "buckets",
    "classes",
    "lost_races",
    "fallbacks",
];

/// Host-side memory accounting written by host-bench.
pub const MEMORY_HEADER: [&str; 4] = ["strategy", "table_bytes", "record_bytes", "classes"];

#[derive(Clone, Debug, PartialEq)]
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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsRow {
    pub source: String,
    pub flavour: String,
    pub strategy: String,
    pub table_bytes: u64,
    pub buckets: u64,
    pub classes: u64,
    pub lost_races: u64,
    pub fallbacks: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryRow {
    pub strategy: String,
    pub table_bytes: u64,
    pub record_bytes: u64,
    pub classes: u64,
}

/// Which of the three schemas a header belongs to (merge accepts any one, but not a mix).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    Data,
    Stats,
    Memory,
}

impl Schema {
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Schema::Data => &DATA_HEADER,
            Schema::Stats => &STATS_HEADER,
            Schema::Memory => &MEMORY_HEADER,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Schema::Data => "tidy data",
            Schema::Stats => "stats",
            Schema::Memory => "memory",
        }
    }

    pub fn detect(header: &csv::StringRecord) -> Option<Schema> {
        [Schema::Data, Schema::Stats, Schema::Memory]
            .into_iter()
            .find(|s| header.iter().eq(s.header().iter().copied()))
    }

    /// Type-checks one record; used by merge so that it never concatenates garbage.
    pub fn check(self, rec: &csv::StringRecord) -> Result<()> {
        let cells = Cells::new(rec, self.header());
        match self {
            Schema::Data => data_row(&cells).map(drop),
            Schema::Stats => stats_row(&cells).map(drop),
            Schema::Memory => memory_row(&cells).map(drop),
        }
    }
}

/// Names a record's cells by column so errors can say which one is wrong.
struct Cells<'a> {
    rec: &'a csv::StringRecord,
    header: &'static [&'static str],
}

impl<'a> Cells<'a> {
    fn new(rec: &'a csv::StringRecord, header: &'static [&'static str]) -> Self {
        Cells { rec, header }
    }

    fn raw(&self, col: &str) -> Result<&'a str> {
        let i = self
            .header
            .iter()
            .position(|h| *h == col)
            .expect("column name comes from the schema");
        self.rec
            .get(i)
            .with_context(|| format!("missing column `{col}`"))
    }

    fn text(&self, col: &str) -> Result<String> {
        let v = self.raw(col)?;
        if v.trim().is_empty() {
            bail!("column `{col}` is empty");
        }
        Ok(v.to_string())
    }

    /// Free-form text that may be empty (host rows have no kernel or flavour).
    fn text_or_empty(&self, col: &str) -> Result<String> {
        Ok(self.raw(col)?.to_string())
    }

    fn num<T: FromStr>(&self, col: &str) -> Result<T>
    where
        T::Err: Display,
    {
        let v = self.raw(col)?;
        v.trim()
            .parse::<T>()
            .map_err(|e| anyhow::anyhow!("column `{col}`: `{v}` is not a valid number ({e})"))
    }

    fn float(&self, col: &str) -> Result<f64> {
        let v: f64 = self.num(col)?;
        if !v.is_finite() || v < 0.0 {
            bail!("column `{col}`: `{v}` is not a finite non-negative number");
        }
        Ok(v)
    }

    fn opt_num<T: FromStr>(&self, col: &str) -> Result<Option<T>>
    where
        T::Err: Display,
    {
        if self.raw(col)?.trim().is_empty() {
            Ok(None)
        } else {
            self.num(col).map(Some)
        }
    }

    fn opt_float(&self, col: &str) -> Result<Option<f64>> {
        if self.raw(col)?.trim().is_empty() {
            Ok(None)
        } else {
            self.float(col).map(Some)
        }
    }
}

fn data_row(c: &Cells) -> Result<DataRow> {
    let row = DataRow {
        source: c.text("source")?,
        kernel: c.text_or_empty("kernel")?,
        flavour: c.text_or_empty("flavour")?,
        rustc: c.text_or_empty("rustc")?,
        cpu: c.text_or_empty("cpu")?,
        date: c.text_or_empty("date")?,
        strategy: c.text("strategy")?,
        mode: c.text("mode")?,
        threads: c.num("threads")?,
        sites: c.num("sites")?,
        run: c.opt_num("run")?,
        ops: c.num("ops")?,
        ns_per_op: c.float("ns_per_op")?,
        ci_low: c.opt_float("ci_low")?,
        ci_high: c.opt_float("ci_high")?,
    };
    if row.threads == 0 {
        bail!("column `threads` is 0");
    }
    if row.ci_low.is_some() != row.ci_high.is_some() {
        bail!("columns `ci_low` and `ci_high` must both be set or both be empty");
    }
    Ok(row)
}

fn stats_row(c: &Cells) -> Result<StatsRow> {
    Ok(StatsRow {
        source: c.text("source")?,
        flavour: c.text_or_empty("flavour")?,
        strategy: c.text("strategy")?,
        table_bytes: c.num("table_bytes")?,
        buckets: c.num("buckets")?,
        classes: c.num("classes")?,
        lost_races: c.num("lost_races")?,
        fallbacks: c.num("fallbacks")?,
    })
}

fn memory_row(c: &Cells) -> Result<MemoryRow> {
    Ok(MemoryRow {
        strategy: c.text("strategy")?,
        table_bytes: c.num("table_bytes")?,
        record_bytes: c.num("record_bytes")?,
        classes: c.num("classes")?,
    })
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
    if !header.iter().eq(schema.header().iter().copied()) {
        bail!(
            "header is `{}`, expected `{}`",
            header.iter().collect::<Vec<_>>().join(","),
            schema.header().join(",")
        );
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.context("cannot read a record")?;
        let line = rec.position().map_or(0, |p| p.line());
        out.push(
            parse(&Cells::new(&rec, schema.header())).with_context(|| format!("line {line}"))?,
        );
    }
    Ok(out)
}

pub fn read_data(path: &Path) -> Result<Vec<DataRow>> {
    read_with(path, Schema::Data, data_row)
}

pub fn read_stats(path: &Path) -> Result<Vec<StatsRow>> {
    read_with(path, Schema::Stats, stats_row)
}

pub fn read_memory(path: &Path) -> Result<Vec<MemoryRow>> {
    read_with(path, Schema::Memory, memory_row)
}

pub fn read_data_from(input: impl Read) -> Result<Vec<DataRow>> {
    read_from(input, Schema::Data, data_row)
}

fn opt(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub fn write_data(out: impl Write, rows: &[DataRow]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(DATA_HEADER)?;
    for r in rows {
        w.write_record([
            r.source.as_str(),
            &r.kernel,
            &r.flavour,
            &r.rustc,
            &r.cpu,
            &r.date,
            &r.strategy,
            &r.mode,
            &r.threads.to_string(),
            &r.sites.to_string(),
            &r.run.map(|v| v.to_string()).unwrap_or_default(),
            &r.ops.to_string(),
            // Display of f64 is the shortest string that reads back to the same value, so
            // the log's three decimals survive the round trip unchanged.
            &r.ns_per_op.to_string(),
            &opt(r.ci_low),
            &opt(r.ci_high),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_stats(out: impl Write, rows: &[StatsRow]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(STATS_HEADER)?;
    for r in rows {
        w.write_record([
            r.source.as_str(),
            &r.flavour,
            &r.strategy,
            &r.table_bytes.to_string(),
            &r.buckets.to_string(),
            &r.classes.to_string(),
            &r.lost_races.to_string(),
            &r.fallbacks.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
