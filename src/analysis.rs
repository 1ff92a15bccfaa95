//! Per-document analysis: a pure function of the text (plus the corpus gazetteer).

use crate::extract::entities::{self, EntityContext, Gazetteer};
use crate::extract::figures::{self, FigureContext};
use crate::format::{self, DocKind, Format, Metadata};
use crate::model::{EntityMention, Figure, MentionSource, Span};
use crate::text;
use std::path::Path;

/// Everything one document yields, in source byte offsets.
#[derive(Debug, Clone, PartialEq)]
pub struct DocAnalysis {
    /// Markdown, plain or lowercase dump.
    pub format: Format,
    /// Article or note.
    pub kind: DocKind,
    /// Headline, byline, dateline, front matter.
    pub meta: Metadata,
    /// Sentence spans.
    pub sentences: Vec<Span>,
    /// Paragraph spans.
    pub paragraphs: Vec<Span>,
    /// Entity mentions, in order.
    pub entities: Vec<EntityMention>,
    /// Figures, in order.
    pub figures: Vec<Figure>,
}

/// Inputs of the analysis besides the text.
#[derive(Debug, Clone, Copy)]
pub struct AnalysisContext<'a> {
    /// Names learned from the corpus.
    pub gazetteer: &'a Gazetteer,
    /// True when the corpus conventions (folder `notes/`, config globs) make this file a note.
    pub is_note_by_path: bool,
}

/// Analyses one document. `path` is only used for format sniffing.
pub fn analyze(path: &Path, source: &str, ctx: &AnalysisContext) -> DocAnalysis {
    let format = format::sniff(path, source);
    // One pass builds both: the Markdown parse is the costly part.
    let (view, meta) = format::view_and_metadata(source, format);
    let kind = if ctx.is_note_by_path {
        DocKind::Note
    } else {
        meta.kind.unwrap_or(DocKind::Article)
    };
    let segs = text::segment(view.text(), format);
    let lowercase = format == Format::Lowercase;
    let ectx = EntityContext {
        lowercase,
        gazetteer: ctx.gazetteer,
    };
    let mut ents = entities::extract(view.text(), &segs, &ectx);
    for e in &mut ents {
        e.span = view.span_to_source(e.span);
        e.name = view.span_to_source(e.name);
    }
    drop_headline_only_names(source, &meta, &mut ents);
    drop_desk_bylines(source, &meta, &mut ents);
    let fctx = FigureContext {
        dateline: meta.date,
        lowercase,
    };
    let mut figs = figures::extract(view.text(), &segs, &fctx);
    for f in &mut figs {
        f.span = view.span_to_source(f.span);
    }
    DocAnalysis {
        format,
        kind,
        sentences: segs
            .sentences
            .iter()
            .map(|s| view.span_to_source(*s))
            .collect(),
        paragraphs: segs
            .paragraphs
            .iter()
            .map(|s| view.span_to_source(*s))
            .collect(),
        meta,
        entities: ents,
        figures: figs,
    }
}

/// Words of a byline that names a newsroom role instead of a person (`By Staff Reporter`,
/// `By Our Correspondent`, `By Political Editor`).
const DESK_WORDS: &[&str] = &[
    "staff",
    "reporter",
    "reporters",
    "writer",
    "writers",
    "correspondent",
    "correspondents",
    "editor",
    "editors",
    "desk",
    "team",
    "our",
    "special",
    "senior",
    "chief",
    "political",
    "business",
    "foreign",
    "news",
    "sports",
    "agencies",
    "wire",
    "newsroom",
];

/// A byline such as `By Staff Reporter` names a role, not a person: the recogniser reads its
/// capitals as a name, and at archive scale it would become the most-mentioned "person". A
/// detected mention inside the byline made only of role words is dropped.
fn drop_desk_bylines(source: &str, meta: &Metadata, ents: &mut Vec<EntityMention>) {
    let Some(by) = meta.byline_span else {
        return;
    };
    let is_desk = |e: &EntityMention| {
        e.source == MentionSource::Detected
            && by.start() <= e.span.start()
            && e.span.end() <= by.end()
            && e.span
                .slice(source)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .all(|w| DESK_WORDS.iter().any(|d| d.eq_ignore_ascii_case(w)))
    };
    ents.retain(|e| !is_desk(e));
}

/// Title case makes every headline word look like a name (`Farmers Brace for Kovarian
/// Retaliation`): a detected mention inside the headline or a heading stays only when the same
/// name also occurs in the body.
fn drop_headline_only_names(source: &str, meta: &Metadata, ents: &mut Vec<EntityMention>) {
    let heads: Vec<Span> = meta
        .headline_span
        .iter()
        .copied()
        .chain(meta.headings.iter().map(|h| h.1))
        .collect();
    let in_head = |e: &EntityMention| {
        heads
            .iter()
            .any(|h| h.start() <= e.span.start() && e.span.end() <= h.end())
    };
    let body: std::collections::HashSet<String> = ents
        .iter()
        .filter(|e| !in_head(e))
        .map(|e| e.name.slice(source).to_lowercase())
        .collect();
    ents.retain(|e| {
        e.source != MentionSource::Detected
            || !in_head(e)
            || body.contains(&e.name.slice(source).to_lowercase())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entity names `analyze` keeps for a plain-text article.
    fn names(text: &str) -> Vec<String> {
        let gaz = Gazetteer::default();
        let ctx = AnalysisContext {
            gazetteer: &gaz,
            is_note_by_path: false,
        };
        analyze(Path::new("a.txt"), text, &ctx)
            .entities
            .iter()
            .map(|e| e.span.slice(text).to_string())
            .collect()
    }

    #[test]
    fn a_byline_naming_a_role_is_not_a_person() {
        // (byline, whether its names are a person)
        let cases = [
            ("By Staff Reporter", false),
            ("By Our Correspondent", false),
            ("By Political Editor", false),
            ("By Ama Owusu", true),
        ];
        for (byline, person) in cases {
            let text = format!(
                "Ferry fares rise on the lake\n\n{byline}\n\nMarch 3, 2021\n\nThe operator in Kisumu raised fares by a tenth on Monday, said Ama Owusu.\n"
            );
            let found = names(&text);
            let who = byline.trim_start_matches("By ");
            assert_eq!(
                found.iter().any(|n| n == who),
                person,
                "{byline}: {found:?}"
            );
            assert!(found.iter().any(|n| n == "Kisumu"), "{byline}: {found:?}");
        }
    }
}
