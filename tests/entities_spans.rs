//! `corpus-ls spans` reports the recogniser's entity mentions (real binary, own fixture).

use std::process::Command;

#[test]
fn spans_lists_people_places_and_organisations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "## Harbour Talks Resume\n\nTEMA, Ghana — Mr. Okonjo met Trade Minister Kwame Adu at the World Bank office in Accra on Tuesday.\n";
    std::fs::write(dir.path().join("harbour.md"), text).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
        .args(["spans", "harbour.md", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .expect("run corpus-ls");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .filter(|v: &serde_json::Value| v["kind"] == "entity")
        .collect();
    let has = |t: &str, e: &str, ty: &str| {
        lines
            .iter()
            .any(|v| v["text"] == t && v["entity"] == e && v["type"] == ty)
    };
    // The span is the name; `Mr.` is its cue.
    assert!(has("Okonjo", "Okonjo", "PER"), "{lines:?}");
    assert!(has("Kwame Adu", "Kwame Adu", "PER"), "{lines:?}");
    assert!(has("Accra", "Accra", "LOC"), "{lines:?}");
    for v in &lines {
        let s = v["start_byte"].as_u64().expect("start") as usize;
        let e = v["end_byte"].as_u64().expect("end") as usize;
        assert_eq!(&text[s..e], v["text"].as_str().expect("text"));
    }
}
