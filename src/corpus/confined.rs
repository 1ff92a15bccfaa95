//! The one way the product opens a file it reads: below a folder, a regular file, at most a cap.
//!
//! Every read of an article, a note, a brat `.ann`, `corpus-ls.toml`, an ignore file or a cache
//! file comes through [`read`]. The path is classified by `lstat` first, so a FIFO, a device or a
//! socket is refused without being opened (a FIFO would block the open, a device may never end).
//! On Unix the file is then reached one component at a time from the folder with
//! `openat(O_NOFOLLOW)`: a component swapped for a link after the `lstat` makes the open fail
//! instead of leading out of the folder, so what is read is below it whatever happens meanwhile.
//! A link the caller named is followed only when its target resolves below the folder, and then
//! the target's own path is walked the same way. The opened file is checked with `fstat` (a
//! regular file, the very file the `lstat` saw) and read to at most `cap` bytes, so a file that
//! grows or lies about its size cannot exhaust memory.

use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Cap for a corpus text (article, note, `.ann`): larger files are skipped with a reason.
pub const TEXT_CAP: u64 = 16 * 1024 * 1024;
/// Cap for `corpus-ls.toml`: settings, aliases and entities; far below this in any real use.
pub const CONFIG_CAP: u64 = 1024 * 1024;
/// Cap for an ignore file (`.gitignore`, `.ignore`, `.git/info/exclude`).
pub const IGNORE_CAP: u64 = 1024 * 1024;
/// Cap for a warm-start cache file: its offsets are `u32`-sized per entry, its whole a few
/// hundred MB for the largest corpora measured.
pub const CACHE_CAP: u64 = 2 * 1024 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum Refused {
    /// Nothing there (or a link to nothing).
    Missing,
    /// It resolves outside the folder (a link out, or `..`).
    Outside(PathBuf),
    /// A FIFO, device, socket or folder: `what` says which.
    NotRegular(&'static str),
    /// It changed between the check and the open (a component became a link, or another file).
    Changed,
    /// Larger than the cap.
    TooBig { len: u64, cap: u64 },
    /// The system refused (permissions, I/O).
    Io(std::io::Error),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Missing => write!(f, "no such file"),
            Refused::Outside(to) => write!(
                f,
                "a link to {} outside the root",
                super::path_text::shown(to)
            ),
            Refused::NotRegular(what) => write!(f, "not a regular file ({what})"),
            Refused::Changed => write!(f, "changed while being opened (not read)"),
            Refused::TooBig { len, cap } => write!(f, "{len} bytes is over the {cap} byte limit"),
            Refused::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

impl Refused {
    /// True when there is simply no file (not worth reporting for optional files).
    pub fn is_missing(&self) -> bool {
        matches!(self, Refused::Missing)
    }
}

/// What `lstat` says a path is, for refusing special files before any open.
fn kind_of(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() || t.is_symlink() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("a special file")
}

/// The plain components of `rel`, or `None` when it climbs (`..`) or is absolute.
fn plain_components(rel: &Path) -> Option<Vec<&std::ffi::OsStr>> {
    rel.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::Normal(n) => Some(n),
            _ => None,
        })
        .collect()
}

/// Reads `path`, which must lie below the folder `base`, as at most `cap` bytes.
pub fn read(base: &Path, path: &Path, cap: u64) -> Result<Vec<u8>, Refused> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refused::Missing),
        Err(e) => return Err(Refused::Io(e)),
    };
    if let Some(what) = kind_of(&meta) {
        return Err(Refused::NotRegular(what));
    }
    let lexical = path
        .strip_prefix(base)
        .ok()
        .and_then(plain_components)
        .filter(|c| !c.is_empty());
    let mut file = match lexical {
        Some(parts) if !meta.file_type().is_symlink() => match open_below(base, &parts, &meta) {
            // A folder on the way is a link (inside the root, or the open refuses below).
            Err(Refused::Changed) => open_resolved(base, path)?,
            other => other?,
        },
        _ => open_resolved(base, path)?,
    };
    read_capped(&mut file, cap)
}

/// Opens `path` through its resolved form: the link target must be below `base`, and is then
/// walked without following anything.
fn open_resolved(base: &Path, path: &Path) -> Result<std::fs::File, Refused> {
    let canon_base = std::fs::canonicalize(base).map_err(Refused::Io)?;
    let target = std::fs::canonicalize(path).map_err(|_| Refused::Missing)?;
    let Ok(rel) = target.strip_prefix(&canon_base) else {
        return Err(Refused::Outside(target));
    };
    let parts = plain_components(rel)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Refused::Outside(target.clone()))?;
    let meta = std::fs::symlink_metadata(&target).map_err(|_| Refused::Missing)?;
    if let Some(what) = kind_of(&meta) {
        return Err(Refused::NotRegular(what));
    }
    // From the canonical folder: the same folder as `base`, named without links.
    open_below(&canon_base, &parts, &meta)
}

/// Reads at most `cap` bytes; more is an error (the file may have grown since `fstat`).
fn read_capped(file: &mut std::fs::File, cap: u64) -> Result<Vec<u8>, Refused> {
    let len = file.metadata().map_err(Refused::Io)?.len();
    if len > cap {
        return Err(Refused::TooBig { len, cap });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > cap {
        return Err(Refused::TooBig {
            len: bytes.len() as u64,
            cap,
        });
    }
    Ok(bytes)
}

/// Opens `base/parts...` one component at a time, following no link, and checks that the file
/// opened is a regular file and the one `seen` (its `lstat`) describes.
#[cfg(unix)]
fn open_below(
    base: &Path,
    parts: &[&std::ffi::OsStr],
    seen: &std::fs::Metadata,
) -> Result<std::fs::File, Refused> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    let mut dir: OwnedFd = std::fs::File::open(base).map_err(Refused::Io)?.into();
    let last = parts.len() - 1;
    for (i, name) in parts.iter().enumerate() {
        let c = std::ffi::CString::new(name.as_bytes()).map_err(|_| Refused::Missing)?;
        let mut flags = libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NOFOLLOW;
        flags |= if i == last {
            // A FIFO put there after the `lstat` must not block the open.
            libc::O_NONBLOCK | libc::O_NOCTTY
        } else {
            libc::O_DIRECTORY
        };
        // SAFETY: `dir` is an open descriptor and `c` a NUL-terminated name; the result is
        // checked before it is owned.
        let fd = unsafe { libc::openat(dir.as_raw_fd(), c.as_ptr(), flags) };
        if fd < 0 {
            let e = std::io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(libc::ELOOP | libc::ENOTDIR) => Refused::Changed,
                Some(libc::ENOENT) => Refused::Missing,
                _ => Refused::Io(e),
            });
        }
        // SAFETY: `fd` was just returned by `openat` and is owned by nobody else.
        dir = unsafe { OwnedFd::from_raw_fd(fd) };
    }
    let file = std::fs::File::from(dir);
    let meta = file.metadata().map_err(Refused::Io)?;
    if !meta.file_type().is_file() {
        return Err(kind_of(&meta).map_or(Refused::Changed, Refused::NotRegular));
    }
    if (meta.dev(), meta.ino()) != (seen.dev(), seen.ino()) {
        return Err(Refused::Changed);
    }
    Ok(file)
}

/// Without `openat`: the resolved path must stay below `base` and be a regular file.
#[cfg(not(unix))]
fn open_below(
    base: &Path,
    parts: &[&std::ffi::OsStr],
    _seen: &std::fs::Metadata,
) -> Result<std::fs::File, Refused> {
    let path: PathBuf = parts.iter().fold(base.to_path_buf(), |p, c| p.join(c));
    let canon_base = std::fs::canonicalize(base).map_err(Refused::Io)?;
    let target = std::fs::canonicalize(&path).map_err(|_| Refused::Missing)?;
    if !target.starts_with(&canon_base) {
        return Err(Refused::Outside(target));
    }
    let file = std::fs::File::open(&target).map_err(Refused::Io)?;
    if !file.metadata().map_err(Refused::Io)?.is_file() {
        return Err(Refused::NotRegular("a special file"));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn reads_a_file_below_and_refuses_climbing() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("root");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("sub/a.md"), "A").unwrap();
        fs::write(d.path().join("out.md"), "OUT").unwrap();
        assert_eq!(read(&root, &root.join("sub/a.md"), 10).unwrap(), b"A");
        assert!(matches!(
            read(&root, &root.join("sub/../../out.md"), 10),
            Err(Refused::Outside(_))
        ));
        assert!(read(&root, &root.join("none.md"), 10)
            .unwrap_err()
            .is_missing());
        assert!(matches!(
            read(&root, &root.join("sub"), 10),
            Err(Refused::NotRegular("a folder"))
        ));
    }

    #[test]
    fn caps_the_size() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("a.md"), "0123456789").unwrap();
        assert!(read(d.path(), &d.path().join("a.md"), 10).is_ok());
        assert!(matches!(
            read(d.path(), &d.path().join("a.md"), 9),
            Err(Refused::TooBig { len: 10, cap: 9 })
        ));
        // A sparse file is refused by its size, without reading it.
        let big = fs::File::create(d.path().join("big.md")).unwrap();
        big.set_len(1 << 40).unwrap();
        assert!(matches!(
            read(d.path(), &d.path().join("big.md"), TEXT_CAP),
            Err(Refused::TooBig { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_are_read_links_out_and_special_files_are_not() {
        use std::os::unix::fs::symlink;
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("root");
        fs::create_dir_all(root.join("real")).unwrap();
        fs::write(root.join("real/a.md"), "A").unwrap();
        fs::write(d.path().join("secret.md"), "S").unwrap();
        symlink(root.join("real/a.md"), root.join("in.md")).unwrap();
        symlink(root.join("real"), root.join("dirlink")).unwrap();
        symlink(d.path().join("secret.md"), root.join("out.md")).unwrap();
        symlink(d.path(), root.join("up")).unwrap();
        symlink("/dev/zero", root.join("zero.md")).unwrap();
        assert_eq!(read(&root, &root.join("in.md"), 10).unwrap(), b"A");
        assert_eq!(read(&root, &root.join("dirlink/a.md"), 10).unwrap(), b"A");
        for bad in ["out.md", "up/secret.md", "zero.md"] {
            assert!(
                matches!(read(&root, &root.join(bad), 10), Err(Refused::Outside(_))),
                "{bad}"
            );
        }
        let fifo = root.join("fifo.md");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read(&root, &fifo, 10),
            Err(Refused::NotRegular("a FIFO"))
        ));
        assert!(matches!(
            read(Path::new("/"), Path::new("/dev/null"), 10),
            Err(Refused::NotRegular("a device"))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_swapped_for_a_link_after_the_check_is_not_followed() {
        use std::os::unix::fs::symlink;
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("root");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("sub/a.md"), "A").unwrap();
        fs::write(d.path().join("secret.md"), "S").unwrap();
        let seen = fs::symlink_metadata(root.join("sub/a.md")).unwrap();
        // The swap, between the `lstat` (`seen`) and the open.
        fs::remove_file(root.join("sub/a.md")).unwrap();
        symlink(d.path().join("secret.md"), root.join("sub/a.md")).unwrap();
        let parts = [std::ffi::OsStr::new("sub"), std::ffi::OsStr::new("a.md")];
        assert!(matches!(
            open_below(&root, &parts, &seen),
            Err(Refused::Changed)
        ));
        // A folder on the way swapped for a link out.
        fs::remove_file(root.join("sub/a.md")).unwrap();
        fs::write(root.join("sub/a.md"), "A").unwrap();
        let seen = fs::symlink_metadata(root.join("sub/a.md")).unwrap();
        fs::rename(root.join("sub"), root.join("old")).unwrap();
        symlink(d.path(), root.join("sub")).unwrap();
        let parts = [
            std::ffi::OsStr::new("sub"),
            std::ffi::OsStr::new("secret.md"),
        ];
        assert!(matches!(
            open_below(&root, &parts, &seen),
            Err(Refused::Changed)
        ));
        // Another regular file put in its place.
        fs::remove_file(root.join("sub")).unwrap();
        fs::rename(root.join("old"), root.join("sub")).unwrap();
        // The old file is kept (renamed), so the new one cannot reuse its inode number.
        fs::rename(root.join("sub/a.md"), root.join("sub/kept.md")).unwrap();
        fs::write(root.join("sub/a.md"), "B").unwrap();
        let parts = [std::ffi::OsStr::new("sub"), std::ffi::OsStr::new("a.md")];
        assert!(matches!(
            open_below(&root, &parts, &seen),
            Err(Refused::Changed)
        ));
    }
}
