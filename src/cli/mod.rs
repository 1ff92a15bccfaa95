//! Command-line front end: output of the subcommands in human and JSON Lines form.

pub mod archive;
pub mod check;
pub mod entities;
pub mod export;
pub mod mentions;
pub mod progress;
pub mod report;
pub mod sarif;
pub mod spans;

use crate::corpus::SourceFile;
use crate::document::Encoding;
use crate::model::Span;
use serde_json::{json, Map, Value};

/// Output format of a subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// For people.
    Human,
    /// JSON Lines, one object a line.
    Json,
}

/// The `file`, `start_byte`, `end_byte` and `range` fields of a span in a file (range in
/// UTF-16); `text` is the file's text, read once by the caller for all its spans.
pub fn location_fields(file: &SourceFile, text: &str, span: Span) -> Map<String, Value> {
    let (start, end) = file
        .lines
        .range(text, span.start(), span.end(), Encoding::Utf16);
    let mut m = Map::new();
    m.insert("file".into(), json!(file.rel));
    m.insert("start_byte".into(), json!(span.start()));
    m.insert("end_byte".into(), json!(span.end()));
    m.insert("range".into(), json!({"start": start, "end": end}));
    m
}

/// `path:line:col` (1-based, columns in characters) for human output; `text` is the file's.
pub fn human_location(file: &SourceFile, text: &str, offset: usize) -> String {
    let p = file.lines.position(text, offset, Encoding::Utf16);
    // `char_column` is bounded on long lines (a walk from the line's start is quadratic there).
    let col = file.lines.char_column(text, offset) + 1;
    format!("{}:{}:{}", file.rel, p.line + 1, col)
}
