//! `check` and the server with `[archive] postgres` set: a note's figures are checked against
//! archive articles not in its folder (marked as the archive's), a stdio session's references
//! and hover reach the archive's files, and an archive that is down or silent leaves the local
//! answers with one warning, in bounded time, in the CLI and in the server.

mod archive_support;
#[path = "common/lsp_client.rs"]
mod lsp_client;
use archive_support::*;
use lsp_client::{canon, pos_of, uri, LspClient};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// A folder with one example article and the example note that names its sources, here
/// without that line (so it is checked against every article), and `config` as its
/// `corpus-ls.toml`.
fn note_folder(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let note = std::fs::read_to_string(examples().join("notes/talks-summary.md")).unwrap();
    let note: String = note
        .lines()
        .filter(|l| !l.starts_with("sources:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::create_dir_all(dir.path().join("notes")).unwrap();
    std::fs::write(dir.path().join("notes/talks.md"), note).unwrap();
    std::fs::copy(
        examples().join("draskov-talks-end.md"),
        dir.path().join("draskov-talks-end.md"),
    )
    .unwrap();
    std::fs::write(dir.path().join("corpus-ls.toml"), config).unwrap();
    dir
}

fn archive_config(url: &str) -> String {
    format!("[archive]\npostgres = \"{url}\"\n")
}

fn check_json(dir: &Path) -> (Vec<Value>, String, Duration) {
    let t = Instant::now();
    let o = bin()
        .env("CORPUS_LS_ARCHIVE_TIMEOUT_MS", "700")
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(dir)
        .output()
        .unwrap();
    let took = t.elapsed();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{err}");
    (json_lines(&String::from_utf8_lossy(&o.stdout)), err, took)
}

/// A server on `root` (its config read from disk), indexed.
fn server(root: &Path) -> LspClient {
    std::env::set_var("CORPUS_LS_ARCHIVE_TIMEOUT_MS", "700");
    let (c, _) = LspClient::start(&[root], json!({}), lsp_client::default_capabilities());
    c
}

/// References at `needle` in `file` (open in `c`).
fn references(c: &mut LspClient, file: &Path, needle: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(file).unwrap();
    let u = uri(file);
    let r = c.result(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": pos_of(&text, needle, 1),
               "context": {"includeDeclaration": true}}),
    );
    r.as_array().cloned().unwrap_or_default()
}

#[test]
fn with_the_archive_check_and_the_server_reach_articles_not_in_the_folder() {
    let Some(pg) = Pg::start() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let snap = pipeline(&examples(), work.path(), 2, &mut Lcg(11));
    load(&pg.url, &snap);

    // check: the note's figures meet the archive's Kestrel article, which the folder lacks.
    let alone = note_folder("");
    let (local, _, _) = check_json(alone.path());
    let dir = note_folder(&archive_config(&pg.url));
    let (wide, err, _) = check_json(dir.path());
    assert!(!err.contains("archive not used"), "{err}");
    let from_archive: Vec<&Value> = wide.iter().filter(|f| f["archive"] == true).collect();
    assert!(!from_archive.is_empty(), "{wide:#?}");
    for f in &from_archive {
        assert_eq!(f["file"], "notes/talks.md");
        let marked: Vec<&Value> = f["related"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["archive"] == true)
            .collect();
        assert!(!marked.is_empty(), "{f}");
        for r in marked {
            let rel = r["file"].as_str().unwrap();
            assert!(!dir.path().join(rel).exists(), "{rel} is the folder's");
            assert!(examples().join(rel).is_file(), "{rel} is an archive file");
            assert!(r["range"]["start"]["line"].as_u64().is_some(), "{r}");
        }
    }
    assert!(
        local.iter().all(|f| f.get("archive").is_none()) && local != wide,
        "without the archive: {local:#?}"
    );
    // The folder's own article wins: its findings are the same with and without the archive.
    let own = |v: &[Value]| -> Vec<String> {
        v.iter()
            .filter(|f| f["file"] == "draskov-talks-end.md")
            .map(Value::to_string)
            .collect()
    };
    assert_eq!(own(&local), own(&wide));
    // Human output names archive locations as such.
    let human = bin()
        .args(["check", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&human.stdout).contains("= note: archive:"));

    // The server: references from the folder's article reach the archive's other files.
    let folder = canon(dir.path());
    let mut c = server(&folder);
    let draskov = folder.join("draskov-talks-end.md");
    c.open(&draskov);
    let refs = references(&mut c, &draskov, "Kovaria broke");
    let archive_root = canon(&examples());
    let in_archive: Vec<&str> = refs
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .filter(|u| u.starts_with(&uri(&archive_root)))
        .collect();
    assert!(
        in_archive
            .iter()
            .any(|u| u.ends_with("/velmora-hard-line.txt")),
        "{refs:#?}"
    );
    assert!(
        !in_archive
            .iter()
            .any(|u| u.ends_with("/draskov-talks-end.md")),
        "the folder's own file comes from the folder"
    );
    assert!(refs
        .iter()
        .any(|l| l["uri"].as_str().unwrap().starts_with(&uri(&folder))));
    // Hover counts them.
    let text = std::fs::read_to_string(&draskov).unwrap();
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&draskov)}, "position": pos_of(&text, "Kovaria broke", 1)}),
    );
    let shown = h["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.contains("Archive: "), "{shown}");
    assert!(!c.stderr().contains("archive not used"), "{}", c.stderr());
    c.shutdown();
}

/// An address where nothing listens, and one that accepts and never answers (held open by the
/// returned thread for 30 s).
fn dead_and_silent() -> [String; 2] {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let held: Vec<_> = l.incoming().take(8).collect();
        std::thread::sleep(Duration::from_secs(30));
        drop(held);
    });
    [closed, silent].map(|p| format!("postgresql://x@127.0.0.1:{p}/x"))
}

#[test]
fn an_archive_down_or_silent_leaves_check_and_the_server_local_with_one_warning() {
    for url in dead_and_silent() {
        let dir = note_folder(&archive_config(&url));
        let alone = note_folder("");
        let (got, err, took) = check_json(dir.path());
        assert_eq!(err.matches("archive not used").count(), 1, "{url}: {err}");
        assert_eq!(got, check_json(alone.path()).0, "{url}: the local findings");
        assert!(took < Duration::from_secs(5), "{url}: check took {took:?}");

        let folder = canon(dir.path());
        let mut c = server(&folder);
        let draskov = folder.join("draskov-talks-end.md");
        c.open(&draskov);
        for _ in 0..2 {
            let t = Instant::now();
            let refs = references(&mut c, &draskov, "Kovaria broke");
            assert!(!refs.is_empty(), "{url}: the local references");
            assert!(
                refs.iter()
                    .all(|l| l["uri"].as_str().unwrap().starts_with(&uri(&folder))),
                "{url}: {refs:#?}"
            );
            assert!(
                t.elapsed() < Duration::from_secs(3),
                "{url}: {:?}",
                t.elapsed()
            );
        }
        let log = c.stderr();
        assert_eq!(log.matches("archive not used").count(), 1, "{url}: {log}");
        c.shutdown();
    }
}
