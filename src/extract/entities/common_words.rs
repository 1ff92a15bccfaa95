//! Capitalised words that are no names: a one-word span the tagger made of a common word that
//! is capitalised only because it opens a sentence (`Within`, `Given`, `Thank`), and a plural
//! of an abbreviation (`MPs`, `MSPs`, `CEOs`), which counts people or things and names nobody.

use super::cues;
use super::features::PreparedDoc;
use super::TokenSpan;
use crate::model::EntityType;
use crate::text::{Segments, TokenKind};
use std::collections::HashSet;

/// True for a plural of an abbreviation: two or more capitals, then a lowercase `s`.
fn plural_abbreviation(w: &str) -> bool {
    w.strip_suffix('s').is_some_and(|stem| {
        stem.chars().count() >= 2 && stem.chars().all(|c| c.is_ascii_uppercase())
    })
}

/// Drops the spans of cased text that name nothing (see the module comment). A sentence-opening
/// word goes when it is a function word, or when the document also writes it in lowercase (the
/// word is common here) and the lexicon knows it as no name.
pub fn drop_common_words(
    text: &str,
    segments: &Segments,
    doc: &PreparedDoc,
    lowercase: bool,
    spans: &mut Vec<TokenSpan>,
) {
    if lowercase {
        return;
    }
    let toks = &segments.tokens;
    let word = |i: usize| toks[i].span.slice(text);
    let mut lower_words: Option<HashSet<&str>> = None;
    let sentence_start = |i: usize| {
        let k = doc.sentences.partition_point(|s| s.1 <= i);
        doc.sentences.get(k).map_or(0, |s| s.0)
    };
    spans.retain(|s| {
        if s.end - s.first != 1 {
            return true;
        }
        let w = word(s.first);
        if s.ty == EntityType::Per && plural_abbreviation(w) {
            return false;
        }
        let opens = (sentence_start(s.first)..s.first).all(|k| toks[k].kind == TokenKind::Punct);
        if !opens || !w.starts_with(char::is_uppercase) {
            return true;
        }
        let lower = w.to_lowercase();
        if cues::is_function_word(&lower) {
            return false;
        }
        let common = lower_words
            .get_or_insert_with(|| {
                toks.iter()
                    .filter(|t| t.kind == TokenKind::Word)
                    .map(|t| t.span.slice(text))
                    .filter(|w| w.starts_with(char::is_lowercase))
                    .collect()
            })
            .contains(lower.as_str());
        !(common && doc.lex(s.first) == 0)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::entities::{features, token_spans_at, Gazetteer};
    use crate::format::Format;
    use crate::text::segment;

    fn kept(text: &str, names: &[(&str, usize, EntityType)]) -> Vec<String> {
        let segs = segment(text, Format::Plain);
        let doc = features::prepare(text, &segs.tokens, &segs.sentences, &Gazetteer::default());
        let mut spans = token_spans_at(text, &segs, names);
        drop_common_words(text, &segs, &doc, false, &mut spans);
        spans
            .iter()
            .map(|s| super::super::consistency::name_of(text, &segs, s).to_string())
            .collect()
    }

    #[test]
    fn sentence_openers_that_are_common_words_here_are_no_names() {
        use EntityType::*;
        let text = "Within a week the plan failed. Nobody acted within the rules. \
                    Falk said so. Thank you, said Orla.";
        let names = [
            ("Within", 0, Per),
            ("Falk", 0, Per),
            ("Thank", 0, Per),
            ("Orla", 0, Per),
        ];
        // `Thank` is never written in lowercase here, so it stays (the tagger's call).
        assert_eq!(kept(text, &names), ["Falk", "Thank", "Orla"]);
        let opener = "It rained. Many left.";
        assert!(kept(opener, &[("It", 0, Per), ("Many", 0, Per)]).is_empty());
    }

    #[test]
    fn plurals_of_abbreviations_are_no_people() {
        use EntityType::*;
        let text = "Two MSPs and the CEOs met BT officials.";
        let names = [("MSPs", 0, Per), ("CEOs", 0, Per), ("BT", 0, Org)];
        assert_eq!(kept(text, &names), ["BT"]);
    }
}
