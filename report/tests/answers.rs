//! The answers follow from the data: small synthetic data sets whose right answer is known
//! (spinlock faster than mutex or not, a source missing, loads that disagree, a timed
//! fallback) go through the generator, and the sentences are checked.

mod common;

use common::answers_data::{render, tables, Data, STEADY};
use lockclass_report::tidy::StatsRow;

#[test]
fn spinlock_faster_than_mutex() {
    let out = render(&tables(150.0, 100.0), None, None);
    let a = out.answer(1);
    assert!(a.contains("Spinlock."), "{a}");
    assert!(a.contains("spinlock is 1.50x faster than mutex"), "{a}");
    assert!(a.contains("100 ns [real CPU, UML]"), "{a}");
    assert!(a.contains("150 ns [real CPU, UML]"), "{a}");
    assert!(
        a.contains("Only the spinlock table runs with preemption disabled"),
        "{a}"
    );
}

#[test]
fn spinlock_slower_than_mutex() {
    let out = render(&tables(100.0, 150.0), None, None);
    let a = out.answer(1);
    assert!(
        a.contains(
            "The mutex table is faster, but only the spinlock table can be used in atomic context."
        ),
        "{a}"
    );
    assert!(a.contains("spinlock is 1.50x slower than mutex"), "{a}");
    assert!(!a.contains("Spinlock."), "{a}");
    // Without atomic rows, nothing is claimed about atomic context.
    let d = Data::new()
        .uml("mutex", "lookup", 100.0)
        .uml("spinlock", "lookup", 150.0);
    let a = render(&d, None, None).answer(1).to_string();
    assert!(a.contains("The mutex table is faster. A hit"), "{a}");
    assert!(!a.contains("atomic"), "{a}");
}

#[test]
fn difference_inside_the_spread_is_no_difference() {
    let d = Data::new()
        .cell(
            "guest-uml",
            "mutex",
            "lookup",
            100.0,
            &[1.0, 1.05, 0.96, 1.0, 1.02, 0.98],
        )
        .uml("spinlock", "lookup", 98.0);
    let a = render(&d, None, None).answer(1).to_string();
    assert!(a.contains("are level, within their spread"), "{a}");
}

#[test]
fn loads_that_disagree_leave_the_question_open() {
    // One load of the mutex cell reads as fast as spinlock: spread over the limit, and the
    // loads of the two overlap.
    let d = Data::new()
        .cell(
            "guest-uml",
            "mutex",
            "lookup",
            150.0,
            &[1.0, 0.6, 1.0, 1.0, 1.0, 1.0],
        )
        .uml("spinlock", "lookup", 100.0);
    let out = render(&d, None, None);
    let a = out.answer(1);
    assert!(a.contains("Not decided by this data."), "{a}");
    assert!(
        a.contains("the data do not decide between spinlock and mutex"),
        "{a}"
    );
    assert!(a.contains("noisy: spread 40 % over 6 loads"), "{a}");
    // The summary marks the same figure.
    assert!(out.section("## Summary").contains("150 ns (noisy)"));
}

#[test]
fn noisy_loads_that_all_agree_still_decide() {
    // Mutex's loads spread by half, but every one of them is slower than every spinlock load.
    let d = Data::new()
        .cell(
            "guest-uml",
            "mutex",
            "lookup",
            150.0,
            &[1.0, 1.5, 1.0, 1.0, 1.0, 1.0],
        )
        .uml("spinlock", "lookup", 100.0);
    let a = render(&d, None, None).answer(1).to_string();
    assert!(a.contains("Spinlock."), "{a}");
    assert!(a.contains("spinlock is 1.50x faster than mutex"), "{a}");
    assert!(
        a.contains("150 ns [real CPU, UML; noisy: spread 50 % over 6 loads]"),
        "{a}"
    );
}

#[test]
fn loads_that_move_together_still_decide() {
    // The host's speed drifts: two loads run at half the time for every strategy, so the
    // loads of mutex and spinlock overlap, but in every load spinlock is the faster one.
    let drift = [1.0, 0.5, 1.0, 1.0, 0.5, 1.0];
    let d = Data::new()
        .cell("guest-uml", "mutex", "lookup", 150.0, &drift)
        .cell("guest-uml", "spinlock", "lookup", 100.0, &drift);
    let a = render(&d, None, None).answer(1).to_string();
    assert!(a.contains("Spinlock."), "{a}");
    assert!(a.contains("spinlock is 1.50x faster than mutex"), "{a}");
    // One load where they swap leaves it open again.
    let d = Data::new()
        .cell("guest-uml", "mutex", "lookup", 150.0, &drift)
        .cell(
            "guest-uml",
            "spinlock",
            "lookup",
            100.0,
            &[1.0, 0.5, 1.0, 1.6, 0.5, 1.0],
        );
    let a = render(&d, None, None).answer(1).to_string();
    assert!(a.contains("Not decided by this data."), "{a}");
}

#[test]
fn missing_real_cpu_source_is_said() {
    let d = Data::new()
        .cell("guest-icount", "mutex", "lookup", 1500.0, &[1.0])
        .cell("guest-icount", "spinlock", "lookup", 1200.0, &[1.0]);
    let out = render(&d, None, None);
    for n in 1..=5 {
        let a = out.answer(n);
        assert!(
            a.contains("No real-CPU source `guest-uml` in this data"),
            "{a}"
        );
        assert!(!a.contains("[real CPU"), "{a}");
    }
    assert!(out.answer(1).contains("[emulated, icount]"));
    assert!(out
        .report
        .contains("The real-CPU source (`guest-uml`) is missing"));
    // The emulated-only answer still decides from what there is.
    assert!(out
        .answer(1)
        .contains("spinlock is 1.25x faster than mutex"));
}

#[test]
fn no_kernel_source_at_all() {
    let d = Data::new().cell("host", "mutex", "lookup", 50.0, &[1.0]);
    let out = render(&d, None, None);
    for n in 1..=5 {
        assert!(out
            .answer(n)
            .contains("Not answered: no kernel source with lockdep"));
    }
    assert!(!out.report.contains("real hardware"));
    assert!(out.report.contains("user space (no kernel)"));
}

fn with_fallback(fail_ns: f64) -> Data {
    Data::new().uml("mutex", "init", 200.0).cell_at(
        "guest-uml",
        "mutex",
        "init",
        1,
        64,
        1,
        fail_ns,
        &STEADY,
    )
}

#[test]
fn fallback_is_timed_when_failures_were_injected() {
    let out = render(&with_fallback(80.0), None, None);
    let a = out.answer(3);
    assert!(a.contains("`fail_alloc_every=1`"), "{a}");
    assert!(a.contains("a `mutex` lock init costs 80.0 ns [real CPU, UML] against 200 ns [real CPU, UML] for a hit, once allocation has succeeded (0.40x)."), "{a}");
    // Injected rows never stand in for the normal figure.
    assert!(out.section("## Summary").contains("200 ns"));
    assert!(!out.section("## Summary").contains("80.0 ns"));

    let out = render(&Data::new().uml("mutex", "init", 200.0), None, None);
    let a = out.answer(3);
    assert!(a.contains("The fallback is not timed in this data"), "{a}");
    assert!(
        a.contains("How often creation fails is not counted here (no stats CSV)"),
        "{a}"
    );
}

#[test]
fn fallback_counts_leave_out_injected_loads() {
    let stat = |load, fallbacks, classes| StatsRow {
        source: "guest-uml".into(),
        flavour: "lockdep".into(),
        strategy: "mutex".into(),
        table_bytes: 6400,
        buckets: 60,
        classes,
        lost_races: 0,
        fallbacks,
        boot: Some(1),
        load: Some(load),
    };
    // Load 11 of boot 1 injected failures (see cell_at); load 1 did not.
    let stats = [stat(1, 0, 64), stat(11, 64, 0)];
    let a = render(&with_fallback(80.0), Some(&stats), None)
        .answer(3)
        .to_string();
    assert!(
        a.contains("creation fell back 0 times for 64 classes created over all loads"),
        "{a}"
    );
}

#[test]
fn fallback_of_a_miss_is_timed_beside_the_init() {
    let d = with_fallback(300.0).uml("mutex", "create", 900.0).cell_at(
        "guest-uml",
        "mutex",
        "create",
        1,
        64,
        1,
        450.0,
        &STEADY,
    );
    let a = render(&d, None, None).answer(3).to_string();
    assert!(
        a.contains("a `mutex` lock init costs 300 ns [real CPU, UML] against 200 ns [real CPU, UML] for a hit, once allocation has succeeded (1.50x): every init misses and tries to allocate again; a `mutex` class creation (a miss) costs 450 ns [real CPU, UML] against 900 ns [real CPU, UML] when allocation and registration succeed (0.50x): cheaper, as a failed allocation skips naming and registering a key."),
        "{a}"
    );
}
