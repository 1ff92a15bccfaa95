//! References to an entity named hundreds of times, over stdio: long answers are written as
//! JSON by the handler and swapped in on the way out (`lsp::io::preserialized`), so this checks what
//! the client receives: every mention, in corpus order, each range on the name in UTF-16 units
//! (files with accents and astral characters before it), URIs of awkward file names, and the
//! same ranges as documentHighlight (which takes the ordinary path).

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{canon, default_capabilities, uri, write_corpus, LspClient};
use serde_json::{json, Value};

/// Files in the corpus; two mentions each, so the answer is far over the pre-serialized minimum.
const FILES: usize = 180;

/// The article of file `i`: the name twice, with non-ASCII text before the second on some.
fn article(i: usize) -> String {
    let before = match i % 3 {
        0 => "The delegation returned",
        1 => "Over café au lait in Genève",
        _ => "Smiling 😀 at the cameras",
    };
    format!(
        "Talks, day {i}\n\nBEIJING — Vice Premier Liu He met trade officials on day {i} of the visit.\n\n{before}, Liu He said the meetings went well.\n"
    )
}

fn rel(i: usize) -> String {
    match i % 4 {
        0 => format!("articles/día {i:03}.txt"),
        1 => format!("articles/a#{i:03}.txt"),
        _ => format!("articles/{i:03}.txt"),
    }
}

/// The UTF-16 range of every `Liu He` in `text` (line, start column, end column).
fn name_ranges(text: &str) -> Vec<(u64, u64, u64)> {
    let mut out = Vec::new();
    for (l, line) in text.split('\n').enumerate() {
        for (at, _) in line.match_indices("Liu He") {
            let col = line[..at].encode_utf16().count() as u64;
            out.push((l as u64, col, col + 6));
        }
    }
    out
}

fn range_of(l: &Value) -> (u64, u64, u64) {
    let r = &l["range"];
    assert_eq!(r["start"]["line"], r["end"]["line"], "{l}");
    (
        r["start"]["line"].as_u64().unwrap(),
        r["start"]["character"].as_u64().unwrap(),
        r["end"]["character"].as_u64().unwrap(),
    )
}

/// The corpus's files, written to a folder, and a client of the server indexing it.
fn start() -> (
    Vec<(String, String)>,
    tempfile::TempDir,
    std::path::PathBuf,
    LspClient,
) {
    let texts: Vec<(String, String)> = (0..FILES).map(|i| (rel(i), article(i))).collect();
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(r, t)| (r.as_str(), t.as_str()))
        .collect();
    let dir = write_corpus(&files);
    let root = canon(dir.path());
    let (client, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    (texts, dir, root, client)
}

#[test]
fn hundreds_of_references_arrive_whole_and_in_order() {
    let (texts, _dir, root, mut client) = start();
    let (first_rel, first_text) = &texts[0];
    let first = uri(&root.join(first_rel));
    let (line, col, _) = name_ranges(first_text)[0];
    let ask = |client: &mut LspClient, decl: bool| {
        client.result(
            "textDocument/references",
            json!({"textDocument": {"uri": first}, "position": {"line": line, "character": col + 2},
                   "context": {"includeDeclaration": decl}}),
        )
    };
    let all = ask(&mut client, true);
    let all = all.as_array().expect("locations");
    // What the answer should be: each file's mentions, files in path order (the corpus order
    // of same-dated articles), each range on the name.
    let want = expected(&root, &texts);
    let got: Vec<(String, (u64, u64, u64))> = all
        .iter()
        .map(|l| (l["uri"].as_str().unwrap().to_string(), range_of(l)))
        .collect();
    let got_set: std::collections::BTreeSet<_> = got.iter().cloned().collect();
    let want_set: std::collections::BTreeSet<_> = want.iter().cloned().collect();
    assert_eq!(got_set, want_set, "the same mentions");
    assert_eq!(got.len(), 2 * FILES);
    // In corpus order: a file's mentions together, in text order.
    for pair in got.windows(2) {
        if pair[0].0 == pair[1].0 {
            assert!(pair[0].1 < pair[1].1, "{pair:?}");
        }
    }
    // Without the declaration: one fewer, the rest unchanged and in the same order.
    let without = ask(&mut client, false);
    let without = without.as_array().expect("locations");
    assert_eq!(without.len(), all.len() - 1);
    let mut rest = all.clone();
    let at = rest.iter().position(|l| !without.contains(l)).unwrap();
    rest.remove(at);
    assert_eq!(&rest, without);
    // documentHighlight, the ordinary path, gives the same ranges in each file.
    for (r, t) in texts.iter().step_by(7) {
        let u = uri(&root.join(r));
        let (l, c, _) = name_ranges(t)[1];
        let hl = client.result(
            "textDocument/documentHighlight",
            json!({"textDocument": {"uri": u}, "position": {"line": l, "character": c + 1}}),
        );
        let hl: Vec<(u64, u64, u64)> = hl.as_array().unwrap().iter().map(range_of).collect();
        let refs: Vec<(u64, u64, u64)> = got
            .iter()
            .filter(|(gu, _)| *gu == u)
            .map(|(_, x)| *x)
            .collect();
        assert_eq!(hl, refs, "{r}");
    }
    client.shutdown();
}

/// Every `Liu He` of the corpus as (URI, range), files in path order.
fn expected(root: &std::path::Path, texts: &[(String, String)]) -> Vec<(String, (u64, u64, u64))> {
    let mut sorted = texts.to_vec();
    sorted.sort();
    sorted
        .iter()
        .flat_map(|(r, t)| {
            let u = uri(&root.join(r));
            name_ranges(t).into_iter().map(move |x| (u.clone(), x))
        })
        .collect()
}

/// Long answers are kept (and made ahead for the most-mentioned entities): after an edit that
/// moves mentions, the next answer is the edited text's, never the kept one.
#[test]
fn a_kept_answer_never_outlives_an_edit() {
    let (mut texts, _dir, root, mut client) = start();
    let first = uri(&root.join(&texts[0].0));
    let (line, col, _) = name_ranges(&texts[0].1)[0];
    let ask = |client: &mut LspClient| -> Vec<(String, (u64, u64, u64))> {
        let r = client.result(
            "textDocument/references",
            json!({"textDocument": {"uri": first}, "position": {"line": line, "character": col + 2},
                   "context": {"includeDeclaration": true}}),
        );
        let mut got: Vec<_> = r
            .as_array()
            .expect("locations")
            .iter()
            .map(|l| (l["uri"].as_str().unwrap().to_string(), range_of(l)))
            .collect();
        got.sort();
        got
    };
    let sorted = |mut v: Vec<(String, (u64, u64, u64))>| {
        v.sort();
        v
    };
    assert_eq!(ask(&mut client), sorted(expected(&root, &texts)));
    assert_eq!(
        ask(&mut client),
        sorted(expected(&root, &texts)),
        "asked again"
    );
    // Open a mentioning file as it is (nothing changes), then put a line above its mentions.
    let (r5, t5) = texts[5].clone();
    let path5 = root.join(&r5);
    let u5 = client.open_text(&path5, &t5, 1);
    assert!(client.wait_diagnostics(&u5, Some(1)).is_some());
    assert_eq!(ask(&mut client), sorted(expected(&root, &texts)), "opened");
    let top = json!({"line": 0, "character": 0});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u5, "version": 2},
               "contentChanges": [{"range": {"start": top, "end": top}, "text": "Preface\n"}]}),
    );
    texts[5].1 = format!("Preface\n{t5}");
    assert!(client.wait_diagnostics(&u5, Some(2)).is_some());
    assert_eq!(ask(&mut client), sorted(expected(&root, &texts)), "edited");
    // A space before the mentions becomes a line break: the same bytes, other lines.
    let (a, b) = (
        json!({"line": 1, "character": 6}),
        json!({"line": 1, "character": 7}),
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u5, "version": 3},
               "contentChanges": [{"range": {"start": a, "end": b}, "text": "\n"}]}),
    );
    texts[5].1 = texts[5].1.replacen("Talks, day", "Talks,\nday", 1);
    assert!(client.wait_diagnostics(&u5, Some(3)).is_some());
    assert_eq!(
        ask(&mut client),
        sorted(expected(&root, &texts)),
        "lines moved"
    );
    client.shutdown();
}

/// With a `partialResultToken`, the locations come as `$/progress` partial results, a small
/// batch first, before an empty response; together they are the answer without the token.
#[test]
fn references_stream_as_partial_results_when_the_client_offers_a_token() {
    let (texts, _dir, root, mut client) = start();
    let (first_rel, first_text) = &texts[0];
    let first = uri(&root.join(first_rel));
    let (line, col, _) = name_ranges(first_text)[0];
    let params = |token: Option<&str>| {
        let mut p = json!({"textDocument": {"uri": first},
                           "position": {"line": line, "character": col + 2},
                           "context": {"includeDeclaration": true}});
        if let Some(t) = token {
            p["partialResultToken"] = json!(t);
        }
        p
    };
    let whole = client.result("textDocument/references", params(None));
    client.forget_notifications();
    let streamed = client.result("textDocument/references", params(Some("refs-1")));
    assert_eq!(
        streamed,
        json!([]),
        "the response after partial results is empty"
    );
    // Every partial result came before the response: they are queued already.
    let mut batches: Vec<Vec<Value>> = Vec::new();
    while let Some(n) = client.wait_notification(std::time::Duration::ZERO, |n| {
        n["method"] == "$/progress" && n["params"]["token"] == "refs-1"
    }) {
        batches.push(n["params"]["value"].as_array().expect("a batch").clone());
    }
    assert!(batches.len() >= 2, "{} batches", batches.len());
    assert!(batches[0].len() < 2 * FILES, "a small first batch");
    assert_eq!(Value::Array(batches.concat()), whole);
    // Nothing under the cursor: no partial results, a null answer.
    let none = client.result(
        "textDocument/references",
        json!({"textDocument": {"uri": first}, "position": {"line": 1, "character": 0},
               "context": {"includeDeclaration": true}, "partialResultToken": "refs-2"}),
    );
    assert_eq!(none, Value::Null);
    client.shutdown();
}
