//! Figures: built as plain data from the dataset first (so what is drawn is easy to check),
//! then drawn by one routine into SVG and, when a font is loaded, PNG. One file per figure
//! family builds the data; `draw` and `axes` draw any of them.

mod axes;
mod draw;
mod families;
mod model;
mod scaling;
mod strategies;
mod style;

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use plotters::prelude::*;

use crate::svgtext::SvgAnyFont;

pub use families::figures;
pub use model::{Figure, Line, Panel, Pt};

/// Default TTF for PNG text; Debian's fonts-dejavu-core (installed by scripts/setup.sh).
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// Registers the TTF at `path` as plotters' sans-serif font (ab_glyph needs `'static` bytes,
/// hence the leak: once per process, a few hundred KiB).
pub fn load_font(path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
        .map_err(|_| anyhow!("{} is not a usable TrueType font", path.display()))
}

pub fn write_svg(fig: &Figure, path: &Path) -> Result<()> {
    let mut buf = String::new();
    {
        let root = SvgAnyFont(SVGBackend::with_string(&mut buf, fig.size)).into_drawing_area();
        draw::draw_figure(root, fig).map_err(|e| anyhow!("drawing {}: {e}", fig.stem))?;
    }
    std::fs::write(path, buf).with_context(|| format!("cannot write {}", path.display()))
}

pub fn write_png(fig: &Figure, path: &Path) -> Result<()> {
    let root = BitMapBackend::new(path, fig.size).into_drawing_area();
    draw::draw_figure(root, fig).map_err(|e| anyhow!("drawing {}: {e}", path.display()))
}
