//! The server's text stays the editor's text: hundreds of incremental edits in order, version
//! gaps and bad edits put a document out of sync until a full text or a save, UTF-8 positions.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{default_capabilities, write_corpus, LspClient};
use serde_json::{json, Value};

/// A client-side model of a buffer, to compute the expected text and UTF-16/UTF-8 positions.
struct Model {
    text: String,
}

impl Model {
    fn position(&self, char_idx: usize, utf8: bool) -> Value {
        let byte = self
            .text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(i, _)| i);
        let before = &self.text[..byte];
        let line = before.matches('\n').count();
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = if utf8 {
            byte - start
        } else {
            self.text[start..byte].encode_utf16().count()
        };
        json!({"line": line, "character": col})
    }
    fn replace(&mut self, a: usize, b: usize, with: &str) {
        let ba = self
            .text
            .char_indices()
            .nth(a)
            .map_or(self.text.len(), |(i, _)| i);
        let bb = self
            .text
            .char_indices()
            .nth(b)
            .map_or(self.text.len(), |(i, _)| i);
        self.text.replace_range(ba..bb, with);
    }
}

/// A tiny deterministic generator (no dependency, same edits every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn change(uri: &str, version: i64, changes: Value) -> Value {
    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes})
}

fn run_edits(utf8: bool) {
    let dir = write_corpus(&[("notes/n.md", "Start of the note.\n")]);
    let caps = if utf8 {
        let mut c = default_capabilities();
        c["general"] = json!({"positionEncodings": ["utf-8", "utf-16"]});
        c
    } else {
        default_capabilities()
    };
    let (mut c, init) = LspClient::start(&[dir.path()], Value::Null, caps);
    let enc = init["capabilities"]["positionEncoding"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(enc, if utf8 { "utf-8" } else { "utf-16" });
    let path = dir.path().join("notes/n.md");
    let mut model = Model {
        text: "Start of the note.\n".to_string(),
    };
    let uri = c.open_text(&path, &model.text, 1);
    let pieces = [
        "a",
        "Liu He ",
        "é",
        "😀",
        "\n",
        "ZTE",
        " ",
        "$50 billion",
        "中文",
        "",
    ];
    let mut rng = Lcg(7);
    let n = 400;
    for v in 2..(n + 2) {
        let len = model.text.chars().count();
        let a = rng.next(len + 1);
        let b = (a + rng.next(4)).min(len);
        let with = pieces[rng.next(pieces.len())];
        let (pa, pb) = (model.position(a, utf8), model.position(b, utf8));
        model.replace(a, b, with);
        c.notify(
            "textDocument/didChange",
            change(
                &uri,
                v as i64,
                json!([{"range": {"start": pa, "end": pb}, "text": with}]),
            ),
        );
    }
    let got = c.document_text(&uri);
    assert_eq!(got["version"], n as i64 + 1);
    assert_eq!(got["inSync"], true);
    assert_eq!(got["text"].as_str().unwrap(), model.text);
    // Diagnostics come for the last version only once the edits settle.
    let d = c
        .wait_diagnostics(&uri, Some(n as i64 + 1))
        .expect("diagnostics for the last version");
    assert_eq!(d["version"], n as i64 + 1);
    c.shutdown();
}

#[test]
fn hundreds_of_incremental_edits_keep_the_text_utf16() {
    run_edits(false);
}

#[test]
fn hundreds_of_incremental_edits_keep_the_text_utf8() {
    run_edits(true);
}

#[test]
fn a_version_gap_goes_out_of_sync_until_full_text() {
    let dir = write_corpus(&[("a.md", "One two three.\n")]);
    let (mut c, _) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    let uri = c.open_text(&dir.path().join("a.md"), "One two three.\n", 1);
    let at = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    c.notify(
        "textDocument/didChange",
        change(&uri, 2, json!([{"range": at, "text": "A "}])),
    );
    // Version 3 never arrives.
    c.notify(
        "textDocument/didChange",
        change(&uri, 4, json!([{"range": at, "text": "B "}])),
    );
    let t = c.document_text(&uri);
    assert_eq!(t["inSync"], false);
    assert_eq!(
        t["text"], "A One two three.\n",
        "the edit after the gap is not applied"
    );
    c.notify(
        "textDocument/didChange",
        change(&uri, 5, json!([{"range": at, "text": "C "}])),
    );
    assert_eq!(c.document_text(&uri)["inSync"], false);
    c.notify(
        "textDocument/didChange",
        change(&uri, 6, json!([{"text": "Fresh text.\n"}])),
    );
    let t = c.document_text(&uri);
    assert_eq!(t["inSync"], true);
    assert_eq!(t["text"], "Fresh text.\n");
    assert_eq!(t["version"], 6);
    c.wait_diagnostics(&uri, Some(6))
        .expect("diagnostics again after the resync");
    c.notify(
        "textDocument/didChange",
        change(&uri, 7, json!([{"range": at, "text": "Very "}])),
    );
    assert_eq!(c.document_text(&uri)["text"], "Very Fresh text.\n");
    c.shutdown();
}

#[test]
fn an_edit_past_the_end_goes_out_of_sync_until_save() {
    let dir = write_corpus(&[("a.md", "Line one.\nLine two.\n")]);
    let (mut c, _) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    let uri = c.open_text(&dir.path().join("a.md"), "Line one.\nLine two.\n", 1);
    let far = json!({"start": {"line": 40, "character": 0}, "end": {"line": 41, "character": 0}});
    c.notify(
        "textDocument/didChange",
        change(&uri, 2, json!([{"range": far, "text": "x"}])),
    );
    assert_eq!(c.document_text(&uri)["inSync"], false);
    // Columns past a line's end clamp (the LSP says so) once back in sync.
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}, "text": "Saved.\n"}),
    );
    let t = c.document_text(&uri);
    assert_eq!(
        (t["inSync"].clone(), t["text"].clone()),
        (json!(true), json!("Saved.\n"))
    );
    let eol = json!({"start": {"line": 0, "character": 99}, "end": {"line": 0, "character": 99}});
    c.notify(
        "textDocument/didChange",
        change(&uri, 3, json!([{"range": eol, "text": "!"}])),
    );
    assert_eq!(c.document_text(&uri)["text"], "Saved.!\n");
    c.shutdown();
}

#[test]
fn edits_for_unknown_documents_change_nothing() {
    let dir = write_corpus(&[("a.md", "Text.\n")]);
    let (mut c, _) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    let ghost = lsp_client::uri(&dir.path().join("ghost.md"));
    let at = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    c.notify(
        "textDocument/didChange",
        change(&ghost, 2, json!([{"range": at, "text": "x"}])),
    );
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": ghost}}),
    );
    assert_eq!(c.document_text(&ghost), Value::Null);
    let uri = c.open(&dir.path().join("a.md"));
    assert_eq!(c.document_text(&uri)["text"], "Text.\n");
    c.shutdown();
}
