//! File formats: sniffing, metadata, and the offset-preserving text view the extractors read.

pub mod date;
pub mod frontmatter;
pub mod furniture;
pub mod markdown;
mod metadata;
mod sniff;
mod view;

pub use sniff::sniff;
pub use view::TextView;

use crate::model::{Date, Span};
use view::ViewBuilder;

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
    /// Source span of each entry of `sources` (same order), for findings about bad paths.
    pub source_spans: Vec<Span>,
    /// The headline (front matter `title`, else the leading heading, else a short first line).
    pub headline: Option<String>,
    /// Source span of the headline text (in the front matter value or in the body).
    pub headline_span: Option<Span>,
    /// The byline's names (`Keith Bradsher`, `keith bradsher`, `Ann Lee and Bo Chen`).
    pub byline: Option<String>,
    /// Source span of the byline's names.
    pub byline_span: Option<Span>,
    /// The dateline or front matter date (front matter wins).
    pub date: Option<Date>,
    /// Source span of the date's text.
    pub date_span: Option<Span>,
    /// Markdown headings: level and source span of the heading text.
    pub headings: Vec<(u8, Span)>,
    /// Source span of the front matter block, if any.
    pub front_matter: Option<Span>,
    /// Markdown link and image destinations as written, with their source spans (a note may
    /// name its sources by linking to them).
    pub links: Vec<(String, Span)>,
}

/// Builds the view and reads the metadata in one pass (both need the Markdown parse).
pub fn view_and_metadata(source: &str, format: Format) -> (TextView, Metadata) {
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let (mut v, fm, outline) = match format {
        Format::Markdown => {
            let fm = frontmatter::parse(source);
            let body = fm.as_ref().map_or(bom, |f| f.span.end());
            let (v, outline) = markdown::view(source, body);
            (v, fm, Some(outline))
        }
        Format::Plain | Format::Lowercase => {
            let mut b = ViewBuilder::new(source);
            b.copy(bom, source.len());
            (b.finish(), None, None)
        }
    };
    for s in furniture::find(v.text()) {
        v.blank(s);
    }
    let meta = metadata::read(&v, fm.as_ref(), outline.as_ref(), format);
    (v, meta)
}

/// Builds the view of a source text in the given format.
pub fn view(source: &str, format: Format) -> TextView {
    view_and_metadata(source, format).0
}

/// Reads the metadata of a source text.
pub fn metadata(source: &str, format: Format) -> Metadata {
    view_and_metadata(source, format).1
}

#[cfg(test)]
mod tests;
