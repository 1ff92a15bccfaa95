//! An edit is never held up by a whole root's publish: after the cold index, the server
//! publishes every file's diagnostics (over a minute at 100k articles) on a low-priority thread
//! of its own, and a note opened and typed into meanwhile must get its own diagnostics at once
//! from the publisher, which never waits for that thread (`lsp::publish`). There is no
//! test-only switch to slow the whole publish down any more: the note's diagnostics and the
//! hover must come within the limits below whether or not it still runs, and it must end.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{default_capabilities, uri, write_corpus, LspClient};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Files in the corpus.
const ARTICLES: usize = 30;
/// How long a note's own diagnostics may take while the slow publish runs.
const PROMPT: Duration = Duration::from_secs(5);

fn wait_version(c: &mut LspClient, u: &str, v: i64, limit: Duration) -> Option<Value> {
    let u = u.to_string();
    c.wait_notification(limit, move |n| {
        n["method"] == "textDocument/publishDiagnostics"
            && n["params"]["uri"] == u
            && n["params"]["version"] == v
    })
}

#[test]
fn a_note_gets_its_diagnostics_while_the_cold_index_is_still_publishing() {
    let mut files: Vec<(String, String)> = (0..ARTICLES)
        .map(|i| {
            (
                format!("news/story-{i:02}.txt"),
                format!(
                    "Harbour town {i} reports\n\nThe port of Velmora handled {} containers in \
                     March, the harbour office said on Tuesday.\n",
                    1000 + i * 10
                ),
            )
        })
        .collect();
    files.push((
        "notes/port.md".into(),
        "# Port notes\n\nVelmora handled 1,000 containers in March.\n".into(),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = write_corpus(&refs);
    let root = lsp_client::canon(dir.path());
    // Only this test runs in this binary: the server inherits the variable.
    std::env::set_var("CORPUS_LS_TRACE", "1");
    let (mut c, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    let note = root.join("notes/port.md");
    let text = std::fs::read_to_string(&note).unwrap();
    let u = c.open_text(&note, &text, 1);
    assert!(
        wait_version(&mut c, &u, 1, PROMPT).is_some(),
        "no diagnostics for the opened note within {PROMPT:?}; stderr:\n{}",
        c.stderr()
    );
    let end = text.lines().count() - 1;
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": {"start": {"line": end, "character": 0},
                                             "end": {"line": end, "character": 0}},
                                   "text": "Then "}]}),
    );
    assert!(
        wait_version(&mut c, &u, 2, PROMPT).is_some(),
        "no diagnostics for the first edit within {PROMPT:?}; stderr:\n{}",
        c.stderr()
    );
    // A request is answered meanwhile too.
    let t = Instant::now();
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&root.join("news/story-29.txt"))},
               "position": {"line": 2, "character": 14}}),
    );
    assert!(t.elapsed() < PROMPT, "hover took {:?}: {h}", t.elapsed());
    // The whole publish does end.
    let done = "published 31 files of the cold index";
    let deadline = Instant::now() + Duration::from_secs(30);
    while !c.stderr().contains(done) {
        assert!(Instant::now() < deadline, "{}", c.stderr());
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = c.shutdown();
}
