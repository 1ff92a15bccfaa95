//! Phrase matching on token boundaries (aho-corasick), used by the corpus gazetteer and the
//! built-in lexicon.

use crate::model::EntityType;
use crate::text::Token;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use std::collections::HashMap;

/// A set of phrases (lowercase words joined by single spaces), each with a bit set of labels.
///
/// Matching runs an anchored leftmost-longest search at each token start, so its cost is linear
/// in the text (times the longest phrase) whatever the number of phrases.
#[derive(Debug, Clone, Default)]
pub struct PhraseMatcher {
    automaton: Option<AhoCorasick>,
    bits: Vec<u32>,
}

/// One phrase found in a text: tokens `first..end` and the phrase's label bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    /// Index of the first token.
    pub first: usize,
    /// One past the last token.
    pub end: usize,
    /// Label bits of the phrase.
    pub bits: u32,
}

/// Lowercases and collapses whitespace, the form phrases are stored and matched in.
pub fn normalize_phrase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

impl PhraseMatcher {
    /// Builds a matcher; duplicate phrases merge their bits.
    pub fn new<I: IntoIterator<Item = (String, u32)>>(phrases: I) -> Self {
        Self::build(phrases, false)
    }

    /// Builds a matcher compiled to a DFA: slower to build, faster to run (the fixed lexicon).
    pub fn new_dfa<I: IntoIterator<Item = (String, u32)>>(phrases: I) -> Self {
        Self::build(phrases, true)
    }

    fn build<I: IntoIterator<Item = (String, u32)>>(phrases: I, dfa: bool) -> Self {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut pats: Vec<String> = Vec::new();
        let mut bits: Vec<u32> = Vec::new();
        for (p, b) in phrases {
            let p = normalize_phrase(&p);
            if p.is_empty() {
                continue;
            }
            match index.get(&p) {
                Some(&i) => bits[i] |= b,
                None => {
                    index.insert(p.clone(), pats.len());
                    pats.push(p);
                    bits.push(b);
                }
            }
        }
        if pats.is_empty() {
            return PhraseMatcher::default();
        }
        // A DFA runs fastest but takes long to build and much memory; the per-document and
        // corpus matchers use the contiguous NFA.
        let kind = if dfa && pats.len() < 20_000 {
            Some(AhoCorasickKind::DFA)
        } else {
            Some(AhoCorasickKind::ContiguousNFA)
        };
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .ascii_case_insensitive(true)
            .kind(kind)
            .build(&pats)
            .ok();
        PhraseMatcher { automaton, bits }
    }

    /// Number of distinct phrases.
    pub fn len(&self) -> usize {
        self.bits.len()
    }

    /// True when there is no phrase.
    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    /// The longest phrases starting and ending on token boundaries, left to right, not overlapping.
    ///
    /// The text's tokens must be separated by single spaces inside a phrase for it to match;
    /// non-ASCII letters match only in the case the phrase was stored in (lowercase).
    pub fn find(&self, text: &str, tokens: &[Token]) -> Vec<PhraseMatch> {
        let mut out = Vec::new();
        let Some(ac) = &self.automaton else {
            return out;
        };
        let mut k = 0;
        while k < tokens.len() {
            let start = tokens[k].span.start;
            let mut limit = text.len();
            let mut found = None;
            // The longest phrase may end inside a word (`liu he` in `liu held`): try again up to
            // the token end before it, so a shorter phrase (`liu`) still matches.
            while let Some(m) =
                ac.find(Input::new(text).range(start..limit).anchored(Anchored::Yes))
            {
                let end_tok = tokens[k..].partition_point(|t| t.span.end < m.end()) + k;
                if end_tok < tokens.len() && tokens[end_tok].span.end == m.end() {
                    found = Some((end_tok, m.pattern().as_usize()));
                    break;
                }
                if end_tok == k {
                    break;
                }
                limit = tokens[end_tok - 1].span.end;
            }
            if let Some((end_tok, pattern)) = found {
                out.push(PhraseMatch {
                    first: k,
                    end: end_tok + 1,
                    bits: self.bits[pattern],
                });
                k = end_tok + 1;
                continue;
            }
            k += 1;
        }
        out
    }
}

/// The corpus gazetteer: names learned from the corpus's cased files and the user's entities.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    names: Vec<(String, EntityType)>,
    matcher: PhraseMatcher,
}

/// Bit of an entity type in gazetteer label bits.
pub fn type_bit(ty: EntityType) -> u32 {
    match ty {
        EntityType::Per => 1,
        EntityType::Org => 2,
        EntityType::Loc => 4,
        EntityType::Misc => 8,
    }
}

/// The types whose bits are set, in PER, ORG, LOC, MISC order.
pub fn types_of(bits: u32) -> impl Iterator<Item = EntityType> {
    [
        EntityType::Per,
        EntityType::Org,
        EntityType::Loc,
        EntityType::Misc,
    ]
    .into_iter()
    .filter(move |t| bits & type_bit(*t) != 0)
}

impl Gazetteer {
    /// Builds a gazetteer from names and their types (any case; stored lowercased).
    pub fn new<I: IntoIterator<Item = (String, EntityType)>>(names: I) -> Self {
        let names: Vec<(String, EntityType)> = names
            .into_iter()
            .map(|(n, t)| (normalize_phrase(&n), t))
            .filter(|(n, _)| !n.is_empty())
            .collect();
        let matcher = PhraseMatcher::new(names.iter().map(|(n, t)| (n.clone(), type_bit(*t))));
        Gazetteer { names, matcher }
    }

    /// The lowercased names and types it was built from.
    pub fn names(&self) -> &[(String, EntityType)] {
        &self.names
    }

    /// True when it holds no name.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The gazetteer names found in a text on token boundaries (bits: [`type_bit`]).
    pub fn find(&self, text: &str, tokens: &[Token]) -> Vec<PhraseMatch> {
        self.matcher.find(text, tokens)
    }
}

impl FromIterator<(String, EntityType)> for Gazetteer {
    fn from_iter<I: IntoIterator<Item = (String, EntityType)>>(iter: I) -> Self {
        Gazetteer::new(iter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn found(g: &Gazetteer, text: &str) -> Vec<(String, u32)> {
        let toks = tokenize(text);
        g.find(text, &toks)
            .into_iter()
            .map(|m| {
                let s = toks[m.first].span.start;
                let e = toks[m.end - 1].span.end;
                (text[s..e].to_string(), m.bits)
            })
            .collect()
    }

    #[test]
    fn longest_names_on_token_boundaries() {
        let g = Gazetteer::new([
            ("Marta Okonjo".to_string(), EntityType::Per),
            ("Okonjo".to_string(), EntityType::Per),
            ("Marta".to_string(), EntityType::Per),
            ("Port of Tema".to_string(), EntityType::Org),
            ("Tema".to_string(), EntityType::Loc),
            ("tema".to_string(), EntityType::Org),
        ]);
        assert_eq!(
            found(
                &g,
                "marta okonjo ran the port of tema ; temas okonjo's Tema marta okonjos"
            ),
            [
                ("marta okonjo".to_string(), 1),
                ("port of tema".to_string(), 2),
                ("okonjo".to_string(), 1),
                ("Tema".to_string(), 6),
                ("marta".to_string(), 1),
            ]
        );
        assert!(found(&Gazetteer::default(), "marta okonjo").is_empty());
        assert!(found(&g, "").is_empty());
    }
}
