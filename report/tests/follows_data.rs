//! The page follows its data: render a synthetic data set, change it (scale one strategy's
//! rows, drop a source, mark a cell below resolution, name a source stale), render again, and
//! check that the figures, ratios and verdicts on the page move with it. Expected values are
//! computed here from the rows the test writes, never copied from a rendered page.

mod common;

use std::path::Path;

use common::{run, stderr, temp_dir};
use lockclass_report::page::num;
use lockclass_report::tidy::{self, DataRow};

/// ns per operation per (strategy, mode) at 64 sites: synthetic.
const BASE: &[(&str, &str, f64)] = &[
    ("mutex", "lookup", 200.0),
    ("spinlock", "lookup", 100.0),
    ("rcu", "lookup", 40.0),
    ("location", "lookup", 1.0),
    ("macro", "lookup", 1.0),
    ("noop", "lookup", 1.0),
    ("cached", "lookup", 1.2),
    ("pool", "lookup", 1.2),
    ("dynamic", "lookup", 5000.0),
    ("mutex", "create", 1400.0),
    ("spinlock", "create", 1200.0),
    ("pool", "init", 60.0),
    ("macro", "init", 50.0),
    ("location", "init", 50.0),
    ("cached", "init", 120.0),
    ("dynamic", "init", 5000.0),
];

/// 8 loads in 2 boots, 3 runs each; a load's drift moves every strategy alike, so each
/// load's ratio is exactly the BASE ratio.
fn rows(source: &str, scale: (&str, f64)) -> Vec<DataRow> {
    let mut out = Vec::new();
    for boot in 1..=2u32 {
        for load in 1..=4u32 {
            let drift = 1.0 + 0.03 * f64::from(boot * 4 + load);
            for (st, mode, ns) in BASE {
                for run in 1..=3u64 {
                    let mut r = DataRow::basic(source, st, mode, 1, 64);
                    r.flavour = "lockdep".into();
                    r.date = "2026-01-02".into();
                    (r.boot, r.load, r.run) = (Some(boot), Some(load), Some(run));
                    let k = if *st == scale.0 { scale.1 } else { 1.0 };
                    r.ns_per_op = ns * k * drift * (1.0 + 0.001 * run as f64);
                    r.ops = 100_000;
                    out.push(r);
                }
            }
        }
    }
    out
}

fn render(dir: &Path, data: &[DataRow], extra: &[&str]) -> String {
    let csv = dir.join("data.csv");
    let mut buf = Vec::new();
    tidy::write(&mut buf, data).unwrap();
    std::fs::write(&csv, buf).unwrap();
    let out = dir.join("out");
    let mut args = vec!["render", "--data", csv.to_str().unwrap(), "--out"];
    args.push(out.to_str().unwrap());
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_to_string(out.join("REPORT.md")).unwrap()
}

/// The decided-figures table row of a comparison: (estimate, verdict) cells.
fn row<'a>(page: &'a str, what: &str) -> Vec<&'a str> {
    let line = (page.lines())
        .find(|l| l.starts_with(&format!("| {what} |")))
        .unwrap_or_else(|| panic!("no row `{what}` in\n{page}"));
    line.split(" | ").collect()
}

fn base(st: &str, mode: &str) -> f64 {
    BASE.iter().find(|b| b.0 == st && b.1 == mode).unwrap().2
}

#[test]
fn figures_and_verdicts_follow_the_data() {
    let dir = temp_dir("follows");
    let q1 = "hit (lookup), `mutex` / `spinlock` table";
    let q4 = "lock init, `pool` / `macro`";

    let page = render(&dir, &rows("guest-uml", ("", 1.0)), &[]);
    let first = &page[..3000.min(page.len())];
    assert!(
        first.contains("1. **Mutex or spinlock?** Spinlock"),
        "{first}"
    );
    let expect = format!(
        "{}x",
        num(base("mutex", "lookup") / base("spinlock", "lookup"))
    );
    let r = row(&page, q1);
    assert_eq!(r[2], expect);
    assert!(r[5].starts_with("`spinlock` faster"), "{r:?}");
    let expect = format!("{}x", num(base("pool", "init") / base("macro", "init")));
    assert_eq!(row(&page, q4)[2], expect);
    assert!(row(&page, q4)[5].starts_with("`macro` faster"));
    // The summary's figure is the median of the load medians, computed here the same way.
    let mut loads: Vec<f64> = (1..=2u32)
        .flat_map(|b| (1..=4u32).map(move |l| 200.0 * (1.0 + 0.03 * f64::from(b * 4 + l)) * 1.002))
        .collect();
    loads.sort_by(f64::total_cmp);
    let med = (loads[3] + loads[4]) / 2.0;
    assert!(
        page.contains(&format!("| `mutex` | {} (", num(med))),
        "{page}"
    );
    assert!(!page.contains("earlier run"));
    assert!(!page.contains("No real-CPU source"));

    // Scale spinlock by 4: mutex is now the faster table, by 2x.
    let page = render(&dir, &rows("guest-uml", ("spinlock", 4.0)), &[]);
    let r = row(&page, q1);
    assert_eq!(r[2], format!("{}x", num(200.0 / 400.0)));
    assert!(r[5].starts_with("`mutex` faster"), "{r:?}");
    assert!(page.contains("1. **Mutex or spinlock?** Mutex"));

    // Scale pool by 50/60: pool and macro init are now equal within 5 %.
    let page = render(&dir, &rows("guest-uml", ("pool", 50.0 / 60.0)), &[]);
    assert_eq!(row(&page, q4)[2], "1.00x");
    assert!(row(&page, q4)[5].starts_with("equal within 5"));

    // A mutex create below resolution: no ratio, and the page says why.
    let mut data = rows("guest-uml", ("", 1.0));
    for r in data
        .iter_mut()
        .filter(|r| r.strategy == "mutex" && r.mode == "create")
    {
        r.short_batch = true;
    }
    let page = render(&dir, &data, &[]);
    let r = row(&page, "miss (create), `mutex` / `spinlock` table");
    assert_eq!(r[2], "-");
    assert!(r[5].contains("below the clock's resolution"), "{r:?}");

    // Stale: said before the verdicts, with the date, and on every figure from the source.
    let reason = "User-Mode Linux could not boot on this host";
    let stale = format!("guest-uml={reason}");
    let page = render(&dir, &rows("guest-uml", ("", 1.0)), &["--stale", &stale]);
    let notice = page
        .find("No current figure from `guest-uml`")
        .expect("notice");
    assert!(notice < page.find("1. **Mutex").unwrap());
    assert!(page.contains(reason));
    assert!(row(&page, q1)[1].contains("earlier run 2026-01-02"));

    // The source dropped: the emulated one stands in, and the first screen says so.
    let page = render(&dir, &rows("guest-icount", ("", 1.0)), &[]);
    let first = &page[..3000.min(page.len())];
    assert!(first.contains("No real-CPU source in this data"), "{first}");
    assert!(row(&page, q1)[1].contains("guest-icount"));
    assert!(!page.contains("[guest-uml"));
}
