//! Text of one document: a rope with its version, a line index, offsets <-> positions.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` (the LSP's three terminators). A position's column
//! never lands between `\r` and `\n`, nor inside a character: a UTF-16 column inside a surrogate
//! pair, or a UTF-8 column inside a multi-byte sequence, clamps back to the character's start.
//! A BOM is an ordinary character (U+FEFF: 1 UTF-16 unit, 3 UTF-8 bytes) at the start of line 0,
//! which is how editors count it.

use ropey::Rope;
use std::fmt;

/// How a position counts characters within a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default).
    #[default]
    Utf16,
}

impl Encoding {
    /// Code units `c` takes in this encoding.
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
    /// Code units `s` takes in this encoding.
    fn len(self, s: &str) -> usize {
        match self {
            Encoding::Utf8 => s.len(),
            // ASCII is the common case and needs no per-char walk.
            Encoding::Utf16 if s.is_ascii() => s.len(),
            Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
        }
    }
}

/// A 0-based line and a 0-based column counted in the chosen encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Position {
    /// 0-based line.
    pub line: u32,
    /// 0-based column in code units of the encoding.
    pub character: u32,
}

impl Position {
    /// A position at `line`, `character`.
    pub fn new(line: u32, character: u32) -> Self {
        Position { line, character }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.character)
    }
}

/// Byte length of the line terminator that `line` (a line with its terminator) ends with.
fn terminator_len(line: &str) -> usize {
    if line.ends_with("\r\n") {
        2
    } else if line.ends_with('\n') || line.ends_with('\r') {
        1
    } else {
        0
    }
}

/// Byte offset into `content` of column `col`, clamped to its end and back to a char start.
fn column_offset(content: &str, col: usize, enc: Encoding) -> usize {
    if enc == Encoding::Utf8 || content.is_ascii() {
        let mut at = col.min(content.len());
        while !content.is_char_boundary(at) {
            at -= 1;
        }
        return at;
    }
    let mut units = 0usize;
    for (i, c) in content.char_indices() {
        let w = enc.width(c);
        if units + w > col {
            return i;
        }
        units += w;
    }
    content.len()
}

/// `offset` clamped to `text`, moved back to a char start and out of the middle of a `\r\n`.
fn snap_offset(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let b = text.as_bytes();
    if offset > 0 && b[offset - 1] == b'\r' && b.get(offset) == Some(&b'\n') {
        offset -= 1;
    }
    offset
}

/// Bytes between two column marks on a long line.
const MARK_EVERY: usize = 4096;

/// A column checkpoint on a long line: a char boundary and the columns before it on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    /// Byte offset (a char boundary).
    byte: usize,
    /// UTF-16 code units from the line's start to `byte`.
    utf16: usize,
    /// Characters from the line's start to `byte`.
    chars: usize,
}

/// Pushes marks every `MARK_EVERY` bytes (moved forward to a char boundary) along the line
/// `text[start..end]`.
fn add_marks(text: &str, start: usize, end: usize, marks: &mut Vec<Mark>) {
    let (mut at, mut utf16, mut chars) = (start, 0usize, 0usize);
    loop {
        let mut next = (at + MARK_EVERY).min(end);
        while !text.is_char_boundary(next) {
            next += 1;
        }
        if next >= end {
            return;
        }
        let seg = &text[at..next];
        if seg.is_ascii() {
            utf16 += seg.len();
            chars += seg.len();
        } else {
            utf16 += Encoding::Utf16.len(seg);
            chars += seg.chars().count();
        }
        marks.push(Mark {
            byte: next,
            utf16,
            chars,
        });
        at = next;
    }
}

/// Line starts of a text, for offset <-> position conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Checkpoints every `MARK_EVERY` bytes along lines longer than that, in byte order, so a
    /// column on a megabyte-long line costs a bounded walk instead of the whole line (spans on
    /// one such line would otherwise take quadratic time).
    marks: Vec<Mark>,
    /// Bit `i % 64` of word `i / 64` set when line `i` is all ASCII: there a column is the byte
    /// distance from the line's start in either encoding, with no walk over the line.
    ascii: Vec<u64>,
    /// Length of the indexed text, so positions on ASCII lines need no text.
    text_len: usize,
}

impl LineIndex {
    /// Indexes the line starts of `text` (a line ends after `\n`, `\r\n` or a lone `\r`).
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let b = text.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        let mut marks = Vec::new();
        let mut ascii = vec![0u64; starts.len().div_ceil(64)];
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            if end - start > MARK_EVERY {
                add_marks(text, start, end, &mut marks);
            }
            if b[start..end].is_ascii() {
                ascii[i / 64] |= 1 << (i % 64);
            }
        }
        LineIndex {
            starts,
            marks,
            ascii,
            text_len: text.len(),
        }
    }
    /// True when line `line` holds only ASCII.
    fn is_ascii_line(&self, line: usize) -> bool {
        self.ascii
            .get(line / 64)
            .is_some_and(|w| w & (1 << (line % 64)) != 0)
    }
    /// Number of lines (an empty text, or one ending in a newline, has a last empty line).
    pub fn len(&self) -> usize {
        self.starts.len()
    }
    /// True for no lines (never: an empty text has one line).
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
    /// [`LineIndex::position`] without the text, when it needs none: the offset (clamped to the
    /// text) lies in an all-ASCII line short of its last byte, so no snapping applies and the
    /// column is a byte distance in either encoding. `None` elsewhere. For a text kept
    /// compressed, this spares the decompression on most lines.
    pub fn position_ascii(&self, offset: usize) -> Option<Position> {
        let o = offset.min(self.text_len);
        let line = self.starts.partition_point(|&s| s <= o).saturating_sub(1);
        let inside = self.starts.get(line + 1).is_none_or(|&next| o + 1 < next);
        (inside && self.is_ascii_line(line)).then(|| Position {
            line: line as u32,
            character: (o - self.starts.get(line).copied().unwrap_or(0)) as u32,
        })
    }
    /// True when `offset` is inside the text and on an all-ASCII line (its end included), so it
    /// falls on a character boundary whatever the text: no need to read it.
    pub fn is_ascii_boundary(&self, offset: usize) -> bool {
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        offset <= self.text_len && self.is_ascii_line(line)
    }
    /// [`LineIndex::range`] without the text, when it needs none (both ends as in
    /// [`LineIndex::position_ascii`]).
    pub fn range_ascii(&self, start: usize, end: usize) -> Option<(Position, Position)> {
        Some((self.position_ascii(start)?, self.position_ascii(end)?))
    }
    /// The position of a byte offset (clamped to the text, back to a char start, before `\r\n`).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        // Inside an ASCII line, short of its last byte, every offset is a char boundary and not
        // between `\r` and `\n`: no snapping, so the text's bytes are not read at all (a
        // references answer touches thousands of files once each; each read is a cache miss).
        if let Some(p) = self.position_ascii(offset) {
            return p;
        }
        let offset = snap_offset(text, offset);
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        if enc == Encoding::Utf8 || self.is_ascii_line(line) {
            // `start <= offset`: `line` is the last line starting at or before it.
            return Position {
                line: line as u32,
                character: (offset - start) as u32,
            };
        }
        let (base, mark) = self.mark_before(start, offset);
        // `get` guards against an index built for another text: wrong, but never a panic.
        let seg = text.get(base..offset).unwrap_or("");
        let before = match enc {
            Encoding::Utf8 => base - start,
            Encoding::Utf16 => mark.map_or(0, |m| m.utf16),
        };
        Position {
            line: line as u32,
            character: (before + enc.len(seg)) as u32,
        }
    }
    /// Characters (Unicode scalar values) from the start of `offset`'s line to it (clamped like
    /// `position`): the column people count.
    pub fn char_column(&self, text: &str, offset: usize) -> usize {
        let offset = snap_offset(text, offset);
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        if self.is_ascii_line(line) {
            return offset - start;
        }
        let (base, mark) = self.mark_before(start, offset);
        mark.map_or(0, |m| m.chars) + text.get(base..offset).map_or(0, |s| s.chars().count())
    }
    /// The positions of both ends of a span (each clamped like `position`): the end is counted
    /// on from the start when both are on one line, so a span costs one line search and one
    /// walk over its own text, not two searches and two walks from the line's start.
    pub fn range(
        &self,
        text: &str,
        start: usize,
        end: usize,
        enc: Encoding,
    ) -> (Position, Position) {
        let a = self.position(text, start, enc);
        let (s, e) = (snap_offset(text, start), snap_offset(text, end));
        let line = a.line as usize;
        let next = self.starts.get(line + 1).copied().unwrap_or(usize::MAX);
        if s > e || e >= next {
            return (a, self.position(text, end, enc));
        }
        // Counts are additive over char boundaries (`s` and `e` are snapped to them).
        let more = if enc == Encoding::Utf8 || self.is_ascii_line(line) {
            Some(e - s)
        } else {
            text.get(s..e).map(|seg| enc.len(seg))
        };
        match more {
            Some(n) => (a, Position::new(a.line, a.character + n as u32)),
            None => (a, self.position(text, end, enc)),
        }
    }
    /// The last mark in `[line_start, offset]`, with its byte (else `line_start` and `None`).
    fn mark_before(&self, line_start: usize, offset: usize) -> (usize, Option<Mark>) {
        let i = self.marks.partition_point(|m| m.byte <= offset);
        match i.checked_sub(1).map(|i| self.marks[i]) {
            Some(m) if m.byte >= line_start => (m.byte, Some(m)),
            _ => (line_start, None),
        }
    }
    /// The byte offset of a position; a column past the line's end clamps to it (before `\r\n`),
    /// a column inside a character clamps to its start, a line past the end gives the text's end.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let Some(full) = text.get(start..end) else {
            return text.len();
        };
        let content = &full[..full.len() - terminator_len(full)];
        start + column_offset(content, pos.character as usize, enc)
    }
    /// Byte offset where line `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }
}

/// Why an edit or a version was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// A position's line is past the document's last line.
    OutOfRange {
        /// The position asked for.
        position: Position,
        /// Lines the document has.
        lines: usize,
    },
    /// The range's start comes after its end.
    Reversed {
        /// Start of the range.
        start: Position,
        /// End of the range.
        end: Position,
    },
    /// The new version is not newer than the current one.
    StaleVersion {
        /// The document's version.
        current: i32,
        /// The version offered.
        offered: i32,
    },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::OutOfRange { position, lines } => write!(
                f,
                "position {position} is past the end of the document ({lines} lines)"
            ),
            EditError::Reversed { start, end } => {
                write!(f, "range start {start} comes after its end {end}")
            }
            EditError::StaleVersion { current, offered } => write!(
                f,
                "version {offered} is not newer than the document's version {current}"
            ),
        }
    }
}

impl std::error::Error for EditError {}

/// How a new version relates to the document's current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionStep {
    /// Exactly the next version (`current + 1`).
    Next,
    /// Newer, but versions in between were never seen (some clients count this way).
    Skipped {
        /// How many versions were skipped.
        missing: i64,
    },
    /// Equal or older: a stale or repeated change.
    NotNewer,
}

/// One change of an LSP `didChange`: a range (or the whole text when `None`) and its new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The replaced range, or `None` for the whole text.
    pub range: Option<(Position, Position)>,
    /// The new text.
    pub text: String,
}

/// An open document: its rope and version.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text.
    pub rope: Rope,
    /// The editor's version (0 for files read from disk).
    pub version: i32,
}

impl Document {
    /// A document holding `text` at `version`.
    pub fn new(text: &str, version: i32) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
        }
    }
    /// The whole text as a string.
    pub fn text(&self) -> String {
        self.rope.to_string()
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.rope.len_bytes()
    }
    /// True when the document holds no text.
    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }
    /// Number of lines (as `LineIndex::len`).
    pub fn len_lines(&self) -> usize {
        self.rope.len_lines()
    }
    /// The position of a byte offset (clamped like `LineIndex::position`).
    pub fn position(&self, offset: usize, enc: Encoding) -> Position {
        let rope = &self.rope;
        let mut offset = offset.min(rope.len_bytes());
        offset = rope.char_to_byte(rope.byte_to_char(offset));
        if offset > 0
            && offset < rope.len_bytes()
            && rope.byte(offset - 1) == b'\r'
            && rope.byte(offset) == b'\n'
        {
            offset -= 1;
        }
        let line = rope.byte_to_line(offset);
        let start = rope.line_to_byte(line);
        let character = match enc {
            Encoding::Utf8 => offset - start,
            Encoding::Utf16 => {
                rope.char_to_utf16_cu(rope.byte_to_char(offset))
                    - rope.char_to_utf16_cu(rope.byte_to_char(start))
            }
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }
    /// The byte offset of a position: an error for a line past the end; a column past the line's
    /// end clamps to it (as the LSP says), a column inside a character clamps to its start.
    pub fn offset(&self, pos: Position, enc: Encoding) -> Result<usize, EditError> {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return Err(EditError::OutOfRange {
                position: pos,
                lines: self.rope.len_lines(),
            });
        }
        let start = self.rope.line_to_byte(line);
        let col = pos.character as usize;
        let mut units = 0usize;
        let mut bytes = 0usize;
        for c in self.rope.line(line).chars() {
            let w = enc.width(c);
            if c == '\n' || c == '\r' || units + w > col {
                break;
            }
            units += w;
            bytes += c.len_utf8();
        }
        Ok(start + bytes)
    }
    /// Applies one change (a range in `enc`, or the whole text for `None`). Refuses, leaving the
    /// text untouched, a range whose start line is past the last line, whose end is past the
    /// start of the line after the last, or whose start follows its end.
    pub fn apply_change(
        &mut self,
        range: Option<(Position, Position)>,
        text: &str,
        enc: Encoding,
    ) -> Result<(), EditError> {
        let Some((start, end)) = range else {
            self.rope = Rope::from_str(text);
            return Ok(());
        };
        if start > end {
            return Err(EditError::Reversed { start, end });
        }
        let a = self.offset(start, enc)?;
        // Some clients (Neovim deleting the last lines) end a range at the start of the line
        // after the last one: that is the document's end, not a lost edit.
        let b = if end.line as usize == self.rope.len_lines() && end.character == 0 {
            self.rope.len_bytes()
        } else {
            self.offset(end, enc)?
        }
        .max(a);
        let (ca, cb) = (self.rope.byte_to_char(a), self.rope.byte_to_char(b));
        self.rope.remove(ca..cb);
        self.rope.insert(ca, text);
        Ok(())
    }
    /// How `new` relates to the current version.
    pub fn version_step(&self, new: i32) -> VersionStep {
        let d = i64::from(new) - i64::from(self.version);
        match d {
            1 => VersionStep::Next,
            d if d > 1 => VersionStep::Skipped { missing: d - 1 },
            _ => VersionStep::NotNewer,
        }
    }
    /// True when `new` is newer than the current version.
    pub fn is_newer(&self, new: i32) -> bool {
        self.version_step(new) != VersionStep::NotNewer
    }
    /// Applies a `didChange`: checks that `version` is newer, then applies every change in order.
    /// All or nothing: on any error the text and version stay as they were.
    pub fn update(
        &mut self,
        version: i32,
        changes: &[Change],
        enc: Encoding,
    ) -> Result<VersionStep, EditError> {
        let step = self.version_step(version);
        if step == VersionStep::NotNewer {
            return Err(EditError::StaleVersion {
                current: self.version,
                offered: version,
            });
        }
        // Rope clones share their nodes, so keeping the old text for a rollback is cheap.
        let before = self.rope.clone();
        for c in changes {
            if let Err(e) = self.apply_change(c.range, &c.text, enc) {
                self.rope = before;
                return Err(e);
            }
        }
        self.version = version;
        Ok(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn crlf_never_splits() {
        let t = "ab\r\ncd\re\n";
        let li = LineIndex::new(t);
        assert_eq!(li.len(), 4);
        assert_eq!(li.position(t, 3, Encoding::Utf16), pos(0, 2));
        assert_eq!(li.position(t, 4, Encoding::Utf16), pos(1, 0));
        assert_eq!(li.position(t, 7, Encoding::Utf16), pos(2, 0));
        assert_eq!(li.offset(t, pos(0, 99), Encoding::Utf16), 2);
        assert_eq!(li.offset(t, pos(1, 99), Encoding::Utf16), 6);
        assert_eq!(li.offset(t, pos(3, 0), Encoding::Utf16), t.len());
        assert_eq!(li.offset(t, pos(9, 0), Encoding::Utf16), t.len());
    }

    #[test]
    fn long_lines_use_marks_and_agree_with_a_walk() {
        // Lines far longer than MARK_EVERY, mixing ASCII, accents, CJK, astral and CRLF.
        let unit = "Zoë paid 5€ to 中国 😀🇫🇷 ok. ";
        let mut t = String::from("short\r\n");
        for _ in 0..(3 * MARK_EVERY / unit.len()) {
            t.push_str(unit);
        }
        t.push_str("\r\n");
        t.push_str(&"a".repeat(2 * MARK_EVERY + 7));
        t.push('\n');
        t.push_str(&"é".repeat(MARK_EVERY + 3));
        let li = LineIndex::new(&t);
        assert!(!li.marks.is_empty());
        for (off, _) in t.char_indices().step_by(37).chain([(t.len(), ' ')]) {
            let line = li.starts.partition_point(|&s| s <= off) - 1;
            let seg = &t[li.starts[line]..off];
            let p16 = li.position(&t, off, Encoding::Utf16);
            let p8 = li.position(&t, off, Encoding::Utf8);
            if !seg.ends_with('\r') {
                assert_eq!(p16.character as usize, Encoding::Utf16.len(seg), "{off}");
                assert_eq!(p8.character as usize, seg.len(), "{off}");
                assert_eq!(li.char_column(&t, off), seg.chars().count(), "{off}");
            }
            assert_eq!(li.offset(&t, p16, Encoding::Utf16), snap_offset(&t, off));
            // Spans across marks, within a line and over line ends.
            for end in [off + 5, off + MARK_EVERY + 11, off + 3 * MARK_EVERY] {
                let end = end.min(t.len());
                let two = (p16, li.position(&t, end, Encoding::Utf16));
                assert_eq!(li.range(&t, off, end, Encoding::Utf16), two, "{off}..{end}");
            }
        }
    }

    #[test]
    fn bom_counts_as_one_unit() {
        let t = "\u{feff}Hi\nthere";
        let li = LineIndex::new(t);
        assert_eq!(li.position(t, 3, Encoding::Utf16), pos(0, 1));
        assert_eq!(li.position(t, 3, Encoding::Utf8), pos(0, 3));
        assert_eq!(li.offset(t, pos(0, 1), Encoding::Utf16), 3);
        assert_eq!(li.offset(t, pos(1, 2), Encoding::Utf16), 8);
    }

    #[test]
    fn astral_and_cjk() {
        let t = "a😀中🇫🇷\tz";
        let li = LineIndex::new(t);
        let z = t.find('z').unwrap();
        assert_eq!(
            li.position(t, z, Encoding::Utf16),
            pos(0, 1 + 2 + 1 + 4 + 1)
        );
        assert_eq!(li.position(t, z, Encoding::Utf8), pos(0, z as u32));
        // Inside the surrogate pair of the emoji: back to its start.
        assert_eq!(li.offset(t, pos(0, 2), Encoding::Utf16), 1);
        // Inside the UTF-8 bytes of the emoji: back to its start.
        assert_eq!(li.offset(t, pos(0, 3), Encoding::Utf8), 1);
        // An offset inside a char maps to that char's start.
        assert_eq!(li.position(t, 2, Encoding::Utf16), pos(0, 1));
    }

    #[test]
    fn empty_text() {
        let li = LineIndex::new("");
        assert_eq!(li.len(), 1);
        assert_eq!(li.position("", 5, Encoding::Utf16), pos(0, 0));
        assert_eq!(li.offset("", pos(3, 3), Encoding::Utf16), 0);
    }

    #[test]
    fn edits_reject_out_of_range_and_reversed() {
        let mut d = Document::new("one\ntwo", 1);
        let e = d.apply_change(Some((pos(5, 0), pos(5, 0))), "x", Encoding::Utf16);
        assert!(matches!(e, Err(EditError::OutOfRange { .. })));
        let e = d.apply_change(Some((pos(1, 2), pos(0, 1))), "x", Encoding::Utf16);
        assert!(matches!(e, Err(EditError::Reversed { .. })));
        assert_eq!(d.text(), "one\ntwo");
        d.apply_change(Some((pos(1, 0), pos(1, 99))), "2", Encoding::Utf16)
            .unwrap();
        assert_eq!(d.text(), "one\n2");
        // The start of the line after the last is the end; anything further is refused.
        d.apply_change(Some((pos(1, 0), pos(2, 0))), "", Encoding::Utf16)
            .unwrap();
        assert_eq!(d.text(), "one\n");
        let e = d.apply_change(Some((pos(0, 0), pos(2, 1))), "", Encoding::Utf16);
        assert!(matches!(e, Err(EditError::OutOfRange { .. })));
        let e = d.apply_change(Some((pos(2, 0), pos(2, 0))), "x", Encoding::Utf16);
        assert!(matches!(e, Err(EditError::OutOfRange { .. })));
    }

    #[test]
    fn update_checks_versions_and_rolls_back() {
        let mut d = Document::new("abc", 3);
        assert_eq!(d.version_step(4), VersionStep::Next);
        assert_eq!(d.version_step(6), VersionStep::Skipped { missing: 2 });
        assert_eq!(d.version_step(3), VersionStep::NotNewer);
        assert!(d.update(3, &[], Encoding::Utf16).is_err());
        let bad = [
            Change {
                range: Some((pos(0, 0), pos(0, 1))),
                text: "X".into(),
            },
            Change {
                range: Some((pos(7, 0), pos(7, 0))),
                text: "Y".into(),
            },
        ];
        assert!(d.update(4, &bad, Encoding::Utf16).is_err());
        assert_eq!((d.text().as_str(), d.version), ("abc", 3));
        let good = [Change {
            range: Some((pos(0, 3), pos(0, 3))),
            text: "😀".into(),
        }];
        assert_eq!(d.update(4, &good, Encoding::Utf16), Ok(VersionStep::Next));
        assert_eq!((d.text().as_str(), d.version), ("abc😀", 4));
    }

    fn tricky() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "a", "Z", " ", "\t", "\n", "\r\n", "\r", "\u{feff}", "😀", "🇫🇷", "中文", "é",
            "\u{2028}",
        ]);
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    fn boundaries(t: &str) -> Vec<usize> {
        (0..=t.len())
            .filter(|&i| t.is_char_boundary(i))
            .filter(|&i| !(i > 0 && t.as_bytes()[i - 1] == b'\r' && t[i..].starts_with('\n')))
            .collect()
    }

    proptest! {
        #[test]
        fn round_trip_every_boundary(t in tricky()) {
            let li = LineIndex::new(&t);
            let doc = Document::new(&t, 0);
            prop_assert_eq!(li.len(), doc.len_lines());
            for b in boundaries(&t) {
                for enc in [Encoding::Utf8, Encoding::Utf16] {
                    let p = li.position(&t, b, enc);
                    prop_assert_eq!(li.offset(&t, p, enc), b);
                    prop_assert_eq!(doc.position(b, enc), p);
                    prop_assert_eq!(doc.offset(p, enc), Ok(b));
                }
                let p8 = li.position(&t, b, Encoding::Utf8);
                let p16 = li.position(&t, b, Encoding::Utf16);
                prop_assert_eq!(p8.line, p16.line);
                let start = li.line_start(p8.line as usize).unwrap();
                prop_assert_eq!(p8.character as usize, b - start);
                prop_assert_eq!(p16.character as usize, t[start..b].encode_utf16().count());
            }
        }

        #[test]
        fn range_equals_two_positions(t in tricky(), a in 0usize..200, b in 0usize..200) {
            let li = LineIndex::new(&t);
            let (a, b) = (a % (t.len() + 3), b % (t.len() + 3));
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                prop_assert_eq!(
                    li.range(&t, a, b, enc),
                    (li.position(&t, a, enc), li.position(&t, b, enc))
                );
            }
            let start = li.line_start(li.position(&t, a, Encoding::Utf8).line as usize).unwrap();
            prop_assert_eq!(li.char_column(&t, a), t[start..snap_offset(&t, a)].chars().count());
        }

        #[test]
        fn positions_without_the_text_equal_a_walk(t in tricky(), a in 0usize..200, b in 0usize..200) {
            let li = LineIndex::new(&t);
            let walk = |o: usize, enc: Encoding| {
                let o = snap_offset(&t, o);
                let line = li.starts.partition_point(|&s| s <= o) - 1;
                let start = li.starts[line];
                Position { line: line as u32, character: enc.len(&t[start..o]) as u32 }
            };
            for o in 0..=t.len() + 2 {
                if let Some(p) = li.position_ascii(o) {
                    for enc in [Encoding::Utf8, Encoding::Utf16] {
                        prop_assert_eq!(p, walk(o, enc));
                    }
                }
            }
            let (a, b) = (a % (t.len() + 3), b % (t.len() + 3));
            if let Some(r) = li.range_ascii(a, b) {
                for enc in [Encoding::Utf8, Encoding::Utf16] {
                    prop_assert_eq!(r, li.range(&t, a, b, enc));
                }
            }
        }

        #[test]
        fn any_position_lands_on_a_boundary(t in tricky(), line in 0u32..12, col in 0u32..30) {
            let li = LineIndex::new(&t);
            let ok = boundaries(&t);
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let o = li.offset(&t, pos(line, col), enc);
                prop_assert!(ok.contains(&o));
                for off in 0..=t.len() + 2 {
                    let p = li.position(&t, off, enc);
                    prop_assert!(ok.contains(&li.offset(&t, p, enc)));
                }
            }
        }

        #[test]
        fn rope_edits_equal_string_edits(
            t in tricky(),
            edits in prop::collection::vec((0u32..8, 0u32..12, 0u32..8, 0u32..12, tricky()), 0..8),
            utf8 in any::<bool>(),
        ) {
            let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
            let mut doc = Document::new(&t, 0);
            let mut s = t.clone();
            for (l1, c1, l2, c2, ins) in edits {
                let (a, b) = (pos(l1, c1), pos(l2, c2));
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                let li = LineIndex::new(&s);
                let r = doc.apply_change(Some((a, b)), &ins, enc);
                let end_ok = (b.line as usize) < li.len()
                    || (b.line as usize == li.len() && b.character == 0);
                if (a.line as usize) >= li.len() || !end_ok {
                    prop_assert!(r.is_err());
                    continue;
                }
                prop_assert!(r.is_ok());
                let x = li.offset(&s, a, enc);
                let y = li.offset(&s, b, enc).max(x);
                s.replace_range(x..y, &ins);
                prop_assert_eq!(doc.text(), s.clone());
            }
        }
    }
}
