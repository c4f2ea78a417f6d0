//! `parse` of what several boots and loads need: load numbers, the boot id, the injected
//! failure rate from wherever the log states it, grace periods, refscale calibration lines
//! and the `End of test:` verdict. The logs here are synthetic.

mod common;

use common::{run, stderr, temp_dir};
use lockclass_report::logparse::{parse_log, Meta};
use lockclass_report::tidy;

fn meta(boot: u32) -> Meta {
    Meta {
        source: "guest-uml".into(),
        kernel: "6.12.117".into(),
        flavour: "lockdep".into(),
        rustc: "1.96.0".into(),
        cpu: "Synthetic CPU".into(),
        date: "2025-01-15".into(),
        boot,
    }
}

/// One module load: the guest script's insmod line, start, two runs of one cell, done.
fn load(insmod_params: &str, start_extra: &str, result_extra: &str, ns: [&str; 2]) -> String {
    format!(
        "lockclass-guest: insmod /lockclass_bench.ko strategy=mutex mode=init sites=64 {insmod_params}\n\
         [    1.0] lockclass_bench: start strategies=mutex modes=init threads=1 sites=64 loops=10 runs=2 warmup=1 cpus=1 lockdep=1 compiled_sites=1024 {start_extra}\n\
         [    1.1] lockclass_bench: result strategy=mutex mode=init threads=1 sites=64 run=1 ops=10 ns_per_op={} {result_extra}\n\
         [    1.2] lockclass_bench: result strategy=mutex mode=init threads=1 sites=64 run=2 ops=10 ns_per_op={} {result_extra}\n\
         [    1.3] lockclass_bench: stats strategy=mutex table_bytes=100 buckets=1 classes=1 lost_races=0 fallbacks=0\n\
         [    1.4] lockclass_bench: done results=2\n",
        ns[0], ns[1]
    )
}

#[test]
fn repeated_loads_are_numbered_and_carry_the_boot() {
    let text = load("", "", "", ["50.000", "51.000"]) + &load("", "", "", ["60.000", "61.000"]);
    let p = parse_log(&text, &meta(3)).unwrap();
    assert_eq!(p.results.len(), 4);
    let loads: Vec<Option<u32>> = p.results.iter().map(|r| r.load).collect();
    assert_eq!(loads, [Some(1), Some(1), Some(2), Some(2)]);
    assert!(p.results.iter().all(|r| r.boot == Some(3)));
    assert!(p.results.iter().all(|r| r.cores == Some(1)));
    let stat_loads: Vec<Option<u32>> = p.stats.iter().map(|r| r.load).collect();
    assert_eq!(stat_loads, [Some(1), Some(2)]);
    // A repeated run inside one load is still refused.
    let dup = text.replacen(
        "run=2 ops=10 ns_per_op=51.000",
        "run=1 ops=10 ns_per_op=51.000",
        1,
    );
    let e = format!("{:#}", parse_log(&dup, &meta(1)).unwrap_err());
    assert!(e.contains("duplicate"), "{e}");
}

#[test]
fn injected_failure_rate_comes_from_result_start_or_insmod() {
    let cases = [
        (load("fail_alloc_every=3", "", "", ["1.0", "1.0"]), 3),
        (load("", "fail_alloc_every=5", "", ["1.0", "1.0"]), 5),
        (
            load(
                "fail_alloc_every=3",
                "fail_alloc_every=4",
                "",
                ["1.0", "1.0"],
            ),
            4,
        ),
        (load("", "", "fail_alloc_every=7", ["1.0", "1.0"]), 7),
        (load("", "", "", ["1.0", "1.0"]), 0),
    ];
    for (text, want) in cases {
        let p = parse_log(&text, &meta(1)).unwrap();
        assert!(
            p.results.iter().all(|r| r.fail_alloc_every == want),
            "want {want}: {text}"
        );
    }
    // The insmod line's rate applies to its own load only.
    let text =
        load("fail_alloc_every=2", "", "", ["1.0", "1.0"]) + &load("", "", "", ["1.0", "1.0"]);
    let p = parse_log(&text, &meta(1)).unwrap();
    let rates: Vec<u64> = p.results.iter().map(|r| r.fail_alloc_every).collect();
    assert_eq!(rates, [2, 2, 0, 0]);
}

#[test]
fn grace_periods_per_op_are_kept() {
    let p = parse_log(&load("", "", "gp_per_op=1.000", ["1.0", "2.0"]), &meta(1)).unwrap();
    assert!(p.results.iter().all(|r| r.gp_per_op == Some(1.0)));
    let e = parse_log(&load("", "", "gp_per_op=many", ["1.0", "2.0"]), &meta(1)).unwrap_err();
    assert!(format!("{e:#}").contains("gp_per_op"));
}

#[test]
fn a_run_with_lockdep_off_is_refused() {
    let p = parse_log(&load("", "", "lockdep=1", ["1.0", "2.0"]), &meta(1));
    assert!(p.is_ok());
    let e = parse_log(&load("", "", "lockdep=0", ["1.0", "2.0"]), &meta(1)).unwrap_err();
    assert!(format!("{e:#}").contains("lockdep was off"), "{e:#}");
}

#[test]
fn short_batches_are_marked() {
    let p = parse_log(&load("", "", "short_batch=1", ["1.0", "2.0"]), &meta(1)).unwrap();
    assert!(p.results.iter().all(|r| r.short_batch));
    let p = parse_log(&load("", "", "", ["1.0", "2.0"]), &meta(1)).unwrap();
    assert!(p.results.iter().all(|r| !r.short_batch));
}

#[test]
fn end_of_test_failure_is_refused() {
    let ok = load("", "", "", ["1.0", "1.0"]) + "[ 2.0] lockclass_bench: End of test: SUCCESS\n";
    assert!(parse_log(&ok, &meta(1)).is_ok());
    let bad = load("", "", "", ["1.0", "1.0"])
        + "[ 2.0] lockclass_bench: End of test: FAILURE reason=lockdep_off\n";
    let e = format!("{:#}", parse_log(&bad, &meta(1)).unwrap_err());
    assert!(e.contains("FAILURE"), "{e}");
}

#[test]
fn calibration_lines_become_their_own_csv() {
    let text = load("", "", "", ["1.0", "1.0"])
        + "lockclass-guest: insmod /refscale.ko scale_type=lock\n\
           lockclass-guest: calibration type=lock run=1 ns_per_op=44.512\n\
           lockclass-guest: calibration type=clock run=1 ns_per_op=29.000\n";
    let p = parse_log(&text, &meta(2)).unwrap();
    assert_eq!(p.calibration.len(), 2);
    assert_eq!(p.calibration[0].kind, "lock");
    assert_eq!(p.calibration[0].boot, 2);
    assert_eq!(p.calibration[0].ns_per_op, 44.512);
    // refscale's own insmod line does not set the benchmark's failure rate.
    assert!(p.results.iter().all(|r| r.fail_alloc_every == 0));

    let dir = temp_dir("calib");
    let log = dir.join("boot2.log");
    std::fs::write(&log, &text).unwrap();
    let out = dir.join("guest-uml-lockdep-boot2.csv");
    let o = run(&[
        "parse",
        log.to_str().unwrap(),
        "--source",
        "guest-uml",
        "--boot",
        "2",
        "--kernel",
        "6.12.117",
        "--flavour",
        "lockdep",
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
    let cal =
        tidy::read::<tidy::CalibrationRow>(&dir.join("guest-uml-lockdep-boot2.calibration.csv"))
            .unwrap();
    assert_eq!(cal, p.calibration);
    let rows = tidy::read::<tidy::DataRow>(&out).unwrap();
    assert!(rows
        .iter()
        .all(|r| r.boot == Some(2) && r.source == "guest-uml"));

    let bad = text.replace("ns_per_op=29.000", "ns_per_op=fast");
    assert!(parse_log(&bad, &meta(1)).is_err());
}

#[test]
fn boot_zero_is_refused() {
    let mut m = meta(0);
    assert!(m.validate().is_err());
    m.boot = 1;
    assert!(m.validate().is_ok());
}

#[test]
fn uml_flavour_is_a_lockdep_kernel() {
    let mut m = meta(1);
    m.flavour = "uml".into();
    assert!(m.validate().is_ok());
    let p = parse_log(&load("", "", "", ["1.0", "1.0"]), &m).unwrap();
    assert!(p.results.iter().all(|r| r.flavour == "lockdep"));
    assert!(p.stats.iter().all(|r| r.flavour == "lockdep"));
    // The module's lockdep=1 agrees with it; lockdep=0 does not.
    let off = load("", "", "", ["1.0", "1.0"]).replace("lockdep=1", "lockdep=0");
    assert!(parse_log(&off, &m).is_err());
}

#[test]
fn the_grace_period_measured_at_load_goes_with_its_rows() {
    let with_estimate = |gp: &str, body: String| {
        body.replacen(
            "[    1.0] lockclass_bench: start",
            &format!(
                "[    1.0] lockclass_bench: estimate kind=lower_bound seconds=0.1 gp_ns=1\n\
                 [    1.0] lockclass_bench: estimate kind=plan seconds=0.6 timed_s=0.5 grace_periods=3 gp_s=0.1 gp_ns={gp} configs=1 max_seconds=120\n\
                 [    1.0] lockclass_bench: start"
            ),
            1,
        )
    };
    let text =
        with_estimate("6144", load("", "", "", ["1.0", "1.0"])) + &load("", "", "", ["1.0", "1.0"]);
    let p = parse_log(&text, &meta(1)).unwrap();
    let gp: Vec<Option<u64>> = p.results.iter().map(|r| r.gp_ns).collect();
    // The plan's figure, not the lower bound's; the next load printed none.
    assert_eq!(gp, [Some(6144), Some(6144), None, None]);
}
