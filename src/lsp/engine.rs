//! The server's working parts: the analysis host, the writer that alone changes it, the
//! publisher of diagnostics, and the one queue of messages for the client.
//!
//! Nothing here awaits and nothing waits by sleeping. Changes are numbered by the host and
//! queued to the writer thread ([`super::changes`]) in arrival order; requests answer from the
//! host's snapshot on blocking threads, waiting on the host's condition variable only for the
//! changes of their own buffer; diagnostics are computed from the current snapshot by one
//! publisher thread ([`super::publish`]) and tagged with its revision, so an older snapshot's
//! never follow a newer one's.

use super::changes::{self, Job};
use super::progress;
use super::publish::{self, Publish};
use super::query::Ctx;
use super::reference_answers::ReferenceAnswers;
use super::state::{Shared, State};
use crate::corpus::scan;
use crate::host::roots::Scope;
use crate::host::{AnalysisHost, Snapshot};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp_server::ls_types::{
    notification::Progress, Diagnostic, MessageType, ProgressParams, ProgressToken, Uri,
};
use tower_lsp_server::Client;

pub use crate::host::trace;

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
    /// A message the user is shown (`window/showMessage`).
    Show(MessageType, String),
    /// A `$/progress` notification.
    Progress(ProgressParams),
}

/// The server's working parts, cheap to clone into tasks.
#[derive(Clone)]
pub struct Engine {
    /// The protocol side's state (open buffers, settings).
    pub state: Shared,
    /// The roots and their snapshots.
    pub host: Arc<AnalysisHost>,
    out: UnboundedSender<Outbound>,
    jobs: Sender<(u64, Job)>,
    publish: Sender<Publish>,
    tokens: Arc<AtomicU64>,
    /// Large references answers, kept and made ahead.
    pub answers: Arc<ReferenceAnswers>,
}

/// How long a request waits for its root's cold index, or for its buffer's last change, before
/// answering from what exists.
const INDEX_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

impl Engine {
    /// An engine over `state`, with the receiving end of its outbound queue; starts the writer
    /// and publisher threads (they end with [`Engine::stop`]).
    pub fn new(state: Shared) -> (Engine, UnboundedReceiver<Outbound>) {
        let (out, rx) = tokio::sync::mpsc::unbounded_channel();
        let (jobs, jobs_rx) = std::sync::mpsc::channel();
        let (publish, publish_rx) = std::sync::mpsc::channel();
        let engine = Engine {
            state,
            host: Arc::new(AnalysisHost::new()),
            out,
            jobs,
            publish,
            tokens: Arc::default(),
            answers: Arc::default(),
        };
        changes::start(engine.clone(), jobs_rx);
        publish::start(engine.clone(), publish_rx);
        (engine, rx)
    }

    /// Ends the writer and publisher threads (and the workers they started).
    pub fn stop(&self) {
        let _ = self.jobs.send((0, Job::Stop));
        let _ = self.publish.send(Publish::Stop);
    }

    /// Numbers a change and hands it to the writer; call under the state lock (held by
    /// `_order`), so changes reach the writer in the order they arrived. Returns its number.
    pub fn submit(&self, _order: &State, job: Job) -> u64 {
        let ticket = self.host.submit();
        if self.jobs.send((ticket, job)).is_err() {
            // No writer (the server is stopping): nothing will be done, nobody must wait.
            self.host.done(ticket);
        }
        ticket
    }

    /// Hands work that no request waits for to the writer (a finished index, caught-up work).
    pub(super) fn internal(&self, job: Job) {
        let _ = self.jobs.send((0, job));
    }

    /// Hands work to the publisher.
    pub(super) fn publish(&self, p: Publish) {
        let _ = self.publish.send(p);
    }

    /// Queues a message for the client.
    pub(super) fn send(&self, msg: Outbound) {
        let _ = self.out.send(msg);
    }

    /// Queues a log line (also printed on stderr).
    pub fn log(&self, ty: MessageType, msg: impl Into<String>) {
        let msg = msg.into();
        eprintln!("corpus-ls: {msg}");
        let _ = self.out.send(Outbound::Log(ty, msg));
    }

    /// Queues a message to show the user (also logged).
    pub fn show(&self, ty: MessageType, msg: impl Into<String>) {
        let msg = msg.into();
        eprintln!("corpus-ls: {msg}");
        let _ = self.out.send(Outbound::Show(ty, msg));
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
                Outbound::Show(ty, msg) => client.show_message(ty, msg).await,
                Outbound::Progress(p) => client.send_notification::<Progress>(p).await,
            }
        }
    }

    /// The number of the last change to the buffer `uri` (0 when it is not open).
    pub fn ticket_of(&self, uri: &Uri) -> u64 {
        self.state.lock().docs.get(uri).map_or(0, |d| d.ticket)
    }

    /// The root and path of `uri`: the open buffer's place, else the root holding its path.
    fn place(&self, uri: &Uri) -> Option<(PathBuf, String)> {
        if let Some(p) = self
            .state
            .lock()
            .docs
            .get(uri)
            .and_then(|d| d.place.clone())
        {
            return Some(p);
        }
        let path = super::convert::uri_to_path(uri)?;
        let r = self.host.root_of(&path)?;
        let rel = scan::rel_path(&r.path, &path);
        Some((r.path, rel))
    }

    /// The request context for `uri` once its root is indexed and change `ticket` (the
    /// buffer's last before the request) is in the snapshot; files that are not open are
    /// answered from the snapshot too.
    pub fn ctx(&self, uri: &Uri, ticket: u64) -> Option<Ctx> {
        let (root, rel) = self.place(uri)?;
        // Answers from a half-built index are wrong (one mention where there are twelve):
        // wait for the cold index a while on this blocking thread rather than mislead.
        self.host.wait_loaded(&root, INDEX_WAIT);
        self.host.wait_done(ticket, INDEX_WAIT);
        self.ctx_in(uri, root, &rel)
    }

    /// The context of a position request (hover, definition) about `uri`: once its root is
    /// indexed, answered at once from the buffer's newest text, read against the newest
    /// snapshot whose registry is joined ([`crate::host::fresh`]), never waiting for the
    /// writer or a join. A buffer the snapshot does not hold yet waits for change `ticket` as
    /// [`Engine::ctx`] does.
    pub fn position_ctx(&self, uri: &Uri, ticket: u64) -> Option<Ctx> {
        let (root, rel) = self.place(uri)?;
        self.host.wait_loaded(&root, INDEX_WAIT);
        let base = self.host.joined(&root)?;
        let current = self.host.snapshot(&root)?;
        let Some(file) = base.file_index(&rel) else {
            return self.ctx(uri, ticket);
        };
        // The buffer's text when the writer has not applied it yet.
        let newer = {
            let st = self.state.lock();
            st.docs
                .get(uri)
                .filter(|d| d.buf.in_sync && d.place.is_some())
                .filter(|d| d.analysed != Some(d.buf.version()))
                .map(|d| changes::analysable(&d.buf))
        };
        let source = match newer {
            Some((text, problems)) if problems.is_empty() => {
                Some(Arc::new(base.corpus.analysed(&rel, text)))
            }
            // Not analysed at all (over the size cap): as the writer will have it.
            Some(_) => return self.ctx(uri, ticket),
            None if Arc::ptr_eq(&base, &current) => None,
            None => current.corpus.file(&rel).cloned(),
        };
        let fresh = source.map(|s| Arc::new(base.fresh(&rel, s)));
        Some(self.ctx_at(uri, root, base, file, fresh))
    }

    /// A request context for the first file of a root's current snapshot, as it is (for work
    /// ahead of requests).
    pub(super) fn ctx_of_root(&self, root: &Path) -> Option<Ctx> {
        let snap = self.host.snapshot(root)?;
        let rel = snap.corpus.files.first()?.rel.clone();
        let uri = super::state::file_uri(&self.state.lock(), root, &rel)?;
        self.ctx_in(&uri, root.to_path_buf(), &rel)
    }

    /// The context of a request about `uri`, the file `rel` of `root`, from the current state.
    fn ctx_in(&self, uri: &Uri, root: PathBuf, rel: &str) -> Option<Ctx> {
        let snap = self.host.snapshot(&root)?;
        let file = snap.file_index(rel)?;
        Some(self.ctx_at(uri, root, snap, file, None))
    }

    /// The context of a request about `uri`, file `file` of `snap` (as it is now: `fresh`).
    fn ctx_at(
        &self,
        uri: &Uri,
        root: PathBuf,
        snap: Arc<Snapshot>,
        file: usize,
        fresh: Option<Arc<crate::host::fresh::FreshFile>>,
    ) -> Ctx {
        let st = self.state.lock();
        Ctx {
            snap,
            file,
            uri: uri.clone(),
            enc: st.enc,
            settings: st.settings.clone(),
            open: st.open_in(&root),
            root,
            custom_tokens: st.custom_tokens,
            fresh,
        }
    }

    /// Indexes a root from disk (reporting progress on `token`) and hands the index to the
    /// writer, which overlays the open buffers and publishes. Blocking.
    pub fn load_root(&self, root: &Path, token: Option<ProgressToken>) {
        if let Some(t) = &token {
            self.progress(progress::begin(t, root));
        }
        let settings = self.state.lock().settings.clone();
        let (config, problems, config_text) = super::config::root_config(root, &settings);
        self.publish(Publish::Config {
            root: root.to_path_buf(),
            problems,
            text: config_text,
        });
        let config = Arc::new(config);
        let last = AtomicUsize::new(0);
        let Some(scope) = self.host.root(root).map(|r| r.scope) else {
            return;
        };
        let loose = scope == Scope::Folder;
        let opts = crate::corpus::LoadOptions {
            // A loose folder is small by construction and may be a temp folder: no cache.
            cache: !loose,
            folder_files: loose.then_some(crate::host::roots::FOLDER_FILES),
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
        let snap = Snapshot::new(corpus);
        self.internal(Job::Loaded {
            root: root.to_path_buf(),
            snap,
            config,
            token,
            loose,
        });
    }
}
