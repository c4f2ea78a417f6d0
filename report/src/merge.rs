//! `merge`: concatenates CSVs of one schema after checking every header and every row.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::fsutil::write_atomic;
use crate::tidy::Schema;

/// Returns the schema merged and the number of rows written.
pub fn merge(out: &Path, inputs: &[PathBuf]) -> Result<(Schema, usize)> {
    if inputs.is_empty() {
        bail!("merge needs at least one input CSV");
    }
    let mut schema = None;
    let mut records = Vec::new();
    for path in inputs {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let header = rdr
            .headers()
            .with_context(|| format!("cannot read the header of {}", path.display()))?
            .clone();
        let Some(this) = Schema::detect(&header) else {
            bail!(
                "{}: header `{}` is not a tidy data, stats or memory CSV header",
                path.display(),
                header.iter().collect::<Vec<_>>().join(",")
            );
        };
        match schema {
            None => schema = Some(this),
            Some(s) if s != this => bail!(
                "{} is a {} CSV but the first input is a {} CSV",
                path.display(),
                this.name(),
                s.name()
            ),
            Some(_) => {}
        }
        for rec in rdr.records() {
            let rec = rec.with_context(|| format!("cannot read a record of {}", path.display()))?;
            let line = rec.position().map_or(0, |p| p.line());
            this.check(&rec)
                .with_context(|| format!("{} line {line}", path.display()))?;
            records.push(rec);
        }
    }
    let schema = schema.expect("at least one input");
    write_atomic(out, |w| {
        let mut wr = csv::Writer::from_writer(w);
        wr.write_record(schema.header())?;
        for r in &records {
            wr.write_record(r)?;
        }
        wr.flush()?;
        Ok(())
    })?;
    Ok((schema, records.len()))
}
