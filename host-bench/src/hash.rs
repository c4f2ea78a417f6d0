// SPDX-License-Identifier: GPL-2.0

//! The three ways to hash a call site that the `hash` benchmark compares.

use core::hash::Hasher;
use core::panic::Location;
use lockclass_core::site::{addr_hash, Site};
use lockclass_core::table::BUCKETS;

/// A hash of a call site, as a table would compute it to pick a bucket.
pub trait SiteHash {
    /// Name in the results (`strategy` column of the `hash` rows).
    const NAME: &'static str;
    /// The hash of `loc`.
    fn hash(loc: &'static Location<'static>) -> u64;
}

/// SipHash-2-4 over file, line and column: what the RFC's table (and `lockclass_core`) does.
pub struct SipHashSite;

impl SiteHash for SipHashSite {
    const NAME: &'static str = "siphash";
    #[inline(always)]
    fn hash(loc: &'static Location<'static>) -> u64 {
        Site::of(loc).hash()
    }
}

/// A cheap multiply-rotate hash (rustc's FxHash) over the same file, line and column: what a
/// table that needs no flooding resistance could use instead.
pub struct FxHashSite;

impl SiteHash for FxHashSite {
    const NAME: &'static str = "fxhash";
    #[inline(always)]
    fn hash(loc: &'static Location<'static>) -> u64 {
        let site = Site::of(loc);
        let mut h = FxHasher::default();
        h.write(site.file.as_bytes());
        h.write_u32(site.line);
        h.write_u32(site.column);
        h.finish()
    }
}

/// The `Location`'s address bits as a bucket index (`addr_hash`): the `cached` strategy's fast
/// path, which never reads the file name.
pub struct AddrHashSite;

impl SiteHash for AddrHashSite {
    const NAME: &'static str = "addr";
    #[inline(always)]
    fn hash(loc: &'static Location<'static>) -> u64 {
        let addr = loc as *const Location<'static> as usize;
        addr_hash(addr, BUCKETS.trailing_zeros()) as u64
    }
}

/// FxHash as in rustc-hash 2: per word, add then multiply; at the end, a rotation that brings
/// the product's well-mixed high bits down to the low bits hash tables index with. Byte strings
/// are fed a word at a time (rustc-hash 1 style) instead of through rustc-hash 2's string
/// compressor. Small enough to carry here instead of a dependency; also hashes the key
/// registry's addresses (lockdep's `hash_long` is likewise one multiplication).
#[derive(Clone, Copy, Debug, Default)]
pub struct FxHasher {
    hash: u64,
}

/// rustc-hash 2's multiplier.
const FX_K: u64 = 0xf135_7aea_2e62_a9c5;
/// rustc-hash 2's finishing rotation.
const FX_FINISH_ROTATE: u32 = 20;
const WORD: usize = core::mem::size_of::<u64>();

impl FxHasher {
    #[inline(always)]
    fn add(&mut self, word: u64) {
        self.hash = self.hash.wrapping_add(word).wrapping_mul(FX_K);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(WORD);
        for c in &mut chunks {
            let mut w = [0u8; WORD];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; WORD];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash.rotate_left(FX_FINISH_ROTATE)
    }
}
