// SPDX-License-Identifier: GPL-2.0

//! The export reads criterion's files into the tidy schema correctly.
#![cfg(not(loom))]

use host_bench::export::{
    collect, cpu_model, field, host_csv, memory_csv, utc_date, Machine, HEADER,
};
use host_bench::harness::{concurrent_param, parse_concurrent_param};
use host_bench::strategy::Memory;
use std::fs;
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("host-bench-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// Writes a criterion result as criterion lays it out.
fn fake(root: &Path, dir: &str, group: &str, func: &str, value: &str, elems: u64, ns: [f64; 3]) {
    let new = root.join(dir).join("new");
    fs::create_dir_all(&new).unwrap();
    let bench = format!(
        r#"{{"group_id":"{group}","function_id":"{func}","value_str":"{value}","throughput":{{"Elements":{elems}}},"full_id":"{group}/{func}/{value}","directory_name":"{dir}","title":"{group}/{func}/{value}"}}"#
    );
    let est = format!(
        r#"{{"median":{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{},"upper_bound":{}}},"point_estimate":{},"standard_error":1.0}},"mean":{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{},"upper_bound":{}}},"point_estimate":{},"standard_error":1.0}}}}"#,
        ns[0],
        ns[2],
        ns[1],
        // The mean differs, so that the test shows which estimate the export takes.
        ns[0] * 3.0,
        ns[2] * 3.0,
        ns[1] * 3.0,
    );
    fs::write(new.join("benchmark.json"), bench).unwrap();
    fs::write(new.join("estimates.json"), est).unwrap();
}

#[test]
fn reads_every_mode_and_scales_to_one_operation() {
    let root = scratch("collect");
    let p = concurrent_param(4, 1024);
    fake(
        &root,
        "lookup/spinlock/256",
        "lookup",
        "spinlock",
        "256",
        256,
        [512.0, 1024.0, 2048.0],
    );
    fake(
        &root,
        "create/mutex/16",
        "create",
        "mutex",
        "16",
        16,
        [16.0, 32.0, 48.0],
    );
    fake(
        &root,
        &format!("concurrent/rcu/{p}"),
        "concurrent",
        "rcu",
        &p,
        1024,
        [1024.0; 3],
    );
    fake(
        &root,
        "hash/siphash/1024",
        "hash",
        "siphash",
        "1024",
        1024,
        [2048.0; 3],
    );
    // Not ours: another group, an unknown strategy.
    fake(&root, "other/x/1", "other", "x", "1", 1, [1.0; 3]);
    fake(&root, "lookup/bogus/1", "lookup", "bogus", "1", 1, [1.0; 3]);
    // criterion's previous run, which must be ignored.
    let base = root.join("lookup/spinlock/256/base");
    fs::create_dir_all(&base).unwrap();

    let rows = collect(&root).unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.mode.as_str(),
                r.strategy.as_str(),
                r.threads,
                r.sites,
                r.ops,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("lookup", "spinlock", 1, 256, 256),
            ("create", "mutex", 1, 16, 16),
            ("concurrent", "rcu", 4, 1024, 1024),
            ("hash", "siphash", 1, 1024, 1024),
        ]
    );
    assert_eq!(
        (rows[0].ci_low, rows[0].ns_per_op, rows[0].ci_high),
        (2.0, 4.0, 8.0)
    );
    assert_eq!(
        (rows[1].ci_low, rows[1].ns_per_op, rows[1].ci_high),
        (1.0, 2.0, 3.0)
    );
    assert_eq!(rows[3].ns_per_op, 2.0);

    let machine = Machine {
        kernel: "6.1.0-test".into(),
        rustc: "rustc 1.0, test".into(),
        cpu: "Some CPU, 2 cores".into(),
        cores: 2,
    };
    let csv = host_csv(&machine, &rows);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(HEADER));
    let columns = HEADER.split(',').count();
    for line in lines {
        let f: Vec<_> = line.split(',').collect();
        assert_eq!(f.len(), columns, "{line}");
        assert_eq!((f[0], f[2], f[10]), ("host", "-", ""));
        assert_eq!(f[4], "Some CPU; 2 cores");
        // No instruction count was set; the core count is on every row.
        assert_eq!((f[15], f[16]), ("", "2"));
    }
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn refuses_another_confidence_level() {
    let root = scratch("level");
    fake(&root, "lookup/noop/1", "lookup", "noop", "1", 1, [1.0; 3]);
    let est = root.join("lookup/noop/1/new/estimates.json");
    let text = fs::read_to_string(&est).unwrap().replace("0.95", "0.99");
    fs::write(&est, text).unwrap();
    assert!(collect(&root).is_err());
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn helpers() {
    assert_eq!(
        parse_concurrent_param(&concurrent_param(8, 1)),
        Some((8, 1))
    );
    assert_eq!(parse_concurrent_param("1024"), None);
    assert_eq!(utc_date(0), "1970-01-01");
    assert_eq!(utc_date(951_782_400), "2000-02-29");
    assert_eq!(utc_date(4_102_444_799), "2099-12-31");
    assert_eq!(field("a,b\nc"), "a;b c");
    let cpuinfo = "processor\t: 0\nmodel name\t: Test CPU @ 1GHz\nprocessor\t: 1\n";
    assert_eq!(cpu_model(cpuinfo).as_deref(), Some("Test CPU @ 1GHz"));
    let m = Memory {
        table_bytes: 3,
        record_bytes: 2,
        classes: 1,
    };
    assert_eq!(
        memory_csv(&[("rcu", m)]),
        "strategy,table_bytes,record_bytes,classes\nrcu,3,2,1\n"
    );
}

#[test]
fn scaling_rounds_are_paired_ratios_in_csv() {
    use host_bench::scaling::{self, HEADER};
    use host_bench::strategy::Noop;
    let s = scaling::measure::<Noop>(64, 2, 3);
    assert_eq!(
        (s.strategy, s.sites, s.threads, s.ratios.len()),
        ("noop", 64, 2, 3)
    );
    assert!(
        s.ratios.windows(2).all(|w| w[0] <= w[1]),
        "sorted: {:?}",
        s.ratios
    );
    assert!(
        s.ratios.iter().all(|r| r.is_finite() && *r > 0.0),
        "{:?}",
        s.ratios
    );
    assert_eq!(s.median(), s.ratios[1]);
    let csv = scaling::csv(&[s], 2);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(HEADER));
    let row: Vec<&str> = lines.next().expect("one row").split(',').collect();
    assert_eq!(row.len(), HEADER.split(',').count());
    assert_eq!(&row[..5], &["noop", "64", "2", "2", "3"]);
    assert!(lines.next().is_none());
    // One core: nothing to compare, no rows.
    assert!(scaling::measure_all(1, 3).is_empty());
}
