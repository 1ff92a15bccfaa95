//! The server's text stays the editor's text: hundreds of incremental edits in order, the
//! version sequences real editors send (Neovim's changedtick, Eglot's batches) kept in sync,
//! versions that do not increase and bad edits out of sync until a full text or a save, UTF-8
//! positions.

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

/// An article and a note whose figure disagrees with it (the note says 6,500 workers).
const ARTICLE: &str = "Harrowgate Looms said on Tuesday that it employs 4,800 weavers at its \
Kelby mill, which opened in 1998.\n";
const NOTE: &str = "# Mill notes\n\nHarrowgate Looms employs 6,500 weavers at its Kelby mill.\n";

/// The range of the first `needle` in `text`, UTF-16 columns.
fn range_of(text: &str, needle: &str) -> Value {
    json!({"start": lsp_client::pos_of(text, needle, 0),
           "end": lsp_client::pos_of(text, needle, needle.chars().count())})
}

fn codes(d: &Value) -> Vec<String> {
    d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Opens the note at `open_version`; returns the client, its URI and the diagnostics' codes.
fn open_note(open_version: i64) -> (tempfile::TempDir, LspClient, String) {
    let dir = write_corpus(&[("articles/mill.md", ARTICLE), ("notes/mill.md", NOTE)]);
    let (mut c, _) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    let uri = c.open_text(&dir.path().join("notes/mill.md"), NOTE, open_version);
    let d = c
        .wait_diagnostics(&uri, Some(open_version))
        .expect("diagnostics on open");
    assert!(codes(&d).contains(&"figure-conflict".into()), "{d}");
    (dir, c, uri)
}

#[test]
fn neovim_changedtick_versions_stay_in_sync() {
    // Neovim sends its buffer's changedtick: 0 on open, the first change at 3 to 6, one more
    // per change, and an undo adds 2.
    let (_dir, mut c, uri) = open_note(0);
    let fixed = NOTE.replace("6,500", "4,800");
    c.notify(
        "textDocument/didChange",
        change(
            &uri,
            4,
            json!([{"range": range_of(NOTE, "6,500"), "text": "4,800"}]),
        ),
    );
    let d = c
        .wait_diagnostics(&uri, Some(4))
        .expect("diagnostics of v4");
    assert!(!codes(&d).contains(&"figure-conflict".into()), "{d}");
    // The undo.
    c.notify(
        "textDocument/didChange",
        change(
            &uri,
            6,
            json!([{"range": range_of(&fixed, "4,800"), "text": "6,500"}]),
        ),
    );
    let d = c
        .wait_diagnostics(&uri, Some(6))
        .expect("diagnostics of v6");
    assert!(codes(&d).contains(&"figure-conflict".into()), "{d}");
    let t = c.document_text(&uri);
    assert_eq!(
        (&t["text"], &t["version"], &t["inSync"]),
        (&json!(NOTE), &json!(6), &json!(true))
    );
    c.shutdown();
}

#[test]
fn eglot_batched_changes_stay_in_sync() {
    // Eglot counts every buffer change and sends them batched: one didChange, several ranges,
    // the version of the last.
    let (_dir, mut c, uri) = open_note(1);
    let mut text = NOTE.to_string();
    let mut batch = Vec::new();
    for (from, to) in [("6", "4"), ("4,500", "4,8"), ("4,8", "4,800")] {
        batch.push(json!({"range": range_of(&text, from), "text": to}));
        text = text.replacen(from, to, 1);
    }
    assert_eq!(text, NOTE.replace("6,500", "4,800"));
    c.notify("textDocument/didChange", change(&uri, 4, json!(batch)));
    let d = c
        .wait_diagnostics(&uri, Some(4))
        .expect("diagnostics of v4");
    assert!(!codes(&d).contains(&"figure-conflict".into()), "{d}");
    assert_eq!(c.document_text(&uri)["text"], json!(text));
    c.shutdown();
}

#[test]
fn a_version_that_does_not_increase_goes_out_of_sync_until_full_text() {
    let dir = write_corpus(&[("a.md", "One two three.\n")]);
    let (mut c, _) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    let uri = c.open_text(&dir.path().join("a.md"), "One two three.\n", 1);
    let at = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    c.notify(
        "textDocument/didChange",
        change(&uri, 3, json!([{"range": at, "text": "A "}])),
    );
    // Version 3 again: an edit the server cannot place.
    c.notify(
        "textDocument/didChange",
        change(&uri, 3, json!([{"range": at, "text": "B "}])),
    );
    let t = c.document_text(&uri);
    assert_eq!(t["inSync"], false);
    assert_eq!(
        t["text"], "A One two three.\n",
        "the edit with a repeated version is not applied"
    );
    c.notify(
        "textDocument/didChange",
        change(&uri, 5, json!([{"range": at, "text": "C "}])),
    );
    assert_eq!(c.document_text(&uri)["inSync"], false);
    c.notify(
        "textDocument/didChange",
        change(&uri, 9, json!([{"text": "Fresh text.\n"}])),
    );
    let t = c.document_text(&uri);
    assert_eq!(t["inSync"], true);
    assert_eq!(t["text"], "Fresh text.\n");
    assert_eq!(t["version"], 9);
    c.wait_diagnostics(&uri, Some(9))
        .expect("diagnostics again after the resync");
    c.notify(
        "textDocument/didChange",
        change(&uri, 10, json!([{"range": at, "text": "Very "}])),
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
