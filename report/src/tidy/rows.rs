//! Row types of each schema: how a row is read from named cells and written back.

use std::io::Write;

use anyhow::{bail, Result};

use super::{Cells, CALIBRATION_HEADER, DATA_HEADER, STATS_HEADER};

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
    /// Which boot of the source produced the row (guests; empty for host rows).
    pub boot: Option<u32>,
    /// Which module load within that boot's log, from one.
    pub load: Option<u32>,
    /// The load's injected allocation failure rate: every k-th table allocation fails; 0 none.
    pub fail_alloc_every: u64,
    /// RCU grace periods waited per operation, where the module counts them.
    pub gp_per_op: Option<f64>,
    /// Instructions per operation (host export, counted rather than timed).
    pub instructions_per_op: Option<f64>,
    /// Cores of the machine that ran the row (host export).
    pub cores: Option<u32>,
    /// The module found the timed batch shorter than its clock needs for 1 % resolution.
    pub short_batch: bool,
    /// One RCU grace period (a `lockdep_unregister_key`) as the module measured it at load, ns.
    pub gp_ns: Option<u64>,
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
    pub boot: Option<u32>,
    pub load: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryRow {
    pub strategy: String,
    pub table_bytes: u64,
    pub record_bytes: u64,
    pub classes: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationRow {
    pub source: String,
    pub boot: u32,
    /// refscale's `scale_type`: `lock`, `rcu`, `clock`, ...
    pub kind: String,
    pub run: u64,
    pub ns_per_op: f64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrecisionRow {
    pub scenario: String,
    pub strategy: String,
    pub expected: String,
    pub outcome: String,
    pub names_sites: String,
    pub source: String,
    pub note: String,
    pub count: Option<u64>,
}

/// One row of keycost.csv: a key kind's or a strategy's lock init in one boot.
#[derive(Clone, Debug, PartialEq)]
pub struct KeycostRow {
    pub source: String,
    /// Possible CPUs as the kernel reported them.
    pub possible_cpus: u32,
    /// 1 when a module with per-CPU data was loaded first, else 0.
    pub percpu_modules: u32,
    pub boot: u32,
    /// `key` (`name` is a key kind) or `init` (`name` is a strategy).
    pub row: String,
    pub name: String,
    pub ns_per_op: f64,
}

/// One guest boot from runs.csv.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRow {
    pub source: String,
    /// The kernel's preemption model as its config says (`PREEMPT`, `PREEMPT_VOLUNTARY`).
    pub preempt: String,
    pub flavour: String,
    pub boot: Option<u32>,
    pub cpus: Option<u32>,
    /// Host CPU the guest process was pinned to, empty when not pinned.
    pub pinned: String,
    pub guest: String,
}

pub(super) fn run_row(c: &Cells) -> Result<RunRow> {
    Ok(RunRow {
        source: c.text("source")?,
        preempt: c.text_or_empty("preempt")?,
        flavour: c.text_or_empty("flavour")?,
        boot: c.opt_num("boot")?,
        cpus: c.opt_num("cpus")?,
        pinned: c.text_or_empty("pinned")?,
        guest: c.text_or_empty("guest")?,
    })
}

pub(super) fn keycost_row(c: &Cells) -> Result<KeycostRow> {
    let row = KeycostRow {
        source: c.text("source")?,
        possible_cpus: c.num("possible_cpus")?,
        percpu_modules: c.num("percpu_modules")?,
        boot: c.num("boot")?,
        row: c.text("row")?,
        name: c.text("name")?,
        ns_per_op: c.float("ns_per_op")?,
    };
    if row.possible_cpus == 0 {
        bail!("column `possible_cpus` is 0");
    }
    if !["key", "init"].contains(&row.row.as_str()) {
        bail!("column `row`: `{}` is neither `key` nor `init`", row.row);
    }
    Ok(row)
}

pub(super) fn data_row(c: &Cells) -> Result<DataRow> {
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
        boot: c.opt_num("boot")?,
        load: c.opt_num("load")?,
        fail_alloc_every: c.opt_num("fail_alloc_every")?.unwrap_or(0),
        gp_per_op: c.opt_float("gp_per_op")?,
        instructions_per_op: c.opt_float("instructions_per_op")?,
        cores: c.opt_num("cores")?,
        short_batch: c.opt_num::<u8>("short_batch")?.is_some_and(|v| v > 0),
        gp_ns: c.opt_num("gp_ns")?,
    };
    if row.threads == 0 {
        bail!("column `threads` is 0");
    }
    if row.cores == Some(0) {
        bail!("column `cores` is 0");
    }
    if row.ci_low.is_some() != row.ci_high.is_some() {
        bail!("columns `ci_low` and `ci_high` must both be set or both be empty");
    }
    Ok(row)
}

pub(super) fn stats_row(c: &Cells) -> Result<StatsRow> {
    Ok(StatsRow {
        source: c.text("source")?,
        flavour: c.text_or_empty("flavour")?,
        strategy: c.text("strategy")?,
        table_bytes: c.num("table_bytes")?,
        buckets: c.num("buckets")?,
        classes: c.num("classes")?,
        lost_races: c.num("lost_races")?,
        fallbacks: c.num("fallbacks")?,
        boot: c.opt_num("boot")?,
        load: c.opt_num("load")?,
    })
}

pub(super) fn memory_row(c: &Cells) -> Result<MemoryRow> {
    Ok(MemoryRow {
        strategy: c.text("strategy")?,
        table_bytes: c.num("table_bytes")?,
        record_bytes: c.num("record_bytes")?,
        classes: c.num("classes")?,
    })
}

pub(super) fn calibration_row(c: &Cells) -> Result<CalibrationRow> {
    Ok(CalibrationRow {
        source: c.text("source")?,
        boot: c.num("boot")?,
        kind: c.text("type")?,
        run: c.num("run")?,
        ns_per_op: c.float("ns_per_op")?,
    })
}

pub(super) fn precision_row(c: &Cells) -> Result<PrecisionRow> {
    Ok(PrecisionRow {
        scenario: c.text("scenario")?,
        strategy: c.text("strategy")?,
        expected: c.text("expected")?,
        outcome: c.text("outcome")?,
        names_sites: c.text_or_empty("names_sites")?,
        source: c.text("source")?,
        note: c.text_or_empty("note")?,
        count: c.opt_num("count")?,
    })
}

fn opt<T: ToString>(v: Option<T>) -> String {
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
            &opt(r.run),
            &r.ops.to_string(),
            // Display of f64 is the shortest string that reads back to the same value, so
            // the log's three decimals survive the round trip unchanged.
            &r.ns_per_op.to_string(),
            &opt(r.ci_low),
            &opt(r.ci_high),
            &opt(r.boot),
            &opt(r.load),
            &r.fail_alloc_every.to_string(),
            &opt(r.gp_per_op),
            &opt(r.instructions_per_op),
            &opt(r.cores),
            if r.short_batch { "1" } else { "" },
            &opt(r.gp_ns),
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
            &opt(r.boot),
            &opt(r.load),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_calibration(out: impl Write, rows: &[CalibrationRow]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CALIBRATION_HEADER)?;
    for r in rows {
        w.write_record([
            r.source.as_str(),
            &r.boot.to_string(),
            &r.kind,
            &r.run.to_string(),
            &r.ns_per_op.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
