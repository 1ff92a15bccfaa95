//! How file names and other untrusted strings are written for people: printable, and for file
//! names one-to-one.
//!
//! A file name may hold a newline, an escape sequence or bytes that are not UTF-8. Printed raw,
//! the first two forge lines or drive the terminal; converted lossily, `x\xff.md` and `x\xfe.md`
//! become the same name and one file is compared against another. A corpus path ([`rel_path`])
//! therefore escapes control characters, bidirectional overrides and invalid bytes, and doubles
//! the backslash that starts an escape, so distinct names stay distinct and every output (human,
//! JSON, SARIF, stderr, the server's log) carries the same safe string.

use std::borrow::Cow;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// True for characters a terminal or a reader may take for something else: controls (C0, DEL,
/// C1) and the invisible marks that reorder or hide text (bidi overrides and isolates, the
/// line and paragraph separators).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_char(out: &mut String, c: char) {
    if (c as u32) < 0x80 && is_unsafe(c) {
        let _ = write!(out, "\\x{:02x}", c as u32);
    } else if is_unsafe(c) {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else {
        out.push(c);
    }
}

/// `s` with unsafe characters escaped (`\x0a`, `\u{202e}`); borrowed when there are none.
/// For text shown to people (names found in files); not one-to-one (a `\` stays as it is).
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_char(&mut out, c);
    }
    Cow::Owned(out)
}

/// One file-name component, one-to-one: `\` doubled, unsafe characters escaped, each byte of
/// invalid UTF-8 as `\xNN` (always 0x80 or above, so never confused with an escaped control).
fn push_component(out: &mut String, name: &std::ffi::OsStr) {
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                push_char(out, c);
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
}

/// `path` relative to `root`, `/`-separated, each component escaped one-to-one (the name a
/// corpus file goes by everywhere).
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_component(&mut out, c.as_os_str());
    }
    out
}

/// The real path of the corpus file that [`rel_path`] names `rel` below `root`: the escapes
/// undone (`\\`, `\xNN` for a control or a byte that is not UTF-8, `\u{..}`), so a name with
/// a backslash, a control character or invalid UTF-8 is found again (`root.join(rel)` is not
/// that file). The one way from a corpus path back to the disk (and to a file's URI).
pub fn real_path(root: &Path, rel: &str) -> PathBuf {
    if !rel.contains('\\') {
        return root.join(rel);
    }
    let mut bytes: Vec<u8> = Vec::with_capacity(rel.len());
    let mut rest = rel;
    while let Some(at) = rest.find('\\') {
        bytes.extend_from_slice(&rest.as_bytes()[..at]);
        let tail = &rest[at + 1..];
        let hex = |t: &str| u8::from_str_radix(t.get(..2)?, 16).ok();
        let uni = |t: &str| {
            let end = t.find('}')?;
            let c = char::from_u32(u32::from_str_radix(t.get(2..end)?, 16).ok()?)?;
            Some((c, end + 1))
        };
        if let Some(t) = tail.strip_prefix('\\') {
            bytes.push(b'\\');
            rest = t;
        } else if let Some(b) = tail.strip_prefix('x').and_then(hex) {
            bytes.push(b);
            rest = &tail[3..];
        } else if let Some((c, used)) = tail.starts_with("u{").then(|| uni(tail)).flatten() {
            bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            rest = &tail[used..];
        } else {
            // Not an escape `rel_path` writes: the backslash as it is.
            bytes.push(b'\\');
            rest = tail;
        }
    }
    bytes.extend_from_slice(rest.as_bytes());
    root.join(os_path(bytes))
}

#[cfg(unix)]
fn os_path(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

/// Elsewhere names are Unicode: invalid bytes cannot come from a real name.
#[cfg(not(unix))]
fn os_path(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// A path as shown in messages: printable, one-to-one.
pub fn shown(path: &Path) -> String {
    let mut out = String::new();
    push_component(&mut out, path.as_os_str());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_stay_as_they_are() {
        let root = Path::new("/r");
        assert_eq!(rel_path(root, Path::new("/r/notes/a b.md")), "notes/a b.md");
        assert_eq!(rel_path(root, Path::new("/r/caf\u{e9}.md")), "caf\u{e9}.md");
        assert_eq!(printable("Liu He"), "Liu He");
    }

    #[test]
    fn control_characters_cannot_forge_lines() {
        let root = Path::new("/r");
        let forged = "a.md:1:1: warning: x\n\u{1b}[2Jb.md";
        let rel = rel_path(root, &root.join(forged));
        assert_eq!(rel, "a.md:1:1: warning: x\\x0a\\x1b[2Jb.md");
        assert!(!rel.chars().any(char::is_control));
        assert_eq!(printable("Liu He\r"), "Liu He\\x0d");
        assert_eq!(printable("a\u{202e}b"), "a\\u{202e}b");
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_stay_distinct() {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/r");
        let names: Vec<std::path::PathBuf> = [
            &b"x\xff.md"[..],
            b"x\xfe.md",
            "x\u{fffd}.md".as_bytes(),
            b"x\\xff.md",
        ]
        .iter()
        .map(|n| root.join(std::ffi::OsStr::from_bytes(n)))
        .collect();
        let rels: Vec<String> = names.iter().map(|p| rel_path(root, p)).collect();
        assert_eq!(
            rels,
            ["x\\xff.md", "x\\xfe.md", "x\u{fffd}.md", "x\\\\xff.md"]
        );
        for (p, rel) in names.iter().zip(&rels) {
            assert_eq!(&real_path(root, rel), p, "{rel}");
        }
    }

    #[test]
    fn real_path_undoes_rel_path() {
        let root = Path::new("/r");
        for name in [
            "notes/a b%#caf\u{e9}.md",
            "a.md:1:1: warning: x\n\u{1b}[2Jb.md",
            "back\\slash\\x41.md",
            "bidi\u{202e}txt.md",
            "\\u{41}\\",
        ] {
            let p = root.join(name);
            let rel = rel_path(root, &p);
            assert_eq!(real_path(root, &rel), p, "{rel}");
        }
    }
}
