//! REPORT.md and results/detail/, generated from the CSVs only.
//!
//! REPORT.md opens with what was measured, the five answers and a recommendation, then one
//! summary table; the per-source tables live in detail/. Every figure is a cell statistic
//! (median of load medians), a ratio of two, a CSV value or a count of rows, and carries its
//! source's tag so an emulated figure is never read as a hardware one.

pub mod answers;
pub mod basis;
mod context;
pub mod detail;
mod fallback;
pub mod md;
pub mod precision;
mod recommend;
mod summary;

use crate::aggregate::Dataset;
use crate::tidy::{CalibrationRow, MemoryRow, PrecisionRow, RunRow, StatsRow};
use basis::Basis;
use md::Md;

/// Inputs besides the tidy data, each with its file name; `None` means not given.
pub struct Extras<'a> {
    pub data_name: String,
    pub stats: Option<(String, &'a [StatsRow])>,
    pub memory: Option<(String, &'a [MemoryRow])>,
    pub precision: Option<(String, &'a [PrecisionRow])>,
    pub calibration: Option<(String, &'a [CalibrationRow])>,
    pub runs: Option<(String, &'a [RunRow])>,
    pub plots: &'a [PlotEntry],
    pub plot_note: Option<String>,
}

impl Extras<'_> {
    /// "`data.csv`, `stats.csv`" for the generated-from line.
    pub fn inputs(&self) -> String {
        let mut v = vec![format!("`{}`", self.data_name)];
        for n in [
            self.stats.as_ref().map(|x| &x.0),
            self.memory.as_ref().map(|x| &x.0),
            self.precision.as_ref().map(|x| &x.0),
            self.calibration.as_ref().map(|x| &x.0),
            self.runs.as_ref().map(|x| &x.0),
        ]
        .into_iter()
        .flatten()
        {
            v.push(format!("`{n}`"));
        }
        v.join(", ")
    }
}

/// One drawn figure; `files` are paths relative to REPORT.md.
pub struct PlotEntry {
    pub stem: String,
    pub title: String,
    pub files: Vec<String>,
}

/// The report and its detail files (name, Markdown).
pub struct Rendered {
    pub report: String,
    pub details: Vec<(String, String)>,
}

pub fn render_markdown(ds: &Dataset, ex: &Extras) -> Rendered {
    let b = Basis::choose(ds);
    let mut md = Md::default();
    md.para("# Lock-class strategies for Rust-for-Linux locks: measured answers");
    md.para(intro(b.as_ref(), ds, ex));
    answers_section(&mut md, b.as_ref(), ds, ex);
    recommend::recommendation(&mut md, b.as_ref(), ds, ex);
    summary::summary(&mut md, b.as_ref(), ex);
    precision::section(
        &mut md,
        ex.precision.as_ref().map(|(_, r)| *r),
        ex.precision.as_ref().map(|(n, _)| n.as_str()),
    );
    context::context(&mut md, b.as_ref(), ds, ex);
    links(&mut md, ex);
    Rendered {
        report: md.0,
        details: detail::files(ds, ex),
    }
}

/// The opening paragraph: what was measured, on what, and what the figure tags mean.
fn intro(b: Option<&Basis>, ds: &Dataset, ex: &Extras) -> String {
    let mut s = "Measured: what it costs to give a Rust lock its lockdep class under each strategy (macro keys; the RFC's `#[track_caller]` table guarded by a mutex or a spinlock; the same table as `rcu`, read without locks like lockdep's own key hash and needing no grace period, since its records are freed only when the whole table is reset with no reader running; the `Location` as a static key; per-object dynamic keys; and our address-keyed `cached` table in front of the `rcu` one), timed by a kernel module".to_string();
    match b {
        Some(b) => {
            let info = &ds.series[b.series];
            let kernels: Vec<&str> = info.kernels.iter().map(String::as_str).collect();
            let cpus: Vec<&str> = info.cpus.iter().map(String::as_str).collect();
            s.push_str(&format!(
                " in Linux {} with lockdep on (`{}` kernel). Headline source: `{}`, {}, on {}; {} load(s) in {} boot(s).",
                if kernels.is_empty() { "?".into() } else { kernels.join(", ") },
                b.series.flavour,
                b.series.id(),
                b.series.kind(),
                if cpus.is_empty() { "an unrecorded CPU".into() } else { cpus.join(", ") },
                info.loads.len(),
                info.boots.len().max(1)
            ));
            if !b.real {
                s.push_str(" The real-CPU source (`guest-uml`) is missing from this data: every kernel figure below is emulated and ranks strategies without timing hardware.");
            }
        }
        None => s.push_str(": no kernel source with lockdep is in this data."),
    }
    let others: Vec<String> = ds
        .series
        .keys()
        .filter(|s| b.is_none_or(|b| *s != b.series))
        .map(|s| format!("`{}` [{}]: {}", s.id(), s.tag(), s.kind()))
        .collect();
    if !others.is_empty() {
        s.push_str(&format!(" Other sources: {}.", others.join("; ")));
    }
    if let Some(b) = b {
        s.push_str(&format!(
            " Each figure carries its source in brackets ([{}] is the headline), and `noisy` with its spread when the medians of its loads spread by more than {} of it.",
            b.series.tag(),
            md::pct(crate::aggregate::SPREAD_LIMIT)
        ));
    }
    s.push_str(&format!(
        " Generated by `lockclass-report render` from {}; do not edit by hand.",
        ex.inputs()
    ));
    s
}

fn answers_section(md: &mut Md, b: Option<&Basis>, ds: &Dataset, ex: &Extras) {
    md.para("## Answers");
    let answers = [
        ("Mutex or spinlock around the table?", answers::q1(b, ds)),
        ("The static `Location` as the key?", answers::q2(b, ex)),
        (
            "How often does class creation fail, and what does the fallback cost?",
            fallback::q3(b, ds, ex),
        ),
        ("What do macro keys cost, by comparison?", answers::q4(b)),
        (
            "How does it scale with call sites, CPUs and memory?",
            answers::q5(b, ds, ex),
        ),
    ];
    for (i, (q, a)) in answers.iter().enumerate() {
        md.para(format!("{}. **{q}** {a}", i + 1));
    }
}

fn links(md: &mut Md, ex: &Extras) {
    md.para("## Detail and plots");
    md.para("Per-question and per-source tables: [detail/README.md](detail/README.md) (questions one to five, `cached`, lockdep precision, noise across loads and boots).");
    if let Some(note) = &ex.plot_note {
        md.para(note);
    }
    if ex.plots.is_empty() {
        md.para("No plots: the data has nothing to draw.");
        return;
    }
    for p in ex.plots {
        let links: Vec<String> = p.files.iter().map(|f| format!("[{f}]({f})")).collect();
        md.line(format!("- {}: {}", p.title, links.join(", ")));
    }
    md.blank();
}
