//! The built-in lexicon: countries, cities, regions, waters, demonyms, honorifics, titles,
//! organisation cues, well-known organisations and given names (`data/lexicon/*.txt`).

use super::gazetteer::{PhraseMatch, PhraseMatcher};
use crate::text::Token;
use std::sync::OnceLock;

/// Lexicon categories; a phrase's bits are `1 << category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Category {
    /// Countries (LOC).
    Country = 0,
    /// Capitals and large cities (LOC).
    City,
    /// Continents, regions, states and provinces (LOC).
    Region,
    /// Seas, oceans, rivers, lakes (LOC).
    Water,
    /// Nationality adjectives and group names (MISC).
    Demonym,
    /// `mr`, `mrs.`, `dr`: kept in the mention's span.
    Honorific,
    /// `president`, `vice premier`, `spokesman`: a cue outside the name.
    Title,
    /// Words that can open a title (`commerce` in `commerce secretary`).
    TitleModifier,
    /// Words that mark organisation names (`Department`, `Technologies`).
    OrgCue,
    /// Organisations known by a short name (`NATO`, `Reuters`).
    Org,
    /// Common given names.
    FirstName,
}

/// Number of categories.
pub const CATEGORIES: usize = 11;

const FILES: [(Category, &str); CATEGORIES] = [
    (
        Category::Country,
        include_str!("../../../data/lexicon/countries.txt"),
    ),
    (
        Category::City,
        include_str!("../../../data/lexicon/cities.txt"),
    ),
    (
        Category::Region,
        include_str!("../../../data/lexicon/regions.txt"),
    ),
    (
        Category::Water,
        include_str!("../../../data/lexicon/waters.txt"),
    ),
    (
        Category::Demonym,
        include_str!("../../../data/lexicon/demonyms.txt"),
    ),
    (
        Category::Honorific,
        include_str!("../../../data/lexicon/honorifics.txt"),
    ),
    (
        Category::Title,
        include_str!("../../../data/lexicon/titles.txt"),
    ),
    (
        Category::TitleModifier,
        include_str!("../../../data/lexicon/title_modifiers.txt"),
    ),
    (
        Category::OrgCue,
        include_str!("../../../data/lexicon/org_cues.txt"),
    ),
    (
        Category::Org,
        include_str!("../../../data/lexicon/orgs.txt"),
    ),
    (
        Category::FirstName,
        include_str!("../../../data/lexicon/first_names.txt"),
    ),
];

/// The entries of one category, as written in its file.
pub fn entries(cat: Category) -> impl Iterator<Item = &'static str> {
    FILES[cat as usize]
        .1
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn matcher() -> &'static PhraseMatcher {
    static M: OnceLock<PhraseMatcher> = OnceLock::new();
    M.get_or_init(|| {
        PhraseMatcher::new_dfa(
            FILES
                .iter()
                .flat_map(|(c, _)| entries(*c).map(move |e| (e.to_string(), 1u32 << (*c as u32)))),
        )
    })
}

/// The lexicon phrases in a text, longest first, on token boundaries.
pub fn find(text: &str, tokens: &[Token]) -> Vec<PhraseMatch> {
    matcher().find(text, tokens)
}

/// [`find`] for tokens numbered by word type (see [`PhraseMatcher::find_typed`]).
pub fn find_typed(text: &str, tokens: &[Token], types: &[u32], n_types: usize) -> Vec<PhraseMatch> {
    matcher().find_typed(text, tokens, types, n_types)
}

/// True when the lowercased `word` is in category `cat` on its own.
pub fn contains(cat: Category, word: &str) -> bool {
    static SETS: OnceLock<Vec<std::collections::HashSet<String>>> = OnceLock::new();
    let sets = SETS.get_or_init(|| {
        FILES
            .iter()
            .map(|(c, _)| entries(*c).map(str::to_string).collect())
            .collect()
    });
    sets[cat as usize].contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn multiword_entries_win_over_their_parts() {
        let text = "the South China Sea and new york city near Vice Premier";
        let toks = tokenize(text);
        let found: Vec<(&str, u32)> = find(text, &toks)
            .iter()
            .map(|m| {
                (
                    &text[toks[m.first].span.start()..toks[m.end - 1].span.end()],
                    m.bits,
                )
            })
            .collect();
        assert!(found.contains(&("South China Sea", 1 << Category::Water as u32)));
        assert!(found.contains(&("new york city", 1 << Category::City as u32)));
        assert!(found.contains(&("Vice Premier", 1 << Category::Title as u32)));
        assert!(contains(Category::Honorific, "mr"));
        assert!(!contains(Category::Honorific, "liu"));
    }
}
