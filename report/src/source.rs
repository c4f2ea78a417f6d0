//! Where figures come from: each series (source x kernel flavour) and the label it carries.

/// Canonical order of sources; the headline (real-CPU) source first.
const SOURCE_ORDER: [&str; 5] = [
    "guest-uml",
    "guest-icount",
    "guest-tcg",
    "guest-kvm",
    "host",
];

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

    pub fn is_host(&self) -> bool {
        self.source == "host"
    }

    /// Short id used in file names and tables, e.g. `guest-icount-lockdep`.
    pub fn id(&self) -> String {
        match self.flavour.as_str() {
            "" => self.source.clone(),
            f => format!("{}-{f}", self.source),
        }
    }

    /// Plot titles: the id and what produced the numbers.
    pub fn label(&self) -> String {
        let kind = match self.source.as_str() {
            "guest-uml" => "real CPU in a kernel, User-Mode Linux",
            "guest-icount" => "emulated, instruction-exact, QEMU TCG icount",
            "guest-tcg" => "emulated, QEMU TCG",
            "guest-kvm" => "virtualised, QEMU KVM",
            "host" => "user space, no kernel",
            _ => "unknown source",
        };
        format!("{} ({kind})", self.id())
    }
}

impl PartialOrd for Series {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Series {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let key = |s: &Series| {
            let i = SOURCE_ORDER.iter().position(|o| *o == s.source);
            (
                i.unwrap_or(SOURCE_ORDER.len()),
                s.source.clone(),
                s.flavour.clone(),
            )
        };
        key(self).cmp(&key(other))
    }
}
