//! Content words for matching figures: lowercase, stop words dropped, crude stems, a few synonyms.
//!
//! Notes restate articles in other words; matching on stems and a handful of synonyms
//! (`workers` ~ `employees`, `gap` ~ `deficit`) lets the same quantity meet across wordings.

use crate::intern::{intern, IStr};
use crate::model::Span;
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::ControlFlow;
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
        "personnel",
        "headcount",
        "job",
        "person",
        "people",
    ],
    &["subscriber", "customer", "subscription"],
    // Not `share`: `shares rose 12%` is a price move, no holding.
    &["stake", "holding", "shareholding"],
    &["settlement", "deal", "agreement", "payoff", "payout"],
    &["profit", "earnings"],
    &["debt", "borrowing", "borrowings", "indebtedness"],
    &["unemployment", "jobless", "unemployed"],
    &[
        "fall", "fell", "fallen", "dip", "dipped", "slip", "slipped", "drop", "dropped", "decline",
        "declined", "slide", "slid", "shrank", "shrink", "lower",
    ],
    &[
        "rise",
        "rose",
        "risen",
        "grow",
        "grew",
        "growth",
        "climb",
        "climbed",
        "jump",
        "jumped",
        "increase",
        "increased",
        "gain",
        "gained",
        "higher",
    ],
    &[
        "collapse",
        "collapsed",
        "bust",
        "bankrupt",
        "bankruptcy",
        "failure",
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
        "revenue",
        "turnover",
        "delivery",
        "deliveries",
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
    with_tokens(|tokens| {
        tokens.walk(text, range, |span, w| {
            out.push(Word {
                key: w.key.to_string(),
                surface: w.surface.to_string(),
                span,
            });
            ControlFlow::Continue(())
        })
    });
    out
}

/// Calls `f` with the key hash of every content word of `text`, in no set order (the words of
/// [`content_words`] without building them: an article's terms need only their hashes).
pub fn for_each_key_hash(text: &str, mut f: impl FnMut(u64)) {
    with_tokens(|tokens| {
        for_each_token(text, |s, e| {
            let t = tokens.entry(&text[s..e]);
            // Most tokens have one word, whose hash the entry holds.
            match t.len {
                0 => {}
                1 => f(t.hash),
                _ => tokens.words[t.at()].iter().for_each(|w| f(w.hash)),
            }
            ControlFlow::Continue(())
        });
    });
}

/// One content word of a token, as cached: its key, surfaces and bytes within the token.
#[derive(Debug)]
pub struct TokenWord {
    /// The normalised key (stemmed, synonyms folded).
    pub key: IStr,
    /// Hash of `key` ([`crate::check::facts::key_hash`]).
    pub hash: u64,
    /// The surface form, lowercased.
    pub surface: IStr,
    /// The surface in the case written (`ZTE`; a possessive keeps its stem's case), else
    /// `surface`: what messages show.
    pub written: IStr,
    start: u32,
    end: u32,
}

/// Where a token's words are in [`Tokens::words`], and the first one's hash.
#[derive(Debug, Clone, Copy)]
struct Entry {
    hash: u64,
    start: u32,
    len: u32,
}

impl Entry {
    fn at(&self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// A thread's cache of token words. Tokens of up to 16 bytes (nearly all) are keyed inline
/// as a `u128` (no pointer to follow and compare: that was a tenth of `check`); tokens never
/// hold a NUL byte, so zero padding is unambiguous.
#[derive(Default)]
pub struct Tokens {
    short: FxHashMap<u128, Entry>,
    long: FxHashMap<Box<str>, Entry>,
    words: Vec<TokenWord>,
}

/// Distinct tokens a thread keeps before its cache starts afresh (bounds a server's memory).
const TOKEN_CACHE_MAX: usize = 200_000;

thread_local! {
    static TOKENS: std::cell::RefCell<Tokens> = std::cell::RefCell::new(Tokens::default());
}

/// Runs `f` with this thread's token cache (`f` must not call back into this module's walks;
/// the cache is emptied before `f` when it has grown past its bound, never during `f`).
pub fn with_tokens<R>(f: impl FnOnce(&mut Tokens) -> R) -> R {
    TOKENS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.short.len() + cache.long.len() >= TOKEN_CACHE_MAX {
            *cache = Tokens::default();
        }
        f(&mut cache)
    })
}

/// A token of up to 16 bytes as one number.
fn short_key(raw: &str) -> Option<u128> {
    let b = raw.as_bytes();
    (b.len() <= 16).then(|| {
        let mut k = [0u8; 16];
        k[..b.len()].copy_from_slice(b);
        u128::from_le_bytes(k)
    })
}

impl Tokens {
    /// The cached words of one token, computed at its first sight.
    fn entry(&mut self, raw: &str) -> Entry {
        let short = short_key(raw);
        let found = match short {
            Some(k) => self.short.get(&k),
            None => self.long.get(raw),
        };
        if let Some(e) = found {
            return *e;
        }
        let start = self.words.len() as u32;
        self.words.extend(token_words(raw));
        let len = self.words.len() as u32 - start;
        let e = Entry {
            hash: self.words.get(start as usize).map_or(0, |w| w.hash),
            start,
            len,
        };
        match short {
            Some(k) => self.short.insert(k, e),
            None => self.long.insert(raw.into(), e),
        };
        e
    }

    /// Calls `f(span, word)` for every content word of `text[range]` in order, until `f`
    /// breaks. `range` must lie on char boundaries.
    pub fn walk(
        &mut self,
        text: &str,
        range: Span,
        mut f: impl FnMut(Span, &TokenWord) -> ControlFlow<()>,
    ) {
        let (a, b) = (range.start(), range.end());
        for_each_token(&text[a..b], |s, e| {
            let t = self.entry(&text[a + s..a + e]);
            for w in &self.words[t.at()] {
                let span = Span::new(a + s + w.start as usize, a + s + w.end as usize);
                f(span, w)?;
            }
            ControlFlow::Continue(())
        });
    }
}

/// Calls `f(start, end)` with the bytes of every token of `text` in order, until `f` breaks.
fn for_each_token(text: &str, mut f: impl FnMut(usize, usize) -> ControlFlow<()>) {
    let mut start: Option<usize> = None;
    let mut it = text.char_indices().peekable();
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
            if f(s, off).is_break() {
                return;
            }
        }
    }
    if let Some(s) = start {
        let _ = f(s, text.len());
    }
}

/// The case-as-written surface of a word whose lowercase surface is `lower` and whose bytes
/// are `raw` (a possessive keeps the case of its stem), else `lower`.
fn written_of<'a>(raw: &'a str, lower: &'a str) -> &'a str {
    raw.get(..lower.len())
        .filter(|t| t.to_lowercase() == lower)
        .unwrap_or(lower)
}

/// The content words of one token (what the uncached walk gives for it alone).
fn token_words(raw: &str) -> Vec<TokenWord> {
    uncached_content_words(raw, Span::new(0, raw.len()))
        .into_iter()
        .map(|w| {
            let surface = intern(&w.surface);
            let written = written_of(w.span.slice(raw), &w.surface);
            TokenWord {
                hash: super::facts::key_hash(&w.key),
                key: intern(&w.key),
                written: if written == w.surface {
                    surface.clone()
                } else {
                    intern(written)
                },
                surface,
                start: w.span.start() as u32,
                end: w.span.end() as u32,
            }
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
