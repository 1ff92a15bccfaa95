//! Sport: clubs named after their towns (`Luton v Bolton`, `Crewe lost 3-0 at Hull`, results
//! lines `Reading 1 Derby 2`) are organisations, though the tagger reads a town or a surname.
//! A name written as one side of a fixture or a result is a club everywhere in its document,
//! unless the document writes it as a person (`Roger Federer beat ...`) or it is a country
//! (national teams are places under CoNLL: `England v Wales`).

use super::consistency::{name_of, written_as_person};
use super::features::PreparedDoc;
use super::lexicon::Category;
use super::TokenSpan;
use crate::model::EntityType;
use crate::text::{Segments, TokenKind};
use std::collections::HashSet;

/// Words that may stand between two sides of a result (`beat`, `drew with`, `lost 3-0 at`).
const RESULT_WORDS: &[&str] = &[
    "beat", "beats", "drew", "draw", "draws", "lost", "lose", "loses", "won", "win", "wins",
    "with", "to", "at", "against", "over", "defeated", "thrashed", "edged", "hammered", "and",
];

/// A club's people, written after its name (`Wigan manager Paul Jewell`).
const CLUB_PEOPLE: &[&str] = &[
    "manager",
    "boss",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "keeper",
    "winger",
    "fans",
    "supporters",
];

/// Last words of club names that are no place (`Man Utd`, `Bristol Rovers`).
const CLUB_ENDINGS: &[&str] = &[
    "utd",
    "united",
    "rovers",
    "wanderers",
    "albion",
    "athletic",
    "hotspur",
    "fc",
    "rangers",
    "celtic",
];

/// Retypes as `ORG` the spans naming a club.
pub fn retype_clubs(text: &str, segments: &Segments, doc: &PreparedDoc, spans: &mut [TokenSpan]) {
    let toks = &segments.tokens;
    let lower = |i: usize| toks[i].span.slice(text).to_lowercase();
    let is_number = |i: usize| toks.get(i).is_some_and(|t| t.kind == TokenKind::Number);
    // A score starting at token `i` (`3-0`, one token, or `3 – 0`): the token after it.
    let score_end = |i: usize| {
        if is_number(i) && toks[i].span.slice(text).contains('-') {
            return Some(i + 1);
        }
        let dash = toks
            .get(i + 1)
            .is_some_and(|t| matches!(t.span.slice(text), "-" | "–"));
        (is_number(i) && dash && is_number(i + 2)).then_some(i + 3)
    };
    let country = |s: &TokenSpan| {
        (s.first..s.end).any(|i| doc.lex(i) & (1u32 << Category::Country as u32) != 0)
    };
    let same_sentence = |a: usize, b: usize| {
        let k = doc.sentences.partition_point(|x| x.1 <= a);
        doc.sentences.get(k).is_some_and(|x| b < x.1)
    };
    let mut clubs: HashSet<&str> = HashSet::new();
    for pair in spans.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b.first <= a.end || b.first - a.end > 5 || !same_sentence(a.first, b.first) {
            continue;
        }
        let gap: Vec<usize> = (a.end..b.first).collect();
        let is_v = |g: usize| matches!(lower(g).as_str(), "v" | "vs");
        let versus = match gap[..] {
            [g] => is_v(g),
            [g, dot] => is_v(g) && lower(dot) == ".",
            _ => false,
        };
        // Result words around at most one score, and a score somewhere: in the gap or just after.
        let mut i = a.end;
        let mut scored = false;
        let mut words_only = true;
        while i < b.first {
            if let Some(e) = score_end(i) {
                scored = true;
                i = e;
            } else {
                words_only &= RESULT_WORDS.contains(&lower(i).as_str());
                i += 1;
            }
        }
        let result = words_only
            && !gap.is_empty()
            && i == b.first
            && (scored || (!is_number(a.end) && score_end(b.end).is_some()));
        // A results line: `Reading 1 Derby 2`.
        let table = gap.len() == 1 && is_number(gap[0]) && is_number(b.end);
        if versus || result || table {
            clubs.insert(name_of(text, segments, &a));
            clubs.insert(name_of(text, segments, &b));
        }
    }
    // In a report that names clubs, a name before a club's people is one too (`Wigan manager`).
    if !clubs.is_empty() {
        for s in spans.iter() {
            if s.end < toks.len() && CLUB_PEOPLE.contains(&lower(s.end).as_str()) {
                clubs.insert(name_of(text, segments, s));
            }
        }
    }
    let as_person = written_as_person(text, segments, doc, spans);
    for s in spans.iter_mut().filter(|s| s.ty != EntityType::Org) {
        let n = name_of(text, segments, s);
        let ending = s.end - s.first > 1 && CLUB_ENDINGS.contains(&lower(s.end - 1).as_str());
        if (clubs.contains(n) || ending) && !as_person.contains(n) && !country(s) {
            s.ty = EntityType::Org;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::entities::{features, Gazetteer};
    use crate::format::Format;
    use crate::text::segment;

    /// Types after the rule of the spans given as (text, type), each at its `nth` occurrence.
    fn retyped(text: &str, names: &[(&str, usize, EntityType)]) -> Vec<(String, EntityType)> {
        let segs = segment(text, Format::Plain);
        let doc = features::prepare(text, &segs.tokens, &segs.sentences, &Gazetteer::default());
        let mut spans = super::super::token_spans_at(text, &segs, names);
        retype_clubs(text, &segs, &doc, &mut spans);
        spans
            .iter()
            .map(|s| (name_of(text, &segs, s).to_string(), s.ty))
            .collect()
    }

    use EntityType::{Loc, Org, Per};

    #[test]
    fn sides_of_fixtures_and_results_are_clubs_everywhere_in_the_document() {
        let text = "Tarnby beat Elsworth 2-1 on Saturday. Tarnby v Elsworth was delayed. \
                    Elsworth fans were quiet. Crewe lost 3-0 at Hull, and Hull stay top. \
                    Wigston manager Ed Pole agreed.";
        let got = retyped(
            text,
            &[
                ("Tarnby", 0, Per),
                ("Elsworth", 0, Loc),
                ("Tarnby", 1, Per),
                ("Elsworth", 1, Org),
                ("Elsworth", 2, Per),
                ("Crewe", 0, Org),
                ("Hull", 0, Loc),
                ("Hull", 1, Loc),
                ("Wigston", 0, Per),
            ],
        );
        assert!(got.iter().all(|(_, t)| *t == Org), "{got:?}");
    }

    #[test]
    fn results_lines_and_club_endings() {
        let text = "Results: Readwell 1 Darnby 2, Norbury 0 Ipsley 0. Man Utd drew.";
        let got = retyped(
            text,
            &[
                ("Readwell", 0, Loc),
                ("Darnby", 0, Per),
                ("Norbury", 0, Loc),
                ("Ipsley", 0, Per),
                ("Man Utd", 0, Per),
            ],
        );
        assert!(got.iter().all(|(_, t)| *t == Org), "{got:?}");
    }

    #[test]
    fn players_countries_and_plain_places_stay() {
        // A player who beat another by a score is still a person; a country is a place.
        let text = "Roger Tallis beat Ivo Marek 6-3 in Leeds. Tallis was pleased. \
                    England v Wales starts at noon. Marek flew to Leeds.";
        let got = retyped(
            text,
            &[
                ("Roger Tallis", 0, Per),
                ("Ivo Marek", 0, Per),
                ("Leeds", 0, Loc),
                ("Tallis", 1, Per),
                ("England", 0, Loc),
                ("Wales", 0, Loc),
                ("Marek", 1, Per),
                ("Leeds", 1, Loc),
            ],
        );
        let want = [Per, Per, Loc, Per, Loc, Loc, Per, Loc];
        assert_eq!(got.iter().map(|x| x.1).collect::<Vec<_>>(), want, "{got:?}");
    }
}
