// SPDX-License-Identifier: GPL-2.0

//! A call site: the source position a lock class should be unique for.

use super::siphash::SipHasher24;
use core::panic::Location;

/// Fixed SipHash key: the hash only spreads sites over buckets, it defends against nothing.
const SITE_KEY: (u64, u64) = (0x0706050403020100, 0x0f0e0d0c0b0a0908);

/// A source position (file, line, column), the value a `Location` stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site {
    /// Source file, as `file!()` spells it.
    pub file: &'static str,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl Site {
    /// The position `loc` stands for.
    #[inline(always)]
    pub fn of(loc: &'static Location<'static>) -> Self {
        Self {
            file: loc.file(),
            line: loc.line(),
            column: loc.column(),
        }
    }

    /// SipHash-2-4 over the file name's bytes, then line and column (little-endian u32 each),
    /// as the RFC hashed a `Location` with the kernel's `siphash()`.
    ///
    /// Out of line, as the RFC's call of `siphash()` is, and as the kernel module's build had it
    /// anyway: left to the optimizer, the host build inlined it into some tables' lookups and
    /// not others, depending on which caller it met first (the host's `mutex` and `spinlock`
    /// lookups swapped 360 and 478 instructions when the strategies' order changed), so the
    /// tables' host figures compared inlining decisions rather than locks.
    #[inline(never)]
    pub fn hash(&self) -> u64 {
        let mut h = SipHasher24::new(SITE_KEY.0, SITE_KEY.1);
        h.write(self.file.as_bytes());
        let mut lc = [0u8; 8];
        lc[..4].copy_from_slice(&self.line.to_le_bytes());
        lc[4..].copy_from_slice(&self.column.to_le_bytes());
        h.write(&lc);
        h.finish()
    }

    /// Writes `file:line:column` and a NUL into `buf` (lockdep keeps a class name as a C
    /// string), dropping the front of the file name if it does not fit. Returns the length
    /// without the NUL.
    pub fn write_name(&self, buf: &mut [u8]) -> usize {
        let mut digits = [0u8; 24];
        let mut nd = 0;
        for (i, v) in [self.column, self.line].into_iter().enumerate() {
            let mut v = v;
            loop {
                digits[nd] = b'0' + (v % 10) as u8;
                nd += 1;
                v /= 10;
                if v == 0 {
                    break;
                }
            }
            if i == 0 {
                digits[nd] = b':';
                nd += 1;
            }
        }
        digits[nd] = b':';
        nd += 1;
        // `digits` holds ":line:col" reversed.
        let room = buf.len().saturating_sub(1);
        if room == 0 {
            if let Some(b) = buf.first_mut() {
                *b = 0;
            }
            return 0;
        }
        let file = self.file.as_bytes();
        let file_keep = file.len().min(room.saturating_sub(nd));
        let mut n = 0;
        for &b in &file[file.len() - file_keep..] {
            buf[n] = b;
            n += 1;
        }
        for &d in digits[..nd].iter().rev() {
            if n == room {
                break;
            }
            buf[n] = d;
            n += 1;
        }
        buf[n] = 0;
        n
    }
}

/// The slot of an address in a table of `1 << bits` slots: the address's bits from bit 4 up,
/// modulo the table. `Location`s lie at least 16 bytes apart (24 on 64-bit targets), so within
/// any `16 << bits` bytes every one gets a slot of its own, and neighbouring `Location`s (one
/// crate's, laid out together) land in neighbouring slots, four 16-byte slots to a cache line:
/// a program's hot sites share few lines. Addresses further apart may collide; that costs a
/// probe, never a wrong answer (the cache compares whole addresses). A multiplicative hash
/// (the kernel's `hash_32()`) spread neighbours one per line, which at 1024 sites outgrew the
/// L1 cache, and cost a multiply; on x86-64 this is one `and` of a copy of the address.
#[inline(always)]
pub fn addr_hash(addr: usize, bits: u32) -> usize {
    (addr >> 4) & ((1usize << bits) - 1)
}
