//! Flat Parquet tables: the archive's interchange with Spark and PostgreSQL.
//!
//! Every table is a list of named columns of one primitive type each (64-bit integers, UTF-8
//! strings, raw bytes, booleans, doubles), some optional; one row group a file. That is all the
//! archive needs, so the low-level column writers of the `parquet` crate do it without arrow.

use anyhow::{anyhow, bail, Context, Result};
use parquet::basic::{Compression, ZstdLevel};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::record::Field;
use std::path::Path;
use std::sync::Arc;

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// `INT64`.
    Int(Vec<Option<i64>>),
    /// `BYTE_ARRAY (UTF8)`.
    Str(Vec<Option<String>>),
    /// `BYTE_ARRAY`.
    Bytes(Vec<Option<Vec<u8>>>),
    /// `BOOLEAN`.
    Bool(Vec<Option<bool>>),
    /// `DOUBLE`.
    Double(Vec<Option<f64>>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Int(v) => v.len(),
            Values::Str(v) => v.len(),
            Values::Bytes(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Double(v) => v.len(),
        }
    }

    fn physical(&self) -> &'static str {
        match self {
            Values::Int(_) => "INT64",
            Values::Str(_) => "BYTE_ARRAY",
            Values::Bytes(_) => "BYTE_ARRAY",
            Values::Bool(_) => "BOOLEAN",
            Values::Double(_) => "DOUBLE",
        }
    }
}

/// One column: name, whether it may be null, values.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Its name.
    pub name: &'static str,
    /// True when a value may be missing.
    pub optional: bool,
    /// Its values, one a row.
    pub values: Values,
}

/// A table built row by row: [`Table::row`] then one push a column, in column order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The columns, each as long as the table.
    pub columns: Vec<Column>,
}

impl Table {
    /// An empty table with these columns (name, optional, an empty [`Values`] of the type).
    pub fn new(columns: &[(&'static str, bool, Values)]) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|(name, optional, values)| Column {
                    name,
                    optional: *optional,
                    values: values.clone(),
                })
                .collect(),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }

    /// True with no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Result<&Values> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.values)
            .ok_or_else(|| anyhow!("no column {name}"))
    }

    /// Writes the table as one Parquet file (zstd), through a temp file renamed into place so
    /// a reader never sees half a file.
    pub fn write(&self, path: &Path) -> Result<()> {
        let n = self.len();
        for c in &self.columns {
            if c.values.len() != n {
                bail!("column {} has {} rows, not {n}", c.name, c.values.len());
            }
        }
        let mut schema = String::from("message corpus_ls {\n");
        for c in &self.columns {
            let rep = if c.optional { "OPTIONAL" } else { "REQUIRED" };
            let logical = if matches!(c.values, Values::Str(_)) {
                " (UTF8)"
            } else {
                ""
            };
            schema.push_str(&format!(
                "  {rep} {} {}{logical};\n",
                c.values.physical(),
                c.name
            ));
        }
        schema.push('}');
        let schema = Arc::new(parquet::schema::parser::parse_message_type(&schema)?);
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
                .build(),
        );
        let tmp = path.with_extension("parquet.tmp");
        let file = std::fs::File::create(&tmp).with_context(|| tmp.display().to_string())?;
        let mut writer = SerializedFileWriter::new(file, schema, props)?;
        let mut group = writer.next_row_group()?;
        for c in &self.columns {
            let mut col = group
                .next_column()?
                .ok_or_else(|| anyhow!("schema has fewer columns than the table"))?;
            match &c.values {
                Values::Int(v) => {
                    let (vals, defs) = split(v, |x| *x);
                    col.typed::<Int64Type>().write_batch(
                        &vals,
                        c.optional.then_some(&defs),
                        None,
                    )?;
                }
                Values::Str(v) => {
                    let (vals, defs) = split(v, |s| ByteArray::from(s.as_bytes().to_vec()));
                    col.typed::<ByteArrayType>().write_batch(
                        &vals,
                        c.optional.then_some(&defs),
                        None,
                    )?;
                }
                Values::Bytes(v) => {
                    let (vals, defs) = split(v, |b| ByteArray::from(b.clone()));
                    col.typed::<ByteArrayType>().write_batch(
                        &vals,
                        c.optional.then_some(&defs),
                        None,
                    )?;
                }
                Values::Bool(v) => {
                    let (vals, defs) = split(v, |x| *x);
                    col.typed::<BoolType>().write_batch(
                        &vals,
                        c.optional.then_some(&defs),
                        None,
                    )?;
                }
                Values::Double(v) => {
                    let (vals, defs) = split(v, |x| *x);
                    col.typed::<DoubleType>().write_batch(
                        &vals,
                        c.optional.then_some(&defs),
                        None,
                    )?;
                }
            }
            col.close()?;
        }
        group.close()?;
        writer.close()?;
        std::fs::rename(&tmp, path).with_context(|| path.display().to_string())?;
        Ok(())
    }

    /// Reads a Parquet file written by [`Table::write`] (or by Spark with the same columns):
    /// the columns are the file's, typed by what its rows hold.
    pub fn read(path: &Path, like: &Table) -> Result<Table> {
        let reader = SerializedFileReader::try_from(path)
            .with_context(|| format!("{}: not a Parquet file", path.display()))?;
        let mut out = Table::new(
            &like
                .columns
                .iter()
                .map(|c| (c.name, c.optional, c.values.clone()))
                .collect::<Vec<_>>(),
        );
        for c in &mut out.columns {
            c.values = empty_like(&c.values);
        }
        for row in reader.get_row_iter(None)? {
            let row = row?;
            let fields: Vec<(&String, &Field)> = row.get_column_iter().collect();
            for c in &mut out.columns {
                let f = fields
                    .iter()
                    .find(|(n, _)| n.as_str() == c.name)
                    .map(|(_, f)| *f)
                    .ok_or_else(|| anyhow!("{}: no column {}", path.display(), c.name))?;
                push_field(&mut c.values, f)
                    .with_context(|| format!("{}: column {}", path.display(), c.name))?;
            }
        }
        Ok(out)
    }
}

fn empty_like(v: &Values) -> Values {
    match v {
        Values::Int(_) => Values::Int(Vec::new()),
        Values::Str(_) => Values::Str(Vec::new()),
        Values::Bytes(_) => Values::Bytes(Vec::new()),
        Values::Bool(_) => Values::Bool(Vec::new()),
        Values::Double(_) => Values::Double(Vec::new()),
    }
}

fn push_field(v: &mut Values, f: &Field) -> Result<()> {
    match (v, f) {
        (Values::Int(v), Field::Null) => v.push(None),
        (Values::Int(v), Field::Long(x)) => v.push(Some(*x)),
        (Values::Int(v), Field::Int(x)) => v.push(Some(i64::from(*x))),
        (Values::Str(v), Field::Null) => v.push(None),
        (Values::Str(v), Field::Str(s)) => v.push(Some(s.clone())),
        (Values::Bytes(v), Field::Null) => v.push(None),
        (Values::Bytes(v), Field::Bytes(b)) => v.push(Some(b.data().to_vec())),
        (Values::Bool(v), Field::Null) => v.push(None),
        (Values::Bool(v), Field::Bool(b)) => v.push(Some(*b)),
        (Values::Double(v), Field::Null) => v.push(None),
        (Values::Double(v), Field::Double(x)) => v.push(Some(*x)),
        (_, f) => bail!("unexpected value {f}"),
    }
    Ok(())
}

/// Present values and definition levels (1 present, 0 null) of an optional column.
fn split<T, U>(v: &[Option<T>], f: impl Fn(&T) -> U) -> (Vec<U>, Vec<i16>) {
    let vals = v.iter().flatten().map(f).collect();
    let defs = v.iter().map(|x| i16::from(x.is_some())).collect();
    (vals, defs)
}

/// Typed access to the columns of a read table, row by row.
impl Values {
    /// The integer at `i` (an error for another type or a null).
    pub fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?.ok_or_else(|| anyhow!("null at row {i}"))
    }
    /// The optional integer at `i`.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self {
            Values::Int(v) => Ok(v.get(i).copied().flatten()),
            _ => bail!("not an integer column"),
        }
    }
    /// The string at `i`.
    pub fn str(&self, i: usize) -> Result<&str> {
        self.opt_str(i)?.ok_or_else(|| anyhow!("null at row {i}"))
    }
    /// The optional string at `i`.
    pub fn opt_str(&self, i: usize) -> Result<Option<&str>> {
        match self {
            Values::Str(v) => Ok(v.get(i).and_then(|s| s.as_deref())),
            _ => bail!("not a string column"),
        }
    }
    /// The bytes at `i`.
    pub fn bytes(&self, i: usize) -> Result<&[u8]> {
        match self {
            Values::Bytes(v) => v
                .get(i)
                .and_then(|s| s.as_deref())
                .ok_or_else(|| anyhow!("null at row {i}")),
            _ => bail!("not a bytes column"),
        }
    }
    /// The boolean at `i`.
    pub fn bool(&self, i: usize) -> Result<bool> {
        match self {
            Values::Bool(v) => v
                .get(i)
                .copied()
                .flatten()
                .ok_or_else(|| anyhow!("null at row {i}")),
            _ => bail!("not a boolean column"),
        }
    }
    /// Appends an integer.
    pub fn push_int(&mut self, x: Option<i64>) {
        if let Values::Int(v) = self {
            v.push(x)
        }
    }
    /// Appends a string.
    pub fn push_str(&mut self, x: Option<String>) {
        if let Values::Str(v) = self {
            v.push(x)
        }
    }
    /// Appends bytes.
    pub fn push_bytes(&mut self, x: Option<Vec<u8>>) {
        if let Values::Bytes(v) = self {
            v.push(x)
        }
    }
    /// Appends a boolean.
    pub fn push_bool(&mut self, x: Option<bool>) {
        if let Values::Bool(v) = self {
            v.push(x)
        }
    }
    /// Appends a double.
    pub fn push_double(&mut self, x: Option<f64>) {
        if let Values::Double(v) = self {
            v.push(x)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_reads_back_as_written_nulls_included() {
        let mut t = Table::new(&[
            ("n", false, Values::Int(vec![])),
            ("s", true, Values::Str(vec![])),
            ("b", false, Values::Bytes(vec![])),
            ("f", true, Values::Bool(vec![])),
            ("d", true, Values::Double(vec![])),
        ]);
        for i in 0..5i64 {
            t.columns[0].values.push_int(Some(i - 2));
            t.columns[1]
                .values
                .push_str((i % 2 == 0).then(|| format!("é{i}")));
            t.columns[2].values.push_bytes(Some(vec![i as u8, 0, 255]));
            t.columns[3]
                .values
                .push_bool((i != 3).then_some(i % 3 == 0));
            t.columns[4]
                .values
                .push_double((i != 1).then_some(i as f64 / 3.0));
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        t.write(&p).unwrap();
        assert_eq!(Table::read(&p, &t).unwrap(), t);
    }

    #[test]
    fn a_file_that_is_not_parquet_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        std::fs::write(&p, b"not parquet at all").unwrap();
        let like = Table::new(&[("n", false, Values::Int(vec![]))]);
        let e = Table::read(&p, &like).unwrap_err();
        assert!(format!("{e:#}").contains("not a Parquet file"), "{e:#}");
    }
}
