//! The map: per-document analysis of any subset of a corpus, written as a Parquet part.
//!
//! Each file is analysed as the whole-folder load analyses it ([`crate::corpus::shards`]): the
//! same annotations, the same pass, and for lowercase dumps the gazetteer the cased files of the
//! whole corpus teach (made by [`crate::archive::gazetteer`] from the first pass's parts). A
//! dump met without that gazetteer is not analysed but listed in the part's `deferred.txt`, for
//! the second pass. Nothing here depends on which other files share the part.

use super::names;
use super::part::{self, Part};
use crate::check::facts::facts_of;
use crate::config::Config;
use crate::corpus::scan::{ScannedFile, Skipped};
use crate::corpus::shards;
use crate::corpus::{cache, isolate, Annotations, LoadOptions, SourceFile};
use crate::model::EntityType;
use anyhow::Result;
use std::path::Path;

/// What to analyse with: the corpus root and its config, and for the second pass the
/// gazetteer's name set.
pub struct MapInput<'a> {
    /// The corpus root (rel paths and `.ann` files are read below it).
    pub root: &'a Path,
    /// Its config.
    pub config: &'a Config,
    /// The corpus gazetteer's name set; `None` in the first pass.
    pub names: Option<&'a [(String, EntityType)]>,
}

/// One analysed file: what a part keeps of it.
pub struct Analysed {
    /// The file as a load makes it.
    pub file: SourceFile,
    /// Its text.
    pub text: String,
    /// The detection analysis, encoded ([`cache::encode`]).
    pub detection: Vec<u8>,
    /// Its brat annotations, if any.
    pub ann: Option<String>,
    /// True when it was read with the corpus gazetteer.
    pub second_pass: bool,
}

/// What one file came to.
pub enum Outcome {
    /// Analysed.
    Done(Box<Analysed>),
    /// A dump waiting for the corpus gazetteer.
    Deferred(String),
    /// Not analysed (its analysis panicked).
    Skipped(Skipped),
}

/// Analyses one file read from the corpus.
pub fn analyse(
    input: &MapInput,
    f: ScannedFile,
    gazetteer: &crate::extract::entities::Gazetteer,
    base: &crate::extract::entities::Gazetteer,
) -> Outcome {
    let rel = f.rel.clone();
    let run = || {
        let opts = LoadOptions::default();
        let ann = shards::annotations_of(input.root, &f);
        let later = shards::second_pass(&f, &ann, opts);
        if later && input.names.is_none() {
            return Outcome::Deferred(f.rel);
        }
        let gaz = if later { gazetteer } else { base };
        let detection = shards::detection(&f, &ann, gaz, input.config);
        let encoded = cache::encode(&detection);
        let brat = match &ann {
            Annotations::Brat(t) => Some(t.to_string()),
            _ => None,
        };
        let file = SourceFile::restore(
            f.rel,
            f.text.clone(),
            f.problems,
            ann,
            input.config,
            opts,
            detection,
            None,
        );
        Outcome::Done(Box::new(Analysed {
            file,
            text: f.text,
            detection: encoded,
            ann: brat,
            second_pass: later,
        }))
    };
    isolate::caught(run).unwrap_or_else(|msg| {
        Outcome::Skipped(Skipped {
            rel,
            reason: isolate::reason(&msg),
        })
    })
}

/// Analyses `files` (in parallel) into a part.
pub fn extract(input: &MapInput, files: Vec<ScannedFile>, skipped: Vec<Skipped>) -> Part {
    use rayon::prelude::*;
    let base = shards::gazetteer_of(&shards::base_names(input.config));
    let gazetteer = shards::gazetteer_of(input.names.unwrap_or(&[]));
    let outcomes: Vec<Outcome> = files
        .into_par_iter()
        .map(|f| analyse(input, f, &gazetteer, &base))
        .collect();
    let mut p = Part {
        skipped,
        ..Part::default()
    };
    for o in outcomes {
        match o {
            Outcome::Done(a) => {
                let facts = facts_of(&a.file);
                part::push_document(&mut p, &a, &facts);
                names::push(&mut p.names, &a.file.rel, &a.file.names);
            }
            Outcome::Deferred(rel) => p.deferred.push(rel),
            Outcome::Skipped(s) => p.skipped.push(s),
        }
    }
    p.deferred.sort();
    p
}

/// Reads the listed files (root-relative or absolute paths below `root`) as the load reads
/// them; a file that cannot be read is skipped with the reason.
pub fn read_listed(
    root: &Path,
    config: &Config,
    listed: &[String],
) -> (Vec<ScannedFile>, Vec<Skipped>) {
    use crate::corpus::scan;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for l in listed {
        let p = Path::new(l);
        let abs = if p.is_absolute() {
            p.to_path_buf()
        } else {
            root.join(p)
        };
        let rel = scan::rel_path(root, &abs);
        match scan::read_text(root, &abs) {
            Ok((text, problems)) => files.push(ScannedFile {
                note_by_path: crate::corpus::is_note_path(&rel) || config.is_note(&rel),
                rel,
                abs,
                text,
                problems,
            }),
            Err(reason) => skipped.push(Skipped { rel, reason }),
        }
    }
    (files, skipped)
}

/// `corpus-ls extract`: analyses the listed files of `root` into the part folder `out`.
pub fn run(root: &Path, listed: &[String], names: Option<&Path>, out: &Path) -> Result<Part> {
    let (config, _) = Config::load(root);
    let names = names.map(super::gazetteer::read).transpose()?;
    let input = MapInput {
        root,
        config: &config,
        names: names.as_deref(),
    };
    let (files, skipped) = read_listed(root, &config, listed);
    let p = extract(&input, files, skipped);
    p.write(out)?;
    Ok(p)
}
