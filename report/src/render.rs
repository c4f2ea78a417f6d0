//! `render`: CSVs -> plots + REPORT.md + detail/*.md, staged in a private directory and renamed into place
//! at the end, so a failure never replaces a good report with a partial one.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::aggregate::Dataset;
use crate::plots;
use crate::report::{render_markdown, Extras, PlotEntry};
use crate::tidy;
use crate::tidy::{
    CalibrationRow, KeycostRow, MemoryRow, PrecisionRow, RunRow, ScalingRow, StatsRow,
};

pub struct RenderArgs {
    pub data: PathBuf,
    pub stats: Option<PathBuf>,
    pub memory: Option<PathBuf>,
    pub precision: Option<PathBuf>,
    pub calibration: Option<PathBuf>,
    pub runs: Option<PathBuf>,
    pub keycost: Option<PathBuf>,
    /// host-bench's paired all-core / one-thread ratios.
    pub scaling: Option<PathBuf>,
    pub out: PathBuf,
    pub font: PathBuf,
}

/// What was written, for the command's summary line.
pub struct Rendered {
    pub report: PathBuf,
    pub plot_files: Vec<PathBuf>,
    pub detail_files: Vec<PathBuf>,
    pub font_warning: Option<String>,
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

pub fn render(args: &RenderArgs) -> Result<Rendered> {
    // Read and validate every input before touching the output directory.
    let rows = tidy::read_data(&args.data)?;
    if rows.is_empty() {
        bail!("{} has a header but no data rows", args.data.display());
    }
    let stats = read_opt(args.stats.as_deref(), tidy::read_stats)?;
    let inputs = Inputs {
        stats,
        memory: read_opt(args.memory.as_deref(), tidy::read_memory)?,
        precision: read_opt(args.precision.as_deref(), tidy::read_precision)?,
        calibration: read_opt(args.calibration.as_deref(), tidy::read_calibration)?,
        runs: read_opt(args.runs.as_deref(), tidy::read_runs)?,
        keycost: read_opt(args.keycost.as_deref(), tidy::read_keycost)?,
        scaling: read_opt(args.scaling.as_deref(), tidy::read_scaling)?,
    };
    let ds = Dataset::new(&rows);

    let font_warning = plots::load_font(&args.font).err().map(|e| {
        format!(
            "PNG plots were not drawn: no font ({e:#}); install fonts-dejavu-core or pass --font"
        )
    });

    fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let stage = args.out.join(format!(".render-tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&stage);
    let result = build(&ds, args, &stage, &inputs, font_warning.as_deref())
        .and_then(|staged| publish(&stage, &args.out, &staged));
    let _ = fs::remove_dir_all(&stage);
    let (report, files) = result?;
    let (detail_files, plot_files) = files
        .into_iter()
        .partition(|p| p.parent().is_some_and(|d| d.ends_with("detail")));
    Ok(Rendered {
        report,
        plot_files,
        detail_files,
        font_warning,
    })
}

type Named<T> = Option<(String, Vec<T>)>;

/// The optional inputs, each with its file name.
struct Inputs {
    stats: Named<StatsRow>,
    memory: Named<MemoryRow>,
    precision: Named<PrecisionRow>,
    calibration: Named<CalibrationRow>,
    runs: Named<RunRow>,
    keycost: Named<KeycostRow>,
    scaling: Named<ScalingRow>,
}

fn read_opt<T>(path: Option<&Path>, read: fn(&Path) -> Result<Vec<T>>) -> Result<Named<T>> {
    path.map(|p| read(p).map(|r| (file_name(p), r))).transpose()
}

fn named<T>(n: &Named<T>) -> Option<(String, &[T])> {
    n.as_ref()
        .map(|(name, rows)| (name.clone(), rows.as_slice()))
}

/// Draws everything into `stage`; returns the staged file names relative to it.
fn build(
    ds: &Dataset,
    args: &RenderArgs,
    stage: &Path,
    inputs: &Inputs,
    font_warning: Option<&str>,
) -> Result<Vec<String>> {
    for dir in ["plots", "detail"] {
        let d = stage.join(dir);
        fs::create_dir_all(&d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    let mut entries = Vec::new();
    let mut staged = Vec::new();
    for fig in plots::figures(ds) {
        let mut files = Vec::new();
        let svg = format!("plots/{}.svg", fig.stem);
        plots::write_svg(&fig, &stage.join(&svg))?;
        files.push(svg);
        if font_warning.is_none() {
            let png = format!("plots/{}.png", fig.stem);
            plots::write_png(&fig, &stage.join(&png))?;
            files.push(png);
        }
        staged.extend(files.iter().cloned());
        entries.push(PlotEntry {
            stem: fig.stem.clone(),
            title: fig.title.clone(),
            files,
        });
    }
    let extras = Extras {
        data_name: file_name(&args.data),
        stats: named(&inputs.stats),
        memory: named(&inputs.memory),
        precision: named(&inputs.precision),
        calibration: named(&inputs.calibration),
        runs: named(&inputs.runs),
        keycost: named(&inputs.keycost),
        scaling: named(&inputs.scaling),
        plots: &entries,
        // The report names the font but not the OS error text: it is about the data.
        plot_note: font_warning.map(|_| {
            format!(
                "PNG plots were not drawn because the font `{}` could not be loaded. Only SVG files were written.",
                args.font.display()
            )
        }),
    };
    let rendered = render_markdown(ds, &extras);
    for (name, text) in &rendered.details {
        let rel = format!("detail/{name}");
        fs::write(stage.join(&rel), text)
            .with_context(|| format!("cannot write the staged {rel}"))?;
        staged.push(rel);
    }
    fs::write(stage.join("REPORT.md"), rendered.report)
        .context("cannot write the staged REPORT.md")?;
    // REPORT.md goes last so that it only ever links plots that are already in place.
    staged.push("REPORT.md".into());
    Ok(staged)
}

fn publish(stage: &Path, out: &Path, staged: &[String]) -> Result<(PathBuf, Vec<PathBuf>)> {
    for dir in ["plots", "detail"] {
        fs::create_dir_all(out.join(dir))
            .with_context(|| format!("cannot create {}", out.join(dir).display()))?;
    }
    let mut plot_files = Vec::new();
    let mut report = PathBuf::new();
    for rel in staged {
        let to = out.join(rel);
        fs::rename(stage.join(rel), &to)
            .with_context(|| format!("cannot move the new {rel} into {}", out.display()))?;
        if rel == "REPORT.md" {
            report = to;
        } else {
            plot_files.push(to);
        }
    }
    Ok((report, plot_files))
}
