//! The seed articles over stdio: hover and references on Liu He, and the lowercase `mr liu`.
//! Skips with a printed reason when `../shared/seeds` is absent. The seed texts are copied into
//! a temp folder at run time, never into the repository.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{canon, default_capabilities, pos_of, uri, LspClient};
use serde_json::{json, Value};
use std::path::PathBuf;

const LOWER: &str = "000_07c8a66dd8e1c00f.txt";
const MARKDOWN: &str = "003_cd8938af65b0a9eb.txt";

/// A note of ours that names no one, so Liu He keeps his seven mentions.
const NOTE: &str =
    "# Reading notes\n\nThe talks ended without a deal. ZTE was said to employ 80,000 people.\n";

fn seeds() -> Option<PathBuf> {
    let candidates = [
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds"),
        PathBuf::from("/work/shared/seeds"),
    ];
    candidates
        .into_iter()
        .find(|p| p.join(LOWER).is_file() && p.join(MARKDOWN).is_file())
}

fn start() -> Option<(tempfile::TempDir, PathBuf, LspClient)> {
    let Some(src) = seeds() else {
        eprintln!("skipped: ../shared/seeds is absent");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = canon(dir.path());
    for f in [LOWER, MARKDOWN] {
        std::fs::copy(src.join(f), root.join(f)).unwrap();
    }
    std::fs::create_dir_all(root.join("notes")).unwrap();
    std::fs::write(root.join("notes/reading.md"), NOTE).unwrap();
    let (c, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    Some((dir, root, c))
}

#[test]
fn hover_on_liu_he_counts_seven_mentions() {
    let Some((_d, root, mut c)) = start() else {
        return;
    };
    let text = std::fs::read_to_string(root.join(MARKDOWN)).unwrap();
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&root.join(MARKDOWN))}, "position": pos_of(&text, "Liu He", 1)}),
    );
    let t = h["contents"]["value"].as_str().unwrap_or_default();
    assert!(t.contains("**Liu He**"), "{h}");
    assert!(t.contains("7 mentions in 2 files"), "{t}");
}

#[test]
fn references_to_liu_he_are_seven_in_two_files() {
    let Some((_d, root, mut c)) = start() else {
        return;
    };
    let text = std::fs::read_to_string(root.join(MARKDOWN)).unwrap();
    let r = c.result(
        "textDocument/references",
        json!({"textDocument": {"uri": uri(&root.join(MARKDOWN))}, "position": pos_of(&text, "Liu He", 1),
               "context": {"includeDeclaration": true}}),
    );
    let locs = r.as_array().cloned().unwrap_or_default();
    assert_eq!(locs.len(), 7, "{r}");
    let files: std::collections::BTreeSet<&str> =
        locs.iter().filter_map(|l| l["uri"].as_str()).collect();
    assert_eq!(files.len(), 2);
}

#[test]
fn hover_on_mr_liu_names_liu_he() {
    let Some((_d, root, mut c)) = start() else {
        return;
    };
    let text = std::fs::read_to_string(root.join(LOWER)).unwrap();
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&root.join(LOWER))}, "position": pos_of(&text, "mr liu", 4)}),
    );
    let t = h["contents"]["value"].as_str().unwrap_or_default();
    assert!(t.contains("**Liu He**"), "{h}");
}
