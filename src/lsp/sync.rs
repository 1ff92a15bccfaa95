//! Text synchronisation: incremental edits on the document's rope, version checks, out-of-sync
//! and resync.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as in the core's `Document` and `LineIndex`, so edit
//! positions and answer positions agree. The specification asks only that versions increase:
//! Neovim sends its `changedtick` (an undo adds 2) and Eglot batches changes, so a jump is not a
//! lost edit. A version that does not increase, or an edit whose range lies outside the text,
//! puts the document out of sync: its text is no longer trusted, its diagnostics are held, and
//! the next full text (a change without range, or a save with text) brings it back.

use crate::document::{Document, EditError, Encoding, Position as CorePosition};
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent};

/// Why a document went out of sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// The version did not increase.
    NotIncreasing {
        /// The last version received.
        last: i32,
        /// The version received.
        got: i32,
    },
    /// An edit's range lies outside the text or is reversed.
    OutOfRange {
        /// The line of the bad position.
        line: u32,
    },
    /// Edits arrived while out of sync and were not applied.
    StillOutOfSync,
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncError::NotIncreasing { last, got } => {
                write!(f, "version {got} after version {last}")
            }
            SyncError::OutOfRange { line } => write!(f, "edit at line {line} outside the text"),
            SyncError::StillOutOfSync => write!(f, "edits ignored until the next full text"),
        }
    }
}

/// The server's copy of an editor buffer.
#[derive(Debug, Clone)]
pub struct BufferText {
    /// The text and the last version received.
    pub doc: Document,
    /// False from a version that did not increase or a bad edit until the next full text.
    pub in_sync: bool,
}

impl BufferText {
    /// A buffer opened at `version`.
    pub fn new(text: &str, version: i32) -> Self {
        BufferText {
            doc: Document::new(text, version),
            in_sync: true,
        }
    }

    /// The last version received.
    pub fn version(&self) -> i32 {
        self.doc.version
    }

    /// The whole text.
    pub fn text(&self) -> String {
        self.doc.text()
    }

    /// Applies one `didChange`; returns the reason when the buffer went (or stays) out of sync.
    pub fn apply(
        &mut self,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        enc: Encoding,
    ) -> Result<(), SyncError> {
        let last = self.doc.version;
        let mut err = (version <= last).then_some(SyncError::NotIncreasing { last, got: version });
        let mut trusted = self.in_sync && err.is_none();
        for change in changes {
            match change.range {
                None => {
                    self.doc.rope = ropey::Rope::from_str(&change.text);
                    trusted = true;
                    err = None;
                }
                Some(range) if trusted => {
                    if let Err(e) = edit(&mut self.doc, range.start, range.end, &change.text, enc) {
                        trusted = false;
                        err = Some(e);
                    }
                }
                Some(_) => {}
            }
        }
        self.doc.version = version;
        self.in_sync = trusted;
        match err {
            Some(e) => Err(e),
            None if !trusted => Err(SyncError::StillOutOfSync),
            None => Ok(()),
        }
    }

    /// Replaces the whole text (a save with text); the buffer is in sync again.
    pub fn resync(&mut self, text: &str) {
        self.doc.rope = ropey::Rope::from_str(text);
        self.in_sync = true;
    }
}

/// One line past the last at column 0 means the end of the text (some clients send it for
/// whole-text edits); other positions pass unchanged.
fn core_position(doc: &Document, pos: Position, enc: Encoding) -> CorePosition {
    if pos.line as usize == doc.len_lines() && pos.character == 0 {
        return doc.position(doc.len(), enc);
    }
    CorePosition::new(pos.line, pos.character)
}

/// Replaces the text between two positions; a column past a line's end clamps to it.
pub fn edit(
    doc: &mut Document,
    start: Position,
    end: Position,
    text: &str,
    enc: Encoding,
) -> Result<(), SyncError> {
    let range = (core_position(doc, start, enc), core_position(doc, end, enc));
    doc.apply_change(Some(range), text, enc)
        .map_err(|e| match e {
            EditError::OutOfRange { position, .. } => SyncError::OutOfRange {
                line: position.line,
            },
            EditError::Reversed { start, .. } => SyncError::OutOfRange { line: start.line },
            EditError::StaleVersion { .. } => SyncError::StillOutOfSync,
        })
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
        assert_eq!(b.text(), "a😀B\r\nsecond\n");
        b.apply(3, &[change(0, 5, 0, 6, "c")], Encoding::Utf8)
            .unwrap();
        assert_eq!(b.text(), "a😀c\r\nsecond\n");
        // A column past the line's end stops before the `\r\n`.
        b.apply(4, &[change(0, 99, 0, 99, "!")], Encoding::Utf16)
            .unwrap();
        assert_eq!(b.text(), "a😀c!\r\nsecond\n");
        b.apply(5, &[change(2, 0, 2, 0, "third")], Encoding::Utf16)
            .unwrap();
        assert_eq!(b.text(), "a😀c!\r\nsecond\nthird");
        b.apply(6, &[change(1, 0, 3, 0, "")], Encoding::Utf16)
            .unwrap();
        assert_eq!(b.text(), "a😀c!\r\n");
        assert!(b.in_sync);
    }

    #[test]
    fn versions_that_jump_are_edits_in_sync() {
        // Neovim's changedtick: open at 0, first change at 4, an undo adds 2.
        let mut b = BufferText::new("abc", 0);
        b.apply(4, &[change(0, 3, 0, 3, "d")], Encoding::Utf16)
            .unwrap();
        b.apply(5, &[change(0, 3, 0, 4, "")], Encoding::Utf16)
            .unwrap();
        b.apply(7, &[change(0, 3, 0, 3, "d")], Encoding::Utf16)
            .unwrap();
        assert_eq!(
            (b.text().as_str(), b.version(), b.in_sync),
            ("abcd", 7, true)
        );
    }

    #[test]
    fn a_version_that_does_not_increase_goes_out_of_sync_until_full_text() {
        let mut b = BufferText::new("abc", 1);
        b.apply(3, &[change(0, 0, 0, 0, "x")], Encoding::Utf16)
            .unwrap();
        let e = b.apply(3, &[change(0, 0, 0, 0, "y")], Encoding::Utf16);
        assert_eq!(e, Err(SyncError::NotIncreasing { last: 3, got: 3 }));
        assert!(!b.in_sync);
        assert_eq!(b.text(), "xabc");
        // Still out of sync on the next, increasing, edit.
        assert!(b
            .apply(4, &[change(0, 0, 0, 0, "z")], Encoding::Utf16)
            .is_err());
        assert!(!b.in_sync);
        b.apply(9, &[full("fresh")], Encoding::Utf16).unwrap();
        assert!(b.in_sync);
        b.apply(12, &[change(0, 5, 0, 5, "!")], Encoding::Utf16)
            .unwrap();
        assert_eq!(b.text(), "fresh!");
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
        assert_eq!(b.text(), "new");
    }

    #[test]
    fn an_older_version_is_refused() {
        let mut b = BufferText::new("abc", 5);
        assert_eq!(
            b.apply(2, &[change(0, 0, 0, 0, "x")], Encoding::Utf16),
            Err(SyncError::NotIncreasing { last: 5, got: 2 })
        );
        assert_eq!(b.text(), "abc");
    }
}
