//! Small synthetic data sets for the answer tests: cells with a chosen figure per load, and
//! the generator run on them in process.

use lockclass_report::aggregate::Dataset;
use lockclass_report::report::{render_markdown, Extras};
use lockclass_report::tidy::{DataRow, KeycostRow, PrecisionRow, ScalingRow, StatsRow};

/// Rows of cells: `factors.len()` loads (two per boot) of three runs each, every run at
/// `ns` times the load's factor, so a cell's loads can be made to disagree.
#[derive(Default)]
pub struct Data(pub Vec<DataRow>);

impl Data {
    pub fn new() -> Data {
        Data(Vec::new())
    }

    pub fn cell(
        mut self,
        source: &str,
        strategy: &str,
        mode: &str,
        ns: f64,
        factors: &[f64],
    ) -> Data {
        self = self.cell_at(source, strategy, mode, 1, 64, 0, ns, factors);
        self
    }

    #[allow(clippy::too_many_arguments)]
    pub fn cell_at(
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
    pub fn uml(self, strategy: &str, mode: &str, ns: f64) -> Data {
        self.cell("guest-uml", strategy, mode, ns, &STEADY)
    }
}

pub const STEADY: [f64; 6] = [1.0, 1.01, 0.99, 1.0, 1.02, 0.995];

pub struct Out {
    pub report: String,
    pub details: Vec<(String, String)>,
}

impl Out {
    pub fn answer(&self, n: usize) -> &str {
        let start = format!("{n}. **");
        let i = self
            .report
            .find(&start)
            .unwrap_or_else(|| panic!("no answer {n}"));
        let rest = &self.report[i..];
        &rest[..rest.find("\n\n").unwrap_or(rest.len())]
    }

    pub fn section(&self, title: &str) -> &str {
        let i = self
            .report
            .find(title)
            .unwrap_or_else(|| panic!("no {title}"));
        let rest = &self.report[i + title.len()..];
        &rest[..rest.find("\n## ").unwrap_or(rest.len())]
    }
}

pub fn render(d: &Data, stats: Option<&[StatsRow]>, precision: Option<&[PrecisionRow]>) -> Out {
    render_with(d, stats, precision, None)
}

/// `render` with a keycost CSV's rows as well.
pub fn render_with(
    d: &Data,
    stats: Option<&[StatsRow]>,
    precision: Option<&[PrecisionRow]>,
    keycost: Option<&[KeycostRow]>,
) -> Out {
    render_all(d, stats, precision, keycost, None)
}

/// `render` with a scaling CSV's rows (host-bench's paired ratios).
pub fn render_scaling(d: &Data, scaling: Option<&[ScalingRow]>) -> Out {
    render_all(d, None, None, None, scaling)
}

fn render_all(
    d: &Data,
    stats: Option<&[StatsRow]>,
    precision: Option<&[PrecisionRow]>,
    keycost: Option<&[KeycostRow]>,
    scaling: Option<&[ScalingRow]>,
) -> Out {
    let ds = Dataset::new(&d.0);
    let ex = Extras {
        data_name: "data.csv".into(),
        stats: stats.map(|s| ("stats.csv".to_string(), s)),
        memory: None,
        precision: precision.map(|p| ("precision.csv".to_string(), p)),
        calibration: None,
        runs: None,
        keycost: keycost.map(|k| ("keycost.csv".to_string(), k)),
        scaling: scaling.map(|r| ("scaling.csv".to_string(), r)),
        plots: &[],
        plot_note: None,
    };
    let r = render_markdown(&ds, &ex);
    Out {
        report: r.report,
        details: r.details,
    }
}

pub fn tables(mutex: f64, spinlock: f64) -> Data {
    Data::new()
        .uml("mutex", "lookup", mutex)
        .uml("spinlock", "lookup", spinlock)
        .uml("spinlock", "atomic", spinlock)
}

pub fn prec(scenario: &str, strategy: &str, expected: &str, outcome: &str) -> PrecisionRow {
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

pub fn keys() -> Data {
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

/// A keycost row.
pub fn kc(
    source: &str,
    cpus: u32,
    percpu: u32,
    boot: u32,
    row: &str,
    name: &str,
    ns: f64,
) -> KeycostRow {
    KeycostRow {
        source: source.into(),
        possible_cpus: cpus,
        percpu_modules: percpu,
        boot,
        row: row.into(),
        name: name.into(),
        ns_per_op: ns,
    }
}

/// A small keycost CSV: three User-Mode Linux boots per per-CPU module count, where `pool`'s
/// init is `pool_factor` times `macro`'s in every boot (boot speeds differ by 20 %), and an
/// icount sweep over 1 and 8 possible CPUs where a registered key's `__mutex_init` grows by
/// 10 ns and a module static key's by 2 ns per possible CPU, a per-CPU module adding 5 and 1.
pub fn keycost(pool_factor: f64) -> Vec<KeycostRow> {
    let mut v = Vec::new();
    for percpu in [0, 1] {
        for (boot, speed) in [(1, 1.0), (2, 1.2), (3, 0.9)] {
            let u = |row: &str, name: &str, ns: f64| {
                kc("guest-uml", 1, percpu, boot, row, name, ns * speed)
            };
            v.push(u("key", "vmlinux_static", 25.0));
            v.push(u("key", "module_static", 50.0));
            v.push(u("key", "module_rodata", 52.0));
            v.push(u("key", "pool", 50.0));
            v.push(u("key", "registered", 90.0));
            v.push(u("init", "macro", 50.0));
            v.push(u("init", "pool", 50.0 * pool_factor));
            v.push(u("init", "cached", 90.0));
        }
    }
    for cpus in [1, 8] {
        for percpu in [0, 1] {
            let c = f64::from(cpus - 1);
            let p = f64::from(percpu);
            let i = |name: &str, ns: f64| kc("guest-icount", cpus, percpu, 1, "key", name, ns);
            v.push(i("module_static", 500.0 + 2.0 * c + p));
            v.push(i("registered", 1000.0 + 10.0 * c + 5.0 * p));
            v.push(i("pool", 500.0 + 2.0 * c + p));
        }
    }
    v
}
