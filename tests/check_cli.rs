//! `corpus-ls check` end to end: the three formats (snapshots), the summary line, exit statuses,
//! a broken config, and the shape of the SARIF log.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check-corpus")
}

#[path = "common/cli.rs"]
mod cli;
use cli::run;

fn root() -> String {
    fixture().to_string_lossy().into_owned()
}

#[test]
fn human_output_is_compiler_style() {
    let (code, out, _) = run(&["check", &root()]);
    assert_eq!(code, 1, "warnings fail by default");
    assert!(
        out.lines().last().unwrap_or("").contains("findings:"),
        "{out}"
    );
    insta::assert_snapshot!("human", out);
}

#[test]
fn json_lines_carry_the_contract_fields() {
    let (code, out, err) = run(&["check", &root(), "--format", "json"]);
    assert_eq!(code, 1);
    assert!(err.contains("findings:"), "summary on stderr: {err}");
    let objs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert!(!objs.is_empty());
    for o in &objs {
        for k in [
            "file",
            "start_byte",
            "end_byte",
            "range",
            "severity",
            "code",
            "message",
            "related",
        ] {
            assert!(o.get(k).is_some(), "{k} missing in {o}");
        }
        for r in o["related"].as_array().unwrap() {
            for k in ["file", "start_byte", "end_byte", "range", "message"] {
                assert!(r.get(k).is_some(), "related {k} missing in {o}");
            }
        }
    }
    insta::assert_snapshot!("json", out);
}

#[test]
fn sarif_log_has_the_2_1_0_shape() {
    let (code, out, err) = run(&["check", &root(), "--format", "sarif"]);
    assert_eq!(code, 1);
    assert!(err.contains("findings:"));
    let log: Value = serde_json::from_str(&out).expect("SARIF is one JSON document");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "corpus-ls");
    let rules: Vec<&str> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for code in [
        "figure-conflict",
        "sources-disagree",
        "figure-unsupported",
        "weekday-mismatch",
        "source-missing",
        "config-error",
    ] {
        assert!(rules.contains(&code), "rule {code}");
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx], id);
        assert!(["error", "warning", "note", "none"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let locs = r["locations"].as_array().unwrap();
        assert_eq!(locs.len(), 1);
        let mut all = vec![&locs[0]["physicalLocation"]];
        for rl in r["relatedLocations"].as_array().unwrap() {
            assert!(rl["id"].as_u64().is_some());
            assert!(rl["message"]["text"].is_string());
            all.push(&rl["physicalLocation"]);
        }
        for pl in all {
            let uri = pl["artifactLocation"]["uri"].as_str().unwrap();
            assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
            let reg = &pl["region"];
            for k in ["startLine", "startColumn", "endLine", "endColumn"] {
                assert!(reg[k].as_u64().unwrap() >= 1, "{k} is 1-based");
            }
            assert!(reg["byteOffset"].is_u64() && reg["byteLength"].is_u64());
            let (sl, el) = (reg["startLine"].as_u64(), reg["endLine"].as_u64());
            assert!(sl <= el);
        }
    }
    // What code scanning needs beyond the schema (GitHub's rules): documented rules with
    // names of their own, the invocation, the base the relative paths resolve from, and
    // fingerprints.
    for r in driver["rules"].as_array().unwrap() {
        assert_ne!(r["name"], r["id"]);
        assert!(r["fullDescription"]["text"].as_str().unwrap().len() > 40);
        assert!(r["help"]["text"].is_string() && r["help"]["markdown"].is_string());
        assert!(r["helpUri"].as_str().unwrap().starts_with("https://"));
    }
    assert_eq!(runs[0]["invocations"][0]["executionSuccessful"], true);
    let base = runs[0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let prints = fingerprints(&log);
    assert_eq!(prints.len(), results.len());
    let distinct: std::collections::HashSet<&String> = prints.iter().collect();
    assert_eq!(distinct.len(), prints.len(), "{prints:?}");
    // The root is this machine's; the snapshot holds a placeholder.
    insta::assert_snapshot!("sarif", out.replace(base, "file:///ROOT/"));
}

/// Each result's `partialFingerprints`, in order.
fn fingerprints(log: &Value) -> Vec<String> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"].to_string())
        .collect()
}

#[path = "common/tree.rs"]
mod tree;

#[test]
fn sarif_fingerprints_survive_moved_lines_and_change_with_the_figure() {
    let sarif = |root: &Path| -> Value {
        let (_, out, _) = run(&[
            "check",
            &root.to_string_lossy(),
            "--format",
            "sarif",
            "--fail-on",
            "never",
        ]);
        serde_json::from_str(&out).unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    tree::copy_dir(&fixture(), dir.path());
    let before = sarif(dir.path());
    let prints = fingerprints(&before);
    assert!(!prints.is_empty());
    // Blank lines and a new paragraph at the top move every finding down: same alerts.
    let note = dir.path().join("notes/harbor.md");
    let text = std::fs::read_to_string(&note).unwrap();
    let (head, body) = text.split_at(text.find("\n\n").unwrap());
    let moved = format!("{head}\n\nA paragraph added above the rest.\n\n\n{body}");
    std::fs::write(&note, &moved).unwrap();
    let after = sarif(dir.path());
    let lines = |log: &Value| -> Vec<u64> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
            })
            .collect()
    };
    assert_ne!(lines(&before), lines(&after), "the findings moved");
    let mut a = prints.clone();
    let mut b = fingerprints(&after);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // A finding whose words change is a new alert.
    let in_note: Vec<&Value> = before["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "notes/harbor.md"
        })
        .collect();
    let offset = |r: &Value| {
        r["locations"][0]["physicalLocation"]["region"]["byteOffset"]
            .as_u64()
            .unwrap() as usize
    };
    // The first finding in the note's body (below the paragraph added above it).
    let first = in_note
        .iter()
        .find(|r| offset(r) > head.len())
        .expect("the fixture's note has a finding in its body");
    let off = offset(first) + (moved.len() - text.len());
    let mut changed = moved.clone();
    changed.insert_str(off, "really ");
    std::fs::write(&note, changed).unwrap();
    let again = fingerprints(&sarif(dir.path()));
    assert_eq!(again.len(), prints.len(), "the edit keeps every finding");
    assert!(
        !again.contains(&first["partialFingerprints"].to_string()),
        "{again:?}"
    );
}

#[test]
fn exit_statuses_follow_fail_on() {
    assert_eq!(run(&["check", &root(), "--fail-on", "never"]).0, 0);
    assert_eq!(run(&["check", &root(), "--fail-on", "error"]).0, 0);
    assert_eq!(run(&["check", &root(), "--fail-on", "hint"]).0, 1);
    assert_eq!(run(&["check", "/definitely/not/here"]).0, 2);
    assert_eq!(run(&["check", &root(), "--format", "xml"]).0, 2);
    assert_eq!(run(&["check", &root(), "--fail-on", "sometimes"]).0, 2);
}

#[test]
fn a_broken_config_is_a_finding_and_defaults_apply() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("corpus-ls.toml"),
        "[severity\nfigure-conflict = 1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "# A story\n\nIt rained on Monday, June 5, 2018, all day.\n",
    )
    .unwrap();
    let (code, out, _) = run(&["check", &dir.path().to_string_lossy(), "--format", "json"]);
    assert_eq!(code, 1);
    let objs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let codes: Vec<&str> = objs.iter().map(|o| o["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["config-error", "weekday-mismatch"], "{out}");
    assert_eq!(objs[0]["file"], "corpus-ls.toml");
    assert_eq!(objs[1]["severity"], "warning");
}

#[test]
fn severities_from_the_config_apply_and_off_drops_a_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "# A story\n\nIt rained on Monday, June 5, 2018, all day.\n",
    )
    .unwrap();
    let cfg = dir.path().join("corpus-ls.toml");
    std::fs::write(&cfg, "[severity]\nweekday-mismatch = \"error\"\n").unwrap();
    let (_, out, _) = run(&["check", &dir.path().to_string_lossy(), "--format", "json"]);
    assert!(out.contains("\"severity\":\"error\""), "{out}");
    std::fs::write(&cfg, "[severity]\nweekday-mismatch = \"off\"\n").unwrap();
    let (code, out, _) = run(&["check", &dir.path().to_string_lossy(), "--format", "json"]);
    assert_eq!((code, out.as_str()), (0, ""));
}
