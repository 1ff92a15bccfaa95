//! Aliases as a reporter meets them, through the CLI and over stdio, on a small corpus written
//! for these tests: an acronym and its expansion are one entity in every file, namesakes stay
//! apart (a politician, his wife, a colleague whose first name is his surname), and at every
//! name the hover's mention count is the number of references the server returns.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{canon, default_capabilities, pos_of, uri, write_corpus, LspClient};
use serde_json::{json, Value};
use std::process::Command;

const LOANS: &str = "Lending plan wins backing

The International Monetary Fund (IMF) said on Monday that the loan to Ghana would go ahead. \
The IMF expects growth to pick up next year, said Anne Kroll, who leads its Africa desk.

Opposition leader Michael Howard called the loan a gamble. Mr Howard said taxpayers would pay. \
His party treasurer Howard Flight disagreed, and Mr Flight said so on radio.
";

const TALKS: &str = "Talks resume in Accra

Officials from the IMF arrived in Accra on Tuesday. The International Monetary Fund wants \
spending cuts before it releases the money. Ms Kroll did not attend.

Mrs Howard visited a clinic in Accra with her husband, Michael Howard, on Wednesday. \
Mr Howard praised the nurses.
";

fn corpus() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = write_corpus(&[("loans.txt", LOANS), ("talks.txt", TALKS)]);
    let root = canon(dir.path());
    (dir, root)
}

fn mentions_json(root: &std::path::Path, name: &str) -> Vec<Value> {
    let out = Command::new(lsp_client::server_binary())
        .args(["mentions", name])
        .arg(root)
        .args(["--format", "json"])
        .output()
        .expect("run corpus-ls");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn an_acronym_and_its_expansion_are_one_entity_everywhere() {
    let (_dir, root) = corpus();
    let long = mentions_json(&root, "International Monetary Fund");
    let short = mentions_json(&root, "IMF");
    assert_eq!(long, short, "the same entity, the same mentions");
    let texts: Vec<&str> = long.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts.len(), 5, "{texts:?}");
    assert_eq!(
        texts.iter().filter(|t| **t == "IMF").count(),
        3,
        "{texts:?}"
    );
    assert!(long
        .iter()
        .all(|m| m["entity"] == "International Monetary Fund"));
}

#[test]
fn namesakes_are_other_entities() {
    let (_dir, root) = corpus();
    let howard = mentions_json(&root, "Michael Howard");
    let at: Vec<(String, u64)> = howard
        .iter()
        .map(|m| {
            (
                m["file"].as_str().unwrap().to_string(),
                m["start_byte"].as_u64().unwrap(),
            )
        })
        .collect();
    let byte = |text: &str, needle: &str, delta: usize| (text.find(needle).unwrap() + delta) as u64;
    // His own mentions, in both files...
    assert!(at.contains(&("loans.txt".into(), byte(LOANS, "Mr Howard", 3))));
    assert!(at.contains(&("talks.txt".into(), byte(TALKS, "Mr Howard", 3))));
    // ...but not his wife, nor the colleague named Howard.
    assert!(
        !at.contains(&("talks.txt".into(), byte(TALKS, "Mrs Howard", 4))),
        "{at:?}"
    );
    assert!(!at.contains(&("loans.txt".into(), byte(LOANS, "Howard Flight", 0))));
    assert_eq!(at.len(), 4, "{howard:?}");
}

/// The number in the hover's `N mentions in F files`.
fn hover_count(h: &Value) -> Option<usize> {
    let t = h["contents"]["value"].as_str()?;
    let at = t.find(" mention")?;
    let digits: String = t[..at]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

#[test]
fn the_hover_counts_what_references_return_at_every_name() {
    let (_dir, root) = corpus();
    let (mut client, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    // (file, its text, where the cursor goes, how far into the needle)
    let asks = [
        ("loans.txt", LOANS, "International Monetary Fund", 3),
        ("loans.txt", LOANS, "IMF)", 1),
        ("talks.txt", TALKS, "IMF arrived", 0),
        ("loans.txt", LOANS, "Anne Kroll", 6),
        ("talks.txt", TALKS, "Kroll did", 2),
        ("loans.txt", LOANS, "Michael Howard", 9),
        // On the honorific itself: the mention is found from its first letter.
        ("loans.txt", LOANS, "Mr Howard", 0),
        ("talks.txt", TALKS, "Mrs Howard", 1),
        ("loans.txt", LOANS, "Howard Flight", 8),
        ("talks.txt", TALKS, "Accra on", 1),
    ];
    for (rel, text, needle, delta) in asks {
        let params = json!({
            "textDocument": {"uri": uri(&root.join(rel))},
            "position": pos_of(text, needle, delta),
        });
        let hover = client.result("textDocument/hover", params.clone());
        let count = hover_count(&hover).unwrap_or_else(|| panic!("{needle}: no count in {hover}"));
        let mut refs = params;
        refs["context"] = json!({"includeDeclaration": true});
        let refs = client.result("textDocument/references", refs);
        let n = refs.as_array().map_or(0, Vec::len);
        assert!(count > 0, "{needle}");
        assert_eq!(
            count, n,
            "{needle}: hover says {count}, references give {n}: {refs}"
        );
    }
    client.shutdown();
}
