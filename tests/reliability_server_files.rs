//! Issue 22, the server's side of what is opened and edited: its index ends past FIFOs where
//! ignore files and the config are read (item 2); under `strace`, nothing outside the root is
//! opened whatever links, watched-file URIs (`..`, `%2e%2e`) and a linked-out config say (items
//! 3, 5, 6); and the config edits its code actions plan, applied as an editor would, leave a
//! `corpus-ls.toml` that parses with one key each and its BOM first (item 8).

mod reliability_support;

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{default_capabilities, pos_of, uri, LspClient};
use reliability_support::{opens_in, strace_command, strace_works, Sandbox, CANARY};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const ARTICLE: &str = "# Harbour\n\nOlga Lind of Harwick Mills met Maria Delgado in Lisbon. \
                       Lind said 40 ships docked.\n\nMaria Delgado of Harwick Mills paid $40 million.\n";

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

fn start(root: &Path) -> LspClient {
    LspClient::start(&[root], Value::Null, default_capabilities()).0
}

/// Asks `workspace/symbol` until `name` is there (the watched-file change is applied behind).
fn wait_for_symbol(c: &mut LspClient, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = c.result("workspace/symbol", json!({ "query": name }));
        if r.to_string().contains(name) {
            return;
        }
        assert!(Instant::now() < deadline, "{name} never indexed: {r}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The code actions offered at `needle` (plus one character) of the open document `u`.
fn actions_at(c: &mut LspClient, u: &str, text: &str, needle: &str) -> Vec<Value> {
    let at = pos_of(text, needle, 1);
    let r = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": {"start": at, "end": at},
               "context": {"diagnostics": []}}),
    );
    r.as_array().cloned().unwrap_or_default()
}

/// The byte offset of an LSP position (UTF-16 columns) in `text`.
fn byte_at(text: &str, pos: &Value) -> usize {
    let (line, col) = (
        pos["line"].as_u64().unwrap() as usize,
        pos["character"].as_u64().unwrap() as usize,
    );
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, ch) in text[start..].char_indices() {
        if units >= col || ch == '\n' {
            return start + i;
        }
        units += ch.len_utf16();
    }
    text.len()
}

/// `text` after the edits a `WorkspaceEdit` makes to `target`, applied as an editor does (last
/// first, so earlier positions stay right).
fn apply(text: &str, edit: &Value, target: &str) -> String {
    let mut edits: Vec<Value> = Vec::new();
    for op in edit["documentChanges"].as_array().into_iter().flatten() {
        if op["textDocument"]["uri"] == target {
            edits.extend(op["edits"].as_array().cloned().unwrap_or_default());
        }
    }
    edits.extend(
        edit["changes"][target]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    assert!(!edits.is_empty(), "no edit of {target}: {edit}");
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                byte_at(text, &e["range"]["start"]),
                byte_at(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, new) in spans {
        out.replace_range(a..b, &new);
    }
    out
}

#[cfg(unix)]
#[test]
fn the_index_ends_past_fifos_where_ignore_files_and_the_config_are_read() {
    let sb = Sandbox::new();
    sb.write("a.md", ARTICLE);
    sb.write(
        "sub/b.md",
        "# B\n\nTomas Brandt of Tollbridge Ferry spoke in Quito.\n",
    );
    mkfifo(&sb.root.join(".gitignore"));
    mkfifo(&sb.root.join("sub/.ignore"));
    mkfifo(&sb.root.join("corpus-ls.toml"));
    // `start` waits for the index's `$/progress` end: a blocked open never sent it.
    let mut c = start(&sb.root);
    wait_for_symbol(&mut c, "Tomas Brandt");
    wait_for_symbol(&mut c, "Maria Delgado");
    c.shutdown();
}

/// Under strace, a server session on a root whose ignore files and config link out, holding a
/// link to the canary, sent watched-file events that lead out and asked for code actions, opens
/// nothing outside the root; the ignore files are not obeyed and no action edits the config.
#[cfg(target_os = "linux")]
#[test]
fn strace_sees_the_server_open_nothing_outside_the_root() {
    if !strace_works() {
        return;
    }
    let sb = Sandbox::new();
    let base = sb.root.parent().unwrap().to_path_buf();
    std::fs::write(sb.outside.join("ignore-all"), "*.md\n").unwrap();
    let a = sb.write("a.md", ARTICLE);
    sb.link(".gitignore", "../outside/ignore-all");
    sb.link("sub/.ignore", "../../outside/ignore-all");
    sb.link("corpus-ls.toml", "../outside/corpus-ls.toml");
    sb.link("linked.md", "../outside/canary.md");
    let log = base.join("server.strace");
    let mut cmd = strace_command(&log);
    cmd.arg("serve");
    let (mut c, _) =
        LspClient::spawn_command(cmd).initialize(&[&sb.root], Value::Null, default_capabilities());
    // The linked-out `.gitignore` says `*.md`: not obeyed, so the article is indexed.
    wait_for_symbol(&mut c, "Maria Delgado");
    sb.write(
        "fresh.md",
        "# Fresh\n\nOskar Marchbanks of Ferrovia said 4 trains ran.\n",
    );
    let root_uri = uri(&sb.root);
    let mut changes: Vec<Value> = [
        format!("{root_uri}/../outside/canary.md"),
        format!("{root_uri}/%2e%2e/outside/canary.txt"),
        format!("{root_uri}/sub/%2E%2E/../outside/canary.md"),
        uri(&sb.root.join("linked.md")),
    ]
    .iter()
    .flat_map(|u| [json!({"uri": u, "type": 1}), json!({"uri": u, "type": 2})])
    .collect();
    changes.push(json!({"uri": uri(&sb.root.join("fresh.md")), "type": 1}));
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": changes }),
    );
    wait_for_symbol(&mut c, "Oskar Marchbanks");
    let canary = c.result("workspace/symbol", json!({"query": "Vantablack"}));
    assert!(!canary.to_string().contains(CANARY), "{canary}");
    let u = c.open(&a);
    let config = uri(&sb.root.join("corpus-ls.toml"));
    let acts = actions_at(&mut c, &u, ARTICLE, "Maria Delgado");
    for act in &acts {
        assert!(
            !act.to_string().contains(&config),
            "an edit of the linked-out config: {act}"
        );
    }
    c.shutdown();
    let trace = std::fs::read_to_string(&log).unwrap();
    let (opened, execs) = opens_in(&trace);
    assert!(opened.iter().any(|p| p.starts_with(&sb.root)), "{trace}");
    assert_eq!(execs, 1, "the server started a program:\n{trace}");
    for p in opened.iter().filter(|p| p.starts_with(&base)) {
        assert!(
            p.starts_with(&sb.root),
            "the server opened {} outside the root",
            p.display()
        );
    }
}

/// A config, where the cursor goes, the action's title, and the key path that must hold a list
/// of these values afterwards.
type Case<'a> = (&'a str, &'a str, &'a str, &'a [&'a str], &'a [&'a str]);

/// The config edits of "not an entity" and "add alias", applied as an editor would, keep
/// `corpus-ls.toml` TOML with one key each, the old value kept and the BOM first.
#[test]
fn code_actions_over_stdio_leave_the_config_valid() {
    let cases: [Case; 4] = [
        (
            "ignore = \"Section 301\"\n",
            "Maria Delgado",
            "is not an entity",
            &["ignore"],
            &["Section 301", "Maria Delgado"],
        ),
        (
            "\u{feff}# mine\n[entities]\n",
            "Maria Delgado",
            "is not an entity",
            &["ignore"],
            &["Maria Delgado"],
        ),
        (
            "[entities]\n\"Olga Lind\" = { type = \"PER\", aliases = \"O. L.\" }\n",
            "Lind said",
            "as an alias of Olga Lind",
            &["entities", "Olga Lind", "aliases"],
            &["O. L.", "Lind"],
        ),
        (
            "[entities.\"Olga Lind\"]\ntype = \"PER\"\naliases = \"O. L.\"\n",
            "Lind said",
            "as an alias of Olga Lind",
            &["entities", "Olga Lind", "aliases"],
            &["O. L.", "Lind"],
        ),
    ];
    for (config, at, title, key, want) in cases {
        let sb = Sandbox::new();
        let a = sb.write("a.md", ARTICLE);
        let cfg_path = sb.write("corpus-ls.toml", config);
        let mut c = start(&sb.root);
        let u = c.open(&a);
        let acts = actions_at(&mut c, &u, ARTICLE, at);
        c.shutdown();
        let act = acts
            .iter()
            .find(|x| x["title"].as_str().is_some_and(|t| t.contains(title)))
            .unwrap_or_else(|| panic!("no \"{title}\" action for {config:?}: {acts:?}"));
        let edited = apply(config, &act["edit"], &uri(&cfg_path));
        if config.starts_with('\u{feff}') {
            assert!(edited.starts_with('\u{feff}'), "{edited:?}");
        }
        let body = edited.strip_prefix('\u{feff}').unwrap_or(&edited);
        assert!(!body.contains('\u{feff}'), "the BOM moved: {edited:?}");
        let parsed: toml::Table = toml::from_str(body)
            .unwrap_or_else(|e| panic!("{config:?} became {edited:?}, not TOML: {e}"));
        let mut v = &toml::Value::Table(parsed);
        for k in key {
            v = v.get(k).unwrap_or_else(|| panic!("no {k} in {edited:?}"));
        }
        let got: Vec<&str> = v
            .as_array()
            .unwrap_or_else(|| panic!("{key:?} is not a list in {edited:?}"))
            .iter()
            .filter_map(toml::Value::as_str)
            .collect();
        assert_eq!(got, want, "{config:?} became {edited:?}");
        let last = key.last().unwrap();
        assert_eq!(
            body.matches(&format!("{last} =")).count(),
            1,
            "a second {last} key: {edited:?}"
        );
        // The CLI reads the edited config without a problem (a broken one means defaults).
        std::fs::write(&cfg_path, &edited).unwrap();
        let r = reliability_support::run(&sb.root, &["entities", "--no-cache"]);
        r.expect_code(0, "entities with the edited config");
        assert!(!r.stderr.contains("corpus-ls.toml"), "{}", r.stderr);
    }
}
