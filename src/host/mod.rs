//! The analysis host: the roots, their current snapshots and one revision counter, outside the
//! protocol (rust-analyzer's `AnalysisHost`/`Analysis`, texlab's workspace). No LSP type here:
//! files are root-relative paths, places are byte spans.
//!
//! One writer (the server's writer thread) calls [`AnalysisHost::apply`]; each change that
//! alters a root makes a new immutable [`Snapshot`] and takes the next revision. Readers take
//! [`AnalysisHost::snapshot`] and work on it for as long as they like; what is derived from a
//! snapshot (registry, findings, answers) belongs to it, so one rule decides staleness: a
//! result computed at revision `r` is current while the root's revision is still `r`.
//!
//! Changes are numbered as they arrive ([`AnalysisHost::submit`], before the writer sees them)
//! and marked done in order ([`AnalysisHost::done`]): a request about a buffer waits, on a
//! condition variable, only for the changes of that buffer that came before it.

pub mod findings;
#[cfg(test)]
mod fixture_tests;
pub mod fresh;
pub mod lookup;
pub mod problems;
pub mod roots;
pub mod snapshot;

pub use snapshot::Snapshot;

use crate::config::Config;
use parking_lot::{Condvar, Mutex};
use roots::{Place, Scope};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Prints timings on stderr when `CORPUS_LS_TRACE` is set.
pub fn trace(msg: impl FnOnce() -> String) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("CORPUS_LS_TRACE").is_some()) {
        eprintln!("corpus-ls: {}", msg());
    }
}

/// One corpus root as the host keeps it.
#[derive(Debug, Clone)]
pub struct RootState {
    /// Its folder.
    pub path: PathBuf,
    /// How much of the folder is read.
    pub scope: Scope,
    /// The current snapshot.
    pub snap: Arc<Snapshot>,
    /// The newest snapshot whose registry was joined when it was installed (position requests
    /// read against it rather than wait for a join).
    pub joined: Arc<Snapshot>,
    /// The revision of its last cold index (0 before the first one ends).
    pub loaded_at: u64,
    /// Its settings (`corpus-ls.toml`, else the client's).
    pub config: Arc<Config>,
}

impl RootState {
    fn new(place: Place) -> RootState {
        let Place { path, scope } = place;
        let mut empty = crate::corpus::Corpus::default();
        empty.root = path.clone();
        let snap = Arc::new(Snapshot::new(empty));
        RootState {
            path,
            scope,
            joined: snap.clone(),
            snap,
            loaded_at: 0,
            config: Arc::new(Config::default()),
        }
    }

    /// True once its cold index has been installed.
    pub fn loaded(&self) -> bool {
        self.loaded_at > 0
    }
}

/// A change to the analysed state of one root.
pub enum Change {
    /// File `rel` holds `text` now (a buffer's text or the disk's), read with `problems`.
    File {
        /// The root.
        root: PathBuf,
        /// The file.
        rel: String,
        /// Its text.
        text: String,
        /// Problems met reading it.
        problems: Vec<String>,
    },
    /// File `rel` is gone.
    Removed {
        /// The root.
        root: PathBuf,
        /// The file.
        rel: String,
    },
    /// A cold index of the root.
    Loaded {
        /// The root.
        root: PathBuf,
        /// Its snapshot.
        snap: Snapshot,
        /// Its settings.
        config: Arc<Config>,
    },
    /// The deferred work of the snapshot at revision `base` done: installed only if the root
    /// is still at `base`.
    CaughtUp {
        /// The root.
        root: PathBuf,
        /// The revision it was computed from.
        base: u64,
        /// The caught-up snapshot.
        snap: Snapshot,
    },
}

/// What [`AnalysisHost::apply`] did.
#[derive(Debug)]
pub enum Applied {
    /// A new snapshot at a new revision (the one it replaced comes along, to free elsewhere).
    New {
        /// The new snapshot.
        snap: Arc<Snapshot>,
        /// The one it replaced.
        old: Arc<Snapshot>,
    },
    /// Nothing changed: the file holds this text already (the current snapshot).
    Same(Arc<Snapshot>),
    /// Not applied: the root is gone, the file was not there, or the change was computed from
    /// an older revision.
    Dropped,
}

#[derive(Default)]
struct Inner {
    revision: u64,
    roots: Vec<RootState>,
    submitted: u64,
    done: u64,
}

/// The roots and their snapshots behind one short lock; see the module doc.
#[derive(Default)]
pub struct AnalysisHost {
    inner: Mutex<Inner>,
    /// Signalled when changes are done or a root is indexed.
    moved: Condvar,
}

/// True when the snapshot holds file `rel` as `text` read with `problems` would make it: the
/// same text and no read problems either way (re-analysing it would change nothing).
fn holds_as_read(snap: &Snapshot, rel: &str, text: &str, problems: &[String]) -> bool {
    problems.is_empty()
        && snap.read_problems_of(rel).is_empty()
        && snap.corpus.file(rel).is_some_and(|f| {
            f.problems.is_empty() && f.stored_text().len() == text.len() && *f.text() == *text
        })
}

impl AnalysisHost {
    /// A host with no roots.
    pub fn new() -> AnalysisHost {
        AnalysisHost::default()
    }

    /// The current revision (it moves with every new snapshot of any root).
    pub fn revision(&self) -> u64 {
        self.inner.lock().revision
    }

    /// Applies one change; the writer's alone. The new snapshot is computed without the lock
    /// (only the writer installs, so the base cannot move meanwhile).
    pub fn apply(&self, change: Change) -> Applied {
        let root = match &change {
            Change::File { root, .. }
            | Change::Removed { root, .. }
            | Change::Loaded { root, .. }
            | Change::CaughtUp { root, .. } => root.clone(),
        };
        let Some(base) = self.snapshot(&root) else {
            return Applied::Dropped;
        };
        let mut config = None;
        let next = match change {
            Change::File {
                rel,
                text,
                problems,
                ..
            } => {
                if holds_as_read(&base, &rel, &text, &problems) {
                    return Applied::Same(base);
                }
                let t0 = Instant::now();
                let next = base.edited(&rel, text, problems);
                trace(|| format!("{rel}: new snapshot in {:?}", t0.elapsed()));
                next
            }
            Change::Removed { rel, .. } => {
                if base.file_index(&rel).is_none() {
                    return Applied::Dropped;
                }
                base.without_file(&rel)
            }
            Change::Loaded {
                snap, config: c, ..
            } => {
                config = Some(c);
                snap
            }
            Change::CaughtUp { base: at, snap, .. } => {
                if base.revision != at {
                    return Applied::Dropped;
                }
                snap
            }
        };
        let mut inner = self.inner.lock();
        inner.revision += 1;
        let revision = inner.revision;
        let Some(r) = inner.roots.iter_mut().find(|r| r.path == root) else {
            return Applied::Dropped;
        };
        let mut next = next;
        next.stamp(revision);
        let snap = Arc::new(next);
        let old = std::mem::replace(&mut r.snap, snap.clone());
        if snap.corpus.registry_ready() {
            r.joined = snap.clone();
        }
        if let Some(c) = config {
            r.config = c;
            r.loaded_at = revision;
            self.moved.notify_all();
        }
        Applied::New { snap, old }
    }

    /// The snapshot a position request about a root reads against: the current one when its
    /// registry is joined (by anyone, since), else the newest that was.
    pub fn joined(&self, root: &Path) -> Option<Arc<Snapshot>> {
        let inner = self.inner.lock();
        let r = inner.roots.iter().find(|r| r.path == root)?;
        Some(if r.snap.corpus.registry_ready() {
            r.snap.clone()
        } else {
            r.joined.clone()
        })
    }

    /// The current snapshot of a root.
    pub fn snapshot(&self, root: &Path) -> Option<Arc<Snapshot>> {
        let inner = self.inner.lock();
        let r = inner.roots.iter().find(|r| r.path == root)?;
        Some(r.snap.clone())
    }

    /// The root at exactly `path`, as it is now.
    pub fn root(&self, path: &Path) -> Option<RootState> {
        self.inner
            .lock()
            .roots
            .iter()
            .find(|r| r.path == path)
            .cloned()
    }

    /// The root holding `path` (the deepest one).
    pub fn root_of(&self, path: &Path) -> Option<RootState> {
        self.inner
            .lock()
            .roots
            .iter()
            .find(|r| roots::holds(&r.path, r.scope, path))
            .cloned()
    }

    /// Every root, longest path first.
    pub fn roots(&self) -> Vec<RootState> {
        self.inner.lock().roots.clone()
    }

    /// Adds a root unless present; true when added.
    pub fn add_root(&self, place: Place) -> bool {
        let mut inner = self.inner.lock();
        if inner.roots.iter().any(|r| r.path == place.path) {
            return false;
        }
        inner.roots.push(RootState::new(place));
        inner
            .roots
            .sort_by_key(|r| std::cmp::Reverse(r.path.as_os_str().len()));
        true
    }

    /// Removes the root at `path`.
    pub fn remove_root(&self, path: &Path) {
        self.inner.lock().roots.retain(|r| r.path != path);
        self.moved.notify_all();
    }

    /// Waits until the root at `path` has its cold index, at most `limit`; true if it has (or
    /// the root is gone: nothing will come).
    pub fn wait_loaded(&self, path: &Path, limit: Duration) -> bool {
        let until = Instant::now() + limit;
        let mut inner = self.inner.lock();
        loop {
            match inner.roots.iter().find(|r| r.path == path) {
                None => return true,
                Some(r) if r.loaded() => return true,
                Some(_) => {}
            }
            if self.moved.wait_until(&mut inner, until).timed_out() {
                return false;
            }
        }
    }

    /// Numbers a change as it arrives (call in arrival order, before handing it to the
    /// writer).
    pub fn submit(&self) -> u64 {
        let mut inner = self.inner.lock();
        inner.submitted += 1;
        inner.submitted
    }

    /// Marks change `ticket` and every earlier one done.
    pub fn done(&self, ticket: u64) {
        let mut inner = self.inner.lock();
        if ticket > inner.done {
            inner.done = ticket;
            self.moved.notify_all();
        }
    }

    /// Waits until change `ticket` is done, at most `limit`; true if it is.
    pub fn wait_done(&self, ticket: u64, limit: Duration) -> bool {
        let until = Instant::now() + limit;
        let mut inner = self.inner.lock();
        while inner.done < ticket {
            if self.moved.wait_until(&mut inner, until).timed_out() {
                return inner.done >= ticket;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_with(root: &str) -> (AnalysisHost, PathBuf) {
        let host = AnalysisHost::new();
        let path = PathBuf::from(root);
        host.add_root(Place {
            path: path.clone(),
            scope: Scope::Tree,
        });
        (host, path)
    }

    fn loaded(host: &AnalysisHost, root: &Path) -> u64 {
        let corpus = lookup::fixture::liu();
        let applied = host.apply(Change::Loaded {
            root: root.to_path_buf(),
            snap: Snapshot::new(corpus),
            config: Arc::default(),
        });
        match applied {
            Applied::New { snap, .. } => snap.revision,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_change_takes_the_next_revision_and_an_equal_text_none() {
        let (host, root) = host_with("/fixture");
        assert!(!host.wait_loaded(&root, Duration::from_millis(1)));
        let r1 = loaded(&host, &root);
        assert!(host.wait_loaded(&root, Duration::ZERO));
        let snap = host.snapshot(&root).unwrap();
        let text = snap.corpus.file("a.txt").unwrap().text().to_string();
        let same = host.apply(Change::File {
            root: root.clone(),
            rel: "a.txt".into(),
            text,
            problems: Vec::new(),
        });
        assert!(matches!(same, Applied::Same(s) if s.revision == r1));
        let edited = host.apply(Change::File {
            root: root.clone(),
            rel: "a.txt".into(),
            text: "Nothing to see.\n".into(),
            problems: Vec::new(),
        });
        let Applied::New { snap, old } = edited else {
            panic!("a new snapshot")
        };
        assert_eq!((old.revision, snap.revision), (r1, r1 + 1));
        assert_eq!(host.revision(), r1 + 1);
        assert!(matches!(
            host.apply(Change::Removed {
                root: root.clone(),
                rel: "none.txt".into()
            }),
            Applied::Dropped
        ));
    }

    #[test]
    fn a_caught_up_snapshot_of_an_older_revision_is_dropped() {
        let (host, root) = host_with("/fixture");
        let r1 = loaded(&host, &root);
        let base = host.snapshot(&root).unwrap();
        host.apply(Change::File {
            root: root.clone(),
            rel: "c.txt".into(),
            text: "More text.\n".into(),
            problems: Vec::new(),
        });
        let stale = host.apply(Change::CaughtUp {
            root: root.clone(),
            base: r1,
            snap: (*base).clone(),
        });
        assert!(matches!(stale, Applied::Dropped));
        let now = host.revision();
        let current = host.snapshot(&root).unwrap();
        let fresh = host.apply(Change::CaughtUp {
            root,
            base: now,
            snap: (*current).clone(),
        });
        assert!(matches!(fresh, Applied::New { snap, .. } if snap.revision == now + 1));
    }

    #[test]
    fn the_deepest_root_holds_a_file() {
        let s = AnalysisHost::new();
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
        let root_of = |p: &str| s.root_of(Path::new(p)).map(|r| r.path);
        assert_eq!(root_of("/w/loose/x.md"), Some(PathBuf::from("/w/loose")));
        assert_eq!(
            root_of("/w/loose/sub/x.md"),
            Some(PathBuf::from("/w")),
            "a loose folder holds only its own files"
        );
        assert_eq!(root_of("/w/inner/x.md"), Some(PathBuf::from("/w/inner")));
        assert_eq!(root_of("/w/x.md"), Some(PathBuf::from("/w")));
        assert!(root_of("/v/x.md").is_none());
    }

    #[test]
    fn waiting_for_a_change_ends_when_it_is_done() {
        let host = Arc::new(AnalysisHost::new());
        let (t1, t2) = (host.submit(), host.submit());
        assert!(!host.wait_done(t1, Duration::from_millis(1)));
        let h = host.clone();
        let waiter = std::thread::spawn(move || h.wait_done(t2, Duration::from_secs(30)));
        host.done(t1);
        host.done(t2);
        assert!(waiter.join().unwrap());
        assert!(host.wait_done(t1, Duration::ZERO));
    }
}
