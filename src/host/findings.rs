//! Each file's findings, kept while everything they were computed from is unchanged, so the
//! diagnostics publish and the figure hover card (its warnings) check a file once between them
//! instead of once each (a hover re-checked its file: 1-5 ms for an article at 22k, 120 ms
//! for a note).
//!
//! A file's findings are a function of the file's analysed text, the checker's figure facts and
//! settings, the problems met re-reading it, and (for a note's sources) which paths the corpus
//! holds. The kept entry names each by the host revision at which it last changed ([`Stamp`]);
//! an entry that differs in any of them is computed again.

use crate::check::Checker;
use crate::corpus::Corpus;
use crate::host::lookup::{self, Finding};
use parking_lot::Mutex;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The revisions at which the inputs of one file's findings last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The set of paths.
    pub paths: u64,
    /// The checker's figure facts.
    pub facts: u64,
    /// The checker's settings.
    pub settings: u64,
    /// The file's analysed text.
    pub file: u64,
}

/// One file's kept findings and what they were computed from.
struct Kept {
    stamp: Stamp,
    read: Vec<String>,
    findings: Arc<[Finding]>,
}

/// What a file's findings are computed from.
pub struct Inputs<'a> {
    /// The corpus.
    pub corpus: &'a Corpus,
    /// The checker of the same snapshot.
    pub checker: &'a Checker,
    /// What they are computed from, by revision; `None` for a snapshot the host has not
    /// installed (computed, not kept).
    pub stamp: Option<Stamp>,
    /// The file's index in `corpus.files`.
    pub file: usize,
    /// Problems met re-reading it from disk.
    pub read: &'a [String],
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
        if let Some(stamp) = i.stamp {
            if let Some(k) = self.0.lock().get(&(i.file as u32)) {
                if k.stamp == stamp && k.read == i.read {
                    return k.findings.clone();
                }
            }
        }
        // Computed without the lock: a hover and the publish may both compute one file, and
        // either result is the same.
        let findings: Arc<[Finding]> = lookup::findings(i.corpus, i.checker, src, i.read).into();
        if let Some(stamp) = i.stamp {
            let kept = Kept {
                stamp,
                read: i.read.to_vec(),
                findings: findings.clone(),
            };
            self.0.lock().insert(i.file as u32, kept);
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use crate::host::lookup::{self, fixture};
    use crate::host::Snapshot;
    use std::sync::Arc;

    /// `s` as the host installs it at `revision`.
    fn installed(mut s: Snapshot, revision: u64) -> Snapshot {
        s.stamp(revision);
        s
    }

    fn fresh(s: &Snapshot, file: usize) -> Vec<lookup::Finding> {
        let src = &s.corpus.files[file];
        lookup::findings(&s.corpus, &s.checker, src, s.read_problems_of(&src.rel))
    }

    #[test]
    fn kept_findings_equal_fresh_ones_across_edits() {
        let note = "The company has 80,000 employees.\n";
        let c = fixture::corpus(vec![
            fixture::file("a.txt", "The company has about 70,000 employees.\n", &[]),
            fixture::file("notes/n.txt", note, &[]),
        ]);
        let s1 = installed(Snapshot::new(c), 1);
        let n = s1.file_index("notes/n.txt").unwrap();
        let first = s1.findings(n);
        assert!(!first.is_empty(), "the note disagrees with its source");
        assert!(Arc::ptr_eq(&first, &s1.findings(n)), "kept");
        // The article edited (new facts): the unchanged note is checked again.
        let article = "The company has about 80,000 employees.\n";
        let s2 = installed(s1.with_file("a.txt", article.into(), Vec::new()), 2);
        assert!(
            Arc::ptr_eq(&s1.corpus.files[n], &s2.corpus.files[n]),
            "the same note"
        );
        let again = s2.findings(n);
        assert_eq!(&*again, &fresh(&s2, n)[..]);
        assert_ne!(&*again, &*first);
        // The note edited: its own findings are computed again.
        let s3 = installed(
            s1.with_file("notes/n.txt", note.replace("80,000", "70,000"), Vec::new()),
            3,
        );
        assert!(
            Arc::ptr_eq(&s1.checker.facts, &s3.checker.facts),
            "the same facts"
        );
        let edited = s3.findings(n);
        assert_eq!(&*edited, &fresh(&s3, n)[..]);
        assert_ne!(&*edited, &*first);
        // Another path set, or read problems: computed again.
        let s4 = installed(s2.with_file("b.txt", "Nothing.\n".into(), Vec::new()), 4);
        let n4 = s4.file_index("notes/n.txt").unwrap();
        assert!(!Arc::ptr_eq(&again, &s4.findings(n4)));
        let a = s2.file_index("a.txt").unwrap();
        let s5 = installed(
            s2.with_file("a.txt", article.into(), vec!["lossy".into()]),
            5,
        );
        assert!(s5.findings(a).iter().any(|f| f.message == "lossy"));
        assert!(s5.findings(99).is_empty());
        // A snapshot the host has not installed computes, and keeps nothing.
        let loose = s2.with_file("notes/n.txt", note.into(), Vec::new());
        assert!(!Arc::ptr_eq(&loose.findings(n), &loose.findings(n)));
    }
}
