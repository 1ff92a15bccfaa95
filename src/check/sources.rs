//! A note's sources: front matter `sources: [...]` and Markdown links to article files.
//!
//! Paths resolve from the note's folder as Markdown links do, then from the root. Resolution is
//! lexical against the scanned corpus: a path that leaves the root or names no corpus file is a
//! `source-missing` finding, never a read.

use super::{codes, Finding};
use crate::corpus::scan::is_corpus_file;
use crate::corpus::{Corpus, SourceFile};
use crate::model::Span;
use regex::Regex;
use std::path::Path;
use std::sync::OnceLock;

/// The sources a note names, resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoteSources {
    /// Root-relative paths of the sources found (empty: check against every article).
    pub files: Vec<String>,
    /// Findings for sources that could not be resolved.
    pub problems: Vec<Finding>,
}

/// A source reference as written, with where it is.
#[derive(Debug, Clone, PartialEq)]
struct Reference {
    path: String,
    span: Span,
}

fn link_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"\[[^\]\n]*\]\(\s*<?([^)<>\s]+)>?(?:\s+"[^"\n]*")?\s*\)"#)
            .expect("valid regex")
    })
}

/// The front matter block (`---` ... `---`) at the start of a text, as a byte range of its body.
fn front_matter(text: &str) -> Option<Span> {
    let body_start = if text.starts_with("---\n") {
        4
    } else if text.starts_with("---\r\n") {
        5
    } else {
        return None;
    };
    let mut off = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            return Some(Span::new(body_start, off));
        }
        off += line.len();
    }
    None
}

/// `sources` entries of the front matter, as written, with their spans (the YAML flow form
/// `sources: [a, b]` and the block form with `- a` lines).
fn front_matter_sources(text: &str) -> Vec<Reference> {
    let Some(fm) = front_matter(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut in_block = false;
    let mut off = fm.start();
    for line in text[fm.start()..fm.end()].split_inclusive('\n') {
        let here = off;
        off += line.len();
        let content = line.trim_end();
        if let Some(rest) = content.strip_prefix("sources:") {
            let rest_off = here + "sources:".len();
            let r = rest.trim();
            if r.is_empty() {
                in_block = true;
                continue;
            }
            in_block = false;
            let inner_start = rest_off + rest.find(r).unwrap_or(0);
            let (inner, base) = match r.strip_prefix('[') {
                Some(x) => (x.strip_suffix(']').unwrap_or(x), inner_start + 1),
                None => (r, inner_start),
            };
            let mut pos = base;
            for item in inner.split(',') {
                push_item(&mut out, item, pos);
                pos += item.len() + 1;
            }
            continue;
        }
        if in_block {
            let t = content.trim_start();
            if let Some(item) = t.strip_prefix("- ") {
                let start = here + (content.len() - t.len()) + 2;
                push_item(&mut out, item, start);
                continue;
            }
            if !t.is_empty() {
                in_block = false;
            }
        }
    }
    out
}

/// Adds one list item (trimmed, unquoted) found at byte `start`.
fn push_item(out: &mut Vec<Reference>, item: &str, start: usize) {
    let lead = item.len() - item.trim_start().len();
    let t = item.trim();
    let unq = t.trim_matches(|c| c == '"' || c == '\'');
    if unq.is_empty() {
        return;
    }
    let s = start + lead + t.find(unq).unwrap_or(0);
    out.push(Reference {
        path: unq.to_string(),
        span: Span::new(s, s + unq.len()),
    });
}

/// Markdown links whose target is a corpus file (not a URL, not an anchor).
fn link_sources(text: &str) -> Vec<Reference> {
    link_re()
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(1)?;
            let target = m.as_str();
            if target.contains("://") || target.starts_with("mailto:") || target.starts_with('#') {
                return None;
            }
            let path = target.split('#').next().unwrap_or(target);
            is_corpus_file(Path::new(path)).then(|| Reference {
                path: path.replace("%20", " "),
                span: Span::new(m.start(), m.start() + path.len()),
            })
        })
        .collect()
}

/// Joins `path` onto the folder `base` lexically; `None` when it climbs above the root.
fn join_lexical(base: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in path.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Resolves the sources a note names.
pub fn of_note(corpus: &Corpus, note: &SourceFile) -> NoteSources {
    let mut refs = note
        .analysis
        .meta
        .sources
        .iter()
        .map(|p| Reference {
            path: p.clone(),
            span: Span::default(),
        })
        .collect::<Vec<_>>();
    // Spans for front matter entries come from our own reading of the block.
    let located = front_matter_sources(&note.text());
    if refs.is_empty() {
        refs = located.clone();
    } else {
        for r in &mut refs {
            if let Some(l) = located.iter().find(|l| l.path == r.path) {
                r.span = l.span;
            }
        }
    }
    refs.extend(link_sources(&note.text()));
    let folder = note.rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = NoteSources::default();
    for r in refs {
        let from_note = join_lexical(folder, &r.path);
        let from_root = join_lexical("", &r.path);
        let found = [&from_note, &from_root]
            .into_iter()
            .flatten()
            .find(|rel| corpus.file(rel).is_some());
        match found {
            Some(rel) if rel != &note.rel => {
                if !out.files.contains(rel) {
                    out.files.push(rel.clone());
                }
            }
            Some(_) => {}
            None => {
                let why = if from_note.is_none() && from_root.is_none() {
                    "leaves the corpus root"
                } else {
                    "names no file of the corpus"
                };
                out.problems.push(
                    Finding::new(
                        &note.rel,
                        r.span,
                        codes::SOURCE_MISSING,
                        format!("source `{}` {why}; it was not read", r.path),
                    )
                    .with_related(&note.rel, r.span, "the source as written"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_flow_and_block_lists() {
        let t = "---\nkind: note\nsources: [a.md, \"../b.txt\"]\n---\nbody";
        let r = front_matter_sources(t);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].span.slice(t), "a.md");
        assert_eq!(r[1].span.slice(t), "../b.txt");
        let t = "---\nsources:\n  - one.md\n  - 'two.md'\ntitle: x\n---\n";
        let r = front_matter_sources(t);
        assert_eq!(
            r.iter().map(|x| x.span.slice(t)).collect::<Vec<_>>(),
            ["one.md", "two.md"]
        );
    }

    #[test]
    fn links_to_corpus_files_only() {
        let t =
            "See [the story](../articles/zte.md#top), [site](https://x.org/a.md), ![img](p.png).";
        let r = link_sources(t);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].path, "../articles/zte.md");
        assert_eq!(r[0].span.slice(t), "../articles/zte.md");
    }

    #[test]
    fn lexical_joins_refuse_to_leave_the_root() {
        assert_eq!(
            join_lexical("notes", "../a/b.md").as_deref(),
            Some("a/b.md")
        );
        assert_eq!(join_lexical("notes", "../../etc/passwd.txt"), None);
        assert_eq!(join_lexical("notes", "/a.md").as_deref(), Some("a.md"));
    }
}
