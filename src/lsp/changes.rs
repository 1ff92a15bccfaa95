//! The writer: the one thread that changes the analysis host, taking changes in the order they
//! arrived, and the catch-up thread that finishes what a keystroke's snapshot left for later.
//!
//! A burst of edits to one buffer is analysed once: the writer takes every queued change before
//! it starts, and a buffer's text is read when its change is applied, so an earlier change of the
//! same buffer in the batch has nothing left to do.

use super::engine::{trace, Engine, Outbound};
use super::progress;
use super::publish::Publish;
use super::query::guarded;
use super::sync::BufferText;
use crate::config::Config;
use crate::corpus::scan;
use crate::host::problems::IndexProblems;
use crate::host::roots::Scope;
use crate::host::{Applied, Change, Snapshot};
use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use tower_lsp_server::ls_types::{MessageType, ProgressToken, Uri};

/// A change for the writer.
pub enum Job {
    /// An open buffer's text changed (read from the state when applied).
    Buffer(Uri),
    /// A file changed on disk or a buffer closed: read the file again (unless it is open).
    Disk(PathBuf),
    /// A cold index of a root, to install with the open buffers over it.
    Loaded {
        /// The root.
        root: PathBuf,
        /// Its snapshot from disk.
        snap: Snapshot,
        /// Its settings.
        config: Arc<Config>,
        /// The progress to end.
        token: Option<ProgressToken>,
        /// True for a loose file's folder.
        loose: bool,
    },
    /// A snapshot caught up from revision `base`.
    CaughtUp {
        /// The root.
        root: PathBuf,
        /// The revision it was computed from.
        base: u64,
        /// The caught-up snapshot.
        snap: Snapshot,
        /// The files re-analysed.
        redone: Vec<String>,
    },
    /// The server stops.
    Stop,
}

/// The text of an open buffer to analyse, and the problems to show on it: a buffer over the
/// scan's file cap is not analysed (its text is kept, never lost), as a file that large is
/// skipped by the scan; the document says so instead.
pub(super) fn analysable(buf: &BufferText) -> (String, Vec<String>) {
    let n = buf.doc.rope.len_bytes();
    if n as u64 > scan::MAX_FILE_BYTES {
        let why = format!(
            "not analysed: this document is {n} bytes, over the {} byte limit (its text is kept)",
            scan::MAX_FILE_BYTES
        );
        return (String::new(), vec![why]);
    }
    (buf.text(), Vec::new())
}

/// True when a snapshot left work for the catch-up thread.
fn needs_catch_up(snap: &Snapshot) -> bool {
    snap.corpus.gazetteer_stale() || !snap.corpus.registry_ready()
}

/// Starts the writer thread (and the catch-up thread it feeds) on `jobs`.
pub fn start(engine: Engine, jobs: Receiver<(u64, Job)>) {
    let (catch_up, catch_up_rx) = std::sync::mpsc::channel();
    let e = engine.clone();
    spawn("corpus-ls-catch-up", move || {
        catch_up_thread(&e, catch_up_rx)
    });
    let writer = Writer {
        engine,
        catch_up,
        problems: RefCell::default(),
    };
    spawn("corpus-ls-writer", move || writer.run(jobs));
}

fn spawn(name: &str, job: impl FnOnce() + Send + 'static) {
    if let Err(e) = std::thread::Builder::new().name(name.into()).spawn(job) {
        eprintln!("corpus-ls: cannot start the {name} thread: {e}");
    }
}

struct Writer {
    engine: Engine,
    /// Roots for the catch-up thread (`None` stops it).
    catch_up: Sender<Option<PathBuf>>,
    /// The index problems the user was told of (this thread's alone).
    problems: RefCell<IndexProblems>,
}

impl Writer {
    fn run(self, jobs: Receiver<(u64, Job)>) {
        while let Ok(first) = jobs.recv() {
            let batch: Vec<(u64, Job)> = std::iter::once(first).chain(jobs.try_iter()).collect();
            for (ticket, job) in batch {
                if matches!(job, Job::Stop) {
                    let _ = self.catch_up.send(None);
                    return;
                }
                if let Err(msg) = guarded("analysis", || self.apply(job)) {
                    self.engine.log(MessageType::ERROR, msg);
                }
                self.engine.host.done(ticket);
            }
        }
    }

    fn apply(&self, job: Job) {
        match job {
            Job::Buffer(uri) => self.buffer(&uri),
            Job::Disk(path) => self.disk(&path),
            Job::Loaded {
                root,
                snap,
                config,
                token,
                loose,
            } => self.loaded(&root, snap, config, token, loose),
            Job::CaughtUp {
                root,
                base,
                snap,
                redone,
            } => self.caught_up(root, base, snap, redone),
            Job::Stop => {}
        }
    }

    /// Brings the host up to date with the open buffer `uri`.
    fn buffer(&self, uri: &Uri) {
        let (root, rel, (text, problems), version) = {
            let st = self.engine.state.lock();
            let Some(doc) = st.docs.get(uri) else {
                return;
            };
            let Some((root, rel)) = doc.place.clone() else {
                return;
            };
            if !doc.buf.in_sync || doc.analysed == Some(doc.buf.version()) {
                return;
            }
            (root, rel, analysable(&doc.buf), doc.buf.version())
        };
        let t0 = std::time::Instant::now();
        let applied = self.engine.host.apply(Change::File {
            root: root.clone(),
            rel: rel.clone(),
            text,
            problems,
        });
        if !matches!(applied, Applied::Dropped) {
            if let Some(d) = self.engine.state.lock().docs.get_mut(uri) {
                d.analysed = Some(version);
            }
        }
        trace(|| format!("{rel} v{version}: applied in {:?}", t0.elapsed()));
        self.after(&root, &rel, applied);
    }

    /// Publishes what a change of `rel` affects once the root is indexed (the cold index
    /// publishes every file when it ends), and starts the catch-up of what it left undone.
    fn after(&self, root: &Path, rel: &str, applied: Applied) {
        let loaded = self.engine.host.root(root).is_some_and(|r| r.loaded());
        let (snap, same) = match applied {
            Applied::New { snap, old } => {
                // The old snapshot's last reference is freed off this thread.
                super::background::drop_later(old);
                (snap, false)
            }
            Applied::Same(snap) => (snap, true),
            Applied::Dropped => return,
        };
        if !loaded {
            return;
        }
        if !same {
            self.tell_problems(root, &snap);
        }
        self.engine.publish(Publish::Changed {
            root: root.to_path_buf(),
            rel: rel.to_string(),
            same,
        });
        if needs_catch_up(&snap) {
            let _ = self.catch_up.send(Some(root.to_path_buf()));
        }
    }

    /// Shows the problems `root` has at `snap` that the user was not told of yet.
    fn tell_problems(&self, root: &Path, snap: &Snapshot) {
        if let Some(msg) = self.problems.borrow_mut().changed(root, snap) {
            self.engine.show(MessageType::WARNING, msg);
        }
    }

    /// Re-reads a file of a root from disk (a watched change, a closed buffer) unless it is open.
    fn disk(&self, path: &Path) {
        let Some(r) = self.engine.host.root_of(path) else {
            return;
        };
        let (root, scope) = (r.path.clone(), r.scope);
        let rel = scan::rel_path(&root, path);
        if self.engine.state.lock().open_uri(&root, &rel).is_some() {
            return;
        }
        let base = r.snap;
        // The scan's rules: a corpus file the config includes; the read itself is confined to
        // the root (a link the scan skipped is not read through an event).
        // A loose folder takes no files but the ones it was loaded with and the open ones.
        let wanted = scan::is_corpus_file(path)
            && base.corpus.config.is_included(&rel)
            && (scope == Scope::Tree || base.file_index(&rel).is_some());
        let change = if !wanted {
            Change::Removed {
                root: root.clone(),
                rel: rel.clone(),
            }
        } else {
            match scan::read_text(&root, path) {
                Ok((text, problems)) => {
                    self.problems.borrow_mut().read(&root, &rel, None);
                    Change::File {
                        root: root.clone(),
                        rel: rel.clone(),
                        text,
                        problems,
                    }
                }
                Err(why) => {
                    // A file that is gone is no problem; one that cannot be read is told.
                    let failed = path.symlink_metadata().is_ok().then_some(why);
                    self.problems.borrow_mut().read(&root, &rel, failed);
                    Change::Removed {
                        root: root.clone(),
                        rel: rel.clone(),
                    }
                }
            }
        };
        let unreadable = matches!(change, Change::Removed { .. }) && wanted;
        let applied = self.engine.host.apply(change);
        self.after(&root, &rel, applied);
        // A file that never made it into the snapshot changes no revision: told here.
        if unreadable && self.engine.host.root(&root).is_some_and(|r| r.loaded()) {
            if let Some(snap) = self.engine.host.snapshot(&root) {
                self.tell_problems(&root, &snap);
            }
        }
    }

    /// Installs a cold index with the open buffers over it, then publishes: the open files now,
    /// every other file on a low-priority thread.
    fn loaded(
        &self,
        root: &Path,
        mut snap: Snapshot,
        config: Arc<Config>,
        token: Option<ProgressToken>,
        loose: bool,
    ) {
        let (files, skipped) = (snap.corpus.files.len(), snap.corpus.skipped.len());
        // Open buffers win over the disk.
        type Overlay = (Uri, String, (String, Vec<String>), i32);
        let overlay: Vec<Overlay> = {
            let st = self.engine.state.lock();
            st.docs
                .iter()
                .filter(|(_, d)| d.buf.in_sync)
                .filter_map(|(u, d)| {
                    let (r, rel) = d.place.as_ref()?;
                    (r == root)
                        .then(|| (u.clone(), rel.clone(), analysable(&d.buf), d.buf.version()))
                })
                .collect()
        };
        for (_, rel, (text, problems), _) in &overlay {
            if config.is_included(rel) {
                snap = snap.with_file(rel, text.clone(), problems.clone());
            }
        }
        let applied = self.engine.host.apply(Change::Loaded {
            root: root.to_path_buf(),
            snap,
            config,
        });
        let Applied::New { snap, old } = applied else {
            return;
        };
        super::background::drop_later(old);
        {
            let mut st = self.engine.state.lock();
            for (uri, _, _, version) in &overlay {
                if let Some(d) = st.docs.get_mut(uri) {
                    if d.buf.version() == *version {
                        d.analysed = Some(*version);
                    }
                }
            }
        }
        if let Some(t) = &token {
            self.engine.progress(progress::end(t, files, skipped));
        }
        if let Some(msg) = self.problems.borrow_mut().loaded(root, &snap) {
            self.engine.show(MessageType::WARNING, msg);
        }
        let how = if loose {
            "; a loose file's folder, read bounded: add corpus-ls.toml above it to read a corpus"
        } else {
            ""
        };
        self.engine.send(Outbound::Log(
            MessageType::INFO,
            format!(
                "indexed {} ({files} files, {skipped} skipped{how})",
                root.display()
            ),
        ));
        eprintln!(
            "corpus-ls: indexed {} ({files} files, {skipped} skipped{how})",
            root.display()
        );
        // The open files first, at the publisher's priority: the user is looking at them.
        let open: HashSet<&str> = overlay.iter().map(|(_, rel, _, _)| rel.as_str()).collect();
        let (open, rest): (Vec<String>, Vec<String>) = snap
            .corpus
            .files
            .iter()
            .map(|f| f.rel.clone())
            .partition(|rel| open.contains(rel.as_str()));
        self.engine.publish(Publish::Files {
            root: root.to_path_buf(),
            rels: open,
        });
        super::publish::bulk_later(&self.engine, root, snap.revision, rest);
        if needs_catch_up(&snap) {
            let _ = self.catch_up.send(Some(root.to_path_buf()));
        }
    }

    /// Installs a caught-up snapshot if its root did not move meanwhile, and publishes the
    /// files it re-analysed; else the catch-up starts over from the newer snapshot.
    fn caught_up(&self, root: PathBuf, base: u64, snap: Snapshot, redone: Vec<String>) {
        let applied = self.engine.host.apply(Change::CaughtUp {
            root: root.clone(),
            base,
            snap,
        });
        let Applied::New { snap, old } = applied else {
            let _ = self.catch_up.send(Some(root));
            return;
        };
        super::background::drop_later(old);
        trace(|| format!("catch-up installed at revision {}", snap.revision));
        self.tell_problems(&root, &snap);
        for rel in redone {
            self.engine.publish(Publish::Changed {
                root: root.clone(),
                rel,
                same: false,
            });
        }
        if needs_catch_up(&snap) {
            let _ = self.catch_up.send(Some(root));
        }
    }
}

/// The catch-up thread: for each root it is sent, brings the newest snapshot's registry and
/// gazetteer up to date and hands the result to the writer (which installs it only if no
/// change came meanwhile, and sends the root again otherwise).
fn catch_up_thread(engine: &Engine, roots: Receiver<Option<PathBuf>>) {
    while let Ok(Some(first)) = roots.recv() {
        let mut due = vec![first];
        for r in roots.try_iter() {
            match r {
                None => return,
                Some(r) if !due.contains(&r) => due.push(r),
                Some(_) => {}
            }
        }
        for root in due {
            let Some(snap) = engine.host.snapshot(&root) else {
                continue;
            };
            if !needs_catch_up(&snap) {
                continue;
            }
            let t0 = std::time::Instant::now();
            let done = guarded("catch-up", || {
                // The registry first: requests wait for it, while stale dumps only lag.
                snap.corpus.registry();
                snap.caught_up()
            });
            trace(|| format!("catch-up in {:?}", t0.elapsed()));
            match done {
                Ok(Some((next, redone))) => engine.internal(Job::CaughtUp {
                    root,
                    base: snap.revision,
                    snap: next,
                    redone,
                }),
                Ok(None) => {}
                Err(msg) => engine.log(MessageType::ERROR, msg),
            }
        }
    }
}
