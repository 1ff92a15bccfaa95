//! The server over stdio on `examples/corpus` (copied to a temp folder): the planted note
//! errors as diagnostics with related sources, fixes and edits, aliases in the lowercase dump,
//! references across files, symbols, hints and lenses.

#[path = "common/lsp_client.rs"]
mod lsp_client;

#[path = "common/tree.rs"]
mod tree;
use lsp_client::{canon, default_capabilities, pos_of, uri, LspClient};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn start() -> (tempfile::TempDir, PathBuf, LspClient) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
    let dir = tempfile::tempdir().unwrap();
    let root = canon(dir.path()).join("corpus");
    tree::copy_dir(&src, &root);
    let (c, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    (dir, root, c)
}

fn codes_on_line(d: &Value, line: u64) -> Vec<String> {
    d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["range"]["start"]["line"] == line)
        .filter_map(|x| x["code"].as_str().map(String::from))
        .collect()
}

#[test]
fn planted_note_errors_are_diagnostics_that_follow_edits() {
    let (_d, root, mut c) = start();
    let note = root.join("notes/talks-summary.md");
    let text = std::fs::read_to_string(&note).unwrap();
    let u = c.open(&note);
    let d = c.wait_diagnostics(&u, Some(1)).unwrap();
    assert!(
        codes_on_line(&d, 16).contains(&"figure-conflict".to_string()),
        "{d}"
    );
    assert!(
        codes_on_line(&d, 26).contains(&"weekday-mismatch".to_string()),
        "{d}"
    );
    let conflict = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["range"]["start"]["line"] == 16 && x["code"] == "figure-conflict")
        .unwrap()
        .clone();
    let related = conflict["relatedInformation"]
        .as_array()
        .expect("related sources");
    assert!(related.iter().any(|r| r["location"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("draskov-talks-end.md")));
    let actions = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": conflict["range"], "context": {"diagnostics": [conflict]}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Replace with the source's figure")),
        "{titles:?}"
    );
    // The fix travels in `data` too, in the note's notation (its `$`, not the source's `\$`):
    // a client that echoes only `data` (Helix) gets it.
    assert_eq!(
        conflict["data"]["replacement"], "$212 billion",
        "{conflict}"
    );
    let mut data_only = conflict.clone();
    data_only
        .as_object_mut()
        .unwrap()
        .remove("relatedInformation");
    let actions = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": conflict["range"], "context": {"diagnostics": [data_only]}}),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Replace with the source's figure: $212 billion")
        .unwrap_or_else(|| panic!("no fix from data alone: {actions}"));
    let edits = fix["edit"]["changes"][u.as_str()].as_array().unwrap();
    assert_eq!(edits[0]["newText"], "$212 billion");
    // Correcting the figure clears that warning in the next version.
    let s = pos_of(&text, "$312 billion", 0);
    let e = pos_of(&text, "$312 billion", 12);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": {"start": s, "end": e}, "text": "$212 billion"}]}),
    );
    let d2 = c.wait_diagnostics(&u, Some(2)).unwrap();
    assert!(
        !codes_on_line(&d2, 16).contains(&"figure-conflict".to_string()),
        "{d2}"
    );
    assert!(
        codes_on_line(&d2, 26).contains(&"weekday-mismatch".to_string()),
        "{d2}"
    );
}

#[test]
fn entities_resolve_across_files_and_cases() {
    let (_d, root, mut c) = start();
    let dump = root.join("velmora-hard-line.txt");
    let dtext = std::fs::read_to_string(&dump).unwrap();
    let du = uri(&dump);
    let at = pos_of(&dtext, "ms okonjo", 4);
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": du}, "position": at}),
    );
    let t = h["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(t.contains("**Marta Okonjo**"), "{h}");
    let refs = c.result(
        "textDocument/references",
        json!({"textDocument": {"uri": du}, "position": at, "context": {"includeDeclaration": true}}),
    );
    let files: std::collections::BTreeSet<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["uri"].as_str())
        .collect();
    assert!(files.len() >= 3, "{refs}");
    let hints = c.result(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": du}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}}),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["label"].as_str())
        .collect();
    assert!(labels.contains(&"→ Marta Okonjo"), "{labels:?}");
    let art = root.join("draskov-talks-end.md");
    let au = uri(&art);
    let syms = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": au}}),
    );
    let people = syms
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "People")
        .expect("people");
    assert!(
        people["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Marta Okonjo"),
        "{people}"
    );
    let toks = c.result(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": au}}),
    );
    assert!(toks["data"].as_array().unwrap().len() > 20);
    let lenses = c.result(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": au}}),
    );
    assert!(!lenses.as_array().unwrap().is_empty());
    let ws = c.result("workspace/symbol", json!({"query": "okonjo"}));
    assert_eq!(ws[0]["name"], "Marta Okonjo", "{ws}");
    let note = root.join("notes/farm-questions.md");
    let nu = c.open(&note);
    // At the start of a line nothing is typed yet: every entity is offered.
    let start = json!({"line": 1, "character": 0});
    let comp = c.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": nu}, "position": start}),
    );
    let labels: Vec<&str> = comp["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"Marta Okonjo"), "{labels:?}");
}

#[test]
fn nothing_is_answered_or_published_from_a_half_built_index() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
    let dir = tempfile::tempdir().unwrap();
    let root = canon(dir.path()).join("corpus");
    tree::copy_dir(&src, &root);
    // Open and ask at once, as an editor restoring a session does: no waiting for the index.
    let mut c = LspClient::spawn_with(&["serve"]);
    c.result(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": default_capabilities(),
               "workspaceFolders": [{"uri": uri(&root), "name": "corpus"}]}),
    );
    c.notify("initialized", json!({}));
    let note = root.join("notes/talks-summary.md");
    let text = std::fs::read_to_string(&note).unwrap();
    let u = c.open(&note);
    let hover = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos_of(&text, "Ms. Okonjo", 5)}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        shown.contains("Marta Okonjo"),
        "hover from a partial index: {hover}"
    );
    // The first diagnostics of the note already know its sources.
    let d = c.wait_diagnostics(&u, Some(1)).unwrap();
    let codes: Vec<&str> = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["code"].as_str())
        .collect();
    assert!(!codes.contains(&"source-missing"), "premature: {codes:?}");
    assert!(codes.contains(&"figure-conflict"), "{codes:?}");
}
