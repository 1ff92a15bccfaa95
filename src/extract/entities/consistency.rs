//! Document-level type evidence: a name the tagger calls a person, but which the document
//! never writes as a person (no first name, no honorific or title, and the pronouns that follow
//! it are `it`/`its`/`which`), is an organisation (`Nestle said it would raise its dividend`).
//! News introduces people by full name or title, so a bare capitalised word that the text
//! refers back to as "it" is a firm, a label or a club named after someone.

use super::cues;
use super::features::PreparedDoc;
use super::lexicon::Category;
use super::TokenSpan;
use crate::model::EntityType;
use crate::text::{Segments, TokenKind};
use std::collections::HashMap;

/// How far after a mention (in tokens, within its sentence) the next pronoun is read.
const PRONOUN_WINDOW: usize = 12;

/// The pronoun's vote: `Some(true)` for a thing (`it`, `its`, `which`), `Some(false)` for a
/// person (`he`, `his`, `she`, `who` ...).
fn pronoun_vote(word: &str) -> Option<bool> {
    match word {
        "it" | "its" | "It" | "Its" | "which" => Some(true),
        "he" | "his" | "him" | "she" | "her" | "who" | "whom" | "He" | "His" | "She" | "Her" => {
            Some(false)
        }
        _ => None,
    }
}

/// Retypes as `ORG` the person spans whose name the document refers back to as a thing and
/// never writes as a person.
pub fn retype_things_as_orgs(
    text: &str,
    segments: &Segments,
    doc: &PreparedDoc,
    spans: &mut [TokenSpan],
) {
    let toks = &segments.tokens;
    let word = |i: usize| toks[i].span.slice(text);
    let name = |s: &TokenSpan| &text[toks[s.first].span.start()..toks[s.end - 1].span.end()];
    let cue = (1u32 << Category::Honorific as u32) | (1u32 << Category::Title as u32);
    // Words written inside a person's multi-token name (`Bruce Willis` makes `Willis` a person;
    // a headline run with a lowercase verb in it, `Fiat mulls Ferrari`, is no name).
    let capital = |i: usize| word(i).starts_with(char::is_uppercase);
    let mut in_full_names: Vec<&str> = Vec::new();
    for s in spans.iter().filter(|s| {
        s.ty == EntityType::Per
            && s.end - s.first > 1
            && (s.first..s.end).all(|i| capital(i) == capital(s.first))
    }) {
        in_full_names.extend((s.first..s.end).map(word));
    }
    // Per name: (thing votes, person votes, written as a person).
    let mut votes: HashMap<&str, (u32, u32, bool)> = HashMap::new();
    for s in spans.iter().filter(|s| s.ty == EntityType::Per) {
        let n = name(s);
        let v = votes.entry(n).or_default();
        let single = s.end - s.first == 1;
        if (single && in_full_names.contains(&n))
            || (s.first > 0 && doc.lex(s.first - 1) & cue != 0)
            || (s.first..s.end).any(|k| cues::is_honorific(doc, k))
        {
            v.2 = true;
        }
        let k = doc.sentences.partition_point(|x| x.1 <= s.first);
        let sentence_end = doc.sentences.get(k).map_or(toks.len(), |x| x.1);
        let window = s.end..sentence_end.min(s.end + PRONOUN_WINDOW);
        let next = window
            .filter(|&i| toks[i].kind == TokenKind::Word)
            .find_map(|i| pronoun_vote(word(i)));
        match next {
            Some(true) => v.0 += 1,
            Some(false) => v.1 += 1,
            None => {}
        }
    }
    for s in spans.iter_mut().filter(|s| s.ty == EntityType::Per) {
        if let Some(&(thing, person, as_person)) = votes.get(name(s)) {
            if !as_person && thing > person {
                s.ty = EntityType::Org;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::entities::{features, Gazetteer};
    use crate::format::Format;
    use crate::text::segment;

    /// Types after the rule of every token span given as (first word, words), all tagged PER.
    fn retyped(text: &str, names: &[(&str, usize)]) -> Vec<EntityType> {
        let segs = segment(text, Format::Plain);
        let doc = features::prepare(text, &segs.tokens, &segs.sentences, &Gazetteer::default());
        let mut spans: Vec<TokenSpan> = Vec::new();
        for (i, t) in segs.tokens.iter().enumerate() {
            for &(w, len) in names {
                if t.span.slice(text) == w {
                    spans.push(TokenSpan {
                        first: i,
                        end: i + len,
                        ty: EntityType::Per,
                    });
                }
            }
        }
        retype_things_as_orgs(text, &segs, &doc, &mut spans);
        spans.iter().map(|s| s.ty).collect()
    }

    #[test]
    fn a_name_referred_to_as_it_is_an_organisation() {
        let text = "Halvorsen said it would raise its dividend. Halvorsen shares rose.";
        assert_eq!(retyped(text, &[("Halvorsen", 1)]), [EntityType::Org; 2]);
    }

    #[test]
    fn a_person_written_with_a_first_name_or_honorific_stays_a_person() {
        let full = "Mara Halvorsen joined the bank. Halvorsen said it would grow.";
        assert_eq!(
            retyped(full, &[("Mara", 2), ("Halvorsen", 1)]),
            [EntityType::Per; 3]
        );
        let hon = "Mr Halvorsen said it would grow. Halvorsen left.";
        assert_eq!(retyped(hon, &[("Halvorsen", 1)]), [EntityType::Per; 2]);
        let he = "Halvorsen said he would stay.";
        assert_eq!(retyped(he, &[("Halvorsen", 1)]), [EntityType::Per]);
    }
}
