//! Entities: people, organisations, places and other names.
//!
//! An averaged-perceptron BIO tagger (`perceptron`) reads hashed word, shape, affix, lexicon and
//! gazetteer features (`features`); a cased model serves ordinary text and a lowercase model
//! serves all-lowercase dumps. Rules on top attach honorifics (`Mr.`, `mr`) to the mention and
//! titles (`Vice Premier`) as cues, and in lowercase text add names the corpus gazetteer knows.

mod common_words;
mod consistency;
mod cues;
pub mod emissions;
pub mod features;
pub mod gazetteer;
pub mod lexicon;
pub mod perceptron;
mod sport;
pub mod training;
mod works;

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
    let mut em: Vec<[i32; LABELS]> = Vec::new();
    let (mut back, mut labels) = (Vec::new(), Vec::new());
    let scores = emissions::TypeScores::new(model, doc);
    for &s in &doc.sentences {
        scores.sentence(model, doc, s, &mut em);
        model.viterbi_into(&em, &mut back, &mut labels);
        spans_of_labels(&labels, s.0, &mut out);
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
        add_gazetteer_names(text, segments, &doc, model, ctx.gazetteer, &mut spans);
        repeat_document_names(text, segments, &doc, model, &mut spans);
    } else {
        repeat_document_names(text, segments, &doc, None, &mut spans);
    }
    common_words::drop_common_words(text, segments, &doc, lowercase, &mut spans);
    consistency::retype_things_as_orgs(text, segments, &doc, &mut spans);
    works::retype_works_and_events(text, segments, &doc, lowercase, &mut spans);
    sport::retype_clubs(text, segments, &doc, &mut spans);
    mentions(text, segments, &doc, &spans, lowercase)
}

/// In lowercase text, names the gazetteer knows with one type: a longer known name replaces
/// the parts the tagger found inside it (`liu` in `liu he`), and a name the tagger missed is
/// added when it holds a word the tagger never saw in training (a common word like `back` that
/// a cased file once capitalised is left to the tagger).
fn add_gazetteer_names(
    text: &str,
    segments: &Segments,
    doc: &PreparedDoc,
    model: Option<&Model>,
    gaz: &Gazetteer,
    spans: &mut Vec<TokenSpan>,
) {
    let mut found = Vec::new();
    for &m in &doc.gazetteer {
        let mut types = types_of(m.bits);
        let (Some(ty), None) = (types.next(), types.next()) else {
            continue;
        };
        let words = &segments.tokens[m.first..m.end];
        let single = words.len() == 1;
        if words.iter().any(|t| {
            t.kind != TokenKind::Word || (single && cues::is_function_word(t.span.slice(text)))
        }) {
            continue;
        }
        let unknown = model.is_none_or(|md| {
            (m.first..m.end).any(|i| !md.has_row(features::word_row(doc, i, md.mask())))
        });
        found.push((
            TokenSpan {
                first: m.first,
                end: m.end,
                ty,
            },
            unknown,
        ));
    }
    merge_known(spans, found);
    trim_to_known_people(text, segments, doc, model, gaz, spans);
}

/// In lowercase text, a person's name the tagger ran on into a common word (`mr liu held`) is cut
/// back to the longest name the gazetteer knows from its start (`liu`), when the whole run is
/// not a known name and every word cut off is one the tagger knows from training.
fn trim_to_known_people(
    text: &str,
    segments: &Segments,
    doc: &PreparedDoc,
    model: Option<&Model>,
    gaz: &Gazetteer,
    spans: &mut [TokenSpan],
) {
    let Some(model) = model else { return };
    let per = gazetteer::type_bit(EntityType::Per);
    for s in spans
        .iter_mut()
        .filter(|s| s.ty == EntityType::Per && s.end - s.first > 1)
    {
        let toks = &segments.tokens[s.first..s.end];
        let Some(m) = gaz.find(text, toks).into_iter().next() else {
            continue;
        };
        let known_end = s.first + m.end;
        let common_rest =
            (known_end..s.end).all(|i| model.has_row(features::word_row(doc, i, model.mask())));
        if m.first == 0 && m.bits & per != 0 && known_end < s.end && common_rest {
            s.end = known_end;
        }
    }
}

/// Merges known names into the tagger's spans: a name replaces tagged spans lying inside it
/// when it is longer; a name touching no span is added when its flag allows.
///
/// The spans are disjoint and in order (the tagger's, and each step keeps them so), so the spans
/// a name overlaps are found by one ordered-map lookup: linear-logarithmic in the names of a
/// file, where a scan of every span per name grew with the square of a long file's mentions.
fn merge_known(spans: &mut Vec<TokenSpan>, known: Vec<(TokenSpan, bool)>) {
    if known.is_empty() {
        return;
    }
    debug_assert!(spans.windows(2).all(|w| w[0].end <= w[1].first));
    let mut by_first: std::collections::BTreeMap<usize, TokenSpan> =
        spans.iter().map(|s| (s.first, *s)).collect();
    let mut changed = false;
    for (k, add_free) in known {
        // Disjoint and ordered: the spans starting before `k` ends, back to the last one that
        // still ends after `k` starts.
        let mut overlapping: Vec<TokenSpan> = by_first
            .range(..k.end)
            .rev()
            .map(|(_, s)| *s)
            .take_while(|s| s.end > k.first)
            .collect();
        overlapping.reverse();
        if overlapping.is_empty() {
            if add_free {
                by_first.insert(k.first, k);
                changed = true;
            }
            continue;
        }
        if let [j] = overlapping[..] {
            // The same words as a known non-person name: its type wins over a person, which
            // lowercase text cannot tell from a firm (a dump's `maserati` takes the type the
            // corpus's cased files give it). Other types the tagger reads well enough.
            if j.first == k.first && j.end == k.end && j.ty == EntityType::Per {
                by_first.insert(j.first, TokenSpan { ty: k.ty, ..j });
                changed = true;
                continue;
            }
        }
        let inside = overlapping
            .iter()
            .all(|s| s.first >= k.first && s.end <= k.end);
        let longer = overlapping.len() > 1
            || overlapping
                .first()
                .is_some_and(|s| s.end - s.first < k.end - k.first);
        if inside && longer && k.end - k.first > 1 {
            for s in &overlapping {
                by_first.remove(&s.first);
            }
            by_first.insert(k.first, k);
            changed = true;
        }
    }
    if changed {
        *spans = by_first.into_values().collect();
    }
}

/// A name found once in the document is found again wherever it is written the same way
/// (`trade negotiator Liu He` after `Vice Premier Liu He`). In cased text that is a multi-word
/// name; in a lowercase dump (`lower` holds its model) also a one-word name or a person's
/// surname the model never saw in training (`thanou` after `katerina thanou`): a word it knows
/// may be a common word elsewhere.
fn repeat_document_names(
    text: &str,
    segments: &Segments,
    doc: &PreparedDoc,
    lower: Option<&Model>,
    spans: &mut Vec<TokenSpan>,
) {
    let toks = &segments.tokens;
    let title_bits =
        (1 << lexicon::Category::Title as u32) | (1 << lexicon::Category::TitleModifier as u32);
    let unseen_word = |i: usize| {
        lower.is_some_and(|m| {
            let w = toks[i].span.slice(text);
            toks[i].kind == TokenKind::Word
                && w.chars().count() >= 3
                && !cues::is_function_word(w)
                && !m.has_row(features::word_row(doc, i, m.mask()))
        })
    };
    let mut names: std::collections::HashMap<&str, EntityType> = std::collections::HashMap::new();
    for s in spans.iter() {
        // The name without a leading title the tagger kept (`Premier Liu He`).
        let mut first = s.first;
        while s.ty == EntityType::Per && first < s.end && doc.lex(first) & title_bits != 0 {
            first += 1;
        }
        if first >= s.end {
            continue;
        }
        let mut add = |a: usize, b: usize, ty: EntityType| {
            let n = &text[toks[a].span.start()..toks[b - 1].span.end()];
            if !n.contains('\n') && (lower.is_some() || n.starts_with(char::is_uppercase)) {
                names.entry(n).or_insert(ty);
            }
        };
        if s.end >= first + 2 {
            add(first, s.end, s.ty);
            if s.ty == EntityType::Per && unseen_word(s.end - 1) {
                add(s.end - 1, s.end, s.ty);
            }
        } else if unseen_word(first) {
            add(first, s.end, s.ty);
        }
    }
    if names.is_empty() {
        return;
    }
    let matcher = gazetteer::PhraseMatcher::new(names.keys().map(|n| (n.to_string(), 1)));
    let known: Vec<(TokenSpan, bool)> = matcher
        .find(text, toks)
        .into_iter()
        .filter_map(|m| {
            let n = &text[toks[m.first].span.start()..toks[m.end - 1].span.end()];
            // Exactly as written: `Liu He` but never the pronoun in `liu he`.
            names.get(n).map(|&ty| {
                (
                    TokenSpan {
                        first: m.first,
                        end: m.end,
                        ty,
                    },
                    true,
                )
            })
        })
        .collect();
    merge_known(spans, known);
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
    // `Treasury` in `Treasury Secretary Steven Okafor` opens a title, not an organisation.
    let title = 1u32 << lexicon::Category::Title as u32;
    let modifier = 1u32 << lexicon::Category::TitleModifier as u32;
    let spans: Vec<TokenSpan> = spans
        .iter()
        .enumerate()
        .filter(|(j, s)| {
            let opens_title = s.ty != EntityType::Per
                && (s.first..s.end).all(|k| doc.lex(k) & (title | modifier) != 0)
                && doc.lex(s.end) & title != 0;
            let person_follows = spans.get(j + 1).is_some_and(|n| {
                n.ty == EntityType::Per
                    && n.first > s.end
                    && (s.end..n.first).all(|k| doc.lex(k) & (title | modifier) != 0)
            });
            !(opens_title && person_follows)
        })
        .map(|(_, s)| *s)
        .collect();
    let spans = &spans[..];
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
            span: Span::new(toks[first].span.start(), toks[end - 1].span.end()),
            name: Span::new(toks[name_first].span.start(), toks[end - 1].span.end()),
            ty,
            cue: cue.map(Into::into),
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
            // Punctuation at the edges (`Trade War !`) is not part of a name.
            while s.end > s.first + 1 && toks[s.end - 1].kind == TokenKind::Punct {
                s.end -= 1;
            }
            while s.end > s.first + 1 && toks[s.first].kind == TokenKind::Punct {
                s.first += 1;
            }
            // A word glued to a number is its unit (`bn` of `7bn`), never a name.
            let glued = |k: usize| {
                k > 0
                    && toks[k - 1].span.end() == toks[k].span.start()
                    && word(k - 1).ends_with(|c: char| c.is_ascii_digit())
            };
            if glued(s.first) {
                i = s.end;
                taken_until = s.end;
                continue;
            }
            // A common word capitalised only because it opens the sentence (`And Garcia`,
            // `Both Foxx`) is not part of the name.
            if s.end > s.first + 1
                && (sentence_start(s.first)..s.first).all(|k| toks[k].kind == TokenKind::Punct)
                && cues::is_function_word(&word(s.first).to_lowercase())
            {
                s.first += 1;
            }
            // An honorific the tagger put inside the name moves out of it.
            let name_like = |k: usize| {
                toks[k].kind == TokenKind::Word
                    && word(k)
                        .starts_with(|c: char| c.is_uppercase() || (lowercase && c.is_alphabetic()))
            };
            // An honorific inside the span starts the mention: words glued on before it are no
            // part of the name (`Later Mr. Liu`, `Then Mr Bowyer`).
            if let Some(k) = (s.first + 1..s.end.saturating_sub(1))
                .find(|&k| cues::is_honorific(doc, k) && name_like(k + 1))
            {
                s.first = k;
            }
            let mut name_first = s.first;
            while name_first + 1 < s.end
                && cues::is_honorific(doc, name_first)
                && name_like(name_first + 1)
            {
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
                let title_bits = (1 << lexicon::Category::Title as u32)
                    | (1 << lexicon::Category::TitleModifier as u32);
                let title = 1 << lexicon::Category::Title as u32;
                let mut k = s.first;
                let mut last_title = None;
                while k < s.end && doc.lex(k) & title_bits != 0 {
                    if doc.lex(k) & title != 0 {
                        last_title = Some(k);
                    }
                    k += 1;
                }
                if k == s.end && last_title.is_some() {
                    // A title alone (`Trade Representative`) names nobody.
                    i = s.end;
                    taken_until = s.end;
                    continue;
                }
                if let Some(t) = last_title {
                    name_first = t + 1;
                }
                let cue_start =
                    cues::title_before(doc, s.first, sent.max(taken_until)).unwrap_or(s.first);
                let cue = (cue_start < name_first)
                    .then(|| cues::cue_text((cue_start..name_first).map(word)));
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
                && next.starts_with(char::is_alphabetic)
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

/// Test input for the retyping rules: the token spans of `(name, nth occurrence, type)` in `text`,
/// in text order.
#[cfg(test)]
fn token_spans_at(
    text: &str,
    segs: &Segments,
    names: &[(&str, usize, EntityType)],
) -> Vec<TokenSpan> {
    let token = |pick: &dyn Fn(&crate::text::Token) -> bool| {
        segs.tokens
            .iter()
            .position(pick)
            .expect("name on token bounds")
    };
    let mut spans: Vec<TokenSpan> = names
        .iter()
        .map(|&(n, nth, ty)| {
            let at = text.match_indices(n).nth(nth).expect("name in text").0;
            let first = token(&|t| t.span.start() == at);
            let end = token(&|t| t.span.end() == at + n.len()) + 1;
            TokenSpan { first, end, ty }
        })
        .collect();
    spans.sort_by_key(|s| s.first);
    spans
}
