//! The server's cold index goes through the warm-start cache: a second server on the same
//! corpus reads every file from it and publishes the same diagnostics.

#[path = "common/lsp_client.rs"]
mod lsp_client;

#[path = "common/tree.rs"]
mod tree;
use lsp_client::{canon, default_capabilities, LspClient};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// Starts a server on `root`, returns the note's diagnostics, the symbols for `Velmora`, and
/// the server's `files from` trace line.
fn session(root: &Path) -> (Value, Value, String) {
    let (mut c, _) = LspClient::start(&[root], Value::Null, default_capabilities());
    let note = root.join("notes/talks-summary.md");
    let u = c.open(&note);
    let d = c.wait_diagnostics(&u, Some(1)).expect("diagnostics");
    let symbols = c.result("workspace/symbol", json!({"query": "Velmora"}));
    let deadline = Instant::now() + Duration::from_secs(10);
    let line = loop {
        let err = c.stderr();
        if let Some(l) = err.lines().find(|l| l.contains(" files from ")) {
            break l.to_string();
        }
        assert!(Instant::now() < deadline, "no cache trace:\n{err}");
        std::thread::sleep(Duration::from_millis(20));
    };
    c.shutdown();
    (d["diagnostics"].clone(), symbols, line)
}

#[test]
fn a_second_server_reads_the_cache_and_answers_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let base = canon(dir.path());
    let root = base.join("corpus");
    tree::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus"),
        &root,
    );
    let cache = base.join("cache");
    // The only test of this binary: the environment is the servers' to inherit.
    std::env::set_var("XDG_CACHE_HOME", &cache);
    std::env::set_var("CORPUS_LS_CACHE", "on");
    std::env::set_var("CORPUS_LS_CACHE_MIN_BYTES", "0");
    std::env::set_var("CORPUS_LS_TRACE", "1");
    let (d1, s1, first) = session(&root);
    assert!(first.contains(" 0 of "), "{first}");
    // One analysis cache (check's facts may sit beside it, in their own file).
    let written: Vec<_> = std::fs::read_dir(cache.join("corpus-ls"))
        .expect("the server wrote no cache")
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().ends_with(".facts.bin"))
        .collect();
    assert_eq!(written.len(), 1);
    let (d2, s2, second) = session(&root);
    let n: Vec<&str> = second.split_whitespace().collect();
    let of = n.iter().position(|w| *w == "of").expect("N of M");
    assert_eq!(n[of - 1], n[of + 1], "the second server missed: {second}");
    assert!(d1.as_array().is_some_and(|a| !a.is_empty()), "{d1}");
    assert_eq!(d1, d2);
    assert_eq!(s1, s2);
}
