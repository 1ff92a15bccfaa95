//! Emacs with Eglot (batch) and our `editors/emacs/corpus-ls.el` against the real binary, on a
//! seed-style copy of `examples/corpus` (no corpus-ls.toml, no .git): the note's figure
//! conflict shows, the figure fixed in the buffer loses its warning without a save and the undo
//! brings it back, and a plain-text article of the same corpus joins the same server.
//! Skips with a printed reason when `emacs` is not installed (CI installs emacs-nox,
//! elpa-eglot and elpa-markdown-mode).

#[path = "common/editor_corpus.rs"]
mod editor_corpus;
use editor_corpus::{
    assert_fix_round_trip, repo, run_with_limit, seed_style_copy, version_of, Conflict, BIN,
};
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn emacs_eglot_fix_undo_and_one_server_per_corpus() {
    let Some(version) = version_of("emacs") else {
        eprintln!(
            "skipping editors_emacs: `emacs` is not installed \
             (apt-get install -y emacs-nox elpa-eglot elpa-markdown-mode)"
        );
        return;
    };
    eprintln!("using {version}");
    let tmp = tempfile::tempdir().unwrap();
    let root = seed_style_copy(tmp.path());
    let conflict = Conflict::find(&root);
    let other = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
        .expect("a plain-text article");
    let dir = repo().join("editors/emacs");
    let out_file = tmp.path().join("probe.json");
    let mut cmd = Command::new("emacs");
    cmd.arg("--batch")
        .arg("-L")
        .arg(&dir)
        .arg("-l")
        .arg(dir.join("test/probe.el"))
        .env("PROBE_BIN", BIN)
        .env("PROBE_FILE", root.join(&conflict.note_rel))
        .env("PROBE_OTHER", &other)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_file).unwrap())
        .stderr(Stdio::null());
    for (k, v) in conflict.probe_env() {
        cmd.env(k, v);
    }
    let status = run_with_limit(&mut cmd, Duration::from_secs(120));
    let text = std::fs::read_to_string(&out_file).unwrap();
    let out: Value = serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("the probe wrote no JSON ({status}): {e}: {text}"));
    assert!(status.success(), "probe failed ({status}): {out:#}");
    // Eglot rooted the note at the corpus (the folder above `notes/`), not at `notes/`.
    assert_eq!(
        out["project_root"]
            .as_str()
            .map(|r| r.trim_end_matches('/')),
        root.to_str(),
        "{out:#}"
    );
    let conflicts = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "figure-conflict")
        .count();
    assert!(conflicts > 0, "no figure-conflict: {out:#}");
    let fix = &out["fix"];
    eprintln!("edit and undo: {fix}");
    assert_fix_round_trip(fix);
    assert_eq!(fix["saved_text_restored"], true, "{fix}");
    // One server for Markdown and plain text.
    assert_eq!(out["other"]["managed"], true, "{out:#}");
    assert_eq!(out["other"]["same_server"], true, "{out:#}");
    assert_eq!(out["server_count"], 1, "{out:#}");
}
