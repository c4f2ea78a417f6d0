// SPDX-License-Identifier: GPL-2.0

//! Turns criterion's saved estimates into the project's tidy CSV (shared with the guest side).

use crate::harness::parse_concurrent_param;
use crate::hash::{AddrHashSite, FxHashSite, SipHashSite, SiteHash};
use crate::strategy::{self, Memory};
use serde_json::Value;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// Columns of `host.csv`, the project's tidy schema: its fifteen required columns, then two of
/// its optional ones: `instructions_per_op` (callgrind's count for one lookup, on `lookup`
/// rows; see [`crate::instructions`]) and `cores` (CPUs this process could run on).
pub const HEADER: &str = "source,kernel,flavour,rustc,cpu,date,strategy,mode,threads,sites,run,ops,ns_per_op,ci_low,ci_high,instructions_per_op,cores";

/// Columns of `memory.csv`.
pub const MEMORY_HEADER: &str = "strategy,table_bytes,record_bytes,classes";

/// The confidence level the schema's `ci_low`/`ci_high` stand for.
pub const CONFIDENCE_LEVEL: f64 = 0.95;

/// Criterion's estimate that becomes `ns_per_op`: the median of the samples, not their mean,
/// because this machine is shared (kernel builds, guests): a sample during which the benchmark
/// was preempted is an outlier that moves the mean and not the median.
pub const ESTIMATE: &str = "median";

/// Names of the `hash` benchmark's functions.
pub const HASH_NAMES: [&str; 3] = [SipHashSite::NAME, FxHashSite::NAME, AddrHashSite::NAME];

/// The benchmark groups and the `mode` each stands for.
pub const MODES: [&str; 4] = ["lookup", "create", "concurrent", "hash"];

/// One measured benchmark.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// Strategy, or hash function for `mode=hash`.
    pub strategy: String,
    /// `lookup`, `create`, `concurrent` or `hash`.
    pub mode: String,
    /// Threads (1 outside `concurrent`).
    pub threads: usize,
    /// Distinct call sites.
    pub sites: usize,
    /// Operations per criterion iteration (the throughput's elements).
    pub ops: u64,
    /// Median (over criterion's samples) time per operation, ns.
    pub ns_per_op: f64,
    /// Lower bound of its 95% confidence interval, ns.
    pub ci_low: f64,
    /// Upper bound, ns.
    pub ci_high: f64,
    /// When criterion wrote the estimate (seconds since the epoch).
    pub measured_at: u64,
    /// Instructions per operation counted by callgrind, if counted.
    pub instructions_per_op: Option<f64>,
}

/// Where the machine-wide fields come from.
#[derive(Clone, Debug)]
pub struct Machine {
    /// `uname -r`.
    pub kernel: String,
    /// `rustc --version`.
    pub rustc: String,
    /// `model name` from `/proc/cpuinfo`.
    pub cpu: String,
    /// CPUs this process may run on (`available_parallelism`), as the `concurrent` benchmark
    /// reads it to pick its thread counts.
    pub cores: usize,
}

impl Machine {
    /// Reads this machine's fields; unknown ones are `unknown`.
    pub fn this() -> Self {
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
        Self {
            kernel: command_output("uname", &["-r"]),
            rustc: command_output(&rustc, &["--version"]),
            cpu: fs::read_to_string("/proc/cpuinfo")
                .ok()
                .and_then(|s| cpu_model(&s))
                .unwrap_or_else(|| "unknown".into()),
            cores: cores(),
        }
    }
}

/// CPUs this process may run on (1 if that cannot be read).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn command_output(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// The first `model name` in a `/proc/cpuinfo` text.
pub fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == "model name").then(|| v.trim().to_owned())
    })
}

/// A CSV field: no commas (they become `;`) and no line breaks.
pub fn field(s: &str) -> String {
    s.replace(',', ";").replace(['\n', '\r'], " ")
}

/// `YYYY-MM-DD` (UTC) of `secs` since the epoch (Howard Hinnant's `civil_from_days`).
pub fn utc_date(secs: u64) -> String {
    const SECS_PER_DAY: u64 = 24 * 60 * 60;
    const DAYS_PER_ERA: i64 = 146_097;
    let z = (secs / SECS_PER_DAY) as i64 + 719_468;
    let era = z.div_euclid(DAYS_PER_ERA);
    let doe = z - era * DAYS_PER_ERA;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Criterion's output directory, as criterion picks it: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else the workspace's `target/criterion`.
pub fn criterion_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CRITERION_HOME") {
        return d.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir().join("target"));
    target.join("criterion")
}

/// The workspace root (host-bench's parent).
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-bench sits inside the workspace")
        .to_path_buf()
}

fn find_benchmarks(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in entries {
        let path = e.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "new") {
                if path.join("benchmark.json").is_file() && path.join("estimates.json").is_file() {
                    out.push(path);
                }
            } else {
                find_benchmarks(&path, out)?;
            }
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn num(v: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_f64()
}

/// Reads one criterion `new/` directory; `Ok(None)` for a benchmark that is not ours.
pub fn read_measurement(new_dir: &Path) -> Result<Option<Measurement>, String> {
    let bench = read_json(&new_dir.join("benchmark.json"))?;
    let est_path = new_dir.join("estimates.json");
    let est = read_json(&est_path)?;
    let text = |k: &str| bench.get(k).and_then(Value::as_str).unwrap_or_default();
    let (group, function, value) = (text("group_id"), text("function_id"), text("value_str"));
    let Some(mode) = MODES.iter().find(|m| **m == group) else {
        return Ok(None);
    };
    let known = match *mode {
        "hash" => HASH_NAMES.contains(&function),
        _ => strategy::NAMES.contains(&function),
    };
    let params = match *mode {
        "concurrent" => parse_concurrent_param(value),
        _ => value.parse().ok().map(|sites| (1, sites)),
    };
    let (true, Some((threads, sites))) = (known, params) else {
        return Ok(None);
    };
    let ops = bench
        .get("throughput")
        .and_then(|t| t.get("Elements"))
        .and_then(Value::as_u64)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{}: no element throughput", new_dir.display()))?;
    let level = num(&est, &[ESTIMATE, "confidence_interval", "confidence_level"]);
    if level != Some(CONFIDENCE_LEVEL) {
        return Err(format!(
            "{}: confidence level {level:?}, the schema wants {CONFIDENCE_LEVEL}",
            est_path.display()
        ));
    }
    let get = |k: &[&str]| num(&est, k).ok_or_else(|| format!("{}: no {k:?}", est_path.display()));
    let per_op = |ns: f64| ns / ops as f64;
    let measured_at = fs::metadata(&est_path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    Ok(Some(Measurement {
        strategy: function.to_owned(),
        mode: (*mode).to_owned(),
        threads,
        sites,
        ops,
        ns_per_op: per_op(get(&[ESTIMATE, "point_estimate"])?),
        ci_low: per_op(get(&[ESTIMATE, "confidence_interval", "lower_bound"])?),
        ci_high: per_op(get(&[ESTIMATE, "confidence_interval", "upper_bound"])?),
        measured_at,
        instructions_per_op: None,
    }))
}

/// Every measurement of ours under criterion's directory `dir`, in a stable order.
pub fn collect(dir: &Path) -> Result<Vec<Measurement>, String> {
    let mut dirs = Vec::new();
    find_benchmarks(dir, &mut dirs)?;
    let mut rows = Vec::new();
    for d in dirs {
        if let Some(m) = read_measurement(&d)? {
            rows.push(m);
        }
    }
    let mode_rank = |m: &str| MODES.iter().position(|x| *x == m);
    rows.sort_by(|a, b| {
        (mode_rank(&a.mode), &a.strategy, a.threads, a.sites).cmp(&(
            mode_rank(&b.mode),
            &b.strategy,
            b.threads,
            b.sites,
        ))
    });
    Ok(rows)
}

/// `host.csv`'s text for `rows` measured on `machine`.
pub fn host_csv(machine: &Machine, rows: &[Measurement]) -> String {
    let mut out = format!("{HEADER}\n");
    for r in rows {
        let fields = [
            "host".to_owned(),
            field(&machine.kernel),
            "-".to_owned(),
            field(&machine.rustc),
            field(&machine.cpu),
            utc_date(r.measured_at),
            field(&r.strategy),
            field(&r.mode),
            r.threads.to_string(),
            r.sites.to_string(),
            String::new(),
            r.ops.to_string(),
            format!("{:.3}", r.ns_per_op),
            format!("{:.3}", r.ci_low),
            format!("{:.3}", r.ci_high),
            r.instructions_per_op
                .map_or_else(String::new, |n| format!("{n:.2}")),
            machine.cores.to_string(),
        ];
        let _ = writeln!(out, "{}", fields.join(","));
    }
    out
}

/// `memory.csv`'s text.
pub fn memory_csv(rows: &[(&str, Memory)]) -> String {
    let mut out = format!("{MEMORY_HEADER}\n");
    for (name, m) in rows {
        let _ = writeln!(
            out,
            "{},{},{},{}",
            field(name),
            m.table_bytes,
            m.record_bytes,
            m.classes
        );
    }
    out
}

/// Writes `text` to `path` through a temporary sibling, so a reader never sees half a file.
pub fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let nonce = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = path.with_extension(format!("tmp-{}-{nonce}", std::process::id()));
    fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}
