//! Fuzz target `tree`: a file tree built from the input (files, folders, links in and out of
//! the root, FIFOs, ignore files, a config) is loaded as a corpus. Invariants: no panic, no
//! hang; nothing outside the root is read (a canary outside never reaches a file's text, an
//! entity or a finding); every file read holds exactly its bytes on disk below the root.

use corpus_ls::corpus::Corpus;
use std::path::Path;

/// A token only the canary outside the root holds.
const CANARY: &str = "Quillon Vantablack";

/// Names a step may use: articles, notes, ignore files, the config, a folder.
const NAMES: &[&str] = &[
    "a.md",
    "b.txt",
    "c.conll",
    "d.ann",
    "sub/e.md",
    "sub/.ignore",
    ".gitignore",
    ".ignore",
    "sub/.gitignore",
    "corpus-ls.toml",
    "notes/n.md",
    ".git/info/exclude",
    "sub/deeper/f.markdown",
];

/// Contents a file may get (ours; the last ones are ignore and config lines).
const TEXTS: &[&[u8]] = &[
    b"# Harbor\n\nMaria Delgado of Harwick Mills paid $40 million on June 3, 2018.\n",
    b"sat bank bank on.\nriver sat bank bank sat the sat bank bank river house",
    b"-DOCSTART- -X- O O\n\nMaria NNP B-NP B-PER\nDelgado NNP I-NP I-PER\n",
    b"T1\tPER 0 5\tMaria\n",
    b"*.md\n!a.md\n",
    b"sub/\n",
    b"ignore = [\"Maria\"]\n[entities]\n\"Harwick Mills\" = \"ORG\"\n",
    b"\xff\xfe\x00bin\x00",
    b"Liu He\rLiu He\rLiu He\r",
];

/// Builds the tree `data` describes below `root` (with `outside` beside it), then loads it.
pub fn tree(data: &[u8]) {
    let Ok(dir) = tempfile_dir() else { return };
    let base = dir.path();
    let root = base.join("root");
    let outside = base.join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let secret = format!("# Secret\n\n{CANARY} paid $777 million.\n");
    std::fs::write(outside.join("canary.md"), &secret).unwrap();
    std::fs::write(outside.join("ignore-all"), "*\n").unwrap();
    std::fs::write(
        outside.join("corpus-ls.toml"),
        format!("[entities]\n\"{CANARY}\" = \"PER\"\n"),
    )
    .unwrap();
    for step in data.chunks(3).take(24) {
        let [op, n, t] = [
            step[0],
            *step.get(1).unwrap_or(&0),
            *step.get(2).unwrap_or(&0),
        ];
        let path = root.join(NAMES[n as usize % NAMES.len()]);
        if let Some(p) = path.parent() {
            let _ = std::fs::create_dir_all(p);
        }
        let _ = std::fs::remove_file(&path);
        let made = match op % 6 {
            0 | 1 => std::fs::write(&path, TEXTS[t as usize % TEXTS.len()]),
            2 => link(
                &outside.join(["canary.md", "ignore-all", "corpus-ls.toml"][t as usize % 3]),
                &path,
            ),
            3 => link(&root.join(NAMES[t as usize % NAMES.len()]), &path),
            4 => link(
                Path::new(["/dev/zero", "/dev/null", "/proc/self/status"][t as usize % 3]),
                &path,
            ),
            _ => fifo(&path),
        };
        let _ = made;
    }
    let c = Corpus::load(&root);
    let canon_root = std::fs::canonicalize(&root).unwrap();
    for f in &c.files {
        let text = f.text();
        assert!(!text.contains(CANARY), "{} holds the canary", f.rel);
        // (The names the tree uses need no escaping: the path is the root and the name.)
        let real = std::fs::canonicalize(root.join(&f.rel)).expect("a file read exists");
        assert!(
            real.starts_with(&canon_root),
            "{} read from {}",
            f.rel,
            real.display()
        );
        let bytes = std::fs::read(&real).unwrap();
        assert_eq!(
            text.len(),
            bytes.len(),
            "{}: text is not the file's bytes",
            f.rel
        );
    }
    for e in c.entities() {
        assert!(
            !e.name.contains("Vantablack"),
            "an entity from outside: {}",
            e.name
        );
    }
}

fn tempfile_dir() -> std::io::Result<TempDir> {
    let p = std::env::temp_dir().join(format!(
        "corpus-ls-tree-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&p)?;
    Ok(TempDir(p))
}

/// A folder removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

#[cfg(not(unix))]
fn link(_: &Path, _: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn fifo(at: &Path) -> std::io::Result<()> {
    let c =
        std::ffi::CString::new(at.as_os_str().as_encoded_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: a NUL-terminated path.
    if unsafe { libc::mkfifo(c.as_ptr(), 0o600) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn fifo(_: &Path) -> std::io::Result<()> {
    Ok(())
}
