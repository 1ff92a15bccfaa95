//! Command-line front end: output of the subcommands in human and JSON Lines form.

pub mod check;
pub mod entities;
pub mod export;
pub mod mentions;
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

/// The `file`, `start_byte`, `end_byte` and `range` fields of a span in a file (range in UTF-16).
pub fn location_fields(file: &SourceFile, span: Span) -> Map<String, Value> {
    let (start, end) = (
        file.position(span.start(), Encoding::Utf16),
        file.position(span.end(), Encoding::Utf16),
    );
    let mut m = Map::new();
    m.insert("file".into(), json!(file.rel));
    m.insert("start_byte".into(), json!(span.start()));
    m.insert("end_byte".into(), json!(span.end()));
    m.insert("range".into(), json!({"start": start, "end": end}));
    m
}

/// `path:line:col` (1-based, columns in characters) for human output.
pub fn human_location(file: &SourceFile, offset: usize) -> String {
    let text = file.text();
    let p = file.lines.position(&text, offset, Encoding::Utf16);
    // `char_column` is bounded on long lines (a walk from the line's start is quadratic there).
    let col = file.lines.char_column(&text, offset) + 1;
    format!("{}:{}:{}", file.rel, p.line + 1, col)
}
