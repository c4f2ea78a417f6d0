//! `parse` and `merge`: the fixture log (timestamps, boot noise, `check`/`skip`/`summary`
//! lines, every strategy x mode, threads 1 and 2 in concurrent mode) round-trips to CSV, and
//! bad logs are refused.

mod common;

use std::collections::BTreeSet;

use common::{fixture, run, stderr, temp_dir, META};
use lockclass_report::logparse::{parse_log, Meta};
use lockclass_report::tidy::{self, header, DataRow, StatsRow};

const STRATEGIES: [&str; 8] = [
    "mutex", "spinlock", "rcu", "location", "macro", "dynamic", "cached", "noop",
];
const MODES: [&str; 6] = [
    "lookup",
    "create",
    "init",
    "acquire",
    "concurrent",
    "atomic",
];

fn meta() -> Meta {
    Meta {
        source: "guest-icount".into(),
        kernel: "6.12.117".into(),
        flavour: "lockdep".into(),
        rustc: "1.96.0".into(),
        cpu: "QEMU TCG (qemu64)".into(),
        date: "2025-01-15".into(),
        boot: 1,
    }
}

fn log() -> String {
    std::fs::read_to_string(fixture("guest-icount-lockdep.log")).unwrap()
}

/// Replaces the first line containing `needle` by `f(line)`.
fn edit_line(text: &str, needle: &str, f: impl Fn(&str) -> String) -> String {
    let mut done = false;
    text.lines()
        .map(|l| {
            if !done && l.contains(needle) {
                done = true;
                f(l)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn parse_err(text: &str) -> String {
    format!(
        "{:#}",
        parse_log(text, &meta()).expect_err("the log must be refused")
    )
}

#[test]
fn fixture_log_has_every_configuration() {
    let parsed = parse_log(&log(), &meta()).unwrap();
    let mut seen = BTreeSet::new();
    for r in &parsed.results {
        assert_eq!(r.source, "guest-icount");
        assert_eq!(r.ci_low, None);
        seen.insert((
            r.strategy.clone(),
            r.mode.clone(),
            r.threads,
            r.sites,
            r.run,
        ));
    }
    for s in STRATEGIES {
        for m in MODES {
            for t in [1, 2] {
                for n in [64, 1024] {
                    for run in 1..=3 {
                        // As the module does: mutex is skipped in atomic mode (it might
                        // sleep) and only concurrent mode runs at more than one thread.
                        let want =
                            !(s == "mutex" && m == "atomic") && (t == 1 || m == "concurrent");
                        assert_eq!(
                            seen.contains(&(s.into(), m.into(), t, n, Some(run))),
                            want,
                            "{s} {m} threads={t} sites={n} run={run}"
                        );
                    }
                }
            }
        }
    }
    assert_eq!(parsed.results.len(), seen.len());
    assert_eq!(parsed.stats.len(), STRATEGIES.len());
    let rcu = parsed.stats.iter().find(|s| s.strategy == "rcu").unwrap();
    assert_eq!(rcu.lost_races, 1);
    // create mode: ops is the number of sites.
    assert!(parsed
        .results
        .iter()
        .filter(|r| r.mode == "create")
        .all(|r| r.ops == r.sites));
}

#[test]
fn first_result_line_is_copied_exactly() {
    let parsed = parse_log(&log(), &meta()).unwrap();
    let line = log()
        .lines()
        .find(|l| l.contains("lockclass_bench: result "))
        .unwrap()
        .to_string();
    let r = &parsed.results[0];
    let text = format!(
        "strategy={} mode={} threads={} sites={} run={} ops={} ns_per_op={:.3}",
        r.strategy,
        r.mode,
        r.threads,
        r.sites,
        r.run.unwrap(),
        r.ops,
        r.ns_per_op
    );
    assert!(line.ends_with(&text), "{line} vs {text}");
}

#[test]
fn csv_round_trip_is_lossless_and_stable() {
    let parsed = parse_log(&log(), &meta()).unwrap();
    let mut first = Vec::new();
    tidy::write(&mut first, &parsed.results).unwrap();
    let back = tidy::read_from::<tidy::DataRow>(first.as_slice()).unwrap();
    assert_eq!(back, parsed.results);
    let mut second = Vec::new();
    tidy::write(&mut second, &back).unwrap();
    assert_eq!(first, second);
    // Every ns_per_op of the log appears verbatim in the CSV.
    let csv = String::from_utf8(first).unwrap();
    for l in log()
        .lines()
        .filter(|l| l.contains("lockclass_bench: result "))
    {
        let v = l
            .split("ns_per_op=")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        let v = v.trim_end_matches('0').trim_end_matches('.');
        assert!(csv.contains(&format!(",{v},")), "{v} missing");
    }
}

#[test]
fn binary_writes_data_and_stats_csv() {
    let dir = temp_dir("parse");
    let out = dir.join("guest-icount-lockdep.csv");
    let log = fixture("guest-icount-lockdep.log");
    let mut args = vec!["parse", log.to_str().unwrap()];
    args.extend(META);
    args.extend(["--out", out.to_str().unwrap()]);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let data = std::fs::read_to_string(&out).unwrap();
    assert_eq!(data.lines().next().unwrap(), header::<DataRow>().join(","));
    let rows = tidy::read::<tidy::DataRow>(&out).unwrap();
    assert_eq!(rows, parse_log(&common_log(), &meta()).unwrap().results);
    let stats = std::fs::read_to_string(dir.join("guest-icount-lockdep.stats.csv")).unwrap();
    assert_eq!(
        stats.lines().next().unwrap(),
        header::<StatsRow>().join(",")
    );
    assert_eq!(stats.lines().count(), 1 + STRATEGIES.len());
    assert!(stats.contains("guest-icount,lockdep,cached,40960,632,1024,0,0"));
}

fn common_log() -> String {
    log()
}

#[test]
fn serial_crlf_and_unknown_keys_and_kinds_are_accepted() {
    let text = log().replace('\n', "\r\n");
    let text = edit_line(&text, "lockclass_bench: result ", |l| {
        format!("{} cycles=123 future_field=x", l.trim_end_matches('\r'))
    });
    let text = edit_line(&text, "lockclass_bench: stats ", |l| {
        format!("{} new_counter=7", l.trim_end_matches('\r'))
    });
    let text = edit_line(&text, "lockclass_bench: progress", |l| {
        format!("{l}\n[    0.2] lockclass_bench: check strategy=mutex mode=lookup sites=64 classes=64 ok=1")
    });
    let parsed = parse_log(&text, &meta()).unwrap();
    assert_eq!(parsed.results, parse_log(&log(), &meta()).unwrap().results);
}

#[test]
fn malformed_result_lines_are_refused() {
    type Mutation = Box<dyn Fn(&str) -> String>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "lacks `ns_per_op=`",
            Box::new(|l: &str| l.split(" ns_per_op=").next().unwrap().to_string()),
        ),
        (
            "not a non-negative decimal",
            Box::new(|l: &str| l.replace("ns_per_op=", "ns_per_op=abc")),
        ),
        (
            "not a non-negative decimal",
            Box::new(|l: &str| l.replace("ns_per_op=", "ns_per_op=-")),
        ),
        (
            "not an unsigned integer",
            Box::new(|l: &str| l.replace("sites=64", "sites=6x4")),
        ),
        ("not key=value", Box::new(|l: &str| format!("{l} garbage"))),
        ("repeats key", Box::new(|l: &str| format!("{l} run=9"))),
        (
            "empty `mode`",
            Box::new(|l: &str| l.replace("mode=lookup", "mode=")),
        ),
        (
            "`threads` out of range",
            Box::new(|l: &str| l.replace("threads=1", "threads=0")),
        ),
        // Two messages run together on one serial line.
        (
            "not key=value",
            Box::new(|l: &str| format!("{l} lockclass_bench: result x=1")),
        ),
    ];
    for (want, f) in cases {
        let text = edit_line(&log(), "lockclass_bench: result ", f);
        let err = parse_err(&text);
        assert!(err.contains(want), "expected `{want}` in: {err}");
        assert!(err.contains("line 23"), "no line number in: {err}");
    }
}

#[test]
fn malformed_stats_and_duplicates_are_refused() {
    let text = edit_line(&log(), "lockclass_bench: stats ", |l| {
        l.replace("classes=", "classes=many")
    });
    assert!(parse_err(&text).contains("classes=many"));

    // The same run twice (two loads pasted together without the second start, say).
    let first = log()
        .lines()
        .find(|l| l.contains("lockclass_bench: result "))
        .unwrap()
        .to_string();
    let text = edit_line(&log(), "lockclass_bench: result ", |l| {
        format!("{l}\n{first}")
    });
    assert!(parse_err(&text).contains("duplicate result"));
}

#[test]
fn missing_or_inconsistent_done_is_refused() {
    let no_done: String = log()
        .lines()
        .filter(|l| !l.contains("lockclass_bench: done"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(parse_err(&no_done).contains("no `done` line"));

    let done = log()
        .lines()
        .find_map(|l| l.split("done results=").nth(1).map(String::from))
        .unwrap();
    let n: u64 = done.trim().parse().unwrap();
    let wrong = log().replace(
        &format!("done results={n}"),
        &format!("done results={}", n + 1),
    );
    assert!(parse_err(&wrong).contains("truncated or garbled"));

    // A load that failed: the module's own error line is quoted.
    let failed = "[    1.0] lockclass_bench: threads=0 is not a valid thread count\n\
                  [    1.0] lockclass_bench: error param=threads value=0 valid=1..8\n";
    let err = parse_err(failed);
    assert!(err.contains("no `lockclass_bench: done`") && err.contains("param=threads"));

    let empty = parse_err("");
    assert!(empty.contains("no `lockclass_bench: done`"));
}

#[test]
fn flavour_must_match_the_kernel() {
    let mut m = meta();
    m.flavour = "plain".into();
    let err = format!("{:#}", parse_log(&log(), &m).unwrap_err());
    assert!(err.contains("lockdep=1"), "{err}");
}

#[test]
fn binary_fails_clearly_on_bad_input() {
    let dir = temp_dir("parse-bad");
    let bad = dir.join("bad.log");
    std::fs::write(
        &bad,
        edit_line(&log(), "lockclass_bench: result ", |l| {
            l.replace("ops=", "ops=lots")
        }),
    )
    .unwrap();
    let out = dir.join("out.csv");
    let mut args = vec!["parse", bad.to_str().unwrap()];
    args.extend(META);
    args.extend(["--out", out.to_str().unwrap()]);
    let o = run(&args);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("ops=lots"), "{}", stderr(&o));
    assert!(!out.exists(), "no CSV may be written for a bad log");

    let log = fixture("guest-icount-lockdep.log");
    let mut args = vec!["parse", log.to_str().unwrap()];
    args.extend(META);
    args[3] = "guest-qemu"; // --source value
    let o = run(&args);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--source"), "{}", stderr(&o));

    let o = run(&["parse", "/nonexistent/x.log"]);
    assert!(!o.status.success());
}

#[test]
fn merge_concatenates_and_checks_headers() {
    let dir = temp_dir("merge");
    let guest = dir.join("guest.csv");
    let log = fixture("guest-icount-lockdep.log");
    let mut args = vec!["parse", log.to_str().unwrap()];
    args.extend(META);
    args.extend(["--out", guest.to_str().unwrap()]);
    assert!(run(&args).status.success());
    let host = fixture("host.csv");
    let out = dir.join("data.csv");
    let o = run(&[
        "merge",
        out.to_str().unwrap(),
        guest.to_str().unwrap(),
        host.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let merged = tidy::read::<tidy::DataRow>(&out).unwrap();
    let g = tidy::read::<tidy::DataRow>(&guest).unwrap();
    let h = tidy::read::<tidy::DataRow>(&host).unwrap();
    assert_eq!(merged.len(), g.len() + h.len());
    assert_eq!(&merged[..g.len()], &g[..]);
    assert!(h.iter().all(|r| r.run.is_none() && r.ci_low.is_some()));
    // The host fixture has the fifteen original columns, the guest CSV all of them: the
    // merged file has every column, and host rows leave the guest-only ones empty.
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().next().unwrap(), header::<DataRow>().join(","));
    assert!(merged[g.len()..]
        .iter()
        .all(|r| r.boot.is_none() && r.load.is_none()));
    assert!(g.iter().all(|r| r.boot == Some(1) && r.load.is_some()));

    // Stats CSVs merge with each other...
    let stats = dir.join("guest.stats.csv");
    let all_stats = dir.join("stats.csv");
    let o = run(&[
        "merge",
        all_stats.to_str().unwrap(),
        stats.to_str().unwrap(),
        fixture("stats-small.csv").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // ...but not with data CSVs, and a bad header or cell is refused without writing.
    let bad_out = dir.join("bad.csv");
    let o = run(&[
        "merge",
        bad_out.to_str().unwrap(),
        guest.to_str().unwrap(),
        stats.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("stats CSV"), "{}", stderr(&o));
    let broken = dir.join("broken.csv");
    std::fs::write(
        &broken,
        format!(
            "{}\nhost,k,-,r,c,d,mutex,lookup,one,64,,1,2.0,,\n",
            header::<DataRow>()[..15].join(",")
        ),
    )
    .unwrap();
    let o = run(&["merge", bad_out.to_str().unwrap(), broken.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("threads"), "{}", stderr(&o));
    std::fs::write(&broken, "source,kernel\nx,y\n").unwrap();
    let o = run(&["merge", bad_out.to_str().unwrap(), broken.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(!bad_out.exists());
}
