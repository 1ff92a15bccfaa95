//! Figures by quantity: which files hold a figure of a given type, unit and subject word, so a
//! hover card can list the figures on the same quantity without reading every file's figures
//! (22,000 files scanned per hover before).
//!
//! The index is built once for a set of files and then serves later snapshots of the same root:
//! [`FileDiff`] matches a snapshot's files to the indexed ones by `Arc` identity (a keystroke
//! replaces one file; every other file is the same allocation), and the files that differ are
//! read directly. Answers are candidate sets, a superset of the files that match: the caller
//! checks [`same_quantity`] on the figures themselves, so a hash collision costs a look, never a
//! wrong answer.

use super::SourceFile;
use crate::model::Figure;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// True when two figures measure the same kind of thing (type, unit and a shared subject word).
pub fn same_quantity(a: &Figure, b: &Figure) -> bool {
    a.ty == b.ty
        && a.unit == b.unit
        && !a.subject.is_empty()
        && a.subject.iter().any(|s| b.subject.contains(s))
}

/// The key of one subject word of a figure: two figures are the same quantity exactly when they
/// share a key (up to hash collisions).
fn key(fig: &Figure, word: &str) -> u64 {
    let mut h = FxHasher::default();
    fig.ty.hash(&mut h);
    fig.unit.as_deref().hash(&mut h);
    word.hash(&mut h);
    h.finish()
}

/// Files by the quantity keys of their figures.
#[derive(Debug, Default)]
pub struct QuantityIndex {
    /// The files indexed, in path order (their identity is what [`FileDiff`] compares).
    files: Vec<Arc<SourceFile>>,
    /// Key to the indices (into `files`, ascending, distinct) of the files holding it.
    postings: FxHashMap<u64, Vec<u32>>,
}

impl QuantityIndex {
    /// Indexes `files` (a corpus's files, in path order).
    pub fn build(files: &[Arc<SourceFile>]) -> QuantityIndex {
        let mut postings: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        for (i, f) in files.iter().enumerate() {
            for fig in &f.analysis.figures {
                for word in &fig.subject {
                    let list = postings.entry(key(fig, word)).or_default();
                    if list.last() != Some(&(i as u32)) {
                        list.push(i as u32);
                    }
                }
            }
        }
        QuantityIndex {
            files: files.to_vec(),
            postings,
        }
    }

    /// The files of `files` (a later snapshot's, which `diff` matched to this index) that may
    /// hold a figure of the same quantity as `fig`: ascending indices into `files`, every file
    /// that does among them.
    pub fn candidates(&self, diff: &FileDiff, files: &[Arc<SourceFile>], fig: &Figure) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for word in &fig.subject {
            let Some(list) = self.postings.get(&key(fig, word)) else {
                continue;
            };
            out.extend(
                list.iter()
                    .filter_map(|&i| diff.from_base.get(i as usize).copied())
                    .filter(|&j| j != NONE),
            );
        }
        // Files the index does not know as they are now: look at their figures.
        out.extend(diff.changed.iter().copied().filter(|&j| {
            files[j as usize]
                .analysis
                .figures
                .iter()
                .any(|g| same_quantity(fig, g))
        }));
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Marks an indexed file with no identical file in the snapshot.
const NONE: u32 = u32::MAX;

/// How a snapshot's files relate to the files of a [`QuantityIndex`].
#[derive(Debug, Default)]
pub struct FileDiff {
    /// For each indexed file, the index of the same allocation in the snapshot, else [`NONE`].
    from_base: Vec<u32>,
    /// Snapshot files the index does not hold as they are (edited, re-analysed or added).
    pub changed: Vec<u32>,
}

impl FileDiff {
    /// Matches `files` (path order) to the files of `index` (path order): one merge walk that
    /// compares pointers, and paths only where the pointers differ.
    pub fn new(index: &QuantityIndex, files: &[Arc<SourceFile>]) -> FileDiff {
        let base = &index.files;
        let mut from_base = vec![NONE; base.len()];
        let mut changed = Vec::new();
        let (mut i, mut j) = (0, 0);
        while j < files.len() {
            let Some(b) = base.get(i) else {
                changed.push(j as u32);
                j += 1;
                continue;
            };
            let f = &files[j];
            if Arc::ptr_eq(b, f) {
                from_base[i] = j as u32;
                (i, j) = (i + 1, j + 1);
                continue;
            }
            match b.rel.cmp(&f.rel) {
                std::cmp::Ordering::Equal => {
                    changed.push(j as u32);
                    (i, j) = (i + 1, j + 1);
                }
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => {
                    changed.push(j as u32);
                    j += 1;
                }
            }
        }
        FileDiff { from_base, changed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;
    use proptest::prelude::*;

    /// Every file of `c` with a figure of the same quantity as `fig`, by reading them all.
    fn scan(c: &Corpus, fig: &Figure) -> Vec<u32> {
        (0..c.files.len() as u32)
            .filter(|&i| {
                c.files[i as usize]
                    .analysis
                    .figures
                    .iter()
                    .any(|g| same_quantity(fig, g))
            })
            .collect()
    }

    fn all_figures(c: &Corpus) -> Vec<Figure> {
        c.files
            .iter()
            .flat_map(|f| f.analysis.figures.iter().cloned())
            .collect()
    }

    /// The candidates hold every matching file, and the exact matches among them equal a scan.
    fn agrees(index: &QuantityIndex, c: &Corpus) {
        let diff = FileDiff::new(index, &c.files);
        for fig in all_figures(c) {
            let cands = index.candidates(&diff, &c.files, &fig);
            let exact: Vec<u32> = cands
                .iter()
                .copied()
                .filter(|&i| {
                    c.files[i as usize]
                        .analysis
                        .figures
                        .iter()
                        .any(|g| same_quantity(&fig, g))
                })
                .collect();
            assert_eq!(exact, scan(c, &fig), "{fig:?}");
            assert!(cands.windows(2).all(|w| w[0] < w[1]));
        }
    }

    const TEXTS: [&str; 6] = [
        "The company has about 70,000 employees and exports rose 5 percent.\n",
        "Exports fell 3 percent in March; the firm kept 1,200 employees.\n",
        "Tariffs of $50 billion on imports were announced.\n",
        "The deficit reached $375 billion, and tariffs of $34 billion followed.\n",
        "Nothing measured here.\n",
        "The port handled 4,000 containers; imports rose 2 percent.\n",
    ];

    fn corpus(files: &[(String, usize)]) -> Corpus {
        let mut c = Corpus::default();
        for (rel, t) in files {
            c = c.with_file(rel, TEXTS[*t].to_string());
        }
        c
    }

    #[test]
    fn the_fixture_has_shared_quantities() {
        let c = corpus(&[("a.txt".into(), 0), ("b.txt".into(), 1)]);
        let figs = all_figures(&c);
        assert!(
            figs.iter()
                .any(|f| scan(&c, f).len() == 2 && !f.subject.is_empty()),
            "no quantity in both files: {figs:?}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// An index built once and then used across edits, additions and removals answers as a
        /// scan of the current files does.
        #[test]
        fn an_old_index_answers_as_a_scan_of_the_new_files(
            start in proptest::collection::vec((0u8..8, 0usize..6), 1..6),
            edits in proptest::collection::vec((0u8..8, 0usize..7), 0..6),
        ) {
            let files: Vec<(String, usize)> =
                start.iter().map(|(n, t)| (format!("f{n}.txt"), *t)).collect();
            let mut c = corpus(&files);
            let index = QuantityIndex::build(&c.files);
            agrees(&index, &c);
            for (n, t) in edits {
                let rel = format!("f{n}.txt");
                c = if t == 6 { c.without_file(&rel) } else { c.with_file(&rel, TEXTS[t].to_string()) };
                agrees(&index, &c);
                agrees(&QuantityIndex::build(&c.files), &c);
            }
        }
    }
}
