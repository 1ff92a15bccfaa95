//! Entity and figure spans in the formats annotation and NLP tools import: brat standoff,
//! CoNLL-2003 BIO, spaCy/Prodigy JSONL, Label Studio pre-annotations, and W3C Web Annotation
//! for checked figures. Each format is a pure function over the core's own types, one file each.
//!
//! Offsets: the core speaks bytes; every format here counts characters (Unicode scalar values,
//! as Python's `str` does), which is what brat, spaCy, Prodigy and the Web Annotation model mean.

pub mod brat;
pub mod conll;
pub mod label_studio;
pub mod spacy_jsonl;
pub mod web_annotation;

use crate::analysis::DocAnalysis;
use crate::model::Span;

/// Which spans an export carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// Entities and figures.
    All,
    /// Entity mentions only (`PER`, `ORG`, `LOC`, `MISC`).
    Entities,
    /// Figures only (`MONEY`, `PERCENT`, `COUNT`, ...).
    Figures,
}

/// One labelled span of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labeled {
    /// Source bytes.
    pub span: Span,
    /// `PER`, `ORG`, `LOC`, `MISC` for entities; the figure type in capitals (`MONEY`).
    pub label: String,
}

/// The spans of an analysed document, sorted by start (longest first at one start).
///
/// Entities are exported as their names without title or honorific (`Liu` of `Mr. Liu`), as
/// CoNLL annotates them; the title is a cue, not part of the name.
pub fn labeled(analysis: &DocAnalysis, which: Which) -> Vec<Labeled> {
    let mut out = Vec::new();
    if which != Which::Figures {
        out.extend(analysis.entities.iter().map(|e| Labeled {
            span: e.name,
            label: e.ty.as_str().to_string(),
        }));
    }
    if which != Which::Entities {
        out.extend(analysis.figures.iter().map(|f| Labeled {
            span: f.span,
            label: f.ty.as_str().to_ascii_uppercase(),
        }));
    }
    out.retain(|l| !l.span.is_empty());
    out.sort_by_key(|l| (l.span.start(), std::cmp::Reverse(l.span.end())));
    out.dedup_by_key(|l| l.span);
    out
}

/// `spans` without overlaps, for formats that cannot hold them (BIO tags, spaCy's `doc.ents`):
/// at each conflict the span that starts first (the longer at one start) is kept.
pub fn non_overlapping(spans: &[Labeled]) -> Vec<Labeled> {
    let mut out: Vec<Labeled> = Vec::with_capacity(spans.len());
    for l in spans {
        if out.last().is_none_or(|k| k.span.end() <= l.span.start()) {
            out.push(l.clone());
        }
    }
    out
}

/// Byte offsets to character offsets of one text, in O(1) after a pass over it.
pub struct CharIndex<'a> {
    text: &'a str,
    /// Characters before each [`Self::STEP`]-byte block.
    before: Vec<usize>,
}

impl<'a> CharIndex<'a> {
    const STEP: usize = 256;

    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let mut before = Vec::with_capacity(text.len() / Self::STEP + 1);
        let mut n = 0;
        for block in text.as_bytes().chunks(Self::STEP) {
            before.push(n);
            n += block.iter().filter(|&&b| !is_continuation(b)).count();
        }
        CharIndex { text, before }
    }

    /// The character offset of byte `offset` (clamped to the text).
    pub fn chars(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let block = offset / Self::STEP;
        let base = self.before.get(block).copied().unwrap_or(0);
        let from = block * Self::STEP;
        base + self.text.as_bytes()[from.min(offset)..offset]
            .iter()
            .filter(|&&b| !is_continuation(b))
            .count()
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// A relative path as a URI reference (spaces and other unsafe bytes percent-encoded).
pub fn uri_path(rel: &str) -> String {
    let mut out = String::new();
    for b in rel.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A folder as a `file:` URI ending in `/`, the base relative paths resolve from.
pub fn folder_uri(path: &std::path::Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    let mut u = format!("file://{}", uri_path(&path));
    if !u.ends_with('/') {
        u.push('/');
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_counts_characters_not_bytes() {
        let text = "é".repeat(300) + "ab😀c";
        let ix = CharIndex::new(&text);
        assert_eq!(ix.chars(0), 0);
        assert_eq!(ix.chars(2), 1);
        assert_eq!(ix.chars(600), 300);
        assert_eq!(ix.chars(602), 302);
        assert_eq!(ix.chars(606), 303);
        assert_eq!(ix.chars(text.len()), text.chars().count());
        assert_eq!(ix.chars(text.len() + 9), text.chars().count());
    }

    #[test]
    fn overlaps_keep_the_first_and_longest() {
        let l = |a, b, t: &str| Labeled {
            span: Span::new(a, b),
            label: t.into(),
        };
        let spans = [
            l(0, 10, "ORG"),
            l(0, 4, "PER"),
            l(5, 8, "MONEY"),
            l(10, 12, "LOC"),
        ];
        let kept = non_overlapping(&spans);
        assert_eq!(kept, vec![l(0, 10, "ORG"), l(10, 12, "LOC")]);
    }

    #[test]
    fn uris_are_encoded_and_folders_end_in_a_slash() {
        assert_eq!(uri_path("notes/a b#1.md"), "notes/a%20b%231.md");
        assert_eq!(
            folder_uri(std::path::Path::new("/srv/my notes")),
            "file:///srv/my%20notes/"
        );
    }
}
