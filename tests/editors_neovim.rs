//! Neovim's own LSP client against the real `corpus-ls` binary on a copy of `examples/corpus`.
//!
//! Headless Neovim (0.7 or later) loads our plugin (`editors/neovim`), opens the note that the
//! CLI says has a `figure-conflict` in a copy without corpus-ls.toml or .git, and runs
//! `editors/neovim/test/probe.lua`: the note's diagnostics, the conflicting figure fixed in the
//! buffer (its warning goes without a save) and undone (it comes back), then hover and
//! references on an entity mentioned in several files. The CLI
//! picks the positions; the assertions are about what the editor received.
//! Skips with a printed reason when `nvim` is not installed (CI installs it).

#[path = "common/tree.rs"]
mod tree;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_corpus-ls");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `nvim --version`'s first line, or None when Neovim is not installed.
fn nvim_version() -> Option<String> {
    let out = Command::new("nvim").arg("--version").output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(str::to_owned)
}

/// Runs the CLI and parses its JSON Lines.
fn cli_json(args: &[&str]) -> Vec<Value> {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 1),
        "corpus-ls {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// The text of a hover result, whatever shape it has (MarkupContent, MarkedString, array).
fn hover_text(contents: &Value) -> String {
    match contents {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(hover_text).collect::<Vec<_>>().join("\n"),
        Value::Object(o) => o
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

/// How many files an `entities` record names (`files` is a list of paths, or a count).
fn file_count(entity: &Value) -> usize {
    match &entity["files"] {
        Value::Array(files) => files.len(),
        v => v.as_u64().unwrap_or(0) as usize,
    }
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Runs Neovim with a hard time limit so a hung server cannot hang the test suite.
fn run_nvim(envs: &[(&str, String)]) -> std::process::ExitStatus {
    let probe = repo().join("editors/neovim/test/probe.lua");
    let mut cmd = Command::new("nvim");
    cmd.args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", probe.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start nvim");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn neovim_hover_references_and_note_diagnostics() {
    let Some(version) = nvim_version() else {
        eprintln!("skipping editors_neovim: `nvim` is not installed (apt-get install -y neovim)");
        return;
    };
    eprintln!("using {version}");
    let example = repo().join("examples/corpus");
    assert!(example.is_dir(), "examples/corpus is missing");

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap().join("corpus");
    tree::copy_dir(&example, &root);
    // The seed-style layout as a new user has it: articles beside a `notes/` folder, no
    // corpus-ls.toml, no .git. The plugin and the server must still keep the corpus together.
    let _ = std::fs::remove_file(root.join("corpus-ls.toml"));
    assert!(!root.join(".git").exists());
    let root_s = root.to_str().unwrap();

    // The note with a figure conflict, as the CLI sees it, on one line.
    let findings = cli_json(&["check", root_s, "--format", "json", "--fail-on", "never"]);
    let bytes_of = |file: &str, v: &Value| -> String {
        let text = std::fs::read(root.join(file)).unwrap();
        let (a, b) = (
            v["start_byte"].as_u64().unwrap(),
            v["end_byte"].as_u64().unwrap(),
        );
        String::from_utf8_lossy(&text[a as usize..b as usize]).into_owned()
    };
    let conflict = findings
        .iter()
        .find(|f| {
            f["code"] == "figure-conflict"
                && !bytes_of(f["file"].as_str().unwrap(), f).contains('\n')
                && f["file"].as_str().unwrap().starts_with("notes/")
        })
        .unwrap_or_else(|| panic!("the example corpus shows no figure-conflict: {findings:?}"));
    let note_rel = conflict["file"].as_str().unwrap();
    let note = root.join(note_rel);
    // The fix: the source's figure in place of the note's.
    let fix_from = bytes_of(note_rel, conflict);
    let source = &conflict["related"][0];
    let fix_to = bytes_of(source["file"].as_str().unwrap(), source);
    eprintln!("fix {fix_from:?} -> {fix_to:?}");

    // An entity mentioned in several files, preferably one the note mentions too.
    let entities = cli_json(&["entities", root_s, "--format", "json"]);
    let mut spread: Vec<&Value> = entities.iter().filter(|e| file_count(e) >= 2).collect();
    spread.sort_by_key(|e| std::cmp::Reverse(e["mentions"].as_u64().unwrap_or(0)));
    assert!(!spread.is_empty(), "no entity in two files: {entities:?}");
    let mut chosen = None;
    for e in &spread {
        let name = e["entity"].as_str().unwrap();
        let mentions = cli_json(&["mentions", name, root_s, "--format", "json"]);
        let in_note = mentions.iter().find(|m| m["file"] == note_rel).cloned();
        let pick = in_note.or_else(|| mentions.first().cloned());
        if let Some(m) = pick {
            chosen = Some((name.to_owned(), m, mentions));
            if chosen.as_ref().unwrap().1["file"] == note_rel {
                break;
            }
        }
    }
    let (entity, mention, mentions) = chosen.expect("no mention of a spread entity");
    let mention_file = root.join(mention["file"].as_str().unwrap());
    let line = mention["range"]["start"]["line"].as_u64().unwrap();
    let col = mention["range"]["start"]["character"].as_u64().unwrap();
    eprintln!(
        "note {note_rel}; entity {entity:?} at {}:{line}:{col}",
        mention["file"]
    );

    let out_path = tmp.path().join("probe.json");
    let status = run_nvim(&[
        ("PROBE_BIN", BIN.to_owned()),
        ("PROBE_NOTE", note.display().to_string()),
        ("PROBE_FILE", mention_file.display().to_string()),
        ("PROBE_LINE", line.to_string()),
        ("PROBE_COL", col.to_string()),
        ("PROBE_OUT", out_path.display().to_string()),
        ("PROBE_WAIT_CODE", "figure-conflict".to_owned()),
        (
            "PROBE_FIX_LINE",
            conflict["range"]["start"]["line"].to_string(),
        ),
        (
            "PROBE_FIX_CHAR",
            conflict["range"]["start"]["character"].to_string(),
        ),
        ("PROBE_FIX_FROM", fix_from),
        ("PROBE_FIX_TO", fix_to),
    ]);
    let text = std::fs::read_to_string(&out_path)
        .unwrap_or_else(|e| panic!("the probe wrote no result ({status}): {e}"));
    let out: Value = serde_json::from_str(&text).unwrap();
    assert!(status.success(), "probe failed ({status}): {out:#}");
    assert_eq!(out["errors"], serde_json::json!([]), "{out:#}");

    // Root detection in the plugin found the corpus (the folder above `notes/`), not the
    // note's folder.
    assert_eq!(out["root_dir"], root_s, "{out:#}");

    // The note's diagnostics include the conflict, at the place the CLI names.
    let diags = out["note"]["diagnostics"].as_array().unwrap();
    let conflicts: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "figure-conflict")
        .collect();
    assert!(!conflicts.is_empty(), "no figure-conflict: {out:#}");
    assert!(
        conflicts
            .iter()
            .any(|d| d["range"]["start"] == conflict["range"]["start"]),
        "conflict not at {}: {conflicts:#?}",
        conflict["range"]
    );
    assert!(
        conflicts
            .iter()
            .all(|d| d["severity"].as_u64().is_some() && !d["message"].as_str().unwrap().is_empty()),
        "{conflicts:#?}"
    );
    // ...and reached Neovim's diagnostic list, which is what the user sees.
    assert!(
        !out["note"]["shown"].as_array().unwrap().is_empty(),
        "{out:#}"
    );

    // Fixing the figure in the buffer (no save) takes the warning away, the undo brings it back:
    // the server follows Neovim's changedtick versions.
    let fix = &out["fix"];
    eprintln!("edit and undo: {fix}");
    assert_eq!(fix["before"], true, "{out:#}");
    assert_eq!(fix["modified_after_edit"], true, "{out:#}");
    assert_eq!(
        fix["gone"], true,
        "the fixed figure kept its warning: {out:#}"
    );
    assert_eq!(
        fix["back"], true,
        "the undone fix got no warning back: {out:#}"
    );
    assert_eq!(fix["text_restored"], true, "{out:#}");
    // Within a second on a quiet machine; the bound leaves room for a loaded CI runner.
    for k in ["gone_ms", "back_ms"] {
        assert!(fix[k].as_u64().unwrap() < 3000, "{k}: {fix}");
    }

    // Hover on the mention names the entity.
    let hover = &out["hover"]["result"];
    assert!(hover.is_object(), "no hover: {out:#}");
    let shown = hover_text(&hover["contents"]);
    assert!(
        shown.to_lowercase().contains(&entity.to_lowercase()),
        "hover does not name {entity:?}: {shown}"
    );

    // References span several files: the same files as the CLI's mentions.
    let refs = out["references"]["result"].as_array().expect("references");
    let ref_files: BTreeSet<&str> = refs.iter().filter_map(|r| r["uri"].as_str()).collect();
    assert!(
        ref_files.len() >= 2,
        "references in one file only: {refs:#?}"
    );
    let cli_files: BTreeSet<String> = mentions
        .iter()
        .map(|m| uri_of(&root.join(m["file"].as_str().unwrap())))
        .collect();
    let ref_files: BTreeSet<String> = ref_files.into_iter().map(str::to_owned).collect();
    assert_eq!(ref_files, cli_files, "references and `mentions` disagree");
    assert!(
        refs.iter().any(|r| r["uri"] == out["file"]["uri"]
            && r["range"]["start"]["line"] == line
            && r["range"]["start"]["character"] == col),
        "references leave out the mention under the cursor: {refs:#?}"
    );
}
