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
use std::collections::{HashMap, HashSet};

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

/// Nouns that, written just before a name, say it is an organisation (`Japanese firm Sharp`,
/// `record label Def Jam`, `search giant Google`).
const ORG_NOUNS: &[&str] = &[
    "firm",
    "company",
    "group",
    "giant",
    "maker",
    "bank",
    "label",
    "carrier",
    "operator",
    "retailer",
    "broadcaster",
    "publisher",
    "developer",
    "airline",
    "insurer",
    "chain",
    "brand",
    "manufacturer",
    "conglomerate",
    "supermarket",
    "studio",
    "network",
    "newspaper",
    "magazine",
];

/// The names of person spans the document writes as a person: inside a multi-word person
/// name (`Bruce Willis` makes `Willis` a person; a headline run with a lowercase verb in it,
/// `Fiat mulls Ferrari`, is no name), opening with a given name, with its surname written alone
/// too, after an honorific or title, or with an honorific inside.
pub fn written_as_person<'t>(
    text: &'t str,
    segments: &Segments,
    doc: &PreparedDoc,
    spans: &[TokenSpan],
) -> HashSet<&'t str> {
    let toks = &segments.tokens;
    let word = |i: usize| toks[i].span.slice(text);
    let cue = (1u32 << Category::Honorific as u32) | (1u32 << Category::Title as u32);
    let capital = |i: usize| word(i).starts_with(char::is_uppercase);
    let mut out = HashSet::new();
    let mut in_full_names: HashSet<&str> = HashSet::new();
    for s in spans.iter().filter(|s| {
        s.ty == EntityType::Per
            && s.end - s.first > 1
            && (s.first..s.end).all(|i| capital(i) == capital(s.first))
    }) {
        in_full_names.extend((s.first..s.end).map(word));
    }
    // A full name whose surname the document also writes alone (`Ivo Marek` ... `Marek`).
    let singles: HashSet<&str> = spans
        .iter()
        .filter(|s| s.ty == EntityType::Per && s.end - s.first == 1)
        .map(|s| word(s.first))
        .collect();
    for s in spans.iter().filter(|s| s.ty == EntityType::Per) {
        let n = name_of(text, segments, s);
        let single = s.end - s.first == 1;
        let surname_alone = !single && singles.contains(word(s.end - 1));
        let first_name = !single && doc.lex(s.first) & (1u32 << Category::FirstName as u32) != 0;
        if (single && in_full_names.contains(n))
            || first_name
            || surname_alone
            || (s.first > 0 && doc.lex(s.first - 1) & cue != 0)
            || (s.first..s.end).any(|k| cues::is_honorific(doc, k))
        {
            out.insert(n);
        }
    }
    out
}

/// The text of a token span.
pub fn name_of<'t>(text: &'t str, segments: &Segments, s: &TokenSpan) -> &'t str {
    let toks = &segments.tokens;
    &text[toks[s.first].span.start()..toks[s.end - 1].span.end()]
}

/// Retypes as `ORG` the person spans whose name the document refers back to as a thing (or
/// writes after an organisation noun) and never writes as a person.
pub fn retype_things_as_orgs(
    text: &str,
    segments: &Segments,
    doc: &PreparedDoc,
    spans: &mut [TokenSpan],
) {
    let toks = &segments.tokens;
    let word = |i: usize| toks[i].span.slice(text);
    let as_person = written_as_person(text, segments, doc, spans);
    // Per name: (thing votes, person votes).
    let mut votes: HashMap<&str, (u32, u32)> = HashMap::new();
    for s in spans.iter().filter(|s| s.ty == EntityType::Per) {
        let v = votes.entry(name_of(text, segments, s)).or_default();
        if s.first > 0 && ORG_NOUNS.contains(&word(s.first - 1).to_lowercase().as_str()) {
            v.0 += 1;
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
    // News introduces a person by full name, honorific or title; in a document that does so for
    // someone, a one-word "person" it never writes that way, with no `he`/`she` after it and no
    // given name, is a firm or a brand (`Vodafone`, `Nintendo`). Words in capitals are left to
    // the tagger (headlines, acronyms), and so are words shaped like a nationality (`Kovarian`,
    // `Maltese`), which the lexicon may not know and which are no firms. Cased text only: a
    // lowercase dump hides given names and initials, so "never written as a person" says less.
    let introduces_people = as_person.iter().any(|n| n.contains(' '));
    let bare_thing = |s: &TokenSpan, n: &str, person: u32| {
        introduces_people
            && s.end - s.first == 1
            && person == 0
            && doc.lex(s.first) & (1u32 << Category::FirstName as u32) == 0
            && n.starts_with(char::is_uppercase)
            && n.chars().skip(1).any(char::is_lowercase)
            && !["ian", "ese", "ish"].iter().any(|x| n.ends_with(x))
    };
    for s in spans.iter_mut().filter(|s| s.ty == EntityType::Per) {
        let n = name_of(text, segments, s);
        if let Some(&(thing, person)) = votes.get(n) {
            if !as_person.contains(n) && (thing > person || bare_thing(s, n, person)) {
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

    #[test]
    fn a_bare_name_in_a_document_that_introduces_its_people_is_an_organisation() {
        use EntityType::*;
        let types = |text: &str, names: &[(&str, usize, EntityType)]| {
            let segs = segment(text, Format::Plain);
            let doc = features::prepare(text, &segs.tokens, &segs.sentences, &Gazetteer::default());
            let mut spans = crate::extract::entities::token_spans_at(text, &segs, names);
            retype_things_as_orgs(text, &segs, &doc, &mut spans);
            spans.iter().map(|s| s.ty).collect::<Vec<_>>()
        };
        let text =
            "Lena Ostrova runs the unit. Quillon sold more phones. Ostrova said sales grew. \
                    Quillon shares rose. Alberto left. Petrak said he would stay. Velorian banks lent.";
        let names = [
            ("Lena Ostrova", 0, Per),
            ("Quillon", 0, Per),
            ("Ostrova", 1, Per),
            ("Quillon", 1, Per),
            ("Alberto", 0, Per),
            ("Petrak", 0, Per),
            ("Velorian", 0, Per),
        ];
        // Quillon: never a person here. Alberto: a given name. Petrak: `he` follows. Velorian:
        // a nationality's shape.
        assert_eq!(types(text, &names), [Per, Org, Per, Org, Per, Per, Per]);
        // A document that writes nobody in full gives no such evidence.
        let bare = "Quillon sold more phones. Petrak scored twice.";
        assert_eq!(
            types(bare, &[("Quillon", 0, Per), ("Petrak", 0, Per)]),
            [Per, Per]
        );
    }

    #[test]
    fn a_name_after_an_organisation_noun_is_an_organisation() {
        let text = "Shares in Japanese firm Quillon rose. Quillon sold more televisions.";
        assert_eq!(retyped(text, &[("Quillon", 1)]), [EntityType::Org; 2]);
        let label = "The record label Brass Harbour signed two bands. Brass Harbour is small.";
        assert_eq!(retyped(label, &[("Brass", 2)]), [EntityType::Org; 2]);
        // A person named after the noun stays one when the text writes them as a person.
        let person = "The firm John Quillon founded grew. Quillon said so.";
        assert_eq!(
            retyped(person, &[("John", 2), ("Quillon", 1)]),
            [EntityType::Per; 3]
        );
    }
}
