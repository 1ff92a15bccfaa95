//! A small LSP client for tests and benchmarks: starts `corpus-ls serve`, frames JSON-RPC with
//! Content-Length, matches responses to requests, collects notifications, answers the server's
//! own requests, and gives up after a timeout instead of hanging.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "pipes.rs"]
mod pipes;

/// How long one request or wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// How long a cold index may take (a 100k-article root takes about a minute when driven by
/// `bench_lsp`).
pub const INDEX_TIMEOUT: Duration = Duration::from_secs(600);

/// A running server and the client's view of the conversation.
pub struct LspClient {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received and not yet taken, in order.
    pub notifications: VecDeque<Value>,
    /// Requests the server sent to the client, in order.
    pub server_requests: Vec<Value>,
    /// The answer to `workspace/configuration` items.
    pub configuration: Value,
    stderr: Arc<Mutex<String>>,
}

/// The server binary: the one Cargo built for the tests, else `$CORPUS_LS_BIN`, else
/// `corpus-ls` next to the running example's folder (`target/<profile>/corpus-ls`).
pub fn server_binary() -> PathBuf {
    if let Some(p) = option_env!("CARGO_BIN_EXE_corpus-ls") {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("CORPUS_LS_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("current exe");
    exe.parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("corpus-ls"))
        .expect("target folder")
}

/// The `file:` URI of a path.
pub fn uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for c in path.to_string_lossy().chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '/' | '-' | '_' | '.' | '~' => s.push(c),
            c => {
                let mut b = [0u8; 4];
                for byte in c.encode_utf8(&mut b).bytes() {
                    s.push_str(&format!("%{byte:02X}"));
                }
            }
        }
    }
    s
}

/// Client capabilities of a capable editor (progress, dynamic watching, configuration).
pub fn default_capabilities() -> Value {
    json!({
        "window": {"workDoneProgress": true},
        "workspace": {
            "configuration": true,
            "workspaceFolders": true,
            "didChangeWatchedFiles": {"dynamicRegistration": true}
        },
        "textDocument": {
            "synchronization": {"didSave": true},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
            "semanticTokens": {
                "requests": {"full": true, "range": true},
                "tokenTypes": ["variable", "class", "namespace", "type", "number"],
                "tokenModifiers": ["declaration"],
                "formats": ["relative"]
            }
        }
    })
}

impl LspClient {
    /// Starts the server binary with `args` (e.g. `["serve"]` or `["--stdio"]`).
    pub fn spawn_with(args: &[&str]) -> LspClient {
        let mut cmd = Command::new(server_binary());
        cmd.args(args);
        LspClient::spawn_command(cmd)
    }

    /// Starts a prepared command that runs the server (e.g. the binary under `strace`).
    pub fn spawn_command(mut cmd: Command) -> LspClient {
        let mut child = cmd
            // Cold index unless the caller asks for the warm-start cache; never the user's.
            .env(
                "CORPUS_LS_CACHE",
                std::env::var("CORPUS_LS_CACHE").unwrap_or_else(|_| "off".into()),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start corpus-ls");
        let stdin = child.stdin.take().expect("stdin");
        let (rx, stderr) = pipes::attach(&mut child);
        LspClient {
            child,
            stdin,
            rx,
            next_id: 1,
            notifications: VecDeque::new(),
            server_requests: Vec::new(),
            configuration: Value::Null,
            stderr,
        }
    }

    /// Starts `corpus-ls serve`, initializes with `roots` as workspace folders, and waits until
    /// every root is indexed (`$/progress` end). Returns the client and the initialize result.
    pub fn start(roots: &[&Path], init_options: Value, capabilities: Value) -> (LspClient, Value) {
        LspClient::spawn_with(&["serve"]).initialize(roots, init_options, capabilities)
    }

    /// [`LspClient::start`] for a server already spawned.
    pub fn initialize(
        self,
        roots: &[&Path],
        init_options: Value,
        capabilities: Value,
    ) -> (LspClient, Value) {
        let mut c = self;
        let folders: Vec<Value> = roots
            .iter()
            .map(|r| json!({"uri": uri(r), "name": r.file_name().map(|n| n.to_string_lossy().to_string())}))
            .collect();
        let init = c.result(
            "initialize",
            json!({
                "processId": null,
                "rootUri": roots.first().map(|r| uri(r)),
                "capabilities": capabilities,
                "workspaceFolders": folders,
                "initializationOptions": init_options,
            }),
        );
        c.notify("initialized", json!({}));
        for _ in roots {
            c.wait_notification(INDEX_TIMEOUT, |n| {
                n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end"
            })
            .expect("indexing finished");
        }
        (c, init)
    }

    /// The server's stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Writes raw bytes to the server.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write to server");
        self.stdin.flush().expect("flush");
    }

    /// Sends one JSON-RPC message.
    pub fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{}", body.len(), body);
        self.send_raw(framed.as_bytes());
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its id without waiting.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Receives one message (answering server requests, keeping notifications) until `deadline`.
    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(msg) => {
                if msg.get("method").is_some() && msg.get("id").is_some() {
                    let result = match msg["method"].as_str() {
                        Some("workspace/configuration") => {
                            let n = msg["params"]["items"].as_array().map_or(1, |a| a.len());
                            Value::Array(vec![self.configuration.clone(); n])
                        }
                        _ => Value::Null,
                    };
                    let id = msg["id"].clone();
                    self.server_requests.push(msg);
                    self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
                    return Some(Value::Null);
                }
                if msg.get("method").is_some() {
                    self.notifications.push_back(msg);
                    return Some(Value::Null);
                }
                Some(msg)
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(Duration::from_millis(20));
                panic!("the server closed its output; stderr:\n{}", self.stderr());
            }
        }
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            match self.recv(deadline) {
                Some(msg) if msg.get("id") == Some(&json!(id)) => return msg,
                Some(_) => continue,
                None => panic!("no response to request {id}; stderr:\n{}", self.stderr()),
            }
        }
    }

    /// Sends a request and returns the whole response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id, TIMEOUT)
    }

    /// Sends a request and returns its result (panics on an error response).
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let mut resp = self.request(method, params);
        if let Some(e) = resp.get("error") {
            panic!("{method} failed: {e}");
        }
        // Taken, not cloned: a deep copy of a 50,000-location answer would be timed too.
        resp["result"].take()
    }

    /// Waits for a notification matching `pred` and takes the oldest such from the queue
    /// (others stay queued).
    pub fn wait_notification(
        &mut self,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        let mut seen = 0;
        loop {
            if let Some(i) = self.notifications.iter().skip(seen).position(&pred) {
                return self.notifications.remove(seen + i);
            }
            seen = self.notifications.len();
            self.recv(deadline)?;
        }
    }

    /// Drops the notifications queued so far (as an editor that has handled them: a bulk
    /// publish of thousands of files would otherwise be searched again on every wait).
    pub fn forget_notifications(&mut self) {
        self.notifications.clear();
    }

    /// Waits for `publishDiagnostics` of `uri` (with `version` when given).
    pub fn wait_diagnostics(&mut self, uri: &str, version: Option<i64>) -> Option<Value> {
        let uri = uri.to_string();
        self.wait_notification(TIMEOUT, move |n| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == uri
                && version.is_none_or(|v| n["params"]["version"] == v)
        })
        .map(|n| n["params"].clone())
    }

    /// Opens a file with its text from disk; returns its URI.
    pub fn open(&mut self, path: &Path) -> String {
        let text = std::fs::read_to_string(path).expect("read file to open");
        self.open_text(path, &text, 1)
    }

    /// Opens a file with the given text and version; returns its URI.
    pub fn open_text(&mut self, path: &Path, text: &str, version: i64) -> String {
        let u = uri(path);
        let lang = if path.extension().is_some_and(|e| e == "md") {
            "markdown"
        } else {
            "plaintext"
        };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": lang, "version": version, "text": text}}),
        );
        u
    }

    /// The server's text of an open document (`corpus-ls/documentText`).
    pub fn document_text(&mut self, uri: &str) -> Value {
        self.result(
            "corpus-ls/documentText",
            json!({"textDocument": {"uri": uri}}),
        )
    }

    /// Shuts the server down and waits for it to exit.
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn shutdown(mut self) -> std::process::ExitStatus {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Position `{line, character}` (UTF-16) of the first occurrence of `needle` in `text`, plus
/// `delta` characters.
pub fn pos_of(text: &str, needle: &str, delta: usize) -> Value {
    let off = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in text"));
    let before = &text[..off];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = text[line_start..off].encode_utf16().count() + delta;
    json!({"line": line, "character": col})
}

/// A temporary folder holding `files` (path, text).
pub fn write_corpus(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// The canonical path of a temp folder (the server canonicalizes roots).
pub fn canon(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}
