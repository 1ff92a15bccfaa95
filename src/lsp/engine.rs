//! Keeping snapshots current: analysing changed buffers and files on blocking threads, swapping
//! snapshots in, and sending diagnostics, logs and progress to the client in order.
//!
//! Nothing here awaits: every message for the client goes through one queue that a single task
//! drains, so notifications keep their order and a handler never waits on the client.

use super::diagnostics;
use super::progress;
use super::published::Published;
use super::query::Ctx;
use super::reference_answers::ReferenceAnswers;
use super::roots::Scope;
use super::state::{file_uri, Shared, Snapshot};
use crate::corpus::scan;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp_server::ls_types::{
    notification::Progress, Diagnostic, MessageType, ProgressParams, ProgressToken, Uri,
};
use tower_lsp_server::Client;

/// The text of an open buffer to analyse, and the problems to show on it: a buffer over the
/// scan's file cap is not analysed (its text is kept, never lost), as a file that large is
/// skipped by the scan; the document says so instead.
fn analysable(buf: &super::sync::BufferText) -> (String, Vec<String>) {
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

/// Prints timings on stderr when `CORPUS_LS_TRACE` is set.
pub fn trace(msg: impl FnOnce() -> String) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("CORPUS_LS_TRACE").is_some()) {
        eprintln!("corpus-ls: {}", msg());
    }
}

/// A message for the client.
#[derive(Debug)]
pub enum Outbound {
    /// Diagnostics of a file; `version` is set for open buffers and checked again before sending.
    Diagnostics {
        /// The file.
        uri: Uri,
        /// Its diagnostics.
        diags: Vec<Diagnostic>,
        /// The buffer version they were computed for.
        version: Option<i32>,
    },
    /// A log line.
    Log(MessageType, String),
    /// A `$/progress` notification.
    Progress(ProgressParams),
}

/// The server's working parts, cheap to clone into tasks.
#[derive(Clone)]
pub struct Engine {
    /// The state.
    pub state: Shared,
    out: UnboundedSender<Outbound>,
    /// Last diagnostics sent, per file, and which files they point at.
    published: Arc<parking_lot::Mutex<Published>>,
    tokens: Arc<AtomicU64>,
    /// Roots whose catch-up worker runs (see [`Engine::catch_up_later`]).
    catching_up: Arc<parking_lot::Mutex<HashSet<PathBuf>>>,
    /// Roots whose notes are being re-published in the background, and whether an article
    /// changed again meanwhile (see [`Engine::publish_notes_later`]).
    notes_due: Arc<parking_lot::Mutex<HashMap<PathBuf, bool>>>,
    /// Held while one file's diagnostics are computed from the current snapshot and queued, so
    /// diagnostics of an older snapshot never follow a newer one's. Never held with a writer
    /// lock, and for one file at a time: an edit's publish waits for at most one file of a
    /// whole root's (the defect at 100k articles: the cold index held the root's writer lock
    /// while publishing every file, over a minute, and a note's first edits waited for it).
    publishing: Arc<parking_lot::Mutex<()>>,
    /// Requests being answered: a whole root's publish steps aside for them.
    pub inflight: Arc<AtomicUsize>,
    /// The number of cold indexes started per root: a root's whole publish stops when a newer
    /// index of the root starts (that one publishes every file again).
    loads: Arc<parking_lot::Mutex<HashMap<PathBuf, u64>>>,
    /// Large references answers, kept and made ahead.
    pub answers: Arc<ReferenceAnswers>,
}

/// True when a snapshot left work for the catch-up worker.
fn needs_catch_up(snap: &Snapshot) -> bool {
    snap.corpus.gazetteer_stale() || !snap.corpus.registry_ready()
}

/// Tries at publishing one file before the publishing lock is held while computing it.
const PUBLISH_ATTEMPTS: usize = 3;

/// What one file's publish reads from the state.
struct PublishPlan {
    snap: Arc<Snapshot>,
    file: usize,
    enc: crate::document::Encoding,
    /// The open buffers' URIs by root-relative path.
    uris: HashMap<String, Uri>,
    uri: Uri,
    version: Option<i32>,
}

/// True when the snapshot holds file `rel` as `text` read with `problems` would make it:
/// the same text and no read problems either way (re-analysing it would change nothing).
fn holds_as_read(snap: &Snapshot, rel: &str, text: &str, problems: &[String]) -> bool {
    problems.is_empty()
        && snap.read_problems_of(rel).is_empty()
        && snap.corpus.file(rel).is_some_and(|f| {
            f.problems.is_empty() && f.stored_text().len() == text.len() && *f.text() == *text
        })
}

/// How long a request waits for its root's cold index before answering from what exists.
const INDEX_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

impl Engine {
    /// An engine over `state`, with the receiving end of its outbound queue.
    pub fn new(state: Shared) -> (Engine, UnboundedReceiver<Outbound>) {
        let (out, rx) = tokio::sync::mpsc::unbounded_channel();
        (
            Engine {
                state,
                out,
                published: Arc::default(),
                tokens: Arc::default(),
                catching_up: Arc::default(),
                notes_due: Arc::default(),
                publishing: Arc::default(),
                inflight: Arc::default(),
                loads: Arc::default(),
                answers: Arc::default(),
            },
            rx,
        )
    }

    /// Queues a log line (also printed on stderr).
    pub fn log(&self, ty: MessageType, msg: impl Into<String>) {
        let msg = msg.into();
        eprintln!("corpus-ls: {msg}");
        let _ = self.out.send(Outbound::Log(ty, msg));
    }

    /// Queues a `$/progress` notification.
    pub fn progress(&self, p: ProgressParams) {
        let _ = self.out.send(Outbound::Progress(p));
    }

    /// A new progress token.
    pub fn next_token(&self) -> ProgressToken {
        progress::token(self.tokens.fetch_add(1, Ordering::Relaxed))
    }

    /// Sends queued messages to the client until the queue closes. Diagnostics for a buffer whose
    /// version moved on, or that went out of sync, are dropped: newer ones follow.
    pub async fn pump(state: Shared, client: Client, mut rx: UnboundedReceiver<Outbound>) {
        while let Some(msg) = rx.recv().await {
            match msg {
                Outbound::Diagnostics {
                    uri,
                    diags,
                    version,
                } => {
                    if let Some(v) = version {
                        let current = {
                            let st = state.lock();
                            st.docs
                                .get(&uri)
                                .is_some_and(|d| d.buf.in_sync && d.buf.version() == v)
                        };
                        if !current {
                            continue;
                        }
                    }
                    client.publish_diagnostics(uri, diags, version).await;
                }
                Outbound::Log(ty, msg) => client.log_message(ty, msg).await,
                Outbound::Progress(p) => client.send_notification::<Progress>(p).await,
            }
        }
    }

    /// Waits until the root holding `uri` has its cold index, at most `limit`; true if it has.
    fn wait_loaded(&self, uri: &Uri, limit: std::time::Duration) -> bool {
        let t0 = std::time::Instant::now();
        loop {
            let loaded = {
                let st = self.state.lock();
                let root = st.docs.get(uri).and_then(|d| d.place.clone()).map(|p| p.0);
                let root = root.or_else(|| {
                    let path = super::convert::uri_to_path(uri)?;
                    st.root_of(&path).map(|r| r.path.clone())
                });
                match root {
                    Some(root) => st.roots.iter().any(|r| r.path == root && r.loaded),
                    None => true,
                }
            };
            if loaded || t0.elapsed() >= limit {
                return loaded;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Brings the snapshot up to date with the open buffer `uri` and re-publishes what changed.
    /// Blocking; returns false when there was nothing to do. With `publish_later`, what
    /// changed is published on another thread (a request waits only for the snapshot).
    pub fn refresh_doc(&self, uri: &Uri, publish_later: bool) -> bool {
        let (root, rel, writer) = {
            let mut st = self.state.lock();
            let Some(doc) = st.docs.get_mut(uri) else {
                return false;
            };
            let Some((root, rel)) = doc.place.clone() else {
                return false;
            };
            if !doc.buf.in_sync || doc.analysed == Some(doc.buf.version()) {
                return false;
            }
            let Some(r) = st.root_mut(&root) else {
                return false;
            };
            (root, rel, r.writer.clone())
        };
        let _w = writer.lock();
        // Read the text only now: edits that came while waiting are included.
        let (text, problems, version, base) = {
            let st = self.state.lock();
            let Some(doc) = st.docs.get(uri) else {
                return false;
            };
            if !doc.buf.in_sync || doc.analysed == Some(doc.buf.version()) {
                return false;
            }
            let Some(r) = st.roots.iter().find(|r| r.path == root) else {
                return false;
            };
            let (text, problems) = analysable(&doc.buf);
            (text, problems, doc.buf.version(), r.snap.clone())
        };
        let t0 = std::time::Instant::now();
        // Opening a file as it is on disk changes nothing: keep the snapshot (and what was
        // computed from it), publish the file alone.
        let same = holds_as_read(&base, &rel, &text, &problems);
        let (new, base) = if same {
            (base, None)
        } else {
            (Arc::new(base.edited(&rel, text, problems)), Some(base))
        };
        trace(|| format!("{rel} v{version}: new snapshot in {:?}", t0.elapsed()));
        let old = {
            let mut st = self.state.lock();
            let old = st
                .root_mut(&root)
                .filter(|_| !same)
                .map(|r| std::mem::replace(&mut r.snap, new.clone()));
            if let Some(doc) = st.docs.get_mut(uri) {
                doc.analysed = Some(version);
            }
            old
        };
        // The old snapshot's last reference is freed off this thread (and outside the lock).
        super::background::drop_later((old, base));
        // Before the cold index, a note has no sources to agree with: the load publishes
        // every file when it ends, so nothing premature reaches the user.
        let loaded = self
            .state
            .lock()
            .roots
            .iter()
            .any(|r| r.path == root && r.loaded);
        drop(_w);
        if !loaded {
            return true;
        }
        let engine = self.clone();
        let job = move || {
            let t1 = std::time::Instant::now();
            if same {
                engine.publish(&root, [rel.clone()], false);
            } else {
                engine.publish_after_change(&root, &new, &rel);
            }
            trace(|| format!("{rel} v{version}: diagnostics in {:?}", t1.elapsed()));
            engine.catch_up_later(&root, &new);
        };
        if publish_later {
            spawn_blocking(job);
        } else {
            job();
        }
        true
    }

    /// Starts the worker that finishes what a keystroke's snapshot left undone (the gazetteer's
    /// name set and the dumps it touches, the registry), unless `snap` has nothing left or the
    /// root's worker already runs (it loops until the newest snapshot is done).
    fn catch_up_later(&self, root: &Path, snap: &Snapshot) {
        if !needs_catch_up(snap) || !self.catching_up.lock().insert(root.to_path_buf()) {
            return;
        }
        let (engine, root) = (self.clone(), root.to_path_buf());
        spawn_blocking(move || engine.catch_up(&root));
    }

    /// The catch-up worker of a root: brings its newest snapshot's gazetteer and registry up to
    /// date, swaps the caught-up snapshot in when no edit came meanwhile (else starts over from
    /// the newer one), and re-publishes the files the re-analysed dumps affect.
    fn catch_up(&self, root: &Path) {
        loop {
            let Some((snap, writer)) = self.current(root) else {
                self.catching_up.lock().remove(root);
                return;
            };
            let t0 = std::time::Instant::now();
            // The registry first: requests wait for it, while stale dumps only lag.
            if !snap.corpus.registry_ready() {
                snap.corpus.registry();
                trace(|| format!("catch-up: registry in {:?}", t0.elapsed()));
                continue;
            }
            if let Some((next, redone)) = snap.caught_up() {
                let next = Arc::new(next);
                let swapped = {
                    let _w = writer.lock();
                    let mut st = self.state.lock();
                    match st.root_mut(root) {
                        Some(r) if Arc::ptr_eq(&r.snap, &snap) => {
                            r.snap = next.clone();
                            true
                        }
                        _ => false,
                    }
                };
                trace(|| {
                    format!(
                        "catch-up: gazetteer and {} dumps in {:?}{}",
                        redone.len(),
                        t0.elapsed(),
                        if swapped {
                            ""
                        } else {
                            " (an edit came: again)"
                        }
                    )
                });
                if swapped && !redone.is_empty() {
                    let mut rels = BTreeSet::new();
                    let mut notes = false;
                    for rel in &redone {
                        let a = self.affected(root, &next, rel);
                        rels.extend(a.now);
                        notes |= a.notes;
                    }
                    self.publish(root, rels, false);
                    if notes {
                        self.publish_notes_later(root);
                    }
                }
                continue;
            }
            // Done; an edit that came after the last look starts a worker of its own unless this
            // one is still registered, so look once more after leaving.
            self.catching_up.lock().remove(root);
            let again = self.current(root).is_some_and(|(s, _)| needs_catch_up(&s));
            if !again || !self.catching_up.lock().insert(root.to_path_buf()) {
                return;
            }
        }
    }

    /// The current snapshot of a root and its writer lock.
    fn current(&self, root: &Path) -> Option<(Arc<Snapshot>, Arc<parking_lot::Mutex<()>>)> {
        let st = self.state.lock();
        let r = st.roots.iter().find(|r| r.path == root)?;
        Some((r.snap.clone(), r.writer.clone()))
    }

    /// Re-reads a file of a root from disk (a watched change, a closed buffer) unless it is open.
    pub fn refresh_disk(&self, path: &Path) {
        let (root, rel, writer, scope) = {
            let st = self.state.lock();
            let Some(r) = st.root_of(path) else {
                return;
            };
            let rel = scan::rel_path(&r.path, path);
            if st.open_uri(&r.path, &rel).is_some() {
                return;
            }
            (r.path.clone(), rel, r.writer.clone(), r.scope)
        };
        let _w = writer.lock();
        let base = {
            let st = self.state.lock();
            match st.roots.iter().find(|r| r.path == root) {
                Some(r) => r.snap.clone(),
                None => return,
            }
        };
        // The scan's rules: a corpus file the config includes; the read itself is confined to
        // the root (a link the scan skipped is not read through an event).
        // A loose folder takes no files but the ones it was loaded with and the open ones.
        let wanted = scan::is_corpus_file(path)
            && base.corpus.config.is_included(&rel)
            && (scope == Scope::Tree || base.file_index(&rel).is_some());
        // Nothing unwanted is read, only dropped from the index if it was there.
        let read = if wanted {
            scan::read_text(&root, path)
        } else {
            Ok((String::new(), Vec::new()))
        };
        let new = match read {
            Ok((text, problems)) if wanted && holds_as_read(&base, &rel, &text, &problems) => {
                // A buffer closed unchanged: its diagnostics go on as a closed file's.
                drop(_w);
                self.publish(&root, [rel], false);
                return;
            }
            Ok((text, problems)) if wanted => base.edited(&rel, text, problems),
            Ok(_) if base.file_index(&rel).is_some() => base.without_file(&rel),
            Ok(_) => return,
            Err(why) => {
                if path.exists() {
                    self.log(MessageType::WARNING, format!("{rel}: {why}"));
                }
                if base.file_index(&rel).is_none() {
                    return;
                }
                base.without_file(&rel)
            }
        };
        let new = Arc::new(new);
        {
            let mut st = self.state.lock();
            if st.open_uri(&root, &rel).is_some() {
                return;
            }
            if let Some(r) = st.root_mut(&root) {
                r.snap = new.clone();
            }
        }
        drop(_w);
        self.publish_after_change(&root, &new, &rel);
        self.catch_up_later(&root, &new);
    }

    /// Indexes a root from disk (reporting progress on `token`), overlays its open buffers,
    /// and publishes the diagnostics of every file.
    pub fn load_root(&self, root: &Path, token: Option<ProgressToken>) {
        let generation = {
            let mut loads = self.loads.lock();
            let n = loads.entry(root.to_path_buf()).or_default();
            *n += 1;
            *n
        };
        if let Some(t) = &token {
            self.progress(progress::begin(t, root));
        }
        let settings = self.state.lock().settings.clone();
        let (config, problems, config_text) = super::config::root_config(root, &settings);
        self.publish_config_problems(root, &problems, config_text.as_deref());
        let config = Arc::new(config);
        let last = AtomicUsize::new(0);
        let scope = {
            let st = self.state.lock();
            st.roots.iter().find(|r| r.path == root).map(|r| r.scope)
        };
        let loose = scope == Some(Scope::Folder);
        let opts = crate::corpus::LoadOptions {
            // A loose folder is small by construction and may be a temp folder: no cache.
            cache: !loose,
            folder_files: loose.then_some(super::roots::FOLDER_FILES),
            ..Default::default()
        };
        let corpus = crate::corpus::Corpus::load_opts(root, &config, opts, &|done, total| {
            let Some(t) = &token else { return };
            let pct = progress::percent(done, total) as usize;
            // One report per percent step, whatever thread finishes the file.
            if last.fetch_max(pct + 1, Ordering::Relaxed) < pct + 1 {
                self.progress(progress::report(t, done, total));
            }
        });
        let (files, skipped) = (corpus.files.len(), corpus.skipped.len());
        let writer = {
            let st = self.state.lock();
            match st.roots.iter().find(|r| r.path == root) {
                Some(r) => r.writer.clone(),
                None => return,
            }
        };
        let _w = writer.lock();
        let mut snap = Snapshot::new(corpus);
        // Open buffers win over the disk.
        type Overlay = (Uri, String, (String, Vec<String>), i32);
        let overlay: Vec<Overlay> = {
            let st = self.state.lock();
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
        let snap = Arc::new(snap);
        {
            let mut st = self.state.lock();
            if let Some(r) = st.root_mut(root) {
                r.snap = snap.clone();
                r.loaded = true;
                r.config = config.clone();
            }
            for (uri, _, _, version) in &overlay {
                if let Some(d) = st.docs.get_mut(uri) {
                    if d.buf.version() == *version {
                        d.analysed = Some(*version);
                    }
                }
            }
        }
        // Edits may start now: publishing every file takes long on a large root.
        drop(_w);
        if let Some(t) = &token {
            self.progress(progress::end(t, files, skipped));
        }
        let how = if loose {
            "; a loose file's folder, read bounded: add corpus-ls.toml above it to read a corpus"
        } else {
            ""
        };
        self.log(
            MessageType::INFO,
            format!(
                "indexed {} ({files} files, {skipped} skipped{how})",
                root.display()
            ),
        );
        // The open files first, at this thread's priority: the user is looking at them, and on a
        // busy machine the nice-19 publish of the rest may take seconds to reach them.
        let open: HashSet<&str> = overlay.iter().map(|(_, rel, _, _)| rel.as_str()).collect();
        let (open, rels): (Vec<String>, Vec<String>) = snap
            .corpus
            .files
            .iter()
            .map(|f| f.rel.clone())
            .partition(|rel| open.contains(rel.as_str()));
        drop(snap);
        self.publish(root, open, false);
        let (engine, root) = (self.clone(), root.to_path_buf());
        super::background::spawn_low("corpus-ls-publish", move || {
            engine.make_answers_ahead(&root);
            let (t0, n) = (std::time::Instant::now(), rels.len());
            let superseded = || engine.loads.lock().get(&root) != Some(&generation);
            let rels = rels.into_iter().take_while(|_| !superseded());
            engine.publish(&root, rels, true);
            trace(|| {
                format!(
                    "published {n} files of the cold index in {:?}",
                    t0.elapsed()
                )
            });
        });
    }

    /// Makes the references answers of the root's most-mentioned entities (on a low-priority
    /// thread: nobody waits for them, and a request for one finds it made).
    fn make_answers_ahead(&self, root: &Path) {
        let t0 = std::time::Instant::now();
        if let Some(ctx) = self.ctx_of_root(root) {
            self.answers.make_ahead(&ctx);
        }
        trace(|| format!("references answers made ahead in {:?}", t0.elapsed()));
    }

    /// Publishes the problems of a root's config on its `corpus-ls.toml` (a bad config is a
    /// diagnostic there, never a crash).
    fn publish_config_problems(
        &self,
        root: &Path,
        problems: &[crate::config::ConfigError],
        text: Option<&str>,
    ) {
        let path = root.join(crate::config::FILE_NAME);
        let Some(uri) = super::convert::path_to_uri(&path) else {
            return;
        };
        let (enc, text) = (self.state.lock().enc, text.unwrap_or(""));
        let lines = crate::document::LineIndex::new(text);
        let t = super::convert::TextRef::new(text, &lines);
        let diags: Vec<Diagnostic> = problems
            .iter()
            .map(|p| Diagnostic {
                range: t.range(p.span.unwrap_or_default(), enc),
                severity: Some(if p.fatal {
                    tower_lsp_server::ls_types::DiagnosticSeverity::ERROR
                } else {
                    tower_lsp_server::ls_types::DiagnosticSeverity::WARNING
                }),
                code: Some(tower_lsp_server::ls_types::NumberOrString::String(
                    "config".to_string(),
                )),
                source: Some(diagnostics::SOURCE.to_string()),
                message: p.message.clone(),
                ..Diagnostic::default()
            })
            .collect();
        self.queue_diagnostics(uri, diags, None);
    }

    /// Publishes the files a change of `rel` affects: the file itself, the open notes and the
    /// files pointing at it now, every other note in the background.
    fn publish_after_change(&self, root: &Path, snap: &Snapshot, rel: &str) {
        let a = self.affected(root, snap, rel);
        self.publish(root, a.now, false);
        if a.notes {
            self.publish_notes_later(root);
        }
    }

    /// [`diagnostics::affected`] with the root's open buffers and published diagnostics.
    fn affected(&self, root: &Path, snap: &Snapshot, rel: &str) -> diagnostics::Affected {
        let open: Vec<String> = {
            let st = self.state.lock();
            st.docs
                .values()
                .filter_map(|d| d.place.as_ref())
                .filter(|(r, _)| r == root)
                .map(|(_, p)| p.clone())
                .collect()
        };
        let pointing = self.pointing_at(root, rel);
        diagnostics::affected(snap, rel, open.iter().map(String::as_str), pointing)
    }

    /// Re-publishes every note of a root on a low-priority thread (an article changed: at
    /// 100,000 articles there are thousands of notes to check again, seconds of work that no
    /// keystroke waits for). One worker per root; a change while it runs starts it over from
    /// the first note with the newest snapshot.
    fn publish_notes_later(&self, root: &Path) {
        {
            let mut due = self.notes_due.lock();
            if let Some(again) = due.get_mut(root) {
                *again = true;
                return;
            }
            due.insert(root.to_path_buf(), false);
        }
        let (engine, root) = (self.clone(), root.to_path_buf());
        super::background::spawn_low("corpus-ls-notes", move || loop {
            let notes: Vec<String> = match engine.current(&root) {
                Some((snap, _)) => snap
                    .corpus
                    .files
                    .iter()
                    .filter(|f| f.analysis.kind == crate::format::DocKind::Note)
                    .map(|f| f.rel.clone())
                    .collect(),
                None => Vec::new(),
            };
            let again = || engine.notes_due.lock().get(&root) == Some(&true);
            let t0 = std::time::Instant::now();
            engine.publish(&root, notes.into_iter().take_while(|_| !again()), true);
            trace(|| format!("notes re-published in {:?}", t0.elapsed()));
            let mut due = engine.notes_due.lock();
            if due.get(&root) == Some(&true) {
                due.insert(root.clone(), false);
                continue;
            }
            due.remove(&root);
            return;
        });
    }

    /// The files whose published diagnostics point at `rel` in their related information.
    fn pointing_at(&self, root: &Path, rel: &str) -> Vec<String> {
        let uri = {
            let st = self.state.lock();
            file_uri(&st, root, rel)
        };
        match &uri {
            Some(u) => {
                let published = self.published.lock();
                published
                    .pointing_at(u)
                    .filter_map(|k| {
                        let p = super::convert::uri_to_path(k)?;
                        p.starts_with(root).then(|| scan::rel_path(root, &p))
                    })
                    .collect()
            }
            None => Vec::new(),
        }
    }

    /// Computes and queues the diagnostics of `rels` from the root's current snapshot, one file
    /// at a time: always for open buffers (with the version that snapshot holds), for other
    /// files when they changed. A `bulk` publish (a whole root) lets requests go first.
    ///
    /// A file's diagnostics are computed without a lock and queued under the publishing lock
    /// only if their snapshot is still the root's current one (else computed again from the
    /// newer one), so a slow or low-priority publish never holds up another's.
    fn publish(&self, root: &Path, rels: impl IntoIterator<Item = String>, bulk: bool) {
        for rel in rels {
            if bulk {
                self.step_aside();
            }
            for attempt in 1.. {
                // An edit's publish holds the lock throughout its last attempt, so a stream of
                // edits cannot starve it. A bulk publish (nice 19) never computes under the
                // lock: an edit would wait for a thread the OS runs last. It tries again instead,
                // and the kept findings make a second try of an unchanged file cheap.
                let last = !bulk && attempt >= PUBLISH_ATTEMPTS;
                let held = last.then(|| self.publishing.lock());
                let Some(plan) = self.plan_publish(root, &rel) else {
                    break;
                };
                let diags = diagnostics::of_file(&plan.snap, root, plan.file, plan.enc, &plan.uris);
                let _p = held.unwrap_or_else(|| self.publishing.lock());
                let current = {
                    let st = self.state.lock();
                    st.roots
                        .iter()
                        .any(|r| r.path == root && Arc::ptr_eq(&r.snap, &plan.snap))
                };
                // Under the lock since the plan, an older snapshot's diagnostics still go
                // before any newer one's (which wait for the lock).
                if !current && !last {
                    continue;
                }
                self.queue_diagnostics(plan.uri, diags, plan.version);
                break;
            }
        }
    }

    /// What publishing `rel` of `root` reads from the state: `None` when the root or the file
    /// is gone, or the file is an open buffer not yet analysed (its own refresh publishes it).
    fn plan_publish(&self, root: &Path, rel: &str) -> Option<PublishPlan> {
        let st = self.state.lock();
        let r = st.roots.iter().find(|r| r.path == root)?;
        let snap = r.snap.clone();
        let file = snap.file_index(rel)?;
        let mut uris = HashMap::new();
        let mut own = None;
        for (u, d) in &st.docs {
            let Some((r, p)) = d.place.as_ref() else {
                continue;
            };
            if r != root {
                continue;
            }
            if p == rel {
                own = Some((u.clone(), d.analysed));
            }
            uris.insert(p.clone(), u.clone());
        }
        let (uri, version) = match own {
            Some((_, None)) => return None,
            Some((u, v)) => (u, v),
            None => (super::convert::path_to_uri(&root.join(rel))?, None),
        };
        Some(PublishPlan {
            snap,
            file,
            enc: st.enc,
            uris,
            uri,
            version,
        })
    }

    /// Queues a file's diagnostics unless it is closed and they did not change (nothing for a
    /// closed file that never had any).
    fn queue_diagnostics(&self, uri: Uri, diags: Vec<Diagnostic>, version: Option<i32>) {
        let mut published = self.published.lock();
        let unchanged = match published.get(&uri) {
            Some(b) => b == &diags,
            None => diags.is_empty(),
        };
        if version.is_none() && unchanged {
            return;
        }
        published.insert(uri.clone(), diags.clone());
        drop(published);
        let _ = self.out.send(Outbound::Diagnostics {
            uri,
            diags,
            version,
        });
    }

    /// Waits while requests are being answered (at most a little: a steady stream of requests
    /// must not starve the publish), after the test-only delay `CORPUS_LS_TEST_PUBLISH_DELAY_MS`.
    fn step_aside(&self) {
        static DELAY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        let delay = *DELAY.get_or_init(|| {
            std::env::var("CORPUS_LS_TEST_PUBLISH_DELAY_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        });
        if delay > 0 {
            std::thread::sleep(std::time::Duration::from_millis(delay));
        }
        for _ in 0..200 {
            if self.inflight.load(Ordering::Relaxed) == 0 {
                return;
            }
            std::thread::sleep(std::time::Duration::from_micros(250));
        }
    }

    /// Forgets what was published for a file (its buffer closed).
    pub fn forget(&self, uri: &Uri) {
        self.published.lock().remove(uri);
    }

    /// The request context for `uri`: its root's snapshot, brought up to date with the buffer
    /// first. Files of a root that are not open are answered from the snapshot too.
    pub fn ctx(&self, uri: &Uri) -> Option<Ctx> {
        // Answers from a half-built index are wrong (one mention where there are twelve):
        // wait for the cold index a while on this blocking thread rather than mislead.
        self.wait_loaded(uri, INDEX_WAIT);
        self.refresh_doc(uri, true);
        let st = self.state.lock();
        let (root, rel) = match st.docs.get(uri).and_then(|d| d.place.clone()) {
            Some(p) => p,
            None => {
                let path = super::convert::uri_to_path(uri)?;
                let r = st.root_of(&path)?;
                (r.path.clone(), scan::rel_path(&r.path, &path))
            }
        };
        Self::ctx_in(&st, uri, root, &rel)
    }

    /// A request context for the first file of a root's current snapshot, as it is (no buffer
    /// is brought up to date: for work ahead of requests, which must not take a writer lock).
    fn ctx_of_root(&self, root: &Path) -> Option<Ctx> {
        let st = self.state.lock();
        let r = st.roots.iter().find(|r| r.path == root)?;
        let rel = r.snap.corpus.files.first()?.rel.clone();
        let uri = file_uri(&st, root, &rel)?;
        Self::ctx_in(&st, &uri, root.to_path_buf(), &rel)
    }

    /// The context of a request about `uri`, the file `rel` of `root`, from the current state.
    fn ctx_in(st: &super::state::State, uri: &Uri, root: PathBuf, rel: &str) -> Option<Ctx> {
        let r = st.roots.iter().find(|r| r.path == root)?;
        let snap = r.snap.clone();
        let file = snap.file_index(rel)?;
        let open = st
            .docs
            .iter()
            .filter_map(|(u, d)| {
                let (rr, rel) = d.place.as_ref()?;
                (rr == &root).then(|| (rel.clone(), u.clone()))
            })
            .collect();
        Some(Ctx {
            snap,
            file,
            uri: uri.clone(),
            root,
            enc: st.enc,
            settings: st.settings.clone(),
            open,
            custom_tokens: st.custom_tokens,
        })
    }
}

/// Runs `job` on a blocking thread of the runtime (a plain thread outside one).
fn spawn_blocking(job: impl FnOnce() + Send + 'static) {
    match tokio::runtime::Handle::try_current() {
        Ok(h) => drop(h.spawn_blocking(job)),
        Err(_) => drop(std::thread::spawn(job)),
    }
}
