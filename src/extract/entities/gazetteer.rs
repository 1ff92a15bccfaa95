//! Phrase matching on token boundaries (aho-corasick), used by the corpus gazetteer and the
//! built-in lexicon.

use crate::model::EntityType;
use crate::text::Token;
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa, nfa, Anchored, MatchKind, StartKind};
use std::collections::HashMap;

/// A set of phrases (lowercase words joined by single spaces), each with a bit set of labels.
///
/// Matching walks the automaton anchored at each token start until it dies, so its cost is
/// linear in the text (times the longest phrase) whatever the number of phrases. A handful of
/// phrases (the names of one document) skip the automaton and are compared directly.
#[derive(Debug, Clone, Default)]
pub struct PhraseMatcher {
    automaton: Matcher,
    bits: Vec<u32>,
}

/// How the phrases are searched.
#[derive(Debug, Clone, Default)]
enum Matcher {
    /// No phrase.
    #[default]
    Empty,
    /// Few phrases, sorted by first byte and then longest first; compared one by one.
    Small(Vec<(Vec<u8>, usize)>),
    /// A DFA (the fixed lexicon: slower to build, faster to run).
    Dfa(dfa::DFA),
    /// A contiguous NFA (corpus gazetteers: quick to build, compact).
    Nfa(nfa::contiguous::NFA),
}

/// Which [`Matcher`] to build.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Empty,
    Small,
    Dfa,
    Nfa,
}

/// Up to this many phrases are compared directly rather than compiled (building an automaton
/// costs more than a document's worth of comparisons).
const SMALL: usize = 64;

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
        let (pats, bits) = dedup(phrases);
        // A DFA runs fastest but takes long to build and much memory; the corpus matchers
        // use the contiguous NFA.
        let kind = match (dfa, pats.len()) {
            (_, 0) => Kind::Empty,
            (false, n) if n <= SMALL => Kind::Small,
            (true, n) if n < 20_000 => Kind::Dfa,
            _ => Kind::Nfa,
        };
        Self::with_kind(pats, bits, kind)
    }

    fn with_kind(pats: Vec<String>, bits: Vec<u32>, kind: Kind) -> Self {
        let automaton = match kind {
            Kind::Empty => Matcher::Empty,
            Kind::Small => {
                let mut small: Vec<(Vec<u8>, usize)> = pats
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| (p.into_bytes(), i))
                    .collect();
                small.sort_by(|a, b| a.0[0].cmp(&b.0[0]).then(b.0.len().cmp(&a.0.len())));
                Matcher::Small(small)
            }
            Kind::Dfa => dfa::Builder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(StartKind::Anchored)
                .ascii_case_insensitive(true)
                .prefilter(false)
                .build(&pats)
                .map_or(Matcher::Empty, Matcher::Dfa),
            Kind::Nfa => nfa::contiguous::Builder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(true)
                .prefilter(false)
                .build(&pats)
                .map_or(Matcher::Empty, Matcher::Nfa),
        };
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
        match &self.automaton {
            Matcher::Empty => Vec::new(),
            Matcher::Small(p) => self.scan(tokens, |k| longest_small(p, text, tokens, k)),
            Matcher::Dfa(a) => self.scan(tokens, |k| longest_walk(a, text, tokens, k)),
            Matcher::Nfa(a) => self.scan(tokens, |k| longest_walk(a, text, tokens, k)),
        }
    }

    /// [`PhraseMatcher::find`] for a document whose tokens are numbered by word type (`types[k]`
    /// is the same for tokens with the same text, below `n_types`): the walk through each
    /// word is remembered per type, so a word no phrase starts with costs one look-up.
    pub fn find_typed(
        &self,
        text: &str,
        tokens: &[Token],
        types: &[u32],
        n_types: usize,
    ) -> Vec<PhraseMatch> {
        debug_assert_eq!(types.len(), tokens.len());
        let mut memo = vec![After::Unknown; n_types];
        let mut typed = |aut: &dyn Fn(usize, &mut After) -> Longest| {
            self.scan(tokens, |k| match types.get(k) {
                Some(&t) if (t as usize) < n_types => aut(k, &mut memo[t as usize]),
                _ => aut(k, &mut After::Unknown),
            })
        };
        match &self.automaton {
            Matcher::Empty => Vec::new(),
            Matcher::Small(p) => self.scan(tokens, |k| longest_small(p, text, tokens, k)),
            Matcher::Dfa(a) => typed(&|k, m| longest_walk_memo(a, text, tokens, k, m)),
            Matcher::Nfa(a) => typed(&|k, m| longest_walk_memo(a, text, tokens, k, m)),
        }
    }

    /// Left to right: the longest phrase at each token (last token, pattern), then past it.
    fn scan(
        &self,
        tokens: &[Token],
        mut longest: impl FnMut(usize) -> Option<(usize, usize)>,
    ) -> Vec<PhraseMatch> {
        let mut out = Vec::new();
        let mut k = 0;
        while k < tokens.len() {
            if let Some((end_tok, pattern)) = longest(k) {
                out.push(PhraseMatch {
                    first: k,
                    end: end_tok + 1,
                    bits: self.bits[pattern],
                });
                k = end_tok + 1;
            } else {
                k += 1;
            }
        }
        out
    }
}

/// Normalised phrases without repeats, and their merged bits.
fn dedup<I: IntoIterator<Item = (String, u32)>>(phrases: I) -> (Vec<String>, Vec<u32>) {
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
    (pats, bits)
}

/// The index of the token ending exactly at byte `end`, searching from token `from`.
#[inline]
fn token_ending_at(tokens: &[Token], from: usize, end: usize) -> Option<usize> {
    let j = from + tokens[from..].partition_point(|t| t.span.end() < end);
    (j < tokens.len() && tokens[j].span.end() == end).then_some(j)
}

/// The longest phrase that starts at token `k` and ends where a token ends: walks the
/// anchored automaton byte by byte until it dies, keeping the last match at a token end.
///
/// A phrase may end inside a word (`liu he` in `liu held`), so a match counts only at a token
/// end, and a shorter phrase (`liu`) still wins there. Matches a state carries from a suffix
/// (they start after the token) are skipped, as the crate's own anchored search does.
fn longest_walk<A: Automaton>(
    aut: &A,
    text: &str,
    tokens: &[Token],
    k: usize,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let start = tokens[k].span.start();
    let sid = aut.start_state(Anchored::Yes).ok()?;
    walk_on(aut, bytes, tokens, k, start, start, sid, None)
}

/// The longest phrase at a token: its last token and its pattern.
type Longest = Option<(usize, usize)>;

/// Where the anchored walk stands after one whole word (remembered per word type).
#[derive(Debug, Clone, Copy)]
enum After {
    /// Not walked yet.
    Unknown,
    /// No phrase starts with the word.
    Dead,
    /// The state after the word, and the phrase that is the word itself.
    Alive(StateID, Option<usize>),
}

/// [`longest_walk`] with the walk through token `k`'s own bytes taken from (or stored in) `memo`.
fn longest_walk_memo<A: Automaton>(
    aut: &A,
    text: &str,
    tokens: &[Token],
    k: usize,
    memo: &mut After,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let (start, word_end) = (tokens[k].span.start(), tokens[k].span.end());
    if let After::Unknown = memo {
        *memo = After::Dead;
        let mut sid = aut.start_state(Anchored::Yes).ok()?;
        for &b in bytes.get(start..word_end)? {
            sid = aut.next_state(Anchored::Yes, sid, b);
            if aut.is_dead(sid) {
                return None;
            }
        }
        // Only a match ending with the word counts; one inside it ends on no token boundary.
        let whole = aut.is_match(sid).then(|| aut.match_pattern(sid, 0));
        let whole = whole.filter(|&p| aut.pattern_len(p) == word_end - start);
        *memo = After::Alive(sid, whole.map(|p| p.as_usize()));
    }
    let After::Alive(sid, whole) = *memo else {
        return None;
    };
    walk_on(
        aut,
        bytes,
        tokens,
        k,
        start,
        word_end,
        sid,
        whole.map(|p| (k, p)),
    )
}

/// Walks on from state `sid` at byte `from` until the automaton dies, keeping the last match
/// that began at `start` (token `k`) and ends at a token end; `best` is the match so far.
#[allow(clippy::too_many_arguments)]
fn walk_on<A: Automaton>(
    aut: &A,
    bytes: &[u8],
    tokens: &[Token],
    k: usize,
    start: usize,
    from: usize,
    mut sid: StateID,
    mut best: Option<(usize, usize)>,
) -> Option<(usize, usize)> {
    let mut j = k;
    for (at, &b) in bytes.iter().enumerate().skip(from) {
        sid = aut.next_state(Anchored::Yes, sid, b);
        if aut.is_dead(sid) {
            break;
        }
        if aut.is_match(sid) {
            let end = at + 1;
            let pid = aut.match_pattern(sid, 0);
            if end - aut.pattern_len(pid) == start {
                if let Some(t) = token_ending_at(tokens, j, end) {
                    best = Some((t, pid.as_usize()));
                    j = t;
                }
            }
        }
    }
    best
}

/// [`longest_walk`] for a few phrases: the first (longest) phrase with the token's first byte
/// that the text spells from the token start (ASCII case aside) up to a token end.
fn longest_small(
    phrases: &[(Vec<u8>, usize)],
    text: &str,
    tokens: &[Token],
    k: usize,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let start = tokens[k].span.start();
    let first = bytes.get(start)?.to_ascii_lowercase();
    let from = phrases.partition_point(|(p, _)| p[0] < first);
    phrases[from..]
        .iter()
        .take_while(|(p, _)| p[0] == first)
        .find_map(|(p, pattern)| {
            let end = start + p.len();
            let same = bytes
                .get(start..end)
                .is_some_and(|s| s.eq_ignore_ascii_case(p));
            same.then(|| token_ending_at(tokens, k, end))
                .flatten()
                .map(|t| (t, *pattern))
        })
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

    /// [`Gazetteer::find`] for tokens numbered by word type ([`PhraseMatcher::find_typed`]).
    pub fn find_typed(
        &self,
        text: &str,
        tokens: &[Token],
        types: &[u32],
        n_types: usize,
    ) -> Vec<PhraseMatch> {
        self.matcher.find_typed(text, tokens, types, n_types)
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
                let s = toks[m.first].span.start();
                let e = toks[m.end - 1].span.end();
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

/// The matcher as it was before the automaton walk: `aho_corasick::AhoCorasick` searches retried
/// with a shorter range. The fast paths must give exactly its matches.
#[cfg(test)]
mod reference {
    use super::*;
    use aho_corasick::{AhoCorasick, AhoCorasickKind, Input};

    pub fn find(pats: &[String], bits: &[u32], text: &str, tokens: &[Token]) -> Vec<PhraseMatch> {
        let mut out = Vec::new();
        let Ok(ac) = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(pats)
        else {
            return out;
        };
        let mut k = 0;
        while k < tokens.len() {
            let start = tokens[k].span.start();
            let mut limit = text.len();
            let mut found = None;
            while let Some(m) =
                ac.find(Input::new(text).range(start..limit).anchored(Anchored::Yes))
            {
                let end_tok = tokens[k..].partition_point(|t| t.span.end() < m.end()) + k;
                if end_tok < tokens.len() && tokens[end_tok].span.end() == m.end() {
                    found = Some((end_tok, m.pattern().as_usize()));
                    break;
                }
                if end_tok == k {
                    break;
                }
                limit = tokens[end_tok - 1].span.end();
            }
            if let Some((end_tok, pattern)) = found {
                out.push(PhraseMatch {
                    first: k,
                    end: end_tok + 1,
                    bits: bits[pattern],
                });
                k = end_tok + 1;
                continue;
            }
            k += 1;
        }
        out
    }
}

#[cfg(test)]
mod equivalence {
    use super::*;
    use crate::text::tokenize;
    use proptest::prelude::*;

    /// Words from a tiny vocabulary so phrases and texts overlap often, with case, non-ASCII
    /// letters, punctuation and words that run on (`liu` / `liuh`).
    fn word() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "liu", "Liu", "LIU", "he", "He", "held", "liuh", "of", "port", "tema", "Tema", "é",
            "É", "zoë", "Zoë", "u.s.", "U.S.", "o'neil", "-", ",", "ĳ", "k",
        ])
        .prop_map(str::to_string)
    }

    fn phrase() -> impl Strategy<Value = String> {
        prop::collection::vec(word(), 1..4).prop_map(|w| w.join(" "))
    }

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                word(),
                prop::sample::select(vec![" ", "  ", "\n", "", ". "]),
            ),
            0..30,
        )
        .prop_map(|v| v.into_iter().map(|(w, s)| w + s).collect())
    }

    /// Numbers tokens by their text.
    fn word_types(text: &str, toks: &[Token]) -> (Vec<u32>, usize) {
        let mut ids = HashMap::new();
        let types = toks
            .iter()
            .map(|t| {
                let n = ids.len() as u32;
                *ids.entry(t.span.slice(text)).or_insert(n)
            })
            .collect();
        (types, ids.len())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn every_matcher_finds_what_the_reference_finds(
            phrases in prop::collection::vec(phrase(), 0..12),
            text in text(),
        ) {
            let toks = tokenize(&text);
            let labelled: Vec<(String, u32)> =
                phrases.iter().enumerate().map(|(i, p)| (p.clone(), 1 << (i % 5))).collect();
            let (pats, bits) = dedup(labelled.clone());
            let want = reference::find(&pats, &bits, &text, &toks);
            for kind in [Kind::Small, Kind::Dfa, Kind::Nfa] {
                let kind = if pats.is_empty() { Kind::Empty } else { kind };
                let m = PhraseMatcher::with_kind(pats.clone(), bits.clone(), kind);
                prop_assert_eq!(&m.find(&text, &toks), &want, "{:?}", kind);
                let (types, n) = word_types(&text, &toks);
                prop_assert_eq!(&m.find_typed(&text, &toks, &types, n), &want, "{:?}", kind);
            }
            prop_assert_eq!(&PhraseMatcher::new(labelled.clone()).find(&text, &toks), &want);
            prop_assert_eq!(&PhraseMatcher::new_dfa(labelled).find(&text, &toks), &want);
        }
    }
}
