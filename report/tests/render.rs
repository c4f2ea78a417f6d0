//! `render`: REPORT.md has every section, every number in it is derived from the CSVs, plots
//! are real files, and a bad input never replaces a good report.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{fixture, numeric_tokens, run, stderr, temp_dir, META};

const SECTIONS: [&str; 10] = [
    "## Sources present",
    "## Question 1: ",
    "## Question 2: ",
    "## Question 3: ",
    "## Question 4: ",
    "## Question 5: ",
    "## The `cached` strategy",
    "## Memory",
    "## Methodology",
    "## Plots",
];

/// Renders that only check the report skip the PNGs (slow in debug builds) with a bad font.
const NO_FONT: &str = "/nonexistent/font.ttf";

/// Plain CSV reading for the test's own derivations (independent of the crate's reader).
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows = rdr
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Everything the report may print, derived here from the CSVs alone.
#[derive(Default)]
struct Allowed {
    /// Exact strings: CSV cells (and their numeric parts) and row counts.
    exact: BTreeSet<String>,
    /// Cell statistics and stats-column ratios, matched at the printed precision.
    values: Vec<f64>,
    /// Ratios of two cell medians that differ in one key (series, strategy, threads, sites).
    ratios: Vec<f64>,
}

impl Allowed {
    fn add_raw(&mut self, cell: &str) {
        for (t, _) in numeric_tokens(cell) {
            self.exact.insert(t);
        }
    }

    fn from_inputs(data: &Path, stats: Option<&Path>, memory: Option<&Path>) -> Allowed {
        let mut a = Allowed::default();
        let (h, rows) = read_csv(data);
        type Key = (String, String, String, String, String, String);
        let mut cells: BTreeMap<Key, Vec<&Vec<String>>> = BTreeMap::new();
        let mut per_series: BTreeMap<(String, String), usize> = BTreeMap::new();
        for r in &rows {
            r.iter().for_each(|c| a.add_raw(c));
            let flavour = if r[col(&h, "flavour")] == "-" {
                String::new()
            } else {
                r[col(&h, "flavour")].clone()
            };
            let key = (
                r[col(&h, "source")].clone(),
                flavour.clone(),
                r[col(&h, "strategy")].clone(),
                r[col(&h, "mode")].clone(),
                r[col(&h, "threads")].clone(),
                r[col(&h, "sites")].clone(),
            );
            cells.entry(key).or_default().push(r);
            *per_series
                .entry((r[col(&h, "source")].clone(), flavour))
                .or_default() += 1;
        }
        for n in per_series.values() {
            a.exact.insert(n.to_string());
        }
        let mut medians = Vec::new();
        for (k, rs) in &cells {
            let mut v: Vec<f64> = rs
                .iter()
                .map(|r| r[col(&h, "ns_per_op")].parse().unwrap())
                .collect();
            a.exact.insert(v.len().to_string());
            let m = median(&mut v);
            a.values.extend([m, v[0], v[v.len() - 1]]);
            for c in ["ci_low", "ci_high"] {
                for r in rs {
                    if let Ok(x) = r[col(&h, c)].parse::<f64>() {
                        a.values.push(x);
                    }
                }
            }
            medians.push((k.clone(), m));
        }
        for (ka, ma) in &medians {
            for (kb, mb) in &medians {
                let differ = [
                    ka.0 != kb.0 || ka.1 != kb.1,
                    ka.2 != kb.2,
                    ka.4 != kb.4,
                    ka.5 != kb.5,
                ]
                .iter()
                .filter(|d| **d)
                .count();
                if ka.3 == kb.3 && differ == 1 && *mb > 0.0 {
                    a.ratios.push(ma / mb);
                }
            }
        }
        if let Some(p) = stats {
            let (h, rows) = read_csv(p);
            let mut sums: BTreeMap<String, (u64, u64)> = BTreeMap::new();
            for r in &rows {
                r.iter().for_each(|c| a.add_raw(c));
                let n = |c: &str| r[col(&h, c)].parse::<f64>().unwrap();
                if n("classes") > 0.0 {
                    a.values.push(n("table_bytes") / n("classes"));
                }
                if n("buckets") > 0.0 {
                    a.values.push(n("classes") / n("buckets"));
                }
                let e = sums.entry(format!("{}/{}", r[0], r[1])).or_default();
                e.0 += n("fallbacks") as u64;
                e.1 += n("classes") as u64;
            }
            for (fb, cl) in sums.values() {
                a.exact.insert(fb.to_string());
                a.exact.insert(cl.to_string());
            }
        }
        if let Some(p) = memory {
            let (h, rows) = read_csv(p);
            for r in &rows {
                r.iter().for_each(|c| a.add_raw(c));
                let n = |c: &str| r[col(&h, c)].parse::<f64>().unwrap();
                if n("classes") > 0.0 {
                    a.values.push(n("table_bytes") / n("classes"));
                }
            }
        }
        a
    }

    /// True if `tok` is an allowed string or an allowed value rounded to tok's decimals.
    fn admits(&self, tok: &str, ratio: bool) -> bool {
        if self.exact.contains(tok) {
            return true;
        }
        let Some((_, frac)) = tok.split_once('.') else {
            return false;
        };
        let Ok(t) = tok.parse::<f64>() else {
            return false;
        };
        let half_ulp = 0.5 * 10f64.powi(-(frac.len() as i32)) * (1.0 + 1e-9);
        let pool = if ratio { &self.ratios } else { &self.values };
        pool.iter().any(|v| (v - t).abs() <= half_ulp)
    }
}

/// Fails on any number in the report that the CSVs do not account for.
fn assert_numbers_derived(report: &str, allowed: &Allowed) {
    let mut bad = Vec::new();
    for line in report.lines() {
        // Section numbers are the only digits of fixed text.
        let line = match line.strip_prefix("## Question ") {
            Some(rest) => rest.split_once(':').map_or(rest, |x| x.1),
            None => line,
        };
        for (tok, ratio) in numeric_tokens(line) {
            if !allowed.admits(&tok, ratio) {
                bad.push(format!("{tok}{} in: {line}", if ratio { "x" } else { "" }));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "numbers not derived from the CSVs:\n{}",
        bad.join("\n")
    );
}

fn render_args<'a>(data: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["render", "--data", data, "--out", out];
    v.extend(extra);
    v
}

fn assert_plots_valid(out: &Path, report: &str, want_png: bool) -> usize {
    let dir = out.join("plots");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        assert!(bytes.len() > 1000, "{name} is nearly empty");
        match p.extension().and_then(|x| x.to_str()) {
            Some("svg") => {
                let s = String::from_utf8(bytes).unwrap();
                assert!(
                    s.starts_with("<svg") && s.trim_end().ends_with("</svg>"),
                    "{name}"
                );
                assert!(s.contains("<text"), "{name} has no text");
            }
            Some("png") => {
                assert!(want_png, "{name}: no PNG expected");
                assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{name}");
            }
            _ => panic!("unexpected file {name}"),
        }
        assert!(
            report.contains(&format!("(plots/{name})")),
            "{name} not linked"
        );
        n += 1;
    }
    n
}

#[test]
fn small_fixture_renders_full_report() {
    let out = temp_dir("render");
    let data = fixture("data-small.csv");
    let stats = fixture("stats-small.csv");
    let memory = fixture("memory.csv");
    let o = run(&render_args(
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        &[
            "--stats",
            stats.to_str().unwrap(),
            "--memory",
            memory.to_str().unwrap(),
        ],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    for s in SECTIONS {
        assert!(report.contains(s), "missing section {s}");
    }
    assert!(report.contains("emulated guest: QEMU TCG, icount"));
    assert!(report.contains("real hardware: host"));
    assert!(report.contains("guest time advances per executed instruction"));

    let allowed = Allowed::from_inputs(&data, Some(&stats), Some(&memory));
    assert_numbers_derived(&report, &allowed);

    // Spot checks against figures computed here from the fixture.
    let (h, rows) = read_csv(&data);
    let cell = |src: &str, s: &str, m: &str, t: &str, n: &str| {
        let mut v: Vec<f64> = rows
            .iter()
            .filter(|r| {
                r[col(&h, "source")] == src
                    && r[col(&h, "strategy")] == s
                    && r[col(&h, "mode")] == m
                    && r[col(&h, "threads")] == t
                    && r[col(&h, "sites")] == n
            })
            .map(|r| r[col(&h, "ns_per_op")].parse().unwrap())
            .collect();
        median(&mut v)
    };
    let mutex = cell("guest-icount", "mutex", "lookup", "1", "1024");
    let spin = cell("guest-icount", "spinlock", "lookup", "1", "1024");
    let headline = format!(
        "spinlock lookup is {:.2}x faster than mutex at 1024 sites, 1 thread",
        mutex / spin
    );
    assert!(report.contains(&headline), "missing: {headline}");
    assert!(report.contains(&format!("median {mutex:.3} ns/op")));
    // Concurrent scaling of spinlock, threads 2 / threads 1.
    let growth = cell("guest-icount", "spinlock", "concurrent", "2", "1024")
        / cell("guest-icount", "spinlock", "concurrent", "1", "1024");
    assert!(report.contains(&format!("| {growth:.2}x |")));
    // Memory: bytes per class of the cached table (43072 / 1024).
    assert!(report.contains("| 43072 | 701 | 1024 | 42.1 |"));
    // The fallbacks of the stats fixture are summed per series.
    assert!(report.contains("the fallback key was used 2 times"));
    // Mutex never runs in atomic mode; the report says why instead of inventing a number.
    assert!(report.contains("mutex has no rows in atomic mode"));

    let n = assert_plots_valid(&out, &report, true);
    // strategies x2, threads x2, sites x2, guest-vs-host x1; each as SVG and PNG.
    assert_eq!(n, 14);
    // Nothing staged is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn parsed_fixture_log_renders_end_to_end() {
    let dir = temp_dir("e2e");
    let guest = dir.join("guest-icount-lockdep.csv");
    let log = fixture("guest-icount-lockdep.log");
    let mut args = vec!["parse", log.to_str().unwrap()];
    args.extend(META);
    args.extend(["--out", guest.to_str().unwrap()]);
    assert!(run(&args).status.success());
    let data = dir.join("data.csv");
    let host = fixture("host.csv");
    let o = run(&[
        "merge",
        data.to_str().unwrap(),
        guest.to_str().unwrap(),
        host.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stats = dir.join("guest-icount-lockdep.stats.csv");
    let out = dir.join("results");
    let o = run(&render_args(
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        &["--stats", stats.to_str().unwrap(), "--font", NO_FONT],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert_numbers_derived(&report, &Allowed::from_inputs(&data, Some(&stats), None));
    assert!(report.contains("No data for host memory: no memory CSV was given."));
    assert!(report.contains("| host | 6.1.0-28-amd64 |") || report.contains("`host`"));
}

#[test]
fn missing_data_gives_no_data_sentences_not_numbers() {
    // Guest lookup rows only: no host, no stats, no memory, no concurrent, no macro.
    let dir = temp_dir("sparse");
    let (h, rows) = read_csv(&fixture("data-small.csv"));
    let mut w = csv::Writer::from_path(dir.join("sparse.csv")).unwrap();
    w.write_record(&h).unwrap();
    for r in rows.iter().filter(|r| {
        r[0] == "guest-icount"
            && r[col(&h, "mode")] == "lookup"
            && r[col(&h, "strategy")] != "macro"
    }) {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let data = dir.join("sparse.csv");
    let out = dir.join("out");
    let o = run(&render_args(
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        &["--font", NO_FONT],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    for s in SECTIONS {
        assert!(report.contains(s), "missing section {s}");
    }
    for want in [
        "No data for the macro strategy in any source.",
        "No data for fallbacks or lost races: no stats CSV was given.",
        "No data for this comparison: no host rows.",
        "No data for concurrent mode at more than one thread count in any source.",
        "No data for guest memory: no stats CSV was given.",
        "No data for host memory: no memory CSV was given.",
        "no data for comparing spinlock and mutex in create mode",
        "No data for create mode in any source.",
        "Not present in this data: `guest-tcg`, `guest-kvm`, `host`.",
    ] {
        assert!(report.contains(want), "missing: {want}");
    }
    assert_numbers_derived(&report, &Allowed::from_inputs(&data, None, None));
}

fn assert_render_fails_and_keeps_report(data: &Path, extra: &[&str], why: &str) {
    let out = temp_dir("keep");
    let good = "# a good earlier report\n";
    std::fs::write(out.join("REPORT.md"), good).unwrap();
    let o = run(&render_args(
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        extra,
    ));
    assert!(!o.status.success(), "render must fail: {why}");
    assert!(stderr(&o).contains("error"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("REPORT.md")).unwrap(),
        good
    );
    assert!(
        !out.join("plots").exists(),
        "{why}: plots written for a failed render"
    );
}

#[test]
fn bad_inputs_fail_and_leave_report_untouched() {
    let dir = temp_dir("bad");
    assert_render_fails_and_keeps_report(&dir.join("missing.csv"), &[], "missing CSV");

    let text = std::fs::read_to_string(fixture("data-small.csv")).unwrap();
    let bad_number = dir.join("bad-number.csv");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[5] = lines[5].replacen(",4000,", ",4000,fast", 1);
    std::fs::write(&bad_number, lines.join("\n")).unwrap();
    assert_render_fails_and_keeps_report(&bad_number, &[], "bad ns_per_op");

    let bad_header = dir.join("bad-header.csv");
    std::fs::write(&bad_header, text.replacen("ns_per_op", "ns", 1)).unwrap();
    assert_render_fails_and_keeps_report(&bad_header, &[], "bad header");

    let short_row = dir.join("short-row.csv");
    std::fs::write(&short_row, format!("{text}guest-icount,6.12.117,lockdep\n")).unwrap();
    assert_render_fails_and_keeps_report(&short_row, &[], "short row");

    let header_only = dir.join("header-only.csv");
    std::fs::write(&header_only, text.lines().next().unwrap()).unwrap();
    assert_render_fails_and_keeps_report(&header_only, &[], "no rows");

    let data = fixture("data-small.csv");
    let bad_stats = dir.join("bad-stats.csv");
    std::fs::write(&bad_stats, "source,flavour,strategy\nx,y,z\n").unwrap();
    assert_render_fails_and_keeps_report(
        &data,
        &["--stats", bad_stats.to_str().unwrap()],
        "bad stats",
    );
    assert_render_fails_and_keeps_report(
        &data,
        &["--memory", dir.join("nope.csv").to_str().unwrap()],
        "missing memory CSV",
    );
}

#[test]
fn missing_font_still_writes_svg() {
    let out = temp_dir("nofont");
    let data = fixture("data-small.csv");
    let o = run(&render_args(
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        &["--font", NO_FONT],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("PNG plots were not drawn"));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(report.contains("Only SVG files were written."));
    assert_eq!(assert_plots_valid(&out, &report, false), 7);
}

#[test]
fn rerender_replaces_the_report() {
    let out = temp_dir("rerender");
    std::fs::write(out.join("REPORT.md"), "old\n").unwrap();
    let data = fixture("data-small.csv");
    let o = run(&render_args(
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        &["--font", NO_FONT],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(report.starts_with("# Lock-class strategies"));
}

#[test]
fn number_check_catches_invented_figures() {
    let data = fixture("data-small.csv");
    let allowed = Allowed::from_inputs(&data, None, None);
    // Cell medians and single-dimension ratios pass...
    let (h, rows) = read_csv(&data);
    let v: f64 = rows[0][col(&h, "ns_per_op")].parse().unwrap();
    assert_numbers_derived(&format!("a run took {v:.3} ns/op at 64 sites"), &allowed);
    // ...anything else does not.
    for invented in [
        "spinlock is 987.65x faster",
        "a table of 31337 bytes",
        "median 0.123 ns/op",
        "lockdep's hash has 4096 buckets",
    ] {
        let caught = std::panic::catch_unwind(|| assert_numbers_derived(invented, &allowed));
        assert!(caught.is_err(), "not caught: {invented}");
    }
}
