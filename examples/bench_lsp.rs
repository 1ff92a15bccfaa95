//! Request latencies of the language server over stdio: cold index, hover, references,
//! documentSymbol, and keystroke to fresh diagnostics. Prints p50/p99 per request kind.
//!
//! `cargo build --release && cargo run --release --example bench_lsp -- ROOT [SAMPLES [OPENS]]`

#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{canon, default_capabilities, uri, LspClient, TIMEOUT};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("md" | "txt" | "markdown")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn pct(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn report(name: &str, samples: &mut [Duration]) {
    let n = samples.len();
    let (p50, p99) = (pct(samples, 0.5), pct(samples, 0.99));
    println!(
        "| {name} | {n} | {:.3} | {:.3} |",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );
}

/// Positions of the first tokens of a file (from semantic tokens), else a few fixed ones.
fn token_positions(tokens: &Value, max: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let (mut line, mut col) = (0u64, 0u64);
    if let Some(d) = tokens["data"].as_array() {
        for t in d.chunks(5).take(max) {
            let dl = t[0].as_u64().unwrap_or(0);
            let ds = t[1].as_u64().unwrap_or(0);
            if dl > 0 {
                line += dl;
                col = ds;
            } else {
                col += ds;
            }
            out.push(json!({"line": line, "character": col + 1}));
        }
    }
    if out.is_empty() {
        out = (0..max as u64)
            .map(|i| json!({"line": i, "character": 3}))
            .collect();
    }
    out
}

/// A field of the server's `/proc/PID/status` in kB (0 where unavailable).
fn server_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// What an editor asks about a file it shows: semantic tokens, then a hover on each of the
/// first three tokens and the outline (both timed). Returns the hovered positions.
fn look_at(
    c: &mut LspClient,
    u: &str,
    hover: &mut Vec<Duration>,
    symbols: &mut Vec<Duration>,
) -> Vec<Value> {
    let toks = c.result(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": u}}),
    );
    let positions = token_positions(&toks, 3);
    for p in &positions {
        let t = Instant::now();
        let _ = c.result(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": p}),
        );
        hover.push(t.elapsed());
    }
    let t = Instant::now();
    let _ = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    symbols.push(t.elapsed());
    positions
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = canon(Path::new(
        args.get(1).map(String::as_str).unwrap_or("examples/corpus"),
    ));
    let samples: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    // Files opened as an editor would before asking about them (0 leaves that part out).
    let opens: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(30);
    let files = corpus_files(&root);
    println!("corpus: {} ({} files)", root.display(), files.len());
    let t0 = Instant::now();
    let (mut c, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    println!(
        "cold index (initialize to $/progress end): {:.1} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );
    let pid = c.pid();
    let memory = |when: &str| {
        let (hwm, rss) = (server_kb(pid, "VmHWM"), server_kb(pid, "VmRSS"));
        println!("server memory {when}: peak (VmHWM) {hwm} KB, resident {rss} KB");
    };
    memory("after the cold index");
    println!();
    println!("| request | samples | p50 ms | p99 ms |");
    println!("|---|---|---|---|");
    let step = (files.len() / samples.max(1)).max(1);
    let picked: Vec<&PathBuf> = files.iter().step_by(step).take(samples).collect();
    // The file typed into at the end: a note when there is one, else an article from the
    // middle of the corpus (not a README).
    let articles: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("README"))
        })
        .collect();
    let notes: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.components().any(|c| c.as_os_str() == "notes"))
        .collect();
    // `article` as the fourth argument types into an article with the last note open (the
    // note whose re-check a whole-notes publish in path order would reach last).
    let into_article = args.get(4).is_some_and(|a| a == "article");
    let watched = notes.last().copied().filter(|_| into_article);
    let note = notes
        .first()
        .copied()
        .filter(|_| !into_article)
        .or(articles.get(articles.len() / 2).copied())
        .cloned()
        .expect("a file");
    let mut hover = Vec::new();
    let mut symbols = Vec::new();
    let mut targets = Vec::new();
    for f in &picked {
        let u = uri(f);
        for p in look_at(&mut c, &u, &mut hover, &mut symbols) {
            targets.push((u.clone(), p));
        }
    }
    report("hover (file not open)", &mut hover);
    report("documentSymbol (file not open)", &mut symbols);
    // As an editor asks: a file is opened (its diagnostics come), then its semantic tokens,
    // hovers and outline. Editors only ask about open files.
    let mut opened = Vec::new();
    let mut hover_open = Vec::new();
    let mut symbols_open = Vec::new();
    for f in picked
        .iter()
        .filter(|f| ***f != note)
        .take(samples.min(opens))
    {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        c.forget_notifications();
        let t = Instant::now();
        let u = c.open_text(f, &text, 1);
        if c.wait_diagnostics(&u, Some(1)).is_none() {
            eprintln!(
                "no diagnostics for opened {} within {TIMEOUT:?}",
                f.display()
            );
            continue;
        }
        opened.push(t.elapsed());
        look_at(&mut c, &u, &mut hover_open, &mut symbols_open);
    }
    report("didOpen → diagnostics", &mut opened);
    report("hover (open file)", &mut hover_open);
    report("documentSymbol (open file)", &mut symbols_open);
    // References to the most-mentioned entity (workspace/symbol sorts by mentions on an empty query).
    let ws = c.result("workspace/symbol", json!({"query": ""}));
    let mut refs = Vec::new();
    let mut found = 0;
    if let Some(top) = ws.as_array().and_then(|a| a.first()) {
        let u = top["location"]["uri"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let p = top["location"]["range"]["start"].clone();
        for _ in 0..samples.min(50) {
            let t = Instant::now();
            let r = c.result(
                "textDocument/references",
                json!({"textDocument": {"uri": u}, "position": p, "context": {"includeDeclaration": true}}),
            );
            refs.push(t.elapsed());
            found = r.as_array().map_or(0, |a| a.len());
        }
        println!(
            "<!-- references target: {} ({} mentions) -->",
            top["name"], found
        );
        // The same with a partialResultToken: the first partial result, and the whole answer.
        let (mut first, mut whole) = (Vec::new(), Vec::new());
        for k in 0..samples.min(50) {
            let token = format!("bench-refs-{k}");
            let t = Instant::now();
            let id = c.send_request(
                "textDocument/references",
                json!({"textDocument": {"uri": u}, "position": p,
                       "context": {"includeDeclaration": true}, "partialResultToken": token}),
            );
            // (a server that answers whole, an older build, sends none: this waits it out)
            let got = c.wait_notification(TIMEOUT, |n| {
                n["method"] == "$/progress" && n["params"]["token"] == token.as_str()
            });
            if got.is_none() {
                break;
            }
            first.push(t.elapsed());
            let _ = c.response(id, TIMEOUT);
            whole.push(t.elapsed());
            c.forget_notifications();
        }
        report("references, first partial result", &mut first);
        report("references, streamed whole answer", &mut whole);
    } else {
        for (u, p) in targets.iter().take(samples.min(50)) {
            let t = Instant::now();
            let _ = c.result(
                "textDocument/references",
                json!({"textDocument": {"uri": u}, "position": p, "context": {"includeDeclaration": true}}),
            );
            refs.push(t.elapsed());
        }
    }
    report("references (most-mentioned entity)", &mut refs);
    // Keystroke to diagnostics: type into an open file, wait for diagnostics of that version.
    println!("<!-- typing into {} -->", note.display());
    let text = std::fs::read_to_string(&note).unwrap_or_default();
    c.forget_notifications();
    let u = c.open_text(&note, &text, 1);
    let t = Instant::now();
    match c.wait_diagnostics(&u, Some(1)) {
        Some(_) => println!(
            "<!-- diagnostics of the opened file after {:.1} ms -->",
            t.elapsed().as_secs_f64() * 1e3
        ),
        None => eprintln!("no diagnostics for the opened file (version 1) within {TIMEOUT:?}"),
    }
    let watched = watched.map(|w| {
        let u = c.open_text(w, &std::fs::read_to_string(w).unwrap_or_default(), 1);
        if c.wait_diagnostics(&u, Some(1)).is_none() {
            eprintln!("no diagnostics for the open note within {TIMEOUT:?}");
        }
        println!("<!-- with {} open -->", w.display());
        u
    });
    let mut watched_times = Vec::new();
    // Versions go on from the last one sent, whatever came back.
    let mut version = 1i64;
    // Typing at the end of the text, as one writes a note.
    let last_line = text.matches('\n').count();
    let col0 = text[text.rfind('\n').map_or(0, |i| i + 1)..]
        .encode_utf16()
        .count();
    let mut keys = Vec::new();
    let mut typed = 0;
    for _ in 0..samples.min(100) {
        version += 1;
        let v = version;
        let at = json!({"line": last_line, "character": col0 + typed});
        typed += 1;
        c.forget_notifications();
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": v},
                   "contentChanges": [{"range": {"start": at, "end": at}, "text": "x"}]}),
        );
        if c.wait_diagnostics(&u, Some(v)).is_none() {
            eprintln!("no diagnostics for version {v} within {TIMEOUT:?}");
            break;
        }
        keys.push(t.elapsed());
        if let Some(w) = &watched {
            if c.wait_diagnostics(w, Some(1)).is_none() {
                eprintln!("no diagnostics for the open note after version {v} within {TIMEOUT:?}");
                break;
            }
            watched_times.push(t.elapsed());
        }
    }
    report("keystroke → diagnostics", &mut keys);
    if watched.is_some() {
        report(
            "keystroke → the open note's diagnostics",
            &mut watched_times,
        );
    }
    // Typing a sentence with names: keystrokes that add and change names (`Arlo Q`, `Arlo Qu`),
    // which change the registry and the gazetteer's name set.
    let typed0 = typed;
    let sentence = " Minister Arlo Quinlan met Vice Premier Liu He in Geneva.";
    let mut names = Vec::new();
    for (k, ch) in sentence.chars().take(samples.max(1)).enumerate() {
        version += 1;
        let v = version;
        let at = json!({"line": last_line, "character": col0 + typed0 + k});
        c.forget_notifications();
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": v},
                   "contentChanges": [{"range": {"start": at, "end": at}, "text": ch.to_string()}]}),
        );
        if c.wait_diagnostics(&u, Some(v)).is_none() {
            eprintln!("no diagnostics for version {v} within {TIMEOUT:?}");
            break;
        }
        names.push(t.elapsed());
    }
    report("keystroke typing names → diagnostics", &mut names);
    // Then a request that needs the registry, as soon as the typing stops.
    let t = Instant::now();
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": last_line, "character": col0 + typed0 + 12}}),
    );
    report("hover right after typing names", &mut [t.elapsed()]);
    let said = h["contents"]["value"].as_str().unwrap_or("(no hover)");
    println!("<!-- it said: {} -->", said.replace('\n', " "));
    // Hover while typing: edits at a steady rate into the same file, a hover on its first
    // entity after every fifth edit (the answer must not wait for re-analysis to catch up).
    let toks = c.result(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": u}}),
    );
    let spot = token_positions(&toks, 1)
        .pop()
        .unwrap_or(json!({"line": 0, "character": 0}));
    let mut typed = typed0 + sentence.chars().count();
    for rate in [20u64, 200] {
        let gap = Duration::from_micros(1_000_000 / rate);
        let mut hovers = Vec::new();
        let start = Instant::now();
        for k in 0..samples.clamp(10, 200) {
            version += 1;
            let at = json!({"line": last_line, "character": col0 + typed});
            typed += 1;
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": u, "version": version},
                       "contentChanges": [{"range": {"start": at, "end": at}, "text": "y"}]}),
            );
            if k % 5 == 4 {
                let t = Instant::now();
                let _ = c.result(
                    "textDocument/hover",
                    json!({"textDocument": {"uri": u}, "position": spot}),
                );
                hovers.push(t.elapsed());
            }
            let due = start + gap * (k as u32 + 1);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        report(
            &format!("hover while typing at {rate} edits/s"),
            &mut hovers,
        );
        c.forget_notifications();
    }
    if std::env::var_os("CORPUS_LS_TRACE").is_some() {
        eprintln!("{}", c.stderr());
    }
    memory("at the end");
    c.shutdown();
}
