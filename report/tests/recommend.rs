//! The recommendation, the summary and the explanations follow from the data: precision
//! outcomes, the cheapest table, macro keys, instruction counts, short batches and
//! oversubscribed host runs, checked on synthetic data sets with known answers.

mod common;

use common::answers_data::{keys, prec, render, tables, Data, STEADY};
use lockclass_report::tidy::DataRow;

#[test]
fn precision_decides_the_location_answer() {
    let p = [
        prec("two-locations", "location", "reported-circular", "silent"),
        prec(
            "two-locations",
            "cached",
            "reported-circular",
            "reported-circular",
        ),
    ];
    let out = render(&keys(), None, Some(&p));
    let a = out.answer(2);
    assert!(!a.contains("`macro` keys share"), "{a}");
    assert!(
        a.contains("Not on its own: it does not give one class per source site."),
        "{a}"
    );
    assert!(
        a.contains("(location and macro are level, within their spread)"),
        "{a}"
    );
    assert!(a.contains("`two-locations` missed"), "{a}");
    let summary = out.section("## Summary");
    assert!(
        summary.contains("0/1 as expected; missed `two-locations`"),
        "{summary}"
    );
    assert!(summary.contains("1/1 as expected"), "{summary}");
    assert!(out
        .section("## Recommendation")
        .contains("**Not `location` as the class source**"));

    let out = render(&keys(), None, None);
    let a = out.answer(2);
    assert!(a.contains("Cheap to look up."), "{a}");
    assert!(
        a.contains("is not measured in this data (no precision CSV)"),
        "{a}"
    );
    assert!(out.section("## Summary").contains("not measured"));
}

#[test]
fn recommendation_follows_the_cheapest_atomic_table() {
    let out = render(&keys(), None, None);
    let r = out.section("## Recommendation");
    assert!(r.contains("use the `cached` table"), "{r}");
    assert!(r.contains("20.00x faster than the next, `rcu`"), "{r}");
    assert!(
        r.contains("a lock init 75.0 ns [real CPU, UML] (1.50x a macro key's)"),
        "{r}"
    );
    assert!(r.contains("(its cost is not timed in this data)"), "{r}");

    // Make rcu the cheaper one: the recommendation follows.
    let d = Data::new()
        .uml("cached", "lookup", 40.0)
        .uml("cached", "atomic", 40.0)
        .uml("rcu", "lookup", 2.0)
        .uml("rcu", "atomic", 2.0);
    let r = render(&d, None, None)
        .section("## Recommendation")
        .to_string();
    assert!(r.contains("use the `rcu` table"), "{r}");
}

#[test]
fn report_stays_small_and_honest() {
    let mut d = keys();
    for src in ["guest-icount", "guest-tcg"] {
        for st in [
            "mutex", "spinlock", "rcu", "cached", "location", "macro", "noop",
        ] {
            for n in [1, 16, 64, 256, 1024] {
                d = d.cell_at(src, st, "lookup", 1, n, 0, 10.0, &[1.0]);
            }
        }
    }
    let out = render(&d, None, None);
    assert!(out.report.len() < 25_000, "{} bytes", out.report.len());
    assert!(!out.report.contains("real hardware"));
    for label in [
        "real CPU in a kernel (User-Mode Linux, 1 CPU)",
        "emulated (QEMU TCG)",
        "emulated, instruction-exact (QEMU TCG icount)",
    ] {
        assert!(out.report.contains(label), "missing label {label}");
    }
}

#[test]
fn host_instruction_counts_are_shown_beside_the_times() {
    let mut d = keys();
    for (st, instr) in [("location", 9.0), ("cached", 17.0)] {
        let mut r = DataRow::basic("host", st, "lookup", 1, 64);
        r.flavour = "-".into();
        r.ns_per_op = 1.0;
        r.ci_low = Some(0.9);
        r.ci_high = Some(1.1);
        r.instructions_per_op = Some(instr);
        r.cores = Some(2);
        d.0.push(r);
    }
    let out = render(&d, None, None);
    assert!(
        out.report.contains("**Instructions per host lookup** at 64 sites, counted (callgrind) rather than timed [user space]: `location` 9, `cached` 17; a `cached` hit executes 8 more than a `location` lookup."),
        "{}",
        out.report
    );
    assert!(out
        .report
        .contains("`host` had 2 cores, never more threads than that"));
    let cached = &out
        .details
        .iter()
        .find(|(n, _)| n == "cached.md")
        .unwrap()
        .1;
    assert!(cached.contains(", 17 instr"), "{cached}");
}

#[test]
fn figures_from_short_batches_say_so() {
    let mut d = tables(150.0, 100.0);
    for r in
        d.0.iter_mut()
            .filter(|r| r.strategy == "spinlock" && r.mode == "lookup")
    {
        r.short_batch = true;
    }
    let a = render(&d, None, None).answer(1).to_string();
    assert!(
        a.contains("100 ns [real CPU, UML; 18 of 18 runs shorter than the clock needs]"),
        "{a}"
    );
}

#[test]
fn macro_key_answer_follows_the_init_figures() {
    let d = Data::new()
        .uml("macro", "init", 50.0)
        .uml("location", "init", 52.0)
        .uml("cached", "init", 75.0);
    let a = render(&d, None, None).answer(4).to_string();
    assert!(a.contains("The cheapest lock init measured"), "{a}");
    assert!(a.contains("a lock init with a macro key costs 50.0 ns [real CPU, UML], against `location` 52.0 ns [real CPU, UML] and `cached` 75.0 ns [real CPU, UML]"), "{a}");

    let d = Data::new()
        .uml("macro", "init", 50.0)
        .uml("location", "init", 40.0);
    let a = render(&d, None, None).answer(4).to_string();
    assert!(
        a.contains("Not the cheapest init measured (`location` is 1.25x faster)"),
        "{a}"
    );

    let d = Data::new()
        .cell(
            "guest-uml",
            "macro",
            "init",
            50.0,
            &[1.0, 0.7, 1.0, 1.0, 1.0, 1.0],
        )
        .uml("location", "init", 40.0);
    let a = render(&d, None, None).answer(4).to_string();
    assert!(a.contains("is not decided by this data"), "{a}");
}

#[test]
fn summary_keeps_a_column_when_one_strategy_lacks_its_point() {
    // `rcu` has no lookup at the plan's 64 sites, only at 1024: the others still show.
    let d = Data::new()
        .uml("mutex", "lookup", 150.0)
        .uml("cached", "lookup", 2.0)
        .cell_at("guest-uml", "rcu", "lookup", 1, 1024, 0, 40.0, &STEADY);
    let summary = render(&d, None, None).section("## Summary").to_string();
    assert!(summary.contains("| `mutex` | 150 ns |"), "{summary}");
    assert!(summary.contains("| `rcu` | - |"), "{summary}");
}

#[test]
fn host_scaling_on_real_cores_says_when_oversubscribed() {
    let mut d = tables(150.0, 100.0);
    for (t, ns) in [(1, 2.0), (4, 6.0)] {
        let mut r = DataRow::basic("host", "cached", "concurrent", t, 64);
        r.flavour = "-".into();
        r.ns_per_op = ns;
        r.cores = Some(2);
        d.0.push(r);
    }
    let out = render(&d, None, None);
    let a = out.answer(5);
    assert!(
        a.contains("a `cached` operation on 64 sites costs 6.00 ns [user space] with 4 threads against 2.00 ns [user space] with 1 (3.00x, oversubscribed: 4 threads on 2 CPUs)"),
        "{a}"
    );
    assert!(out
        .report
        .contains("`host` had 2 cores and 1 rows ran more threads than that"));
}

#[test]
fn a_miss_macro_keys_share_is_said() {
    let p = [
        prec("two-locations", "location", "reported-circular", "silent"),
        prec("two-locations", "macro", "reported-circular", "silent"),
    ];
    let a = render(&keys(), None, Some(&p)).answer(2).to_string();
    assert!(
        a.contains("[real CPU, UML]; `macro` keys share missed `two-locations`."),
        "{a}"
    );
}

#[test]
fn grace_periods_measured_at_load_are_quoted_per_source() {
    let mut d = tables(150.0, 100.0);
    for r in d.0.iter_mut() {
        r.gp_ns = Some(6144);
    }
    let mut r = DataRow::basic("guest-tcg", "mutex", "concurrent", 2, 64);
    r.flavour = "lockdep".into();
    r.ns_per_op = 3000.0;
    r.gp_ns = Some(24_000_000);
    r.load = Some(1);
    d.0.push(r);
    let report = render(&d, None, None).report;
    assert!(
        report.contains("one grace period (a `lockdep_unregister_key`) measured at 6.14 µs [real CPU, UML] (median of 6 loads)"),
        "{report}"
    );
    assert!(
        report.contains("measured at 24.0 ms [emulated, TCG] (one load)"),
        "{report}"
    );
}
