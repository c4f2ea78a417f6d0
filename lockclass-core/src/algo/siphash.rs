// SPDX-License-Identifier: GPL-2.0

//! SipHash-2-4, the function behind the kernel's `siphash()`, which the RFC used to hash a
//! `Location`. Written here (not bound to the kernel's) so host and kernel hash identically.

/// Streaming SipHash-2-4 with a 128-bit key.
#[derive(Clone, Debug)]
pub struct SipHasher24 {
    v: [u64; 4],
    tail: u64,
    ntail: usize,
    len: usize,
}

#[inline(always)]
fn round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13) ^ v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16) ^ v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21) ^ v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17) ^ v[2];
    v[2] = v[2].rotate_left(32);
}

impl SipHasher24 {
    /// A hasher keyed with `k0`, `k1` (the two little-endian halves of the 128-bit key).
    #[inline]
    pub const fn new(k0: u64, k1: u64) -> Self {
        Self {
            v: [
                k0 ^ 0x736f6d6570736575,
                k1 ^ 0x646f72616e646f6d,
                k0 ^ 0x6c7967656e657261,
                k1 ^ 0x7465646279746573,
            ],
            tail: 0,
            ntail: 0,
            len: 0,
        }
    }

    #[inline(always)]
    fn compress(&mut self, m: u64) {
        self.v[3] ^= m;
        round(&mut self.v);
        round(&mut self.v);
        self.v[0] ^= m;
    }

    /// Feeds `bytes` into the hash.
    #[inline]
    pub fn write(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len();
        while self.ntail != 0 && !bytes.is_empty() {
            self.tail |= (bytes[0] as u64) << (8 * self.ntail);
            self.ntail = (self.ntail + 1) % 8;
            bytes = &bytes[1..];
            if self.ntail == 0 {
                let m = self.tail;
                self.tail = 0;
                self.compress(m);
            }
        }
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.compress(u64::from_le_bytes(w));
        }
        for (i, b) in chunks.remainder().iter().enumerate() {
            self.tail |= (*b as u64) << (8 * i);
            self.ntail = i + 1;
        }
    }

    /// The 64-bit hash of everything written.
    #[inline]
    pub fn finish(mut self) -> u64 {
        let b = ((self.len as u64) << 56) | self.tail;
        self.compress(b);
        self.v[2] ^= 0xff;
        for _ in 0..4 {
            round(&mut self.v);
        }
        self.v[0] ^ self.v[1] ^ self.v[2] ^ self.v[3]
    }
}
