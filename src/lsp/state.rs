//! Server state: roots with their immutable corpus snapshots, open buffers, negotiated settings.
//!
//! All of it sits behind one `parking_lot::Mutex` that is held only for short, synchronous steps
//! (never across an `.await`, never while analysing). New snapshots are built outside the lock on
//! blocking threads and swapped in when the one they were built from is still current.

use super::config::Settings;
use super::convert::{path_to_uri, uri_to_path};
use super::file_findings::{FileFindings, Inputs};
use super::lookup::{Finding, Lookup};
use super::roots::{self, Place, Scope};
use super::sync::BufferText;
use crate::check::{CheckSettings, Checker};
use crate::config::Config;
use crate::corpus::quantities::{FileDiff, QuantityIndex};
use crate::corpus::{scan, Corpus};
use crate::document::Encoding;
use crate::model::Figure;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tower_lsp_server::ls_types::Uri;

/// A corpus (with its entity registry); never changed once built.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The corpus.
    pub corpus: Corpus,
    /// The checks' state for this corpus (figure facts of the articles).
    pub checker: Checker,
    /// Problems met re-reading files from disk (lossy decoding), by path.
    pub read_problems: HashMap<String, Vec<String>>,
    /// Figures by quantity, built with the root's first snapshot and shared by the later ones.
    quantities: Arc<QuantityIndex>,
    /// This snapshot's files matched to `quantities`, made by the first figure hover.
    quantity_diff: Arc<OnceLock<FileDiff>>,
    /// Findings kept per file, shared by the root's later snapshots.
    findings: Arc<FileFindings>,
    /// The generation of the corpus's set of paths: a later snapshot with the same number of
    /// files has the same paths (each step adds, replaces or removes one file).
    paths: u64,
}

impl Snapshot {
    /// A snapshot of a corpus.
    pub fn new(corpus: Corpus) -> Snapshot {
        let checker = Checker::new(&corpus, CheckSettings::from_corpus(&corpus));
        Snapshot {
            quantities: Arc::new(QuantityIndex::build(&corpus.files)),
            quantity_diff: Arc::default(),
            findings: Arc::default(),
            paths: next_paths(),
            corpus,
            checker,
            read_problems: HashMap::new(),
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
    fn next(
        &self,
        corpus: Corpus,
        checker: Checker,
        read_problems: HashMap<String, Vec<String>>,
    ) -> Snapshot {
        let paths = if corpus.files.len() == self.corpus.files.len() {
            self.paths
        } else {
            next_paths()
        };
        Snapshot {
            corpus,
            checker,
            read_problems,
            quantities: self.quantities.clone(),
            quantity_diff: Arc::default(),
            findings: self.findings.clone(),
            paths,
        }
    }

    /// The findings of file `file` (kept across snapshots while they hold; see
    /// [`FileFindings`]).
    pub fn findings(&self, file: usize) -> Arc<[Finding]> {
        let read = self
            .corpus
            .files
            .get(file)
            .map_or(&[][..], |f| self.read_problems_of(&f.rel));
        self.findings.of(Inputs {
            corpus: &self.corpus,
            checker: &self.checker,
            paths: self.paths,
            file,
            read,
        })
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
        super::engine::trace(|| {
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

/// A new path-set generation (see [`Snapshot`]).
fn next_paths() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// One corpus root.
#[derive(Debug)]
pub struct Root {
    /// Its folder.
    pub path: PathBuf,
    /// How much of the folder is read.
    pub scope: Scope,
    /// The current snapshot.
    pub snap: Arc<Snapshot>,
    /// True once the cold index has finished.
    pub loaded: bool,
    /// Serialises snapshot builders of this root (taken on blocking threads only).
    pub writer: Arc<Mutex<()>>,
    /// Its settings (`corpus-ls.toml`, else the client's).
    pub config: Arc<Config>,
}

impl Root {
    /// A root not yet indexed.
    pub fn new(place: Place) -> Root {
        let Place { path, scope } = place;
        let mut empty = Corpus::default();
        empty.root = path.clone();
        let snap = Arc::new(Snapshot::new(empty));
        Root {
            path,
            scope,
            snap,
            loaded: false,
            writer: Arc::new(Mutex::new(())),
            config: Arc::new(Config::default()),
        }
    }
}

/// An open editor buffer.
#[derive(Debug, Clone)]
pub struct OpenDoc {
    /// Its text, version and sync state.
    pub buf: BufferText,
    /// The root it belongs to and its path there, when it is a corpus file.
    pub place: Option<(PathBuf, String)>,
    /// The version whose text the root's snapshot holds.
    pub analysed: Option<i32>,
}

/// What the client said it can do.
#[derive(Debug, Clone, Default)]
pub struct ClientCaps {
    /// `window/workDoneProgress/create` is supported.
    pub work_done_progress: bool,
    /// `workspace/didChangeWatchedFiles` may be registered dynamically.
    pub dynamic_watch: bool,
    /// `workspace/configuration` is supported.
    pub configuration: bool,
    /// The semantic token types the client listed.
    pub token_types: Vec<String>,
}

/// Everything the server knows, behind one lock.
#[derive(Debug, Default)]
pub struct State {
    /// Corpus roots, longest path first.
    pub roots: Vec<Root>,
    /// Open buffers.
    pub docs: HashMap<Uri, OpenDoc>,
    /// Negotiated position encoding.
    pub enc: Encoding,
    /// User settings.
    pub settings: Settings,
    /// Client capabilities.
    pub caps: ClientCaps,
    /// Semantic token legend chosen at initialize (custom types or standard fallbacks).
    pub custom_tokens: bool,
}

impl State {
    /// The root holding `path` (the deepest one).
    pub fn root_of(&self, path: &Path) -> Option<&Root> {
        self.roots
            .iter()
            .find(|r| roots::holds(&r.path, r.scope, path))
    }

    /// The root at exactly `path`.
    pub fn root_mut(&mut self, path: &Path) -> Option<&mut Root> {
        self.roots.iter_mut().find(|r| r.path == path)
    }

    /// Adds a root unless present; true when added.
    pub fn add_root(&mut self, place: Place) -> bool {
        if self.roots.iter().any(|r| r.path == place.path) {
            return false;
        }
        self.roots.push(Root::new(place));
        self.roots
            .sort_by_key(|r| std::cmp::Reverse(r.path.as_os_str().len()));
        true
    }

    /// Where a document belongs: its root (added when new; true then) and its path there.
    pub fn place_of(&mut self, uri: &Uri) -> (Option<(PathBuf, String)>, bool) {
        let Some(path) = uri_to_path(uri) else {
            return (None, false);
        };
        if !scan::is_corpus_file(&path) {
            return (None, false);
        }
        let mut added = false;
        let root = match self.root_of(&path) {
            Some(r) => r.path.clone(),
            None => {
                let place = roots::for_file(&path);
                let r = place.path.clone();
                added = self.add_root(place);
                r
            }
        };
        let rel = scan::rel_path(&root, &path);
        (Some((root, rel)), added)
    }

    /// Every root's folder and snapshot.
    pub fn snapshots(&self) -> Vec<(PathBuf, Arc<Snapshot>)> {
        self.roots
            .iter()
            .map(|r| (r.path.clone(), r.snap.clone()))
            .collect()
    }

    /// The open document at a root-relative path.
    pub fn open_uri(&self, root: &Path, rel: &str) -> Option<&Uri> {
        self.docs.iter().find_map(|(u, d)| {
            d.place
                .as_ref()
                .filter(|(r, p)| r == root && p == rel)
                .map(|_| u)
        })
    }
}

/// The URI of a file of a root: the open buffer's own URI when open, else built from the path.
pub fn file_uri(state: &State, root: &Path, rel: &str) -> Option<Uri> {
    state
        .open_uri(root, rel)
        .cloned()
        .or_else(|| path_to_uri(&root.join(rel)))
}

/// The shared state.
pub type Shared = Arc<Mutex<State>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deepest_root_holds_a_file() {
        let mut s = State::default();
        let tree = |p: &str| Place {
            path: PathBuf::from(p),
            scope: Scope::Tree,
        };
        s.add_root(tree("/w"));
        s.add_root(tree("/w/inner"));
        assert!(!s.add_root(tree("/w")));
        s.add_root(Place {
            path: PathBuf::from("/w/loose"),
            scope: Scope::Folder,
        });
        assert_eq!(
            s.root_of(Path::new("/w/loose/x.md")).unwrap().path,
            PathBuf::from("/w/loose")
        );
        assert_eq!(
            s.root_of(Path::new("/w/loose/sub/x.md")).unwrap().path,
            PathBuf::from("/w"),
            "a loose folder holds only its own files"
        );
        assert_eq!(
            s.root_of(Path::new("/w/inner/x.md")).unwrap().path,
            PathBuf::from("/w/inner")
        );
        assert_eq!(
            s.root_of(Path::new("/w/x.md")).unwrap().path,
            PathBuf::from("/w")
        );
        assert!(s.root_of(Path::new("/v/x.md")).is_none());
    }

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
