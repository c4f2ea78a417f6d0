//! Markdown building blocks and the formatting of figures, shared by every part of the report.

use crate::aggregate::{median_sorted, Series, Summary, SPREAD_LIMIT};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A Markdown document being written.
#[derive(Default)]
pub struct Md(pub String);

impl Md {
    pub fn line(&mut self, s: impl AsRef<str>) {
        self.0.push_str(s.as_ref());
        self.0.push('\n');
    }

    pub fn blank(&mut self) {
        self.0.push('\n');
    }

    /// A paragraph: the text, then a blank line.
    pub fn para(&mut self, s: impl AsRef<str>) {
        self.line(s);
        self.blank();
    }

    pub fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        self.line(format!("| {} |", header.join(" | ")));
        self.line(format!(
            "|{}",
            header.iter().map(|_| " --- |").collect::<String>()
        ));
        for r in rows {
            self.line(format!("| {} |", r.join(" | ")));
        }
        self.blank();
    }
}

/// Column headings from string literals.
pub fn heads(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| s.to_string()).collect()
}

/// Three decimals, as the module prints them: for tables.
pub fn ns3(v: f64) -> String {
    format!("{v:.3}")
}

/// Nanoseconds for sentences: three significant digits or so.
pub fn ns(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

pub fn ratio(a: f64, b: f64) -> Option<f64> {
    (a > 0.0 && b > 0.0).then(|| a / b)
}

/// Two decimals, or two significant digits below one so small ratios do not print as zero.
pub fn fmt_ratio(r: Option<f64>) -> String {
    match r {
        None => "n/a".to_string(),
        Some(r) if r >= 1.0 => format!("{r:.2}x"),
        Some(r) => {
            let decimals = (1 - r.log10().floor() as i32).max(2) as usize;
            format!("{r:.decimals$}x")
        }
    }
}

/// A fraction as a whole percentage.
pub fn pct(f: f64) -> String {
    format!("{:.0} %", f * 100.0)
}

/// `median [min–max]` (or `[CI lo–hi]`), with the spread across loads when there are several
/// and a mark when it exceeds the limit: for tables.
pub fn cell(s: Option<&Summary>) -> String {
    let Some(s) = s else {
        return "no data".to_string();
    };
    let mut out = match s.ci {
        Some((lo, hi)) => format!("{} [CI {}–{}]", ns3(s.median), ns3(lo), ns3(hi)),
        None if s.runs > 1 => format!("{} [{}–{}]", ns3(s.median), ns3(s.min), ns3(s.max)),
        None => ns3(s.median),
    };
    if let Some(sp) = s.spread() {
        out.push_str(&format!(" ±{}", pct(sp / 2.0)));
        if s.noisy() {
            out.push_str(" (noisy)");
        }
    }
    if let Some(i) = s.instructions {
        out.push_str(&format!(", {i:.0} instr"));
    }
    if s.short_runs > 0 {
        out.push_str(" (short batch)");
    }
    out
}

/// A figure in a sentence: `106 ns [real CPU, UML]`, saying when its loads disagree.
pub fn fig(s: &Summary, series: &Series) -> String {
    let mut tag = series.tag();
    if s.short_runs > 0 {
        tag.push_str(&format!(
            "; {} of {} runs shorter than the clock needs",
            s.short_runs, s.runs
        ));
    }
    if s.noisy() {
        tag.push_str(&format!(
            "; noisy: spread {} over {} loads",
            pct(s.spread().unwrap_or(0.0)),
            s.loads
        ));
    }
    format!("{} ns [{tag}]", ns(s.median))
}

/// A bare figure for lists where the tag is given once: `106 ns`, marked when noisy.
pub fn fig_bare(s: &Summary) -> String {
    if s.short_runs > 0 {
        format!("{} ns (short batch)", ns(s.median))
    } else if s.noisy() {
        format!("{} ns (noisy)", ns(s.median))
    } else {
        format!("{} ns", ns(s.median))
    }
}

/// How two medians compare, given their noise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// `a` is faster: b / a.
    Faster(f64),
    /// `a` is slower: a / b.
    Slower(f64),
    /// The difference is inside the spread of the loads.
    Same,
    /// At least one figure's loads disagree by more than the limit.
    Noisy,
}

/// Noise leaves a comparison open only where it could change it: when every load of one
/// figure is faster than every load of the other, the loads agree on the answer however far
/// apart they are. The host's speed drifts over seconds (docs/guests.md), which moves whole
/// loads; two strategies measured in the same load ran seconds apart, so when both were
/// measured in at least three common loads and one is faster in every one of them, that
/// decides too.
pub fn compare(a: &Summary, b: &Summary) -> Verdict {
    let (Some(r), true) = (ratio(b.median, a.median), a.median > 0.0) else {
        return Verdict::Same;
    };
    if a.load_max < b.load_min {
        return Verdict::Faster(r);
    }
    if a.load_min > b.load_max {
        return Verdict::Slower(1.0 / r);
    }
    match paired(a, b) {
        Some(Ordering::Less) => return Verdict::Faster(r),
        Some(Ordering::Greater) => return Verdict::Slower(1.0 / r),
        _ => {}
    }
    if a.noisy() || b.noisy() {
        return Verdict::Noisy;
    }
    // A difference smaller than either figure's spread across loads is not a difference.
    let noise = a.spread().unwrap_or(0.0).max(b.spread().unwrap_or(0.0));
    if (r - 1.0).abs() <= noise {
        Verdict::Same
    } else if r > 1.0 {
        Verdict::Faster(r)
    } else {
        Verdict::Slower(1.0 / r)
    }
}

/// `Less` when `a` is faster than `b` in every load that measured both (at least three),
/// `Greater` when slower in every one, else `None`.
fn paired(a: &Summary, b: &Summary) -> Option<Ordering> {
    let pairs = common_loads(a, b);
    if pairs.len() < 3 {
        return None;
    }
    if pairs.iter().all(|(x, y)| x < y) {
        Some(Ordering::Less)
    } else if pairs.iter().all(|(x, y)| x > y) {
        Some(Ordering::Greater)
    } else {
        None
    }
}

/// `a / b` load by load, over the loads that measured both: (median, lowest, highest, loads).
/// `None` below three common loads. Two strategies measured in one load ran seconds apart, so
/// their per-load ratio is steadier than the ratio of two figures whose loads drifted apart.
pub fn load_ratios(a: &Summary, b: &Summary) -> Option<(f64, f64, f64, usize)> {
    let mut r: Vec<f64> = common_loads(a, b)
        .into_iter()
        .filter_map(|(x, y)| ratio(x, y))
        .collect();
    if r.len() < 3 {
        return None;
    }
    r.sort_by(f64::total_cmp);
    let n = r.len();
    Some((median_sorted(&r), r[0], r[n - 1], n))
}

/// (a's, b's) load median for every load that measured both.
fn common_loads(a: &Summary, b: &Summary) -> Vec<(f64, f64)> {
    let theirs: BTreeMap<_, f64> = b.per_load.iter().copied().collect();
    a.per_load
        .iter()
        .filter_map(|(id, x)| theirs.get(id).map(|y| (*x, *y)))
        .collect()
}

/// A ratio column's cell: the per-load ratio's median and range where the two were measured
/// in the same loads, else the ratio of their figures.
pub fn ratio_cell(a: &Summary, b: &Summary) -> String {
    match load_ratios(a, b) {
        Some((m, lo, hi, n)) => format!(
            "{} [{}–{}, {n} loads]",
            fmt_ratio(Some(m)),
            fmt_ratio(Some(lo)),
            fmt_ratio(Some(hi))
        ),
        None => fmt_ratio(ratio(a.median, b.median)),
    }
}

/// "a is 1.41x faster than b" and its variants.
pub fn speed_phrase(a: &str, b: &str, v: Verdict) -> String {
    match v {
        Verdict::Faster(r) => format!("{a} is {r:.2}x faster than {b}"),
        Verdict::Slower(r) => format!("{a} is {r:.2}x slower than {b}"),
        Verdict::Same => format!("{a} and {b} are level, within their spread"),
        Verdict::Noisy => format!(
            "the data do not decide between {a} and {b}, as a figure's loads spread by more than {}",
            pct(SPREAD_LIMIT)
        ),
    }
}

pub fn threads_word(t: u32) -> &'static str {
    if t == 1 {
        "thread"
    } else {
        "threads"
    }
}

/// "a, b and c".
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
