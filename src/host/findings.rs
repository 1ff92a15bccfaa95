//! Each file's findings, kept while everything they were computed from is unchanged, so the
//! diagnostics publish and the figure hover card (its warnings) check a file once between them
//! instead of once each (a hover re-checked its file: 1-5 ms for an article at 22k, 120 ms
//! for a note).
//!
//! A file's findings are a function of the file's analysed text, the checker's figure facts and
//! settings, the problems met re-reading it, and (for a note's sources) which paths the corpus
//! holds. The kept entry names each by identity (`Weak`, so nothing is kept alive and no address
//! is reused while the entry exists) and the path set by a generation number that changes
//! whenever a file is added or removed; an entry that differs in any of them is computed again.

use crate::check::{CheckSettings, Checker, FactIndex};
use crate::corpus::{Corpus, SourceFile};
use crate::host::lookup::{self, Finding};
use parking_lot::Mutex;
use rustc_hash::FxHashMap;
use std::sync::{Arc, Weak};

/// One file's kept findings and what they were computed from.
struct Kept {
    file: Weak<SourceFile>,
    facts: Weak<FactIndex>,
    settings: Weak<CheckSettings>,
    paths: u64,
    read: Vec<String>,
    findings: Arc<[Finding]>,
}

/// What a file's findings are computed from.
pub struct Inputs<'a> {
    /// The corpus.
    pub corpus: &'a Corpus,
    /// The checker of the same snapshot.
    pub checker: &'a Checker,
    /// The generation of the corpus's path set (see the module doc).
    pub paths: u64,
    /// The file's index in `corpus.files`.
    pub file: usize,
    /// Problems met re-reading it from disk.
    pub read: &'a [String],
}

impl Kept {
    fn fits(&self, src: &Arc<SourceFile>, i: &Inputs) -> bool {
        Weak::ptr_eq(&self.file, &Arc::downgrade(src))
            && Weak::ptr_eq(&self.facts, &Arc::downgrade(&i.checker.facts))
            && Weak::ptr_eq(&self.settings, &Arc::downgrade(&i.checker.settings))
            && self.paths == i.paths
            && self.read == i.read
    }
}

/// Kept findings of one root's files, by file index (shared by the root's snapshots).
#[derive(Default)]
pub struct FileFindings(Mutex<FxHashMap<u32, Kept>>);

impl std::fmt::Debug for FileFindings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileFindings({} kept)", self.0.lock().len())
    }
}

impl FileFindings {
    /// The findings of a file ([`lookup::findings`]), kept or computed now and kept; empty
    /// when the corpus has no such file.
    pub fn of(&self, i: Inputs) -> Arc<[Finding]> {
        let Some(src) = i.corpus.files.get(i.file) else {
            return Arc::from(Vec::new());
        };
        if let Some(k) = self.0.lock().get(&(i.file as u32)) {
            if k.fits(src, &i) {
                return k.findings.clone();
            }
        }
        // Computed without the lock: a hover and the publish may both compute one file, and
        // either result is the same.
        let findings: Arc<[Finding]> = lookup::findings(i.corpus, i.checker, src, i.read).into();
        let kept = Kept {
            file: Arc::downgrade(src),
            facts: Arc::downgrade(&i.checker.facts),
            settings: Arc::downgrade(&i.checker.settings),
            paths: i.paths,
            read: i.read.to_vec(),
            findings: findings.clone(),
        };
        self.0.lock().insert(i.file as u32, kept);
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CheckSettings;
    use crate::host::lookup::fixture;

    fn inputs<'a>(c: &'a Corpus, ch: &'a Checker, paths: u64, file: usize) -> Inputs<'a> {
        Inputs {
            corpus: c,
            checker: ch,
            paths,
            file,
            read: &[],
        }
    }

    #[test]
    fn kept_findings_equal_fresh_ones_across_edits() {
        let note = "The company has 80,000 employees.\n";
        let c = fixture::corpus(vec![
            fixture::file("a.txt", "The company has about 70,000 employees.\n", &[]),
            fixture::file("notes/n.txt", note, &[]),
        ]);
        let ch = Checker::new(&c, CheckSettings::from_corpus(&c));
        let kept = FileFindings::default();
        let n = c.file_index("notes/n.txt").unwrap() as usize;
        let first = kept.of(inputs(&c, &ch, 1, n));
        assert!(!first.is_empty(), "the note disagrees with its source");
        assert!(Arc::ptr_eq(&first, &kept.of(inputs(&c, &ch, 1, n))), "kept");
        // The article edited (new facts): the unchanged note is checked again.
        let a = c.file_index("a.txt").unwrap() as usize;
        let c3 = c.with_file("a.txt", "The company has about 80,000 employees.\n".into());
        let ch3 = ch.updated(&c3, "a.txt");
        assert!(Arc::ptr_eq(&c.files[n], &c3.files[n]), "the same note");
        let again = kept.of(inputs(&c3, &ch3, 1, n));
        assert_eq!(&*again, &lookup::findings(&c3, &ch3, &c3.files[n], &[])[..]);
        assert_ne!(&*again, &*first);
        // The note edited: its own findings are computed again.
        let c2 = c.with_file("notes/n.txt", note.replace("80,000", "70,000"));
        let ch2 = ch.updated(&c2, "notes/n.txt");
        assert!(Arc::ptr_eq(&ch.facts, &ch2.facts), "the same facts");
        let edited = kept.of(inputs(&c2, &ch2, 1, n));
        assert_eq!(
            &*edited,
            &lookup::findings(&c2, &ch2, &c2.files[n], &[])[..]
        );
        assert_ne!(&*edited, &*first);
        // Another path set, or read problems: computed again.
        assert!(!Arc::ptr_eq(&again, &kept.of(inputs(&c3, &ch3, 2, n))));
        let read = ["lossy".to_string()];
        let with_read = kept.of(Inputs {
            read: &read,
            ..inputs(&c3, &ch3, 2, a)
        });
        assert!(with_read.iter().any(|f| f.message == "lossy"));
        assert!(kept.of(inputs(&c3, &ch3, 2, 99)).is_empty());
    }
}
