//! A part: what one map task writes, a folder of Parquet tables.
//!
//! - `documents.parquet`: one row a file, keyed by path and content hash (BLAKE3 of the text),
//!   with its text, read problems, brat annotations and encoded detection analysis (what the
//!   reduce needs to make the file again without analysing it);
//! - `names.parquet`: the name records the registry join reads ([`super::names`]);
//! - `mentions.parquet`: entity mentions (gold ones where the file is annotated);
//! - `facts.parquet`: the figure facts the checks compare, with their quantity key and context
//!   words (for the archive's index);
//! - `skipped.parquet`: files not analysed, with the reason;
//! - `deferred.txt`: lowercase dumps left for the second pass (one path a line).

use super::extract::Analysed;
use super::names;
use super::table::{Table, Values};
use crate::check::facts::Fact;
use crate::corpus::cache::{entity_type_tag, source_tag};
use crate::corpus::scan::Skipped;
use anyhow::{Context, Result};
use std::path::Path;

/// Separates the problems of a file in one column (a message never holds it).
pub const SEP: char = '\u{1f}';

/// The tables of one part.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// One row a file.
    pub documents: Table,
    /// Name records.
    pub names: Table,
    /// Entity mentions.
    pub mentions: Table,
    /// Figure facts.
    pub facts: Table,
    /// Files not analysed.
    pub skipped: Vec<Skipped>,
    /// Dumps left for the second pass.
    pub deferred: Vec<String>,
}

impl Default for Part {
    fn default() -> Self {
        Part {
            documents: documents(),
            names: names::table(),
            mentions: mentions(),
            facts: facts(),
            skipped: Vec::new(),
            deferred: Vec::new(),
        }
    }
}

fn documents() -> Table {
    let s = || Values::Str(Vec::new());
    Table::new(&[
        ("rel", false, s()),
        ("hash", false, s()),
        ("kind", false, s()),
        ("format", false, s()),
        ("bytes", false, Values::Int(Vec::new())),
        ("text", false, s()),
        ("read_problems", true, s()),
        ("ann", true, s()),
        ("second_pass", false, Values::Bool(Vec::new())),
        ("detection", false, Values::Bytes(Vec::new())),
    ])
}

fn mentions() -> Table {
    let int = || Values::Int(Vec::new());
    Table::new(&[
        ("rel", false, Values::Str(Vec::new())),
        ("start", false, int()),
        ("end", false, int()),
        ("name_start", false, int()),
        ("name_end", false, int()),
        ("type", false, int()),
        ("source", false, int()),
    ])
}

/// The figure-fact table, empty (a part's and a snapshot's).
pub fn facts() -> Table {
    let int = || Values::Int(Vec::new());
    let s = || Values::Str(Vec::new());
    let d = || Values::Double(Vec::new());
    Table::new(&[
        ("rel", false, s()),
        ("start", false, int()),
        ("end", false, int()),
        ("written", false, s()),
        ("dim", false, s()),
        ("unit", false, s()),
        // Infinite bounds are nulls (PostgreSQL's COPY and Spark both read them so).
        ("low", true, d()),
        ("high", true, d()),
        ("line", false, int()),
        // Context word keys, space-separated, nearest first is not kept: sorted by key hash.
        ("context", false, s()),
    ])
}

/// A kind or format as the tables write it (`article`, `markdown`).
pub fn lower_debug(x: impl std::fmt::Debug) -> String {
    format!("{x:?}").to_lowercase()
}

/// Appends one analysed file: its document row, mentions and figure facts.
pub fn push_document(p: &mut Part, a: &Analysed, facts: &[Fact]) {
    let f = &a.file;
    let c = &mut p.documents.columns;
    c[0].values.push_str(Some(f.rel.clone()));
    c[1].values
        .push_str(Some(blake3::hash(a.text.as_bytes()).to_hex().to_string()));
    c[2].values.push_str(Some(lower_debug(f.analysis.kind)));
    c[3].values.push_str(Some(lower_debug(f.analysis.format)));
    c[4].values.push_int(Some(a.text.len() as i64));
    c[5].values.push_str(Some(a.text.clone()));
    let problems = f.read_problems.join(&SEP.to_string());
    c[6].values
        .push_str((!f.read_problems.is_empty()).then_some(problems));
    c[7].values.push_str(a.ann.clone());
    c[8].values.push_bool(Some(a.second_pass));
    c[9].values.push_bytes(Some(a.detection.clone()));
    let c = &mut p.mentions.columns;
    for m in &f.analysis.entities {
        c[0].values.push_str(Some(f.rel.clone()));
        c[1].values.push_int(Some(m.span.start() as i64));
        c[2].values.push_int(Some(m.span.end() as i64));
        c[3].values.push_int(Some(m.name.start() as i64));
        c[4].values.push_int(Some(m.name.end() as i64));
        c[5].values.push_int(Some(entity_type_tag(m.ty).into()));
        c[6].values.push_int(Some(source_tag(m.source).into()));
    }
    for x in facts {
        push_fact(&mut p.facts, x);
    }
}

/// Appends one figure fact.
pub fn push_fact(t: &mut Table, x: &Fact) {
    let finite = |x: f64| x.is_finite().then_some(x);
    let c = &mut t.columns;
    c[0].values.push_str(Some(x.rel.to_string()));
    c[1].values.push_int(Some(x.figure.span.start() as i64));
    c[2].values.push_int(Some(x.figure.span.end() as i64));
    c[3].values.push_str(Some(x.written.to_string()));
    c[4].values.push_str(Some(x.key.dim.to_string()));
    c[5].values.push_str(Some(x.key.unit.clone()));
    c[6].values.push_double(finite(x.interval.lo));
    c[7].values.push_double(finite(x.interval.hi));
    c[8].values.push_int(Some(x.line as i64));
    let words: Vec<&str> = x.context.iter().map(|w| &*w.key).collect();
    c[9].values.push_str(Some(words.join(" ")));
}

fn skipped_table(skipped: &[Skipped]) -> Table {
    let mut t = Table::new(&[
        ("rel", false, Values::Str(Vec::new())),
        ("reason", false, Values::Str(Vec::new())),
    ]);
    for s in skipped {
        t.columns[0].values.push_str(Some(s.rel.clone()));
        t.columns[1].values.push_str(Some(s.reason.clone()));
    }
    t
}

impl Part {
    /// Writes the part into the folder `dir` (made if need be).
    pub fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
        self.documents.write(&dir.join("documents.parquet"))?;
        self.names.write(&dir.join("names.parquet"))?;
        self.mentions.write(&dir.join("mentions.parquet"))?;
        self.facts.write(&dir.join("facts.parquet"))?;
        skipped_table(&self.skipped).write(&dir.join("skipped.parquet"))?;
        let mut deferred = self.deferred.join("\n");
        if !deferred.is_empty() {
            deferred.push('\n');
        }
        std::fs::write(dir.join("deferred.txt"), deferred)?;
        Ok(())
    }

    /// Reads the part in the folder `dir` (the tables the reduce needs: documents, names,
    /// skipped, deferred).
    pub fn read(dir: &Path) -> Result<Part> {
        let empty = Part::default();
        let documents = Table::read(&dir.join("documents.parquet"), &empty.documents)?;
        let names = Table::read(&dir.join("names.parquet"), &empty.names)?;
        let sk = Table::read(&dir.join("skipped.parquet"), &skipped_table(&[]))?;
        let mut skipped = Vec::with_capacity(sk.len());
        for i in 0..sk.len() {
            skipped.push(Skipped {
                rel: sk.column("rel")?.str(i)?.to_string(),
                reason: sk.column("reason")?.str(i)?.to_string(),
            });
        }
        let deferred = std::fs::read_to_string(dir.join("deferred.txt"))
            .with_context(|| dir.join("deferred.txt").display().to_string())?
            .lines()
            .map(str::to_string)
            .collect();
        Ok(Part {
            documents,
            names,
            skipped,
            deferred,
            ..Part::default()
        })
    }
}
