//! Markdown to view text: markup stripped through an offset map (pulldown-cmark's source ranges).
//!
//! The view keeps the text of every text and code node and drops the markup between them. A
//! dropped stretch leaves behind what keeps words apart: up to two of its newlines (so
//! paragraphs stay paragraphs), else one of its blanks, else, when two word characters would
//! touch (`a<br>b`), one space standing for its first markup byte.

use super::view::{TextView, ViewBuilder};
use crate::model::Span;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// A heading: level (1-6) and source span of its text.
pub type Heading = (u8, Span);

/// What the Markdown pass learns besides the view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    /// Headings in order.
    pub headings: Vec<Heading>,
    /// Source offset where the first block that is not a heading (or HTML) starts.
    pub first_text_block: Option<usize>,
    /// Link and image destinations as written, with their source spans (the whole link's span
    /// when the destination is not written inside it, as with reference links).
    pub links: Vec<(String, Span)>,
}

/// Source span of `dest` inside the link written at `a..b` (after its `](` when there is one).
fn dest_span(source: &str, a: usize, b: usize, dest: &str) -> Span {
    let slice = &source[a..b];
    let from = slice.rfind("](").map_or(0, |i| i + 2);
    match slice[from..].find(dest) {
        Some(i) if !dest.is_empty() => Span::new(a + from + i, a + from + i + dest.len()),
        _ => Span::new(a, b),
    }
}

/// Source ranges of the text nodes of the Markdown in `source[body..]`, and its outline.
/// A kept piece: source range, and whether a block (paragraph, heading, ...) ended before it.
type Piece = (usize, usize, bool);

fn text_ranges(source: &str, body: usize) -> (Vec<Piece>, Outline) {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let md = &source[body..];
    let mut kept: Vec<Piece> = Vec::new();
    let mut block_ended = false;
    let mut outline = Outline::default();
    let mut depth = 0usize;
    let mut heading: Option<(u8, Option<(usize, usize)>)> = None;
    for (ev, r) in Parser::new_ext(md, opts).into_offset_iter() {
        let (a, b) = (body + r.start, body + r.end);
        let piece = match ev {
            Event::Start(tag) => {
                if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &tag {
                    outline
                        .links
                        .push((dest_url.to_string(), dest_span(source, a, b, dest_url)));
                }
                if depth == 0 {
                    match tag {
                        Tag::Heading { level, .. } => heading = Some((level as u8, None)),
                        Tag::HtmlBlock | Tag::MetadataBlock(_) => {}
                        _ => {
                            outline.first_text_block.get_or_insert(a);
                        }
                    }
                }
                depth += 1;
                None
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                block_ended |= matches!(
                    tag,
                    TagEnd::Paragraph
                        | TagEnd::Heading(_)
                        | TagEnd::CodeBlock
                        | TagEnd::BlockQuote(_)
                        | TagEnd::Table
                        | TagEnd::List(_)
                        | TagEnd::HtmlBlock
                );
                if let (TagEnd::Heading(_), Some((level, Some((s, e))))) = (tag, heading) {
                    outline.headings.push((level, Span::new(s, e)));
                }
                if matches!(tag, TagEnd::Heading(_)) {
                    heading = None;
                }
                None
            }
            Event::Text(t) | Event::Code(t) => {
                let slice = &source[a..b];
                // Escapes and code spans: the node's text is a part of its source range.
                // Entities (`&amp;`) are not: then the source is kept as written.
                match slice.find(&*t) {
                    Some(i) if !t.is_empty() => Some((a + i, a + i + t.len())),
                    _ => Some((a, b)),
                }
            }
            _ => None,
        };
        if let Some((s, e)) = piece {
            if kept.last().is_some_and(|&(_, pe, _)| s < pe) || s >= e {
                continue;
            }
            kept.push((s, e, block_ended));
            block_ended = false;
            if let Some((_, span)) = &mut heading {
                let first = span.map_or(s, |(fs, _)| fs);
                *span = Some((first, e));
            }
        }
    }
    (kept, outline)
}

/// Emits what a dropped stretch `source[a..b]` leaves behind between two kept pieces.
/// A block boundary keeps up to two newlines (a paragraph break), a line break inside one keeps one.
fn bridge(
    v: &mut ViewBuilder,
    source: &str,
    (a, b): (usize, usize),
    block: bool,
    next: Option<char>,
) {
    let gap = &source[a..b];
    let keep = if block { 2 } else { 1 };
    let newlines: Vec<usize> = gap
        .match_indices('\n')
        .map(|(i, _)| a + i)
        .take(keep)
        .collect();
    if let [n] = newlines[..] {
        if block {
            // A block ended on one line break (`## Title\nBody`, `text\n- item`): a second
            // newline stands for a markup byte of the gap, so paragraphs stay apart.
            let mark = |c: &u8| c.is_ascii() && !c.is_ascii_whitespace();
            let after = source.as_bytes()[n + 1..b]
                .iter()
                .position(mark)
                .map(|j| n + 1 + j);
            let before = source.as_bytes()[a..n].iter().position(mark).map(|j| a + j);
            match (after, before) {
                (Some(j), _) => {
                    v.copy(n, n + 1);
                    v.substitute(b'\n', j);
                }
                (None, Some(j)) => {
                    v.substitute(b'\n', j);
                    v.copy(n, n + 1);
                }
                (None, None) => v.copy(n, n + 1),
            }
            return;
        }
    }
    if !newlines.is_empty() {
        for n in newlines {
            v.copy(n, n + 1);
        }
        return;
    }
    let prev = v.text().chars().next_back();
    if none_or_ws(prev) || none_or_ws(next) {
        return;
    }
    if let Some(i) = gap.find([' ', '\t']) {
        v.copy(a + i, a + i + 1);
    } else if prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric) {
        if let Some(i) = gap.bytes().position(|c| c.is_ascii()) {
            v.substitute(b' ', a + i);
        }
    }
}

/// True for `None` or whitespace: no separator is needed next to it.
fn none_or_ws(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

/// The view of Markdown whose body starts at `body` (after any front matter), and its outline.
pub fn view(source: &str, body: usize) -> (TextView, Outline) {
    let (kept, outline) = text_ranges(source, body);
    let mut v = ViewBuilder::new(source);
    let mut prev_end = None;
    for &(s, e, block) in &kept {
        if let Some(p) = prev_end {
            bridge(&mut v, source, (p, s), block, source[s..e].chars().next());
        }
        v.copy(s, e);
        prev_end = Some(e);
    }
    (v.finish(), outline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(src: &str) -> String {
        view(src, 0).0.text().to_string()
    }

    #[test]
    fn strips_markup() {
        assert_eq!(
            v("## The Talks\n\nOn \\$50 billion, **Sterral** role [the bureau](http://b.gov) said.\n"),
            "The Talks\n\nOn $50 billion, Sterral role the bureau said."
        );
        assert_eq!(v("a<br>b and `x` &amp; y"), "a b and x & y");
        assert_eq!(v("> one\n> two\n\n- a\n- b\n"), "one\ntwo\n\na\nb");
        assert_eq!(v("| a | b |\n|---|---|\n| c | d |\n"), "a b\nc d");
        assert_eq!(v("Title\n===\n\nText"), "Title\n\nText");
        assert_eq!(
            v("Para one.\n- item\n## Head\nText"),
            "Para one.\n\nitem\n\nHead\nText"
        );
    }

    #[test]
    fn outline() {
        let src = "## Paper\n\n## Headline here\n\nBody.\n\n### Part\n";
        let (_, o) = view(src, 0);
        let hs: Vec<_> = o.headings.iter().map(|(l, s)| (*l, s.slice(src))).collect();
        assert_eq!(hs, [(2, "Paper"), (2, "Headline here"), (3, "Part")]);
        assert_eq!(o.first_text_block, src.find("Body"));
    }

    #[test]
    fn links() {
        let src = "See [a](../a.md), ![p](img.png \"t\") and [r][ref].\n\n[ref]: b.txt\n";
        let (_, o) = view(src, 0);
        let ls: Vec<_> = o
            .links
            .iter()
            .map(|(d, s)| (d.as_str(), s.slice(src)))
            .collect();
        assert_eq!(
            ls,
            [
                ("../a.md", "../a.md"),
                ("img.png", "img.png"),
                ("b.txt", "[r][ref]")
            ]
        );
    }
}
