//! `render`: REPORT.md has every section and stays small, every figure in its answers is a
//! cell median of the CSV under the stated source, detail files and plots are real files and
//! linked, and a bad input never replaces a good report.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{fixture, run, stderr, temp_dir, META};

const SECTIONS: [&str; 6] = [
    "## Answers",
    "## Recommendation",
    "## Summary",
    "## What the figures mean",
    "Sources in this data:",
    "## Detail and plots",
];

/// The detail files every render writes, each linked from detail/README.md.
const DETAILS: [&str; 9] = [
    "q1-mutex-or-spinlock.md",
    "q2-location-key.md",
    "q3-fallback.md",
    "q4-macro-keys.md",
    "q5-scale.md",
    "cached.md",
    "precision.md",
    "noise.md",
    "README.md",
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

/// Cell medians (median of the runs: the fixtures have one load per cell) by source, each
/// formatted as the answers print nanoseconds.
fn answer_figures(data: &Path) -> BTreeMap<String, Vec<String>> {
    let (h, rows) = read_csv(data);
    let mut cells: BTreeMap<Vec<String>, Vec<f64>> = BTreeMap::new();
    for r in &rows {
        let key: Vec<String> = ["source", "strategy", "mode", "threads", "sites"]
            .iter()
            .map(|c| r[col(&h, c)].clone())
            .collect();
        cells
            .entry(key)
            .or_default()
            .push(r[col(&h, "ns_per_op")].parse().unwrap());
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, mut v) in cells {
        let m = median(&mut v);
        let text = if m >= 100.0 {
            format!("{m:.0}")
        } else if m >= 10.0 {
            format!("{m:.1}")
        } else {
            format!("{m:.2}")
        };
        out.entry(k[0].clone()).or_default().push(text);
    }
    out
}

/// Every `N ns [tag` in the answers must be a cell median of the source the tag names.
fn assert_answer_figures_derived(report: &str, data: &Path) {
    let figures = answer_figures(data);
    let tags = [
        ("emulated, icount", "guest-icount"),
        ("emulated, TCG", "guest-tcg"),
        ("real CPU, UML", "guest-uml"),
        ("user space", "host"),
    ];
    let answers =
        &report[report.find("## Answers").unwrap()..report.find("## Recommendation").unwrap()];
    let mut checked = 0;
    for (i, _) in answers.match_indices(" ns [") {
        let word = answers[..i].rsplit(' ').next().unwrap();
        let num = word.trim_start_matches(|c: char| !c.is_ascii_digit());
        let tag = &answers[i + 5..];
        let (_, source) = tags
            .iter()
            .find(|(t, _)| tag.starts_with(t))
            .unwrap_or_else(|| panic!("unknown tag after {num} ns"));
        assert!(
            figures
                .get(*source)
                .is_some_and(|v| v.iter().any(|f| f == num)),
            "{num} ns is no cell median of {source}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} figures in the answers");
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
    assert!(report.len() < 25_000, "REPORT.md is {} bytes", report.len());
    assert!(report.contains("emulated, instruction-exact (QEMU TCG icount)"));
    assert!(report.contains("user space (no kernel)"));
    assert!(!report.contains("real hardware"));
    assert_answer_figures_derived(&report, &data);

    // Spot check against figures computed here from the fixture.
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
    let mutex = cell("guest-icount", "mutex", "lookup", "1", "64");
    let spin = cell("guest-icount", "spinlock", "lookup", "1", "64");
    let want = format!("spinlock is {:.2}x faster than mutex", mutex / spin);
    assert!(report.contains(&want), "missing: {want}");
    // The fallbacks of the stats fixture are counted for the headline series.
    assert!(report.contains("creation fell back 2 times"));

    let index = std::fs::read_to_string(out.join("detail/README.md")).unwrap();
    for d in DETAILS {
        let text = std::fs::read_to_string(out.join("detail").join(d)).unwrap();
        assert!(text.starts_with("# "), "{d}");
        assert!(!text.contains("real hardware"), "{d}");
        if d != "README.md" {
            assert!(index.contains(&format!("]({d})")), "{d} not linked");
        }
    }
    assert!(report.contains("(detail/README.md)"));
    // Per-source tables moved to detail/: the concurrent growth of spinlock is there.
    let scale = std::fs::read_to_string(out.join("detail/q5-scale.md")).unwrap();
    let growth = cell("guest-icount", "spinlock", "concurrent", "2", "1024")
        / cell("guest-icount", "spinlock", "concurrent", "1", "1024");
    assert!(scale.contains(&format!("| {growth:.2}x |")), "{scale}");
    // Memory: bytes per class of the cached table (43072 / 1024), to one decimal.
    assert!(scale.contains("| 43072 | 701 | 1024 | 42.1 |"), "{scale}");

    let n = assert_plots_valid(&out, &report, true);
    // strategies x2, threads x2, sites x2, guest-vs-host x1; each as SVG and PNG.
    assert_eq!(n, 14);
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
    assert_answer_figures_derived(&report, &data);
    let scale = std::fs::read_to_string(out.join("detail/q5-scale.md")).unwrap();
    assert!(scale.contains("No data for host memory: no memory CSV was given."));
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
        "No data for the location and macro strategies' lookups",
        "How often creation fails is not counted here (no stats CSV).",
        "The fallback is not timed in this data",
        "No data for the macro strategy's lock init",
        "CPUs: not measured (no multi-CPU concurrent rows)",
        "Memory: not measured (no stats CSV)",
        "**SipHash share**: no host rows in this data.",
    ] {
        assert!(report.contains(want), "missing: {want}");
    }
    let q4 = std::fs::read_to_string(out.join("detail/q4-macro-keys.md")).unwrap();
    assert!(q4.contains("## guest-icount"));
    let q3 = std::fs::read_to_string(out.join("detail/q3-fallback.md")).unwrap();
    assert!(q3.contains("No data: no rows with an injected failure rate"));
    assert!(q3.contains("No data: no stats CSV was given."));
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
        !out.join("plots").exists() && !out.join("detail").exists(),
        "{why}: plots or detail written for a failed render"
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
    assert!(out.join("detail/README.md").exists());
}
