//! Front matter: a YAML-ish `---` block at the top of a Markdown file, hand-parsed.
//!
//! Only the small subset notes use: `key: value` lines, quoted or bare scalars, flow lists
//! (`sources: [a.md, "b.txt"]`) and block lists (`- item` lines under a key). Anything else is
//! skipped; nothing here panics.

use super::date;
use super::DocKind;
use crate::model::{Date, Span};

/// What the front matter says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// The whole block, delimiters included (after a BOM, if any).
    pub span: Span,
    /// `kind: note` / `kind: article`.
    pub kind: Option<DocKind>,
    /// `sources` (or `source`), each with its source span.
    pub sources: Vec<(String, Span)>,
    /// `title`, with the span of its value.
    pub title: Option<(String, Span)>,
    /// `date`, with the span of its value.
    pub date: Option<(Date, Span)>,
}

/// Lines of `text` from `from`: (start, end without terminator, next line start).
fn lines_from(text: &str, from: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut at = from;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let rest = &text[at..];
        let (content, next) = match rest.find('\n') {
            Some(i) => (i, at + i + 1),
            None => (rest.len(), text.len()),
        };
        let content = rest[..content].strip_suffix('\r').map_or(content, str::len);
        let item = (at, at + content, next);
        at = next;
        Some(item)
    })
}

/// Finds the front matter block: `---` on the first line (after a BOM) and a closing `---` or
/// `...` line. Returns the block's span and the span of the lines between the delimiters.
pub fn find(source: &str) -> Option<(Span, Span)> {
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = lines_from(source, start);
    let (a, b, body) = lines.next()?;
    if source[a..b].trim_end() != "---" {
        return None;
    }
    for (s, e, next) in lines {
        let l = source[s..e].trim_end();
        if l == "---" || l == "..." {
            return Some((Span::new(start, next), Span::new(body, s)));
        }
    }
    None
}

/// Strips matching quotes and surrounding blanks from a scalar; returns its offset inside `raw`.
fn scalar(raw: &str) -> (usize, &str) {
    let lead = raw.len() - raw.trim_start().len();
    let v = raw.trim();
    // A ` #` starts a comment in YAML, unless inside quotes.
    let v = if v.starts_with(['"', '\'']) {
        v
    } else {
        v.find(" #").map_or(v, |i| v[..i].trim_end())
    };
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return (lead + 1, &v[1..v.len() - 1]);
        }
    }
    (lead, v)
}

/// Items of a flow list `[a, "b, c", d]` with their offsets inside `inner` (brackets removed).
fn flow_items(inner: &str) -> Vec<(usize, &str)> {
    let mut cuts = Vec::new();
    let mut quote: Option<char> = None;
    for (i, c) in inner.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, ',') => cuts.push(i),
            _ => {}
        }
    }
    cuts.push(inner.len());
    let mut out = Vec::new();
    let mut start = 0;
    for end in cuts {
        let (off, v) = scalar(&inner[start..end]);
        if !v.is_empty() {
            out.push((start + off, v));
        }
        start = end + 1;
    }
    out
}

/// Parses the front matter of `source`, if it has one.
pub fn parse(source: &str) -> Option<FrontMatter> {
    let (span, body) = find(source)?;
    let mut fm = FrontMatter {
        span,
        ..FrontMatter::default()
    };
    // The key whose block list (`- item` lines) we are reading, if any.
    let mut list_key: Option<String> = None;
    for (s, e, _) in lines_from(&source[..body.end()], body.start()) {
        let line = &source[s..e];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(item) = trimmed.strip_prefix("- ").or(trimmed.strip_prefix("-\t")) {
            if list_key
                .as_deref()
                .is_some_and(|k| k == "sources" || k == "source")
            {
                let base = s + (line.len() - item.len());
                let (off, v) = scalar(item);
                if !v.is_empty() {
                    let at = base + off;
                    fm.sources
                        .push((v.to_string(), Span::new(at, at + v.len())));
                }
            }
            continue;
        }
        list_key = None;
        let Some(colon) = line.find(':') else {
            continue;
        };
        let key = line[..colon].trim().to_ascii_lowercase();
        let raw = &line[colon + 1..];
        let base = s + colon + 1;
        let (off, value) = scalar(raw);
        let vspan = Span::new(base + off, base + off + value.len());
        match key.as_str() {
            "kind" | "type" => {
                fm.kind = match value.to_ascii_lowercase().as_str() {
                    "note" | "notes" => Some(DocKind::Note),
                    "article" | "source" => Some(DocKind::Article),
                    _ => fm.kind,
                }
            }
            "title" | "headline" if !value.is_empty() => {
                fm.title = Some((value.to_string(), vspan));
            }
            "date" => {
                // Dates may carry a time (`2018-06-03T10:00:00Z`); the day is what counts.
                if let Some((d, len)) = date::parse_prefix(value) {
                    fm.date = Some((d, Span::new(vspan.start(), vspan.start() + len)));
                }
            }
            "sources" | "source" => {
                if value.is_empty() {
                    list_key = Some(key);
                } else if let Some(inner) = value.strip_prefix('[') {
                    let inner = inner.strip_suffix(']').unwrap_or(inner);
                    for (o, item) in flow_items(inner) {
                        let at = vspan.start() + 1 + o;
                        fm.sources
                            .push((item.to_string(), Span::new(at, at + item.len())));
                    }
                } else {
                    fm.sources.push((value.to_string(), vspan));
                }
            }
            _ => {}
        }
    }
    Some(fm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_block() {
        let src = "---\nkind: note\ntitle: \"Trade, again\"\ndate: 2018-06-03\nsources: [a.md, 'b c.txt']\n---\nBody";
        let fm = parse(src).unwrap();
        assert_eq!(fm.kind, Some(DocKind::Note));
        let (t, ts) = fm.title.unwrap();
        assert_eq!(
            (t.as_str(), ts.slice(src)),
            ("Trade, again", "Trade, again")
        );
        assert_eq!(fm.date.unwrap().0, Date::from_ymd_opt(2018, 6, 3).unwrap());
        let names: Vec<_> = fm
            .sources
            .iter()
            .map(|(n, s)| (n.as_str(), s.slice(src)))
            .collect();
        assert_eq!(names, [("a.md", "a.md"), ("b c.txt", "b c.txt")]);
        assert_eq!(&src[fm.span.end()..], "Body");
    }

    #[test]
    fn block_list_and_crlf() {
        let src =
            "\u{feff}---\r\nsources:\r\n  - one.md\r\n  - \"two.txt\"\r\nkind: Note\r\n...\r\nx";
        let fm = parse(src).unwrap();
        assert_eq!(fm.span.start(), 3);
        let names: Vec<_> = fm
            .sources
            .iter()
            .map(|(n, s)| (n.as_str(), s.slice(src)))
            .collect();
        assert_eq!(names, [("one.md", "one.md"), ("two.txt", "two.txt")]);
        assert_eq!(fm.kind, Some(DocKind::Note));
        assert_eq!(&src[fm.span.end()..], "x");
    }

    #[test]
    fn broken_blocks_never_panic() {
        for src in [
            "---",
            "---\n",
            "---\ntitle: x",
            "--- \nsources: [\n---\n",
            "---\n: :\n- \n-\nsources: [,,]\ndate: 2018-13-45\n---",
            "---\nsources: [\"unterminated]\n---\n",
            "---\ntitle: 'é\n---\n",
        ] {
            let _ = parse(src);
        }
        assert!(parse("---\ntitle: x").is_none());
        assert!(parse("text\n---\n").is_none());
    }
}
