//! The protocol around the features: both ways to start, capabilities, progress, garbage in,
//! positions past the end, unopened documents, diagnostics with versions, watched files.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{default_capabilities, pos_of, uri, write_corpus, LspClient, TIMEOUT};
use serde_json::{json, Value};

const ARTICLE: &str =
    "# Talks in Beijing\n\nVice Premier Liu He met the delegation in Beijing on Sunday.\n";

#[test]
fn serve_and_stdio_both_speak_lsp() {
    for args in [["serve"].as_slice(), ["--stdio"].as_slice()] {
        let mut c = LspClient::spawn_with(args);
        let r = c.result(
            "initialize",
            json!({"processId": null, "capabilities": {}, "rootUri": null}),
        );
        assert_eq!(r["serverInfo"]["name"], "corpus-ls");
        assert_eq!(r["capabilities"]["positionEncoding"], "utf-16");
        c.notify("initialized", json!({}));
        assert!(c.shutdown().success(), "{args:?}");
    }
}

#[test]
fn every_capability_is_announced() {
    let dir = write_corpus(&[("a.md", ARTICLE)]);
    let (c, init) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    let caps = &init["capabilities"];
    for key in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "codeActionProvider",
        "completionProvider",
        "semanticTokensProvider",
        "inlayHintProvider",
        "codeLensProvider",
    ] {
        assert!(!caps[key].is_null(), "{key} missing in {caps}");
    }
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(caps["textDocumentSync"]["save"]["includeText"], true);
    let legend = &caps["semanticTokensProvider"]["legend"]["tokenTypes"];
    assert_eq!(
        legend,
        &json!(["variable", "class", "namespace", "type", "number"])
    );
    // A client listing the custom types gets them.
    let mut caps2 = default_capabilities();
    caps2["textDocument"]["semanticTokens"]["tokenTypes"] =
        json!(["person", "organization", "place", "entity", "figure"]);
    let (c2, init2) = LspClient::start(&[dir.path()], Value::Null, caps2);
    assert_eq!(
        init2["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"][0],
        "person"
    );
    c.shutdown();
    c2.shutdown();
}

#[test]
fn the_cold_index_reports_progress_and_registers_watchers() {
    let dir = write_corpus(&[
        ("a.md", ARTICLE),
        ("b.md", "Other text.\n"),
        ("notes/n.md", "Note.\n"),
    ]);
    let mut c = LspClient::spawn_with(&["serve"]);
    c.result(
        "initialize",
        json!({"processId": null, "capabilities": default_capabilities(),
               "workspaceFolders": [{"uri": uri(dir.path()), "name": "w"}]}),
    );
    c.notify("initialized", json!({}));
    let begin = c
        .wait_notification(TIMEOUT, |n| {
            n["method"] == "$/progress" && n["params"]["value"]["kind"] == "begin"
        })
        .expect("begin");
    let token = begin["params"]["token"].clone();
    let end = c
        .wait_notification(TIMEOUT, |n| {
            n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end"
        })
        .expect("end");
    assert_eq!(end["params"]["token"], token);
    assert!(end["params"]["value"]["message"]
        .as_str()
        .unwrap()
        .contains("3 files"));
    let methods: Vec<&str> = c
        .server_requests
        .iter()
        .filter_map(|r| r["method"].as_str())
        .collect();
    assert!(
        methods.contains(&"window/workDoneProgress/create"),
        "{methods:?}"
    );
    assert!(
        methods.contains(&"client/registerCapability"),
        "{methods:?}"
    );
    assert!(methods.contains(&"workspace/configuration"), "{methods:?}");
    let create = c
        .server_requests
        .iter()
        .find(|r| r["method"] == "window/workDoneProgress/create")
        .unwrap();
    assert_eq!(create["params"]["token"], token);
    c.shutdown();
}

#[test]
fn garbage_never_kills_the_server() {
    let dir = write_corpus(&[("a.md", ARTICLE)]);
    let (mut c, _) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let r = c.request("textDocument/hover", json!({"textDocument": 42}));
    assert!(r["error"].is_object(), "bad params are an error: {r}");
    let r = c.request("corpus-ls/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.request("textDocument/definition", json!(null));
    assert!(r["error"].is_object());
    let u = c.open(&dir.path().join("a.md"));
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": u32::MAX, "character": u32::MAX}}),
    );
    assert!(h.is_null(), "a position past the end has no hover");
    for method in [
        "textDocument/references",
        "textDocument/definition",
        "textDocument/documentHighlight",
        "textDocument/completion",
    ] {
        let mut params =
            json!({"textDocument": {"uri": u}, "position": {"line": 9999, "character": 0}});
        if method.ends_with("references") {
            params["context"] = json!({"includeDeclaration": true});
        }
        let r = c.request(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
    }
    let r = c.result(
        "textDocument/semanticTokens/range",
        json!({"textDocument": {"uri": u}, "range": {"start": {"line": 99, "character": 0}, "end": {"line": 5, "character": 0}}}),
    );
    assert!(r["data"].is_array());
    let r = c.result(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": u}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 999, "character": 0}}}),
    );
    assert!(r.is_array());
    assert!(c.shutdown().success());
}

#[test]
fn requests_for_unopened_documents_answer_from_the_index() {
    let dir = write_corpus(&[("a.md", ARTICLE)]);
    let (mut c, _) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    let u = uri(&dir.path().join("a.md"));
    let syms = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    assert!(
        syms.is_array(),
        "a corpus file answers without being open: {syms}"
    );
    let nowhere = uri(&dir.path().join("missing.md"));
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": nowhere}, "position": {"line": 0, "character": 0}}),
    );
    assert!(h.is_null());
    let other = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "untitled:Untitled-1"}}),
    );
    assert!(other.is_null());
    c.shutdown();
}

#[test]
fn diagnostics_carry_the_version_of_the_edit() {
    let dir = write_corpus(&[
        ("a.md", ARTICLE),
        ("notes/n.md", "A note about the talks.\n"),
    ]);
    let (mut c, _) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    let u = c.open(&dir.path().join("notes/n.md"));
    c.wait_diagnostics(&u, Some(1))
        .expect("diagnostics on open");
    let at = pos_of("A note about the talks.\n", "talks", 0);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": {"start": at, "end": at}, "text": "trade "}]}),
    );
    let d = c
        .wait_diagnostics(&u, Some(2))
        .expect("diagnostics after the edit");
    assert!(d["diagnostics"].is_array());
    c.shutdown();
}

#[test]
fn files_changed_on_disk_are_reread_unless_open() {
    let dir = write_corpus(&[("a.md", ARTICLE), ("b.md", "Nothing here.\n")]);
    let (mut c, _) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    // An invalid UTF-8 file appearing on disk is read lossily and says so.
    let bad = dir.path().join("c.md");
    std::fs::write(&bad, b"Caf\xe9 text.\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&bad), "type": 1}]}),
    );
    let d = c
        .wait_diagnostics(&uri(&bad), None)
        .expect("diagnostics for the new file");
    assert!(
        d["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("UTF-8"),
        "{d}"
    );
    let syms = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&bad)}}),
    );
    assert!(syms.is_array());
    // An open buffer is not replaced by the disk.
    let b = c.open_text(&dir.path().join("b.md"), "Buffer text.\n", 1);
    std::fs::write(dir.path().join("b.md"), "Disk text.\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": b, "type": 2}]}),
    );
    assert_eq!(c.document_text(&b)["text"], "Buffer text.\n");
    c.shutdown();
}

#[test]
fn a_bad_config_is_a_diagnostic_on_the_config_file() {
    let dir = write_corpus(&[
        ("a.md", ARTICLE),
        ("corpus-ls.toml", "notes = [\"n/**\"]\nbogus = 3\n"),
    ]);
    let (mut c, _) = LspClient::start(&[dir.path()], Value::Null, default_capabilities());
    let cfg = uri(&lsp_client::canon(dir.path()).join("corpus-ls.toml"));
    let d = c
        .wait_diagnostics(&cfg, None)
        .unwrap_or_else(|| panic!("config diagnostics for {cfg}: {:?}", c.notifications));
    let first = &d["diagnostics"][0];
    assert_eq!(first["severity"], 2, "an unknown key is a warning: {d}");
    assert_eq!(first["range"]["start"]["line"], 1, "{d}");
    // Breaking the file and saving it reloads the root with the defaults and an error.
    std::fs::write(dir.path().join("corpus-ls.toml"), "notes = [").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": cfg, "type": 2}]}),
    );
    let d = c
        .wait_diagnostics(&cfg, None)
        .expect("config diagnostics again");
    assert_eq!(d["diagnostics"][0]["severity"], 1, "{d}");
    assert!(c.shutdown().success());
}

#[test]
fn every_workspace_folder_is_its_own_corpus() {
    let one = write_corpus(&[(
        "a.md",
        "# One\n\nVice Premier Liu He arrived in Beijing today.\n",
    )]);
    let two = write_corpus(&[(
        "b.md",
        "# Two\n\nChancellor Angela Merkel spoke in Berlin today.\n",
    )]);
    let (mut c, _) = LspClient::start(
        &[one.path(), two.path()],
        Value::Null,
        default_capabilities(),
    );
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["name"].as_str().map(String::from))
            .collect()
    };
    let liu = c.result("workspace/symbol", json!({"query": "liu"}));
    assert!(names(&liu).contains(&"Liu He".to_string()), "{liu}");
    let merkel = c.result("workspace/symbol", json!({"query": "merkel"}));
    assert!(
        names(&merkel).contains(&"Angela Merkel".to_string()),
        "{merkel}"
    );
    let loc = merkel[0]["location"]["uri"].as_str().unwrap();
    assert!(loc.ends_with("/b.md"), "{loc}");
    // A file outside both folders gets a root of its own.
    let three = write_corpus(&[(
        "c.md",
        "# Three\n\nPresident Emmanuel Macron spoke in Paris.\n",
    )]);
    let u = c.open(&three.path().join("c.md"));
    let text = std::fs::read_to_string(three.path().join("c.md")).unwrap();
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos_of(&text, "Macron", 1)}),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Macron"),
        "{h}"
    );
    c.shutdown();
}
