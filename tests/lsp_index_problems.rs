//! A root's index problems reach the user as `window/showMessage` warnings: once when the
//! index ends with files it could not read, once when a later change first meets a new one,
//! and never once per keystroke.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{default_capabilities, uri, write_corpus, LspClient};
use serde_json::{json, Value};
use std::time::Duration;

const ARTICLE: &str = "# Harbour report\n\nThe port of Velmora handled 1,200 containers in March, \
                       the harbour office said.\n";
const NOTE: &str = "# Notes\n\nVelmora handled 1,200 containers.\n";

fn is_warning(n: &Value) -> bool {
    n["method"] == "window/showMessage" && n["params"]["type"] == 2
}

fn message(n: &Value) -> String {
    n["params"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn index_problems_are_shown_once_and_new_ones_when_they_come() {
    let dir = write_corpus(&[("news/port.md", ARTICLE), ("notes/port.md", NOTE)]);
    // A file the scan finds but cannot read as text.
    std::fs::write(dir.path().join("news/scan.md"), b"PK\x03\x04\x00\x00binary").unwrap();
    let root = lsp_client::canon(dir.path());
    let (mut c, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    let first = c
        .wait_notification(Duration::from_secs(20), is_warning)
        .unwrap_or_else(|| panic!("no warning after the index; stderr:\n{}", c.stderr()));
    let text = message(&first);
    assert!(text.contains("news/scan.md"), "{text}");
    assert!(text.contains("binary"), "{text}");
    // Typing is no new problem: no second message.
    let note = root.join("notes/port.md");
    let u = c.open_text(&note, NOTE, 1);
    for v in 2..=6 {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": v},
                   "contentChanges": [{"range": {"start": {"line": 2, "character": 0},
                                                 "end": {"line": 2, "character": 0}},
                                       "text": "A "}]}),
        );
    }
    assert!(c.wait_diagnostics(&u, Some(6)).is_some(), "{}", c.stderr());
    let again = c.wait_notification(Duration::from_millis(500), is_warning);
    assert!(again.is_none(), "told again on a keystroke: {again:?}");
    // A new unreadable file, reported by the editor's watcher: told, alone.
    let worse = root.join("news/worse.md");
    std::fs::write(&worse, b"\x00\x01\x02 not text").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&worse), "type": 1}]}),
    );
    let second = c
        .wait_notification(Duration::from_secs(20), is_warning)
        .unwrap_or_else(|| panic!("no warning for the new file; stderr:\n{}", c.stderr()));
    let text = message(&second);
    assert!(text.contains("news/worse.md"), "{text}");
    assert!(
        !text.contains("scan.md"),
        "what was told is not told again: {text}"
    );
    // And the server still answers from the rest.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 2, "character": 12}}),
    );
    assert!(h.get("error").is_none(), "{h}");
    c.shutdown();
}
