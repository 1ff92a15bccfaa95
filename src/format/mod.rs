//! File formats: sniffing, metadata, and the offset-preserving text view the extractors read.

use crate::model::{Date, Span};
use std::path::Path;

/// How a file's text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Markdown, with optional front matter.
    Markdown,
    /// Ordinary cased plain text.
    Plain,
    /// All-lowercase, punctuation-stripped dump (NLP data sets).
    Lowercase,
}

/// Article (a source) or note (checked against sources).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// A source.
    Article,
    /// Someone's notes about the articles.
    Note,
}

/// What a file says about itself: front matter, headline, byline, dateline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// Front matter `kind`, if given.
    pub kind: Option<DocKind>,
    /// Front matter `sources`, as written.
    pub sources: Vec<String>,
    /// The headline (front matter `title` or the first heading / line), source span if in the body.
    pub headline: Option<String>,
    /// Source span of the headline text, when it is in the body.
    pub headline_span: Option<Span>,
    /// The byline's names (`Keith Bradsher`), as written.
    pub byline: Option<String>,
    /// The dateline or front matter date.
    pub date: Option<Date>,
    /// Markdown headings: level and source span of the heading text.
    pub headings: Vec<(u8, Span)>,
    /// Source span of the front matter block, if any.
    pub front_matter: Option<Span>,
}

/// Guesses the format from the path and the content (a `.txt` holding Markdown is Markdown).
pub fn sniff(path: &Path, text: &str) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "md"
        || ext == "markdown"
        || text.starts_with("---\n")
        || text.contains("\n## ")
        || text.starts_with("## ")
    {
        return Format::Markdown;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    if letters > 200 && upper * 1000 < letters {
        Format::Lowercase
    } else {
        Format::Plain
    }
}

/// The text extractors read, with a map from its bytes back to the source's.
#[derive(Debug, Clone, PartialEq)]
pub struct TextView {
    text: String,
    /// For each view byte, the source byte it came from; one extra entry for the end.
    map: Vec<usize>,
}

impl TextView {
    /// A view identical to the source.
    pub fn identity(source: &str) -> Self {
        TextView {
            text: source.to_string(),
            map: (0..=source.len()).collect(),
        }
    }
    /// The text the extractors read.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// Source offset of a view offset.
    pub fn to_source(&self, view_offset: usize) -> usize {
        self.map[view_offset.min(self.map.len() - 1)]
    }
    /// Source span of a view span (end maps to one past the source byte of the last view byte).
    pub fn span_to_source(&self, span: Span) -> Span {
        if span.is_empty() {
            let s = self.to_source(span.start);
            return Span::new(s, s);
        }
        let start = self.to_source(span.start);
        let last = self.to_source(span.end - 1);
        let width = self.text[..span.end]
            .chars()
            .next_back()
            .map_or(1, |c| c.len_utf8());
        Span::new(start, (last + width).max(start))
    }
}

/// Builds the view of a source text in the given format.
pub fn view(source: &str, _format: Format) -> TextView {
    TextView::identity(source)
}

/// Reads the metadata of a source text.
pub fn metadata(_source: &str, _format: Format) -> Metadata {
    Metadata::default()
}
