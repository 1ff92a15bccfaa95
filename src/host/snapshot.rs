//! An immutable analysis of one root at one revision: the corpus, the checker's facts, and
//! what is derived from them on demand (findings per file, figures by quantity).

use super::findings::{FileFindings, Inputs, Stamp};
use super::lookup::{Finding, Lookup};
use crate::check::{CheckSettings, Checker};
use crate::corpus::quantities::{FileDiff, QuantityIndex};
use crate::corpus::Corpus;
use crate::model::Figure;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// A corpus (with its entity registry); never changed once built.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The corpus.
    pub corpus: Corpus,
    /// The checks' state for this corpus (figure facts of the articles).
    pub checker: Checker,
    /// Problems met re-reading files from disk (lossy decoding), by path.
    pub read_problems: HashMap<String, Vec<String>>,
    /// The host's revision this snapshot was installed at (0 before it is installed).
    pub revision: u64,
    /// Figures by quantity, built with the root's first snapshot and shared by the later ones.
    quantities: Arc<QuantityIndex>,
    /// This snapshot's files matched to `quantities`, made by the first figure hover.
    quantity_diff: Arc<OnceLock<FileDiff>>,
    /// Findings kept per file, shared by the root's later snapshots.
    findings: Arc<FileFindings>,
    /// The revisions at which what findings are computed from last changed.
    stamps: Stamps,
    /// What changed since the snapshot it was made from, until the host installs it and
    /// [`Snapshot::stamp`]s it with its revision (`None`: nothing pending).
    pending: Option<Pending>,
}

/// The revisions at which the inputs of a file's findings last changed (0: not since the
/// root's cold index).
#[derive(Debug, Clone, Default)]
struct Stamps {
    /// The set of paths.
    paths: u64,
    /// The checker's figure facts.
    facts: u64,
    /// The checker's settings.
    settings: u64,
    /// Files changed since the set of paths last did.
    files: Arc<FxHashMap<String, u64>>,
}

/// What a snapshot changed, for its stamps.
#[derive(Debug, Clone, Default)]
struct Pending {
    paths: bool,
    facts: bool,
    settings: bool,
    files: Vec<String>,
}

impl Snapshot {
    /// A snapshot of a corpus.
    pub fn new(corpus: Corpus) -> Snapshot {
        let checker = Checker::new(&corpus, CheckSettings::from_corpus(&corpus));
        Snapshot {
            quantities: Arc::new(QuantityIndex::build(&corpus.files)),
            quantity_diff: Arc::default(),
            findings: Arc::default(),
            stamps: Stamps::default(),
            // Everything is new: stamped with the revision the host installs it at.
            pending: Some(Pending {
                paths: true,
                facts: true,
                settings: true,
                files: Vec::new(),
            }),
            corpus,
            checker,
            read_problems: HashMap::new(),
            revision: 0,
        }
    }

    /// Ascending indices of the files that may hold a figure of the same quantity as `fig`
    /// ([`crate::corpus::quantities::same_quantity`]): every file that does, and few others.
    pub fn same_quantity_files(&self, fig: &Figure) -> Vec<u32> {
        let diff = self
            .quantity_diff
            .get_or_init(|| FileDiff::new(&self.quantities, &self.corpus.files));
        self.quantities.candidates(diff, &self.corpus.files, fig)
    }

    /// A snapshot of `corpus` that keeps this one's quantity index (`corpus` differs from this
    /// snapshot's in a few files).
    /// What changed is noted as pending for [`Snapshot::stamp`]. Which parts a step kept
    /// (files re-analysed, the checker's facts) is known only here, by sharing: it is turned into
    /// revisions at once, and nothing downstream compares identities.
    fn next(
        &self,
        corpus: Corpus,
        checker: Checker,
        read_problems: HashMap<String, Vec<String>>,
    ) -> Snapshot {
        let mut p = self.pending.clone().unwrap_or_default();
        // Each step adds, replaces or removes files: the same number means the same paths.
        p.paths |= corpus.files.len() != self.corpus.files.len();
        if !p.paths {
            let old = self.corpus.files.iter();
            p.files.extend(
                old.zip(&corpus.files)
                    .filter(|(a, b)| !Arc::ptr_eq(a, b))
                    .map(|(_, b)| b.rel.clone()),
            );
        }
        p.facts |= !Arc::ptr_eq(&checker.facts, &self.checker.facts);
        p.settings |= !Arc::ptr_eq(&checker.settings, &self.checker.settings);
        Snapshot {
            corpus,
            checker,
            read_problems,
            revision: 0,
            quantities: self.quantities.clone(),
            quantity_diff: Arc::default(),
            findings: self.findings.clone(),
            stamps: self.stamps.clone(),
            pending: Some(p),
        }
    }

    /// Gives the snapshot its revision (the host, when it installs it): what changed since the
    /// snapshot it was made from is stamped with it.
    pub fn stamp(&mut self, revision: u64) {
        self.revision = revision;
        let Some(p) = self.pending.take() else {
            return;
        };
        if p.paths {
            self.stamps.paths = revision;
            self.stamps.files = Arc::default();
        }
        if p.facts {
            self.stamps.facts = revision;
        }
        if p.settings {
            self.stamps.settings = revision;
        }
        if !p.paths && !p.files.is_empty() {
            let files = Arc::make_mut(&mut self.stamps.files);
            for f in p.files {
                files.insert(f, revision);
            }
        }
    }

    /// The findings of file `file` (kept across snapshots while they hold; see
    /// [`FileFindings`]).
    pub fn findings(&self, file: usize) -> Arc<[Finding]> {
        let rel = self.corpus.files.get(file).map(|f| f.rel.as_str());
        let read = rel.map_or(&[][..], |r| self.read_problems_of(r));
        // Only an installed snapshot's findings are kept: its stamps name what they hold.
        let stamp = self.pending.is_none().then(|| Stamp {
            paths: self.stamps.paths,
            facts: self.stamps.facts,
            settings: self.stamps.settings,
            file: rel
                .and_then(|r| self.stamps.files.get(r).copied())
                .unwrap_or(0),
        });
        self.findings.of(Inputs {
            corpus: &self.corpus,
            checker: &self.checker,
            stamp,
            file,
            read,
        })
    }

    /// The revisions at which the set of paths and file `file`'s analysed text last changed:
    /// equal stamps, equal text at that index. `None` for a snapshot the host has not
    /// installed.
    pub fn file_stamp(&self, file: usize) -> Option<(u64, u64)> {
        if self.pending.is_some() {
            return None;
        }
        let rel = &self.corpus.files.get(file)?.rel;
        let at = self.stamps.files.get(rel).copied().unwrap_or(0);
        Some((self.stamps.paths, at))
    }

    /// Entity lookups in this snapshot.
    pub fn index(&self) -> Lookup<'_> {
        Lookup(&self.corpus)
    }

    /// Index of the file `rel` in `corpus.files` (sorted by path).
    pub fn file_index(&self, rel: &str) -> Option<usize> {
        self.corpus.file_index(rel).map(|i| i as usize)
    }

    /// Problems met reading file `rel` from disk after the cold index.
    pub fn read_problems_of(&self, rel: &str) -> &[String] {
        self.read_problems.get(rel).map_or(&[], |v| v.as_slice())
    }

    /// A new snapshot with `rel` holding `text` (added or replaced).
    pub fn with_file(&self, rel: &str, text: String, problems: Vec<String>) -> Snapshot {
        self.replaced(rel, problems, |c| {
            (c.with_file(rel, text), "Corpus::with_file".to_string())
        })
    }

    /// [`Snapshot::with_file`] for a keystroke: the corpus part is
    /// [`Corpus::with_file_deferred`], so what it left undone is for [`Snapshot::caught_up`].
    pub fn edited(&self, rel: &str, text: String, problems: Vec<String>) -> Snapshot {
        self.replaced(rel, problems, |c| {
            let corpus = c.with_file_deferred(rel, text);
            let step = format!(
                "Corpus::with_file_deferred (registry {}, gazetteer {})",
                if corpus.registry_ready() {
                    "patched"
                } else {
                    "later"
                },
                if corpus.gazetteer_stale() {
                    "stale"
                } else {
                    "current"
                },
            );
            (corpus, step)
        })
    }

    /// A snapshot whose corpus `step` replaced `rel` (returning the corpus and its name for the
    /// trace), with `rel`'s read problems and the checker updated to match.
    fn replaced(
        &self,
        rel: &str,
        problems: Vec<String>,
        step: impl FnOnce(&Corpus) -> (Corpus, String),
    ) -> Snapshot {
        let mut read_problems = self.read_problems.clone();
        if problems.is_empty() {
            read_problems.remove(rel);
        } else {
            read_problems.insert(rel.to_string(), problems);
        }
        let t0 = std::time::Instant::now();
        let (corpus, name) = step(&self.corpus);
        let t1 = std::time::Instant::now();
        let checker = self.checker.updated(&corpus, rel);
        super::trace(|| {
            format!(
                "{rel}: {name} {:?}, Checker::updated {:?}",
                t1 - t0,
                t1.elapsed()
            )
        });
        self.next(corpus, checker, read_problems)
    }

    /// The snapshot with the gazetteer caught up (see [`Corpus::caught_up`]) and the files that
    /// were re-analysed; `None` when it is current.
    pub fn caught_up(&self) -> Option<(Snapshot, Vec<String>)> {
        let (corpus, redone) = self.corpus.caught_up()?;
        // Each update re-derives one article's facts; many at once are cheaper in one go.
        let checker = if redone.len() > 64 {
            Checker::new(&corpus, CheckSettings::from_corpus(&corpus))
        } else {
            redone
                .iter()
                .fold(self.checker.clone(), |ch, rel| ch.updated(&corpus, rel))
        };
        let mut next = self.next(corpus, checker, self.read_problems.clone());
        // Many re-analysed files: index them afresh rather than read them on every hover.
        if redone.len() > 64 {
            next.quantities = Arc::new(QuantityIndex::build(&next.corpus.files));
        }
        Some((next, redone))
    }

    /// A new snapshot without the file `rel`.
    pub fn without_file(&self, rel: &str) -> Snapshot {
        let mut read_problems = self.read_problems.clone();
        read_problems.remove(rel);
        let corpus = self.corpus.without_file(rel);
        let checker = self.checker.updated(&corpus, rel);
        self.next(corpus, checker, read_problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_replace_and_drop_files() {
        let snap = Snapshot::new(super::super::lookup::fixture::liu());
        let n = snap.corpus.files.len();
        let s2 = snap.with_file("c.md", "text".into(), vec!["lossy".into()]);
        assert_eq!(s2.corpus.files.len(), n + 1);
        assert_eq!(s2.read_problems_of("c.md"), ["lossy".to_string()]);
        let s3 = s2.without_file("c.md");
        assert_eq!(s3.corpus.files.len(), n);
        assert!(s3.file_index("c.md").is_none());
        assert!(s3.read_problems_of("c.md").is_empty());
        assert_eq!(snap.corpus.files.len(), n, "the old snapshot is untouched");
    }
}
