//! Where the server puts a file's corpus when the client names no useful root: a note in the
//! seed-style layout (`articles/`, `notes/`, no config file) sees the articles beside its
//! folder, whether the client sends no root or the note's own folder; a loose file in a folder
//! of thousands is read bounded (its folder's newest files only) and gets its diagnostics.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{canon, default_capabilities, uri, write_corpus, LspClient};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// An article and a note whose figure disagrees with it.
const ARTICLE: &str = "Brindlecombe Dairy said on Friday that it bought 310 tankers for its \
Aldwick depot this spring.\n";
const NOTE: &str =
    "# Dairy notes\n\nBrindlecombe Dairy bought 450 tankers for its Aldwick depot.\n";

/// Starts the server with `root` as the only workspace folder, or with no root at all.
fn start(root: Option<&Path>) -> LspClient {
    start_with(root, Value::Null)
}

/// [`start`] with initialization options.
fn start_with(root: Option<&Path>, init: Value) -> LspClient {
    let mut c = LspClient::spawn_with(&["serve"]);
    let folders = root.map(|r| json!([{"uri": uri(r), "name": "root"}]));
    c.result(
        "initialize",
        json!({
            "processId": null,
            "rootUri": root.map(uri),
            "capabilities": default_capabilities(),
            "workspaceFolders": folders,
            "initializationOptions": init,
        }),
    );
    c.notify("initialized", json!({}));
    c
}

/// Waits for the `indexed ...` log line of a root; returns it.
fn indexed(c: &mut LspClient) -> String {
    let n = c
        .wait_notification(Duration::from_secs(30), |n| {
            n["method"] == "window/logMessage"
                && n["params"]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("indexed "))
        })
        .expect("the root was indexed");
    n["params"]["message"].as_str().unwrap().to_string()
}

/// Waits for diagnostics of `uri` holding a `figure-conflict`.
fn conflict(c: &mut LspClient, uri: &str) -> Option<Value> {
    let uri = uri.to_string();
    c.wait_notification(Duration::from_secs(20), move |n| {
        n["method"] == "textDocument/publishDiagnostics"
            && n["params"]["uri"] == uri
            && n["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|x| x["code"] == "figure-conflict"))
    })
}

fn seed_layout() -> tempfile::TempDir {
    write_corpus(&[("articles/dairy.md", ARTICLE), ("notes/dairy.md", NOTE)])
}

#[test]
fn a_note_without_a_root_joins_the_articles_beside_its_folder() {
    let dir = seed_layout();
    let root = canon(dir.path());
    let mut c = start(None);
    let u = c.open(&root.join("notes/dairy.md"));
    let log = indexed(&mut c);
    assert!(
        log.starts_with(&format!("indexed {} (2 files", root.display())),
        "{log}"
    );
    assert!(
        conflict(&mut c, &u).is_some(),
        "no figure-conflict on the note"
    );
    c.shutdown();
}

#[test]
fn a_notes_folder_as_the_client_root_stands_for_its_corpus() {
    let dir = seed_layout();
    let root = canon(dir.path());
    let mut c = start(Some(&root.join("notes")));
    let log = indexed(&mut c);
    assert!(
        log.starts_with(&format!("indexed {} (2 files", root.display())),
        "{log}"
    );
    let u = c.open(&root.join("notes/dairy.md"));
    assert!(
        conflict(&mut c, &u).is_some(),
        "no figure-conflict on the note"
    );
    c.shutdown();
}

#[test]
fn a_loose_file_in_a_large_folder_is_read_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let big = canon(dir.path()).join("downloads");
    std::fs::create_dir_all(big.join("deeper")).unwrap();
    for i in 0..3000 {
        let text = format!("Filler item {i}: the weather was mild and nothing happened.\n");
        std::fs::write(big.join(format!("item-{i:04}.md")), &text).unwrap();
        std::fs::write(big.join(format!("deeper/item-{i:04}.txt")), &text).unwrap();
    }
    // The article is the newest file beside the note, so the bounded read takes it.
    let newer = std::time::SystemTime::now() + Duration::from_secs(60);
    std::fs::write(big.join("dairy-article.md"), ARTICLE).unwrap();
    std::fs::File::options()
        .write(true)
        .open(big.join("dairy-article.md"))
        .unwrap()
        .set_modified(newer)
        .unwrap();
    // Outside a `notes/` folder, front matter makes it a note.
    let note = big.join("dairy-note.md");
    std::fs::write(&note, format!("---\nkind: note\n---\n{NOTE}")).unwrap();
    let mut c = start(None);
    let u = c.open(&note);
    let log = indexed(&mut c);
    let files: usize = log
        .split(" (")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no file count in {log:?}"));
    assert!(files <= 33, "the loose folder was read whole: {log}");
    assert!(log.contains("loose"), "{log}");
    assert!(
        conflict(&mut c, &u).is_some(),
        "no figure-conflict on the note"
    );
    // A file in a subfolder is a loose file of its own folder, not part of this one.
    let deep = c.open(&big.join("deeper/item-0001.txt"));
    let log = indexed(&mut c);
    assert!(
        log.starts_with(&format!("indexed {}", big.join("deeper").display())),
        "{log}"
    );
    c.wait_diagnostics(&deep, Some(1))
        .expect("diagnostics of the deeper file");
    c.shutdown();
}

#[test]
fn a_client_root_said_to_be_a_loose_folder_is_read_bounded() {
    // Eglot always sends a root; its set-up adds `looseFolder` when it found no corpus.
    let dir = tempfile::tempdir().unwrap();
    let folder = canon(dir.path()).join("downloads");
    std::fs::create_dir_all(folder.join("deeper")).unwrap();
    for i in 0..100 {
        std::fs::write(folder.join(format!("item-{i:03}.md")), "Filler.\n").unwrap();
        std::fs::write(folder.join(format!("deeper/item-{i:03}.md")), "Filler.\n").unwrap();
    }
    let mut c = start_with(Some(&folder), json!({"looseFolder": true}));
    let log = indexed(&mut c);
    assert!(
        log.starts_with(&format!("indexed {} (32 files", folder.display()))
            && log.contains("loose"),
        "{log}"
    );
    c.shutdown();
}
