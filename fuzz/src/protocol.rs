//! Invariants of the server's message handling, checked on fuzz bytes. Shared, by `#[path]`, with
//! `tests/reliability_fuzz.rs`, which replays saved inputs without a fuzzer.
//!
//! - `frames`: arbitrary bytes through the transport guard (`filter_frames`): what comes out is a
//!   sequence of well-formed frames whose bodies pass `check_body` and were in the input; a
//!   stream of correctly framed bodies comes out as exactly the bodies that pass, in order, and
//!   every refused body gets one JSON-RPC error response (or, when skipped, a message).
//! - `session`: a script read from the bytes (opens, incremental and full edits with odd ranges
//!   and versions, saves, closes, requests at odd positions, unknown methods, malformed bodies,
//!   cancellations) sent to the real server running in-process over in-memory pipes. Every
//!   request is answered, none with an internal error (a caught panic), no panic is logged; each
//!   open buffer has the last version sent, is in sync exactly when the client's edits allow,
//!   and then holds the client's text; afterwards a hover on a probe note names the person.

use corpus_ls::document::{Encoding, LineIndex, Position};
use corpus_ls::lsp::io::guard;
use corpus_ls::lsp::server;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};

/// Scripts longer than this many bytes are cut.
pub const MAX_SCRIPT: usize = 4096;

/// Longest wait for one answer: beyond it the server is hung (a finding).
const WAIT: Duration = Duration::from_secs(30);

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime")
    })
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    f.extend_from_slice(body);
    f
}

/// Splits a stream of frames as the guard writes them; panics on anything else.
fn parse_frames(mut out: &[u8]) -> Vec<&[u8]> {
    let mut bodies = Vec::new();
    while !out.is_empty() {
        let head_end = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a frame header ends");
        let head = std::str::from_utf8(&out[..head_end]).expect("an ASCII header");
        let n: usize = head
            .strip_prefix("Content-Length: ")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("a bad header came out: {head:?}"));
        let body = &out[head_end + 4..head_end + 4 + n];
        bodies.push(body);
        out = &out[head_end + 4 + n..];
    }
    bodies
}

/// The guard on `input`: what reaches the framework, and the replies to the client.
fn filter(input: &[u8]) -> (Vec<u8>, Vec<Value>) {
    let mut out = Vec::new();
    let (tx, mut rx) = tokio::sync::mpsc::channel(1 << 16);
    runtime().block_on(async {
        tokio::time::timeout(WAIT, guard::filter_frames(input, &mut out, tx))
            .await
            .expect("the transport guard finishes at the end of its input")
    });
    let mut replies = Vec::new();
    while let Ok(r) = rx.try_recv() {
        replies.push(serde_json::from_slice(&r).expect("a reply is JSON"));
    }
    (out, replies)
}

/// A reply the guard sends: an error response, or a message shown to the user.
fn assert_reply(r: &Value) {
    assert_eq!(r["jsonrpc"], "2.0", "{r}");
    let error = r["error"]["code"] == -32600 || r["error"]["code"] == -32700;
    let shown = r["method"] == "window/showMessage";
    assert!(error || shown, "an odd reply: {r}");
    if error {
        assert!(
            r["id"].is_null() || r["id"].is_string() || r["id"].is_number(),
            "{r}"
        );
    }
}

/// The transport guard on arbitrary bytes, and on the same bytes cut into framed bodies.
pub fn frames(data: &[u8]) {
    let data = &data[..data.len().min(1 << 14)];
    let (out, replies) = filter(data);
    for body in parse_frames(&out) {
        assert!(guard::check_body(body).is_ok(), "a bad body came out");
        assert!(
            data.windows(body.len().max(1)).any(|w| w == body) || body.is_empty(),
            "a body that was not in the input came out"
        );
    }
    replies.iter().for_each(assert_reply);
    // Bodies separated by NUL bytes, each framed correctly: the good ones pass, in order, and
    // each bad one is answered.
    let bodies: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    let stream: Vec<u8> = bodies.iter().flat_map(|b| frame(b)).collect();
    let (out, replies) = filter(&stream);
    let got = parse_frames(&out);
    let want: Vec<&[u8]> = bodies
        .iter()
        .copied()
        .filter(|b| guard::check_body(b).is_ok())
        .collect();
    assert_eq!(got, want, "well-framed bodies were lost or changed");
    assert_eq!(
        replies.len(),
        bodies.len() - want.len(),
        "a refused body went unanswered"
    );
    replies.iter().for_each(assert_reply);
}

// ---------------------------------------------------------------------------------------------
// The session

/// An article of our own in the corpus root: a person the probe hover must name.
const ARTICLE: &str = "# Tollbridge Ferry Adds a Night Crossing\n\n\
By Marta Quell\n\nMay 2, 2021\n\n\
HALDEN — Tollbridge Ferry director Sunniva Arkwright said on Tuesday the company would add a \
night crossing, at a cost of about $12 million.\n\n\
Ms. Arkwright said 340 passengers a night were expected.\n";

const PROBE: &str = "# Probe\n\nSunniva Arkwright runs Tollbridge Ferry.\n";

/// The corpus folder shared by every session of this process.
fn corpus_root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("corpus-ls-fuzz-{}", std::process::id()));
        let root = base.join("root");
        std::fs::create_dir_all(root.join("articles")).expect("fuzz corpus folder");
        std::fs::create_dir_all(root.join("notes")).expect("fuzz corpus folder");
        std::fs::write(root.join("articles/ferry.md"), ARTICLE).expect("fuzz article");
        std::fs::canonicalize(&root).expect("fuzz corpus folder")
    })
}

fn file_uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// Pieces edits insert and opens hold.
const PIECES: [&str; 16] = [
    "",
    "a",
    "\n",
    "\r\n",
    "\r",
    "é",
    "😀",
    "🇫🇷",
    "\u{feff}",
    "中文",
    "e\u{301}",
    "word ",
    "Sunniva Arkwright ",
    "$12 million ",
    "# Head\n",
    "---\nsources: [../articles/ferry.md]\n---\n",
];

/// The fuzz bytes, read one value at a time (zeros once they run out).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
    fn text(&mut self) -> String {
        (0..self.byte() % 6)
            .map(|_| PIECES[self.byte() as usize % PIECES.len()])
            .collect()
    }
    /// Mostly small numbers; sometimes huge ones.
    fn num(&mut self) -> u32 {
        match self.byte() {
            b @ 0..=239 => u32::from(b % 24),
            240..=249 => u32::from(self.byte()) * 37,
            250..=253 => u32::MAX - u32::from(self.byte()),
            _ => i32::MAX as u32,
        }
    }
    fn pos(&mut self) -> Position {
        Position::new(self.num(), self.num())
    }
}

/// What the client knows of one buffer.
#[derive(Debug, Clone)]
struct Model {
    /// The client's text; `None` after an edit the server cannot place, until a full text.
    text: Option<String>,
    version: i32,
    /// True when the server has every edit since the last full text.
    in_sync: bool,
}

impl Model {
    /// Applies one ranged change as the server should; false when the range is not in the text.
    fn edit(&mut self, start: Position, end: Position, new: &str, enc: Encoding) -> bool {
        let Some(text) = self.text.as_mut() else {
            return false;
        };
        let li = LineIndex::new(text);
        let lines = li.len() as u32;
        // One line past the last at column 0 is the end of the text.
        let map = |p: Position| {
            if p.line == lines && p.character == 0 {
                li.position(text, text.len(), enc)
            } else {
                p
            }
        };
        let (s, e) = (map(start), map(end));
        if s > e || s.line >= lines || e.line >= lines {
            return false;
        }
        let a = li.offset(text, s, enc);
        let b = li.offset(text, e, enc).max(a);
        text.replace_range(a..b, new);
        true
    }
}

/// Documents the script may name: three corpus files, one outside the corpus's kinds, and a
/// URI that is no file at all.
fn doc_uris(root: &std::path::Path) -> [String; 5] {
    [
        file_uri(&root.join("notes/a.md")),
        file_uri(&root.join("notes/b.txt")),
        file_uri(&root.join("articles/ferry.md")),
        file_uri(&root.join("notes/c.json")),
        "untitled:Untitled-1".to_string(),
    ]
}

const POSITION_REQUESTS: [&str; 9] = [
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/completion",
    "textDocument/inlayHint",
    "textDocument/semanticTokens/range",
    "textDocument/codeAction",
    "textDocument/semanticTokens/full",
];

const DOC_REQUESTS: [&str; 3] = [
    "textDocument/documentSymbol",
    "textDocument/codeLens",
    "corpus-ls/documentText",
];

/// A client talking to the in-process server.
struct Client {
    input: tokio::io::DuplexStream,
    answers: tokio::sync::mpsc::UnboundedReceiver<Value>,
    next_id: i64,
    pending: HashSet<i64>,
    got: BTreeMap<i64, Value>,
}

impl Client {
    async fn send(&mut self, body: &[u8]) {
        self.input
            .write_all(&frame(body))
            .await
            .expect("the server reads its input");
    }
    async fn notify(&mut self, method: &str, params: Value) {
        let m = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send(m.to_string().as_bytes()).await;
    }
    async fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let m = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send(m.to_string().as_bytes()).await;
        self.pending.insert(id);
        id
    }
    /// Waits for the answer to `id` (keeping the others), checking every message on the way.
    async fn answer(&mut self, id: i64) -> Value {
        while !self.got.contains_key(&id) {
            let m = tokio::time::timeout(WAIT, self.answers.recv())
                .await
                .unwrap_or_else(|_| panic!("no answer to request {id} within {WAIT:?}"))
                .expect("the server's output stays open");
            self.take(m);
        }
        self.got[&id].clone()
    }
    fn take(&mut self, m: Value) {
        if let Some(method) = m["method"].as_str() {
            if method == "window/logMessage" {
                let text = m["params"]["message"].as_str().unwrap_or_default();
                assert!(
                    !text.contains("panicked"),
                    "the server logged a panic: {text}"
                );
            }
            return;
        }
        assert_eq!(
            m["error"]["code"].as_i64().filter(|&c| c == -32603),
            None,
            "internal error: {m}"
        );
        // String ids are the script's malformed requests: answered, not waited for.
        let Some(id) = m["id"].as_i64() else {
            return;
        };
        self.pending.remove(&id);
        self.got.insert(id, m);
    }
}

/// The script in `data` against a fresh in-process server; see the module doc for the checks.
pub fn session(data: &[u8]) {
    let data = &data[..data.len().min(MAX_SCRIPT)];
    runtime().block_on(run_session(data));
}

async fn run_session(data: &[u8]) {
    let root = corpus_root().clone();
    let uris = doc_uris(&root);
    let (client_end, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, client_read) = tokio::io::duplex(1 << 16);
    let server = tokio::spawn(server::serve(server_in, server_out));
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let reader = tokio::spawn(read_messages(client_read, tx));
    let mut c = Client {
        input: client_end,
        answers: rx,
        next_id: 1,
        pending: HashSet::new(),
        got: BTreeMap::new(),
    };
    let mut b = Bytes(data);
    let enc = if b.byte() & 1 == 1 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let encodings = match enc {
        Encoding::Utf8 => json!(["utf-8", "utf-16"]),
        Encoding::Utf16 => json!(["utf-16"]),
    };
    let init = c
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": file_uri(&root),
                "workspaceFolders": [{"uri": file_uri(&root), "name": "root"}],
                "capabilities": {"general": {"positionEncodings": encodings}}
            }),
        )
        .await;
    let r = c.answer(init).await;
    assert!(r.get("result").is_some(), "initialize failed: {r}");
    c.notify("initialized", json!({})).await;

    let mut models: BTreeMap<usize, Model> = BTreeMap::new();
    let mut steps = 0;
    while !b.done() && steps < 200 {
        steps += 1;
        let op = b.byte();
        let d = b.byte() as usize % uris.len();
        let uri = uris[d].as_str();
        match op % 12 {
            0 => {
                let text = b.text();
                let version = i32::from(b.byte() as i8);
                c.notify(
                    "textDocument/didOpen",
                    json!({"textDocument": {"uri": uri, "languageId": "markdown",
                        "version": version, "text": text}}),
                )
                .await;
                models.insert(
                    d,
                    Model {
                        text: Some(text),
                        version,
                        in_sync: true,
                    },
                );
            }
            1..=3 => {
                let last = models.get(&d).map_or(0, |m| m.version);
                let version = match b.byte() % 8 {
                    0 => last,
                    1 => last.wrapping_add(2),
                    2 => i32::from(b.byte() as i8),
                    3 => i32::MAX,
                    _ => last.wrapping_add(1),
                };
                let mut changes = Vec::new();
                let mut model = models.get(&d).cloned();
                if let Some(m) = &mut model {
                    m.in_sync &= version == m.version.wrapping_add(1);
                    m.version = version;
                }
                for _ in 0..1 + b.byte() % 3 {
                    let text = b.text();
                    if b.byte() % 5 == 0 {
                        changes.push(json!({"text": text}));
                        if let Some(m) = &mut model {
                            m.text = Some(text);
                            m.in_sync = true;
                        }
                    } else {
                        let (s, e) = (b.pos(), b.pos());
                        changes.push(json!({"range": {
                            "start": {"line": s.line, "character": s.character},
                            "end": {"line": e.line, "character": e.character}},
                            "text": text}));
                        if let Some(m) = &mut model {
                            if !m.edit(s, e, &text, enc) {
                                m.text = None;
                                m.in_sync = false;
                            }
                        }
                    }
                }
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                        "contentChanges": changes}),
                )
                .await;
                if let Some(m) = model {
                    models.insert(d, m);
                }
            }
            4 => {
                let text = b.text();
                c.notify(
                    "textDocument/didSave",
                    json!({"textDocument": {"uri": uri}, "text": text}),
                )
                .await;
                if let Some(m) = models.get_mut(&d) {
                    m.text = Some(text);
                    m.in_sync = true;
                }
            }
            5 => {
                c.notify(
                    "textDocument/didClose",
                    json!({"textDocument": {"uri": uri}}),
                )
                .await;
                models.remove(&d);
            }
            6 | 7 => {
                let method = POSITION_REQUESTS[b.byte() as usize % POSITION_REQUESTS.len()];
                let (s, e) = (b.pos(), b.pos());
                let (s, e) = (
                    json!({"line": s.line, "character": s.character}),
                    json!({"line": e.line, "character": e.character}),
                );
                c.request(
                    method,
                    json!({"textDocument": {"uri": uri}, "position": s,
                        "range": {"start": s, "end": e},
                        "context": {"includeDeclaration": b.byte() & 1 == 1, "diagnostics": []}}),
                )
                .await;
            }
            8 => {
                let method = DOC_REQUESTS[b.byte() as usize % DOC_REQUESTS.len()];
                c.request(method, json!({"textDocument": {"uri": uri}}))
                    .await;
            }
            9 => {
                let query = b.text();
                c.request("workspace/symbol", json!({"query": query})).await;
            }
            10 => {
                // Cancel a recent request (maybe already answered). Only ids already sent: the
                // framework also cancels a request whose id was cancelled before it came.
                let id = c.next_id - 1 - i64::from(b.byte() % 4);
                c.notify("$/cancelRequest", json!({"id": id})).await;
            }
            _ => {
                // Bodies that are not what the method expects, or not JSON-RPC at all.
                let n = b.byte() as usize % 16;
                let raw: Vec<u8> = (0..n).map(|_| b.byte()).collect();
                let body = match b.byte() % 4 {
                    0 => raw,
                    1 => json!({"jsonrpc": "2.0", "id": "s", "method": "textDocument/hover",
                        "params": {"textDocument": {"uri": uri}, "position": {"line": -1}}})
                    .to_string()
                    .into_bytes(),
                    2 => json!({"jsonrpc": "2.0", "id": c.next_id + 1000, "method": "no/such",
                        "params": [String::from_utf8_lossy(&raw)]})
                    .to_string()
                    .into_bytes(),
                    _ => json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                        "params": {"textDocument": {"uri": uri}, "contentChanges": "x"}})
                    .to_string()
                    .into_bytes(),
                };
                c.send(&body).await;
            }
        }
    }

    // Every open buffer: the version sent; in sync when the client's edits allow; its text.
    for (d, m) in &models {
        let id = c
            .request(
                "corpus-ls/documentText",
                json!({"textDocument": {"uri": uris[*d]}}),
            )
            .await;
        let r = c.answer(id).await;
        let v = &r["result"];
        assert_eq!(v["version"].as_i64(), Some(i64::from(m.version)), "{r}");
        let in_sync = v["inSync"].as_bool().expect("inSync");
        assert_eq!(in_sync, m.in_sync, "sync state of {}: {r}", uris[*d]);
        if in_sync {
            assert_eq!(
                v["text"].as_str(),
                m.text.as_deref(),
                "text of {}",
                uris[*d]
            );
        }
    }
    for id in c.pending.clone() {
        c.answer(id).await;
    }

    // The probe: a hover on a person in a fresh note names them.
    let probe = file_uri(&root.join("notes/probe.md"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": probe, "languageId": "markdown",
            "version": 1, "text": PROBE}}),
    )
    .await;
    let id = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": probe}, "position": {"line": 2, "character": 10}}),
        )
        .await;
    let h = c.answer(id).await;
    assert!(
        h["result"]["contents"]
            .to_string()
            .contains("Sunniva Arkwright"),
        "the probe hover is wrong: {h}"
    );

    let id = c.request("shutdown", Value::Null).await;
    let r = c.answer(id).await;
    assert!(r.get("error").is_none(), "shutdown failed: {r}");
    c.notify("exit", Value::Null).await;
    drop(c.input);
    tokio::time::timeout(WAIT, server)
        .await
        .expect("the server stops after exit")
        .expect("the server task ends without a panic");
    let _ = reader.await;
}

/// Reads the server's frames into `tx` until its output closes.
async fn read_messages(
    out: tokio::io::DuplexStream,
    tx: tokio::sync::mpsc::UnboundedSender<Value>,
) {
    let mut out = BufReader::new(out);
    loop {
        let mut head = Vec::new();
        let mut len = None;
        loop {
            let mut line = Vec::new();
            use tokio::io::AsyncBufReadExt;
            if out.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let text = String::from_utf8_lossy(&line).trim_end().to_string();
            if text.is_empty() {
                break;
            }
            if let Some(v) = text.strip_prefix("Content-Length: ") {
                len = v.parse::<usize>().ok();
            }
            head.push(text);
        }
        let n = len.unwrap_or_else(|| panic!("a server frame without a length: {head:?}"));
        let mut body = vec![0; n];
        if out.read_exact(&mut body).await.is_err() {
            return;
        }
        let v: Value = serde_json::from_slice(&body).expect("the server writes JSON");
        if tx.send(v).is_err() {
            return;
        }
    }
}
