//! Soak: an hour of typing, compressed. Copies a corpus (default: the BBC corpus in
//! `../shared/corpora/bbc-news`) to a temp folder, starts `corpus-ls serve`, opens a note and
//! sends N random incremental edits (default 20,000) over stdio, checking the server's text
//! against a model and asking for a hover every 50 edits (so the server is loaded, not only
//! fed). Samples the server's resident memory (VmRSS from /proc) along the way and prints a
//! Markdown table for BENCHMARKS.md. Fails (exit 1) on a crash, a hang or a text mismatch.
//!
//! ```text
//! cargo build --release && cargo run --release --example soak -- [CORPUS] [EDITS]
//! ```
//! The server binary is `$CORPUS_LS_BIN`, else `corpus-ls` beside this example's folder.

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

#[path = "../tests/common/pipes.rs"]
mod pipes;

const WAIT: Duration = Duration::from_secs(600);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let corpus = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/corpora/bbc-news"));
    let edits: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20_000);
    if !corpus.is_dir() {
        eprintln!("soak: {} is not a folder; nothing to do", corpus.display());
        std::process::exit(2);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let root = std::fs::canonicalize(dir.path()).unwrap().join("corpus");
    let (files, bytes) = copy_tree(&corpus, &root);
    let note_path = root.join("notes/soak.md");
    std::fs::create_dir_all(note_path.parent().unwrap()).unwrap();
    let note = "# Soak notes\n\nGordon Brown said the economy grew 3 percent in 2004.\n\n\
                Tony Blair met Microsoft in London on Monday, June 6, 2005.\n";
    std::fs::write(&note_path, note).unwrap();
    println!(
        "corpus: {} ({files} files, {:.1} MB), edits: {edits}",
        corpus.display(),
        bytes as f64 / 1e6
    );

    let mut s = Server::spawn();
    let rss0 = s.rss_kb();
    let t0 = Instant::now();
    s.initialize(&root);
    s.wait_progress_end();
    let index_time = t0.elapsed();
    let rss_indexed = s.rss_kb();
    eprintln!(
        "soak: indexed in {:.1} s, VmRSS {:.1} MB",
        index_time.as_secs_f64(),
        rss_indexed as f64 / 1024.0
    );
    let u = uri(&note_path);
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u, "languageId": "markdown", "version": 1, "text": note}}),
    );
    let mut model = note.to_string();
    let mut version = 1i64;
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut rnd = move |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n.max(1) as u64) as usize
    };
    let words = [
        "the",
        "Gordon",
        "Brown",
        "said",
        "£5bn",
        "3%",
        "Microsoft",
        "in",
        "2005",
        "é",
        "😀",
        "\n",
        ", ",
        ". ",
        "percent",
        "Blair",
    ];
    let mut samples = vec![(0usize, s.rss_kb(), Duration::ZERO)];
    let t1 = Instant::now();
    let mut hover_max = Duration::ZERO;
    for i in 1..=edits {
        // Mostly typing at a cursor that wanders, sometimes deleting, sometimes a paste.
        let bounds: Vec<usize> = model
            .char_indices()
            .map(|(i, _)| i)
            .chain([model.len()])
            .collect();
        let a = bounds[rnd(bounds.len())];
        let (b, text) = match rnd(10) {
            0..=5 => (a, words[rnd(words.len())].to_string()),
            6..=8 => {
                let k = bounds.partition_point(|&x| x < a);
                (
                    bounds[(k + 1 + rnd(3)).min(bounds.len() - 1)],
                    String::new(),
                )
            }
            _ => (a, "Gordon Brown met Tony Blair. ".repeat(1 + rnd(3))),
        };
        // Keep the note small enough that a typing session stays realistic.
        let (b, text) = if model.len() > 20_000 && text.len() > 1 {
            (
                bounds[(bounds.partition_point(|&x| x < a) + 40).min(bounds.len() - 1)],
                String::new(),
            )
        } else {
            (b, text)
        };
        version += 1;
        s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": version},
                   "contentChanges": [{"range": {"start": lsp_pos(&model, a), "end": lsp_pos(&model, b)}, "text": text}]}),
        );
        model.replace_range(a..b, &text);
        if i % 50 == 0 {
            let h0 = Instant::now();
            let mut at = rnd(model.len() + 1).min(model.len());
            while !model.is_char_boundary(at) {
                at -= 1;
            }
            let r = s.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": u}, "position": lsp_pos(&model, at)}),
            );
            hover_max = hover_max.max(h0.elapsed());
            if r.get("result").is_none() && r.get("error").is_none() {
                fail(&s, &format!("bad hover answer after {i} edits: {r}"));
            }
        }
        if i % (edits / 20).max(1) == 0 || i == edits {
            let r = s.request(
                "corpus-ls/documentText",
                json!({"textDocument": {"uri": u}}),
            );
            if r["result"]["text"].as_str() != Some(model.as_str()) {
                fail(
                    &s,
                    &format!("the server's text differs from the model after {i} edits"),
                );
            }
            samples.push((i, s.rss_kb(), t1.elapsed()));
            eprintln!(
                "soak: {i} edits, VmRSS {:.1} MB, {:.1} s",
                s.rss_kb() as f64 / 1024.0,
                t1.elapsed().as_secs_f64()
            );
        }
    }
    let total = t1.elapsed();
    s.shutdown();
    println!();
    println!("| edits | VmRSS (MB) | elapsed (s) |");
    println!("|---:|---:|---:|");
    println!("| before initialize | {:.1} | |", rss0 as f64 / 1024.0);
    println!(
        "| after the index ({:.1} s) | {:.1} | |",
        index_time.as_secs_f64(),
        rss_indexed as f64 / 1024.0
    );
    for (i, rss, t) in &samples {
        println!(
            "| {i} | {:.1} | {:.1} |",
            *rss as f64 / 1024.0,
            t.as_secs_f64()
        );
    }
    let max = samples.iter().map(|s| s.1).max().unwrap_or(0);
    println!();
    println!(
        "{edits} edits in {:.1} s ({:.0} edits/s), text exact at every check, slowest hover {:.1} ms, \
         peak VmRSS {:.1} MB, final {:.1} MB, note {} bytes",
        total.as_secs_f64(),
        edits as f64 / total.as_secs_f64(),
        hover_max.as_secs_f64() * 1e3,
        max as f64 / 1024.0,
        samples.last().map_or(0, |s| s.1) as f64 / 1024.0,
        model.len()
    );
}

fn fail(s: &Server, why: &str) -> ! {
    eprintln!("soak: FAILED: {why}\nserver stderr:\n{}", s.stderr());
    std::process::exit(1);
}

/// Copies the corpus files (`.md`, `.txt`, ...) below `from` to `to`; returns (files, bytes).
fn copy_tree(from: &Path, to: &Path) -> (usize, u64) {
    let (mut n, mut bytes) = (0, 0);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            let (a, b) = copy_tree(&p, &t);
            n += a;
            bytes += b;
        } else if ft.is_file() {
            bytes += std::fs::copy(&p, &t).unwrap();
            n += 1;
        }
    }
    (n, bytes)
}

fn lsp_pos(text: &str, at: usize) -> Value {
    let before = &text[..at];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": before[start..].encode_utf16().count()})
}

fn uri(p: &Path) -> String {
    let mut s = String::from("file://");
    for b in p.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

fn server_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("CORPUS_LS_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("current exe");
    exe.parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("corpus-ls"))
        .expect("target folder")
}

impl Server {
    fn spawn() -> Server {
        let mut child = Command::new(server_binary())
            .arg("serve")
            // Cold index unless the caller asks for the warm-start cache; never the user's.
            .env(
                "CORPUS_LS_CACHE",
                std::env::var("CORPUS_LS_CACHE").unwrap_or_else(|_| "off".into()),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start corpus-ls serve (build it first: cargo build --release)");
        let stdin = child.stdin.take().unwrap();
        let (rx, stderr) = pipes::attach(&mut child);
        Server {
            child,
            stdin,
            rx,
            next_id: 1,
            stderr,
        }
    }
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
    fn rss_kb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }
    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        let ok = write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|_| self.stdin.flush());
        if ok.is_err() {
            fail(self, "the server closed its input (crashed?)");
        }
    }
    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }
    /// Next message; answers the server's own requests.
    fn next(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(m) = self.rx.recv_timeout(left) else {
            fail(self, "no message from the server in time (hang or crash)");
        };
        if m.get("method").is_some() && m.get("id").is_some() {
            let result = if m["method"] == "workspace/configuration" {
                Value::Array(vec![
                    Value::Null;
                    m["params"]["items"].as_array().map_or(1, Vec::len)
                ])
            } else {
                Value::Null
            };
            self.send(&json!({"jsonrpc": "2.0", "id": m["id"], "result": result}));
        }
        m
    }
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + WAIT;
        loop {
            let m = self.next(deadline);
            if m.get("method").is_none() && m["id"] == json!(id) {
                return m;
            }
        }
    }
    fn initialize(&mut self, root: &Path) {
        let u = uri(root);
        self.request(
            "initialize",
            json!({"processId": null, "rootUri": u, "workspaceFolders": [{"uri": u, "name": "soak"}],
                   "capabilities": {"window": {"workDoneProgress": true}}}),
        );
        self.notify("initialized", json!({}));
    }
    fn wait_progress_end(&mut self) {
        let deadline = Instant::now() + WAIT;
        loop {
            let m = self.next(deadline);
            if m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end" {
                return;
            }
        }
    }
    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                fail(&self, "the server did not exit after shutdown");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
