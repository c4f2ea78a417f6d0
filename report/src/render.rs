//! `render`: CSVs -> plots + REPORT.md + detail/*.md, staged in a private directory and
//! renamed into place at the end, so a failure never replaces a good report with a partial one.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::aggregate::Dataset;
use crate::page::{self, Inputs};
use crate::plots::{self, Figure};
use crate::tidy::{self, DataRow, Row};
use minijinja::Value;

pub struct RenderArgs {
    pub data: PathBuf,
    pub stats: Option<PathBuf>,
    pub memory: Option<PathBuf>,
    pub precision: Option<PathBuf>,
    pub calibration: Option<PathBuf>,
    pub runs: Option<PathBuf>,
    pub loads: Option<PathBuf>,
    pub keycost: Option<PathBuf>,
    pub scaling: Option<PathBuf>,
    /// `--stale SOURCE=REASON`, repeatable: that source's rows are from an earlier run.
    pub stale: Vec<(String, String)>,
    pub out: PathBuf,
    pub font: PathBuf,
}

/// What was written, for the command's summary line.
pub struct Rendered {
    pub report: PathBuf,
    pub files: Vec<PathBuf>,
    pub font_warning: Option<String>,
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
}

fn read_opt<T: Row>(path: &Option<PathBuf>, files: &mut Vec<String>) -> Result<Vec<T>> {
    let Some(p) = path else { return Ok(Vec::new()) };
    files.push(format!("`{}`", file_name(p)));
    tidy::read(p)
}

pub fn render(args: &RenderArgs) -> Result<Rendered> {
    // Read and validate every input before touching the output directory.
    let rows: Vec<DataRow> = tidy::read(&args.data)?;
    if rows.is_empty() {
        bail!("{} has a header but no data rows", args.data.display());
    }
    let mut files = vec![format!("`{}`", file_name(&args.data))];
    let inputs = Inputs {
        memory: read_opt(&args.memory, &mut files)?,
        stats: read_opt(&args.stats, &mut files)?,
        precision: read_opt(&args.precision, &mut files)?,
        calibration: read_opt(&args.calibration, &mut files)?,
        runs: read_opt(&args.runs, &mut files)?,
        loads: read_opt(&args.loads, &mut files)?,
        keycost: read_opt(&args.keycost, &mut files)?,
        scaling: read_opt(&args.scaling, &mut files)?,
        stale: args.stale.clone(),
        files,
    };
    let ds = Dataset::new(&rows);
    // Without a font no plot is drawn, and REPORT.md says so where the plots would be.
    let font_warning = plots::load_font(&args.font).err().map(|e| {
        format!("plots were not drawn: no font ({e:#}); install fonts-dejavu-core or pass --font")
    });
    fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let stage = args.out.join(format!(".render-tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&stage);
    let figures = match font_warning {
        None => plots::figures(&ds),
        Some(_) => Vec::new(),
    };
    let ctx = |plots: &[(String, String)]| {
        page::context(
            &ds,
            &inputs,
            plots,
            font_warning.as_deref().unwrap_or_default(),
        )
    };
    let result = build(figures, &stage, ctx).and_then(|staged| publish(&stage, &args.out, &staged));
    let _ = fs::remove_dir_all(&stage);
    let files = result?;
    Ok(Rendered {
        report: args.out.join("REPORT.md"),
        files,
        font_warning,
    })
}

/// Draws everything into `stage`; returns the staged file names relative to it.
fn build(
    figures: Vec<Figure>,
    stage: &Path,
    ctx: impl Fn(&[(String, String)]) -> Value,
) -> Result<Vec<String>> {
    for dir in ["plots", "detail"] {
        fs::create_dir_all(stage.join(dir))?;
    }
    let (mut staged, mut entries) = (Vec::new(), Vec::new());
    for fig in figures {
        let (svg, png) = (
            format!("plots/{}.svg", fig.stem),
            format!("plots/{}.png", fig.stem),
        );
        plots::write_svg(&fig, &stage.join(&svg))?;
        plots::write_png(&fig, &stage.join(&png))?;
        staged.extend([svg, png]);
        entries.push((fig.stem, fig.title));
    }
    let ctx = ctx(&entries);
    // REPORT.md goes last so that it only ever links files that are already in place.
    let pages = [
        ("detail/figures.md", "figures.md"),
        ("detail/README.md", "readme.md"),
        ("REPORT.md", "report.md"),
    ];
    for (name, template) in pages {
        fs::write(stage.join(name), page::render(template, &ctx)?)?;
        staged.push(name.into());
    }
    Ok(staged)
}

fn publish(stage: &Path, out: &Path, staged: &[String]) -> Result<Vec<PathBuf>> {
    for dir in ["plots", "detail"] {
        fs::create_dir_all(out.join(dir))?;
    }
    let mut moved = Vec::new();
    for rel in staged {
        let to = out.join(rel);
        fs::rename(stage.join(rel), &to)
            .with_context(|| format!("cannot move the new {rel} into {}", out.display()))?;
        moved.push(to);
    }
    Ok(moved)
}
