//! Text synchronisation: incremental edits on the rope, version checks, out-of-sync and resync.
//!
//! Lines end after `\n` only, as in the core's `LineIndex`, so edit positions and answer positions
//! agree. A version that does not follow the last one, or an edit whose range lies outside the
//! text, puts the document out of sync: its text is no longer trusted, its diagnostics are held,
//! and the next full text (a change without range, or a save with text) brings it back.

use crate::document::Encoding;
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent};

/// Why a document went out of sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// The version did not follow the last one.
    VersionGap {
        /// The version expected.
        expected: i32,
        /// The version received.
        got: i32,
    },
    /// An edit's range lies outside the text or is reversed.
    OutOfRange {
        /// The line of the bad position.
        line: u32,
    },
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncError::VersionGap { expected, got } => {
                write!(f, "version {got} where {expected} was expected")
            }
            SyncError::OutOfRange { line } => write!(f, "edit at line {line} outside the text"),
        }
    }
}

/// The server's copy of an editor buffer.
#[derive(Debug, Clone)]
pub struct BufferText {
    /// The text.
    pub rope: Rope,
    /// The last version received.
    pub version: i32,
    /// False from a gap or a bad edit until the next full text.
    pub in_sync: bool,
}

impl BufferText {
    /// A buffer opened at `version`.
    pub fn new(text: &str, version: i32) -> Self {
        BufferText {
            rope: Rope::from_str(text),
            version,
            in_sync: true,
        }
    }

    /// Applies one `didChange`; returns the reason when the buffer went (or stays) out of sync.
    pub fn apply(
        &mut self,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        enc: Encoding,
    ) -> Result<(), SyncError> {
        let mut err = None;
        if version != self.version.wrapping_add(1) {
            err = Some(SyncError::VersionGap {
                expected: self.version.wrapping_add(1),
                got: version,
            });
        }
        let mut trusted = self.in_sync && err.is_none();
        for change in changes {
            match change.range {
                None => {
                    self.rope = Rope::from_str(&change.text);
                    trusted = true;
                    err = None;
                }
                Some(range) if trusted => {
                    match edit(&mut self.rope, range.start, range.end, &change.text, enc) {
                        Ok(()) => {}
                        Err(e) => {
                            trusted = false;
                            err = Some(e);
                        }
                    }
                }
                Some(_) => {}
            }
        }
        self.version = version;
        self.in_sync = trusted;
        match err {
            Some(e) => Err(e),
            None if !trusted => Err(SyncError::VersionGap {
                expected: version,
                got: version,
            }),
            None => Ok(()),
        }
    }

    /// Replaces the whole text (a save with text); the buffer is in sync again.
    pub fn resync(&mut self, text: &str) {
        self.rope = Rope::from_str(text);
        self.in_sync = true;
    }
}

/// Replaces the text between two positions.
pub fn edit(
    rope: &mut Rope,
    start: Position,
    end: Position,
    text: &str,
    enc: Encoding,
) -> Result<(), SyncError> {
    let a = char_at(rope, start, enc)?;
    let b = char_at(rope, end, enc)?;
    if a > b {
        return Err(SyncError::OutOfRange { line: start.line });
    }
    rope.remove(a..b);
    rope.insert(a, text);
    Ok(())
}

/// The char index where `line` starts (lines end after `\n`); `None` past the last line.
fn line_start_char(rope: &Rope, line: u32) -> Option<usize> {
    if line == 0 {
        return Some(0);
    }
    let mut seen = 0u32;
    let mut byte = 0usize;
    for chunk in rope.chunks() {
        for (i, b) in chunk.bytes().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    return Some(rope.byte_to_char(byte + i + 1));
                }
            }
        }
        byte += chunk.len();
    }
    None
}

/// The char index of a position; a column past the line's end clamps to it; one line past the
/// last line at column 0 is the end of the text (some clients send it for whole-text edits).
pub fn char_at(rope: &Rope, pos: Position, enc: Encoding) -> Result<usize, SyncError> {
    let Some(start) = line_start_char(rope, pos.line) else {
        let last_line = line_count(rope) - 1;
        if pos.line == last_line + 1 && pos.character == 0 {
            return Ok(rope.len_chars());
        }
        return Err(SyncError::OutOfRange { line: pos.line });
    };
    let mut units = 0usize;
    let mut idx = start;
    let mut chars = rope.chars_at(start).peekable();
    while let Some(c) = chars.next() {
        if c == '\n' || (c == '\r' && chars.peek() == Some(&'\n')) {
            break;
        }
        if units >= pos.character as usize {
            break;
        }
        units += match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        idx += 1;
    }
    Ok(idx)
}

/// Lines of the rope, counting only `\n` as a line end.
fn line_count(rope: &Rope) -> u32 {
    let n: usize = rope
        .chunks()
        .map(|c| c.bytes().filter(|&b| b == b'\n').count())
        .sum();
    n as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::Range;

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.to_string(),
        }
    }

    fn full(text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_edits_in_utf16_and_utf8() {
        let mut b = BufferText::new("a😀b\r\nsecond\n", 1);
        b.apply(2, &[change(0, 3, 0, 4, "B")], Encoding::Utf16)
            .unwrap();
        assert_eq!(b.rope.to_string(), "a😀B\r\nsecond\n");
        b.apply(3, &[change(0, 5, 0, 6, "c")], Encoding::Utf8)
            .unwrap();
        assert_eq!(b.rope.to_string(), "a😀c\r\nsecond\n");
        // A column past the line's end stops before the `\r\n`.
        b.apply(4, &[change(0, 99, 0, 99, "!")], Encoding::Utf16)
            .unwrap();
        assert_eq!(b.rope.to_string(), "a😀c!\r\nsecond\n");
        b.apply(5, &[change(2, 0, 2, 0, "third")], Encoding::Utf16)
            .unwrap();
        assert_eq!(b.rope.to_string(), "a😀c!\r\nsecond\nthird");
        b.apply(6, &[change(1, 0, 3, 0, "")], Encoding::Utf16)
            .unwrap();
        assert_eq!(b.rope.to_string(), "a😀c!\r\n");
        assert!(b.in_sync);
    }

    #[test]
    fn a_version_gap_goes_out_of_sync_until_full_text() {
        let mut b = BufferText::new("abc", 1);
        let e = b.apply(3, &[change(0, 0, 0, 0, "x")], Encoding::Utf16);
        assert_eq!(
            e,
            Err(SyncError::VersionGap {
                expected: 2,
                got: 3
            })
        );
        assert!(!b.in_sync);
        assert_eq!(b.rope.to_string(), "abc");
        // Still out of sync on the next consecutive edit.
        assert!(b
            .apply(4, &[change(0, 0, 0, 0, "y")], Encoding::Utf16)
            .is_err());
        assert!(!b.in_sync);
        b.apply(5, &[full("fresh")], Encoding::Utf16).unwrap();
        assert!(b.in_sync);
        b.apply(6, &[change(0, 5, 0, 5, "!")], Encoding::Utf16)
            .unwrap();
        assert_eq!(b.rope.to_string(), "fresh!");
    }

    #[test]
    fn edits_past_the_end_go_out_of_sync_and_a_save_resyncs() {
        let mut b = BufferText::new("one\ntwo", 1);
        let e = b.apply(2, &[change(7, 0, 7, 1, "x")], Encoding::Utf16);
        assert_eq!(e, Err(SyncError::OutOfRange { line: 7 }));
        assert!(!b.in_sync);
        assert!(b
            .apply(3, &[change(1, 2, 1, 0, "x")], Encoding::Utf16)
            .is_err());
        b.resync("saved");
        assert!(b.in_sync);
        // One line past the end at column 0 is the end of the text.
        b.apply(4, &[change(0, 0, 1, 0, "new")], Encoding::Utf16)
            .unwrap();
        assert_eq!(b.rope.to_string(), "new");
    }

    #[test]
    fn a_stale_version_is_a_gap() {
        let mut b = BufferText::new("abc", 5);
        assert!(b
            .apply(5, &[change(0, 0, 0, 0, "x")], Encoding::Utf16)
            .is_err());
        assert_eq!(b.rope.to_string(), "abc");
    }
}
