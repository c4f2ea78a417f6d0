//! The optional inputs (keycost, scaling, memory, runs, --stale, --font) are read, checked
//! and shown, and a failed render or merge never replaces good output with a partial one.
//! Expected figures are computed here from the fixtures, not copied from a rendered page.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{fixture, run, stderr, temp_dir};
use lockclass_report::page::num;
use lockclass_report::tidy::{self, KeycostRow, ScalingRow};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Renders data-small.csv into `out` with `extra` options.
fn render(out: &Path, extra: &[&str]) -> std::process::Output {
    let data = fixture("data-small.csv");
    let mut args = vec!["render", "--data", s(&data), "--out", s(out)];
    args.extend_from_slice(extra);
    run(&args)
}

fn read(p: PathBuf) -> String {
    fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn keycost_rows_are_checked_and_their_medians_shown() {
    let rows: Vec<KeycostRow> = tidy::read(&fixture("keycost.csv")).unwrap();
    assert!(rows.iter().any(|r| r.row == "key") && rows.iter().any(|r| r.row == "init"));
    let dir = temp_dir("keycost");
    let bad = dir.join("bad.csv");
    let header = "source,possible_cpus,percpu_modules,boot,row,name,ns_per_op";
    for (line, why) in [
        (
            "guest-uml,1,0,1,other,static,5.0",
            "neither `key` nor `init`",
        ),
        ("guest-uml,0,0,1,key,static,5.0", "possible_cpus"),
        ("guest-uml,1,0,1,key,static,-5.0", "non-negative"),
    ] {
        fs::write(&bad, format!("{header}\n{line}\n")).unwrap();
        let e = format!("{:#}", tidy::read::<KeycostRow>(&bad).unwrap_err());
        assert!(e.contains(why) && e.contains("line 2"), "{e}");
    }
    // The median over boots of the first group, as detail/figures.md must show it.
    let first = &rows[0];
    let mut v: Vec<f64> = (rows.iter())
        .filter(|r| (&r.source, &r.row, &r.name) == (&first.source, &first.row, &first.name))
        .filter(|r| {
            (r.possible_cpus, r.percpu_modules) == (first.possible_cpus, first.percpu_modules)
        })
        .map(|r| r.ns_per_op)
        .collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let med = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    let out = dir.join("out");
    let o = render(&out, &["--keycost", s(&fixture("keycost.csv"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = format!(
        "| {} | {} | {} | {} | {} | {} | {n} |",
        first.source,
        first.row,
        first.name,
        first.possible_cpus,
        first.percpu_modules,
        num(med)
    );
    assert!(
        read(out.join("detail/figures.md")).contains(&want),
        "{want}"
    );
}

#[test]
fn scaling_rows_are_checked_and_decide_the_cpu_verdict() {
    let rows: Vec<ScalingRow> = tidy::read(&fixture("scaling.csv")).unwrap();
    let dir = temp_dir("scaling");
    let bad = dir.join("bad.csv");
    let header = "strategy,sites,threads,cores,rounds,median_ratio,min_ratio,max_ratio";
    for (line, why) in [
        ("pool,1024,2,2,21,0.9,1.0,1.2", "min_ratio"),
        ("pool,1024,1,2,21,1.0,0.9,1.2", "multi-thread"),
        ("pool,0,2,2,21,1.0,0.9,1.2", "sites"),
    ] {
        fs::write(&bad, format!("{header}\n{line}\n")).unwrap();
        let e = format!("{:#}", tidy::read::<ScalingRow>(&bad).unwrap_err());
        assert!(e.contains(why), "{e}");
    }
    let out = dir.join("out");
    let o = render(&out, &["--scaling", s(&fixture("scaling.csv"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = read(out.join("REPORT.md"));
    let pool = rows
        .iter()
        .find(|r| r.strategy == "pool" && r.sites == 1024)
        .unwrap();
    let want = format!(
        "| `pool` lookup per thread, every core busy / one thread | [host] | {}x | {}-{}x | {} rounds |",
        num(pool.median_ratio),
        num(pool.min_ratio),
        num(pool.max_ratio),
        pool.rounds
    );
    assert!(page.contains(&want), "{want}\n{page}");
}

#[test]
fn optional_inputs_may_be_missing_or_partial() {
    let dir = temp_dir("optional");
    // Only --data: every section says what it lacks instead of failing.
    let out = dir.join("bare");
    let o = render(&out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = read(out.join("REPORT.md"));
    assert!(page.contains("Not counted (no stats)"), "{page}");
    assert!(page.contains("quietness (runs.csv)") && page.contains("not recorded"));
    let detail = read(out.join("detail/figures.md"));
    for f in ["precision.csv", "keycost.csv", "memory.csv"] {
        assert!(detail.contains(&format!("No {f} was given.")), "{f}");
    }
    // runs.csv with only some columns, in another order, plus one the report does not know.
    let runs = dir.join("runs.csv");
    fs::write(
        &runs,
        "steal_pct,source,host_vendor,other_cpu_pct,unknown\n\
         0.5,guest-icount,GenuineIntel,2.5,x\n0.25,guest-icount,GenuineIntel,1,y\n",
    )
    .unwrap();
    let out = dir.join("runs");
    let memory = fixture("memory.csv");
    let stats = fixture("stats-small.csv");
    let o = render(
        &out,
        &[
            "--runs",
            s(&runs),
            "--memory",
            s(&memory),
            "--stats",
            s(&stats),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let page = read(out.join("REPORT.md"));
    assert!(
        page.contains("| vendor GenuineIntel | others' CPU 1.00-2.50 %, steal 0.250-0.500 % |"),
        "{page}"
    );
    assert!(page.contains("| `host` | - (criterion) |"), "{page}");
    assert!(page.contains("`memory.csv`") && page.contains("`runs.csv`"));
    // memory.csv: bytes per class computed from its own columns.
    let text = read(memory);
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let per = row[1].parse::<f64>().unwrap() / row[3].parse::<f64>().unwrap();
    let want = format!(
        "| `{}` | {} | {} | {} | {} |",
        row[0],
        row[1],
        row[3],
        num(per),
        row[2]
    );
    assert!(
        read(out.join("detail/figures.md")).contains(&want),
        "{want}"
    );
    // A bad --stale is refused before anything is written.
    let o = render(&dir.join("stale"), &["--stale", "guest-uml"]);
    assert!(!o.status.success() && stderr(&o).contains("SOURCE=REASON"));
    assert!(!dir.join("stale/REPORT.md").exists());
}

#[test]
fn without_a_font_the_page_says_the_plots_are_missing() {
    let out = temp_dir("nofont").join("out");
    let o = render(&out, &["--font", "/nonexistent/font.ttf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("plots were not drawn"));
    let page = read(out.join("REPORT.md"));
    assert!(
        page.contains("**Plots**: plots were not drawn: no font"),
        "{page}"
    );
    assert!(!page.contains("](plots/"), "{page}");
}

#[test]
fn a_failed_render_or_merge_leaves_the_old_output() {
    let dir = temp_dir("atomic");
    let out = dir.join("out");
    assert!(render(&out, &[]).status.success());
    let before = read(out.join("REPORT.md"));
    // A bad input fails before the output directory is touched.
    let broken = dir.join("broken.csv");
    fs::write(&broken, "source,kernel\nx,y\n").unwrap();
    let o = run(&["render", "--data", s(&broken), "--out", s(&out)]);
    assert!(!o.status.success());
    // A failure while publishing (a directory where a detail file goes) keeps REPORT.md,
    // which is moved last, and leaves no staging directory behind.
    fs::remove_file(out.join("detail/figures.md")).unwrap();
    fs::create_dir_all(out.join("detail/figures.md/x")).unwrap();
    let o = render(&out, &["--stale", "guest-icount=test"]);
    assert!(!o.status.success(), "{}", stderr(&o));
    assert_eq!(read(out.join("REPORT.md")), before);
    let left: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        left.iter()
            .all(|n| !n.to_string_lossy().starts_with(".render-tmp")),
        "{left:?}"
    );
    // merge writes through a temporary file: a refused input keeps the old output whole.
    let merged = dir.join("merged.csv");
    let good = fixture("host.csv");
    assert!(run(&["merge", s(&merged), s(&good)]).status.success());
    let old = read(merged.clone());
    assert!(!run(&["merge", s(&merged), s(&good), s(&broken)])
        .status
        .success());
    assert_eq!(read(merged), old);
    let tmp: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        tmp.iter().all(|n| !n.to_string_lossy().contains(".tmp-")),
        "{tmp:?}"
    );
}
