//! Where figures come from: each series (source x kernel flavour) with the label every figure
//! carries, and the facts about its kernel that a reader needs to weigh its figures.

/// Canonical order of sources; the headline source first.
const SOURCE_ORDER: [&str; 5] = [
    "guest-uml",
    "guest-icount",
    "guest-tcg",
    "guest-kvm",
    "host",
];

/// The source whose figures answer the questions wherever one CPU suffices.
pub const HEADLINE_SOURCE: &str = "guest-uml";
/// The instruction-exact emulated source, used when the real-CPU one is missing.
pub const EXACT_SOURCE: &str = "guest-icount";
/// The multi-CPU source for concurrent creators.
pub const MULTI_CPU_SOURCE: &str = "guest-tcg";

/// One measured configuration: which machine/emulation and which kernel flavour.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Series {
    pub source: String,
    pub flavour: String,
}

impl Series {
    /// host-bench writes `-` for "no kernel flavour"; it means the same as an empty cell.
    pub fn new(source: &str, flavour: &str) -> Series {
        Series {
            source: source.to_string(),
            flavour: if flavour == "-" { "" } else { flavour }.to_string(),
        }
    }

    fn sort_key(&self) -> ((usize, String), String) {
        let i = SOURCE_ORDER
            .iter()
            .position(|o| *o == self.source)
            .unwrap_or(SOURCE_ORDER.len());
        ((i, self.source.clone()), self.flavour.clone())
    }

    pub fn is_host(&self) -> bool {
        self.source == "host"
    }

    /// What produced the numbers, as every table and sentence names it.
    pub fn kind(&self) -> &'static str {
        match self.source.as_str() {
            "guest-uml" => "real CPU in a kernel (User-Mode Linux, 1 CPU)",
            "guest-icount" => "emulated, instruction-exact (QEMU TCG icount)",
            "guest-tcg" => "emulated (QEMU TCG)",
            "guest-kvm" => "virtualised guest (QEMU KVM)",
            "host" => "user space (no kernel)",
            _ => "unknown source",
        }
    }

    /// Short id used in file names and table headings, e.g. `guest-icount-lockdep`.
    pub fn id(&self) -> String {
        if self.flavour.is_empty() {
            self.source.clone()
        } else {
            format!("{}-{}", self.source, self.flavour)
        }
    }

    /// Full label, e.g. `guest-icount, lockdep kernel (emulated, instruction-exact ...)`.
    pub fn label(&self) -> String {
        if self.flavour.is_empty() || self.is_host() {
            format!("{} ({})", self.source, self.kind())
        } else {
            format!("{}, {} kernel ({})", self.source, self.flavour, self.kind())
        }
    }
}

impl PartialOrd for Series {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Series {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}
