//! File names that are awkward in a URI or that the corpus path escapes (a space, `%`, `#`,
//! non-ASCII, a backslash): every URI the server sends names the real file, and a buffer closed
//! is read again from the real file (a URI built from the escaped name would name no file, and
//! the close would drop it from the index).

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{canon, default_capabilities, pos_of, uri, write_corpus, LspClient};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const PLAIN: &str = "news/plain.md";
const AWKWARD: &str = "news/caf\u{e9} 100%#2\\draft.md";

fn article(day: u32) -> String {
    format!(
        "# Harbour visit, day {day}\n\nThe envoy Marguerite Okonkwo toured the Velmora docks on day \
         {day}.\n\nLater Marguerite Okonkwo met the port board.\n"
    )
}

fn uris_of(locations: &Value) -> BTreeSet<String> {
    locations
        .as_array()
        .expect("a list of locations")
        .iter()
        .map(|l| l["uri"].as_str().expect("a uri").to_string())
        .collect()
}

#[test]
fn uris_name_the_real_file_and_a_closed_buffer_is_read_from_it() {
    let (plain, awkward) = (article(1), article(2));
    let dir = write_corpus(&[(PLAIN, &plain), (AWKWARD, &awkward)]);
    let root = canon(dir.path());
    let (mut c, _) = LspClient::start(&[&root], Value::Null, default_capabilities());
    let want = uri(&root.join(AWKWARD));
    let plain_uri = c.open(&root.join(PLAIN));
    let refs = |c: &mut LspClient| {
        c.result(
            "textDocument/references",
            json!({"textDocument": {"uri": plain_uri},
                   "position": pos_of(&plain, "Marguerite Okonkwo", 0),
                   "context": {"includeDeclaration": true}}),
        )
    };
    let first = refs(&mut c);
    assert!(
        uris_of(&first).contains(&want),
        "references name {want}: {first}"
    );
    let symbols = c.result("workspace/symbol", json!({"query": "Okonkwo"}));
    assert!(
        symbols.as_array().is_some_and(|s| !s.is_empty()),
        "{symbols}"
    );
    // Opened under its real URI, the file answers; closed, it is read again from the disk.
    let opened = c.open(&root.join(AWKWARD));
    assert_eq!(opened, want);
    let hover = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": opened},
               "position": pos_of(&awkward, "Marguerite Okonkwo", 2)}),
    );
    assert!(hover.to_string().contains("Okonkwo"), "{hover}");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": opened}}),
    );
    // The close re-reads the file in the background: give it time, then ask once.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let last = refs(&mut c);
    assert_eq!(
        uris_of(&last),
        uris_of(&first),
        "after the close; stderr:\n{}",
        c.stderr()
    );
    assert_eq!(
        last.as_array().map(Vec::len),
        first.as_array().map(Vec::len)
    );
}
