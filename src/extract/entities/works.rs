//! Works and events are `MISC` under CoNLL, though their titles read like people and places:
//! a name right after a noun for a work (`the film Million Dollar Baby`, `his novel Atonement`)
//! or after `role in` / `starred in` is a work, everywhere in its document unless the document
//! writes it as a person; a name ending in an event word (`London Marathon`, `Screen Actors Guild
//! Awards`), or a place or organisation right before one (`Athens` + `Olympics`), is an event.

use super::consistency::{name_of, written_as_person};
use super::features::PreparedDoc;
use super::TokenSpan;
use crate::model::EntityType;
use crate::text::Segments;
use std::collections::HashSet;

/// Nouns for works written before their title (`the film X`). Verbs that read the same (`play`,
/// `show`, `single out`) are left out.
const WORK_NOUNS: &[&str] = &[
    "film",
    "films",
    "movie",
    "comedy",
    "drama",
    "thriller",
    "musical",
    "novel",
    "book",
    "album",
    "song",
    "sitcom",
    "series",
    "documentary",
    "biopic",
    "epic",
    "opera",
    "programme",
    "soap",
    "cartoon",
    "blockbuster",
    "game",
];

/// Verbs and nouns that take a work after `in` (`her role in X`, `starred in X`).
const ROLE_IN: &[&str] = &[
    "role", "roles", "starred", "starring", "stars", "appeared", "appears",
];

/// Last words of event names.
const EVENT_WORDS: &[&str] = &[
    "olympics",
    "games",
    "marathon",
    "prix",
    "championships",
    "championship",
    "cup",
    "festival",
    "awards",
    "expo",
    "conference",
    "show",
    "trophy",
];

/// Retypes works and events as `MISC`, joining a place to the event words after it.
pub fn retype_works_and_events(
    text: &str,
    segments: &Segments,
    doc: &PreparedDoc,
    lowercase: bool,
    spans: &mut Vec<TokenSpan>,
) {
    let toks = &segments.tokens;
    let word = |i: usize| toks[i].span.slice(text);
    let lower = |i: usize| word(i).to_lowercase();
    let is_event_word = |i: usize| EVENT_WORDS.contains(&lower(i).as_str());
    let capital = |i: usize| word(i).starts_with(char::is_uppercase);
    // A place or organisation right before capitalised event words: one event.
    let mut merged: Vec<TokenSpan> = Vec::with_capacity(spans.len());
    let mut k = 0;
    while k < spans.len() {
        let mut s = spans[k];
        k += 1;
        if !lowercase && s.ty != EntityType::Misc {
            // Up to three capitalised words after the name, the last an event word.
            let run = (s.end..toks.len().min(s.end + 3))
                .take_while(|&i| capital(i))
                .last();
            let event_end = run.and_then(|last| (s.end..=last).rev().find(|&i| is_event_word(i)));
            if let Some(e) = event_end {
                s.end = e + 1;
                s.ty = EntityType::Misc;
                // The tagger's spans inside the event are part of it now.
                while k < spans.len() && spans[k].first < s.end {
                    s.end = s.end.max(spans[k].end);
                    k += 1;
                }
            }
        }
        if s.ty != EntityType::Misc && s.end - s.first > 1 && is_event_word(s.end - 1) {
            s.ty = EntityType::Misc;
        }
        merged.push(s);
    }
    *spans = merged;
    // Works: named after a work noun or `role in`.
    let mut works: HashSet<&str> = HashSet::new();
    for s in spans.iter() {
        let before = |d: usize| s.first.checked_sub(d).map(lower);
        let work_noun = |w: Option<String>| w.is_some_and(|w| WORK_NOUNS.contains(&w.as_str()));
        // `the film Sideways`, and `the film The Aviator` where the tagger left `The` out.
        let after_noun =
            work_noun(before(1)) || (before(1).as_deref() == Some("the") && work_noun(before(2)));
        let after_role = before(1).as_deref() == Some("in")
            && before(2).is_some_and(|w| ROLE_IN.contains(&w.as_str()));
        if after_noun || after_role {
            works.insert(name_of(text, segments, s));
        }
    }
    if works.is_empty() {
        return;
    }
    let as_person = written_as_person(text, segments, doc, spans);
    for s in spans.iter_mut() {
        let n = name_of(text, segments, s);
        if works.contains(n) && !as_person.contains(n) {
            s.ty = EntityType::Misc;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::entities::{features, Gazetteer};
    use crate::format::Format;
    use crate::text::segment;
    use EntityType::{Loc, Misc, Org, Per};

    /// The spans after the rule, as (text, type), of the spans given as (text, nth, type).
    fn after(
        text: &str,
        lowercase: bool,
        names: &[(&str, usize, EntityType)],
    ) -> Vec<(String, EntityType)> {
        let segs = segment(text, Format::Plain);
        let doc = features::prepare(text, &segs.tokens, &segs.sentences, &Gazetteer::default());
        let mut spans = super::super::token_spans_at(text, &segs, names);
        retype_works_and_events(text, &segs, &doc, lowercase, &mut spans);
        spans
            .iter()
            .map(|s| (name_of(text, &segs, s).to_string(), s.ty))
            .collect()
    }

    fn own(v: &[(&str, EntityType)]) -> Vec<(String, EntityType)> {
        v.iter().map(|(n, t)| (n.to_string(), *t)).collect()
    }

    #[test]
    fn titles_after_work_nouns_are_works_in_the_whole_document() {
        let text =
            "Her new film Silver Harbour Girl opens in May. Silver Harbour Girl cost little. \
                    He won praise for his role in Kings of Dunmore. The novel Aldous ran long.";
        let got = after(
            text,
            false,
            &[
                ("Silver Harbour Girl", 0, Per),
                ("Silver Harbour Girl", 1, Loc),
                ("Kings of Dunmore", 0, Org),
                ("Aldous", 0, Per),
            ],
        );
        assert!(got.iter().all(|(_, t)| *t == Misc), "{got:?}");
    }

    #[test]
    fn a_person_after_a_work_noun_stays_a_person() {
        let text = "The film Ray Doyle made won. Ray Doyle said so. Mr Doyle smiled.";
        let got = after(text, false, &[("Ray Doyle", 0, Per), ("Ray Doyle", 1, Per)]);
        assert!(got.iter().all(|(_, t)| *t == Per), "{got:?}");
    }

    #[test]
    fn places_before_event_words_make_one_event() {
        let text =
            "She ran the Harlow Marathon before the Tarvik Olympics and the Dunmere Grand Prix.";
        let got = after(
            text,
            false,
            &[
                ("Harlow Marathon", 0, Loc),
                ("Tarvik", 0, Loc),
                ("Olympics", 0, Misc),
                ("Dunmere", 0, Loc),
            ],
        );
        assert_eq!(
            got,
            own(&[
                ("Harlow Marathon", Misc),
                ("Tarvik Olympics", Misc),
                ("Dunmere Grand Prix", Misc)
            ])
        );
        // A place before lowercase words is a place; in a dump only the tagger's span counts.
        let plain = "Flights to Tarvik resumed.";
        assert_eq!(
            after(plain, false, &[("Tarvik", 0, Loc)]),
            own(&[("Tarvik", Loc)])
        );
        let dump = "the tarvik olympics opened";
        assert_eq!(
            after(dump, true, &[("tarvik", 0, Loc)]),
            own(&[("tarvik", Loc)])
        );
    }
}
