//! The backend: initialize (capabilities, position encoding, roots), the document sync
//! notifications, and the requests, each delegated to its capability module.
//!
//! Rules kept here (DESIGN "The server"): sync notifications change the buffers under the plain
//! lock before any `.await` and only spawn work; no handler awaits a request to the client (those
//! run in spawned tasks with a timeout); requests run on blocking threads with panics caught.

use super::changes::Job;
use super::code_action::{self, CONFIG_FILE};
use super::config::{Settings, SECTION};
use super::convert::{path_to_uri, uri_to_path};
use super::engine::Engine;
use super::publish::Publish;
use super::query::{guarded, Ctx};
use super::semantic_tokens;
use super::state::{OpenDoc, State};
use super::sync::BufferText;
use super::{
    code_lens, completion, definition, highlight, hover, inlay_hint, references, symbols, watch,
    workspace_symbol,
};
use crate::document::Encoding;
use crate::host::roots::{self, Place};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

/// How long a spawned request to the client may take.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The custom request returning the server's text of a document.
pub const DOCUMENT_TEXT: &str = "corpus-ls/documentText";

/// Parameters of `corpus-ls/documentText`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentTextParams {
    /// The document.
    pub text_document: TextDocumentIdentifier,
}

/// Result of `corpus-ls/documentText`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentTextResult {
    /// The server's text of the buffer.
    pub text: String,
    /// The last version received.
    pub version: i32,
    /// False while the buffer waits for a full text after a version that did not increase or a
    /// bad edit.
    pub in_sync: bool,
}

/// The language server.
pub struct Backend {
    client: Client,
    engine: Engine,
}

/// Serves LSP over stdin/stdout until the client exits.
pub fn run_stdio() -> std::process::ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("corpus-ls: cannot start the runtime: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    rt.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // The stdin reader may sit in a blocking read the client never ends: do not wait for it.
    rt.shutdown_background();
    std::process::ExitCode::SUCCESS
}

/// Serves LSP on `input` and `output` until the client exits or `input` ends (the stdio server
/// in-process; the message-handling fuzz target drives it over in-memory pipes).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin + Send + 'static,
    O: tokio::io::AsyncWrite + Unpin,
{
    let state = Arc::new(Mutex::new(State::default()));
    let (engine, rx) = Engine::new(state.clone());
    // The engine's threads end with the server, also when this future is dropped unfinished.
    let _stop = StopOnDrop(engine.clone());
    let (service, socket) = LspService::build(|client| {
        tokio::spawn(Engine::pump(state.clone(), client.clone(), rx));
        Backend { client, engine }
    })
    .custom_method(DOCUMENT_TEXT, Backend::document_text)
    .finish();
    // Undecodable frames would stop the framework's reader: the guard answers them instead.
    let (reader, writer) = tokio::io::duplex(1 << 16);
    let (replies, replies_rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(super::io::guard::filter_frames(input, writer, replies));
    // Large answers are written as JSON by their handler: swap them in on the way out.
    let (out_writer, out_reader) = tokio::io::duplex(1 << 16);
    let server = Server::new(reader, out_writer, socket)
        .concurrency_level(4)
        .serve(service);
    tokio::join!(
        server,
        super::io::writer::forward(out_reader, replies_rx, output)
    );
}

/// Stops the engine's threads when dropped.
struct StopOnDrop(Engine);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stop();
    }
}

fn internal(msg: String) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: msg.into(),
        data: None,
    }
}

/// `$/progress` carrying partial results (a batch of locations) for a request's
/// `partialResultToken`.
enum PartialResult {}

impl notification::Notification for PartialResult {
    type Params = PartialResultParams;
    const METHOD: &'static str = "$/progress";
}

#[derive(Debug, Serialize, Deserialize)]
struct PartialResultParams {
    token: ProgressToken,
    value: Vec<Location>,
}

impl Backend {
    /// References sent as partial results on `token` as they are made; the response itself is
    /// then an empty list (the spec's way to end a streamed answer).
    async fn references_streamed(
        &self,
        p: TextDocumentPositionParams,
        decl: bool,
        token: ProgressToken,
    ) -> Result<Option<Vec<Location>>> {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let answer = self.query("references", p.text_document.uri, move |c| {
            references::stream(c, p.position, decl, |b| tx.send(b).is_ok())
        });
        // Each batch is queued to the client before the response is: they arrive first.
        let forward = async {
            while let Some(value) = rx.recv().await {
                let token = token.clone();
                (self.client)
                    .send_notification::<PartialResult>(PartialResultParams { token, value })
                    .await;
            }
        };
        let (answer, ()) = tokio::join!(answer, forward);
        Ok(answer?.map(|()| Vec::new()))
    }

    /// Runs a read-only query about `uri` on a blocking thread, panics caught and logged.
    async fn query<T, F>(&self, what: &'static str, uri: Uri, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx) -> Option<T> + Send + 'static,
    {
        self.query_with(what, uri, Engine::ctx, f).await
    }

    /// [`Backend::query`] for a request about a position, answered from the buffer's newest
    /// text without waiting for its analysis ([`Engine::position_ctx`]).
    async fn query_at<T, F>(&self, what: &'static str, uri: Uri, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx) -> Option<T> + Send + 'static,
    {
        self.query_with(what, uri, Engine::position_ctx, f).await
    }

    async fn query_with<T, F>(
        &self,
        what: &'static str,
        uri: Uri,
        ctx: fn(&Engine, &Uri, u64) -> Option<Ctx>,
        f: F,
    ) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx) -> Option<T> + Send + 'static,
    {
        let engine = self.engine.clone();
        // Read in arrival order: the request sees every change of its buffer sent before it.
        let ticket = engine.ticket_of(&uri);
        let job = tokio::task::spawn_blocking(move || {
            let t0 = std::time::Instant::now();
            let out = guarded(what, || ctx(&engine, &uri, ticket).and_then(|c| f(&c)));
            super::engine::trace(|| format!("{what} answered in {:?}", t0.elapsed()));
            out
        });
        match job.await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(msg)) => {
                self.engine.log(MessageType::ERROR, msg.clone());
                Err(internal(msg))
            }
            Err(e) => {
                let msg = format!("{what} failed: {e}");
                self.engine.log(MessageType::ERROR, msg.clone());
                Err(internal(msg))
            }
        }
    }

    /// Hands the change of an open buffer to the writer (under the state lock, so in
    /// arrival order) and records its number on the buffer.
    fn changed(&self, st: &mut State, uri: &Uri) {
        let ticket = self.engine.submit(st, Job::Buffer(uri.clone()));
        if let Some(d) = st.docs.get_mut(uri) {
            d.ticket = ticket;
        }
    }

    /// Every root's folder.
    fn root_paths(&self) -> Vec<PathBuf> {
        self.engine
            .host
            .roots()
            .into_iter()
            .map(|r| r.path)
            .collect()
    }

    /// Reloads every root (settings changed).
    fn reload_all(&self) {
        for r in self.root_paths() {
            let e = self.engine.clone();
            tokio::task::spawn_blocking(move || e.load_root(&r, None));
        }
    }

    /// Indexes a root in the background, with `$/progress` when the client supports it.
    fn schedule_load(&self, root: PathBuf) {
        let engine = self.engine.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let wants = engine.state.lock().caps.work_done_progress;
            let token = if wants {
                let t = engine.next_token();
                let created = tokio::time::timeout(
                    CLIENT_TIMEOUT,
                    client.create_work_done_progress(t.clone()),
                )
                .await;
                matches!(created, Ok(Ok(()))).then_some(t)
            } else {
                None
            };
            let e2 = engine.clone();
            let done = tokio::task::spawn_blocking(move || {
                guarded("indexing", || e2.load_root(&root, token))
            })
            .await;
            match done {
                Ok(Ok(())) => {}
                Ok(Err(msg)) => engine.log(MessageType::ERROR, msg),
                Err(e) => engine.log(MessageType::ERROR, format!("indexing failed: {e}")),
            }
        });
    }

    /// Asks the client for the `corpus-ls` settings (spawned, with a timeout) and reloads.
    fn schedule_configuration(&self, reload: bool) {
        let engine = self.engine.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let items = vec![ConfigurationItem {
                scope_uri: None,
                section: Some(SECTION.to_string()),
            }];
            if let Ok(Ok(mut values)) =
                tokio::time::timeout(CLIENT_TIMEOUT, client.configuration(items)).await
            {
                if let Some(v) = values.pop().filter(|v| !v.is_null()) {
                    engine.state.lock().settings = Settings::from_json(&v);
                }
            }
            if reload {
                let roots: Vec<PathBuf> = engine.host.roots().into_iter().map(|r| r.path).collect();
                for r in roots {
                    let e = engine.clone();
                    tokio::task::spawn_blocking(move || e.load_root(&r, None));
                }
            }
        });
    }

    /// `corpus-ls/documentText`: the server's current text of an open buffer.
    async fn document_text(
        &self,
        params: DocumentTextParams,
    ) -> Result<Option<DocumentTextResult>> {
        let st = self.engine.state.lock();
        Ok(st
            .docs
            .get(&params.text_document.uri)
            .map(|d| DocumentTextResult {
                text: d.buf.text(),
                version: d.buf.version(),
                in_sync: d.buf.in_sync,
            }))
    }

    /// The current text of a root's `corpus-ls.toml`: the open buffer, else the disk. A file
    /// the confined read refuses (a link out of the root, a FIFO, too big) is never edited: an
    /// editor applying an edit would write through it.
    fn config_text(&self, root: &std::path::Path) -> ConfigText {
        let disk = match crate::config::Config::read_file(root) {
            crate::config::ConfigFile::Refused(_) => return ConfigText::Linked,
            crate::config::ConfigFile::Absent => None,
            crate::config::ConfigFile::Text(t) => Some(t),
        };
        let open = path_to_uri(&root.join(CONFIG_FILE))
            .and_then(|uri| Some(self.engine.state.lock().docs.get(&uri)?.buf.text()));
        match open.or(disk) {
            Some(t) => ConfigText::Text(t),
            None => ConfigText::Missing,
        }
    }
}

/// A root's `corpus-ls.toml` as code actions see it (owned, to cross into the query).
enum ConfigText {
    Missing,
    Text(String),
    /// A link, a special file or unreadable: never edited.
    Linked,
}

/// UTF-8 when the client offers it, else UTF-16.
pub fn negotiate_encoding(caps: &ClientCapabilities) -> Encoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|v| v.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// The roots named by the client: workspace folders, else the root URI, as
/// [`roots::for_client_folder`] takes them (a folder too wide to walk is left out).
#[allow(deprecated)]
pub fn initial_roots(params: &InitializeParams) -> Vec<Place> {
    let mut named: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| uri_to_path(&f.uri))
        .collect();
    if named.is_empty() {
        named.extend(params.root_uri.as_ref().and_then(uri_to_path));
    }
    named.into_iter().filter_map(|r| client_root(&r)).collect()
}

/// The root for a folder the client names, canonical.
fn client_root(folder: &std::path::Path) -> Option<Place> {
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    roots::for_client_folder(&folder)
}

fn capabilities(enc: Encoding, custom_tokens: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match enc {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions::default()),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::REFACTOR]),
            ..CodeActionOptions::default()
        })),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                work_done_progress_options: WorkDoneProgressOptions::default(),
                legend: semantic_tokens::legend(custom_tokens),
                range: Some(true),
                full: Some(SemanticTokensFullOptions::Bool(true)),
            },
        )),
        inlay_hint_provider: Some(OneOf::Left(true)),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = negotiate_encoding(&params.capabilities);
        let caps = &params.capabilities;
        let settings = params
            .initialization_options
            .as_ref()
            .map(Settings::from_json)
            .unwrap_or_default();
        let token_types: Vec<String> = caps
            .text_document
            .as_ref()
            .and_then(|t| t.semantic_tokens.as_ref())
            .map(|s| {
                s.token_types
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let custom = settings
            .custom_token_types
            .unwrap_or_else(|| semantic_tokens::client_takes_custom(&token_types));
        {
            let mut st = self.engine.state.lock();
            st.enc = enc;
            st.custom_tokens = custom;
            st.settings = settings;
            st.caps.work_done_progress = caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false);
            let ws = caps.workspace.as_ref();
            st.caps.dynamic_watch = ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false);
            st.caps.configuration = ws.and_then(|w| w.configuration).unwrap_or(false);
            st.caps.token_types = token_types;
            for mut r in initial_roots(&params) {
                if st.settings.loose_folder {
                    r.scope = roots::Scope::Folder;
                }
                self.engine.host.add_root(r);
            }
        }
        Ok(InitializeResult {
            capabilities: capabilities(enc, custom),
            server_info: Some(ServerInfo {
                name: "corpus-ls".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let (watch, config) = {
            let st = self.engine.state.lock();
            (st.caps.dynamic_watch, st.caps.configuration)
        };
        let roots = self.root_paths();
        if watch {
            let client = self.client.clone();
            let engine = self.engine.clone();
            tokio::spawn(async move {
                let reg = client.register_capability(vec![watch::registration()]);
                match tokio::time::timeout(CLIENT_TIMEOUT, reg).await {
                    Ok(Ok(())) => {}
                    other => engine.log(
                        MessageType::WARNING,
                        format!("file watching not registered: {other:?}"),
                    ),
                }
            });
        }
        if config {
            // The first index waits for nothing: settings that arrive later reload it.
            self.schedule_configuration(false);
        }
        for r in roots {
            self.schedule_load(r);
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let new_root = {
            let mut st = self.engine.state.lock();
            let (place, added) = State::place_of(&self.engine.host, &doc.uri);
            let root = place.as_ref().map(|p| p.0.clone());
            st.docs.insert(
                doc.uri.clone(),
                OpenDoc {
                    buf: BufferText::new(&doc.text, doc.version),
                    place,
                    analysed: None,
                    ticket: 0,
                },
            );
            self.changed(&mut st, &doc.uri);
            root.filter(|_| added)
        };
        if let Some(r) = new_root {
            self.schedule_load(r);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let outcome = {
            let mut st = self.engine.state.lock();
            let enc = st.enc;
            let outcome = st.docs.get_mut(&uri).map(|d| {
                let r = d
                    .buf
                    .apply(params.text_document.version, &params.content_changes, enc);
                (r, d.buf.in_sync)
            });
            if matches!(outcome, Some((Ok(()), _)) | Some((Err(_), true))) {
                self.changed(&mut st, &uri);
            }
            outcome
        };
        match outcome {
            None => self.engine.log(
                MessageType::WARNING,
                format!(
                    "didChange for a document that is not open: {}",
                    uri.as_str()
                ),
            ),
            Some((Err(e), in_sync)) => {
                self.engine.log(
                    MessageType::WARNING,
                    format!(
                        "{}: {e}; {}",
                        uri.as_str(),
                        if in_sync {
                            "resynced"
                        } else {
                            "out of sync until the next full text or save"
                        }
                    ),
                );
            }
            Some((Ok(()), _)) => {}
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        // Saving a root's config re-reads the root with it.
        if let Some(path) = uri_to_path(&uri) {
            if path.file_name().and_then(|n| n.to_str()) == Some(CONFIG_FILE) {
                let root = self.engine.host.root_of(&path).map(|r| r.path);
                if let Some(r) = root.filter(|r| path.parent() == Some(r.as_path())) {
                    let e = self.engine.clone();
                    tokio::task::spawn_blocking(move || e.load_root(&r, None));
                }
                return;
            }
        }
        let mut st = self.engine.state.lock();
        if let Some(text) = params.text {
            if let Some(d) = st.docs.get_mut(&uri) {
                if !d.buf.in_sync || d.buf.doc.rope != text.as_str() {
                    d.buf.resync(&text);
                    d.analysed = None;
                }
            }
        }
        self.changed(&mut st, &uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let mut st = self.engine.state.lock();
        let place = st.docs.remove(&uri).and_then(|d| d.place);
        self.engine.publish(Publish::Forget(uri));
        if let Some((root, rel)) = place {
            // The disk's text replaces the buffer's (it may have been closed unsaved).
            let path = crate::corpus::path_text::real_path(&root, &rel);
            self.engine.submit(&st, Job::Disk(path));
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let plan = watch::plan(&self.engine.host, &params.changes);
        {
            let st = self.engine.state.lock();
            for f in plan.files {
                self.engine.submit(&st, Job::Disk(f));
            }
        }
        let engine = self.engine.clone();
        tokio::task::spawn_blocking(move || {
            for r in &plan.reload {
                engine.load_root(r, None);
            }
        });
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let ask = {
            let mut st = self.engine.state.lock();
            if !st.caps.configuration && !params.settings.is_null() {
                st.settings = Settings::from_json(&params.settings);
            }
            st.caps.configuration
        };
        if ask {
            self.schedule_configuration(true);
        } else {
            self.reload_all();
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let host = &self.engine.host;
        for f in &params.event.removed {
            if let Some(p) = uri_to_path(&f.uri).and_then(|p| client_root(&p)) {
                host.remove_root(&p.path);
            }
        }
        let added: Vec<PathBuf> = params
            .event
            .added
            .iter()
            .filter_map(|f| uri_to_path(&f.uri).and_then(|p| client_root(&p)))
            .filter(|p| host.add_root(p.clone()))
            .map(|p| p.path)
            .collect();
        for r in added {
            self.schedule_load(r);
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        self.query_at("hover", p.text_document.uri, move |c| {
            hover::hover(c, p.position)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.query_at("definition", p.text_document.uri, move |c| {
            definition::definition(c, p.position)
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let decl = params.context.include_declaration;
        if let Some(token) = params.partial_result_params.partial_result_token {
            return self.references_streamed(p, decl, token).await;
        }
        let answers = self.engine.answers.clone();
        self.query("references", p.text_document.uri, move |c| {
            references::answer(c, p.position, decl, &answers)
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let p = params.text_document_position_params;
        self.query("documentHighlight", p.text_document.uri, move |c| {
            highlight::highlight(c, p.position)
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.query("documentSymbol", params.text_document.uri, |c| {
            Some(DocumentSymbolResponse::Nested(symbols::document_symbols(c)))
        })
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let enc = self.engine.state.lock().enc;
        let roots: Vec<(PathBuf, Arc<crate::host::Snapshot>)> = (self.engine.host.roots())
            .into_iter()
            .map(|r| (r.path, r.snap))
            .collect();
        let job = tokio::task::spawn_blocking(move || {
            guarded("workspace/symbol", || {
                workspace_symbol::workspace_symbols(&roots, &params.query, enc)
            })
        });
        match job.await {
            Ok(Ok(v)) => Ok(Some(WorkspaceSymbolResponse::Flat(v))),
            Ok(Err(msg)) => {
                self.engine.log(MessageType::ERROR, msg.clone());
                Err(internal(msg))
            }
            Err(e) => Err(internal(format!("workspace/symbol failed: {e}"))),
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let root = uri_to_path(&params.text_document.uri)
            .and_then(|p| self.engine.host.root_of(&p))
            .map(|r| r.path);
        let config = root.as_deref().map(|r| self.config_text(r));
        let uri = params.text_document.uri.clone();
        self.query("codeAction", uri, move |c| {
            let config = match &config {
                Some(ConfigText::Text(t)) => code_action::ConfigFile::Text(t),
                Some(ConfigText::Missing) => code_action::ConfigFile::Missing,
                Some(ConfigText::Linked) | None => code_action::ConfigFile::Linked,
            };
            Some(code_action::code_actions(c, &params, config))
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        self.query("completion", p.text_document.uri, move |c| {
            completion::completion(c, p.position)
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.query("semanticTokens/full", params.text_document.uri, |c| {
            Some(SemanticTokensResult::Tokens(semantic_tokens::tokens(
                c, None,
            )))
        })
        .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let range = params.range;
        self.query("semanticTokens/range", params.text_document.uri, move |c| {
            Some(SemanticTokensRangeResult::Tokens(semantic_tokens::tokens(
                c,
                Some(range),
            )))
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let range = params.range;
        self.query("inlayHint", params.text_document.uri, move |c| {
            Some(inlay_hint::inlay_hints(c, range))
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.query("codeLens", params.text_document.uri, |c| {
            Some(code_lens::code_lenses(c))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_only_when_offered() {
        let mut caps = ClientCapabilities::default();
        assert_eq!(negotiate_encoding(&caps), Encoding::Utf16);
        caps.general = Some(GeneralClientCapabilities {
            position_encodings: Some(vec![
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8,
            ]),
            ..GeneralClientCapabilities::default()
        });
        assert_eq!(negotiate_encoding(&caps), Encoding::Utf8);
    }
}
