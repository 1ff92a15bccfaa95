//! The `mentions`, `entities` and `spans` subcommands on a small annotated corpus (brat `.ann`
//! beside `.txt`, and a CoNLL file), run through the real binary.
//!
//! Every file carries gold annotations, so the outputs do not depend on the recogniser.

use std::path::Path;
use std::process::{Command, Output};

/// Files of the fixture; `[[surface|TYPE]]` marks become brat lines (character offsets).
const FIXTURE: &[(&str, &str)] = &[
    (
        "wire/harbour.txt",
        "Port talks 🚢 resumed. [[Deputy Mayor Ana Ruiz|PER]], a veteran planner from the coast, \
         met [[Tomas Brandt|PER]] of [[Kestrel Shipping Company|ORG]] in [[Valparaíso|LOC]].\n\
         [[Ms. Ruiz|PER]] wanted lower fees. [[Brandt|PER]] said [[Kestrel|ORG]] would wait.\n",
    ),
    (
        "wire/dump.txt",
        "officials said [[ana ruiz|PER]] will return next week and [[ms ruiz|PER]] hopes \
         [[kestrel|ORG]] changes its mind while [[mr brandt|PER]] stays home\n",
    ),
    (
        "wire/other.txt",
        "[[Mia Brandt|PER]] also spoke. Later a caller named [[Brandt|PER]] phoned in.\n",
    ),
];

const CONLL: &str = "-DOCSTART- -X- -X- O\n\nAna NNP B-NP B-PER\nRuiz NNP I-NP I-PER\nvisited VBD B-VP O\nKestrel NNP B-NP B-ORG\n. . O O\n";

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, marked) in FIXTURE {
        let (text, ann) = unmark(marked);
        let abs = dir.path().join(path);
        std::fs::create_dir_all(abs.parent().expect("parent")).expect("mkdir");
        std::fs::write(&abs, text).expect("write");
        std::fs::write(abs.with_extension("ann"), ann).expect("write ann");
    }
    std::fs::write(dir.path().join("gold.conll"), CONLL).expect("write conll");
    dir
}

/// The text without marks, and brat lines for the marks.
fn unmark(marked: &str) -> (String, String) {
    let (mut text, mut ann, mut rest, mut n) = (String::new(), String::new(), marked, 0);
    while let Some(open) = rest.find("[[") {
        text.push_str(&rest[..open]);
        let close = open + rest[open..].find("]]").expect("]]");
        let (surface, ty) = rest[open + 2..close].split_once('|').expect("|");
        let a = text.chars().count();
        text.push_str(surface);
        n += 1;
        ann.push_str(&format!(
            "T{n}\t{ty} {a} {}\t{surface}\n",
            text.chars().count()
        ));
        rest = &rest[close + 2..];
    }
    text.push_str(rest);
    (text, ann)
}

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run corpus-ls")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn entities_json_snapshot() {
    let dir = fixture();
    let o = run(&["entities", ".", "--format", "json"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn entities_human_is_a_table_with_ambiguities() {
    let dir = fixture();
    let o = run(&["entities"], dir.path());
    assert!(o.status.success());
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn mentions_by_any_alias_in_json() {
    let dir = fixture();
    let root = dir.path().to_str().expect("utf-8 path");
    for name in ["Ana Ruiz", "ms ruiz", "Deputy Mayor Ana Ruiz", "MS. RUIZ"] {
        let o = run(
            &["mentions", name, root, "--format", "json"],
            Path::new("/"),
        );
        assert!(o.status.success(), "{name}");
        let lines = json_lines(&o);
        let texts: Vec<&str> = lines
            .iter()
            .map(|l| l["text"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(
            texts,
            vec![
                // Mentions are the names, without honorific or title (CoNLL).
                "Ana Ruiz", "ana ruiz", "ruiz", "Ana Ruiz", "Ruiz"
            ],
            "{name}"
        );
        for l in &lines {
            assert_eq!(l["entity"], "Ana Ruiz");
            assert_eq!(l["type"], "PER");
        }
    }
    let o = run(
        &["mentions", "Ms. Ruiz", root, "--format", "json"],
        Path::new("/"),
    );
    let lines = json_lines(&o);
    // Corpus order: undated files by path. The CoNLL mention points into the .conll file's own bytes.
    assert_eq!(lines[0]["file"], "gold.conll");
    let (s, e) = (
        lines[0]["start_byte"].as_u64().unwrap() as usize,
        lines[0]["end_byte"].as_u64().unwrap() as usize,
    );
    assert!(CONLL[s..e].starts_with("Ana ") && CONLL[s..e].ends_with("Ruiz"));
    // After the ship emoji, UTF-16 columns run one ahead of characters.
    let harbour = &lines[3];
    assert_eq!(harbour["file"], "wire/harbour.txt");
    let start = harbour["start_byte"].as_u64().unwrap() as usize;
    let text = unmark(FIXTURE[0].1).0;
    let chars = text[..start].chars().count() as u64;
    assert_eq!(harbour["range"]["start"]["line"], 0);
    assert_eq!(harbour["range"]["start"]["character"], chars + 1);
}

#[test]
fn mentions_human_output_is_aligned() {
    let dir = fixture();
    let o = run(&["mentions", "kestrel"], dir.path());
    assert!(o.status.success());
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn ambiguous_and_unknown_names_exit_1_usage_errors_2() {
    let dir = fixture();
    let o = run(&["mentions", "Mr. Brandt"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("ambiguous") && err.contains("Tomas Brandt") && err.contains("Mia Brandt"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    let o = run(&["mentions", "Nobody Here"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no entity named"));
    assert_eq!(run(&["mentions"], dir.path()).status.code(), Some(2));
    assert_eq!(
        run(&["mentions", "x", "missing-dir"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["entities", "gold.conll"], dir.path()).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["entities", "--format", "xml"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn spans_name_the_canonical_entity() {
    let dir = fixture();
    let o = run(
        &[
            "spans",
            "wire/dump.txt",
            "wire/other.txt",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got: Vec<String> = json_lines(&o)
        .iter()
        .filter(|l| l["kind"] == "entity")
        .map(|l| format!("{} -> {}", l["text"].as_str().unwrap_or(""), l["entity"]))
        .collect();
    assert_eq!(
        got,
        vec![
            "ana ruiz -> \"Ana Ruiz\"",
            "ruiz -> \"Ana Ruiz\"",
            "kestrel -> \"Kestrel Shipping Company\"",
            // Two people named Brandt and none earlier in the dump: shown, not guessed.
            "brandt -> null",
            "Mia Brandt -> \"Mia Brandt\"",
            // A surname joins the full name earlier in its own document.
            "Brandt -> \"Mia Brandt\"",
        ]
    );
}

#[test]
fn spans_refuses_a_folder_and_still_answers_for_the_files() {
    let dir = fixture();
    let o = run(&["spans", "wire", "wire/other.txt"], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("wire: a folder; `spans` takes files"), "{err}");
    assert!(stdout(&o).contains("Mia Brandt"), "{}", stdout(&o));
    // Only folders: refused at once, nothing loaded, nothing written.
    let o = run(&["spans", "wire"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}
