//! Entities: people, organisations, places and other names.
//!
//! An averaged-perceptron BIO tagger (`perceptron`) reads hashed word, shape, affix, lexicon and
//! gazetteer features (`features`); a cased model serves ordinary text and a lowercase model
//! serves all-lowercase dumps. Rules on top attach honorifics (`Mr.`, `mr`) to the mention and
//! titles (`Vice Premier`) as cues, and in lowercase text add names the corpus gazetteer knows.

mod cues;
pub mod features;
pub mod gazetteer;
pub mod lexicon;
pub mod perceptron;
pub mod training;

pub use gazetteer::Gazetteer;

use crate::model::{EntityMention, EntityType, MentionSource, Span};
use crate::text::{Segments, TokenKind};
use features::PreparedDoc;
use gazetteer::types_of;
use perceptron::{label_type, Model, LABELS};
use std::sync::OnceLock;

/// What an entity extractor knows besides the text.
#[derive(Debug, Clone, Copy)]
pub struct EntityContext<'a> {
    /// True for all-lowercase dumps.
    pub lowercase: bool,
    /// The corpus gazetteer.
    pub gazetteer: &'a Gazetteer,
}

static CASED_BYTES: &[u8] = include_bytes!("../../../data/ner-cased.bin");
static LOWER_BYTES: &[u8] = include_bytes!("../../../data/ner-lower.bin");

/// The built-in cased model, decoded once; `None` if the crate was built without one.
pub fn cased_model() -> Option<&'static Model> {
    static M: OnceLock<Option<Model>> = OnceLock::new();
    M.get_or_init(|| Model::from_bytes(CASED_BYTES)).as_ref()
}

/// The built-in lowercase model, decoded once.
pub fn lower_model() -> Option<&'static Model> {
    static M: OnceLock<Option<Model>> = OnceLock::new();
    M.get_or_init(|| Model::from_bytes(LOWER_BYTES)).as_ref()
}

/// One raw tagged span: tokens `first..end` with a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSpan {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub end: usize,
    /// Type.
    pub ty: EntityType,
}

/// Tags every sentence of a prepared document with `model`; spans in token indices.
pub fn tag(model: &Model, doc: &PreparedDoc) -> Vec<TokenSpan> {
    let mut out = Vec::new();
    let mut feats = Vec::new();
    let mut offsets = Vec::new();
    let mut em: Vec<[i32; LABELS]> = Vec::new();
    for &(a, b) in &doc.sentences {
        feats.clear();
        offsets.clear();
        offsets.push(0);
        for i in 0..b - a {
            features::token_features(&doc.infos[a..b], i, model.cased, model.mask(), &mut feats);
            offsets.push(feats.len());
        }
        model.emissions(&feats, &offsets, &mut em);
        let labels = model.viterbi(&em);
        spans_of_labels(&labels, a, &mut out);
    }
    out
}

/// Turns BIO labels of a sentence starting at token `base` into spans.
pub fn spans_of_labels(labels: &[u8], base: usize, out: &mut Vec<TokenSpan>) {
    let mut cur: Option<TokenSpan> = None;
    for (i, &l) in labels.iter().enumerate() {
        match label_type(l) {
            Some((ty, true)) if cur.is_some_and(|c| c.ty == ty) => {
                if let Some(c) = cur.as_mut() {
                    c.end = base + i + 1;
                }
            }
            Some((ty, _)) => {
                out.extend(cur.take());
                cur = Some(TokenSpan {
                    first: base + i,
                    end: base + i + 1,
                    ty,
                });
            }
            None => out.extend(cur.take()),
        }
    }
    out.extend(cur);
}

/// Finds the entity mentions of a view text; spans are view offsets.
pub fn extract(text: &str, segments: &Segments, ctx: &EntityContext) -> Vec<EntityMention> {
    let lowercase = ctx.lowercase || !text.chars().any(char::is_uppercase);
    let model = if lowercase {
        lower_model()
    } else {
        cased_model()
    };
    let doc = features::prepare(text, &segments.tokens, &segments.sentences, ctx.gazetteer);
    let mut spans = model.map(|m| tag(m, &doc)).unwrap_or_default();
    if lowercase {
        add_gazetteer_names(text, segments, ctx.gazetteer, &mut spans);
    }
    mentions(text, segments, &doc, &spans, lowercase)
}

/// In lowercase text, names the gazetteer knows with one type and the tagger missed.
fn add_gazetteer_names(
    text: &str,
    segments: &Segments,
    gaz: &Gazetteer,
    spans: &mut Vec<TokenSpan>,
) {
    let mut added = Vec::new();
    for m in gaz.find(text, &segments.tokens) {
        let mut types = types_of(m.bits);
        let (Some(ty), None) = (types.next(), types.next()) else {
            continue;
        };
        let single = m.end - m.first == 1;
        if single && cues::is_function_word(segments.tokens[m.first].span.slice(text)) {
            continue;
        }
        let overlaps = spans.iter().any(|s| s.first < m.end && m.first < s.end);
        if !overlaps {
            added.push(TokenSpan {
                first: m.first,
                end: m.end,
                ty,
            });
        }
    }
    if !added.is_empty() {
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }
}

/// Applies honorific and title rules and turns token spans into mentions.
fn mentions(
    text: &str,
    segments: &Segments,
    doc: &PreparedDoc,
    spans: &[TokenSpan],
    lowercase: bool,
) -> Vec<EntityMention> {
    let toks = &segments.tokens;
    let word = |i: usize| toks[i].span.slice(text);
    let sentence_start = |i: usize| {
        let k = doc.sentences.partition_point(|s| s.1 <= i);
        doc.sentences.get(k).map_or(0, |s| s.0)
    };
    let mut out = Vec::with_capacity(spans.len());
    let mut taken_until = 0usize;
    let push = |first: usize,
                name_first: usize,
                end: usize,
                ty: EntityType,
                cue: Option<String>,
                out: &mut Vec<EntityMention>| {
        out.push(EntityMention {
            span: Span::new(toks[first].span.start, toks[end - 1].span.end),
            name: Span::new(toks[name_first].span.start, toks[end - 1].span.end),
            ty,
            cue,
            source: MentionSource::Detected,
        });
    };
    let mut next_span = 0;
    let mut i = 0;
    while i < toks.len() {
        // A tagged span starting here, or an honorific before an untagged word.
        let span = spans.get(next_span).filter(|s| s.first == i).copied();
        if let Some(mut s) = span {
            next_span += 1;
            // An honorific the tagger put inside the name moves out of it.
            let mut name_first = s.first;
            while name_first + 1 < s.end && cues::is_honorific(doc, name_first) {
                name_first += 1;
            }
            let sent = sentence_start(s.first);
            let hon_before =
                s.first > sent.max(taken_until) && cues::is_honorific(doc, s.first - 1);
            let (start, cue) = if name_first > s.first {
                s.ty = EntityType::Per;
                (
                    s.first,
                    Some(cues::cue_text((s.first..name_first).map(word))),
                )
            } else if hon_before {
                s.ty = EntityType::Per;
                (
                    s.first - 1,
                    Some(cues::cue_text(std::iter::once(word(s.first - 1)))),
                )
            } else if s.ty == EntityType::Per {
                // Titles are cues outside the name (CoNLL style), whether the tagger kept them or not.
                while name_first + 1 < s.end
                    && doc.lex(name_first) & (1 << lexicon::Category::Title as u32) != 0
                {
                    name_first += 1;
                }
                let cue = if name_first > s.first {
                    Some(cues::cue_text((s.first..name_first).map(word)))
                } else {
                    cues::title_before(doc, s.first, sent.max(taken_until))
                        .map(|k| cues::cue_text((k..s.first).map(word)))
                };
                (name_first, cue)
            } else {
                (s.first, None)
            };
            push(start, name_first, s.end, s.ty, cue, &mut out);
            taken_until = s.end;
            i = s.end;
            continue;
        }
        if cues::is_honorific(doc, i)
            && i + 1 < toks.len()
            && spans.get(next_span).is_none_or(|s| s.first > i + 1)
        {
            let next = word(i + 1);
            let same_sentence = sentence_start(i) == sentence_start(i + 1);
            let looks_like_name = toks[i + 1].kind == TokenKind::Word
                && !cues::is_function_word(&next.to_lowercase())
                && !cues::is_honorific(doc, i + 1)
                && (lowercase || next.starts_with(char::is_uppercase));
            if same_sentence && looks_like_name {
                push(
                    i,
                    i + 1,
                    i + 2,
                    EntityType::Per,
                    Some(cues::cue_text(std::iter::once(word(i)))),
                    &mut out,
                );
                taken_until = i + 2;
                i += 2;
                continue;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests;
