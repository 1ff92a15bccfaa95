//! Core byte spans <-> LSP positions and ranges (UTF-16 or UTF-8), and file URIs <-> paths.

use crate::corpus::path_text::real_path;
use crate::corpus::SourceFile;
use crate::document::{Encoding, LineIndex, Position as CorePosition};
use crate::model::Span;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{Position, Range, Uri};

/// A text with its line index, for conversions: a string, or a corpus file whose text may be
/// kept compressed (read only when a conversion needs it: off ASCII lines).
#[derive(Clone, Copy)]
pub struct TextRef<'a> {
    text: Src<'a>,
    /// Its line starts.
    pub lines: &'a LineIndex,
}

#[derive(Clone, Copy)]
enum Src<'a> {
    Str(&'a str),
    File(&'a SourceFile),
}

impl<'a> TextRef<'a> {
    /// A text with its line index.
    pub fn new(text: &'a str, lines: &'a LineIndex) -> Self {
        TextRef {
            text: Src::Str(text),
            lines,
        }
    }
    /// The text and line index of a corpus file.
    pub fn of(file: &'a SourceFile) -> Self {
        TextRef {
            text: Src::File(file),
            lines: &file.lines,
        }
    }
    /// The text (decompressed when the file keeps it packed).
    pub fn text(&self) -> Cow<'a, str> {
        match self.text {
            Src::Str(t) => Cow::Borrowed(t),
            Src::File(f) => f.stored_text().get(),
        }
    }
    /// The LSP position of a byte offset (clamped into the text).
    pub fn position(&self, offset: usize, enc: Encoding) -> Position {
        let p = match self.text {
            Src::Str(t) => self.lines.position(t, offset, enc),
            Src::File(f) => f.position(offset, enc),
        };
        Position::new(p.line, p.character)
    }
    /// The LSP range of a byte span.
    pub fn range(&self, span: Span, enc: Encoding) -> Range {
        let (a, b) = match self.text {
            Src::Str(t) => self.lines.range(t, span.start(), span.end(), enc),
            Src::File(f) => f.range(span, enc),
        };
        Range::new(
            Position::new(a.line, a.character),
            Position::new(b.line, b.character),
        )
    }
    /// The byte offset of an LSP position; a line past the end gives the text's end, a column past
    /// a line's end gives that line's end.
    pub fn offset(&self, pos: Position, enc: Encoding) -> usize {
        self.lines.offset(
            &self.text(),
            CorePosition {
                line: pos.line,
                character: pos.character,
            },
            enc,
        )
    }
    /// The byte span of an LSP range (reversed ranges are put in order).
    pub fn span(&self, range: Range, enc: Encoding) -> Span {
        let a = self.offset(range.start, enc);
        let b = self.offset(range.end, enc);
        Span::new(a.min(b), a.max(b))
    }
    /// True when the position names a line of the text.
    pub fn has_line(&self, pos: Position) -> bool {
        (pos.line as usize) < self.lines.len()
    }
}

/// The file path of a `file:` URI, with `.` and `..` resolved lexically (after percent
/// decoding, so `%2e%2e` is `..` too): `file:///root/../x.md` is `/x.md`, never a path that
/// looks as if it were below `/root`. `None` for other schemes and relative paths.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    if !is_file {
        return None;
    }
    normalise(&uri.to_file_path()?)
}

/// `path` with `.` and `..` components resolved without touching the disk (`..` at the top
/// stays at the top, as the kernel does); `None` for a relative path.
fn normalise(path: &Path) -> Option<PathBuf> {
    use std::path::Component;
    if !path.is_absolute() {
        return None;
    }
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                // `pop` keeps the root (and a Windows prefix) in place.
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

/// The `file:` URI of a path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// The `file:` URI of the corpus file `rel` of `root`, from its real path
/// ([`real_path`]: `root.join(rel)` is another file when the name was escaped).
pub fn corpus_uri(root: &Path, rel: &str) -> Option<Uri> {
    path_to_uri(&real_path(root, rel))
}

/// `file:` URIs of files below one root, each exactly as [`corpus_uri`] gives
/// it, made by appending the percent-encoded relative path to the root's URI: no path join and
/// no re-encoding of the root per file (a references answer names tens of thousands of files).
#[derive(Debug, Clone)]
pub struct RootUris {
    root: PathBuf,
    /// The root's URI text less one trailing `/`, when the fast way applies (an absolute root,
    /// not on Windows, whose drive letters `from_file_path` rewrites).
    base: Option<String>,
}

impl RootUris {
    /// The URIs of files below `root`.
    pub fn new(root: &Path) -> Self {
        let base = (root.is_absolute() && !cfg!(windows))
            .then(|| path_to_uri(root))
            .flatten()
            .map(|u| {
                let s = u.as_str();
                s.strip_suffix('/').unwrap_or(s).to_string()
            });
        RootUris {
            root: root.to_path_buf(),
            base,
        }
    }
    /// The URI of the file at root-relative path `rel`.
    pub fn uri(&self, rel: &str) -> Option<Uri> {
        match &self.base {
            // `Path::join` adds one `/` unless the root ends with one, keeps `rel` as it is
            // unless it is absolute, and the encoding is byte by byte and keeps `/`. A name
            // `rel_path` escaped (every escape starts with `\`) goes the long way.
            Some(base) if !rel.is_empty() && !rel.starts_with('/') && !rel.contains('\\') => {
                let mut s = String::with_capacity(base.len() + 1 + rel.len() + rel.len() / 4);
                s.push_str(base);
                s.push('/');
                percent_encode_path(rel, &mut s);
                s.parse().ok()
            }
            _ => corpus_uri(&self.root, rel),
        }
    }
}

/// Appends `path` with every byte but ASCII letters, digits and `-._~/` percent-encoded
/// (upper-case hex), the set `Uri::from_file_path` encodes.
fn percent_encode_path(path: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let keep = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/');
    if path.bytes().all(keep) {
        out.push_str(path);
        return;
    }
    for b in path.bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_dot_in_a_uri_never_stays_below_the_root() {
        let path = |u: &str| uri_to_path(&u.parse().unwrap());
        for u in [
            "file:///root/../outside/x.md",
            "file:///root/%2e%2e/outside/x.md",
            "file:///root/%2E%2E/outside/./x.md",
            "file:///root/a/../../outside/x.md",
        ] {
            let p = path(u).unwrap();
            assert_eq!(p, PathBuf::from("/outside/x.md"), "{u}");
            assert!(!p.starts_with("/root"), "{u}");
        }
        assert_eq!(path("file:///../../x.md"), Some(PathBuf::from("/x.md")));
        assert_eq!(
            path("file:///root/a/./b.md"),
            Some(PathBuf::from("/root/a/b.md"))
        );
        assert_eq!(path("untitled:Untitled-1"), None);
    }

    fn tr(text: &str) -> (String, LineIndex) {
        (text.to_string(), LineIndex::new(text))
    }

    #[test]
    fn utf16_and_utf8_columns_differ_after_astral_chars() {
        let (t, l) = tr("a😀b\né x");
        let r = TextRef::new(&t, &l);
        let b = t.find('b').unwrap();
        assert_eq!(r.position(b, Encoding::Utf16), Position::new(0, 3));
        assert_eq!(r.position(b, Encoding::Utf8), Position::new(0, 5));
        assert_eq!(r.offset(Position::new(0, 3), Encoding::Utf16), b);
        assert_eq!(r.offset(Position::new(0, 5), Encoding::Utf8), b);
        let x = t.find('x').unwrap();
        assert_eq!(r.position(x, Encoding::Utf16), Position::new(1, 2));
        assert_eq!(r.position(x, Encoding::Utf8), Position::new(1, 3));
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let (t, l) = tr("ab\r\ncd");
        let r = TextRef::new(&t, &l);
        assert_eq!(r.offset(Position::new(0, 99), Encoding::Utf16), 2);
        assert_eq!(r.offset(Position::new(9, 0), Encoding::Utf16), t.len());
        assert_eq!(r.position(999, Encoding::Utf16), Position::new(1, 2));
        assert!(!r.has_line(Position::new(2, 0)));
    }

    #[test]
    fn file_uris_round_trip() {
        let p = std::env::temp_dir().join("a b").join("c.md");
        let uri = path_to_uri(&p).unwrap();
        assert_eq!(uri_to_path(&uri).unwrap(), p);
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert!(uri_to_path(&other).is_none());
    }

    #[test]
    fn root_uris_equal_the_uri_of_the_real_path() {
        let roots = [
            "/",
            "/tmp/a b",
            "/tmp/x/",
            "/tmp/x//",
            "/srv/Ünï côdé/news",
            "rel/root",
        ];
        let rels = [
            "a.md",
            "notes/n 1.txt",
            "a b/c#d?.md",
            "ü/ß.txt",
            "100%.txt",
            "x+y&z=1;@:,!$'()*[].md",
            "emoji😀/中文.md",
            "a//b.txt",
            "./x.md",
            "../y.md",
            "-._~/t.txt",
            "",
            "/abs/z.md",
            "back\\\\slash.md",
            "line\\x0abreak.md",
            "bytes\\xff.md",
        ];
        for root in roots {
            let u = RootUris::new(Path::new(root));
            for rel in rels {
                let want = path_to_uri(&real_path(Path::new(root), rel));
                let got = u.uri(rel);
                assert_eq!(
                    got.as_ref().map(|u| u.as_str()),
                    want.as_ref().map(|u| u.as_str()),
                    "{root} + {rel}"
                );
            }
        }
        // An escaped name is the file's real name, not the escape.
        let u = RootUris::new(Path::new("/r"));
        assert_eq!(
            u.uri("a\\\\b.md").unwrap().as_str(),
            path_to_uri(Path::new("/r/a\\b.md")).unwrap().as_str()
        );
    }
}
