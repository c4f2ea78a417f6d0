//! `lockclass-report`: parse / merge / render. See `lockclass-report --help`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use lockclass_report::fsutil::write_atomic;
use lockclass_report::logparse::{parse_log, Meta};
use lockclass_report::render::{render, RenderArgs};
use lockclass_report::{merge, plots, tidy};

const USAGE: &str = "\
usage:
  lockclass-report parse LOG --source guest-uml|guest-icount|guest-tcg|guest-kvm --kernel VER
        --flavour lockdep|plain|uml --rustc VER --cpu MODEL --date YYYY-MM-DD [--boot N]
        [--out FILE.csv] [--stats-out FILE.csv] [--calibration-out FILE.csv]
      Turns the module's `lockclass_bench: result` lines into tidy CSV (stdout without --out),
      its `stats` lines into a stats CSV (default with --out: FILE.stats.csv beside it) and the
      guest's refscale `calibration` lines, if any, into a calibration CSV (default with --out:
      FILE.calibration.csv). --boot (default 1) numbers the boot when a source boots several times.
      Flavour `uml` (the User-Mode Linux build, lockdep on) is recorded as `lockdep`.
  lockclass-report merge OUT.csv IN.csv...
      Concatenates CSVs of one schema (tidy data, stats, memory, calibration, precision, keycost,
      scaling),
      checking each; the output has every column any input has.
  lockclass-report render --data results/data.csv --out results/ [--stats results/stats.csv]
        [--memory results/host/memory.csv] [--precision results/precision.csv]
        [--calibration results/calibration.csv] [--runs results/runs.csv] [--loads results/loads.csv]
        [--keycost results/keycost.csv] [--scaling results/host/scaling.csv] [--font FILE.ttf]
        [--stale SOURCE=REASON]...
      Writes OUT/REPORT.md, OUT/detail/*.md and OUT/plots/*.svg (and *.png when the font
      loads). --stale (repeatable) says SOURCE's rows are from an earlier run, and why: the
      page says so before the verdicts and tags every figure from it.";

/// `--key value` (or `--key=value`) options out of `known` (space-separated) plus positional
/// arguments; every option takes one value, and only `--stale` may be given more than once.
#[derive(Default)]
struct Args {
    opts: BTreeMap<String, String>,
    stale: Vec<String>,
    positional: Vec<String>,
}

impl Args {
    fn parse(raw: &[String], known: &str) -> Result<Args> {
        let mut a = Args::default();
        let mut it = raw.iter();
        while let Some(arg) = it.next() {
            let Some(name) = arg.strip_prefix("--") else {
                a.positional.push(arg.clone());
                continue;
            };
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => (name.to_string(), it.next().cloned().unwrap_or_default()),
            };
            if !known.split_whitespace().any(|k| k == name) {
                bail!("unknown option --{name}");
            } else if value.is_empty() {
                bail!("--{name} needs a value");
            } else if name == "stale" {
                a.stale.push(value);
            } else if a.opts.insert(name.clone(), value).is_some() {
                bail!("--{name} given twice");
            }
        }
        Ok(a)
    }

    fn req(&self, name: &str) -> Result<String> {
        self.opts
            .get(name)
            .cloned()
            .with_context(|| format!("missing --{name}"))
    }

    fn path(&self, name: &str) -> Option<PathBuf> {
        self.opts.get(name).map(PathBuf::from)
    }
}

fn cmd_parse(raw: &[String]) -> Result<()> {
    let a = Args::parse(
        raw,
        "source kernel flavour rustc cpu date boot out stats-out calibration-out",
    )?;
    let [log] = a.positional.as_slice() else {
        bail!("parse takes exactly one LOG file");
    };
    let meta = Meta {
        source: a.req("source")?,
        kernel: a.req("kernel")?,
        flavour: a.req("flavour")?,
        rustc: a.req("rustc")?,
        cpu: a.req("cpu")?,
        date: a.req("date")?,
        boot: (a.opts.get("boot").map_or(Ok(1), |b| b.parse()))
            .context("--boot is not a number")?,
    };
    meta.validate()?;
    let bytes = std::fs::read(log).with_context(|| format!("cannot read {log}"))?;
    // Serial consoles can emit stray non-UTF-8 bytes in boot noise; only our lines matter.
    let text = String::from_utf8_lossy(&bytes);
    let parsed = parse_log(&text, &meta).with_context(|| format!("{log} cannot be parsed"))?;
    if parsed.results.is_empty() {
        bail!("{log} has a `done` line but no result lines");
    }

    let out = a.path("out");
    let stats_out =
        (a.path("stats-out")).or_else(|| Some(out.as_ref()?.with_extension("stats.csv")));
    let calibration_out = a.path("calibration-out").or_else(|| {
        let o = out.as_ref().filter(|_| !parsed.calibration.is_empty());
        Some(o?.with_extension("calibration.csv"))
    });
    match &out {
        Some(o) => write_atomic(o, |w| tidy::write(w, &parsed.results))?,
        None => tidy::write(std::io::stdout().lock(), &parsed.results)?,
    }
    if let Some(s) = &stats_out {
        write_atomic(s, |w| tidy::write(w, &parsed.stats))?;
    }
    if let Some(c) = &calibration_out {
        write_atomic(c, |w| tidy::write(w, &parsed.calibration))?;
    }
    let to = |p: Option<PathBuf>| p.map_or(String::new(), |p| format!(" -> {}", p.display()));
    eprintln!(
        "{log}: {} result rows{}, {} stats rows{}, {} calibration rows{}",
        parsed.results.len(),
        to(out),
        parsed.stats.len(),
        to(stats_out),
        parsed.calibration.len(),
        to(calibration_out),
    );
    Ok(())
}

fn cmd_merge(raw: &[String]) -> Result<()> {
    let a = Args::parse(raw, "")?;
    let [out, inputs @ ..] = a.positional.as_slice() else {
        bail!("merge needs OUT.csv and at least one IN.csv");
    };
    let inputs: Vec<PathBuf> = inputs.iter().map(PathBuf::from).collect();
    let (schema, n) = merge::merge(Path::new(out), &inputs)?;
    eprintln!(
        "merged {} {} CSV(s), {n} rows -> {out}",
        inputs.len(),
        schema.name
    );
    Ok(())
}

fn cmd_render(raw: &[String]) -> Result<()> {
    let a = Args::parse(
        raw,
        "data stats memory precision calibration runs loads keycost scaling out font stale",
    )?;
    if !a.positional.is_empty() {
        bail!("render takes no positional arguments");
    }
    let args = RenderArgs {
        data: PathBuf::from(a.req("data")?),
        stats: a.path("stats"),
        memory: a.path("memory"),
        precision: a.path("precision"),
        calibration: a.path("calibration"),
        runs: a.path("runs"),
        loads: a.path("loads"),
        keycost: a.path("keycost"),
        scaling: a.path("scaling"),
        stale: (a.stale.iter())
            .map(|v| match v.split_once('=') {
                Some((s, r)) if !s.is_empty() && !r.is_empty() => Ok((s.into(), r.into())),
                _ => bail!("--stale `{v}` is not SOURCE=REASON"),
            })
            .collect::<Result<_>>()?,
        out: PathBuf::from(a.req("out")?),
        font: a
            .path("font")
            .unwrap_or_else(|| PathBuf::from(plots::DEFAULT_FONT)),
    };
    let r = render(&args)?;
    if let Some(w) = &r.font_warning {
        eprintln!("warning: {w}");
    }
    eprintln!(
        "wrote {} and {} files under {}",
        r.report.display(),
        r.files.len(),
        args.out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = match argv.first().map(String::as_str) {
        Some("parse") => cmd_parse(&argv[1..]),
        Some("merge") => cmd_merge(&argv[1..]),
        Some("render") => cmd_render(&argv[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lockclass-report: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
