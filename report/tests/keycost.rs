//! keycost.csv: parsing (bad header or cell refused with its line and column), the report's
//! "Lock init: where the time goes" section, Q5's possible-CPU sentence, and the
//! recommendation switching between `pool` and `cached`. `fixtures/keycost.csv` is a real
//! keycost.sh run; the other data are synthetic (`common::answers_data::keycost`).

mod common;

use common::answers_data::{keycost, keys, render_with, Data, Out};
use common::{fixture, run, stderr, temp_dir};
use lockclass_report::tidy::{self, KeycostRow};

const HEADER: &str = "source,possible_cpus,percpu_modules,boot,row,name,ns_per_op";

fn parse(text: &str) -> anyhow::Result<Vec<KeycostRow>> {
    tidy::read_keycost_from(text.as_bytes())
}

#[test]
fn fixture_parses_row_by_row() {
    let path = fixture("keycost.csv");
    let rows = tidy::read_keycost(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(rows.len(), text.lines().count() - 1);
    let first = text.lines().nth(1).unwrap();
    let r = &rows[0];
    let back = format!(
        "{},{},{},{},{},{},{:.3}",
        r.source, r.possible_cpus, r.percpu_modules, r.boot, r.row, r.name, r.ns_per_op
    );
    assert_eq!(back, first);
}

#[test]
fn bad_header_or_cell_is_refused_clearly() {
    let e = format!(
        "{:#}",
        parse("source,boot,row,name,ns_per_op\nguest-uml,1,key,pool,1.0\n").unwrap_err()
    );
    assert!(
        e.contains("lacks the column(s) `possible_cpus,percpu_modules`"),
        "{e}"
    );

    let e = format!(
        "{:#}",
        parse(&format!(
            "{HEADER}\nguest-uml,1,0,1,key,pool,1.0\nguest-uml,1,0,1,keys,pool,1.0\n"
        ))
        .unwrap_err()
    );
    assert!(e.contains("line 3"), "{e}");
    assert!(
        e.contains("column `row`: `keys` is neither `key` nor `init`"),
        "{e}"
    );

    for (cell, want) in [
        (
            "guest-uml,x,0,1,key,pool,1.0",
            "column `possible_cpus`: `x` is not a valid number",
        ),
        (
            "guest-uml,0,0,1,key,pool,1.0",
            "column `possible_cpus` is 0",
        ),
        ("guest-uml,1,0,1,key,pool,-2", "column `ns_per_op`"),
        ("guest-uml,1,0,1,key,,1.0", "column `name` is empty"),
    ] {
        let e = format!("{:#}", parse(&format!("{HEADER}\n{cell}\n")).unwrap_err());
        assert!(e.contains("line 2") && e.contains(want), "{cell}: {e}");
    }
}

#[test]
fn render_reads_keycost_and_names_it() {
    let dir = temp_dir("keycost-render");
    let out = dir.join("out");
    let data = fixture("data-small.csv");
    let kc = fixture("keycost.csv");
    let o = run(&[
        "render",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--keycost",
        kc.to_str().unwrap(),
        "--font",
        "/nonexistent/font.ttf",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(
        report.contains("`data-small.csv`, `keycost.csv`"),
        "{report}"
    );
    assert!(report.contains("## Lock init: where the time goes"));
    assert!(report.contains("### Real CPU (`guest-uml`)"));
    assert!(report.contains("emulated figures"));

    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{HEADER}\nguest-uml,1,0,1,key,pool,fast\n")).unwrap();
    let o = run(&[
        "render",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--keycost",
        bad.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("is not a valid keycost CSV") && e.contains("line 2"),
        "{e}"
    );
}

fn section(out: &Out) -> &str {
    out.section("## Lock init: where the time goes")
}

#[test]
fn without_keycost_the_section_says_so() {
    let out = render_with(&keys(), None, None, None);
    let s = section(&out);
    assert!(s.contains("no keycost CSV was given (`--keycost`)"), "{s}");
    assert!(
        s.contains("none of `pool`, `cached`, `rcu`, `dynamic` has `create` rows"),
        "{s}"
    );
    assert!(!out.answer(5).contains("Possible CPUs"));
}

#[test]
fn pool_within_ten_percent_of_macro_is_computed() {
    let kc = keycost(1.04);
    let out = render_with(&keys(), None, None, Some(&kc));
    let s = section(&out);
    assert!(
        s.contains("`pool`'s init over `macro`'s is 1.04x in the median of 6 boot(s), from 1.04x to 1.04x [real CPU, UML]: pool's init is within 10 % of macro's on this data."),
        "{s}"
    );
    assert!(
        s.contains("3 boot(s) without the per-CPU module and 3 with it"),
        "{s}"
    );
    // Boot speeds differ by 20 %; within a boot a registered key costs 1.8x a static one.
    assert!(s.contains("| `registered` (kmalloc'd, lockdep_register_key) | 90.0 [81.0–108] | 1.80x [1.80x–1.80x] |"), "{s}");

    let kc = keycost(1.25);
    let s = render_with(&keys(), None, None, Some(&kc)).report;
    assert!(
        s.contains("pool's init is not within 10 % of macro's on this data (25 % more)."),
        "{s}"
    );
}

#[test]
fn emulated_growth_per_cpu_and_per_module() {
    let kc = keycost(1.0);
    let out = render_with(&keys(), None, None, Some(&kc));
    let s = section(&out);
    assert!(s.contains("| `registered` | 0 | 1000 | 1070 |"), "{s}");
    assert!(
        s.contains("`registered`: +10.0 ns per possible CPU (1 to 8 possible CPUs); +5.00 ns per per-CPU module at 1 possible CPU (+5.00 ns at 8)."),
        "{s}"
    );
    assert!(
        s.contains("`module_static`: +2.00 ns per possible CPU"),
        "{s}"
    );
    let a = out.answer(5);
    assert!(
        a.contains("a lock init with a registered key grows by +10.0 ns per possible CPU, with a module static key by +2.00 ns (1 to 8 possible CPUs) [emulated, icount]"),
        "{a}"
    );
}

/// `keys()` plus `pool` and `cached` creates waiting `gp` grace periods per operation.
fn with_pool(pool_init: Option<f64>, pool_gp: f64) -> Data {
    let mut d = keys()
        .uml("pool", "lookup", 2.0)
        .uml("pool", "create", 400.0)
        .uml("cached", "create", 1100.0);
    if let Some(ns) = pool_init {
        d = d.uml("pool", "init", ns);
    }
    for r in &mut d.0 {
        if r.mode == "create" {
            r.gp_per_op = Some(if r.strategy == "pool" { pool_gp } else { 1.0 });
        }
    }
    d
}

fn item2(out: &Out) -> String {
    let rec = out.section("## Recommendation");
    rec.lines()
        .find(|l| l.starts_with("2. "))
        .unwrap_or_else(|| panic!("no item 2 in {rec}"))
        .to_string()
}

#[test]
fn recommendation_prefers_pool_when_level_with_macro_and_no_grace_period() {
    let kc = keycost(1.04);
    let out = render_with(&with_pool(None, 0.0), None, None, Some(&kc));
    let it = item2(&out);
    assert!(
        it.contains("**For `#[track_caller]` constructors, use `pool`**"),
        "{it}"
    );
    assert!(
        it.contains("its init is 1.04x a macro key's (median over 6 boot(s)"),
        "{it}"
    );
    assert!(
        it.contains("a create waits for no grace period (0.00 per operation [real CPU, UML])"),
        "{it}"
    );
    assert!(it.contains("a fixed number of slots"), "{it}");
    assert!(
        it.contains("falls back to registered keys from the content table, as `cached`"),
        "{it}"
    );
    let s = section(&out);
    assert!(
        s.contains("`pool` 0.00 (a create costs 400 ns [real CPU, UML])"),
        "{s}"
    );
    assert!(s.contains("`cached` 1.00"), "{s}");
    assert!(s.contains("`pool` waits for no grace period"), "{s}");

    // Without keycost, from the init cells: 52 against macro's 50.
    let out = render_with(&with_pool(Some(52.0), 0.0), None, None, None);
    let it = item2(&out);
    assert!(it.contains("use `pool`"), "{it}");
    assert!(it.contains("a `pool` lock init costs 52.0 ns [real CPU, UML] against 50.0 ns [real CPU, UML] for `macro` (1.04x)"), "{it}");
}

#[test]
fn recommendation_keeps_cached_otherwise() {
    // Init too slow.
    let kc = keycost(1.25);
    let it = item2(&render_with(&with_pool(None, 0.0), None, None, Some(&kc)));
    assert!(it.contains("use the `cached` table"), "{it}");
    assert!(
        it.contains("Not `pool`: its init is 1.25x a macro key's"),
        "{it}"
    );
    assert!(it.contains("more than 10 % above"), "{it}");

    // A grace period per create.
    let kc = keycost(1.0);
    let it = item2(&render_with(&with_pool(None, 1.0), None, None, Some(&kc)));
    assert!(it.contains("use the `cached` table"), "{it}");
    assert!(
        it.contains("within 10 %, but its create waits 1.00 grace periods per operation."),
        "{it}"
    );

    // No pool create rows: not established.
    let d = keys().uml("pool", "init", 50.0);
    let it = item2(&render_with(&d, None, None, None));
    assert!(it.contains("use the `cached` table"), "{it}");
    assert!(
        it.contains("Not `pool`: a `pool` lock init costs 50.0 ns [real CPU, UML] against 50.0 ns [real CPU, UML] for `macro` (1.00x), within 10 %, but its create is not in this data (no `pool` create rows)."),
        "{it}"
    );

    // No pool data at all: the item does not mention it.
    let it = item2(&render_with(&keys(), None, None, None));
    assert!(
        it.contains("use the `cached` table") && !it.contains("pool"),
        "{it}"
    );
}
