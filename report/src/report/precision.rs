//! Lockdep precision (results/precision.csv): what each strategy's classes let lockdep see,
//! judged against the expectation written down for each scenario.

use std::collections::BTreeSet;

use super::md::{heads, Md};
use crate::aggregate::strategy_rank;
use crate::tidy::PrecisionRow;

/// How one outcome compares with its scenario's expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judged {
    /// A report was expected and came.
    Caught,
    /// No report was expected and none came.
    Quiet,
    /// A report was expected and a report of another kind came.
    Otherwise,
    /// A report was expected and none came.
    Missed,
    /// Correct code was reported.
    FalseReport,
    /// Lockdep switched itself off (the class limit).
    LockdepOff,
    /// An expectation or outcome this report does not know; shown as written.
    Unclear,
}

impl Judged {
    pub fn word(self) -> &'static str {
        match self {
            Judged::Caught => "caught",
            Judged::Quiet => "quiet (correct)",
            Judged::Otherwise => "reported otherwise",
            Judged::Missed => "MISSED",
            Judged::FalseReport => "FALSE REPORT",
            Judged::LockdepOff => "lockdep off",
            Judged::Unclear => "unclear",
        }
    }

    pub fn as_expected(self) -> bool {
        matches!(self, Judged::Caught | Judged::Quiet)
    }
}

/// Whether a word says lockdep reports (`Some(true)`), stays silent, or neither.
fn reports(word: &str) -> Option<bool> {
    let w = word.to_ascii_lowercase();
    if w.starts_with("reported") || ["deadlock", "report", "yes", "true"].contains(&w.as_str()) {
        Some(true)
    } else if ["silent", "safe", "no", "false", "none"].contains(&w.as_str()) {
        Some(false)
    } else {
        None
    }
}

pub fn judge(r: &PrecisionRow) -> Judged {
    if r.outcome == "lockdep-off" {
        return if r.expected == "lockdep-off" {
            Judged::Caught
        } else {
            Judged::LockdepOff
        };
    }
    match (reports(&r.expected), reports(&r.outcome)) {
        (Some(true), Some(true)) if r.expected == r.outcome => Judged::Caught,
        (Some(true), Some(true)) => Judged::Otherwise,
        (Some(false), Some(false)) => Judged::Quiet,
        (Some(true), Some(false)) => Judged::Missed,
        (Some(false), Some(true)) => Judged::FalseReport,
        _ if r.expected == r.outcome => Judged::Caught,
        _ => Judged::Unclear,
    }
}

/// Rows of one strategy.
fn of<'a>(rows: &'a [PrecisionRow], strategy: &'a str) -> impl Iterator<Item = &'a PrecisionRow> {
    rows.iter().filter(move |r| r.strategy == strategy)
}

/// The summary table's precision cell: `5/6 as expected; missed two-locations`.
pub fn summary_cell(rows: Option<&[PrecisionRow]>, strategy: &str) -> String {
    let Some(rows) = rows else {
        return "not measured".into();
    };
    let mine: Vec<&PrecisionRow> = of(rows, strategy).collect();
    if mine.is_empty() {
        return "no rows".into();
    }
    let ok = mine.iter().filter(|r| judge(r).as_expected()).count();
    let mut out = format!("{ok}/{} as expected", mine.len());
    for kind in [
        Judged::Missed,
        Judged::FalseReport,
        Judged::Otherwise,
        Judged::LockdepOff,
    ] {
        let names: Vec<String> = mine
            .iter()
            .filter(|r| judge(r) == kind)
            .map(|r| format!("`{}`", r.scenario))
            .collect();
        if !names.is_empty() {
            out.push_str(&format!(
                "; {} {}",
                kind.word().to_lowercase(),
                names.join(", ")
            ));
        }
    }
    out
}

/// Scenarios in which `strategy` did not do what was expected, as `(scenario, judged)`.
pub fn deviations<'a>(rows: &'a [PrecisionRow], strategy: &str) -> Vec<(&'a str, Judged)> {
    rows.iter()
        .filter(|r| r.strategy == strategy)
        .map(|r| (r.scenario.as_str(), judge(r)))
        .filter(|(_, j)| !j.as_expected())
        .collect()
}

/// One row of a scenario and strategy, if measured.
pub fn find<'a>(
    rows: &'a [PrecisionRow],
    scenario: &str,
    strategy: &str,
) -> Option<&'a PrecisionRow> {
    rows.iter()
        .find(|r| r.scenario == scenario && r.strategy == strategy)
}

/// A reason phrase like "MISSED (expected reported-circular, got silent)".
pub fn describe(r: &PrecisionRow) -> String {
    format!(
        "{} (expected `{}`, lockdep's outcome `{}`)",
        judge(r).word().to_lowercase(),
        r.expected,
        r.outcome
    )
}

/// What a strategy's class stands for: the granularity lockdep reasons with.
fn granularity(strategy: &str) -> &'static str {
    match strategy {
        "mutex" | "spinlock" | "rcu" | "cached" => {
            "one class per source site (file, line, column), found in a table"
        }
        "pool" => {
            "one class per source site (file, line, column): a static key from a fixed pool, claimed by content hash and kept until the pool's module unloads, so a site of an unloaded peer module keeps its class, as with `cached`"
        }
        "macro" => "one class per macro expansion site, a static key",
        "location" => {
            "one class per `Location` object: a site compiled into two crates is two classes"
        }
        "dynamic" => "one class per lock object, registered and unregistered with it",
        s if s.contains("leak_keys") => "the RFC as posted: per-site classes never unregistered",
        _ => "not described",
    }
}

/// The REPORT.md section: the strategy x scenario matrix, linked to the detail file.
pub fn section(md: &mut Md, rows: Option<&[PrecisionRow]>, input: Option<&str>) {
    md.para("## Lockdep precision");
    let Some(rows) = rows else {
        md.para("Not measured: no precision CSV was given (`--precision`), so what each strategy's classes let lockdep see is not in this report.");
        return;
    };
    md.para(format!(
        "From `{}`: one fresh boot per scenario x strategy, lockdep's outcome against the expectation written down before the run (caught / quiet (correct) / reported otherwise / MISSED / FALSE REPORT / lockdep off). Per strategy, what its granularity costs a reader of a splat: [detail/precision.md](detail/precision.md).",
        input.unwrap_or("precision.csv")
    ));
    matrix(md, rows);
}

fn matrix(md: &mut Md, rows: &[PrecisionRow]) {
    let scenarios: Vec<String> =
        rows.iter()
            .map(|r| r.scenario.clone())
            .fold(Vec::new(), |mut v, s| {
                if !v.contains(&s) {
                    v.push(s);
                }
                v
            });
    let strategies: BTreeSet<(usize, String)> =
        rows.iter().map(|r| strategy_rank(&r.strategy)).collect();
    let mut header = heads(&["strategy"]);
    header.extend(scenarios.iter().map(|s| format!("`{s}`")));
    let table: Vec<Vec<String>> = strategies
        .iter()
        .map(|(_, st)| {
            let mut row = vec![st.clone()];
            row.extend(scenarios.iter().map(|sc| match find(rows, sc, st) {
                None => "no row".into(),
                Some(r) => {
                    let mut c = judge(r).word().to_string();
                    if r.outcome.starts_with("reported") && !r.names_sites.is_empty() {
                        c.push_str(&format!(", names sites: {}", r.names_sites));
                    }
                    if let Some(n) = r.count {
                        c.push_str(&format!(", count {n}"));
                    }
                    c
                }
            }));
            row
        })
        .collect();
    md.table(&header, &table);
}

/// The detail file: the matrix, class-limit counts, and per strategy what it costs a reader.
pub fn detail(md: &mut Md, rows: Option<&[PrecisionRow]>, input: Option<&str>) {
    md.para("# Lockdep precision");
    let Some(rows) = rows else {
        md.para("No data: no precision CSV was given (`--precision`), so what each strategy's classes let lockdep see is not measured in this report.");
        return;
    };
    md.para(format!(
        "From `{}`: one fresh boot per scenario x strategy; each cell compares lockdep's outcome with the expectation written down before the run. A cell reads caught / quiet (correct) / reported otherwise / MISSED / FALSE REPORT / lockdep off; `names sites` says whether the splat named both source sites (`yes`: file:line:column, `line`: file:line only, `no`: a generic name).",
        input.unwrap_or("precision.csv")
    ));
    matrix(md, rows);
    let strategies: BTreeSet<(usize, String)> =
        rows.iter().map(|r| strategy_rank(&r.strategy)).collect();
    md.para("## Per strategy");
    for (_, st) in &strategies {
        // Notes say why a cell differs from its expectation: shown for those cells only.
        let notes: Vec<String> = of(rows, st)
            .filter(|r| !judge(r).as_expected() && !r.note.is_empty())
            .map(|r| format!("`{}`: {}", r.scenario, r.note))
            .collect();
        let mut line = format!(
            "- `{st}` ({}): {}",
            granularity(st),
            summary_cell(Some(rows), st)
        );
        if notes.is_empty() {
            line.push_str(if deviations(rows, st).is_empty() {
                "; every outcome as expected"
            } else {
                ""
            });
        } else {
            line.push_str(&format!(". Why: {}", notes.join("; ")));
        }
        md.line(line + ".");
    }
    md.blank();
}
