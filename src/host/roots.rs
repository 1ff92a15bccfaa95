//! Where a file's corpus is: the roots the client names and the roots found for files outside
//! them (DESIGN "The server", Root).
//!
//! A workspace folder is a corpus root. Without one, a file belongs to the nearest ancestor
//! holding `corpus-ls.toml` or `.git`, else to the folder above its `notes/` folder (a note
//! belongs with the articles beside its folder; so does an article in a folder beside `notes/`),
//! else it is a loose file: its folder is read bounded ([`Scope::Folder`]). A home, a temp folder
//! or the filesystem root is never walked whole unless it holds `corpus-ls.toml`: editors that
//! fall back to the working or the file's folder must not start a scan of 40,000 files.

use crate::config::FILE_NAME;
use std::path::{Path, PathBuf};

/// How much of a root is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every corpus file below the folder.
    Tree,
    /// A loose file's folder: its open files and at most [`FOLDER_FILES`] files beside them.
    Folder,
}

/// How many files beside a loose file are read with it.
pub const FOLDER_FILES: usize = 32;

/// A corpus root: its folder and how much of it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The folder.
    pub path: PathBuf,
    /// Tree or bounded folder.
    pub scope: Scope,
}

impl Place {
    fn tree(path: &Path) -> Place {
        Place {
            path: path.to_path_buf(),
            scope: Scope::Tree,
        }
    }

    /// True when `file` belongs to this root.
    pub fn holds(&self, file: &Path) -> bool {
        holds(&self.path, self.scope, file)
    }
}

/// True when `file` belongs to the root `path` of `scope` (a loose folder holds only its own
/// files).
pub fn holds(path: &Path, scope: Scope, file: &Path) -> bool {
    match scope {
        Scope::Tree => file.starts_with(path),
        Scope::Folder => file.parent() == Some(path),
    }
}

/// The folder that names notes.
const NOTES: &str = "notes";

fn has_config(dir: &Path) -> bool {
    dir.join(FILE_NAME).is_file()
}

fn has_marker(dir: &Path) -> bool {
    has_config(dir) || dir.join(".git").exists()
}

/// The folders walked whole only with a `corpus-ls.toml`: the filesystem root, the user's home
/// and the folders above it, and the temp folders.
fn too_wide(dir: &Path) -> bool {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let temp = [
        std::env::temp_dir(),
        PathBuf::from("/tmp"),
        PathBuf::from("/var/tmp"),
    ];
    dir.parent().is_none()
        || home.is_some_and(|h| h.starts_with(dir))
        || temp.iter().any(|t| t == dir)
}

/// A tree root at `dir` unless `dir` is too wide to walk without a config.
fn tree_unless_too_wide(dir: &Path) -> Option<Place> {
    (has_config(dir) || !too_wide(dir)).then(|| Place::tree(dir))
}

/// The corpus of the notes folder `dir` is in or beside: the folder above the nearest `notes`
/// ancestor, or `dir` or its parent when it holds a `notes` folder.
fn notes_corpus(dir: &Path) -> Option<PathBuf> {
    if let Some(n) = dir
        .ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == NOTES))
    {
        return n.parent().map(Path::to_path_buf);
    }
    [Some(dir), dir.parent()]
        .into_iter()
        .flatten()
        .find(|d| d.join(NOTES).is_dir())
        .map(Path::to_path_buf)
}

/// The root of a file outside every root.
pub fn for_file(file: &Path) -> Place {
    let dir = file.parent().unwrap_or(Path::new("/"));
    let marked = dir.ancestors().find(|d| has_marker(d));
    marked
        .and_then(tree_unless_too_wide)
        .or_else(|| notes_corpus(dir).and_then(|d| tree_unless_too_wide(&d)))
        .unwrap_or_else(|| Place {
            path: dir.to_path_buf(),
            scope: Scope::Folder,
        })
}

/// The root for a folder the client names (a workspace folder, else its root URI); `None` when
/// it is too wide to walk, so that files there find their roots one by one. A `notes/` folder,
/// or a folder beside one, stands for its corpus (editors that root a file at its own folder
/// send those).
pub fn for_client_folder(dir: &Path) -> Option<Place> {
    if has_config(dir) {
        return Some(Place::tree(dir));
    }
    if too_wide(dir) {
        return None;
    }
    if has_marker(dir) {
        return Some(Place::tree(dir));
    }
    let in_notes_layout = dir.file_name().is_some_and(|n| n == NOTES)
        || dir.parent().is_some_and(|p| p.join(NOTES).is_dir());
    if in_notes_layout {
        let found = for_file(&dir.join("_"));
        if found.scope == Scope::Tree {
            return Some(found);
        }
    }
    Some(Place::tree(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `base/corpus/{articles,notes}` and `base/loose/x.md`.
    fn layout() -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let base = d.path().canonicalize().unwrap();
        for f in ["corpus/articles/a.md", "corpus/notes/n.md", "loose/x.md"] {
            std::fs::create_dir_all(base.join(f).parent().unwrap()).unwrap();
            std::fs::write(base.join(f), "text").unwrap();
        }
        (d, base)
    }

    #[test]
    fn a_note_and_an_article_beside_notes_share_the_corpus_above() {
        let (_d, base) = layout();
        let root = base.join("corpus");
        let corpus = Place::tree(&root);
        assert_eq!(for_file(&root.join("notes/n.md")), corpus);
        assert_eq!(for_file(&root.join("notes/2024/n.md")), corpus);
        assert_eq!(for_file(&root.join("articles/a.md")), corpus);
        assert_eq!(for_client_folder(&root.join("notes")), Some(corpus.clone()));
        assert_eq!(for_client_folder(&root.join("articles")), Some(corpus));
    }

    #[test]
    fn markers_win_and_a_loose_file_is_bounded() {
        let (_d, base) = layout();
        let loose = for_file(&base.join("loose/x.md"));
        assert_eq!(loose.scope, Scope::Folder);
        assert!(loose.holds(&base.join("loose/y.md")));
        assert!(!loose.holds(&base.join("loose/sub/y.md")));
        assert_eq!(
            for_client_folder(&base.join("loose")),
            Some(Place::tree(&base.join("loose"))),
            "a workspace folder is a root"
        );
        std::fs::write(base.join("corpus-ls.toml"), "").unwrap();
        assert_eq!(for_file(&base.join("loose/x.md")), Place::tree(&base));
        assert_eq!(
            for_file(&base.join("corpus/notes/n.md")),
            Place::tree(&base),
            "the nearest marker wins over the notes layout"
        );
    }

    #[test]
    fn wide_folders_are_never_walked_whole() {
        assert_eq!(for_client_folder(Path::new("/")), None);
        assert_eq!(for_client_folder(&std::env::temp_dir()), None);
        if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
            if !has_config(&home) {
                assert_eq!(for_client_folder(&home), None);
                let f = for_file(&home.join("corpus-ls-no-such-note.md"));
                assert_eq!(f.scope, Scope::Folder, "{f:?}");
            }
        }
    }
}
