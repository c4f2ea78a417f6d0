//! What scripts/bench.sh records about the host around the real-time guests: runs.csv (one
//! row per boot: the host, and how quiet it was) and loads.csv (one row per User-Mode Linux
//! load: its own reference, and whether it was kept).

use serde::{Deserialize, Serialize};

use crate::tidy::Row;

/// One guest boot from runs.csv. Every column but `source` may be missing: bench.sh adds
/// columns over time (host CPU, quietness), and older files lack them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunRow {
    pub source: String,
    pub flavour: String,
    pub boot: Option<u32>,
    pub preempt: String,
    pub cpus: Option<u32>,
    pub pinned: String,
    pub guest: String,
    pub date: String,
    pub host_cpu: String,
    pub host_vendor: String,
    pub host_family: String,
    pub host_model: String,
    pub host_stepping: String,
    pub host_avx512f: String,
    pub host_amx_tile: String,
    pub host_xsave_bytes: String,
    pub hypervisor: String,
    pub host_kernel: String,
    /// CPU time of other processes during the boot, % of one CPU.
    pub other_cpu_pct: Option<f64>,
    pub steal_pct: Option<f64>,
    /// The host's memory latencies around the boot (bench.sh's probe): within L3, past it.
    pub mem_l3_ns: Option<f64>,
    pub mem_dram_ns: Option<f64>,
}
impl Row for RunRow {
    const NAME: &'static str = "runs";
    const REQUIRED: usize = 1;
}

/// One real-CPU load from loads.csv (scripts/quiet.sh select): its own reference level, and
/// whether it was kept (within the drift allowed of its plan's median) or set aside.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadRow {
    pub source: String,
    pub boot: Option<u32>,
    pub load: Option<u32>,
    pub plan: Option<u32>,
    pub reference_ns: Option<f64>,
    pub plan_median_ns: Option<f64>,
    /// As bench.sh was given it (`--max-load-drift`).
    pub max_drift_pct: String,
    pub kept: u8,
}
impl Row for LoadRow {
    const NAME: &'static str = "loads";
    const REQUIRED: usize = 1;
}
