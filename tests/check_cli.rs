//! `corpus-ls check` end to end: the three formats (snapshots), the summary line, exit statuses,
//! a broken config, and the shape of the SARIF log.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check-corpus")
}

/// Runs the binary; returns (status, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

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
    insta::assert_snapshot!("sarif", out);
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
