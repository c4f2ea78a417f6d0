// SPDX-License-Identifier: GPL-2.0

//! Number and list formatting for the log lines, without floating point.

/// Comma-joined items.
pub(crate) struct List<I>(pub(crate) I);

impl<I: Iterator<Item = T> + Clone, T: core::fmt::Display> core::fmt::Display for List<I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (n, item) in self.0.clone().enumerate() {
            if n > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}", item)?;
        }
        Ok(())
    }
}

/// A thousandth-unit integer as "units.ddd" (ps as ns, ms as s, ...), padded as a whole.
pub(crate) struct Milli(pub(crate) u64);

impl core::fmt::Display for Milli {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Render first, then pad, so the summary's column widths apply.
        let mut buf = Buf([0; 32], 0);
        core::fmt::Write::write_fmt(
            &mut buf,
            format_args!("{}.{:03}", self.0 / 1000, self.0 % 1000),
        )?;
        f.pad(core::str::from_utf8(&buf.0[..buf.1]).map_err(|_| core::fmt::Error)?)
    }
}

/// ns as seconds with three decimals.
pub(crate) struct Secs(pub(crate) u64);

impl core::fmt::Display for Secs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        Milli(self.0 / 1_000_000).fmt(f)
    }
}

/// A fixed buffer to format into (a u64 with decimals needs at most 25 bytes).
struct Buf([u8; 32], usize);

impl core::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.1 + s.len();
        self.0
            .get_mut(self.1..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.1 = end;
        Ok(())
    }
}
