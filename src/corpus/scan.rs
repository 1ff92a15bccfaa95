//! Walking a corpus root: which files are read, and why others are skipped.
//!
//! The walk honours `.gitignore` (with or without a git repository), `.ignore`, the root's own
//! `.git/info/exclude`, hidden files and folders, `target/` and `node_modules/`. Ignore files
//! above the root and the user's global gitignore are neither read nor obeyed: nothing outside the
//! root decides what a corpus holds (and nothing outside it is opened). It never follows a symlink out of the root and never
//! follows folder links at all (so no loops); a file link inside the root is read like a file.
//! Text is kept as it is (a BOM stays: positions count it); invalid UTF-8 is decoded lossily,
//! byte for byte, and said so; binary, UTF-16, oversized and unreadable files are skipped with a reason.

use crate::config::Config;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use parking_lot::Mutex;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are skipped with a reason.
pub const MAX_FILE_BYTES: u64 = super::confined::TEXT_CAP;

/// Folders never walked, whatever the ignore files say (build output, dependencies).
const SKIPPED_FOLDERS: &[&str] = &["target", "node_modules"];

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
    /// True when its path makes it a note (a `notes/` folder, or the config's `notes` globs).
    pub note_by_path: bool,
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
    /// Files skipped, sorted by path.
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

pub use super::path_text::rel_path;

/// Walks `root` with the default settings.
pub fn scan(root: &Path) -> Scan {
    scan_with(root, &Config::default())
}

/// What a symlink found in the walk leads to.
enum LinkTarget {
    /// A regular file inside the root: read it.
    File,
    /// Not to be read, for this reason (`None`: nothing worth reporting).
    Skip(Option<String>),
}

fn link_target(path: &Path, canon_root: Option<&Path>) -> LinkTarget {
    let Ok(target) = std::fs::canonicalize(path) else {
        return LinkTarget::Skip(Some("skipped: broken symlink".into()));
    };
    if !canon_root.is_some_and(|r| target.starts_with(r)) {
        return LinkTarget::Skip(Some(format!(
            "skipped: symlink to {} outside the root",
            super::path_text::shown(&target)
        )));
    }
    match std::fs::metadata(&target) {
        Ok(m) if m.is_file() => LinkTarget::File,
        // A folder link inside the root: its files are read at their real path; following it
        // could loop.
        Ok(m) if m.is_dir() => LinkTarget::Skip(None),
        _ => LinkTarget::Skip(Some("skipped: not a regular file".into())),
    }
}

/// Walks `root`, keeping the files the config includes (and not excluding) and marking notes.
///
/// The walk only lists paths (one thread: it is mostly `readdir`); the files are read on the
/// rayon pool, which on a large corpus is most of the time.
pub fn scan_with(root: &Path, config: &Config) -> Scan {
    let mut out = Scan::default();
    let mut to_read: Vec<(String, PathBuf)> = Vec::new();
    let canon_root = std::fs::canonicalize(root).ok();
    // The crate opens ignore files itself (following links, blocking on a FIFO, reading any
    // size) and its git options read the folders above the root: all of that is off, and the
    // ignore files are read through the confined open by `IgnoreFiles`, inside the root only.
    let ignores = std::sync::Arc::new(IgnoreFiles::new(root));
    let filter = ignores.clone();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .parents(false)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .ignore(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            let skipped_folder = is_dir
                && e.depth() > 0
                && matches!(e.file_name().to_str(), Some(n) if SKIPPED_FOLDERS.contains(&n));
            !(skipped_folder || e.depth() > 0 && filter.ignores(e.path(), is_dir))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let rel = err_path(&err).map_or_else(String::new, |p| rel_path(root, p));
                out.skipped.push(Skipped {
                    rel,
                    reason: format!("skipped: {err}"),
                });
                continue;
            }
        };
        let path = entry.path();
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if ft.is_dir() {
            continue;
        }
        let rel = rel_path(root, path);
        if ft.is_symlink() {
            match link_target(path, canon_root.as_deref()) {
                LinkTarget::File if is_corpus_file(path) => {}
                LinkTarget::Skip(Some(reason)) if is_corpus_file(path) || is_dir_link(path) => {
                    out.skipped.push(Skipped { rel, reason });
                    continue;
                }
                _ => continue,
            }
        } else if !is_corpus_file(path) {
            continue;
        } else if !ft.is_file() {
            // FIFOs and sockets would block or fail a read.
            out.skipped.push(Skipped {
                rel,
                reason: "skipped: not a regular file".into(),
            });
            continue;
        }
        if !config.is_included(&rel) {
            out.skipped.push(Skipped {
                rel,
                reason: format!("skipped: excluded by {}", crate::config::FILE_NAME),
            });
            continue;
        }
        to_read.push((rel, path.to_path_buf()));
    }
    out.skipped.extend(ignores.refused());
    read_all(root, to_read, config, &mut out);
    out
}

/// Reads the listed files (on the rayon pool, each confined to `root`) into `out`, marking
/// notes, sorted by path.
fn read_all(root: &Path, to_read: Vec<(String, PathBuf)>, config: &Config, out: &mut Scan) {
    let read: Vec<Result<ScannedFile, Skipped>> = to_read
        .into_par_iter()
        .map(|(rel, abs)| match read_text(root, &abs) {
            Ok((text, problems)) => Ok(ScannedFile {
                note_by_path: super::is_note_path(&rel) || config.is_note(&rel),
                rel,
                abs,
                text,
                problems,
            }),
            Err(reason) => Err(Skipped { rel, reason }),
        })
        .collect();
    for r in read {
        match r {
            Ok(f) => out.files.push(f),
            Err(s) => out.skipped.push(s),
        }
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.skipped.sort_by(|a, b| a.rel.cmp(&b.rel));
}

/// At most this many entries of a loose file's folder are looked at (a temp or download folder
/// may hold tens of thousands).
pub const FOLDER_ENTRIES: usize = 4096;

/// Files of a loose folder larger than this are left out.
pub const FOLDER_FILE_BYTES: u64 = 1024 * 1024;

/// The bounded scan of a loose file's folder: of its first [`FOLDER_ENTRIES`] entries, the
/// `max_files` most recently modified corpus files (visible, regular, at most
/// [`FOLDER_FILE_BYTES`], included by the config); no subfolder is entered. The open files are
/// added by the server whatever this picks.
pub fn scan_folder(root: &Path, config: &Config, max_files: usize) -> Scan {
    let mut out = Scan::default();
    let entries = match std::fs::read_dir(root) {
        Ok(rd) => rd,
        Err(e) => {
            out.skipped.push(Skipped {
                rel: String::new(),
                reason: format!("skipped: cannot list the folder: {e}"),
            });
            return out;
        }
    };
    let mut found: Vec<(std::time::SystemTime, String, PathBuf)> = entries
        .take(FOLDER_ENTRIES)
        .filter_map(Result::ok)
        .filter_map(|e| {
            let rel = e.file_name().to_str()?.to_string();
            let path = e.path();
            // `DirEntry::metadata` does not follow links: a link is never read here.
            let meta = e.metadata().ok()?;
            let wanted = meta.is_file()
                && !rel.starts_with('.')
                && is_corpus_file(&path)
                && meta.len() <= FOLDER_FILE_BYTES
                && config.is_included(&rel);
            wanted.then(|| (meta.modified().unwrap_or(std::time::UNIX_EPOCH), rel, path))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.truncate(max_files);
    read_all(
        root,
        found
            .into_iter()
            .map(|(_, rel, path)| (rel, path))
            .collect(),
        config,
        &mut out,
    );
    out
}

/// The ignore files of the folders below a root, read through the confined open as the walk
/// meets each folder: `.ignore` over `.gitignore`, a folder's files over its parents', and the
/// root's own `.git/info/exclude` (when the root is a repository's top) below them all, as git
/// and the `ignore` crate rank them. An ignore file that is a link out of the root, a FIFO or
/// over [`super::confined::IGNORE_CAP`] is not obeyed, and is reported.
struct IgnoreFiles {
    root: PathBuf,
    exclude: Option<Gitignore>,
    /// Each folder's matchers (`.ignore` first), read once.
    folders: Mutex<HashMap<PathBuf, Arc<Vec<Gitignore>>>>,
    refused: Mutex<Vec<Skipped>>,
}

impl IgnoreFiles {
    fn new(root: &Path) -> IgnoreFiles {
        let me = IgnoreFiles {
            root: root.to_path_buf(),
            exclude: None,
            folders: Mutex::default(),
            refused: Mutex::default(),
        };
        let exclude = me.matcher(root, &root.join(".git/info/exclude"));
        IgnoreFiles { exclude, ..me }
    }

    /// The matcher of one ignore file, rooted at `dir`; `None` when there is none or it is
    /// refused (then said why).
    fn matcher(&self, dir: &Path, file: &Path) -> Option<Gitignore> {
        let bytes = match super::confined::read(&self.root, file, super::confined::IGNORE_CAP) {
            Ok(b) => b,
            Err(e) if e.is_missing() => return None,
            Err(e) => {
                self.refused.lock().push(Skipped {
                    rel: rel_path(&self.root, file),
                    reason: format!("ignore file not obeyed: {e}"),
                });
                return None;
            }
        };
        let mut b = GitignoreBuilder::new(dir);
        for line in String::from_utf8_lossy(&bytes).lines() {
            // A bad line loses itself, not the file's other patterns.
            let _ = b.add_line(None, line);
        }
        b.build().ok()
    }

    /// The matchers of folder `dir` (read on first use).
    fn of(&self, dir: &Path) -> Arc<Vec<Gitignore>> {
        if let Some(m) = self.folders.lock().get(dir) {
            return m.clone();
        }
        let m: Vec<Gitignore> = [".ignore", ".gitignore"]
            .iter()
            .filter_map(|name| self.matcher(dir, &dir.join(name)))
            .collect();
        let m = Arc::new(m);
        self.folders.lock().insert(dir.to_path_buf(), m.clone());
        m
    }

    /// True when the ignore files say `path` (below the root) is ignored.
    fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(&self.root)) {
            for m in self.of(d).iter() {
                match m.matched(path, is_dir) {
                    ignore::Match::None => {}
                    hit => return hit.is_ignore(),
                }
            }
            dir = d.parent();
        }
        self.exclude
            .as_ref()
            .is_some_and(|x| x.matched(path, is_dir).is_ignore())
    }

    /// The ignore files not obeyed, and why.
    fn refused(&self) -> Vec<Skipped> {
        std::mem::take(&mut *self.refused.lock())
    }
}

/// True when `path` is a link to a folder (outside the root: worth a reason).
fn is_dir_link(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_dir())
}

/// The path an `ignore` error is about, if it names one.
fn err_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// Reads a corpus file below `root` as text (through the confined open): lossy for invalid
/// UTF-8 (with a problem), an error for binary, special, outside or huge files.
pub fn read_text(root: &Path, path: &Path) -> Result<(String, Vec<String>), String> {
    let bytes =
        super::confined::read(root, path, MAX_FILE_BYTES).map_err(|e| format!("skipped: {e}"))?;
    decode(bytes)
}

/// Decodes file bytes: strips nothing (a BOM stays), refuses binary and UTF-16, replaces invalid
/// UTF-8 and says so.
pub fn decode(bytes: Vec<u8>) -> Result<(String, Vec<String>), String> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        // Offsets are file bytes; a UTF-16 file would need its own, so it is not guessed at.
        return Err("skipped: UTF-16 text (save it as UTF-8 to include it)".into());
    }
    // `contains` on bytes is a memchr.
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("skipped: looks binary (NUL bytes)".to_string());
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, Vec::new())),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Ok((
                substitute_invalid(e.as_bytes()),
                vec![format!(
                    "invalid UTF-8 at byte {at}: each invalid byte reads as U+001A (substitute)"
                )],
            ))
        }
    }
}

/// The text of `bytes` with each byte of invalid UTF-8 replaced by one U+001A: one byte for
/// one byte, so offsets stay the file's (U+FFFD would take three bytes and shift every span
/// after it), and a Latin-1 `£` still counts one UTF-16 unit as editors show it.
fn substitute_invalid(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        s.push_str(chunk.valid());
        s.extend(std::iter::repeat_n('\u{1a}', chunk.invalid().len()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str, text: &[u8]) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn names(s: &Scan) -> Vec<&str> {
        s.files.iter().map(|f| f.rel.as_str()).collect()
    }

    fn reason<'a>(s: &'a Scan, rel: &str) -> Option<&'a str> {
        s.skipped
            .iter()
            .find(|k| k.rel == rel)
            .map(|k| k.reason.as_str())
    }

    #[test]
    fn walks_what_a_corpus_holds() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, "a.md", b"A");
        write(r, "b.txt", b"B");
        write(r, "c.rs", b"fn");
        write(r, "notes/n.md", b"N");
        write(r, ".hidden/h.md", b"H");
        write(r, ".dot.md", b"H");
        write(r, "target/t.md", b"T");
        write(r, "sub/node_modules/m.md", b"M");
        write(r, "ignored/i.md", b"I");
        write(r, "sub/skip.txt", b"S");
        write(r, ".gitignore", b"ignored/\n*skip.txt\n");
        let s = scan(r);
        assert_eq!(names(&s), ["a.md", "b.txt", "notes/n.md"]);
        assert!(
            s.files
                .iter()
                .find(|f| f.rel == "notes/n.md")
                .unwrap()
                .note_by_path
        );
        assert!(!s.files[0].note_by_path);
    }

    #[test]
    fn ignore_files_above_the_root_are_not_obeyed() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("corpus");
        write(d.path(), ".gitignore", b"*.md\ncorpus/\n");
        write(d.path(), ".ignore", b"*.txt\n");
        write(d.path(), ".git/info/exclude", b"notes/\n");
        write(&r, "a.md", b"A");
        write(&r, "b.txt", b"B");
        write(&r, "notes/n.md", b"N");
        assert_eq!(names(&scan(&r)), ["a.md", "b.txt", "notes/n.md"]);
    }

    #[test]
    fn the_roots_own_ignore_files_are() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, ".git/info/exclude", b"drafts/\n");
        write(r, ".gitignore", b"*.txt\n");
        write(r, "sub/.gitignore", b"old.md\n");
        write(r, ".ignore", b"!keep.txt\n");
        write(r, "a.md", b"A");
        write(r, "b.txt", b"B");
        write(r, "keep.txt", b"K");
        write(r, "drafts/d.md", b"D");
        write(r, "sub/old.md", b"O");
        write(r, "sub/new.md", b"N");
        assert_eq!(names(&scan(r)), ["a.md", "keep.txt", "sub/new.md"]);
    }

    #[test]
    fn skips_with_reasons() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, "bin.txt", b"ab\0cd");
        write(r, "utf16.txt", &[0xff, 0xfe, b'a', 0]);
        write(r, "bad.txt", b"caf\xe9 ok \xff");
        write(r, "bom.md", "\u{feff}# Title".as_bytes());
        let big = fs::File::create(r.join("big.md")).unwrap();
        big.set_len(MAX_FILE_BYTES + 1).unwrap();
        let s = scan(r);
        assert_eq!(names(&s), ["bad.txt", "bom.md"]);
        assert!(reason(&s, "bin.txt").unwrap().contains("binary"));
        assert!(reason(&s, "utf16.txt").unwrap().contains("UTF-16"));
        assert!(reason(&s, "big.md").unwrap().contains("limit"));
        let bad = &s.files[0];
        assert_eq!(bad.text, "caf\u{1a} ok \u{1a}");
        assert!(bad.problems[0].contains("byte 3"));
        assert!(s.files[1].text.starts_with('\u{feff}'));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_never_leave_the_root() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.md", b"S");
        write(outside.path(), "dir/x.md", b"X");
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, "real/a.md", b"A");
        symlink(outside.path().join("secret.md"), r.join("out.md")).unwrap();
        symlink(outside.path().join("dir"), r.join("outdir")).unwrap();
        symlink(r.join("real/a.md"), r.join("in.md")).unwrap();
        symlink(r.join("real"), r.join("loop")).unwrap();
        symlink(r, r.join("real/up")).unwrap();
        symlink(r.join("nowhere.md"), r.join("broken.md")).unwrap();
        let s = scan(r);
        assert_eq!(names(&s), ["in.md", "real/a.md"]);
        assert!(reason(&s, "out.md").unwrap().contains("outside the root"));
        assert!(reason(&s, "outdir").unwrap().contains("outside the root"));
        assert!(reason(&s, "broken.md").unwrap().contains("broken"));
        assert!(reason(&s, "loop").is_none());
    }

    #[test]
    fn config_globs() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, "a.md", b"A");
        write(r, "drafts/b.md", b"B");
        write(r, "research/c.md", b"C");
        let (c, _) = Config::parse("exclude = [\"drafts\"]\nnotes = [\"research/**\"]\n");
        let s = scan_with(r, &c);
        assert_eq!(names(&s), ["a.md", "research/c.md"]);
        assert!(s.files[1].note_by_path);
        assert!(reason(&s, "drafts/b.md").unwrap().contains("excluded"));
    }

    #[test]
    fn missing_root_is_not_a_panic() {
        let s = scan(Path::new("/nonexistent/corpus-ls-root"));
        assert!(s.files.is_empty());
    }

    #[test]
    fn a_loose_folder_is_read_bounded_and_flat() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        for (i, name) in ["old.md", "mid.txt", "new.md"].iter().enumerate() {
            write(r, name, b"Text.");
            let t =
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000 * (i as u64 + 1));
            std::fs::File::options()
                .write(true)
                .open(r.join(name))
                .unwrap()
                .set_modified(t)
                .unwrap();
        }
        write(r, "sub/deep.md", b"Deep.");
        write(r, ".hidden.md", b"Hidden.");
        write(r, "data.json", b"{}");
        write(r, "huge.md", &vec![b'a'; FOLDER_FILE_BYTES as usize + 1]);
        let s = scan_folder(r, &Config::default(), 2);
        assert_eq!(
            names(&s),
            ["mid.txt", "new.md"],
            "the two newest, no subfolder"
        );
        assert_eq!(scan_folder(r, &Config::default(), 10).files.len(), 3);
        assert!(scan_folder(&r.join("missing"), &Config::default(), 5)
            .files
            .is_empty());
    }
}
