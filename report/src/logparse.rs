//! Parser for the module's kernel log lines (docs/output-format.md).
//!
//! Anything before `lockclass_bench: ` on a line (the printk timestamp, a log level, serial
//! noise) is ignored, and so is every line without that prefix. Record kinds other than
//! `start`, `result`, `stats`, `done` and `error` are skipped, and unknown keys are ignored so
//! the module can add fields. What is checked strictly is what the CSV depends on: a result or
//! stats line with a missing or unparsable field is an error, and so is a log whose module
//! load did not reach its `done` line or whose `done results=N` disagrees with the lines seen
//! (a truncated or interleaved serial log must not turn into a quietly smaller data set).
//!
//! Each `start` begins a new module load, numbered from one within the log (`load`); a plan
//! may repeat a load, and its runs are told apart by that number. A load's injected
//! allocation failure rate comes from the result line if it carries `fail_alloc_every`,
//! else from its `start` line, else from the guest script's `insmod ... fail_alloc_every=N`
//! line before it, else it is zero. The guest script's `calibration` lines (the kernel's
//! refscale, run in the same boot) become calibration rows, the grace period the module
//! measured at load (`estimate kind=plan ... gp_ns=N`) goes with every row of that load, and an `End of test: FAILURE`
//! line fails the parse, as does a result line saying lockdep went off (`lockdep=0`) on a
//! lockdep kernel.

use std::collections::{BTreeMap, HashSet};

use anyhow::{bail, ensure, Context, Result};

use crate::tidy::{CalibrationRow, DataRow, StatsRow};

pub const PREFIX: &str = "lockclass_bench: ";
pub const SOURCES: [&str; 4] = ["guest-uml", "guest-icount", "guest-tcg", "guest-kvm"];
/// Prefix of the guest script's own lines (`insmod ...`, `calibration ...`).
pub const GUEST_PREFIX: &str = "lockclass-guest: ";
/// Kernel flavours: `uml` is the User-Mode Linux build, lockdep on like `lockdep`.
pub const FLAVOURS: [&str; 3] = ["lockdep", "plain", "uml"];

/// The run's context, given on the command line because the guest log does not know it.
#[derive(Clone, Debug)]
pub struct Meta {
    pub source: String,
    pub kernel: String,
    pub flavour: String,
    pub rustc: String,
    pub cpu: String,
    pub date: String,
    /// Which boot of this source the log is (several boots measure the noise between them).
    pub boot: u32,
}

impl Meta {
    /// The flavour written to the CSV: what matters to the data is lockdep on or off, and the
    /// source already says which kernel ran, so `uml` is recorded as `lockdep`.
    fn recorded_flavour(&self) -> String {
        match self.flavour.as_str() {
            "uml" => "lockdep".into(),
            f => f.into(),
        }
    }

    pub fn validate(&self) -> Result<()> {
        if !SOURCES.contains(&self.source.as_str()) {
            bail!(
                "--source `{}` is not one of {}",
                self.source,
                SOURCES.join("|")
            );
        }
        if !FLAVOURS.contains(&self.flavour.as_str()) {
            bail!(
                "--flavour `{}` is not one of {}",
                self.flavour,
                FLAVOURS.join("|")
            );
        }
        for (name, v) in [
            ("--kernel", &self.kernel),
            ("--rustc", &self.rustc),
            ("--cpu", &self.cpu),
        ] {
            if v.trim().is_empty() {
                bail!("{name} must not be empty");
            }
        }
        if self.boot == 0 {
            bail!("--boot must be at least 1");
        }
        if !is_iso_date(&self.date) {
            bail!("--date `{}` is not YYYY-MM-DD", self.date);
        }
        Ok(())
    }
}

fn is_iso_date(s: &str) -> bool {
    let p: Vec<&str> = s.split('-').collect();
    let part = |i: usize, len: usize, max: u32| {
        let ok = p[i].len() == len && p[i].bytes().all(|c| c.is_ascii_digit());
        ok && (1..=max).contains(&p[i].parse().unwrap_or(0))
    };
    p.len() == 3 && part(0, 4, 9999) && part(1, 2, 12) && part(2, 2, 31)
}

#[derive(Debug, Default)]
pub struct ParsedLog {
    pub results: Vec<DataRow>,
    pub stats: Vec<StatsRow>,
    pub calibration: Vec<CalibrationRow>,
}

/// One `key=value` record, remembering where it came from for error messages.
struct Record<'a> {
    line_no: usize,
    kind: &'a str,
    fields: BTreeMap<&'a str, &'a str>,
}

impl<'a> Record<'a> {
    /// Splits the text after the prefix; `strict` kinds reject tokens that are not key=value.
    fn parse(line_no: usize, body: &'a str, strict: bool) -> Result<Self> {
        let mut tokens = body.split_whitespace();
        let kind = tokens.next().unwrap_or("");
        let mut fields = BTreeMap::new();
        for tok in tokens {
            match tok.split_once('=') {
                Some((k, v)) if !k.is_empty() => {
                    let repeated = fields.insert(k, v).is_some();
                    if repeated && strict {
                        bail!("line {line_no}: `{kind}` repeats key `{k}`");
                    }
                }
                _ if strict => bail!("line {line_no}: `{kind}` has `{tok}`, not key=value"),
                _ => {}
            }
        }
        Ok(Record {
            line_no,
            kind,
            fields,
        })
    }

    fn get(&self, key: &str) -> Result<&'a str> {
        match self.fields.get(key) {
            Some(v) if !v.is_empty() => Ok(v),
            Some(_) => bail!(
                "line {}: `{}` has an empty `{key}`",
                self.line_no,
                self.kind
            ),
            None => bail!("line {}: `{}` lacks `{key}=`", self.line_no, self.kind),
        }
    }

    fn name(&self, key: &str) -> Result<String> {
        let v = self.get(key)?;
        let plain = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        let line = self.line_no;
        ensure!(
            v.bytes().all(plain),
            "line {line}: `{key}={v}` is not a plain name"
        );
        Ok(v.to_string())
    }

    fn uint(&self, key: &str) -> Result<u64> {
        let (v, line) = (self.get(key)?, self.line_no);
        (v.parse()).with_context(|| format!("line {line}: `{key}={v}` is not an unsigned integer"))
    }

    /// An optional field: `None` when the key is absent, else what `f` reads.
    fn opt<T>(&self, key: &str, f: fn(&Self, &str) -> Result<T>) -> Result<Option<T>> {
        self.fields
            .contains_key(key)
            .then(|| f(self, key))
            .transpose()
    }

    fn float(&self, key: &str) -> Result<f64> {
        let v = self.get(key)?;
        match v.parse::<f64>() {
            Ok(f) if f.is_finite() && f >= 0.0 => Ok(f),
            _ => bail!(
                "line {}: `{key}={v}` is not a non-negative decimal number",
                self.line_no
            ),
        }
    }
}

/// `fail_alloc_every=N` among the words of a guest script's `insmod` line, if any.
fn insmod_fail_rate(line: &str) -> Option<u64> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix("fail_alloc_every="))
        .and_then(|v| v.parse().ok())
}

/// State of the module load being read.
#[derive(Default)]
struct Load {
    number: u32,
    fail_alloc_every: u64,
    /// CPUs online in the guest, from the `start` line's `cpus=`.
    cpus: Option<u32>,
    /// One grace period as measured at load (the `estimate kind=plan` line before `start`).
    gp_ns: Option<u64>,
    pending_gp_ns: Option<u64>,
    /// Set by the guest script's `insmod` line, taken by the next `start`.
    insmod_fail_rate: Option<u64>,
}

/// Parses a whole log. Several module loads in one log are accepted as long as each one's
/// `start` is followed by its own `done`.
pub fn parse_log(text: &str, meta: &Meta) -> Result<ParsedLog> {
    let mut out = ParsedLog::default();
    let mut seen = HashSet::new();
    let mut pending = 0u64; // result lines since the last start/done
    let mut open_start: Option<usize> = None;
    let mut dones = 0usize;
    let mut last_error: Option<String> = None;
    let mut load = Load::default();

    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        if let Some(pos) = raw.find(GUEST_PREFIX) {
            let body = raw[pos + GUEST_PREFIX.len()..].trim_end();
            if body.starts_with("insmod ") && body.contains("lockclass_bench") {
                load.insmod_fail_rate = Some(insmod_fail_rate(body).unwrap_or(0));
            } else if body.starts_with("calibration ") {
                // `calibration type=T run=R ns_per_op=F`: refscale in the same boot.
                let rec = Record::parse(line_no, body, true)?;
                out.calibration.push(CalibrationRow {
                    source: meta.source.clone(),
                    boot: meta.boot,
                    kind: rec.name("type")?,
                    run: rec.uint("run")?,
                    ns_per_op: rec.float("ns_per_op")?,
                });
            }
            continue;
        }
        let Some(pos) = raw.find(PREFIX) else {
            continue;
        };
        let body = raw[pos + PREFIX.len()..].trim_end();
        if let Some(verdict) = body.strip_prefix("End of test:") {
            let verdict = verdict.trim();
            if !verdict.starts_with("SUCCESS") {
                bail!("line {line_no}: the module ended with `End of test: {verdict}`");
            }
            continue;
        }
        let kind = body.split_whitespace().next().unwrap_or("");
        let strict = matches!(kind, "result" | "stats" | "done" | "start");
        let rec = Record::parse(line_no, body, strict)?;
        match rec.kind {
            "start" => {
                if let Some(prev) = open_start {
                    bail!("line {line_no}: a new `start` before the `done` of the load started at line {prev}");
                }
                if pending > 0 {
                    bail!("line {line_no}: `start` after {pending} result line(s) with no `done`");
                }
                if let Some(ld) = rec.fields.get("lockdep") {
                    let want = if meta.flavour == "plain" { "0" } else { "1" };
                    if *ld != want {
                        bail!(
                            "line {line_no}: the module reports lockdep={ld}, but --flavour is {}",
                            meta.flavour
                        );
                    }
                }
                load.number += 1;
                let insmod = load.insmod_fail_rate.take().unwrap_or(0);
                load.fail_alloc_every =
                    rec.opt("fail_alloc_every", Record::uint)?.unwrap_or(insmod);
                load.gp_ns = load.pending_gp_ns.take();
                let cpus = rec.opt("cpus", Record::uint)?;
                load.cpus = cpus.and_then(|c| u32::try_from(c).ok()).filter(|c| *c > 0);
                open_start = Some(line_no);
            }
            "result" => {
                let run = rec.uint("run")?;
                // A figure from a lockdep kernel whose lockdep went off meanwhile would not
                // measure lockdep: refuse it rather than report it.
                if meta.flavour != "plain" && rec.fields.get("lockdep") == Some(&"0") {
                    bail!("line {line_no}: lockdep was off during this run (`lockdep=0` on a result line of a lockdep kernel): the log does not measure lockdep");
                }
                let fail_alloc_every = rec.opt("fail_alloc_every", Record::uint)?;
                let row = DataRow {
                    kernel: meta.kernel.clone(),
                    flavour: meta.recorded_flavour(),
                    rustc: meta.rustc.clone(),
                    cpu: meta.cpu.clone(),
                    date: meta.date.clone(),
                    run: Some(run),
                    ops: rec.uint("ops")?,
                    ns_per_op: rec.float("ns_per_op")?,
                    boot: Some(meta.boot),
                    load: Some(load.number.max(1)),
                    fail_alloc_every: fail_alloc_every.unwrap_or(load.fail_alloc_every),
                    cores: load.cpus,
                    gp_ns: load.gp_ns,
                    short_batch: rec.opt("short_batch", Record::uint)?.unwrap_or(0) > 0,
                    gp_per_op: rec.opt("gp_per_op", Record::float)?,
                    ..DataRow::basic(
                        &meta.source,
                        &rec.name("strategy")?,
                        &rec.name("mode")?,
                        u32::try_from(rec.uint("threads")?)
                            .ok()
                            .filter(|t| *t > 0)
                            .with_context(|| format!("line {line_no}: `threads` out of range"))?,
                        rec.uint("sites")?,
                    )
                };
                let key = (
                    load.number,
                    row.strategy.clone(),
                    row.mode.clone(),
                    row.threads,
                    row.sites,
                    run,
                );
                if !seen.insert(key) {
                    bail!(
                        "line {line_no}: duplicate result for strategy={} mode={} threads={} sites={} run={} in one load",
                        row.strategy, row.mode, row.threads, row.sites, run
                    );
                }
                out.results.push(row);
                pending += 1;
            }
            "stats" => out.stats.push(StatsRow {
                source: meta.source.clone(),
                flavour: meta.recorded_flavour(),
                strategy: rec.name("strategy")?,
                table_bytes: rec.uint("table_bytes")?,
                buckets: rec.uint("buckets")?,
                classes: rec.uint("classes")?,
                lost_races: rec.uint("lost_races")?,
                fallbacks: rec.uint("fallbacks")?,
                boot: Some(meta.boot),
                load: Some(load.number.max(1)),
            }),
            "done" => {
                let n = rec.uint("results")?;
                if n != pending {
                    bail!("line {line_no}: `done results={n}` but {pending} result line(s) were found for this load (truncated or garbled log?)");
                }
                pending = 0;
                open_start = None;
                dones += 1;
            }
            "estimate" if rec.fields.get("kind") == Some(&"plan") => {
                load.pending_gp_ns = rec.fields.get("gp_ns").and_then(|v| v.parse().ok());
            }
            "error" => last_error = Some(body.to_string()),
            _ => {}
        }
    }

    let why = last_error
        .map(|e| format!("; the module printed `{e}`"))
        .unwrap_or_default();
    if let Some(start) = open_start {
        bail!(
            "no `done` line after the `start` at line {start}: the module load did not finish{why}"
        );
    }
    if dones == 0 {
        bail!("no `lockclass_bench: done` line: the module load did not finish{why}");
    }
    if pending > 0 {
        bail!("{pending} result line(s) after the last `done` line");
    }
    Ok(out)
}
