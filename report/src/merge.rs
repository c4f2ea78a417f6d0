//! `merge`: concatenates CSVs of one schema after checking every header and every row.
//!
//! Inputs may carry different optional columns (a guest CSV has `boot` and `load`, an older
//! host export does not): the output has every column any input has, the schema's own in
//! canonical order and unknown ones after them, and a row leaves empty what its file lacked.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::fsutil::write_atomic;
use crate::runs::RunRow;
use crate::tidy::*;

struct Input {
    header: csv::StringRecord,
    records: Vec<csv::StringRecord>,
}

/// Returns the schema merged and the number of rows written.
pub fn merge(out: &Path, inputs: &[PathBuf]) -> Result<(Schema, usize)> {
    if inputs.is_empty() {
        bail!("merge needs at least one input CSV");
    }
    let mut schema = None;
    let mut read = Vec::new();
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
                "{}: header `{}` is not the header of a known CSV ({})",
                path.display(),
                header.iter().collect::<Vec<_>>().join(","),
                (Schema::all()[..7].iter().map(|s| s.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        };
        match schema {
            None => schema = Some(this),
            Some(s) if s.name != this.name => bail!(
                "{} is a {} CSV but the first input is a {} CSV",
                path.display(),
                this.name,
                s.name
            ),
            Some(_) => {}
        }
        let mut records = Vec::new();
        for rec in rdr.records() {
            let rec = rec.with_context(|| format!("cannot read a record of {}", path.display()))?;
            let line = rec.position().map_or(0, |p| p.line());
            (this.check)(&header, &rec)
                .with_context(|| format!("{} line {line}", path.display()))?;
            records.push(rec);
        }
        read.push(Input { header, records });
    }
    let schema = schema.expect("at least one input");
    let columns = union_columns(schema, &read);
    let mut n = 0;
    write_atomic(out, |w| {
        let mut wr = csv::Writer::from_writer(w);
        wr.write_record(&columns)?;
        for input in &read {
            let index: Vec<Option<usize>> = columns
                .iter()
                .map(|c| input.header.iter().position(|h| h == c))
                .collect();
            for r in &input.records {
                wr.write_record(index.iter().map(|i| i.and_then(|i| r.get(i)).unwrap_or("")))?;
                n += 1;
            }
        }
        wr.flush()?;
        Ok(())
    })?;
    Ok((schema, n))
}

fn union_columns(schema: Schema, inputs: &[Input]) -> Vec<String> {
    let present = |c: &str| inputs.iter().any(|i| i.header.iter().any(|h| h == c));
    let mut cols: Vec<String> = (schema.header)()
        .into_iter()
        .filter(|c| present(c))
        .collect();
    for i in inputs {
        for h in &i.header {
            if !cols.iter().any(|c| c == h) {
                cols.push(h.to_string());
            }
        }
    }
    cols
}

/// A schema for `merge`, which takes any one but runs (and not a mix): its row type's
/// name, columns and record check.
#[derive(Clone, Copy)]
pub struct Schema {
    pub name: &'static str,
    pub header: fn() -> Vec<String>,
    pub required: fn() -> Vec<String>,
    /// Type-checks one record, so that merge never concatenates garbage.
    pub check: fn(&csv::StringRecord, &csv::StringRecord) -> Result<()>,
}

fn check_one<T: Row>(h: &csv::StringRecord, r: &csv::StringRecord) -> Result<()> {
    deserialize::<T>(h, r)?.check()
}

impl Schema {
    fn of<T: Row>() -> Schema {
        Schema {
            name: T::NAME,
            header: header::<T>,
            required: required::<T>,
            check: check_one::<T>,
        }
    }

    /// Runs last: it needs only `source`, which every header has, so detection skips it.
    pub fn all() -> [Schema; 8] {
        [
            Schema::of::<DataRow>(),
            Schema::of::<StatsRow>(),
            Schema::of::<MemoryRow>(),
            Schema::of::<CalibrationRow>(),
            Schema::of::<PrecisionRow>(),
            Schema::of::<KeycostRow>(),
            Schema::of::<ScalingRow>(),
            Schema::of::<RunRow>(),
        ]
    }

    pub fn detect(header: &csv::StringRecord) -> Option<Schema> {
        let has = |c: &String| header.iter().any(|h| h == c);
        Schema::all()[..7]
            .iter()
            .copied()
            .find(|s| (s.required)().iter().all(has))
    }
}
