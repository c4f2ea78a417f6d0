//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fresh, empty directory under cargo's per-target temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "report-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lockclass-report"))
        .args(args)
        .output()
        .expect("the binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub const META: [&str; 12] = [
    "--source",
    "guest-icount",
    "--kernel",
    "6.12.117",
    "--flavour",
    "lockdep",
    "--rustc",
    "1.96.0",
    "--cpu",
    "QEMU TCG (qemu64)",
    "--date",
    "2025-01-15",
];

/// Numeric tokens of a text: maximal runs of digits and dots that start with a digit.
/// "6.12.117" stays one token; "2025-01-15" gives three.
pub fn numeric_tokens(text: &str) -> Vec<(String, bool)> {
    let b: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let prev_is_word = i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_');
        if b[i].is_ascii_digit() && !prev_is_word {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == '.') {
                i += 1;
            }
            let mut tok: String = b[start..i].iter().collect();
            while tok.ends_with('.') {
                tok.pop();
            }
            // A trailing `x` marks a ratio ("1.56x").
            let ratio = i < b.len() && b[i] == 'x';
            out.push((tok, ratio));
        } else if b[i].is_ascii_digit() {
            // Digits glued to letters (e.g. a CPU name like "qemu64") are parts of words.
            while i < b.len() && b[i].is_alphanumeric() {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}
