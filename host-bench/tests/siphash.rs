// SPDX-License-Identifier: GPL-2.0

//! lockclass-core's SipHash-2-4 agrees with the `siphasher` crate, written in one piece or in
//! several (`Site::hash` writes the file name, then line and column).
#![cfg(not(loom))]

use core::hash::Hasher as _;
use lockclass_core::siphash::SipHasher24;

/// Deterministic pseudo-random bytes and keys (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn reference(k0: u64, k1: u64, data: &[u8]) -> u64 {
    let mut h = siphasher::sip::SipHasher24::new_with_keys(k0, k1);
    h.write(data);
    h.finish()
}

fn ours(k0: u64, k1: u64, parts: &[&[u8]]) -> u64 {
    let mut h = SipHasher24::new(k0, k1);
    for p in parts {
        h.write(p);
    }
    h.finish()
}

/// Longer than several 8-byte blocks, so every tail length and block count is covered.
const MAX_LEN: usize = 80;
const KEYS: usize = 16;

#[test]
fn one_piece() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..KEYS {
        let (k0, k1) = (rng.next(), rng.next());
        for len in 0..=MAX_LEN {
            let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            assert_eq!(
                ours(k0, k1, &[&data]),
                reference(k0, k1, &data),
                "len {len}"
            );
        }
    }
}

#[test]
fn split_anywhere() {
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    for _ in 0..KEYS {
        let (k0, k1) = (rng.next(), rng.next());
        let data: Vec<u8> = (0..MAX_LEN).map(|_| rng.next() as u8).collect();
        let want = reference(k0, k1, &data);
        for i in 0..=data.len() {
            for j in i..=data.len() {
                let parts = [&data[..i], &data[i..j], &data[j..]];
                assert_eq!(ours(k0, k1, &parts), want, "split at {i}, {j}");
            }
        }
    }
}

#[test]
fn differs_from_a_wrong_key() {
    // Guards the comparison itself: a broken reference call would agree with anything.
    let data = b"lockclass-core/call_sites.rs";
    assert_ne!(reference(1, 2, data), reference(2, 1, data));
    assert_ne!(ours(1, 2, &[data]), ours(1, 3, &[data]));
}
