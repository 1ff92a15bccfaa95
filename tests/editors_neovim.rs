//! Neovim's own LSP client against the real `corpus-ls` binary on a copy of `examples/corpus`.
//!
//! Headless Neovim (0.7 or later) loads our plugin (`editors/neovim`), opens the note that the
//! CLI says has a `figure-conflict` in a copy without corpus-ls.toml or .git, and runs
//! `editors/neovim/test/probe.lua`: the note's diagnostics, the conflicting figure fixed in the
//! buffer (its warning goes without a save) and undone (it comes back), then hover and
//! references on an entity mentioned in several files. The CLI
//! picks the positions; the assertions are about what the editor received.
//! Skips with a printed reason when `nvim` is not installed (CI installs it).

#[path = "common/editor_corpus.rs"]
mod editor_corpus;
use editor_corpus::{
    assert_fix_round_trip, cli_json, repo, run_with_limit, seed_style_copy, version_of, Conflict,
    BIN,
};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

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

/// Runs Neovim on the probe with a hard time limit.
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
    run_with_limit(&mut cmd, Duration::from_secs(120))
}

#[test]
fn neovim_hover_references_and_note_diagnostics() {
    let Some(version) = version_of("nvim") else {
        eprintln!("skipping editors_neovim: `nvim` is not installed (apt-get install -y neovim)");
        return;
    };
    eprintln!("using {version}");
    let tmp = tempfile::tempdir().unwrap();
    let root = seed_style_copy(tmp.path());
    let root_s = root.to_str().unwrap();
    let conflict = Conflict::find(&root);
    let note_rel = conflict.note_rel.as_str();
    let note = root.join(note_rel);
    eprintln!("fix {:?} -> {:?}", conflict.from, conflict.to);
    let conflict_start = conflict.finding["range"]["start"].clone();

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
    let mut envs = vec![
        ("PROBE_BIN", BIN.to_owned()),
        ("PROBE_NOTE", note.display().to_string()),
        ("PROBE_FILE", mention_file.display().to_string()),
        ("PROBE_LINE", line.to_string()),
        ("PROBE_COL", col.to_string()),
        ("PROBE_OUT", out_path.display().to_string()),
    ];
    envs.extend(conflict.probe_env());
    let status = run_nvim(&envs);
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
            .any(|d| d["range"]["start"] == conflict_start),
        "conflict not at {conflict_start}: {conflicts:#?}"
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
    assert_fix_round_trip(fix);
    assert_eq!(fix["text_restored"], true, "{out:#}");

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
