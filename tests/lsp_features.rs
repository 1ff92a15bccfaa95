//! Every capability over stdio on a small corpus written for these tests: two articles (one
//! Markdown, one lowercase dump) and a note. Entity answers need the recogniser and registry;
//! figure conflicts need the checks.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{canon, default_capabilities, pos_of, uri, write_corpus, LspClient};
use serde_json::{json, Value};

const TALKS: &str = "---
title: Negotiators Part Without a Deal
date: 2018-06-03
---

## Negotiators Part Without a Deal

By Ann Example

June 3, 2018

BEIJING — Vice Premier Liu He hosted Commerce Secretary Wilbur Ross for two days of meetings in Beijing.

Mr. Liu told reporters that the government would keep buying soybeans. ZTE, a maker of telecom gear with about 70,000 employees, was not discussed.
";

const DUMP: &str = "a reporter in washington wrote that liu he and his team arrived late on friday and that mr liu wanted the soybean purchases to be counted before any tariffs were set the delegation stayed at a hotel near the river and met officials from the commerce department over dinner where nobody spoke about the telecom company or its staff and the weather stayed warm all week\n";

const NOTE: &str = "# My notes on the talks

Liu He led the talks for China.

ZTE has 80,000 employees according to the report.
";

struct Fixture {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    client: LspClient,
}

fn start() -> Fixture {
    let dir = write_corpus(&[
        ("articles/talks.md", TALKS),
        ("articles/dump.txt", DUMP),
        ("notes/talks.md", NOTE),
    ]);
    let root = canon(dir.path());
    let (client, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    Fixture {
        _dir: dir,
        root,
        client,
    }
}

impl Fixture {
    fn uri(&self, rel: &str) -> String {
        uri(&self.root.join(rel))
    }
    fn at(&mut self, method: &str, rel: &str, text: &str, needle: &str, extra: Value) -> Value {
        let mut params =
            json!({"textDocument": {"uri": self.uri(rel)}, "position": pos_of(text, needle, 1)});
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        self.client.result(method, params)
    }
}

fn hover_text(h: &Value) -> String {
    h["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn hover_names_the_entity_with_counts_and_aliases() {
    let mut f = start();
    let h = f.at(
        "textDocument/hover",
        "articles/talks.md",
        TALKS,
        "Liu He",
        json!({}),
    );
    let t = hover_text(&h);
    assert!(t.contains("**Liu He**"), "{t}");
    assert!(t.contains("person"), "{t}");
    assert!(t.contains("5 mentions in 3 files"), "{t}");
    assert!(
        t.contains("Mr. Liu") || t.contains("mr liu"),
        "aliases listed: {t}"
    );
}

#[test]
fn a_lowercase_alias_resolves_to_the_cased_entity() {
    let mut f = start();
    // On `liu` of `mr liu`: the mention is the name, without the honorific.
    let h = f.at(
        "textDocument/hover",
        "articles/dump.txt",
        DUMP,
        "liu wanted",
        json!({}),
    );
    assert!(hover_text(&h).contains("**Liu He**"), "{h}");
    let d = f.at(
        "textDocument/definition",
        "articles/dump.txt",
        DUMP,
        "liu wanted",
        json!({}),
    );
    let d = if d.is_array() { d[0].clone() } else { d };
    assert_eq!(d["uri"], f.uri("articles/talks.md"));
    assert_eq!(
        d["range"]["start"]["line"],
        pos_of(TALKS, "Liu He", 0)["line"]
    );
}

#[test]
fn references_cross_files_and_honour_include_declaration() {
    let mut f = start();
    let all = f.at(
        "textDocument/references",
        "notes/talks.md",
        NOTE,
        "Liu He",
        json!({"context": {"includeDeclaration": true}}),
    );
    let all = all.as_array().expect("locations").clone();
    assert_eq!(all.len(), 5, "{all:?}");
    let files: std::collections::BTreeSet<String> = all
        .iter()
        .map(|l| l["uri"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(files.len(), 3);
    let without = f.at(
        "textDocument/references",
        "notes/talks.md",
        NOTE,
        "Liu He",
        json!({"context": {"includeDeclaration": false}}),
    );
    assert_eq!(without.as_array().unwrap().len(), 4);
    let hl = f.at(
        "textDocument/documentHighlight",
        "articles/talks.md",
        TALKS,
        "Liu told",
        json!({}),
    );
    assert_eq!(hl.as_array().unwrap().len(), 2, "{hl}");
}

#[test]
fn outline_workspace_symbols_and_completion() {
    let mut f = start();
    let u = f.uri("articles/talks.md");
    let syms = f.client.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.contains(&"People"), "{names:?}");
    let people = syms
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "People")
        .unwrap();
    let liu = people["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Liu He")
        .expect("Liu He once");
    assert_eq!(liu["detail"], "2 mentions");
    let ws = f
        .client
        .result("workspace/symbol", json!({"query": "liuhe"}));
    assert_eq!(ws[0]["name"], "Liu He", "{ws}");
    assert_eq!(ws[0]["location"]["uri"], u);
    let n = f.uri("notes/talks.md");
    f.client.open(&f.root.join("notes/talks.md"));
    let at = pos_of(NOTE, "led", 0);
    let c = f.client.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": n}, "position": at}),
    );
    let items = c["items"].as_array().unwrap();
    let item = items
        .iter()
        .find(|i| i["label"] == "Liu He")
        .expect("Liu He offered");
    assert_eq!(item["detail"], "PER");
}

#[test]
fn tokens_hints_and_lenses() {
    let mut f = start();
    let u = f.uri("articles/talks.md");
    let full = f.client.result(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": u}}),
    );
    let data = full["data"].as_array().unwrap();
    assert!(data.len() >= 5 * 4, "people, places and figures: {data:?}");
    let range = f.client.result(
        "textDocument/semanticTokens/range",
        json!({"textDocument": {"uri": u}, "range": {"start": pos_of(TALKS, "Mr. Liu", 0), "end": pos_of(TALKS, "Mr. Liu", 7)}}),
    );
    assert_eq!(
        range["data"].as_array().unwrap().len(),
        5,
        "one token: {range}"
    );
    let d = f.uri("articles/dump.txt");
    let hints = f.client.result(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": d}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}}),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["label"].as_str())
        .collect();
    assert!(labels.contains(&"→ Liu He"), "{labels:?}");
    let lenses = f
        .client
        .result("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["command"]["title"].as_str())
        .collect();
    // Each lens names its entity.
    assert!(
        titles
            .iter()
            .any(|t| t.ends_with(": 5 mentions in 3 files")),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .all(|t| t.split_once(": ").is_some_and(|(name, _)| !name.is_empty())),
        "{titles:?}"
    );
}

#[test]
fn diagnostics_follow_edits_and_offer_fixes() {
    let mut f = start();
    let n = f.client.open(&f.root.join("notes/talks.md"));
    let d = f.client.wait_diagnostics(&n, Some(1)).unwrap();
    let conflict = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "figure-conflict")
        .unwrap_or_else(|| panic!("a figure conflict: {d}"))
        .clone();
    assert_eq!(
        conflict["relatedInformation"][0]["location"]["uri"],
        f.uri("articles/talks.md")
    );
    let actions = f.client.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": n}, "range": conflict["range"], "context": {"diagnostics": [conflict]}}),
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
    assert!(
        titles.contains(&"Ignore figure-conflict here"),
        "{titles:?}"
    );
    // Fixing the number clears the warning for that version.
    let s = pos_of(NOTE, "80,000", 0);
    let e = pos_of(NOTE, "80,000", 6);
    f.client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": n, "version": 2},
               "contentChanges": [{"range": {"start": s, "end": e}, "text": "70,000"}]}),
    );
    let d = f.client.wait_diagnostics(&n, Some(2)).unwrap();
    assert!(
        d["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "figure-conflict"),
        "{d}"
    );
    // Editing the article re-publishes the note that it now contradicts.
    let a = f.client.open(&f.root.join("articles/talks.md"));
    let s = pos_of(TALKS, "70,000", 0);
    let e = pos_of(TALKS, "70,000", 6);
    f.client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": a, "version": 2},
               "contentChanges": [{"range": {"start": s, "end": e}, "text": "90,000"}]}),
    );
    // The note's earlier publication of version 2 may still be queued: wait for the new one.
    let republished = f
        .client
        .wait_notification(std::time::Duration::from_secs(20), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == n.as_str()
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|ds| ds.iter().any(|d| d["code"] == "figure-conflict"))
        });
    assert!(
        republished.is_some(),
        "the note was not re-published with a conflict"
    );
}

#[test]
fn entity_code_actions_write_corpus_ls_toml() {
    let mut f = start();
    let d = f.uri("articles/dump.txt");
    let at = pos_of(DUMP, "liu wanted", 1);
    let actions = f.client.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": d}, "range": {"start": at, "end": at}, "context": {"diagnostics": []}}),
    );
    let acts = actions.as_array().unwrap();
    let alias = acts
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .contains("as an alias of Liu He")
        })
        .unwrap_or_else(|| panic!("{actions}"));
    let ops = alias["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(ops[0]["kind"], "create");
    assert_eq!(ops[0]["uri"], f.uri("corpus-ls.toml"));
    let text = ops[1]["edits"][0]["newText"].as_str().unwrap();
    assert!(
        // The mention under the cursor is the name, without its honorific.
        text.contains("\"Liu He\" = { type = \"PER\", aliases = [\"liu\"] }"),
        "{text}"
    );
    assert!(
        !f.root.join("corpus-ls.toml").exists(),
        "the server writes no files"
    );
}
