//! Protocol abuse over stdio: positions far past the end, documents never opened, versions that
//! do not increase and out-of-range edits, unknown methods, malformed frames, floods of edits,
//! cancellation, shutdown mid-index. After each, the server still answers a hover correctly, its
//! copy of the buffer is never silently wrong, and it writes no file of the corpus.
//!
//! The JSON-RPC framing here is this file's own (not the server's), so a framing bug on either
//! side shows.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

#[path = "common/pipes.rs"]
mod pipes;

/// Longest wait for any one answer: a hang fails the test instead of stalling CI.
const WAIT: Duration = Duration::from_secs(60);

/// An article and a note of our own: a person with a title cue, a later short form, figures.
const ARTICLE: &str = "---
title: Harwick Mills Reopens Its Riverside Plant
date: 2019-03-04
---

# Harwick Mills Reopens Its Riverside Plant

By Petra Lindgren

March 4, 2019

LISBON — Harwick Mills chairman Oskar Lindqvist reopened the riverside plant on Monday, saying the company would hire about 1,200 workers this year.

Mr. Lindqvist said the plant cost $45 million to rebuild. Mayor Ines Barros of Lisbon welcomed the news.
";

const NOTE: &str = "# Notes on the plant 🇵🇹

Oskar Lindqvist runs Harwick Mills.

The rebuild cost $48 million, says my source.
";

/// Text that only the canary outside the root holds.
const CANARY: &str = "Quillon Vantablack";

// ---------------------------------------------------------------------------------------------
// A small client

/// A running `corpus-ls serve`.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    notes: Vec<Value>,
    /// Responses that came while waiting for another id (answers may come in any order).
    early: Vec<Value>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn spawn() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start corpus-ls serve");
        let stdin = child.stdin.take();
        let (rx, stderr) = pipes::attach(&mut child);
        Server {
            child,
            stdin,
            rx,
            next_id: 1,
            notes: Vec::new(),
            early: Vec::new(),
            stderr,
        }
    }

    /// Starts a server on `root` and waits until its index is built.
    fn start(root: &Path) -> Server {
        let mut s = Server::spawn();
        s.initialize(root);
        s.wait_for(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end")
            .expect("the index finished");
        s
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let r = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": "root"}],
                "capabilities": {
                    "window": {"workDoneProgress": true},
                    "workspace": {"configuration": true, "workspaceFolders": true},
                    "textDocument": {
                        "synchronization": {"didSave": true},
                        "hover": {"contentFormat": ["markdown", "plaintext"]}
                    }
                }
            }),
        );
        assert!(r.get("result").is_some(), "initialize failed: {r}");
        self.notify("initialized", json!({}));
        r
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to the server");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        self.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Next message from the server; answers its requests and keeps notifications.
    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(m) if m.get("method").is_some() && m.get("id").is_some() => {
                let result = match m["method"].as_str() {
                    Some("workspace/configuration") => {
                        let n = m["params"]["items"].as_array().map_or(1, Vec::len);
                        Value::Array(vec![Value::Null; n])
                    }
                    _ => Value::Null,
                };
                self.send(&json!({"jsonrpc": "2.0", "id": m["id"], "result": result}));
                self.notes.push(m);
                Some(Value::Null)
            }
            Ok(m) if m.get("method").is_some() => {
                self.notes.push(m);
                Some(Value::Null)
            }
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(Duration::from_millis(50));
                panic!("the server closed its output; stderr:\n{}", self.stderr())
            }
        }
    }

    fn response(&mut self, id: i64) -> Value {
        if let Some(i) = self.early.iter().position(|m| m["id"] == json!(id)) {
            return self.early.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            match self.recv(deadline) {
                Some(m) if m.get("id") == Some(&json!(id)) => return m,
                Some(m) if m.get("id").is_some() => self.early.push(m),
                Some(_) => {}
                None => panic!("no answer to request {id}; stderr:\n{}", self.stderr()),
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Waits for a notification matching `pred` (kept ones first).
    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.notes.iter().position(&pred) {
            return Some(self.notes.remove(i));
        }
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            self.recv(deadline)?;
            if let Some(i) = self.notes.iter().position(&pred) {
                return Some(self.notes.remove(i));
            }
        }
        None
    }

    fn open(&mut self, path: &Path, text: &str, version: i64) -> String {
        let u = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": "markdown", "version": version, "text": text}}),
        );
        u
    }

    fn change(&mut self, u: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": version}, "contentChanges": changes}),
        );
    }

    /// The server's copy of a buffer: (text, version, in sync).
    fn buffer(&mut self, u: &str) -> (String, i64, bool) {
        let r = self.request(
            "corpus-ls/documentText",
            json!({"textDocument": {"uri": u}}),
        );
        let v = &r["result"];
        (
            v["text"].as_str().unwrap_or_default().to_string(),
            v["version"].as_i64().unwrap_or(-1),
            v["inSync"].as_bool().unwrap_or(false),
        )
    }

    /// Hover at the first `needle` (plus `delta` characters) in `text` of `u`: the hover text.
    fn hover(&mut self, u: &str, text: &str, needle: &str, delta: usize) -> String {
        let r = self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": utf16_pos(text, needle, delta)}),
        );
        assert!(r.get("error").is_none(), "hover failed: {r}");
        hover_text(&r["result"])
    }

    /// The liveness probe run after every abuse: a hover on the person in the note names them.
    /// Every hover must answer; the answer must be right once the analysis of the last edit is
    /// in (a few seconds at most).
    fn hover_still_right(&mut self, note_uri: &str, note_text: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let h = self.hover(note_uri, note_text, "Lindqvist runs", 3);
            assert!(!h.contains(CANARY));
            if h.contains("Oskar Lindqvist") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "hover after the abuse is wrong: {h:?}\nstderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Ends the session the polite way and checks the exit.
    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "shutdown failed: {r}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                assert!(st.success(), "exit status {st}; stderr:\n{}", self.stderr());
                break;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            !self.stderr().contains("panicked"),
            "a panic was logged:\n{}",
            self.stderr()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn hover_text(result: &Value) -> String {
    match &result["contents"] {
        Value::String(s) => s.clone(),
        Value::Object(o) => o
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().or(v["value"].as_str()).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

fn uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

/// LSP position (UTF-16) of `needle`'s first occurrence in `text`, `delta` characters in.
fn utf16_pos(text: &str, needle: &str, delta: usize) -> Value {
    let at = text.find(needle).expect("needle in text");
    let at = at
        + text[at..]
            .chars()
            .take(delta)
            .map(char::len_utf8)
            .sum::<usize>();
    let before = &text[..at];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": before[start..].encode_utf16().count()})
}

/// A corpus with the article, the note, a canary outside the root and a link to it.
struct Corpus {
    _dir: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

impl Corpus {
    fn new() -> Corpus {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        let root = base.join("root");
        let outside = base.join("outside");
        for (rel, text) in [
            ("root/articles/mills.md", ARTICLE.to_string()),
            ("root/notes/plant.md", NOTE.to_string()),
            (
                "outside/canary.md",
                format!("# Secret\n\n{CANARY} of Canaryco paid $9 million.\n"),
            ),
        ] {
            let p = base.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.join("canary.md"), root.join("linked.md")).unwrap();
        Corpus {
            _dir: dir,
            root,
            outside,
        }
    }
    fn note(&self) -> PathBuf {
        self.root.join("notes/plant.md")
    }
    fn article(&self) -> PathBuf {
        self.root.join("articles/mills.md")
    }
    /// Content and modification time of every file below the root (links not followed).
    fn snapshot(&self) -> BTreeMap<PathBuf, (Vec<u8>, Option<SystemTime>)> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.root.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                let m = std::fs::symlink_metadata(&p).unwrap();
                if m.is_dir() {
                    stack.push(p);
                } else if m.is_file() {
                    out.insert(p.clone(), (std::fs::read(&p).unwrap(), m.modified().ok()));
                }
            }
        }
        out
    }
}

/// Starts a server on a fresh corpus with the note open; checks the probe hover once.
fn session() -> (Corpus, Server, String) {
    let c = Corpus::new();
    let mut s = Server::start(&c.root);
    let u = s.open(&c.note(), NOTE, 1);
    s.hover_still_right(&u, NOTE);
    (c, s, u)
}

// ---------------------------------------------------------------------------------------------
// The abuse

/// False (with a printed reason) while the binary has no `serve` subcommand yet.
fn server_available() -> bool {
    let ok = Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
        .args(["serve", "--help"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: this build of corpus-ls has no `serve` subcommand");
    }
    ok
}

#[test]
fn positions_far_past_the_end() {
    if !server_available() {
        return;
    }
    let (_c, mut s, u) = session();
    let far = [
        json!({"line": 3, "character": 100000}),
        json!({"line": 100000, "character": 0}),
        json!({"line": 4294967295u64, "character": 4294967295u64}),
        json!({"line": 0, "character": 4294967295u64}),
    ];
    for p in &far {
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/references",
            "textDocument/documentHighlight",
            "textDocument/completion",
        ] {
            let mut params = json!({"textDocument": {"uri": u}, "position": p});
            if method == "textDocument/references" {
                params["context"] = json!({"includeDeclaration": true});
            }
            let r = s.request(method, params);
            assert!(
                r.get("result").is_some() || r["error"]["code"].is_i64(),
                "{method} at {p}: {r}"
            );
        }
        let range = json!({"start": {"line": 0, "character": 0}, "end": p});
        for method in [
            "textDocument/semanticTokens/range",
            "textDocument/inlayHint",
            "textDocument/codeAction",
        ] {
            let mut params = json!({"textDocument": {"uri": u}, "range": range});
            if method == "textDocument/codeAction" {
                params["context"] = json!({"diagnostics": []});
            }
            let r = s.request(method, params);
            assert!(
                r.get("result").is_some() || r["error"]["code"].is_i64(),
                "{method} to {p}: {r}"
            );
        }
        // A reversed range.
        let r = s.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": u}, "range": {"start": p, "end": {"line": 0, "character": 0}}}),
        );
        assert!(r.get("result").is_some() || r.get("error").is_some());
        s.hover_still_right(&u, NOTE);
    }
    s.shutdown();
}

#[test]
fn documents_never_opened_and_outside_the_root() {
    if !server_available() {
        return;
    }
    let (c, mut s, u) = session();
    let never = [
        uri(&c.root.join("notes/none.md")),
        uri(&c.article()),
        uri(&c.root.join("linked.md")),
        uri(&c.outside.join("canary.md")),
        "file:///definitely/not/here.md".to_string(),
        "untitled:Untitled-1".to_string(),
        "https://example.com/a.md".to_string(),
    ];
    for n in &never {
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/documentHighlight",
        ] {
            let r = s.request(
                method,
                json!({"textDocument": {"uri": n}, "position": {"line": 2, "character": 3}}),
            );
            assert!(!r.to_string().contains("Vantablack"), "{method} {n}: {r}");
            assert!(r.get("result").is_some() || r.get("error").is_some());
        }
        for method in [
            "textDocument/documentSymbol",
            "textDocument/semanticTokens/full",
            "textDocument/codeLens",
        ] {
            let r = s.request(method, json!({"textDocument": {"uri": n}}));
            assert!(!r.to_string().contains("Vantablack"), "{method} {n}: {r}");
        }
        s.change(
            n,
            7,
            json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "text": "x"}]),
        );
        s.notify("textDocument/didClose", json!({"textDocument": {"uri": n}}));
        s.notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": n}, "text": "saved"}),
        );
    }
    let r = s.request("workspace/symbol", json!({"query": "Vantablack"}));
    assert!(!r.to_string().contains("Vantablack"), "{r}");
    s.hover_still_right(&u, NOTE);
    s.shutdown();
}

/// Watched-file events naming a file outside the root by `..` (plain or percent-encoded) or
/// through an in-root link the scan skipped never get it read or indexed; an event for a real
/// new file in the root does (the control that the events are handled at all).
#[test]
fn watched_file_events_never_reach_outside_the_root() {
    if !server_available() {
        return;
    }
    let (c, mut s, u) = session();
    let root_uri = uri(&c.root);
    std::fs::write(
        c.root.join("articles/fresh.md"),
        "# Fresh\n\nQuillon Marchbanks of Ferrovia said 4 trains ran.\n",
    )
    .unwrap();
    let mut changes: Vec<Value> = [
        format!("{root_uri}/../outside/canary.md"),
        format!("{root_uri}/%2e%2e/outside/canary.md"),
        format!("{root_uri}/articles/%2E%2E/../outside/canary.md"),
        uri(&c.root.join("linked.md")),
    ]
    .iter()
    .flat_map(|u| [json!({"uri": u, "type": 1}), json!({"uri": u, "type": 2})])
    .collect();
    changes.push(json!({"uri": uri(&c.root.join("articles/fresh.md")), "type": 1}));
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": changes }),
    );
    let deadline = Instant::now() + WAIT;
    loop {
        let r = s.request("workspace/symbol", json!({"query": "Marchbanks"}));
        if r.to_string().contains("Quillon Marchbanks") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the in-root event was not handled: {r}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let r = s.request("workspace/symbol", json!({"query": "Vantablack"}));
    assert!(!r.to_string().contains("Vantablack"), "{r}");
    s.hover_still_right(&u, NOTE);
    s.shutdown();
}

/// A buffer over the 16 MiB file cap is kept (never lost) but not analysed: the document gets a
/// diagnostic saying so, and the server goes on answering.
#[test]
fn an_oversized_buffer_is_kept_and_not_analysed() {
    if !server_available() {
        return;
    }
    let (c, mut s, u) = session();
    let line = "Oskar Lindqvist said 12 boats sailed on 3 June.\n";
    let big = line.repeat(17 * 1024 * 1024 / line.len() + 1);
    let b = s.open(&c.root.join("notes/huge.md"), &big, 1);
    let d = s
        .wait_for(|n| {
            n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == json!(b)
        })
        .unwrap_or_else(|| panic!("no diagnostics for the big buffer; stderr:\n{}", s.stderr()));
    let diags = d["params"]["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("not analysed"),
        "{diags:?}"
    );
    let (text, version, _) = s.buffer(&b);
    assert_eq!((text.len(), version), (big.len(), 1));
    s.hover_still_right(&u, NOTE);
    s.shutdown();
}

#[test]
fn repeated_versions_and_bad_edits_go_out_of_sync_and_recover() {
    if !server_available() {
        return;
    }
    let (c, mut s, u) = session();
    let mut model = NOTE.to_string();
    // A good edit: insert at the end of line 2 ("Harwick Mills." -> "Harwick Mills today.").
    let line2 = "Oskar Lindqvist runs Harwick Mills";
    let col = line2.encode_utf16().count();
    s.change(
        &u,
        2,
        json!([{"range": {"start": {"line": 2, "character": col}, "end": {"line": 2, "character": col}}, "text": " today"}]),
    );
    model = model.replacen(line2, &format!("{line2} today"), 1);
    assert_eq!(s.buffer(&u), (model.clone(), 2, true));

    // A jump (3 and 4 never came) is a valid edit: the specification asks only that versions
    // increase (Neovim sends its changedtick).
    s.change(
        &u,
        5,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "JUMP "}]),
    );
    model.insert_str(0, "JUMP ");
    assert_eq!(
        s.buffer(&u),
        (model.clone(), 5, true),
        "a version jump was refused"
    );
    // A version that does not increase: the edit cannot be trusted.
    s.change(
        &u,
        5,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "SAME "}]),
    );
    let (text, v, in_sync) = s.buffer(&u);
    assert!(!in_sync, "a repeated version was taken as in sync");
    assert_eq!(
        (text.as_str(), v),
        (model.as_str(), 5),
        "the untrusted edit was applied"
    );
    model = model.replacen("JUMP ", "", 1);
    // The next full text brings it back.
    s.change(&u, 6, json!([{"text": model}]));
    assert_eq!(s.buffer(&u), (model.clone(), 6, true));
    s.hover_still_right(&u, &model);

    // Out-of-range and reversed edits: out of sync, the text never silently corrupted.
    for bad in [
        json!({"start": {"line": 500, "character": 0}, "end": {"line": 501, "character": 0}}),
        json!({"start": {"line": 2, "character": 5}, "end": {"line": 1, "character": 0}}),
    ] {
        s.change(&u, 7, json!([{"range": bad, "text": "BAD"}]));
        let (text, _, in_sync) = s.buffer(&u);
        assert!(
            !in_sync || text == model,
            "edit {bad} applied silently: {text:?}"
        );
        assert!(!in_sync, "a bad edit left the buffer marked in sync");
        // Edits while out of sync are not applied on top of an untrusted text.
        s.change(
            &u,
            8,
            json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "more "}]),
        );
        assert!(!s.buffer(&u).2);
        // A save with text resyncs.
        s.notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": u}, "text": model}),
        );
        let (text, _, in_sync) = s.buffer(&u);
        assert!(in_sync && text == model, "save did not resync: {text:?}");
        s.hover_still_right(&u, &model);
        // Versions continue from what the server saw last.
        s.change(&u, 9, json!([{"text": model}]));
        s.change(&u, 6, json!([{"text": model}]));
        let (text, _, _) = s.buffer(&u);
        assert_eq!(text, model);
        // Start the next round from a known version.
        s.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
        s.open(&c.note(), &model, 6);
    }
    // A column past a line's end clamps (the LSP rule): in sync, no corruption.
    s.change(
        &u,
        7,
        json!([{"range": {"start": {"line": 0, "character": 999}, "end": {"line": 0, "character": 999}}, "text": "!"}]),
    );
    let first_line_end = model.find('\n').unwrap();
    model.insert(first_line_end, '!');
    assert_eq!(s.buffer(&u), (model.clone(), 7, true));
    s.hover_still_right(&u, &model);
    s.shutdown();
}

#[test]
fn unknown_methods_and_odd_messages() {
    if !server_available() {
        return;
    }
    let (_c, mut s, u) = session();
    let r = s.request("corpus-ls/noSuchThing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = s.request("textDocument/noSuchThing", json!({"x": 1}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    s.notify("$/noSuchNotification", json!({}));
    s.notify("workspace/noSuchNotification", json!([1, 2]));
    // Wrong parameter shapes for real methods.
    for params in [
        json!({}),
        json!({"textDocument": 5}),
        json!({"textDocument": {"uri": "not a uri"}, "position": {"line": -1, "character": "x"}}),
        json!([1, 2, 3]),
        Value::Null,
    ] {
        let r = s.request("textDocument/hover", params.clone());
        assert!(r.get("error").is_some() || r.get("result").is_some(), "{r}");
        s.notify("textDocument/didChange", params.clone());
        s.notify("textDocument/didOpen", params);
    }
    // A response to a request the server never sent.
    s.send(&json!({"jsonrpc": "2.0", "id": 99999, "result": {"x": 1}}));
    s.send(&json!({"jsonrpc": "2.0", "id": "str-id", "error": {"code": 1, "message": "?"}}));
    // String ids are answered under the same id.
    s.send(
        &json!({"jsonrpc": "2.0", "id": "abc", "method": "textDocument/hover",
        "params": {"textDocument": {"uri": u}, "position": utf16_pos(NOTE, "Lindqvist runs", 2)}}),
    );
    let deadline = Instant::now() + WAIT;
    loop {
        match s.recv(deadline) {
            Some(m) if m["id"] == "abc" => {
                assert!(hover_text(&m["result"]).contains("Oskar Lindqvist"), "{m}");
                break;
            }
            Some(_) => {}
            None => panic!("no answer to a string id"),
        }
    }
    s.hover_still_right(&u, NOTE);
    s.shutdown();
}

#[test]
fn malformed_frames() {
    if !server_available() {
        return;
    }
    let (_c, mut s, u) = session();
    fn frame(body: &[u8]) -> Vec<u8> {
        let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        f.extend_from_slice(body);
        f
    }
    let junk: Vec<Vec<u8>> = vec![
        frame(b"{not json"),
        frame(b"[]"),
        frame(b"null"),
        frame(b"{}"),
        frame(br#"{"jsonrpc":"2.0","id":1.5,"method":3}"#),
        frame(br#"{"jsonrpc":"1.0","id":7,"method":"textDocument/hover"}"#),
        frame(br#"{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover","params":{}}"#),
        frame(br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":"text"}"#),
        frame(b"\xff\xfe\xfd\x00\x01\x02"),
        frame(&[b'['; 100_000]),
        b"Content-Length: abc\r\n\r\n".to_vec(),
        b"Content-Type: application/json\r\n\r\n".to_vec(),
        b"\r\n\r\n\r\n".to_vec(),
        b"Content-Length: 0\r\n\r\n".to_vec(),
        b"Content-Length: -5\r\n\r\n".to_vec(),
        b"Content-Length: 99999999999999999999999\r\n\r\n".to_vec(),
        b"Content-Length: 17\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec(),
    ];
    for j in &junk {
        s.raw(j);
        s.hover_still_right(&u, NOTE);
    }
    // A well-formed frame split across writes still arrives.
    let body = json!({"jsonrpc": "2.0", "id": 4242, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": u}, "position": utf16_pos(NOTE, "Lindqvist runs", 2)}})
    .to_string();
    let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
    for chunk in framed.as_bytes().chunks(7) {
        s.raw(chunk);
        std::thread::sleep(Duration::from_millis(1));
    }
    let r = s.response(4242);
    assert!(hover_text(&r["result"]).contains("Oskar Lindqvist"), "{r}");
    s.shutdown();
}

/// Frames the framework cannot decode (duplicate top-level keys, an id past i64::MAX) once
/// stopped the server with exit status 0: each is now answered with Invalid Request, echoing
/// the id when the frame names exactly one, and the server goes on.
#[test]
fn duplicate_keys_and_big_ids_are_answered_and_the_server_goes_on() {
    if !server_available() {
        return;
    }
    let (_c, mut s, u) = session();
    let pos = utf16_pos(NOTE, "Lindqvist runs", 2);
    let params = json!({"textDocument": {"uri": u}, "position": pos}).to_string();
    let frames = [
        (
            format!(
                r#"{{"jsonrpc":"2.0","id":5,"id":"x","method":"textDocument/hover","params":{params}}}"#
            ),
            json!(null),
        ),
        (
            format!(
                r#"{{"jsonrpc":"2.0","id":901,"method":"textDocument/hover","params":{params},"params":{params}}}"#
            ),
            json!(901),
        ),
        (
            format!(
                r#"{{"jsonrpc":"2.0","jsonrpc":"2.0","id":902,"method":"textDocument/hover","params":{params}}}"#
            ),
            json!(902),
        ),
        (
            format!(
                r#"{{"jsonrpc":"2.0","id":9223372036854775808,"method":"textDocument/hover","params":{params}}}"#
            ),
            json!(9_223_372_036_854_775_808u64),
        ),
    ];
    for (body, id) in &frames {
        s.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
        let deadline = Instant::now() + WAIT;
        let answer = loop {
            match s.recv(deadline) {
                Some(m) if m.get("error").is_some() => break m,
                Some(m) if m.get("id").is_some() => s.early.push(m),
                Some(_) => {}
                None => panic!("no error answer to {body}; stderr:\n{}", s.stderr()),
            }
        };
        assert_eq!(answer["error"]["code"], -32600, "{answer}");
        assert_eq!(&answer["id"], id, "{answer}");
        s.hover_still_right(&u, NOTE);
    }
    assert!(s.stderr().contains("appears twice"), "{}", s.stderr());
    s.shutdown();
}

/// A Content-Length that is wrong by a few bytes: the frame is lost, but the stream must find
/// the next frame again (the body does not end in a newline, so the next header shares a line
/// with the leftover bytes).
#[test]
fn wrong_content_length_loses_one_frame_not_the_stream() {
    if !server_available() {
        return;
    }
    let (_c, mut s, u) = session();
    let body = json!({"jsonrpc": "2.0", "method": "$/noSuchNotification"}).to_string();
    // Too short: the tail of the body is left over in front of the next header.
    s.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len() - 3).as_bytes());
    for _ in 0..3 {
        // The first probe may be eaten by the resync; later ones must answer.
        let id = s.send_request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": utf16_pos(NOTE, "Lindqvist runs", 2)}),
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Some(m) = s.recv(deadline) {
            if m.get("id") == Some(&json!(id)) {
                assert!(hover_text(&m["result"]).contains("Oskar Lindqvist"), "{m}");
                s.hover_still_right(&u, NOTE);
                return;
            }
        }
    }
    panic!(
        "after one frame with a short Content-Length no request is answered any more; stderr:\n{}",
        s.stderr()
    );
}

#[test]
fn a_flood_of_edits_keeps_the_text_exact() {
    if !server_available() {
        return;
    }
    let (_c, mut s, u) = session();
    let mut model = NOTE.to_string();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let pieces = [
        "a",
        "é",
        " ",
        "\n",
        "😀",
        "🇵🇹",
        "Oskar ",
        "$5 million ",
        "\r\n",
        "",
    ];
    let mut version = 1;
    for i in 0..1500 {
        // A char boundary in the model, its UTF-16 position, and maybe a deletion after it.
        let bounds: Vec<usize> = model
            .char_indices()
            .map(|(i, _)| i)
            .chain([model.len()])
            .collect();
        let a = bounds[rnd(bounds.len())];
        let del = if rnd(3) == 0 { rnd(4) } else { 0 };
        let b = bounds
            .iter()
            .copied()
            .filter(|&x| x >= a)
            .nth(del)
            .unwrap_or(a);
        // Never split a CRLF: editors do not.
        let b = if b > 0
            && b < model.len()
            && model.as_bytes()[b - 1] == b'\r'
            && model.as_bytes()[b] == b'\n'
        {
            b + 1
        } else {
            b
        };
        let a = if a > 0
            && a < model.len()
            && model.as_bytes()[a - 1] == b'\r'
            && model.as_bytes()[a] == b'\n'
        {
            a - 1
        } else {
            a
        };
        let piece = pieces[rnd(pieces.len())];
        let (pa, pb) = (lsp_pos(&model, a), lsp_pos(&model, b));
        version += 1;
        s.change(
            &u,
            version,
            json!([{"range": {"start": pa, "end": pb}, "text": piece}]),
        );
        model.replace_range(a..b, piece);
        if i % 500 == 499 {
            assert_eq!(
                s.buffer(&u),
                (model.clone(), version, true),
                "after {i} edits"
            );
        }
    }
    assert_eq!(s.buffer(&u), (model.clone(), version, true));
    // Back to the note's text, then the probe.
    version += 1;
    s.change(&u, version, json!([{"text": NOTE}]));
    s.hover_still_right(&u, NOTE);
    s.shutdown();
}

/// LSP position of byte `at` of `text` (lines end at `\n`, `\r\n` or a lone `\r`).
fn lsp_pos(text: &str, at: usize) -> Value {
    let b = text.as_bytes();
    let (mut line, mut start) = (0, 0);
    for i in 0..at {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            line += 1;
            start = i + 1;
        }
    }
    json!({"line": line, "character": text[start..at].encode_utf16().count()})
}

/// Eight hovers sent at once right after opening a note in a 150-file corpus must all be
/// answered (in whatever order they come).
#[test]
fn burst_of_hovers_after_open_is_answered() {
    if !server_available() {
        return;
    }
    let c = Corpus::new();
    for i in 0..150 {
        std::fs::write(
            c.root.join(format!("articles/extra{i}.md")),
            format!("# Report {i}\n\nOskar Lindqvist met Ines Barros {i} times.\n").repeat(5),
        )
        .unwrap();
    }
    let mut s = Server::start(&c.root);
    let u = s.open(&c.note(), NOTE, 1);
    let ids: Vec<i64> = (0..8)
        .map(|_| {
            s.send_request(
                "textDocument/hover",
                json!({"textDocument": {"uri": u}, "position": utf16_pos(NOTE, "Lindqvist runs", 2)}),
            )
        })
        .collect();
    for id in ids {
        let r = s.response(id);
        assert!(hover_text(&r["result"]).contains("Oskar Lindqvist"), "{r}");
    }
    s.shutdown();
}

#[test]
fn cancelled_requests_and_the_server_goes_on() {
    if !server_available() {
        return;
    }
    let c = Corpus::new();
    // A bigger corpus so whole-workspace requests take a moment.
    for i in 0..150 {
        std::fs::write(
            c.root.join(format!("articles/extra{i}.md")),
            format!(
                "# Report {i}\n\nOskar Lindqvist met Ines Barros {i} times; Harwick Mills paid ${i} million.\n"
            )
            .repeat(5),
        )
        .unwrap();
    }
    let mut s = Server::start(&c.root);
    let u = s.open(&c.note(), NOTE, 1);
    let mut ids = Vec::new();
    for _ in 0..20 {
        ids.push(s.send_request("workspace/symbol", json!({"query": ""})));
        ids.push(s.send_request(
            "textDocument/references",
            json!({"textDocument": {"uri": u}, "position": utf16_pos(NOTE, "Lindqvist", 1),
                   "context": {"includeDeclaration": true}}),
        ));
    }
    for id in &ids {
        s.notify("$/cancelRequest", json!({"id": id}));
    }
    // Cancel ids that never existed or are done.
    s.notify("$/cancelRequest", json!({"id": 123456}));
    s.notify("$/cancelRequest", json!({"id": "nope"}));
    for id in ids {
        let r = s.response(id);
        assert!(
            r.get("result").is_some() || r["error"]["code"] == -32800,
            "a cancelled request got {r}"
        );
        // A burst of large answers must each get its own text, not the relay's stand-in.
        assert!(
            !r.to_string().contains("corpus-ls-preserialized"),
            "an answer leaked its marker: {r}"
        );
    }
    s.hover_still_right(&u, NOTE);
    s.shutdown();
}

#[test]
fn shutdown_and_exit_mid_index() {
    if !server_available() {
        return;
    }
    let c = Corpus::new();
    let para =
        "Oskar Lindqvist of Harwick Mills said exports rose 12 percent to $45 million in Lisbon. ";
    for i in 0..400 {
        std::fs::write(
            c.root.join(format!("articles/bulk{i}.md")),
            format!("# Bulk {i}\n\n{}\n", para.repeat(40)),
        )
        .unwrap();
    }
    let before = c.snapshot();
    // Shutdown right after initialized, while the index is being built.
    let mut s = Server::spawn();
    s.initialize(&c.root);
    let u = s.open(&c.note(), NOTE, 1);
    // A request mid-index answers (anything) rather than hanging.
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": utf16_pos(NOTE, "Lindqvist runs", 2)}),
    );
    assert!(r.get("result").is_some() || r.get("error").is_some());
    let t = Instant::now();
    s.shutdown();
    assert!(
        t.elapsed() < Duration::from_secs(30),
        "shutdown took {:?}",
        t.elapsed()
    );
    // Exit without shutdown, and end of input without either: the process still ends.
    for polite in [false, true] {
        let mut s = Server::spawn();
        s.initialize(&c.root);
        if polite {
            s.notify("exit", Value::Null);
        }
        drop(s.stdin.take());
        let deadline = Instant::now() + WAIT;
        while s.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the server outlived its input");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    assert!(before == c.snapshot(), "a corpus file changed");
}

/// Nothing lost: a session that opens, edits, saves, closes, asks for code actions on every
/// line and every other read-only request leaves every file below the root byte-identical with
/// its modification time; code actions carry edits for the client to apply, never commands the
/// server would run against the disk.
#[test]
fn the_server_writes_no_user_file() {
    if !server_available() {
        return;
    }
    let c = Corpus::new();
    let before = c.snapshot();
    let mut s = Server::start(&c.root);
    let u = s.open(&c.note(), NOTE, 1);
    let a = s.open(&c.article(), ARTICLE, 1);
    s.hover_still_right(&u, NOTE);
    for (doc, text) in [(&u, NOTE), (&a, ARTICLE)] {
        let lines = text.lines().count();
        for line in 0..lines {
            let len = text.lines().nth(line).unwrap().encode_utf16().count();
            let r = s.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": doc},
                       "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": len}},
                       "context": {"diagnostics": []}}),
            );
            for action in r["result"].as_array().into_iter().flatten() {
                assert!(
                    action.get("command").is_none() || action.get("edit").is_some(),
                    "a code action without an edit runs a command: {action}"
                );
                if let Some(changes) = action["edit"]["changes"].as_object() {
                    assert!(
                        changes.keys().all(|k| k.starts_with(&uri(&c.root))),
                        "{action}"
                    );
                }
                for dc in action["edit"]["documentChanges"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let target = dc["textDocument"]["uri"]
                        .as_str()
                        .or(dc["uri"].as_str())
                        .unwrap_or("");
                    assert!(target.starts_with(&uri(&c.root)), "{action}");
                }
            }
        }
        for method in [
            "textDocument/documentSymbol",
            "textDocument/semanticTokens/full",
            "textDocument/codeLens",
        ] {
            s.request(method, json!({"textDocument": {"uri": doc}}));
        }
    }
    s.change(
        &u,
        2,
        json!([{"text": format!("{NOTE}\nA new line the user typed.\n")}]),
    );
    s.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": u}, "text": format!("{NOTE}\nA new line the user typed.\n")}),
    );
    s.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&c.article()), "type": 2}]}),
    );
    s.request("workspace/symbol", json!({"query": "Lind"}));
    let applied: Vec<&Value> = s
        .notes
        .iter()
        .filter(|n| n["method"] == "workspace/applyEdit")
        .collect();
    assert!(
        applied.is_empty(),
        "the server pushed edits unasked: {applied:?}"
    );
    s.shutdown();
    assert!(before == c.snapshot(), "a file below the root changed");
}
