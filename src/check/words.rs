//! Content words for matching figures: lowercase, stop words dropped, crude stems, a few synonyms.
//!
//! Notes restate articles in other words; matching on stems and a handful of synonyms
//! (`workers` ~ `employees`, `gap` ~ `deficit`) lets the same quantity meet across wordings.

use crate::model::Span;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

/// One content word: its matching key and where it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The normalised key (stemmed, synonyms folded).
    pub key: String,
    /// The surface form, lowercased, for messages.
    pub surface: String,
    /// Source bytes.
    pub span: Span,
}

/// Words too common to say what a figure measures.
const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "almost",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "around",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "least",
    "less",
    "like",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "nearly",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "own",
    "per",
    "roughly",
    "said",
    "same",
    "say",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "s",
    "t",
    "mr",
    "mrs",
    "ms",
    "dr",
    "according",
    "some",
    "approximately",
    "exactly",
    "just",
    "note",
    "notes",
    "article",
    "articles",
    "source",
    "sources",
    "states",
    "stated",
    "reports",
    "reported",
    "reportedly",
    "around",
    "within",
    "without",
    "onto",
    "via",
    "there",
    "still",
    "yet",
    "got",
    "get",
    "gets",
    "put",
    "made",
    "make",
    "makes",
    "take",
    "took",
    "new",
    "zero",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
    "trillion",
    "bn",
    "mn",
    "m",
    "k",
    "percent",
    "per cent",
    "pct",
    "dollar",
    "dollars",
    "usd",
    "yuan",
    "euro",
    "euros",
    "pound",
    "pounds",
    "half",
    "third",
    "thirds",
    "quarter",
    "quarters",
    "fifth",
    "fifths",
    "first",
    "second",
    "last",
    "next",
    "previous",
    "later",
    "earlier",
    "already",
    "nbsp",
    "story",
    "stories",
    "piece",
    "count",
    "figure",
    "figures",
    "total",
];

/// Month and weekday names: dates are matched by value, so these say little about the subject.
const CALENDAR: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Folds of words that name the same measured thing, to the first word of each group.
const SYNONYMS: &[&[&str]] = &[
    &[
        "employee",
        "worker",
        "staff",
        "staffer",
        "workforce",
        "employ",
        "employs",
        "employed",
    ],
    &["deficit", "gap", "imbalance", "shortfall", "surplus"],
    &["tariff", "duty", "duties", "levy", "levies"],
    &["purchase", "buy", "buying", "bought", "purchasing"],
    &["import", "imported", "importing"],
    &[
        "export",
        "exported",
        "exporting",
        "shipment",
        "sale",
        "sell",
        "selling",
        "sold",
    ],
    &["ban", "prohibition", "embargo"],
    &["loss", "lose", "losing", "lost", "losses"],
    &["penalty", "fine", "sanction"],
    &[
        "talk",
        "negotiation",
        "negotiate",
        "negotiated",
        "meeting",
        "summit",
    ],
    &["good", "product", "merchandise"],
    &["company", "firm", "corporation"],
    &[
        "end",
        "ended",
        "ending",
        "close",
        "closed",
        "conclude",
        "concluded",
        "finish",
        "finished",
    ],
    &["begin", "began", "start", "started", "open", "opened"],
    &[
        "cut",
        "reduction",
        "reduce",
        "reducing",
        "narrow",
        "narrowing",
        "trim",
    ],
    &[
        "us",
        "u.s",
        "usa",
        "america",
        "american",
        "washington",
        "united",
    ],
    &["china", "chinese", "beijing"],
    &["year", "annual", "annually", "yearly"],
];

/// Stop and calendar words as a set: a linear scan of the lists (memcmp per entry) was a
/// tenth of a whole-corpus `check`.
fn stop_set() -> &'static FxHashSet<&'static str> {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP.iter().chain(CALENDAR).copied().collect())
}

/// Each synonym form to its group's first word (the first group holding a form wins, as the
/// lists read).
fn group_map() -> &'static FxHashMap<&'static str, &'static str> {
    static MAP: OnceLock<FxHashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = FxHashMap::default();
        for g in SYNONYMS {
            for w in *g {
                m.entry(*w).or_insert(g[0]);
            }
        }
        m
    })
}

/// True for a stop word.
pub fn is_stop(w: &str) -> bool {
    stop_set().contains(w)
}

/// The synonym group key of a word form, if it is in one.
fn group_of(w: &str) -> Option<&'static str> {
    group_map().get(w).copied()
}

/// Strips plural endings (`tariffs` -> `tariff`, `taxes` -> `tax`).
fn singular(w: &str) -> &str {
    let n = w.len();
    if n > 4
        && (w.ends_with("sses") || w.ends_with("shes") || w.ends_with("ches") || w.ends_with("xes"))
    {
        &w[..n - 2]
    } else if n > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("ies")
    {
        &w[..n - 1]
    } else {
        w
    }
}

/// A crude English stem: plural, `-ed` / `-ing`, a final `e` and a doubled last consonant go, so
/// `dated`, `dates` and `date` meet, as do `stopped` and `stop`.
pub fn stem(w: &str) -> String {
    let w = w.trim_matches('\'');
    if w.len() > 4 && w.ends_with("ies") {
        return format!("{}y", &w[..w.len() - 3]);
    }
    let mut s = singular(w).to_string();
    for suffix in ["ing", "ed"] {
        if s.len() >= suffix.len() + 3 && s.ends_with(suffix) {
            s.truncate(s.len() - suffix.len());
            break;
        }
    }
    if s.len() > 3 && s.ends_with('e') {
        s.pop();
    }
    let b = s.as_bytes();
    if b.len() > 3 && b[b.len() - 1] == b[b.len() - 2] && !b"aeiouls".contains(&b[b.len() - 1]) {
        s.pop();
    }
    s
}

/// Keys are cut to this many characters, a crude stemmer that meets `threatened` and `threat`.
const KEY_CHARS: usize = 6;

/// The matching key of a lowercase word: synonym fold (of the word, its singular or its stem),
/// else the stem cut to [`KEY_CHARS`].
pub fn key(lower: &str) -> String {
    let st = stem(lower);
    if let Some(g) = group_of(lower)
        .or_else(|| group_of(singular(lower)))
        .or_else(|| group_of(&st))
    {
        return g.to_string();
    }
    st.chars().take(KEY_CHARS).collect()
}

/// The content words of `text[range]`, with source spans (offset by `range.start`).
///
/// A word's keys depend only on its token (the run of letters, digits and inner `'-.` that holds
/// it), so each token's words are computed once per thread and reused: lowercasing, stemming and
/// the stop-word test were most of a whole-corpus `check`.
pub fn content_words(text: &str, range: Span) -> Vec<Word> {
    let range = clamp(text, range);
    let mut out = Vec::new();
    with_tokens(text, range, |s, words| {
        out.extend(words.iter().map(|w| Word {
            key: w.key.to_string(),
            surface: w.surface.to_string(),
            span: Span::new(s + w.start, s + w.end),
        }));
    });
    out
}

/// Calls `f` with the key hash of every content word of `text`, in no set order (the words of
/// [`content_words`] without building them: an article's terms need only their hashes).
pub fn for_each_key_hash(text: &str, mut f: impl FnMut(u64)) {
    with_tokens(text, Span::new(0, text.len()), |_, words| {
        words.iter().for_each(|w| f(w.hash));
    });
}

/// One content word of a token, as cached: key, surface and bytes relative to the token.
struct TokenWord {
    key: Box<str>,
    hash: u64,
    surface: Box<str>,
    start: usize,
    end: usize,
}

/// Distinct tokens a thread keeps before its cache starts afresh (bounds a server's memory).
const TOKEN_CACHE_MAX: usize = 200_000;

thread_local! {
    static TOKENS: std::cell::RefCell<FxHashMap<Box<str>, Box<[TokenWord]>>> =
        std::cell::RefCell::new(FxHashMap::default());
}

/// Walks the tokens of `text[range]` (already clamped) in order, calling `f(start, words)` with
/// each token's source offset and its content words (cached per thread; `f` must not walk).
fn with_tokens(text: &str, range: Span, mut f: impl FnMut(usize, &[TokenWord])) {
    let slice = &text[range.start()..range.end()];
    TOKENS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let mut token = |s: usize, e: usize| {
            let raw = &slice[s..e];
            if let Some(ws) = cache.get(raw) {
                f(range.start() + s, ws);
                return;
            }
            let ws: Box<[TokenWord]> = token_words(raw).into_boxed_slice();
            f(range.start() + s, &ws);
            if cache.len() >= TOKEN_CACHE_MAX {
                cache.clear();
            }
            cache.insert(raw.into(), ws);
        };
        let mut start: Option<usize> = None;
        let mut it = slice.char_indices().peekable();
        while let Some((off, c)) = it.next() {
            // Inner apostrophes and hyphens keep a word together (`China's`, `high-tech`).
            let inner = (c == '\'' || c == '’' || c == '-' || c == '.')
                && start.is_some()
                && it.peek().is_some_and(|(_, d)| d.is_alphanumeric());
            if c.is_alphanumeric() || inner {
                if start.is_none() {
                    start = Some(off);
                }
            } else if let Some(s) = start.take() {
                token(s, off);
            }
        }
        if let Some(s) = start {
            token(s, slice.len());
        }
    });
}

/// The content words of one token (what the uncached walk gives for it alone).
fn token_words(raw: &str) -> Vec<TokenWord> {
    uncached_content_words(raw, Span::new(0, raw.len()))
        .into_iter()
        .map(|w| TokenWord {
            hash: super::facts::key_hash(&w.key),
            key: w.key.into_boxed_str(),
            surface: w.surface.into_boxed_str(),
            start: w.span.start(),
            end: w.span.end(),
        })
        .collect()
}

/// [`content_words`] computed afresh for every word (the reference the cache must equal).
fn uncached_content_words(text: &str, range: Span) -> Vec<Word> {
    let range = clamp(text, range);
    let slice = &text[range.start()..range.end()];
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let bytes: Vec<(usize, char)> = slice.char_indices().collect();
    let flush = |s: usize, e: usize, out: &mut Vec<Word>| {
        let raw = &slice[s..e];
        let lower = raw.to_lowercase();
        let lower = lower.trim_matches(|c: char| c == '\'' || c == '-');
        let lower = lower.strip_suffix("'s").unwrap_or(lower);
        if lower.chars().count() < 2 || is_stop(lower) || !lower.chars().any(|c| c.is_alphabetic())
        {
            return;
        }
        out.push(Word {
            key: key(lower),
            surface: lower.to_string(),
            span: Span::new(range.start() + s, range.start() + e),
        });
    };
    for (i, &(off, c)) in bytes.iter().enumerate() {
        // Inner apostrophes and hyphens keep a word together (`China's`, `high-tech`).
        let inner = (c == '\'' || c == '’' || c == '-' || c == '.')
            && start.is_some()
            && bytes.get(i + 1).is_some_and(|(_, d)| d.is_alphanumeric());
        if c.is_alphanumeric() || inner {
            if start.is_none() {
                start = Some(off);
            }
        } else if let Some(s) = start.take() {
            flush(s, off, &mut out);
        }
    }
    if let Some(s) = start {
        flush(s, slice.len(), &mut out);
    }
    // Hyphenated compounds also count by their parts (`70,000-employee`, `high-tech`).
    let mut parts = Vec::new();
    out.retain(|w| {
        !(w.surface.contains('-') && w.surface.chars().any(|c| c.is_ascii_digit())) || {
            parts.push(w.clone());
            false
        }
    });
    let compounds = std::mem::take(&mut parts);
    for w in out.iter().chain(compounds.iter()) {
        if w.surface.contains('-') {
            let mut off = w.span.start();
            for p in text[w.span.start()..w.span.end()].split('-') {
                let lower = p.to_lowercase();
                if lower.len() >= 2 && !is_stop(&lower) && lower.chars().any(|c| c.is_alphabetic())
                {
                    parts.push(Word {
                        key: key(&lower),
                        surface: lower.clone(),
                        span: Span::new(off, off + p.len()),
                    });
                }
                off += p.len() + 1;
            }
        }
    }
    out.extend(parts);
    out.sort_by_key(|w| w.span.start());
    out
}

/// `span` cut to the text and to char boundaries.
pub fn clamp(text: &str, span: Span) -> Span {
    let mut s = span.start().min(text.len());
    let mut e = span.end().min(text.len()).max(s);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    while !text.is_char_boundary(e) {
        e += 1;
    }
    Span::new(s, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(t: &str) -> Vec<String> {
        content_words(t, Span::new(0, t.len()))
            .into_iter()
            .map(|w| w.key)
            .collect()
    }

    #[test]
    fn stems_and_synonyms_meet() {
        assert_eq!(keys("ZTE workers"), keys("zte employees"));
        assert_eq!(key("tariffs"), "tariff");
        assert_eq!(key("companies"), "company");
        assert_eq!(key("threatened"), key("threat"));
        assert_eq!(key("telecom"), key("telecommunications"));
        assert_eq!(key("dated"), key("dates"));
        assert_eq!(key("stopped"), key("stop"));
        assert_eq!(key("purchases"), "purchase");
        assert_eq!(key("employees"), "employee");
        assert_eq!(key("gap"), "deficit");
    }

    #[test]
    fn drops_stop_words_numbers_and_keeps_compound_parts() {
        assert_eq!(
            keys("the 70,000-employee company"),
            vec!["employee", "company"]
        );
        assert_eq!(keys("China's exports"), vec!["china", "export"]);
        assert!(keys("about 50 billion dollars").is_empty());
    }

    /// The cached walk gives exactly the words of the uncached one, on any range.
    fn assert_cached_equals_uncached(t: &str) {
        let n = t.len();
        for (a, b) in [
            (0, n),
            (3.min(n), n),
            (1.min(n), n.saturating_sub(2).max(1.min(n))),
        ] {
            let r = Span::new(a, b);
            assert_eq!(
                content_words(t, r),
                uncached_content_words(t, r),
                "{t:?} {a}..{b}"
            );
            // Twice: the second walk reads the cache.
            assert_eq!(
                content_words(t, r),
                uncached_content_words(t, r),
                "{t:?} {a}..{b}"
            );
        }
        let mut hashes: Vec<u64> = Vec::new();
        for_each_key_hash(t, |h| hashes.push(h));
        let mut want: Vec<u64> = uncached_content_words(t, Span::new(0, t.len()))
            .iter()
            .map(|w| crate::check::facts::key_hash(&w.key))
            .collect();
        hashes.sort_unstable();
        want.sort_unstable();
        assert_eq!(hashes, want, "{t:?}");
    }

    #[test]
    fn cached_words_equal_uncached_ones() {
        for t in [
            "ZTE's 70,000-employee high-tech U.S. plant -- won't re-open; 'quoted' word-",
            "Tariffs of 25% on $50bn of Chinese goods: co-operation, state-owned, O'Neill's.",
            "héllo wörld ÉCOLE’s naïve-café 3-d x-ray a.b.c 12.5-year-old",
            "",
            "-- ' . -a- 'b' c.",
        ] {
            assert_cached_equals_uncached(t);
        }
    }

    proptest::proptest! {
        #[test]
        fn cached_words_equal_uncached_ones_on_any_text(t in "[a-zA-Z0-9 '’.,-éÉ\n]{0,80}") {
            assert_cached_equals_uncached(&t);
        }
    }

    #[test]
    fn odd_ranges_do_not_panic() {
        let t = "héllo wörld";
        let _ = content_words(t, Span::new(2, 100));
        let _ = content_words("", Span::new(0, 0));
    }
}
