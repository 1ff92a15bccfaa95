//! Walking a corpus root: which files are read, and why others are skipped.

use std::path::{Path, PathBuf};

/// Files larger than this are skipped with a reason.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A file read from the corpus.
#[derive(Debug, Clone)]
pub struct ScannedFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Absolute path.
    pub abs: PathBuf,
    /// Its text (decoded lossily when not UTF-8).
    pub text: String,
    /// Problems met while reading it (lossy decode), for the user.
    pub problems: Vec<String>,
}

/// A file that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Path relative to the root.
    pub rel: String,
    /// Why it was skipped.
    pub reason: String,
}

/// The result of a scan.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Files read, sorted by path.
    pub files: Vec<ScannedFile>,
    /// Files skipped.
    pub skipped: Vec<Skipped>,
}

/// True for the extensions a corpus holds.
pub fn is_corpus_file(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("md" | "markdown" | "txt" | "conll")
    )
}

/// `path` relative to `root`, with `/` separators.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Walks `root`, honouring `.gitignore` and skipping hidden folders, `target/` and `node_modules/`.
pub fn scan(root: &Path) -> Scan {
    let mut out = Scan::default();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some("target" | "node_modules")))
        .build();
    for entry in walker.flatten() {
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file()) || !is_corpus_file(path) {
            continue;
        }
        let rel = rel_path(root, path);
        match read_text(path) {
            Ok((text, problems)) => out.files.push(ScannedFile {
                rel,
                abs: path.to_path_buf(),
                text,
                problems,
            }),
            Err(reason) => out.skipped.push(Skipped { rel, reason }),
        }
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// Reads a file as text: lossy for invalid UTF-8 (with a problem), an error for binary or huge files.
pub fn read_text(path: &Path) -> Result<(String, Vec<String>), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "skipped: {} bytes is over the {} byte limit",
            meta.len(),
            MAX_FILE_BYTES
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    decode(bytes)
}

/// Decodes file bytes: strips nothing, refuses binary, replaces invalid UTF-8 and says so.
pub fn decode(bytes: Vec<u8>) -> Result<(String, Vec<String>), String> {
    if bytes.iter().take(8192).filter(|&&b| b == 0).count() > 0 {
        return Err("skipped: looks binary (NUL bytes)".to_string());
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, Vec::new())),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let s = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Ok((
                s,
                vec![format!(
                    "invalid UTF-8 at byte {at}: decoded lossily (U+FFFD)"
                )],
            ))
        }
    }
}
