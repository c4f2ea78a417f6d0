//! The answers follow from the data: small synthetic data sets whose right answer is known
//! (spinlock faster than mutex or not, a source missing, loads that disagree, a timed
//! fallback, precision outcomes) go through the generator, and the sentences are checked.

use lockclass_report::aggregate::Dataset;
use lockclass_report::report::{render_markdown, Extras};
use lockclass_report::tidy::{DataRow, PrecisionRow, StatsRow};

/// Rows of one cell: `boots` x `loads` loads of three runs each, every run at `ns` times the
/// load's factor (so a cell's loads can be made to disagree).
struct Data(Vec<DataRow>);

impl Data {
    fn new() -> Data {
        Data(Vec::new())
    }

    fn cell(mut self, source: &str, strategy: &str, mode: &str, ns: f64, factors: &[f64]) -> Data {
        self = self.cell_at(source, strategy, mode, 1, 64, 0, ns, factors);
        self
    }

    #[allow(clippy::too_many_arguments)]
    fn cell_at(
        mut self,
        source: &str,
        strategy: &str,
        mode: &str,
        threads: u32,
        sites: u64,
        fail: u64,
        ns: f64,
        factors: &[f64],
    ) -> Data {
        for (i, f) in factors.iter().enumerate() {
            for run in 1..=3 {
                let mut r = DataRow::basic(source, strategy, mode, threads, sites);
                r.flavour = if source == "host" { "-" } else { "lockdep" }.into();
                r.kernel = "6.12.117".into();
                r.cpu = "Synthetic CPU".into();
                r.boot = Some(i as u32 / 2 + 1);
                r.load = Some(i as u32 % 2 + 1 + if fail > 0 { 10 } else { 0 });
                r.run = Some(run);
                r.fail_alloc_every = fail;
                r.ns_per_op = ns * f;
                self.0.push(r);
            }
        }
        self
    }

    /// The usual UML cells: six loads in three boots agreeing within 2 %.
    fn uml(self, strategy: &str, mode: &str, ns: f64) -> Data {
        self.cell("guest-uml", strategy, mode, ns, &STEADY)
    }
}

const STEADY: [f64; 6] = [1.0, 1.01, 0.99, 1.0, 1.02, 0.995];

struct Out {
    report: String,
    details: Vec<(String, String)>,
}

impl Out {
    fn answer(&self, n: usize) -> &str {
        let start = format!("{n}. **");
        let i = self
            .report
            .find(&start)
            .unwrap_or_else(|| panic!("no answer {n}"));
        let rest = &self.report[i..];
        &rest[..rest.find("\n\n").unwrap_or(rest.len())]
    }

    fn section(&self, title: &str) -> &str {
        let i = self
            .report
            .find(title)
            .unwrap_or_else(|| panic!("no {title}"));
        let rest = &self.report[i + title.len()..];
        &rest[..rest.find("\n## ").unwrap_or(rest.len())]
    }
}

fn render(d: &Data, stats: Option<&[StatsRow]>, precision: Option<&[PrecisionRow]>) -> Out {
    let ds = Dataset::new(&d.0);
    let ex = Extras {
        data_name: "data.csv".into(),
        stats: stats.map(|s| ("stats.csv".to_string(), s)),
        memory: None,
        precision: precision.map(|p| ("precision.csv".to_string(), p)),
        calibration: None,
        runs: None,
        plots: &[],
        plot_note: None,
    };
    let r = render_markdown(&ds, &ex);
    Out {
        report: r.report,
        details: r.details,
    }
}

fn tables(mutex: f64, spinlock: f64) -> Data {
    Data::new()
        .uml("mutex", "lookup", mutex)
        .uml("spinlock", "lookup", spinlock)
        .uml("spinlock", "atomic", spinlock)
}

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
    assert!(a.contains("The mutex table is faster"), "{a}");
    assert!(a.contains("spinlock is 1.50x slower than mutex"), "{a}");
    assert!(!a.contains("Spinlock."), "{a}");
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
    assert!(a.contains("spread 40 % across 6 loads, over 10 %"), "{a}");
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
        a.contains("150 ns [real CPU, UML; spread 50 % across 6 loads, over 10 %]"),
        "{a}"
    );
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
    assert!(a.contains("a `mutex` lock init costs 80.0 ns [real CPU, UML] against 200 ns [real CPU, UML] when allocation succeeds (0.40x)"), "{a}");
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
        a.contains("creation fell back 0 times for 64 classes created"),
        "{a}"
    );
}

fn prec(scenario: &str, strategy: &str, expected: &str, outcome: &str) -> PrecisionRow {
    PrecisionRow {
        scenario: scenario.into(),
        strategy: strategy.into(),
        expected: expected.into(),
        outcome: outcome.into(),
        names_sites: "yes".into(),
        source: "guest-uml".into(),
        note: String::new(),
        count: None,
    }
}

fn keys() -> Data {
    Data::new()
        .uml("location", "lookup", 1.0)
        .uml("macro", "lookup", 1.0)
        .uml("cached", "lookup", 2.0)
        .uml("cached", "atomic", 2.0)
        .uml("rcu", "lookup", 40.0)
        .uml("rcu", "atomic", 40.0)
        .uml("mutex", "lookup", 150.0)
        .uml("macro", "init", 50.0)
        .uml("cached", "init", 75.0)
}

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
