//! Headline, byline and dateline, read from the top of the view text (furniture already blanked).

use super::date;
use super::frontmatter::FrontMatter;
use super::markdown::Outline;
use super::view::TextView;
use super::{Format, Metadata};
use crate::model::{Date, Span};
use regex::Regex;
use std::sync::LazyLock;

/// How many non-empty lines at the top may hold the headline, byline and dateline.
const HEAD_LINES: usize = 12;
/// How many view bytes at the top may hold them.
const HEAD_BYTES: usize = 4000;
/// A headline longer than this (in words) is a paragraph, not a headline.
const HEADLINE_MAX_WORDS: usize = 20;

/// A cased name in a byline: capitalised words with particles (`Ann de la Cruz`, `J. R. Lee`).
const NAME: &str = r"\p{Lu}[\p{L}\p{M}'’.\-]*(?:[ \t]+(?:\p{Lu}[\p{L}\p{M}'’.\-]*|de|da|del|della|van|von|der|den|bin|binti|al|la|le|du|dos|ibn))*";

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:By|BY|by)[ \t]+({NAME}(?:(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+|[ \t]*&[ \t]*){NAME})*)"
    ))
    .expect("valid regex")
});
/// A lowercase byline: `by` and one or more two- or three-word names joined by `and`.
static BYLINE_LOWER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:by|By|BY)[ \t]+([a-z][a-z'\-]+(?:[ \t]+[a-z])?[ \t]+[a-z][a-z'\-]+(?:[ \t]+and[ \t]+[a-z][a-z'\-]+(?:[ \t]+[a-z])?[ \t]+[a-z][a-z'\-]+)*)")
        .expect("valid regex")
});
/// What may precede a dateline's date: `Published`, `Updated`, a weekday.
static DATE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:published|updated|posted)(?:[ \t]+on)?[ \t]*:?[ \t]*)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?[ \t]+)?")
        .expect("valid regex")
});
/// A place in capitals before the date: `BEIJING, June 3, 2018`.
static PLACE_FIRST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\p{Lu}[\p{Lu}.'\- ]{1,40},[ \t]+").expect("valid regex"));

/// Words that follow `by` in running text and never start a name.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "then",
    "now",
    "its",
    "his",
    "her",
    "their",
    "our",
    "far",
    "some",
    "all",
    "late",
    "early",
    "mid",
    "end",
    "last",
    "next",
    "which",
    "what",
    "using",
    "means",
    "way",
    "contrast",
    "comparison",
    "most",
    "many",
    "one",
    "two",
    "more",
    "less",
    "about",
    "nearly",
    "up",
    "over",
    "around",
    "almost",
    "roughly",
    "just",
    "only",
];

/// A non-empty line of the view: its view span (trimmed) and text.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    span: Span,
    text: &'a str,
}

/// The first non-empty lines at the top of the view.
fn head_lines(view: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    for raw in view.split_inclusive('\n') {
        let start = at;
        at += raw.len();
        let lead = raw.len() - raw.trim_start().len();
        let text = raw.trim();
        if text.is_empty() {
            continue;
        }
        if start >= HEAD_BYTES || out.len() >= HEAD_LINES {
            break;
        }
        out.push(Line {
            span: Span::new(start + lead, start + lead + text.len()),
            text,
        });
    }
    out
}

/// Collapses runs of whitespace (left by stripped markup or blanked furniture) to one space.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The byline names at the start of `line`, as a view span, if the line is a byline.
fn byline_in(line: &Line, format: Format, first: bool) -> Option<Span> {
    let t = line.text;
    if format != Format::Lowercase {
        if let Some(c) = BYLINE.captures(t) {
            let m = c.get(1)?;
            let rest_words = t[m.end()..].split_whitespace().count();
            let name_words = m.as_str().split_whitespace().count();
            // `By Sunday, the talks had ended` is a sentence; a byline stands (nearly) alone.
            if rest_words <= 6 && (name_words >= 2 || rest_words == 0) {
                return Some(Span::new(
                    line.span.start() + m.start(),
                    line.span.start() + m.end(),
                ));
            }
        }
    }
    let dump_start = format == Format::Lowercase && first;
    let short = t.split_whitespace().count() <= 8;
    if dump_start || short {
        let c = BYLINE_LOWER.captures(t)?;
        let m = c.get(1)?;
        let first_word = m.as_str().split_whitespace().next()?;
        if NOT_NAMES.contains(&first_word) {
            return None;
        }
        // On a short line of its own the whole rest must be the names.
        if !dump_start && !t[m.end()..].trim().is_empty() {
            return None;
        }
        return Some(Span::new(
            line.span.start() + m.start(),
            line.span.start() + m.end(),
        ));
    }
    None
}

/// A dateline date in `line`: the date and its view span.
fn dateline_in(line: &Line) -> Option<(Date, Span)> {
    let t = line.text;
    let mut at = PLACE_FIRST.find(t).map_or(0, |m| m.end());
    at += DATE_PREFIX.find(&t[at..]).map_or(0, |m| m.end());
    let (d, len) = date::parse_prefix(&t[at..])?;
    let rest = t[at + len..].trim_start();
    let first = rest.split_whitespace().next().unwrap_or("");
    let ok = rest.is_empty()
        || rest.starts_with(['—', '–', '-', ':', '.', ',', '(', '|', '/'])
        || rest.split_whitespace().count() <= 3
        || (first.chars().any(char::is_alphabetic) && !first.chars().any(char::is_lowercase));
    let s = line.span.start() + at;
    ok.then(|| (d, Span::new(s, s + len)))
}

/// A full date among the first words of a lowercase dump's first line.
fn dump_date(line: &Line) -> Option<(Date, Span)> {
    let t = line.text;
    let starts = std::iter::once(0).chain(t.match_indices(' ').map(|(i, _)| i + 1));
    for at in starts.take(40) {
        if let Some((d, len)) = date::parse_prefix(&t[at..]) {
            let s = line.span.start() + at;
            return Some((d, Span::new(s, s + len)));
        }
    }
    None
}

/// A short first line that reads as a headline: a paragraph of its own (a hard-wrapped first
/// line of running text is not one), short, without closing punctuation.
fn headline_line(view: &str, line: &Line, format: Format) -> bool {
    let t = line.text;
    let after = &view[line.span.end()..];
    let own_paragraph = match after.find('\n') {
        None => true,
        Some(i) => {
            let next = &after[i + 1..];
            next.find('\n')
                .map_or(next, |j| &next[..j])
                .trim()
                .is_empty()
        }
    };
    let words = t.split_whitespace().count();
    own_paragraph
        && words > 0
        && words <= HEADLINE_MAX_WORDS
        && t.len() <= 200
        && (!t.ends_with(['.', ',', ';', ':']) || t.ends_with("..."))
        && byline_in(line, format, false).is_none()
        && dateline_in(line).is_none()
}

/// Picks the headline among the headings before the first paragraph: the highest level, and
/// among equals the longest (a publication's name is shorter than its headline).
fn headline_heading(view: &TextView, outline: &Outline) -> Option<Span> {
    let leading: Vec<_> = outline
        .headings
        .iter()
        .filter(|(_, s)| outline.first_text_block.is_none_or(|b| s.start() < b))
        .collect();
    let top = leading.iter().map(|(l, _)| *l).min()?;
    leading
        .iter()
        .filter(|(l, _)| *l == top)
        .max_by_key(|(_, s)| {
            // Ties on length keep the first heading.
            let vs = view.span_to_view(*s);
            let words = view.text()[vs.start()..vs.end()].split_whitespace().count();
            (words, std::cmp::Reverse(s.start()))
        })
        .map(|(_, s)| *s)
}

/// Reads the metadata from the built view, the front matter and the Markdown outline.
pub(crate) fn read(
    view: &TextView,
    fm: Option<&FrontMatter>,
    outline: Option<&Outline>,
    format: Format,
) -> Metadata {
    let text = view.text();
    let mut meta = Metadata::default();
    if let Some(fm) = fm {
        meta.kind = fm.kind;
        meta.sources = fm.sources.iter().map(|(s, _)| s.clone()).collect();
        meta.source_spans = fm.sources.iter().map(|(_, s)| *s).collect();
        meta.front_matter = Some(fm.span);
        if let Some((t, s)) = &fm.title {
            meta.headline = Some(squash(t));
            meta.headline_span = Some(*s);
        }
        if let Some((d, s)) = fm.date {
            meta.date = Some(d);
            meta.date_span = Some(s);
        }
    }
    if let Some(o) = outline {
        meta.headings = o.headings.clone();
        meta.links = o.links.clone();
    }
    let lines = head_lines(text);
    let mut used = None;
    if meta.headline.is_none() {
        let from_heading = outline.and_then(|o| headline_heading(view, o));
        let span = match from_heading {
            Some(s) => Some(view.span_to_view(s)),
            None => lines
                .first()
                .filter(|l| headline_line(text, l, format))
                .map(|l| {
                    used = Some(l.span.start());
                    l.span
                }),
        };
        if let Some(vs) = span {
            let h = squash(&text[vs.start()..vs.end()]);
            if !h.is_empty() {
                meta.headline = Some(h);
                meta.headline_span = Some(view.span_to_source(vs));
            }
        }
    }
    for (i, line) in lines.iter().enumerate() {
        if Some(line.span.start()) == used {
            continue;
        }
        if let Some(vs) = byline_in(line, format, i == 0) {
            meta.byline = Some(squash(&text[vs.start()..vs.end()]));
            meta.byline_span = Some(view.span_to_source(vs));
            break;
        }
    }
    if meta.date.is_none() {
        let found = if format == Format::Lowercase {
            lines.first().and_then(dump_date)
        } else {
            None
        }
        .or_else(|| lines.iter().find_map(dateline_in));
        if let Some((d, vs)) = found {
            meta.date = Some(d);
            meta.date_span = Some(view.span_to_source(vs));
        }
    }
    meta
}
