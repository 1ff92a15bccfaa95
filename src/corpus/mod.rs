//! The corpus: every file of a root, analysed, in corpus order.

pub mod scan;

use crate::analysis::{self, AnalysisContext, DocAnalysis};
use crate::document::LineIndex;
use crate::extract::entities::Gazetteer;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One analysed file of the corpus.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Absolute path.
    pub abs: PathBuf,
    /// The text as analysed (lossily decoded if need be).
    pub text: Arc<str>,
    /// Line starts of `text`.
    pub lines: LineIndex,
    /// What the analysis found.
    pub analysis: DocAnalysis,
    /// Problems met reading it.
    pub problems: Vec<String>,
}

/// True when the corpus conventions make `rel` a note (a folder named `notes/` on its path).
pub fn is_note_path(rel: &str) -> bool {
    rel.split('/')
        .rev()
        .skip(1)
        .any(|c| c.eq_ignore_ascii_case("notes"))
}

impl SourceFile {
    /// Analyses `text` as the file `rel` below `root`.
    pub fn new(
        root: &Path,
        rel: String,
        text: String,
        problems: Vec<String>,
        gazetteer: &Gazetteer,
    ) -> Self {
        let abs = root.join(&rel);
        let ctx = AnalysisContext {
            gazetteer,
            is_note_by_path: is_note_path(&rel),
        };
        let analysis = analysis::analyze(Path::new(&rel), &text, &ctx);
        SourceFile {
            lines: LineIndex::new(&text),
            text: text.into(),
            abs,
            rel,
            analysis,
            problems,
        }
    }
}

/// All files of one root.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// The root folder.
    pub root: PathBuf,
    /// Files, sorted by path.
    pub files: Vec<Arc<SourceFile>>,
    /// Files skipped, with reasons.
    pub skipped: Vec<scan::Skipped>,
}

impl Corpus {
    /// Scans and analyses every file below `root`.
    pub fn load(root: &Path) -> Corpus {
        let scanned = scan::scan(root);
        let gazetteer = Gazetteer::default();
        let files = scanned
            .files
            .into_iter()
            .map(|f| Arc::new(SourceFile::new(root, f.rel, f.text, f.problems, &gazetteer)))
            .collect();
        Corpus {
            root: root.to_path_buf(),
            files,
            skipped: scanned.skipped,
        }
    }
    /// The file at a root-relative path.
    pub fn file(&self, rel: &str) -> Option<&Arc<SourceFile>> {
        self.files.iter().find(|f| f.rel == rel)
    }
}
