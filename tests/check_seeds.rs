//! Planted errors and correct restatements against the seed articles: recall and precision of
//! the warnings. The seeds live outside the repo (`../shared/seeds`); without them, or without a
//! figure extractor, the test says why and skips.
//!
//! `cargo test --test check_seeds -- --nocapture` prints the table that EVALUATION.md quotes.

#[path = "common/tree.rs"]
mod tree;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn seeds_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        here.join("../shared/seeds"),
        PathBuf::from("/work/shared/seeds"),
    ]
    .into_iter()
    .find(|p| p.join("003_cd8938af65b0a9eb.txt").is_file())
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
}

/// One planted error: file, 1-based line, code, text inside the flagged span.
struct Planted {
    file: String,
    line: u64,
    code: String,
    text: String,
}

fn planted(fixture: &Path) -> Vec<Planted> {
    std::fs::read_to_string(fixture.join("expected.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut it = l.splitn(3, ' ');
            let (loc, code, text) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
            let (file, line) = loc.rsplit_once(':').unwrap();
            Planted {
                file: file.to_string(),
                line: line.parse().unwrap(),
                code: code.to_string(),
                text: text.to_string(),
            }
        })
        .collect()
}

#[test]
fn planted_errors_are_caught_and_restatements_stay_silent() {
    let Some(seeds) = seeds_dir() else {
        eprintln!("skipped: the seed articles (../shared/seeds) are not here");
        return;
    };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed-notes");
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&seeds).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "txt") {
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
    }
    tree::copy_dir(&fixture.join("notes"), &dir.path().join("notes"));

    let spans = bin()
        .args(["spans", "--format", "json", "--root"])
        .arg(dir.path())
        .arg(dir.path().join("003_cd8938af65b0a9eb.txt"))
        .output()
        .unwrap();
    if !String::from_utf8_lossy(&spans.stdout).contains("\"kind\":\"figure\"") {
        eprintln!("skipped: the figure extractor finds no figure in the seeds yet");
        return;
    }

    let out = bin()
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let findings: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let notes_text =
        |file: &str| std::fs::read_to_string(dir.path().join(file)).unwrap_or_default();
    let span_text = |f: &Value| -> String {
        let t = notes_text(f["file"].as_str().unwrap());
        let (s, e) = (
            f["start_byte"].as_u64().unwrap() as usize,
            f["end_byte"].as_u64().unwrap() as usize,
        );
        t.get(s..e).unwrap_or("").to_string()
    };
    let line_of = |f: &Value| f["range"]["start"]["line"].as_u64().unwrap() + 1;
    let is_warning = |f: &Value| f["severity"] == "warning" || f["severity"] == "error";

    let cases = planted(&fixture);
    let hits = |p: &Planted, f: &Value| {
        f["file"] == p.file.as_str()
            && f["code"] == p.code.as_str()
            && line_of(f) == p.line
            && span_text(f).contains(&p.text)
    };
    let mut caught = 0;
    println!("| planted error | caught |");
    println!("|---|---|");
    for p in &cases {
        let ok = findings.iter().any(|f| is_warning(f) && hits(p, f));
        caught += usize::from(ok);
        println!(
            "| {}:{} {} `{}` | {} |",
            p.file,
            p.line,
            p.code,
            p.text,
            if ok { "yes" } else { "**no**" }
        );
    }
    let warnings: Vec<&Value> = findings.iter().filter(|f| is_warning(f)).collect();
    let right = warnings
        .iter()
        .filter(|f| cases.iter().any(|p| hits(p, f)))
        .count();
    for f in &warnings {
        if !cases.iter().any(|p| hits(p, f)) {
            println!(
                "false warning: {}:{} {} `{}`: {}",
                f["file"].as_str().unwrap(),
                line_of(f),
                f["code"],
                span_text(f),
                f["message"]
            );
        }
    }
    let others: Vec<&Value> = findings.iter().filter(|f| !is_warning(f)).collect();
    for f in &others {
        println!(
            "{}: {}:{} `{}`: {}",
            f["code"],
            f["file"].as_str().unwrap(),
            line_of(f),
            span_text(f),
            f["message"]
        );
    }
    println!(
        "recall {caught}/{} = {:.2}; precision {right}/{} = {:.2}; {} findings below warning",
        cases.len(),
        caught as f64 / cases.len() as f64,
        warnings.len(),
        if warnings.is_empty() {
            1.0
        } else {
            right as f64 / warnings.len() as f64
        },
        others.len()
    );
    assert!(cases.len() >= 20);
    assert!(
        caught * 6 >= cases.len() * 5,
        "recall below 5 in 6: {caught}/{}",
        cases.len()
    );
    assert!(
        right * 10 >= warnings.len() * 9,
        "precision below 9 in 10: {right}/{}",
        warnings.len()
    );
}
