//! Text of one document: a rope with its version, a line index, offsets <-> positions.

use ropey::Rope;

/// How a position counts characters within a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default).
    #[default]
    Utf16,
}

/// A 0-based line and a 0-based column counted in the chosen encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Position {
    /// 0-based line.
    pub line: u32,
    /// 0-based column in code units of the encoding.
    pub character: u32,
}

/// Line starts of a text, for offset <-> position conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text` (a line ends after `\n`; a lone `\r` does not end one).
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text));
        LineIndex { starts }
    }
    /// Number of lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }
    /// True for no lines (never: an empty text has one line).
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
    /// The position of a byte offset (clamped to the text, and back to a char boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let seg = &text[self.starts[line]..offset];
        let character = match enc {
            Encoding::Utf8 => seg.len(),
            Encoding::Utf16 => seg.chars().map(char::len_utf16).sum(),
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }
    /// The byte offset of a position; a column past the line's end clamps to it (before `\r\n`).
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let start = self.starts[line];
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let content = text[start..end].trim_end_matches(['\n', '\r']);
        let mut units = 0usize;
        for (i, c) in content.char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += match enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        start + content.len()
    }
    /// Byte offset where line `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i + 1)
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
}
