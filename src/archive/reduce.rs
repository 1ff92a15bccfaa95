//! The reduce: the parts of every map task made into the corpus the whole-folder load makes,
//! then the product's own corpus-level steps over it (the registry join over the name records,
//! the figure-fact index, the checks), written as an index snapshot ([`super::snapshot`]).
//!
//! No file is analysed again: each comes back from its part's text, detection analysis and name
//! records ([`crate::corpus::SourceFile::restore`]).

use super::names;
use super::part::{Part, SEP};
use crate::config::Config;
use crate::corpus::scan::Skipped;
use crate::corpus::shards;
use crate::corpus::{cache, Corpus, LoadOptions, SourceFile};
use anyhow::{anyhow, bail, Context, Result};
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

/// The files of a set of parts, made again.
pub struct Documents {
    /// Each file, and whether it was read with the corpus gazetteer (second pass).
    pub files: Vec<(SourceFile, bool)>,
    /// Files no part analysed, with the reason.
    pub skipped: Vec<Skipped>,
    /// Content hash of each file, by path.
    pub hashes: FxHashMap<String, String>,
}

impl Documents {
    /// Reads the parts (folders written by `extract`); a file in two parts is an error, and
    /// when `complete` (the reduce) so is a dump deferred by the first pass and analysed by none.
    pub fn read(parts: &[PathBuf], config: &Config, complete: bool) -> Result<Documents> {
        let mut files = Vec::new();
        let mut skipped = Vec::new();
        let mut deferred = Vec::new();
        let mut hashes = FxHashMap::default();
        for dir in parts {
            let p = Part::read(dir).with_context(|| format!("part {}", dir.display()))?;
            let got =
                restore_part(&p, config).with_context(|| format!("part {}", dir.display()))?;
            for (f, later, hash) in got {
                if hashes.insert(f.rel.clone(), hash).is_some() {
                    bail!("{} is in two parts (each file belongs to one shard)", f.rel);
                }
                files.push((f, later));
            }
            skipped.extend(p.skipped);
            deferred.extend(p.deferred);
        }
        let missing: Vec<&String> = deferred
            .iter()
            .filter(|r| !hashes.contains_key(*r))
            .collect();
        if let Some(first) = missing.first().filter(|_| complete) {
            bail!(
                "{} lowercase dump(s) left for the second pass were analysed by no part (first: {first}): run extract --gazetteer over them",
                missing.len()
            );
        }
        Ok(Documents {
            files,
            skipped,
            hashes,
        })
    }
}

/// The files of one part: each with its pass and content hash.
fn restore_part(p: &Part, config: &Config) -> Result<Vec<(SourceFile, bool, String)>> {
    let d = &p.documents;
    // Name records by file, in the order written (the document's order).
    let mut rows: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    let rel_col = p.names.column("rel")?;
    for i in 0..p.names.len() {
        rows.entry(rel_col.str(i)?).or_default().push(i);
    }
    let mut out = Vec::with_capacity(d.len());
    for i in 0..d.len() {
        let rel = d.column("rel")?.str(i)?.to_string();
        let text = d.column("text")?.str(i)?.to_string();
        let hash = d.column("hash")?.str(i)?.to_string();
        if blake3::hash(text.as_bytes()).to_hex().as_str() != hash {
            bail!("{rel}: text does not match its content hash");
        }
        let analysis = cache::decode(d.column("detection")?.bytes(i)?, &text)
            .ok_or_else(|| anyhow!("{rel}: detection analysis does not decode against its text"))?;
        let names = rows
            .get(rel.as_str())
            .map(|rs| {
                rs.iter()
                    .map(|&r| names::read(&p.names, r, &text))
                    .collect()
            })
            .transpose()
            .with_context(|| format!("{rel}: name records"))?
            .unwrap_or_default();
        let problems = d
            .column("read_problems")?
            .opt_str(i)?
            .map(|s| s.split(SEP).map(str::to_string).collect())
            .unwrap_or_default();
        let ann = shards::annotations_from(&rel, &text, d.column("ann")?.opt_str(i)?);
        let later = d.column("second_pass")?.bool(i)?;
        let f = SourceFile::restore(
            rel,
            text,
            problems,
            ann,
            config,
            LoadOptions::default(),
            analysis,
            Some(names),
        );
        out.push((f, later, hash));
    }
    Ok(out)
}

/// The corpus of `root` made of the parts, as the whole-folder load makes it.
pub fn corpus(root: &Path, config: &Config, parts: &[PathBuf]) -> Result<(Corpus, Documents)> {
    let mut docs = Documents::read(parts, config, true)?;
    let names = shards::names_of(
        config,
        docs.files
            .iter()
            .filter(|f| !f.1)
            .map(|f| f.0.offered.as_slice()),
    );
    let files: Vec<SourceFile> = docs.files.drain(..).map(|f| f.0).collect();
    let skipped = std::mem::take(&mut docs.skipped);
    let c = Corpus::from_files(root, config, LoadOptions::default(), files, skipped, names);
    Ok((c, docs))
}
