//! A root's index problems as the user is told of them: files the index could not read, names
//! the registry join left out, files a later change could not re-read. Told once when the
//! index ends with problems, then once when a later revision first has a problem it did not
//! have; never once per keystroke. Owned by the one writer: no lock.

use super::Snapshot;
use crate::corpus::scan::Skipped;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// How many problems a message names before it says how many more there are.
const NAMED: usize = 5;

/// The problems told so far, by root.
#[derive(Debug, Default)]
pub struct IndexProblems {
    /// Per root: the problems of its last check, and files that failed to re-read since.
    roots: HashMap<PathBuf, Known>,
}

#[derive(Debug, Default)]
struct Known {
    told: BTreeSet<(String, String)>,
    failed: BTreeMap<String, String>,
}

/// The problems of a snapshot that cost nothing to know: the files its index skipped, and
/// what the registry join left out when the registry is built (never built for this).
pub fn of(snap: &Snapshot) -> Vec<Skipped> {
    let mut out = snap.corpus.skipped.clone();
    if snap.corpus.registry_ready() {
        out.extend(snap.corpus.registry_problems());
    }
    out
}

impl IndexProblems {
    /// A root's cold index ended with `snap`: what it starts with (every problem is new).
    pub fn loaded(&mut self, root: &Path, snap: &Snapshot) -> Option<String> {
        self.roots.remove(root);
        self.changed(root, snap)
    }

    /// File `rel` of `root` could not be re-read (`Some(why)`), or was (`None`).
    pub fn read(&mut self, root: &Path, rel: &str, failed: Option<String>) {
        let known = self.roots.entry(root.to_path_buf()).or_default();
        match failed {
            Some(why) => known.failed.insert(rel.to_string(), why),
            None => known.failed.remove(rel),
        };
    }

    /// `root` is at `snap` now: the message to show when it has problems not told before.
    pub fn changed(&mut self, root: &Path, snap: &Snapshot) -> Option<String> {
        let known = self.roots.entry(root.to_path_buf()).or_default();
        let mut now: BTreeSet<(String, String)> =
            of(snap).into_iter().map(|s| (s.rel, s.reason)).collect();
        now.extend(known.failed.iter().map(|(r, w)| (r.clone(), w.clone())));
        let new: Vec<&(String, String)> = now.difference(&known.told).collect();
        let msg = (!new.is_empty()).then(|| message(root, &new, now.len()));
        known.told = now;
        msg
    }
}

/// `ROOT: 2 files not fully indexed: a.md (skipped: looks binary); ...`.
fn message(root: &Path, new: &[&(String, String)], all: usize) -> String {
    let n = new.len();
    let mut out = format!(
        "{}: {n} new problem{} indexing ({all} in all): ",
        crate::corpus::path_text::printable(&root.display().to_string()),
        if n == 1 { "" } else { "s" },
    );
    let named: Vec<String> = new
        .iter()
        .take(NAMED)
        .map(|(rel, why)| {
            let rel = crate::corpus::path_text::printable(rel);
            format!("{rel} ({})", crate::corpus::path_text::printable(why))
        })
        .collect();
    out.push_str(&named.join("; "));
    if n > NAMED {
        out.push_str(&format!("; and {} more", n - NAMED));
    }
    out.push_str(". Requests answer from the rest.");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::doc_names::DocName;
    use crate::corpus::registry::{Registry, UserEntity};

    #[test]
    fn told_once_when_indexed_and_once_per_new_problem() {
        let root = Path::new("/fixture");
        let mut corpus = super::super::lookup::fixture::liu();
        corpus.skipped.push(Skipped {
            rel: "x.md".into(),
            reason: "skipped: looks binary (NUL bytes)".into(),
        });
        let snap = Snapshot::new(corpus.clone());
        let mut p = IndexProblems::default();
        let first = p.loaded(root, &snap).expect("told at the index");
        assert!(first.contains("x.md (skipped: looks binary"), "{first}");
        assert!(
            first.contains("1 new problem indexing (1 in all)"),
            "{first}"
        );
        assert_eq!(
            p.changed(root, &snap),
            None,
            "not again for the next revision"
        );
        // A join that panics on one file's names: that file is new.
        let join = |order: &[u32], docs: &[&[DocName]], user: &[UserEntity]| {
            assert!(
                docs.get(1).is_none_or(|d| d.is_empty()),
                "an injected failure of the join"
            );
            Registry::build(order, docs, user)
        };
        let cut = Snapshot::new(corpus.with_join(&join));
        let msg = p.changed(root, &cut).expect("the left-out file is told");
        let b = &cut.corpus.files[1].rel;
        assert!(msg.contains(&format!("{b} (names left out")), "{msg}");
        assert!(
            !msg.contains("x.md"),
            "what was told is not told again: {msg}"
        );
        assert_eq!(p.changed(root, &cut), None);
        p.read(root, "y.md", Some("skipped: not a regular file".into()));
        assert!(p.changed(root, &cut).unwrap().contains("y.md"));
        assert_eq!(p.changed(root, &cut), None);
    }
}
