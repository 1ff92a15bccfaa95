//! Editing an article in the editor re-checks the open notes that depend on it: a note figure
//! that the edit makes agree loses its warning, and one it makes disagree again gets it back,
//! without the note itself being touched.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{canon, default_capabilities, pos_of, write_corpus, LspClient};
use serde_json::{json, Value};
use std::time::Duration;

const ARTICLE: &str = "Tollbridge Foundry cuts shifts\n\nARDMOOR, March 3, 2025 - Tollbridge \
Foundry, which employs 4,200 workers at its Ardmoor plant, said on Monday it would cut night \
shifts. The foundry sold 18,000 tonnes of castings last year.\n";
const NOTE: &str =
    "# Foundry notes\n\nTollbridge Foundry employs 6,500 workers at its Ardmoor plant.\n";
const CITING: &str =
    "---\nsources: [../news/tollbridge.txt]\n---\n\n# Cited\n\nThe Ardmoor plant of \
Tollbridge Foundry employs 6,500 workers.\n";

/// True when a `publishDiagnostics` notification holds a `figure-conflict`.
fn conflicts(n: &Value) -> bool {
    n["params"]["diagnostics"]
        .as_array()
        .is_some_and(|d| d.iter().any(|x| x["code"] == "figure-conflict"))
}

/// Waits for diagnostics of `uri` that do (or do not) hold a `figure-conflict`.
fn wait_conflict(c: &mut LspClient, uri: &str, want: bool) -> Option<Value> {
    let uri = uri.to_string();
    c.wait_notification(Duration::from_secs(20), move |n| {
        n["method"] == "textDocument/publishDiagnostics"
            && n["params"]["uri"] == uri
            && conflicts(n) == want
    })
}

/// Replaces the first `from` of the article buffer `text` with `to`, as version `v`.
fn edit(c: &mut LspClient, uri: &str, text: &mut String, from: &str, to: &str, v: i64) {
    let s = pos_of(text, from, 0);
    let e = pos_of(text, from, from.chars().count());
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": v},
               "contentChanges": [{"range": {"start": s, "end": e}, "text": to}]}),
    );
    *text = text.replacen(from, to, 1);
}

#[test]
fn open_notes_follow_an_edited_article() {
    let dir = write_corpus(&[
        ("news/tollbridge.txt", ARTICLE),
        ("notes/foundry.md", NOTE),
        ("notes/cited.md", CITING),
    ]);
    let root = canon(dir.path());
    let (mut c, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    let notes = [root.join("notes/foundry.md"), root.join("notes/cited.md")];
    let mut uris = Vec::new();
    for n in &notes {
        let u = c.open(n);
        let d = c
            .wait_diagnostics(&u, Some(1))
            .expect("diagnostics on open");
        assert!(
            d["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["code"] == "figure-conflict"),
            "{n:?} disagrees with the article at first: {d}"
        );
        uris.push(u);
    }
    let art = root.join("news/tollbridge.txt");
    let a = c.open(&art);
    c.wait_diagnostics(&a, Some(1))
        .expect("article diagnostics");
    c.forget_notifications();
    let mut text = ARTICLE.to_string();
    // The article now says what the notes say: their warnings go.
    edit(&mut c, &a, &mut text, "4,200", "6,500", 2);
    for u in &uris {
        let d = wait_conflict(&mut c, u, false);
        assert!(
            d.is_some_and(|d| d["params"]["version"] == 1),
            "{u}: no fresh diagnostics after the article agreed; stderr:\n{}",
            c.stderr()
        );
    }
    // And back: the warnings return.
    edit(&mut c, &a, &mut text, "6,500", "4,200", 3);
    for u in &uris {
        assert!(
            wait_conflict(&mut c, u, true).is_some(),
            "{u}: no warning after the article disagreed again; stderr:\n{}",
            c.stderr()
        );
    }
    let _ = c.shutdown();
}

/// Replaces `del`, which `text` holds just before `anchor`, by `typed` a character a version,
/// from version `v`; returns the last version sent.
fn retype(
    c: &mut LspClient,
    uri: &str,
    text: &mut String,
    anchor: &str,
    del: &str,
    typed: &str,
    mut v: i64,
) -> i64 {
    let at = text.find(anchor).unwrap() - del.len();
    assert_eq!(&text[at..at + del.len()], del);
    let s = pos_of(text, del, 0);
    let e = pos_of(text, del, del.chars().count());
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": v},
               "contentChanges": [{"range": {"start": s, "end": e}, "text": ""}]}),
    );
    text.replace_range(at..at + del.len(), "");
    for ch in typed.chars() {
        v += 1;
        let p = pos_of(text, anchor, 0);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v},
                   "contentChanges": [{"range": {"start": p, "end": p}, "text": ch.to_string()}]}),
        );
        let off = text.find(anchor).unwrap();
        text.insert(off, ch);
    }
    v
}

#[test]
fn an_open_note_follows_an_article_typed_into() {
    let agreeing = ARTICLE.replace("4,200", "6,500");
    let dir = write_corpus(&[
        ("news/tollbridge.txt", &agreeing),
        ("notes/foundry.md", NOTE),
    ]);
    let root = canon(dir.path());
    let (mut c, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    let n = c.open(&root.join("notes/foundry.md"));
    let d = c.wait_diagnostics(&n, Some(1)).expect("note diagnostics");
    assert!(!conflicts(&json!({"params": d})), "{d}");
    let a = c.open(&root.join("news/tollbridge.txt"));
    c.wait_diagnostics(&a, Some(1))
        .expect("article diagnostics");
    let mut text = agreeing.clone();
    // Typed over, a character at a time: the note must end up warned.
    let v = retype(
        &mut c,
        &a,
        &mut text,
        " workers at its",
        "6,500",
        "4,200",
        2,
    );
    assert_eq!(text, ARTICLE);
    c.wait_diagnostics(&a, Some(v))
        .expect("article diagnostics, last version");
    // What came before was computed from earlier versions.
    c.forget_notifications();
    // Every publish after the article's last version is computed from that version's snapshot.
    let last = c.wait_notification(Duration::from_secs(20), |x| {
        x["method"] == "textDocument/publishDiagnostics" && x["params"]["uri"] == n
    });
    assert!(
        last.as_ref().is_some_and(conflicts),
        "the note's last diagnostics after the article disagreed: {last:?}; stderr:\n{}",
        c.stderr()
    );
    let _ = c.shutdown();
}
