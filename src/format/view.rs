//! The offset-preserving text view: what the extractors read, with a map back to source bytes.

use crate::model::Span;

/// A stretch of view bytes copied from consecutive source bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// First view byte.
    view: usize,
    /// Source byte of the first view byte.
    src: usize,
    /// Bytes in the run.
    len: usize,
}

/// The text extractors read, with a map from its bytes back to the source's.
///
/// Every view byte maps to one source byte, in increasing order. A view byte equals its source
/// byte except where stripped markup had to leave a space (`a<br>b` reads `a b`, the space
/// mapping to the `<`) and where page furniture is blanked with spaces.
#[derive(Debug, Clone, PartialEq)]
pub struct TextView {
    text: String,
    runs: Vec<Run>,
    source_len: usize,
}

impl TextView {
    /// A view identical to the source.
    pub fn identity(source: &str) -> Self {
        TextView {
            text: source.to_string(),
            runs: vec![Run {
                view: 0,
                src: 0,
                len: source.len(),
            }],
            source_len: source.len(),
        }
    }
    /// The text the extractors read.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// Length of the source the view was made from.
    pub fn source_len(&self) -> usize {
        self.source_len
    }
    /// Source offset of a view offset (the view's end maps to the source's end).
    pub fn to_source(&self, view_offset: usize) -> usize {
        if view_offset >= self.text.len() {
            return self.source_len;
        }
        let i = self
            .runs
            .partition_point(|r| r.view <= view_offset)
            .saturating_sub(1);
        match self.runs.get(i) {
            Some(r) => r.src + (view_offset - r.view),
            None => self.source_len,
        }
    }
    /// Source span of a view span: from the source byte of its first view byte to one past the
    /// source bytes of its last view character.
    pub fn span_to_source(&self, span: Span) -> Span {
        let (start, end) = (
            span.start().min(span.end()),
            span.end().min(self.text.len()),
        );
        if start >= end {
            let s = self.to_source(start);
            return Span::new(s, s);
        }
        let a = self.to_source(start);
        let width = self.text[..end]
            .chars()
            .next_back()
            .map_or(1, |c| c.len_utf8());
        let last = self.to_source(end - width);
        Span::new(a, (last + width).max(a))
    }
    /// View offset of a source offset: the first view byte at or after it (the view's end if none).
    pub fn to_view(&self, source_offset: usize) -> usize {
        let i = self.runs.partition_point(|r| r.src <= source_offset);
        if i == 0 {
            return 0;
        }
        let r = self.runs[i - 1];
        if source_offset < r.src + r.len {
            r.view + (source_offset - r.src)
        } else {
            r.view + r.len
        }
    }
    /// View span of a source span: the view bytes whose source bytes lie inside it.
    pub fn span_to_view(&self, span: Span) -> Span {
        let a = self.to_view(span.start());
        Span::new(a, self.to_view(span.end()).max(a))
    }
    /// Replaces the view bytes of `span` with spaces (page furniture); the map is unchanged.
    /// `span` must lie on char boundaries of the view.
    pub(crate) fn blank(&mut self, span: Span) {
        let (a, b) = (
            span.start().min(self.text.len()),
            span.end().min(self.text.len()),
        );
        if a >= b || !self.text.is_char_boundary(a) || !self.text.is_char_boundary(b) {
            return;
        }
        let spaces = " ".repeat(b - a);
        self.text.replace_range(a..b, &spaces);
    }
}

/// Builds a view piece by piece, in increasing source order.
#[derive(Debug)]
pub(crate) struct ViewBuilder<'a> {
    source: &'a str,
    text: String,
    runs: Vec<Run>,
}

impl<'a> ViewBuilder<'a> {
    /// An empty view of `source`.
    pub(crate) fn new(source: &'a str) -> Self {
        ViewBuilder {
            source,
            text: String::with_capacity(source.len()),
            runs: Vec::new(),
        }
    }
    /// The view text so far.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }
    /// Copies `source[start..end]` into the view (ignored if out of order or off char boundaries).
    pub(crate) fn copy(&mut self, start: usize, end: usize) {
        if start >= end || end > self.source.len() || !self.source.is_char_boundary(start) {
            return;
        }
        if !self.source.is_char_boundary(end) {
            return;
        }
        if let Some(r) = self.runs.last() {
            if start < r.src + r.len {
                return;
            }
        }
        let view = self.text.len();
        self.text.push_str(&self.source[start..end]);
        match self.runs.last_mut() {
            Some(r) if r.src + r.len == start && r.view + r.len == view => r.len += end - start,
            _ => self.runs.push(Run {
                view,
                src: start,
                len: end - start,
            }),
        }
    }
    /// Puts the ASCII byte `b` into the view, standing for the source byte at `src` (which must
    /// be an ASCII byte too, so spans stay on char boundaries).
    pub(crate) fn substitute(&mut self, b: u8, src: usize) {
        if !b.is_ascii() || !self.source.as_bytes().get(src).is_some_and(u8::is_ascii) {
            return;
        }
        if let Some(r) = self.runs.last() {
            if src < r.src + r.len {
                return;
            }
        }
        let view = self.text.len();
        self.text.push(b as char);
        self.runs.push(Run { view, src, len: 1 });
    }
    /// The finished view.
    pub(crate) fn finish(self) -> TextView {
        TextView {
            text: self.text,
            runs: self.runs,
            source_len: self.source.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_maps_every_byte() {
        let v = TextView::identity("a😀b");
        assert_eq!(v.to_source(1), 1);
        assert_eq!(v.span_to_source(Span::new(1, 5)), Span::new(1, 5));
        assert_eq!(v.to_view(5), 5);
        assert_eq!(v.to_source(99), 6);
    }

    #[test]
    fn built_view_maps_through_gaps() {
        let src = "**Bold** and \\$5";
        let mut b = ViewBuilder::new(src);
        b.copy(2, 6);
        b.copy(8, 13);
        b.copy(14, 16);
        let v = b.finish();
        assert_eq!(v.text(), "Bold and $5");
        let s = v.span_to_source(Span::new(0, 4));
        assert_eq!(s.slice(src), "Bold");
        let s = v.span_to_source(Span::new(9, 11));
        assert_eq!(s.slice(src), "$5");
        assert_eq!(v.span_to_view(Span::new(0, 8)), Span::new(0, 4));
        assert_eq!(v.to_view(7), 4);
    }

    #[test]
    fn empty_view() {
        let v = ViewBuilder::new("---").finish();
        assert_eq!(v.text(), "");
        assert_eq!(v.to_source(0), 3);
        assert_eq!(v.span_to_source(Span::new(0, 0)), Span::new(3, 3));
        assert_eq!(v.to_view(1), 0);
    }
}
