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
    #[inline]
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

/// Multiply-shift (Fibonacci) hash of an address to `bits` bits (at most 32): the low 32 bits
/// of the address times the kernel's `GOLDEN_RATIO_32`, top `bits` bits of the product (the
/// kernel's `hash_32()`). On x86-64 that is one `imul` with an immediate and one shift; the
/// 64-bit variant needs the constant in a register and a copy of the address. The high address
/// bits are dropped: `Location`s of one program or module lie within far less than 4 GiB of
/// each other, and a rare collision only costs a probe (the cache compares whole addresses).
#[inline(always)]
pub fn addr_hash(addr: usize, bits: u32) -> usize {
    ((addr as u32).wrapping_mul(0x61C8_8647) >> (32 - bits)) as usize
}
