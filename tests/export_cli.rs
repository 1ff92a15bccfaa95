//! `corpus-ls export` end to end: each format from the real binary, read back by its real tool
//! where one exists (spaCy, conllu, seqeval and label-studio-sdk from the venv of `.ci/python-env`; corpus-ls's
//! own brat reader by loading the exported folder as a corpus). The Python round trips skip
//! with a printed reason when the venv is absent.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/cli.rs"]
mod cli;
use cli::run;

/// A small corpus in plain text whose words tokenise alike in corpus-ls and spaCy, with
/// characters of two and four bytes before the names (offsets are characters).
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("articles")).unwrap();
    std::fs::create_dir(root.join("notes")).unwrap();
    std::fs::write(
        root.join("articles/mill.txt"),
        "Mill in Övik to cut jobs\n\n\
         ÖVIK, Sweden, March 3, 2021 - Nordvik Paper said on Wednesday it would cut 400 jobs \
         at its mill in Övik. Chief executive Ingrid Solberg said the company employs 4,000 \
         people in Sweden and Norway.\n\n\
         The union leader Lars Berg said talks with Nordvik Paper would start in April.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("notes/mill.md"),
        "---\nkind: note\nsources: [../articles/mill.txt]\n---\n\n\
         # Övik 😀 notes\n\n\
         Nordvik Paper employs 9,000 people in Sweden and Norway, says Ingrid Solberg.\n",
    )
    .unwrap();
    dir
}

/// The Python of the venv `.ci/python-env` makes, when it is there.
fn python() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pyenv/bin/python");
    if p.exists() {
        Some(p)
    } else {
        println!("skipped: no {} (run `bash .ci/python-env`)", p.display());
        None
    }
}

/// Runs `tests/python/export_roundtrip.py` and parses what it prints.
fn roundtrip(py: &Path, args: &[&str]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/export_roundtrip.py");
    let out = Command::new(py)
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn export(root: &Path, format: &str, extra: &[&str]) -> String {
    let mut args = vec!["export", root.to_str().unwrap(), "--format", format];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn jsonl_goes_through_spacy_into_a_docbin_and_back_unchanged() {
    let dir = corpus();
    let out = export(dir.path(), "jsonl", &[]);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let article = &lines[0];
    assert_eq!(article["meta"]["file"], "articles/mill.txt");
    let text = article["text"].as_str().unwrap();
    let chars: Vec<char> = text.chars().collect();
    let quoted = |s: &Value| -> String {
        chars[s["start"].as_u64().unwrap() as usize..s["end"].as_u64().unwrap() as usize]
            .iter()
            .collect()
    };
    let spans = article["spans"].as_array().unwrap();
    let found: Vec<(String, &str)> = spans
        .iter()
        .map(|s| (quoted(s), s["label"].as_str().unwrap()))
        .collect();
    assert!(
        found.contains(&("Ingrid Solberg".into(), "PER")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(t, l)| t.starts_with("4,000") && *l == "COUNT"),
        "{found:?}"
    );
    let Some(py) = python() else { return };
    let file = dir.path().join("export.jsonl");
    std::fs::write(&file, &out).unwrap();
    let spacy_dir = tempfile::tempdir().unwrap();
    let r = roundtrip(
        &py,
        &[
            "jsonl",
            file.to_str().unwrap(),
            spacy_dir.path().to_str().unwrap(),
        ],
    );
    assert!(r["spacy_file_bytes"].as_u64().unwrap() > 0);
    for (doc, line) in r["docs"].as_array().unwrap().iter().zip(&lines) {
        let ours: Vec<Value> = line["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| serde_json::json!([s["start"], s["end"], s["label"]]))
            .collect();
        assert_eq!(
            doc["strict"], doc["spans"],
            "every span on spaCy's token bounds: {doc}"
        );
        assert_eq!(doc["ents"], Value::Array(ours), "{}", doc["file"]);
    }
}

#[test]
fn conll_reads_back_through_conllu_seqeval_and_spacy_convert() {
    let dir = corpus();
    let out = export(dir.path(), "conll", &["--spans", "entities"]);
    assert_eq!(out.matches("-DOCSTART-").count(), 2);
    assert!(
        out.contains("Ingrid _ _ B-PER\nSolberg _ _ I-PER\n"),
        "{out}"
    );
    assert!(!out.contains("kind"), "front matter is not text: {out}");
    let Some(py) = python() else { return };
    // Outside the corpus: a `.conll` file inside it would be read as an article.
    let spacy_dir = tempfile::tempdir().unwrap();
    let file = spacy_dir.path().join("export.conll");
    std::fs::write(&file, &out).unwrap();
    let spacy_dir = tempfile::tempdir().unwrap();
    let r = roundtrip(
        &py,
        &[
            "conll",
            file.to_str().unwrap(),
            spacy_dir.path().to_str().unwrap(),
        ],
    );
    // What corpus-ls exported, as (label, words): from its JSONL, the same spans.
    let jsonl = export(dir.path(), "jsonl", &["--spans", "entities"]);
    let mut ours = Vec::new();
    for l in jsonl.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        let chars: Vec<char> = v["text"].as_str().unwrap().chars().collect();
        for s in v["spans"].as_array().unwrap() {
            let t: String = chars
                [s["start"].as_u64().unwrap() as usize..s["end"].as_u64().unwrap() as usize]
                .iter()
                .collect();
            ours.push(serde_json::json!([
                s["label"],
                t.split_whitespace().collect::<Vec<_>>().join(" ")
            ]));
        }
    }
    assert!(!ours.is_empty());
    assert_eq!(r["seqeval"], Value::Array(ours.clone()));
    assert_eq!(r["spacy"], Value::Array(ours));
}

#[test]
fn brat_folder_loads_back_as_a_corpus_with_the_same_entities() {
    let dir = corpus();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("brat");
    export(
        dir.path(),
        "brat",
        &["--spans", "entities", "-o", out.to_str().unwrap()],
    );
    assert!(out.join("articles/mill.txt").exists() && out.join("articles/mill.ann").exists());
    assert!(out.join("notes/mill.md.txt").exists() && out.join("notes/mill.md.ann").exists());
    assert!(std::fs::read_to_string(out.join("annotation.conf"))
        .unwrap()
        .contains("\nPER\n"));
    // corpus-ls reads the `.ann` beside each `.txt` as gold: the spans come back as written.
    let spans = |root: &Path, file: &str| -> Vec<(String, String)> {
        let (code, o, e) = run(&[
            "spans",
            file,
            "--root",
            root.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{e}");
        o.lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["kind"] == "entity")
            .map(|v| {
                (
                    v["text"].as_str().unwrap().to_string(),
                    v["type"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let ann = std::fs::read_to_string(out.join("articles/mill.ann")).unwrap();
    let from_ann: Vec<(String, String)> = ann
        .lines()
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (
                cols[2].to_string(),
                cols[1].split(' ').next().unwrap().to_string(),
            )
        })
        .collect();
    assert!(!from_ann.is_empty());
    let back = spans(&out, &out.join("articles/mill.txt").to_string_lossy());
    assert_eq!(back, from_ann);
}

#[test]
fn label_studio_regions_quote_the_task_text() {
    let dir = corpus();
    let file = dir.path().join("tasks.json");
    export(
        dir.path(),
        "label-studio",
        &["--file", "notes/mill.md", "-o", file.to_str().unwrap()],
    );
    let tasks: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(tasks.as_array().unwrap().len(), 1);
    let config = std::fs::read_to_string(dir.path().join("tasks.labeling-config.xml")).unwrap();
    assert!(config.contains("<Label value=\"PER\"/>"), "{config}");
    let Some(py) = python() else { return };
    let conf = dir.path().join("tasks.labeling-config.xml");
    let r = roundtrip(
        &py,
        &[
            "label-studio",
            file.to_str().unwrap(),
            conf.to_str().unwrap(),
        ],
    );
    assert!(r["regions"].as_u64().unwrap() > 0);
    assert_eq!(r["bad"], serde_json::json!([]));
    // label-studio-sdk read the config and accepted every prediction, and refuses a bad one.
    assert!(r["sdk"].is_string(), "{r}");
    assert_eq!(r["sdk_errors"], serde_json::json!([]));
    assert_eq!(r["sdk_refuses_bad_label"], true);
}

#[test]
fn web_annotations_target_the_note_figure_and_link_its_source() {
    let dir = corpus();
    let out = export(dir.path(), "web-annotation", &[]);
    let coll: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(coll["@context"], "http://www.w3.org/ns/anno.jsonld");
    let items = coll["first"]["items"].as_array().unwrap();
    let conflict = items
        .iter()
        .find(|a| a["body"][1]["value"] == "figure-conflict")
        .unwrap_or_else(|| panic!("the note's 9,000 conflicts with the article: {out}"));
    assert!(conflict["target"]["source"]
        .as_str()
        .unwrap()
        .ends_with("/notes/mill.md"));
    let exact = conflict["target"]["selector"][1]["exact"].as_str().unwrap();
    assert!(exact.starts_with("9,000"), "{exact}");
    let link = &conflict["body"][2];
    assert_eq!(link["purpose"], "linking");
    assert!(link["selector"][1]["exact"]
        .as_str()
        .unwrap()
        .starts_with("4,000"));
    let Some(py) = python() else { return };
    let file = dir.path().join("findings.jsonld");
    std::fs::write(&file, &out).unwrap();
    let r = roundtrip(&py, &["web-annotation", file.to_str().unwrap(), "/"]);
    assert_eq!(r["bad"], serde_json::json!([]));
    assert_eq!(r["annotations"], coll["total"]);
}

#[test]
fn bad_requests_say_what_is_wrong() {
    let dir = corpus();
    let root = dir.path().to_str().unwrap();
    let (code, _, err) = run(&["export", root, "--format", "brat"]);
    assert_eq!(code, 2);
    assert!(err.contains("--output"), "{err}");
    let (code, _, err) = run(&["export", root, "--format", "jsonl", "--file", "nope.txt"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope.txt"), "{err}");
    assert_eq!(run(&["export", root, "--format", "xml"]).0, 2);
    assert_eq!(
        run(&["export", "/definitely/not/here", "--format", "jsonl"]).0,
        2
    );
}
