//! Inputs beyond the QEMU fixture: several User-Mode Linux boots, each with repeated loads
//! and an injected-failure load, through parse, merge and render (the real-CPU source becomes
//! the headline, boots that disagree are marked, the fallback is timed), and the optional
//! precision, calibration and runs CSVs. The data are synthetic.

mod common;

use common::{fixture, run, stderr, temp_dir};

const NO_FONT: &str = "/nonexistent/font.ttf";

fn render_args<'a>(data: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["render", "--data", data, "--out", out];
    v.extend(extra);
    v
}

/// One synthetic User-Mode Linux boot: two loads of the plan (lookup, init, atomic for five
/// strategies), then the fallback load with every allocation failing; `mutex_factor` scales
/// the mutex cells of this boot, to make boots disagree.
fn uml_boot_log(mutex_factor: f64) -> String {
    let cells = [
        ("mutex", 150.0),
        ("spinlock", 100.0),
        ("cached", 2.0),
        ("macro", 1.0),
        ("location", 1.0),
        ("noop", 1.1),
    ];
    let mut log = String::from("Linux version 6.12.117 (um)\n");
    let mut one_load = |params: &str, modes: &[&str], strategies: &[(&str, f64)], scale: f64| {
        log.push_str(&format!(
            "lockclass-guest: insmod /lockclass_bench.ko {params}\n\
             lockclass_bench: start strategies=x modes=x threads=1 sites=64 loops=10 runs=3 warmup=1 cpus=1 lockdep=1 compiled_sites=1024\n"
        ));
        let mut n = 0;
        for (st, ns) in strategies {
            for mode in modes {
                if *mode == "atomic" && *st == "mutex" {
                    continue;
                }
                let f = if *st == "mutex" { mutex_factor } else { 1.0 };
                let base = ns * f * scale * if *mode == "init" { 40.0 } else { 1.0 };
                for run in 1..=3 {
                    log.push_str(&format!(
                        "lockclass_bench: result strategy={st} mode={mode} threads=1 sites=64 run={run} ops=10 ns_per_op={:.3}\n",
                        base * (1.0 + run as f64 * 0.001)
                    ));
                    n += 1;
                }
            }
            log.push_str(&format!(
                "lockclass_bench: stats strategy={st} table_bytes=6400 buckets=60 classes=64 lost_races=0 fallbacks=0\n"
            ));
        }
        log.push_str(&format!("lockclass_bench: done results={n}\n"));
    };
    for _ in 0..2 {
        one_load("strategy=all", &["lookup", "init", "atomic"], &cells, 1.0);
    }
    one_load(
        "strategy=mutex,cached mode=init fail_alloc_every=1",
        &["init"],
        &cells[..3],
        0.5,
    );
    log.push_str("lockclass-guest: calibration type=lock run=1 ns_per_op=44.500\n");
    log.push_str("lockclass_bench: End of test: SUCCESS\n");
    log
}

#[test]
fn several_uml_boots_render_as_the_headline_source() {
    let dir = temp_dir("uml");
    let mut csvs = Vec::new();
    let mut cals = Vec::new();
    // The third boot reads the mutex cells a third higher: more than the 10 % limit.
    for (boot, factor) in [(1, 1.0), (2, 1.0), (3, 1.33)] {
        let log = dir.join(format!("guest-uml-lockdep-boot{boot}.log"));
        std::fs::write(&log, uml_boot_log(factor)).unwrap();
        let out = dir.join(format!("guest-uml-lockdep-boot{boot}.csv"));
        let boot_s = boot.to_string();
        let o = run(&[
            "parse",
            log.to_str().unwrap(),
            "--source",
            "guest-uml",
            "--boot",
            &boot_s,
            "--flavour",
            "uml",
            "--kernel",
            "6.12.117",
            "--rustc",
            "1.96.0",
            "--cpu",
            "Synthetic CPU",
            "--date",
            "2025-01-15",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        csvs.push(out.to_str().unwrap().to_string());
        cals.push(dir.join(format!("guest-uml-lockdep-boot{boot}.calibration.csv")));
    }
    let data = dir.join("data.csv");
    let mut args = vec!["merge", data.to_str().unwrap()];
    args.extend(csvs.iter().map(String::as_str));
    let host = fixture("host.csv");
    args.push(host.to_str().unwrap());
    assert!(run(&args).status.success());
    let calibration = dir.join("calibration.csv");
    let mut args = vec!["merge", calibration.to_str().unwrap()];
    args.extend(cals.iter().map(|p| p.to_str().unwrap()));
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));

    let out = dir.join("results");
    let o = run(&render_args(
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        &[
            "--calibration",
            calibration.to_str().unwrap(),
            "--font",
            NO_FONT,
        ],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(report.contains("Headline source: `guest-uml-lockdep`, real CPU in a kernel (User-Mode Linux, 1 CPU), on Synthetic CPU; 9 load(s) in 3 boot(s)."), "{report}");
    assert!(!report.contains("No real-CPU source"));
    // Mutex loads: 150 in four, 200 in two: the median is 150 and the spread a third of it.
    assert!(
        report.contains("150 ns [real CPU, UML; noisy: spread 33 % over 6 loads]"),
        "{report}"
    );
    // ...but every mutex load is slower than every spinlock load: the answer stands.
    assert!(
        report.contains("Spinlock. A hit costs 100 ns [real CPU, UML]"),
        "{report}"
    );
    assert!(report.contains("spinlock is 1.50x faster than mutex"));
    // The fallback, timed against the same cell without failures.
    assert!(report.contains("With every table allocation failing (an injected failure rate, `fail_alloc_every=1`), a `mutex` lock init costs 3006 ns [real CPU, UML; noisy: spread 33 % over 3 loads] against 6012 ns"), "{report}");
    // The noise file lists each boot's figure: the third boot's mutex lookups read higher.
    let noise = std::fs::read_to_string(out.join("detail/noise.md")).unwrap();
    assert!(
        noise.contains("| mutex | lookup | 1 | 64 | 0 | 150.300 | 150.300 | 199.899 | 150.300 | 6 | 33 % noisy |"),
        "{noise}"
    );
    // The recommendation times the fallback of the table it recommends.
    let rec =
        &report[report.find("## Recommendation").unwrap()..report.find("## Summary").unwrap()];
    assert!(rec.contains("use the `cached` table"), "{rec}");
    assert!(
        rec.contains(
            "a `cached` init costs 40.1 ns [real CPU, UML] with the fallback against 80.2 ns"
        ),
        "{rec}"
    );
    assert!(report.contains("`guest-uml-lockdep` had 1 CPU, never more threads than that"));
    assert!(report.contains("ran 9 loads in 3 boot(s)"));
    assert!(report.contains("a raw spinlock lock+unlock 44.5 ns (`lock`, 3 runs)"));
    assert!(report.contains("`guest-uml-lockdep` PREEMPT_VOLUNTARY, no SMP, so Tiny RCU"));
    assert_answer_figures_derived_loosely(&report);
}

/// Multi-load medians are medians of load medians: only check each answer figure is tagged.
fn assert_answer_figures_derived_loosely(report: &str) {
    let answers =
        &report[report.find("## Answers").unwrap()..report.find("## Recommendation").unwrap()];
    for (i, _) in answers.match_indices(" ns [") {
        let tag = &answers[i + 5..];
        assert!(
            tag.starts_with("real CPU, UML")
                || tag.starts_with("user space")
                || tag.starts_with("emulated"),
            "untagged figure: {}",
            &tag[..tag.len().min(40)]
        );
    }
}

#[test]
fn precision_and_calibration_inputs_are_rendered() {
    let dir = temp_dir("precision");
    let precision = dir.join("precision.csv");
    std::fs::write(
        &precision,
        "scenario,strategy,expected,outcome,names_sites,source,note,count\n\
         abba-two-sites,spinlock,reported-circular,reported-circular,yes,guest-icount,,\n\
         abba-across-objects,dynamic,reported-circular,silent,no,guest-icount,per-object keys,\n\
         class-limit,dynamic,lockdep-off,lockdep-off,,guest-icount,,8100\n",
    )
    .unwrap();
    let calibration = dir.join("calibration.csv");
    std::fs::write(
        &calibration,
        "source,boot,type,run,ns_per_op\nguest-icount,1,lock,1,44.5\nguest-icount,1,lock,2,45.5\n",
    )
    .unwrap();
    let runs = dir.join("runs.csv");
    std::fs::write(
        &runs,
        "source,flavour,boot,kernel,preempt,cpus,pinned,log\n\
         guest-icount,lockdep,1,6.12,PREEMPT_NONE,2,cpu1,raw/x.log\n",
    )
    .unwrap();
    let data = fixture("data-small.csv");
    let out = dir.join("out");
    let o = run(&render_args(
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        &[
            "--precision",
            precision.to_str().unwrap(),
            "--calibration",
            calibration.to_str().unwrap(),
            "--runs",
            runs.to_str().unwrap(),
            "--font",
            NO_FONT,
        ],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(report.contains("1/2 as expected; missed `abba-across-objects`"));
    // Table hits beside the lock pair: the fixture's spinlock hit at 64 sites over 45.0 ns.
    assert!(
        report.contains("A table hit in units of that raw spinlock pair: `spinlock` 7.32x"),
        "{report}"
    );
    // The matrix is in REPORT.md too, one row per strategy.
    let section = &report[report.find("## Lockdep precision").unwrap()..];
    assert!(section.contains("| dynamic | no row | MISSED"), "{section}");
    assert!(detail_contains(&out, "one class per lock object"));
    assert!(report.contains("a raw spinlock lock+unlock 45.0 ns (`lock`, 2 runs)"));
    // The preemption model comes from runs.csv when it says.
    assert!(
        report.contains("`guest-icount-lockdep` PREEMPT_NONE, SMP"),
        "{report}"
    );
    let detail = std::fs::read_to_string(out.join("detail/precision.md")).unwrap();
    assert!(detail.contains("MISSED"));
    assert!(detail.contains("count 8100"));
    assert!(detail.contains("per-object keys"));

    // Without them, the report says they are missing.
    let o = run(&render_args(
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        &["--font", NO_FONT],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(report.contains("no refscale rows in this data (no calibration CSV)"));
    assert!(report.contains("(no precision CSV)"));
    assert!(report.contains("## Lockdep precision\n\nNot measured: no precision CSV was given"));
    assert!(report.contains("`guest-icount-lockdep` PREEMPT, SMP"));
}

fn detail_contains(out: &std::path::Path, text: &str) -> bool {
    std::fs::read_to_string(out.join("detail/precision.md"))
        .unwrap()
        .contains(text)
}
