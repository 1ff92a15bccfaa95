//! A corpus load split into a map and a reduce, for the archive ([`crate::archive`]): the map
//! analyses any subset of the files exactly as [`Corpus::load`] analyses them in the whole
//! folder (same annotations, same pass, same gazetteer), and the reduce assembles the analysed
//! files of every shard into the [`Corpus`] that load would have made, without analysing again.
//!
//! Only the steps of [`Corpus::load_store`] that the archive needs, made public one by one: the
//! load itself is unchanged.

use super::doc_names::DocName;
use super::gazetteer::{self, Offered};
use super::{
    detect, is_conll, reads_gazetteer, sibling_ann, sniffs_as_dump, Annotations, Corpus, FileText,
    LoadOptions, SourceFile,
};
use crate::analysis::DocAnalysis;
use crate::config::Config;
use crate::extract::entities::Gazetteer;
use crate::format::Format;
use crate::model::EntityType;
use std::path::Path;
use std::sync::Arc;

use super::annotations;
use super::scan::{ScannedFile, Skipped};

/// The gold annotations a load gives a file (a CoNLL file's own, a brat `.ann` beside a `.txt`).
pub fn annotations_of(root: &Path, f: &ScannedFile) -> Annotations {
    if is_conll(&f.rel) {
        Annotations::Conll(Arc::new(annotations::read_conll(&f.text)))
    } else {
        sibling_ann(root, &f.abs).map_or(Annotations::None, Annotations::Brat)
    }
}

/// True when the load analyses the file in its second pass (a lowercase dump, read with the
/// gazetteer the cased files teach).
pub fn second_pass(f: &ScannedFile, ann: &Annotations, opts: LoadOptions) -> bool {
    reads_gazetteer(ann, opts, || sniffs_as_dump(&f.rel, &f.text, ann))
}

/// The gazetteer's name set of the user's entities alone (what the first pass reads).
pub fn base_names(config: &Config) -> Vec<(String, EntityType)> {
    gazetteer::name_set(&config.entities, std::iter::empty())
}

/// The gazetteer's name set the cased files' offers make (what the second pass reads).
pub fn names_of<'a>(
    config: &Config,
    offers: impl Iterator<Item = &'a [Offered]>,
) -> Vec<(String, EntityType)> {
    gazetteer::name_set(&config.entities, offers)
}

/// The gazetteer of a name set.
pub fn gazetteer_of(names: &[(String, EntityType)]) -> Gazetteer {
    gazetteer::gazetteer(names)
}

/// The detection analysis of a file (before gold annotations replace its entities).
pub fn detection(
    f: &ScannedFile,
    ann: &Annotations,
    gazetteer: &Gazetteer,
    config: &Config,
) -> DocAnalysis {
    detect(&f.rel, &f.text, ann, gazetteer, config)
}

impl SourceFile {
    /// The file a load makes of a detection analysis made elsewhere and its name facts (the
    /// gazetteer offers are derived from them; `None` derives them too): what the archive's
    /// map and reduce make of a file.
    #[allow(clippy::too_many_arguments)]
    pub fn restore(
        rel: String,
        text: String,
        read_problems: Vec<String>,
        annotations: Annotations,
        config: &Config,
        opts: LoadOptions,
        analysis: DocAnalysis,
        names: Option<Vec<DocName>>,
    ) -> SourceFile {
        let cased = analysis.format != Format::Lowercase;
        let named = names.map(|n| {
            let offered = gazetteer::offered(&n, cased);
            (n, offered)
        });
        let derived = SourceFile::derive(
            &rel,
            &text,
            read_problems,
            &annotations,
            config,
            opts,
            analysis,
            named,
        );
        derived.into_file(rel, FileText::packed(&text), annotations)
    }
}

impl Corpus {
    /// The corpus of files analysed elsewhere (in any order), as [`Corpus::load_opts`] makes it
    /// of the same files: `names` is the gazetteer's name set the second pass read.
    pub fn from_files(
        root: &Path,
        config: &Config,
        opts: LoadOptions,
        mut files: Vec<SourceFile>,
        mut skipped: Vec<Skipped>,
        names: Vec<(String, EntityType)>,
    ) -> Corpus {
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        skipped.sort_by(|a, b| a.rel.cmp(&b.rel));
        let base = Arc::new(gazetteer::gazetteer(&base_names(config)));
        let mut c = Corpus {
            root: root.to_path_buf(),
            files: files.into_iter().map(Arc::new).collect(),
            skipped,
            config: Arc::new(config.clone()),
            options: opts,
            base_gazetteer: base,
            gazetteer: Arc::new(gazetteer::gazetteer(&names)),
            names: Arc::new(names),
            ..Corpus::default()
        };
        c.finish();
        c
    }
}

impl Corpus {
    /// This corpus with more files analysed from their text (the archive articles a note's
    /// figures meet): read as the load reads a file of the folder, with its gazetteer, without
    /// teaching it (the folder's names stay the folder's). A path the corpus holds keeps the
    /// corpus's file: the local folder wins.
    pub fn with_more_files(&self, more: Vec<(String, String)>) -> Corpus {
        use rayon::prelude::*;
        let fresh: Vec<Arc<SourceFile>> = more
            .into_par_iter()
            .filter(|(rel, _)| self.file(rel).is_none())
            .map(|(rel, text)| {
                let gaz = if super::needs_gazetteer(&rel, &text, &Annotations::None, self.options) {
                    &self.gazetteer
                } else {
                    &self.base_gazetteer
                };
                Arc::new(SourceFile::build(
                    rel,
                    FileText::plain(text.into()),
                    Vec::new(),
                    Annotations::None,
                    gaz,
                    &self.config,
                    self.options,
                ))
            })
            .collect();
        let mut c = self.clone();
        c.files.extend(fresh);
        c.files.sort_by(|a, b| a.rel.cmp(&b.rel));
        c.files.dedup_by(|a, b| a.rel == b.rel);
        c.finish();
        c
    }
}

/// The gold annotations a load gives a file, from its text and the brat `.ann` text read
/// beside it (for a file whose part kept them).
pub fn annotations_from(rel: &str, text: &str, brat: Option<&str>) -> Annotations {
    if is_conll(rel) {
        Annotations::Conll(Arc::new(annotations::read_conll(text)))
    } else {
        brat.map_or(Annotations::None, |a| Annotations::Brat(a.into()))
    }
}
