//! `mentions` on the two seed articles as one corpus (read from `/work/shared/seeds`, copied to a
//! temp dir; skipped with a reason when absent).

use std::path::{Path, PathBuf};
use std::process::Command;

fn seeds() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        here.join("../shared/seeds"),
        PathBuf::from("/work/shared/seeds"),
    ]
    .into_iter()
    .find(|p| p.join("000_07c8a66dd8e1c00f.txt").is_file())
}

fn mentions(root: &Path, name: &str) -> Vec<serde_json::Value> {
    let o = Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
        .args(["mentions", name])
        .arg(root)
        .args(["--format", "json"])
        .output()
        .expect("run corpus-ls");
    assert!(
        o.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn liu_he_has_his_seven_mentions_and_nothing_else() {
    let Some(src) = seeds() else {
        eprintln!("skipped: ../shared/seeds is absent");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    for f in ["000_07c8a66dd8e1c00f.txt", "003_cd8938af65b0a9eb.txt"] {
        std::fs::copy(src.join(f), dir.path().join(f)).expect("copy seed");
    }
    for name in ["Liu He", "mr liu", "Mr. Liu", "Vice Premier Liu He"] {
        let ms = mentions(dir.path(), name);
        let in_file = |f: &str| ms.iter().filter(|m| m["file"] == f).count();
        assert_eq!(ms.len(), 7, "{name}: {ms:?}");
        assert_eq!(in_file("000_07c8a66dd8e1c00f.txt"), 4, "{name}");
        assert_eq!(in_file("003_cd8938af65b0a9eb.txt"), 3, "{name}");
        for m in &ms {
            let text = m["text"].as_str().unwrap_or("").to_lowercase();
            assert!(text.contains("liu"), "{name}: {text}");
            assert_eq!(m["entity"], "Liu He");
        }
    }
}
