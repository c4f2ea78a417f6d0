//! Parser for the module's kernel log lines (docs/output-format.md).
//!
//! Anything before `lockclass_bench: ` on a line (the printk timestamp, a log level, serial
//! noise) is ignored, and so is every line without that prefix. Record kinds other than
//! `start`, `result`, `stats`, `done` and `error` are skipped, and unknown keys are ignored so
//! the module can add fields. What is checked strictly is what the CSV depends on: a result or
//! stats line with a missing or unparsable field is an error, and so is a log whose module
//! load did not reach its `done` line or whose `done results=N` disagrees with the lines seen
//! (a truncated or interleaved serial log must not turn into a quietly smaller data set).

use std::collections::{BTreeMap, HashSet};

use anyhow::{bail, Context, Result};

use crate::tidy::{DataRow, StatsRow};

pub const PREFIX: &str = "lockclass_bench: ";
pub const SOURCES: [&str; 3] = ["guest-icount", "guest-tcg", "guest-kvm"];
pub const FLAVOURS: [&str; 2] = ["lockdep", "plain"];

/// The run's context, given on the command line because the guest log does not know it.
#[derive(Clone, Debug)]
pub struct Meta {
    pub source: String,
    pub kernel: String,
    pub flavour: String,
    pub rustc: String,
    pub cpu: String,
    pub date: String,
}

impl Meta {
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
        if !is_iso_date(&self.date) {
            bail!("--date `{}` is not YYYY-MM-DD", self.date);
        }
        Ok(())
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
        return false;
    }
    if !digits(5..7) || !digits(8..10) {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

#[derive(Debug, Default)]
pub struct ParsedLog {
    pub results: Vec<DataRow>,
    pub stats: Vec<StatsRow>,
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
        let ok = v
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
        if !ok {
            bail!("line {}: `{key}={v}` is not a plain name", self.line_no);
        }
        Ok(v.to_string())
    }

    fn uint(&self, key: &str) -> Result<u64> {
        let v = self.get(key)?;
        v.parse().map_err(|_| {
            anyhow::anyhow!(
                "line {}: `{key}={v}` is not an unsigned integer",
                self.line_no
            )
        })
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

/// Parses a whole log. Several module loads in one log are accepted as long as each one's
/// `start` is followed by its own `done`.
pub fn parse_log(text: &str, meta: &Meta) -> Result<ParsedLog> {
    let mut out = ParsedLog::default();
    let mut seen = HashSet::new();
    let mut pending = 0u64; // result lines since the last start/done
    let mut open_start: Option<usize> = None;
    let mut dones = 0usize;
    let mut last_error: Option<String> = None;

    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let Some(pos) = raw.find(PREFIX) else {
            continue;
        };
        let body = raw[pos + PREFIX.len()..].trim_end();
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
                    let want = if meta.flavour == "lockdep" { "1" } else { "0" };
                    if *ld != want {
                        bail!(
                            "line {line_no}: the module reports lockdep={ld}, but --flavour is {}",
                            meta.flavour
                        );
                    }
                }
                open_start = Some(line_no);
            }
            "result" => {
                let run = rec.uint("run")?;
                let row = DataRow {
                    source: meta.source.clone(),
                    kernel: meta.kernel.clone(),
                    flavour: meta.flavour.clone(),
                    rustc: meta.rustc.clone(),
                    cpu: meta.cpu.clone(),
                    date: meta.date.clone(),
                    strategy: rec.name("strategy")?,
                    mode: rec.name("mode")?,
                    threads: u32::try_from(rec.uint("threads")?)
                        .ok()
                        .filter(|t| *t > 0)
                        .with_context(|| format!("line {line_no}: `threads` out of range"))?,
                    sites: rec.uint("sites")?,
                    run: Some(run),
                    ops: rec.uint("ops")?,
                    ns_per_op: rec.float("ns_per_op")?,
                    ci_low: None,
                    ci_high: None,
                };
                let key = (
                    row.strategy.clone(),
                    row.mode.clone(),
                    row.threads,
                    row.sites,
                    run,
                );
                if !seen.insert(key) {
                    bail!(
                        "line {line_no}: duplicate result for strategy={} mode={} threads={} sites={} run={}",
                        row.strategy, row.mode, row.threads, row.sites, run
                    );
                }
                out.results.push(row);
                pending += 1;
            }
            "stats" => out.stats.push(StatsRow {
                source: meta.source.clone(),
                flavour: meta.flavour.clone(),
                strategy: rec.name("strategy")?,
                table_bytes: rec.uint("table_bytes")?,
                buckets: rec.uint("buckets")?,
                classes: rec.uint("classes")?,
                lost_races: rec.uint("lost_races")?,
                fallbacks: rec.uint("fallbacks")?,
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
