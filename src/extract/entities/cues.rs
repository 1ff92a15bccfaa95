//! Honorific and title cues around person names (`Mr. Liu`, `mr liu`, `Vice Premier Liu He`,
//! `treasury secretary steven mnuchin`).

use super::features::PreparedDoc;
use super::lexicon::Category;

/// Function words that never start a name after an honorific in lowercase text.
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "with",
    "by",
    "from",
    "as",
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "has",
    "had",
    "have",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "can",
    "said",
    "says",
    "who",
    "which",
    "that",
    "this",
    "these",
    "those",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "its",
    "our",
    "s",
    "t",
    "not",
    "no",
    "also",
    "if",
    "so",
    "than",
    "then",
    "there",
    "when",
    "where",
    "what",
    "how",
    "why",
    "all",
    "any",
    "some",
    "one",
    "two",
    "president",
    // Sentence openers that get glued onto a following name (`Both Foxx and Swank`).
    "both",
    "even",
    "other",
    "now",
    "yet",
    "still",
    "meanwhile",
    "however",
    "while",
    "after",
    "before",
    "since",
    "under",
    "only",
    "every",
    "each",
    "many",
    "such",
    // Adverbs that open sentences (`Later Mr Liu`, `Earlier Bowyer`).
    "later",
    "earlier",
    "today",
    "yesterday",
    "instead",
    "indeed",
    "perhaps",
];

/// True for a function word (lowercased) that cannot be a name on its own.
pub fn is_function_word(w: &str) -> bool {
    FUNCTION_WORDS.contains(&w)
}

/// The normalised cue text of tokens (`Mr.` -> `mr`, `Vice  Premier` -> `vice premier`).
pub fn cue_text<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.trim_end_matches('.').chars().flat_map(char::to_lowercase));
    }
    out
}

/// True when token `i` is an honorific.
pub fn is_honorific(doc: &PreparedDoc, i: usize) -> bool {
    doc.lex(i) & (1 << Category::Honorific as u32) != 0
}

/// The first token of a title cue ending just before token `name_start`, if there is one:
/// tokens in the title lexicon or title modifiers, the last one a title.
pub fn title_before(doc: &PreparedDoc, name_start: usize, sentence_start: usize) -> Option<usize> {
    let title = 1u32 << Category::Title as u32;
    let modifier = 1u32 << Category::TitleModifier as u32;
    if name_start <= sentence_start || doc.lex(name_start - 1) & title == 0 {
        return None;
    }
    let mut k = name_start - 1;
    while k > sentence_start && name_start - k < 4 && doc.lex(k - 1) & (title | modifier) != 0 {
        k -= 1;
    }
    // A title phrase cut in the middle (`vice` of `vice premier` only) is still a cue start.
    Some(k)
}
