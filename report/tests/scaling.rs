//! scaling.csv (host-bench's paired all-core / one-thread ratios): parsing (bad header or cell
//! refused with its line and column), Q5's host CPU phrase with and without it, and the table
//! in detail/q5-scale.md. `fixtures/scaling.csv` is a real export; the rest is synthetic.

mod common;

use common::answers_data::{render_scaling, tables, Out};
use common::{fixture, run, stderr, temp_dir};
use lockclass_report::report::md::fmt_ratio;
use lockclass_report::tidy::{self, DataRow, ScalingRow};

fn fmt(r: f64) -> String {
    fmt_ratio(Some(r))
}

const HEADER: &str = "strategy,sites,threads,cores,rounds,median_ratio,min_ratio,max_ratio";

fn parse(text: &str) -> anyhow::Result<Vec<ScalingRow>> {
    tidy::read_scaling_from(text.as_bytes())
}

fn row(strategy: &str, sites: u64, median: f64, min: f64, max: f64) -> ScalingRow {
    ScalingRow {
        strategy: strategy.into(),
        sites,
        threads: 2,
        cores: 2,
        rounds: 21,
        median_ratio: median,
        min_ratio: min,
        max_ratio: max,
    }
}

/// A UML basis plus criterion's host `cached` concurrent cells at 1 and 2 threads.
fn data_with_host_threads() -> common::answers_data::Data {
    let mut d = tables(150.0, 100.0);
    for (t, ns) in [(1, 0.44), (2, 0.67)] {
        let mut r = DataRow::basic("host", "cached", "concurrent", t, 1024);
        r.flavour = "-".into();
        r.ns_per_op = ns;
        r.cores = Some(2);
        d.0.push(r);
    }
    d
}

const CRITERION: &str = "a `cached` operation on 1024 sites costs 0.67 ns [user space] with 2 threads against 0.44 ns [user space] with 1 (1.52x)";

fn scale_detail(out: &Out) -> &str {
    let (_, text) = out
        .details
        .iter()
        .find(|(f, _)| f == "q5-scale.md")
        .expect("q5-scale.md");
    let i = text
        .find("## Every core against one thread")
        .expect("paired section");
    let rest = &text[i..];
    &rest[..rest[3..].find("\n## ").map_or(rest.len(), |j| j + 3)]
}

#[test]
fn fixture_parses_row_by_row() {
    let path = fixture("scaling.csv");
    let rows = tidy::read_scaling(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().next().unwrap(), HEADER);
    assert_eq!(rows.len(), text.lines().count() - 1);
    for (r, line) in rows.iter().zip(text.lines().skip(1)) {
        let back = format!(
            "{},{},{},{},{},{:.4},{:.4},{:.4}",
            r.strategy,
            r.sites,
            r.threads,
            r.cores,
            r.rounds,
            r.median_ratio,
            r.min_ratio,
            r.max_ratio
        );
        assert_eq!(back, line);
    }
}

#[test]
fn bad_header_or_cell_is_refused_clearly() {
    let e = format!(
        "{:#}",
        parse("strategy,sites,threads,cores,rounds,ratio\ncached,64,2,2,21,1.0\n").unwrap_err()
    );
    assert!(
        e.contains("lacks the column(s) `median_ratio,min_ratio,max_ratio`"),
        "{e}"
    );

    let e = format!(
        "{:#}",
        parse(&format!(
            "{HEADER}\ncached,64,2,2,21,1.0,0.9,1.1\ncached,x,2,2,21,1.0,0.9,1.1\n"
        ))
        .unwrap_err()
    );
    assert!(e.contains("line 3"), "{e}");
    assert!(
        e.contains("column `sites`: `x` is not a valid number"),
        "{e}"
    );

    for (cell, want) in [
        (",64,2,2,21,1.0,0.9,1.1", "column `strategy` is empty"),
        (
            "cached,64,1,1,21,1.0,0.9,1.1",
            "column `threads`: `1` is not a multi-thread batch",
        ),
        (
            "cached,64,2,2,0,1.0,0.9,1.1",
            "column `rounds`: must be at least 1",
        ),
        (
            "cached,64,2,2,21,fast,0.9,1.1",
            "column `median_ratio`: `fast` is not a valid number",
        ),
        (
            "cached,64,2,2,21,1.0,-0.9,1.1",
            "column `min_ratio`: `-0.9` is not a finite non-negative number",
        ),
        (
            "cached,64,2,2,21,1.0,0,1.1",
            "column `min_ratio`: a ratio of two timings must be above zero",
        ),
        ("cached,64,2,2,21,1.2,0.9,1.1", "1.2 <= 1.1 does not hold"),
        ("cached,64,2,2,21,1.0,0.9", "found record with 7 fields"),
    ] {
        let e = format!("{:#}", parse(&format!("{HEADER}\n{cell}\n")).unwrap_err());
        assert!(e.contains(want), "{cell}: {e}");
        if !want.starts_with("found record") {
            assert!(e.contains("line 2"), "{cell}: {e}");
        }
    }
}

#[test]
fn without_scaling_q5_keeps_criterion_host_ratio() {
    let out = render_scaling(&data_with_host_threads(), None);
    let a = out.answer(5);
    assert!(a.contains(CRITERION), "{a}");
    assert!(!a.contains("paired rounds"), "{a}");
    let d = scale_detail(&out);
    assert!(
        d.contains("No data for paired scaling: no scaling CSV was given."),
        "{d}"
    );
    assert!(!out.report.contains("`scaling.csv`"));
}

#[test]
fn with_scaling_q5_quotes_paired_rounds_for_cached_and_pool() {
    let rows = [
        row("cached", 64, 1.0795, 0.5443, 1.5149),
        row("cached", 1024, 1.0444, 0.5218, 1.8075),
        row("pool", 64, 1.0118, 0.6396, 1.0999),
        row("pool", 1024, 0.9881, 0.4127, 2.7014),
        row("mutex", 1024, 1.3423, 0.8881, 2.3365),
    ];
    let out = render_scaling(&data_with_host_threads(), Some(&rows));
    let a = out.answer(5);
    assert!(
        a.contains("with every core of the host busy (2 cores), a `cached` lookup costs 1.04x [user space, paired rounds: median of 21, range 0.52x–1.81x] of one thread's at 1024 sites, and a `pool` lookup 0.99x [user space, paired rounds: median of 21, range 0.41x–2.70x]"),
        "{a}"
    );
    assert!(!a.contains(CRITERION), "{a}");
    assert!(out.report.contains("`data.csv`, `scaling.csv`"));

    // Without `pool` rows only `cached` is quoted.
    let out = render_scaling(&data_with_host_threads(), Some(&rows[..2]));
    let a = out.answer(5);
    assert!(a.contains("of one thread's at 1024 sites."), "{a}");
    assert!(!a.contains("`pool`"), "{a}");

    // No `cached` row: criterion's figures stay.
    let out = render_scaling(&data_with_host_threads(), Some(&rows[2..]));
    assert!(out.answer(5).contains(CRITERION), "{}", out.answer(5));
}

#[test]
fn detail_table_lists_every_row_and_judges_the_target() {
    let rows = [
        row("cached", 64, 1.0795, 0.5443, 1.5149),
        row("cached", 1024, 1.0444, 0.5218, 1.8075),
        row("spinlock", 1024, 1.6938, 0.9061, 2.4467),
    ];
    let out = render_scaling(&tables(150.0, 100.0), Some(&rows));
    let d = scale_detail(&out);
    assert!(
        d.contains("measures the drift as much as the scaling"),
        "{d}"
    );
    assert!(
        d.contains("| strategy | sites | all-core / one-thread, median [range] | rounds | cores |"),
        "{d}"
    );
    assert!(
        d.contains("| cached | 64 | 1.08x [0.54x–1.51x] | 21 | 2 |"),
        "{d}"
    );
    assert!(
        d.contains("| spinlock | 1024 | 1.69x [0.91x–2.45x] | 21 | 2 |"),
        "{d}"
    );
    assert!(
        d.contains("at most 1.20x for `cached`: its median is 1.08x at 64 sites, 1.04x at 1024 sites, which meets it at every site count."),
        "{d}"
    );

    let worse = [
        row("cached", 64, 1.1, 0.9, 1.3),
        row("cached", 1024, 1.35, 1.0, 1.9),
    ];
    let out = render_scaling(&tables(150.0, 100.0), Some(&worse));
    let d = scale_detail(&out);
    assert!(d.contains("which does not meet it at 1024 sites."), "{d}");
}

#[test]
fn render_reads_scaling_and_names_it() {
    let dir = temp_dir("scaling-render");
    let out = dir.join("out");
    let data = fixture("data-small.csv");
    let sc = fixture("scaling.csv");
    let args = |scaling: &str| {
        run(&[
            "render",
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--scaling",
            scaling,
            "--font",
            "/nonexistent/font.ttf",
        ])
    };
    let o = args(sc.to_str().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(
        report.contains("`data-small.csv`, `scaling.csv`"),
        "{report}"
    );
    let detail = std::fs::read_to_string(out.join("detail/q5-scale.md")).unwrap();
    for r in tidy::read_scaling(&sc).unwrap() {
        let line = format!(
            "| {} | {} | {} [{}–{}] | {} | {} |",
            r.strategy,
            r.sites,
            fmt(r.median_ratio),
            fmt(r.min_ratio),
            fmt(r.max_ratio),
            r.rounds,
            r.cores
        );
        assert!(detail.contains(&line), "{line}\n{detail}");
    }

    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{HEADER}\ncached,64,2,2,21,1.0,0.9,slow\n")).unwrap();
    let o = args(bad.to_str().unwrap());
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("is not a valid scaling CSV") && e.contains("line 2"),
        "{e}"
    );
    assert!(e.contains("column `max_ratio`: `slow`"), "{e}");
}
