//! What the real-editor tests share: a seed-style copy of `examples/corpus` (articles beside
//! `notes/`, no corpus-ls.toml, no .git), the CLI's JSON about it, the note's figure conflict
//! and its fix, and running an editor with a hard time limit.

#![allow(dead_code)]

#[path = "tree.rs"]
mod tree;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_corpus-ls");

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The first line of `program --version`, or None when it is not installed.
pub fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(str::to_owned)
}

/// A copy of `examples/corpus` at `tmp/corpus` in the seed-style layout a new user has:
/// articles beside a `notes/` folder, no corpus-ls.toml, no .git. Returns its canonical path.
pub fn seed_style_copy(tmp: &Path) -> PathBuf {
    let example = repo().join("examples/corpus");
    assert!(example.is_dir(), "examples/corpus is missing");
    let root = tmp.canonicalize().unwrap().join("corpus");
    tree::copy_dir(&example, &root);
    let _ = std::fs::remove_file(root.join("corpus-ls.toml"));
    assert!(!root.join(".git").exists());
    root
}

/// Runs the CLI and parses its JSON Lines.
pub fn cli_json(args: &[&str]) -> Vec<Value> {
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

/// A note's `figure-conflict` as the CLI reports it, and the fix: the source's figure.
pub struct Conflict {
    /// The CLI's finding.
    pub finding: Value,
    /// The note, relative to the root.
    pub note_rel: String,
    /// The note's figure as written, and the source's.
    pub from: String,
    pub to: String,
}

impl Conflict {
    /// The first one-line `figure-conflict` of a note under `root`.
    pub fn find(root: &Path) -> Conflict {
        let findings = cli_json(&[
            "check",
            root.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
        ]);
        let text_of = |v: &Value| -> String {
            let text = std::fs::read(root.join(v["file"].as_str().unwrap())).unwrap();
            let (a, b) = (
                v["start_byte"].as_u64().unwrap(),
                v["end_byte"].as_u64().unwrap(),
            );
            String::from_utf8_lossy(&text[a as usize..b as usize]).into_owned()
        };
        let finding = findings
            .iter()
            .find(|f| {
                f["code"] == "figure-conflict"
                    && f["file"].as_str().unwrap().starts_with("notes/")
                    && !text_of(f).contains('\n')
            })
            .unwrap_or_else(|| panic!("the example corpus shows no figure-conflict: {findings:?}"))
            .clone();
        Conflict {
            note_rel: finding["file"].as_str().unwrap().to_owned(),
            from: text_of(&finding),
            to: text_of(&finding["related"][0]),
            finding,
        }
    }

    /// The editor probes' `PROBE_FIX_*` variables for this conflict.
    pub fn probe_env(&self) -> Vec<(&'static str, String)> {
        let start = &self.finding["range"]["start"];
        vec![
            ("PROBE_WAIT_CODE", "figure-conflict".to_owned()),
            ("PROBE_FIX_LINE", start["line"].to_string()),
            ("PROBE_FIX_CHAR", start["character"].to_string()),
            ("PROBE_FIX_FROM", self.from.clone()),
            ("PROBE_FIX_TO", self.to.clone()),
        ]
    }
}

/// Checks a probe's `fix` record: the warning was there, went after the edit (no save) and
/// came back after the undo, each within a second on a quiet machine (3 s allowed for a
/// loaded CI runner).
pub fn assert_fix_round_trip(fix: &Value) {
    assert_eq!(fix["before"], true, "no warning before the fix: {fix}");
    assert_eq!(fix["modified_after_edit"], true, "{fix}");
    for k in ["gone_ms", "back_ms"] {
        let ms = fix[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{k}: the warning never changed: {fix}"));
        assert!(ms < 3000, "{k}: {fix}");
    }
}

/// Runs `cmd` with a hard time limit so a hung server cannot hang the test suite.
pub fn run_with_limit(cmd: &mut Command, limit: Duration) -> ExitStatus {
    let mut child = cmd.spawn().expect("start the editor");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
