//! Figure facts: each figure with its comparable key, interval and the words around it, and the
//! index over the articles' facts that the rules query.
//!
//! The index is keyed by (dimension, unit), then by context word, so finding the candidates for a
//! note's figure touches only figures of the same kind that share a word with it.

use super::holder::Holder;
use super::quantity::{interval_of, key_of, Interval, Move, QuantityKey};
use super::when::Year;
use super::words;
use crate::corpus::{Corpus, FileText, SourceFile};
use crate::document::Encoding;
use crate::format::DocKind;
use crate::intern::IStr;
use crate::model::{EntityType, Figure, Span};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::{Arc, OnceLock};

mod pruned;
mod stored;
pub use pruned::{same_value, ValueIndex};

/// How many content words on each side of a figure count as its context.
const WINDOW: usize = 10;

/// A context word of a fact with its weight (nearer words weigh more).
#[derive(Debug, Clone, PartialEq)]
pub struct ContextWord {
    /// Matching key.
    pub key: IStr,
    /// Hash of `key`: contexts are sorted and merged by it, since string compares dominated.
    pub hash: u64,
    /// Surface form, for messages.
    pub surface: IStr,
    /// Weight in `0..=1`.
    pub weight: f32,
    /// True for part of a name (an entity mention, or capitalised away from a sentence start).
    pub is_name: bool,
    /// Source offset of its first occurrence (`u32::MAX` for the extractor's subject words).
    pub at: usize,
}

/// One figure of one file, ready to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// Root-relative path of its file.
    pub rel: Arc<str>,
    /// The figure.
    pub figure: Figure,
    /// Dimension and unit.
    pub key: QuantityKey,
    /// The values it allows.
    pub interval: Interval,
    /// The figure as written.
    pub written: Box<str>,
    /// 1-based line of its start.
    pub line: usize,
    /// The sentence it stands in (source bytes).
    pub sentence: Span,
    /// Context words, unique by key, sorted by key hash.
    pub context: Box<[ContextWord]>,
    /// Key hashes of the name tokens of the organisations named close to it (`ZTE`, `Huawei`),
    /// sorted.
    pub entities: Box<[u64]>,
    /// Key hashes of the extractor's measure words (`employee`, `tariff`), sorted.
    pub measures: Box<[u64]>,
    /// Hashes of its close context words that are not names, sorted: two facts can only have a
    /// close shared word (see [`Match::close_word`]) when these meet, a cheap first test.
    pub close: Box<[u64]>,
    /// Whose figure it is (the names of its segment and its subject).
    pub holder: Holder,
    /// A percentage's change (`rose 12%`, which way) or level (`a 12% stake`).
    pub moves: Move,
    /// The year it is for, when the text ties one to it.
    pub year: Option<Year>,
}

impl Fact {
    /// False for a change and a level (`rose 12%` and `an 18.8% stake`): never one quantity.
    pub fn same_kind(&self, other: &Fact) -> bool {
        !matches!(self.key.dim, "ratio" | "pp") || self.moves.is_change() == other.moves.is_change()
    }
}

impl Fact {
    /// True when the two facts' values can both be right.
    pub fn meets(&self, other: &Fact) -> bool {
        super::quantity::figures_meet(&self.figure, &self.interval, &other.figure, &other.interval)
    }

    /// True when `other` states what this fact states: values that meet, and not a rise
    /// against a fall (`slipped 11%` is not confirmed by `raise by 11%`).
    pub fn agrees(&self, other: &Fact) -> bool {
        self.meets(other) && !self.moves.opposes(other.moves)
    }
}

/// How many words (letter or digit runs) stand between two offsets.
fn words_between(text: &str, a: usize, b: usize) -> usize {
    let Some(t) = text.get(a.min(b)..b.max(a)) else {
        return usize::MAX;
    };
    t.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count()
}

/// Below this many facts of a kind, every one is scored.
const SCAN_ALL: usize = 4096;
/// Context words on more facts than this are too common to retrieve by.
const MAX_POSTING: usize = 20_000;
/// Retrieval stops adding postings past this many candidates.
const ENOUGH: usize = 2_000;
/// Candidates enough when only strong matches count (`sources-disagree` over a whole corpus).
const ENOUGH_STRONG: usize = 300;
/// Up to this many facts of a kind are all scored even for strong matches.
const SCAN_SMALL: usize = 1_000;

/// How many words away an organisation still says whose figure it is.
const ORG_REACH: usize = 6;

/// Weight from which a context word counts as close to its figure.
const CLOSE: f32 = 0.7;

/// The weight of a word `d` content words away from the figure.
fn proximity(d: usize) -> f32 {
    match d {
        0..=2 => 1.0,
        3..=6 => 0.7,
        _ => 0.4,
    }
}

/// The sentence holding `span` (else its paragraph, else its line) in `file`, whose text is `t`.
fn sentence_of(file: &SourceFile, t: &str, span: Span) -> Span {
    let a = &file.analysis;
    let p = span.start();
    let holds = |s: &Span| s.start() <= p && p < s.end().max(s.start() + 1);
    // Segments come in order (starts and ends never go back), so the ones holding `p` are a
    // run ending at the last that starts by `p`; the first of that run is the answer. A scan
    // from the top per figure made one big article quadratic.
    let find = |v: &[Span]| {
        let k = v.partition_point(|s| s.start() <= p);
        v[..k].iter().rev().take_while(|s| holds(s)).last().copied()
    };
    if let Some(s) = find(&a.sentences).or_else(|| find(&a.paragraphs)) {
        return s;
    }
    let start = t[..span.start().min(t.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = t[span.end().min(t.len())..]
        .find('\n')
        .map_or(t.len(), |i| span.end().min(t.len()) + i);
    Span::new(start, end.max(start))
}

/// How far (bytes) a clause reaches from its figure at most.
const REACH: usize = 600;

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The clause around `span` inside `sentence`: cut at blank lines, list items, headings and
/// sentence ends (`. ` before a capital), so a note's bullets do not read as one sentence.
fn clause_of(text: &str, sentence: Span, span: Span) -> Span {
    let s = words::clamp(text, sentence);
    let (a, b) = (
        span.start().clamp(s.start(), s.end()),
        span.end()
            .clamp(s.start(), s.end())
            .max(span.start().clamp(s.start(), s.end())),
    );
    let is_break = |i: usize| -> bool {
        // `i` is the byte just after a break candidate.
        let rest = &text[i..];
        let prev = text[..i].chars().next_back();
        match prev {
            Some('\n') => {
                let t = rest.trim_start_matches([' ', '\t']);
                t.starts_with('\n')
                    || t.starts_with("- ")
                    || t.starts_with("* ")
                    || t.starts_with("+ ")
                    || t.starts_with('#')
                    || t.starts_with('>')
                    || t.starts_with('|')
                    || t.split_once(". ").is_some_and(|(n, _)| {
                        !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit())
                    })
            }
            Some(' ') => {
                let before = text[..i - 1].chars().next_back();
                matches!(before, Some('.' | '!' | '?'))
                    && rest.chars().next().is_some_and(|c| c.is_uppercase() || c == '"')
                    // `Mr. Liu`, `U.S. exports`: a short word before the dot is no sentence end.
                    && text[..i - 2]
                        .rsplit(|c: char| c.is_whitespace())
                        .next()
                        .is_some_and(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 3)
            }
            _ => false,
        }
    };
    // Bounded look-around keeps long unsegmented dumps linear.
    let lo = floor_boundary(text, a.saturating_sub(REACH).max(s.start()));
    let hi = floor_boundary(text, (b + REACH).min(s.end()));
    let start = (lo..a)
        .rev()
        .filter(|&i| text.is_char_boundary(i) && i > s.start())
        .find(|&i| is_break(i))
        .unwrap_or(lo);
    let end = (b..hi)
        .filter(|&i| text.is_char_boundary(i) && i > b)
        .find(|&i| is_break(i))
        .map_or(hi, |i| i - 1);
    Span::new(start, end.max(start))
}

/// Spans in start order with the longest length: the ones that may overlap a span are found by
/// binary search (a superset; callers test the overlap).
struct ByStart {
    /// (start, index in the caller's list), sorted.
    starts: Vec<(usize, usize)>,
    longest: usize,
}

impl ByStart {
    fn new(spans: impl Iterator<Item = Span>) -> ByStart {
        let mut longest = 0;
        let mut starts: Vec<(usize, usize)> = spans
            .enumerate()
            .map(|(i, s)| {
                longest = longest.max(s.end().saturating_sub(s.start()));
                (s.start(), i)
            })
            .collect();
        starts.sort_unstable();
        ByStart { starts, longest }
    }

    /// Indices of the spans starting from `longest` bytes before `w` to its end, in start order.
    fn near(&self, w: Span) -> impl Iterator<Item = usize> + '_ {
        let lo = w.start().saturating_sub(self.longest);
        let a = self.starts.partition_point(|&(s, _)| s < lo);
        let b = self.starts.partition_point(|&(s, _)| s <= w.end());
        self.starts[a..b.max(a)].iter().map(|&(_, i)| i)
    }
}

/// The facts of one file, in figure order.
pub fn facts_of(file: &SourceFile) -> Vec<Fact> {
    words::with_tokens(|tokens| facts_with(tokens, file))
}

/// Up to [`WINDOW`] content words of `range` that `skip` does not take, nearest its end first,
/// as (span, key, hash, written surface). The walk starts shortly before the end, at a space
/// (no token crosses one, so the tail's tokens are those of a walk from `range`'s start), and
/// reaches further back only while it finds too few: a clause can be 600 bytes long.
fn words_before(
    tokens: &mut words::Tokens,
    text: &str,
    range: Span,
    skip: impl Fn(Span) -> bool,
) -> Vec<(Span, IStr, u64, IStr)> {
    let range = words::clamp(text, range);
    let mut back = 160;
    loop {
        let from = if range.end() - range.start() <= back {
            range.start()
        } else {
            text.as_bytes()[range.start()..range.end() - back]
                .iter()
                .rposition(u8::is_ascii_whitespace)
                .map_or(range.start(), |i| range.start() + i)
        };
        let mut found: Vec<(Span, IStr, u64, IStr)> = Vec::new();
        tokens.walk(text, Span::new(from, range.end()), |span, w| {
            if !skip(span) {
                found.push((span, w.key.clone(), w.hash, w.written.clone()));
            }
            ControlFlow::Continue(())
        });
        if found.len() >= WINDOW || from == range.start() {
            found.reverse();
            found.truncate(WINDOW);
            return found;
        }
        back *= 4;
    }
}

/// [`facts_of`] with the thread's token cache.
fn facts_with(tokens: &mut words::Tokens, file: &SourceFile) -> Vec<Fact> {
    let rel: Arc<str> = Arc::from(file.rel.as_str());
    let text = file.text();
    let text: &str = &text;
    let figs = &file.analysis.figures;
    // Words look up the figures and entities around them by position: a scan of all of them
    // per word made one huge article (a 2 MB line) quadratic.
    let fig_spans = ByStart::new(figs.iter().map(|f| f.span));
    let ents = &file.analysis.entities;
    let ent_spans = ByStart::new(ents.iter().map(|e| e.span));
    let in_figure = |w: Span| fig_spans.near(w).any(|i| figs[i].span.overlaps(&w));
    let mut out = Vec::new();
    for f in figs {
        let Some(key) = key_of(f) else { continue };
        let span = words::clamp(text, f.span);
        let sentence = clause_of(text, sentence_of(file, text, span), span);
        let names = |w: Span| -> bool {
            if ent_spans.near(w).any(|i| ents[i].span.overlaps(&w)) {
                return true;
            }
            let Some(t) = text.get(w.start()..w.end()) else {
                return false;
            };
            let before = text[..w.start()].trim_end_matches([' ', '*', '_', '"', '\'', '(']);
            // Acronyms (`ZTE`) are names anywhere; other capitals only away from a sentence start.
            if t.len() >= 2 && t.chars().all(|c| c.is_uppercase() || !c.is_alphabetic()) {
                return true;
            }
            t.chars().next().is_some_and(char::is_uppercase)
                && w.start() > sentence.start()
                && !before.ends_with(['.', '!', '?', ':', '\n', '#', '-', '>'])
                && !before.is_empty()
        };
        // Unique by key; a word's first occurrence gives its surface and name flag.
        let mut context: Vec<ContextWord> = Vec::with_capacity(2 * WINDOW);
        let mut add = |span: Span, key: &IStr, hash: u64, surface: &IStr, weight: f32| {
            if let Some(e) = context.iter_mut().find(|c| c.hash == hash && c.key == *key) {
                e.weight = e.weight.max(weight);
                e.at = e.at.min(span.start());
                return;
            }
            context.push(ContextWord {
                key: key.clone(),
                hash,
                surface: surface.clone(),
                weight,
                is_name: names(span),
                at: span.start(),
            });
        };
        let mut lo = span.start();
        let mut hi = span.end();
        // Distance counts every word in between, stop words included: `loss of $2.4 billion`
        // is closer than `$2.4 billion in the first half, with cash`.
        let before = Span::new(sentence.start().min(span.start()), span.start());
        for (w, key, hash, surface) in words_before(tokens, text, before, in_figure) {
            let d = words_between(text, w.end(), span.start());
            add(w, &key, hash, &surface, proximity(d));
            lo = lo.min(w.start());
        }
        let after = words::clamp(text, Span::new(span.end(), sentence.end().max(span.end())));
        let mut taken = 0;
        tokens.walk(text, after, |w, tw| {
            if in_figure(w) {
                return ControlFlow::Continue(());
            }
            let d = words_between(text, span.end(), w.start());
            add(w, &tw.key, tw.hash, &tw.written, proximity(d));
            hi = hi.max(w.end());
            taken += 1;
            if taken < WINDOW {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        });
        for s in &f.subject {
            // Subject words have no place in the text: their case is the extractor's.
            tokens.walk(s, Span::new(0, s.len()), |_, tw| {
                let nowhere = Span::new(usize::MAX, usize::MAX);
                add(nowhere, &tw.key, tw.hash, &tw.surface, 1.0);
                ControlFlow::Continue(())
            });
        }
        context.sort_by_key(|w| w.hash);
        let window = Span::new(lo, hi);
        let mut entities: Vec<u64> = Vec::new();
        for e in ent_spans.near(window).map(|i| &ents[i]) {
            if e.ty != EntityType::Org || !e.span.overlaps(&window) {
                continue;
            }
            // Close means within a few words: `Huawei employs 180,000`, `ZTE, a 70,000-employee`.
            let d = if e.span.end() <= span.start() {
                words_between(text, e.span.end(), span.start())
            } else {
                words_between(text, span.end(), e.span.start())
            };
            if d <= ORG_REACH {
                tokens.walk(text, words::clamp(text, e.name), |_, w| {
                    entities.push(w.hash);
                    ControlFlow::Continue(())
                });
            }
        }
        entities.sort_unstable();
        entities.dedup();
        let mut measures: Vec<u64> = f
            .subject
            .iter()
            .map(|s| key_hash(&words::key(&s.to_lowercase())))
            .collect();
        if f.ty == crate::model::FigureType::Count {
            measures.extend(
                f.unit
                    .iter()
                    .map(|u| key_hash(&words::key(&u.to_lowercase()))),
            );
        }
        measures.sort_unstable();
        measures.dedup();
        let close = close_of(&context);
        let holder = super::holder::of(
            text,
            sentence,
            span,
            ent_spans.near(sentence).map(|i| &ents[i]),
            fig_spans.near(sentence).map(|i| figs[i].span),
        );
        let moves = if matches!(key.dim, "ratio" | "pp") {
            super::quantity::movement(text, span)
        } else {
            Move::Level
        };
        let year = if matches!(key.dim, "date" | "duration") {
            None
        } else {
            super::when::year_of(
                text,
                sentence,
                span,
                fig_spans.near(sentence).map(|i| &figs[i]),
            )
        };
        out.push(Fact {
            holder,
            moves,
            year,
            rel: rel.clone(),
            interval: interval_of(f),
            key,
            written: span.slice(text).into(),
            line: file.lines.position(text, span.start(), Encoding::Utf8).line as usize + 1,
            sentence,
            context: context.into_boxed_slice(),
            entities: entities.into_boxed_slice(),
            measures: measures.into_boxed_slice(),
            close,
            figure: f.clone(),
        });
    }
    out
}

/// The hashes of a fact's close context words that are not names (see [`Fact::close`]).
fn close_of(context: &[ContextWord]) -> Box<[u64]> {
    context
        .iter()
        .filter(|w| !w.is_name && w.weight >= CLOSE)
        .map(|w| w.hash)
        .collect()
}

/// The facts of one article.
#[derive(Debug, Clone)]
pub struct FileFacts {
    /// Root-relative path.
    pub rel: String,
    /// Its facts.
    pub facts: Vec<Fact>,
    /// Its text, whose terms are read when first needed: only a candidate disagreement
    /// needs them (most whole-corpus runs never do), and they were a tenth of `check`'s time
    /// and a fifth of the index's memory.
    text: FileText,
    terms: OnceLock<Box<[(u64, f32)]>>,
}

impl PartialEq for FileFacts {
    fn eq(&self, other: &FileFacts) -> bool {
        self.rel == other.rel && self.facts == other.facts && self.text == other.text
    }
}

impl FileFacts {
    /// The facts of one article.
    pub fn of(f: &SourceFile) -> FileFacts {
        Self::with_facts(f, facts_of(f))
    }

    /// The article `f` with its facts given (read back from the cache).
    fn with_facts(f: &SourceFile, facts: Vec<Fact>) -> FileFacts {
        FileFacts {
            rel: f.rel.clone(),
            facts,
            text: f.stored_text().clone(),
            terms: OnceLock::new(),
        }
    }

    /// Its content-word key hashes with log-scaled counts, sorted by hash (what the article is
    /// about; hashes, not strings, since an article has hundreds).
    pub fn terms(&self) -> &[(u64, f32)] {
        self.terms.get_or_init(|| terms_of(&self.text.get()))
    }

    /// [`FileFacts::terms`] without keeping them when they are not kept yet.
    fn terms_once(&self) -> std::borrow::Cow<'_, [(u64, f32)]> {
        match self.terms.get() {
            Some(t) => std::borrow::Cow::Borrowed(t),
            None => std::borrow::Cow::Owned(terms_of(&self.text.get()).into_vec()),
        }
    }
}

/// The terms of a text (see [`FileFacts::terms`]).
fn terms_of(text: &str) -> Box<[(u64, f32)]> {
    let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
    words::for_each_key_hash(text, |h| *counts.entry(h).or_default() += 1);
    let mut terms: Box<[(u64, f32)]> = counts
        .into_iter()
        .map(|(k, n)| (k, 1.0 + (n as f32).ln()))
        .collect();
    terms.sort_by_key(|t| t.0);
    terms
}

/// Adds `sign` to the article frequency of each term of `ff`.
fn count_terms(df: &mut FxHashMap<u64, i64>, ff: &FileFacts, sign: i64) {
    for (k, _) in ff.terms() {
        *df.entry(*k).or_default() += sign;
    }
}

/// A word's postings for retrieval: its current length, the base's, the overlay's.
type Lists<'a> = (usize, Option<&'a Posting>, Option<&'a Posting>);

/// The facts of one kind that hold one context word, in id order, each with its weight for
/// the word rounded up to 255ths: a score bound reads the pair's real product of weights
/// instead of assuming the other side's weight is 1, which bounded all but a few candidates
/// far too loosely to skip them.
#[derive(Debug, Clone, Default, PartialEq)]
struct Posting {
    ids: Vec<FactId>,
    weights: Vec<u8>,
}

impl Posting {
    fn push(&mut self, id: FactId, weight: f32) {
        self.ids.push(id);
        self.weights
            .push((weight.clamp(0.0, 1.0) * 255.0).ceil() as u8);
    }

    /// The weight bound of the fact at position `j`.
    fn weight(&self, j: usize) -> f32 {
        f32::from(self.weights[j]) / 255.0
    }
}

/// What scoring a pair of facts gives.
#[derive(Debug, Clone, Copy)]
struct Scored {
    score: f32,
    n_shared: usize,
    names: usize,
    close: bool,
}

/// Where a fact lives in the index: (file, fact) positions.
pub type FactId = (u32, u32);

/// A file position no file has: "no own file" wherever one is asked for.
pub const NO_FILE: u32 = u32::MAX;

/// Postings of one (dimension, unit).
#[derive(Debug, Clone, Default, PartialEq)]
struct KeyPostings {
    all: Vec<FactId>,
    /// By context key hash (hashes, not strings: the index is queried for every fact).
    words: FxHashMap<u64, Posting>,
}

/// Changed articles past this many make an edit re-assemble the whole index (the overlay is
/// rebuilt on every edit, so it must stay small).
const COMPACT_AFTER: usize = 32;

/// The index as assembled from a list of articles (path order), immutable and shared.
#[derive(Debug, Default, PartialEq)]
struct Base {
    files: Vec<Arc<FileFacts>>,
    file_pos: HashMap<String, u32>,
    by_key: HashMap<QuantityKey, KeyPostings>,
    df: FxHashMap<u64, u32>,
    n: u32,
    /// TF-IDF norm of each fact's context, per file (computed once, after `df`).
    norms: Vec<Vec<f32>>,
    /// Per file, a bit per close word (hash mod 64) of each fact: the first test of a pair.
    sigs: Vec<Vec<u64>>,
    /// In how many articles each term (key hash) occurs (counted when first needed).
    doc_df: OnceLock<FxHashMap<u64, u32>>,
}

/// Articles changed since the base was assembled: their old facts are masked (`dead`), the new
/// ones live here with their own postings, and every count the scores read (fact and article
/// frequencies, posting lengths) is corrected, so answers equal a fresh assembly's.
#[derive(Debug, Clone, Default, PartialEq)]
struct Overlay {
    /// Base file slots that no longer hold a current article.
    dead: FxHashSet<u32>,
    /// Current versions of changed articles, in path order; slot `base.files.len() + k`.
    added: Vec<Arc<FileFacts>>,
    added_pos: HashMap<String, u32>,
    by_key: HashMap<QuantityKey, KeyPostings>,
    /// Change of each kind's fact count, and of each (kind, word) posting's length.
    all_adj: HashMap<QuantityKey, i64>,
    len_adj: HashMap<QuantityKey, FxHashMap<u64, i64>>,
    /// Changes of fact and article frequencies (no zero entries).
    df_adj: FxHashMap<u64, i64>,
    doc_df_adj: FxHashMap<u64, i64>,
    norms: Vec<Vec<f32>>,
    sigs: Vec<Vec<u64>>,
}

/// The articles' facts, indexed for retrieval.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactIndex {
    base: Arc<Base>,
    over: Overlay,
    /// Number of current facts.
    n: u32,
}

/// A scored comparison of two facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The article's fact.
    pub id: FactId,
    /// Similarity of the contexts in `0..=1` (0 when entities rule it out).
    pub score: f32,
    /// Shared context words (surface forms, most telling first); empty until
    /// [`FactIndex::with_shared`] fills it.
    pub shared: Vec<String>,
    /// How many context words the two facts share.
    pub n_shared: usize,
    /// How many of the shared words are parts of names (`ZTE`, `Mnuchin`).
    pub shared_names: usize,
    /// True when a shared word other than a name stands close to both figures.
    pub close_word: bool,
    /// False when both figures name what they measure and the measure words differ
    /// (`ban` against `business`).
    pub measures_meet: bool,
}

/// The close-word signature of a fact (see [`Base::sigs`]).
fn sig_of(f: &Fact) -> u64 {
    f.close.iter().fold(0, |s, h| s | 1 << (h & 63))
}

impl FactIndex {
    /// Indexes every article of the corpus.
    pub fn build(corpus: &Corpus) -> FactIndex {
        FactIndex::assemble(stored::article_facts(corpus))
    }

    /// The index after `rel` changed: that file's facts are recomputed and laid over the
    /// others (which are not touched); after many changed articles, everything is re-assembled.
    pub fn updated(&self, corpus: &Corpus, rel: &str) -> FactIndex {
        let now = corpus
            .file(rel)
            .filter(|f| f.analysis.kind == DocKind::Article)
            .map(|f| Arc::new(FileFacts::of(f)));
        let mut dead = self.over.dead.clone();
        if let Some(&i) = self.base.file_pos.get(rel) {
            dead.insert(i);
        }
        let mut added: Vec<Arc<FileFacts>> = self
            .over
            .added
            .iter()
            .filter(|f| f.rel != rel)
            .cloned()
            .collect();
        if let Some(f) = now {
            let at = added.partition_point(|a| a.rel.as_str() < rel);
            added.insert(at, f);
        }
        if dead.len() + added.len() > COMPACT_AFTER {
            let added_now = added.clone();
            let mut files: Vec<Arc<FileFacts>> = self
                .base
                .files
                .iter()
                .enumerate()
                .filter(|(i, _)| !dead.contains(&(*i as u32)))
                .map(|(_, f)| f.clone())
                .chain(added)
                .collect();
            files.sort_by(|a, b| a.rel.cmp(&b.rel));
            let ix = FactIndex::assemble(files);
            // Article frequencies already counted carry over, corrected by the changes.
            if let Some(old) = self.base.doc_df.get() {
                let mut change: FxHashMap<u64, i64> = FxHashMap::default();
                for &i in &dead {
                    count_terms(&mut change, &self.base.files[i as usize], -1);
                }
                for ff in &added_now {
                    count_terms(&mut change, ff, 1);
                }
                let mut df = old.clone();
                for (k, d) in change {
                    let n = i64::from(df.get(&k).copied().unwrap_or(0)) + d;
                    if n > 0 {
                        df.insert(k, n as u32);
                    } else {
                        df.remove(&k);
                    }
                }
                let _ = ix.base.doc_df.set(df);
            }
            return ix;
        }
        self.with_overlay(dead, added)
    }

    /// The base with the overlay of `dead` slots and `added` articles (all counts corrected).
    fn with_overlay(&self, dead: FxHashSet<u32>, added: Vec<Arc<FileFacts>>) -> FactIndex {
        let base = &self.base;
        let mut o = Overlay {
            dead,
            ..Overlay::default()
        };
        let mut n = i64::from(base.n);
        let mut count = |o: &mut Overlay, ff: &FileFacts, sign: i64| {
            for fact in &ff.facts {
                *o.all_adj.entry(fact.key.clone()).or_default() += sign;
                let lens = o.len_adj.entry(fact.key.clone()).or_default();
                for w in &fact.context {
                    *lens.entry(w.hash).or_default() += sign;
                    *o.df_adj.entry(w.hash).or_default() += sign;
                }
                n += sign;
            }
            count_terms(&mut o.doc_df_adj, ff, sign);
        };
        let mut dead_slots: Vec<u32> = o.dead.iter().copied().collect();
        dead_slots.sort_unstable();
        for &i in &dead_slots {
            count(&mut o, &base.files[i as usize], -1);
        }
        let first = base.files.len() as u32;
        for (k, ff) in added.iter().enumerate() {
            count(&mut o, ff, 1);
            let fi = first + k as u32;
            o.added_pos.insert(ff.rel.clone(), fi);
            for (i, fact) in ff.facts.iter().enumerate() {
                let id = (fi, i as u32);
                let p = o.by_key.entry(fact.key.clone()).or_default();
                p.all.push(id);
                for w in &fact.context {
                    p.words.entry(w.hash).or_default().push(id, w.weight);
                }
            }
        }
        o.df_adj.retain(|_, v| *v != 0);
        o.doc_df_adj.retain(|_, v| *v != 0);
        o.sigs = added
            .iter()
            .map(|ff| ff.facts.iter().map(sig_of).collect())
            .collect();
        o.added = added;
        let mut ix = FactIndex {
            base: self.base.clone(),
            over: o,
            n: n.max(0) as u32,
        };
        ix.over.norms = ix
            .over
            .added
            .iter()
            .map(|ff| ff.facts.iter().map(|f| ix.norm(f)).collect())
            .collect();
        ix
    }

    fn assemble(files: Vec<Arc<FileFacts>>) -> FactIndex {
        let mut b = Base::default();
        for (fi, ff) in files.iter().enumerate() {
            b.file_pos.insert(ff.rel.clone(), fi as u32);
            for (i, fact) in ff.facts.iter().enumerate() {
                let id = (fi as u32, i as u32);
                let p = b.by_key.entry(fact.key.clone()).or_default();
                p.all.push(id);
                for w in &fact.context {
                    p.words.entry(w.hash).or_default().push(id, w.weight);
                    *b.df.entry(w.hash).or_default() += 1;
                }
                b.n += 1;
            }
        }
        b.sigs = files
            .iter()
            .map(|ff| ff.facts.iter().map(sig_of).collect())
            .collect();
        b.files = files;
        let n = b.n;
        let mut ix = FactIndex {
            base: Arc::new(b),
            over: Overlay::default(),
            n,
        };
        let norms: Vec<Vec<f32>> = ix
            .base
            .files
            .par_iter()
            .map(|ff| ff.facts.iter().map(|f| ix.norm(f)).collect())
            .collect();
        if let Some(b) = Arc::get_mut(&mut ix.base) {
            b.norms = norms;
        }
        ix
    }

    /// TF-IDF norm of a fact's context with the current frequencies.
    fn norm(&self, f: &Fact) -> f32 {
        f.context
            .iter()
            .map(|w| (w.weight * self.idf_of(w.hash)).powi(2))
            .sum::<f32>()
            .sqrt()
    }

    /// The norm of an indexed fact: stored, unless the changed articles moved a frequency it
    /// reads (then computed, as a fresh assembly would).
    fn norm_at(&self, id: FactId) -> f32 {
        let base_len = self.base.files.len() as u32;
        if id.0 >= base_len {
            return self.over.norms[(id.0 - base_len) as usize][id.1 as usize];
        }
        let stored = self.base.norms[id.0 as usize][id.1 as usize];
        if self.over.df_adj.is_empty() && self.n == self.base.n {
            return stored;
        }
        let f = self.fact(id);
        if self.n == self.base.n
            && !f
                .context
                .iter()
                .any(|w| self.over.df_adj.contains_key(&w.hash))
        {
            return stored;
        }
        self.norm(f)
    }

    /// The close-word signature of an indexed fact.
    fn sig_at(&self, id: FactId) -> u64 {
        let base_len = self.base.files.len() as u32;
        if id.0 >= base_len {
            self.over.sigs[(id.0 - base_len) as usize][id.1 as usize]
        } else {
            self.base.sigs[id.0 as usize][id.1 as usize]
        }
    }

    /// The idf-weighted mass of a fact's context (the denominator of coverage).
    fn mass(&self, f: &Fact) -> f32 {
        f.context
            .iter()
            .map(|w| w.weight * self.idf_of(w.hash).powi(2))
            .sum()
    }

    /// Position of an indexed article (the first half of its facts' ids).
    pub fn file_index(&self, rel: &str) -> Option<u32> {
        if let Some(&i) = self.over.added_pos.get(rel) {
            return Some(i);
        }
        self.base
            .file_pos
            .get(rel)
            .copied()
            .filter(|i| !self.over.dead.contains(i))
    }

    /// True when `rel` is an indexed article.
    pub fn has_file(&self, rel: &str) -> bool {
        self.file_index(rel).is_some()
    }

    /// The facts of the article at a position from [`FactIndex::file_index`].
    pub fn file_facts(&self, fi: u32) -> &FileFacts {
        let base_len = self.base.files.len() as u32;
        if fi >= base_len {
            &self.over.added[(fi - base_len) as usize]
        } else {
            &self.base.files[fi as usize]
        }
    }

    /// The fact with this id.
    pub fn fact(&self, id: FactId) -> &Fact {
        &self.file_facts(id.0).facts[id.1 as usize]
    }

    /// Orders ids as a fresh assembly numbers them (path, then position in the file), so
    /// ties between equal scores break the same way before and after edits.
    fn id_cmp(&self, a: FactId, b: FactId) -> std::cmp::Ordering {
        if self.over.added.is_empty() || a.0 == b.0 {
            return a.cmp(&b);
        }
        self.file_facts(a.0)
            .rel
            .cmp(&self.file_facts(b.0).rel)
            .then(a.1.cmp(&b.1))
    }

    /// Number of indexed facts.
    pub fn len(&self) -> usize {
        self.n as usize
    }

    /// True when no article has a figure.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Inverse document frequency of a context word over the articles' facts.
    pub fn idf(&self, key: &str) -> f32 {
        self.idf_of(key_hash(key))
    }

    /// [`FactIndex::idf`] of a key hash.
    fn idf_of(&self, hash: u64) -> f32 {
        let mut df = i64::from(self.base.df.get(&hash).copied().unwrap_or(0));
        if !self.over.df_adj.is_empty() {
            df += self.over.df_adj.get(&hash).copied().unwrap_or(0);
        }
        let df = df as f32;
        ((self.n as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// Facts of the same kind as `fact` worth scoring: in `only` files when given, else those
    /// sharing a context word (all of them when the kind is rare).
    pub fn candidates(&self, fact: &Fact, only: Option<&[String]>) -> Vec<FactId> {
        self.candidates_upto(fact, only, ENOUGH, NO_FILE)
    }

    /// [`FactIndex::candidates`], stopping once `enough` are gathered from the rarest words,
    /// none of file `skip` ([`NO_FILE`]: none skipped). Postings are the base's (without masked
    /// files) and the overlay's; lengths are counted as a fresh assembly would count them, and
    /// `skip`'s facts count toward `enough` as if gathered, so skipping changes no decision.
    fn candidates_upto(
        &self,
        fact: &Fact,
        only: Option<&[String]>,
        enough: usize,
        skip: u32,
    ) -> Vec<FactId> {
        let bp = self.base.by_key.get(&fact.key);
        let op = self.over.by_key.get(&fact.key);
        if bp.is_none() && op.is_none() {
            return Vec::new();
        }
        let dead = &self.over.dead;
        let live = |id: &FactId| dead.is_empty() || !dead.contains(&id.0);
        let (b_all, o_all): (&[FactId], &[FactId]) = (
            bp.map_or(&[], |p| p.all.as_slice()),
            op.map_or(&[], |p| p.all.as_slice()),
        );
        if let Some(only) = only {
            let pos: HashSet<u32> = only.iter().filter_map(|r| self.file_index(r)).collect();
            return b_all
                .iter()
                .chain(o_all)
                .copied()
                .filter(|id| pos.contains(&id.0))
                .collect();
        }
        let all_len = b_all.len() as i64 + self.over.all_adj.get(&fact.key).copied().unwrap_or(0);
        if all_len <= SCAN_ALL.min(enough.max(SCAN_SMALL)) as i64 {
            return b_all
                .iter()
                .filter(|id| live(id))
                .chain(o_all)
                .filter(|id| id.0 != skip)
                .copied()
                .collect();
        }
        // Rarest words first, until enough candidates: common words (`year`) would make every
        // query touch most of a large corpus.
        let (mut ids, mut gathered): (Vec<FactId>, usize) = (Vec::new(), 0);
        for (_, l) in self.word_lists(fact, bp, op) {
            if l.0 > MAX_POSTING {
                break;
            }
            if gathered >= enough {
                break;
            }
            gathered += self.push_list(&mut ids, &l, skip);
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The postings of `fact`'s context words within its kind, shortest first (stable), each
    /// with the index of its word in the context.
    fn word_lists<'a>(
        &'a self,
        fact: &Fact,
        bp: Option<&'a KeyPostings>,
        op: Option<&'a KeyPostings>,
    ) -> Vec<(usize, Lists<'a>)> {
        let adj = self.over.len_adj.get(&fact.key);
        let mut lists: Vec<(usize, Lists)> = fact
            .context
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                let b = bp.and_then(|p| p.words.get(&w.hash));
                let o = op.and_then(|p| p.words.get(&w.hash));
                if b.is_none() && o.is_none() {
                    return None;
                }
                let len = b.map_or(0, |l| l.ids.len() as i64)
                    + adj.and_then(|a| a.get(&w.hash)).copied().unwrap_or(0);
                Some((i, (len.max(0) as usize, b, o)))
            })
            .collect();
        lists.sort_by_key(|l| l.1 .0);
        lists
    }

    /// Appends the current ids of one word's postings (the base's without masked files, then
    /// the overlay's), except file `skip`'s; returns how many it holds, `skip`'s included.
    /// Postings are in id order, so a file's facts are one run, stepped over without a walk:
    /// a fact is never its own file's candidate, and walking them made one big file quadratic.
    fn push_list(&self, ids: &mut Vec<FactId>, l: &Lists, skip: u32) -> usize {
        let dead = &self.over.dead;
        let before = ids.len();
        let mut skipped = 0;
        let mut push = |list: &[FactId], masked: bool| {
            let lo = list.partition_point(|id| id.0 < skip);
            let hi = lo + list[lo..].partition_point(|id| id.0 == skip);
            for part in [&list[..lo], &list[hi..]] {
                if masked {
                    ids.extend(part.iter().filter(|id| !dead.contains(&id.0)));
                } else {
                    ids.extend_from_slice(part);
                }
            }
            if !(masked && dead.contains(&skip)) {
                skipped += hi - lo;
            }
        };
        if let Some(b) = l.1 {
            push(&b.ids, !dead.is_empty());
        }
        if let Some(o) = l.2 {
            push(&o.ids, false);
        }
        ids.len() - before + skipped
    }

    /// The candidates [`FactIndex::candidates_upto`] gives for `enough` that can score at least
    /// `min`, found the cheaper way. A score of `min` needs a coverage of `2 min - 1` (cosine is
    /// at most 1), and coverage is at most the mass of the shared words; so a candidate must
    /// share a word outside any set of `fact`'s words whose mass stays below that share (the
    /// commonest words go there first). When those rarer words' postings are shorter than
    /// the rarest-first retrieval's, they are walked instead, keeping only ids that retrieval
    /// would give (same kind, one of its words): the same answers from far fewer candidates.
    fn candidates_for_min(&self, fact: &Fact, enough: usize, min: f32, skip: u32) -> Vec<FactId> {
        let bp = self.base.by_key.get(&fact.key);
        let op = self.over.by_key.get(&fact.key);
        if bp.is_none() && op.is_none() {
            return Vec::new();
        }
        let b_all = bp.map_or(0, |p| p.all.len()) as i64;
        let all_len = b_all + self.over.all_adj.get(&fact.key).copied().unwrap_or(0);
        let mut lists = self.word_lists(fact, bp, op);
        // Words too common to retrieve by can still be shared: they count as common below.
        let cut = lists.partition_point(|l| l.1 .0 <= MAX_POSTING);
        let too_common = lists.split_off(cut);
        // The retrieval's cost, and the words whose postings it takes (`None`: all of the kind).
        let (cost, used) = if all_len <= SCAN_ALL.min(enough.max(SCAN_SMALL)) as i64 {
            (all_len.max(0) as usize, None)
        } else {
            let (mut n, mut used) = (0usize, Vec::new());
            for (i, l) in &lists {
                if n >= enough {
                    break;
                }
                n += l.0;
                used.push(*i);
            }
            (n, Some(used))
        };
        // (Lists lack words no fact of this kind has: no candidate can share those.)
        let mass = self.mass(fact);
        let share = 2.0 * min - 1.0 - 0.01;
        let mut rare: Vec<usize> = Vec::new();
        if share > 0.0 && mass > 0.0 {
            let room = share * mass;
            let mut common: f32 = too_common
                .iter()
                .map(|(i, _)| {
                    let w = &fact.context[*i];
                    w.weight * self.idf_of(w.hash).powi(2)
                })
                .sum();
            if common >= room {
                return self.candidates_upto(fact, None, enough, skip);
            }
            for (k, (i, _)) in lists.iter().enumerate().rev() {
                let w = &fact.context[*i];
                let m = w.weight * self.idf_of(w.hash).powi(2);
                if common + m < room {
                    common += m;
                } else {
                    rare.push(k);
                }
            }
        } else {
            rare = (0..lists.len()).collect();
        }
        let rare_cost: usize = rare.iter().map(|&k| lists[k].1 .0).sum();
        if rare_cost >= cost {
            return self.candidates_upto(fact, None, enough, skip);
        }
        let mut ids: Vec<FactId> = Vec::new();
        for &k in &rare {
            self.push_list(&mut ids, &lists[k].1, skip);
        }
        ids.sort_unstable();
        ids.dedup();
        if let Some(used) = used {
            let keys: Vec<&ContextWord> = used.iter().map(|&i| &fact.context[i]).collect();
            ids.retain(|&id| {
                let c = &self.fact(id).context;
                keys.iter()
                    .any(|w| c.binary_search_by_key(&w.hash, |x| x.hash).is_ok())
            });
        }
        ids
    }

    /// How much `a` and `b` talk about the same thing: the mean of TF-IDF cosine and coverage of
    /// their weighted contexts; zero when each names an organisation close by and they share none
    /// (`Huawei employs 180,000` is not about `ZTE, a 70,000-employee company`).
    pub fn similarity(&self, a: &Fact, b: &Fact) -> (f32, Vec<String>, usize, bool) {
        let s = self.score_pair(a, self.norm(a), self.mass(a), b, self.norm(b));
        let shared = if s.n_shared > 0 {
            self.shared_words(a, b)
        } else {
            Vec::new()
        };
        (s.score, shared, s.names, s.close)
    }

    /// The match of `fact` with the indexed fact `id` (`na`, `mass`: `fact`'s norm and mass), as
    /// every retrieval, pruned or not, scores it.
    fn match_of(&self, fact: &Fact, na: f32, mass: f32, id: FactId) -> Match {
        let other = self.fact(id);
        let nb = self.norm_at(id);
        let s = self.score_pair(fact, na, mass, other, nb);
        let measures_meet = fact.measures.is_empty()
            || other.measures.is_empty()
            || fact.measures.iter().any(|m| other.measures.contains(m));
        Match {
            id,
            score: s.score,
            shared: Vec::new(),
            n_shared: s.n_shared,
            shared_names: s.names,
            close_word: s.close,
            measures_meet,
        }
    }

    /// [`FactIndex::similarity`] with the norms and `a`'s mass already known, without the
    /// shared words' surfaces (allocating them per candidate dominated a note's check).
    fn score_pair(&self, a: &Fact, na: f32, mass: f32, b: &Fact, nb: f32) -> Scored {
        let none = Scored {
            score: 0.0,
            n_shared: 0,
            names: 0,
            close: false,
        };
        // An organisation of one side anywhere in the other's context keeps them comparable
        // (`ZTE` a few words further off while `Commerce Department` stands closer).
        let mentions = |f: &Fact, e: &u64| {
            f.entities.contains(e) || f.context.binary_search_by_key(e, |c| c.hash).is_ok()
        };
        if !a.entities.is_empty()
            && !b.entities.is_empty()
            && !a.entities.iter().any(|e| mentions(b, e))
            && !b.entities.iter().any(|e| mentions(a, e))
        {
            return none;
        }
        if na == 0.0 || nb == 0.0 || a.context.is_empty() || b.context.is_empty() {
            return none;
        }
        let (mut dot, mut names, mut n_shared, mut close) = (0.0, 0, 0, false);
        for_each_common(
            &a.context,
            &b.context,
            |c| c.hash,
            |_, x, y| {
                let idf = self.idf_of(x.hash);
                dot += x.weight * y.weight * idf * idf;
                n_shared += 1;
                names += usize::from(x.is_name || y.is_name);
                close |= !x.is_name && !y.is_name && x.weight.min(y.weight) >= CLOSE;
            },
        );
        // Cosine alone punishes a long source clause; coverage (how much of `a`'s weighted
        // context `b` holds) alone favours long clauses. Their mean balances the two.
        let cosine = dot / (na * nb);
        let coverage = if mass > 0.0 { dot / mass } else { 0.0 };
        Scored {
            score: ((cosine + coverage) / 2.0).clamp(0.0, 1.0),
            n_shared,
            names,
            close,
        }
    }

    /// The context words `a` shares with `b` (surfaces of `a`), most telling first; ties in
    /// key order, as when contexts were sorted by key: stable, readable messages.
    pub fn shared_words(&self, a: &Fact, b: &Fact) -> Vec<String> {
        let mut shared: Vec<(f32, usize)> = Vec::new();
        for_each_common(
            &a.context,
            &b.context,
            |c| c.hash,
            |i, x, y| {
                let idf = self.idf_of(x.hash);
                shared.push((x.weight * y.weight * idf * idf, i));
            },
        );
        shared.sort_by(|p, q| {
            q.0.total_cmp(&p.0)
                .then_with(|| a.context[p.1].key.cmp(&a.context[q.1].key))
        });
        shared
            .into_iter()
            .map(|(_, i)| a.context[i].surface.to_string())
            .collect()
    }

    /// Fills `m.shared` (matches come without it; only the few that reach a message need it).
    pub fn with_shared(&self, fact: &Fact, mut m: Match) -> Match {
        if m.shared.is_empty() && m.n_shared > 0 {
            m.shared = self.shared_words(fact, self.fact(m.id));
        }
        m
    }

    /// Scores every candidate of `fact`, best first.
    pub fn matches(&self, fact: &Fact, only: Option<&[String]>) -> Vec<Match> {
        // A strong match shares telling (rare) words, found in the shortest postings first.
        let (na, mass) = (self.norm(fact), self.mass(fact));
        let mut out: Vec<Match> = self
            .candidates_upto(fact, only, ENOUGH, NO_FILE)
            .into_iter()
            .filter(|&id| {
                let f = self.fact(id);
                !(f.figure.span == fact.figure.span && f.rel == fact.rel)
            })
            .map(|id| self.match_of(fact, na, mass, id))
            .collect();
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| self.id_cmp(a.id, b.id))
        });
        out
    }

    /// The matches of `fact` that `sources-disagree` can use, best first: candidates as in
    /// [`FactIndex::matches_from`] with `min`, but only those outside file `own` that score at
    /// least `min`, share two words, a close one among them, and meet in measure words. Cheap
    /// necessary tests (file, a shared close word, measures) run before any scoring, and
    /// nothing is allocated for candidates that fail them.
    pub fn strong_matches(&self, fact: &Fact, own: u32, min: f32) -> Vec<Match> {
        if fact.close.is_empty() || fact.context.is_empty() {
            return Vec::new();
        }
        let ids = self.candidates_for_min(fact, ENOUGH_STRONG, min, own);
        self.strong_among(fact, own, min, ids)
    }

    /// [`FactIndex::strong_matches`] of the facts `ids`, each outside its own file, computed in
    /// parallel once per distinct content: facts with equal contents (copies of one story) have
    /// equal candidates and scores, and only the own-file filter tells their lists apart.
    pub fn strong_matches_many(&self, ids: &[FactId], min: f32) -> StrongMatches {
        let mut groups: FxHashMap<SameContent<'_>, u32> = FxHashMap::default();
        let mut reps: Vec<FactId> = Vec::new();
        // The one file a group's facts all lie in, else [`NO_FILE`].
        let mut home: Vec<u32> = Vec::new();
        let mut group: FxHashMap<FactId, u32> = FxHashMap::default();
        group.reserve(ids.len());
        for &id in ids {
            let g = *groups.entry(SameContent(self.fact(id))).or_insert_with(|| {
                reps.push(id);
                home.push(id.0);
                reps.len() as u32 - 1
            });
            if home[g as usize] != id.0 {
                home[g as usize] = NO_FILE;
            }
            group.insert(id, g);
        }
        // A group spread over files keeps every file's candidates: the own file is dropped per
        // fact in [`StrongMatches::of`].
        let lists = reps
            .par_iter()
            .zip(home.par_iter())
            .map(|(&id, &home)| self.strong_matches(self.fact(id), home, min))
            .collect();
        StrongMatches { group, lists }
    }

    /// The ids of every current fact, file by file.
    pub fn fact_ids(&self) -> Vec<FactId> {
        let base = self.base.files.iter().enumerate();
        let added = self
            .over
            .added
            .iter()
            .enumerate()
            .map(|(k, f)| (self.base.files.len() + k, f));
        base.filter(|(i, _)| !self.over.dead.contains(&(*i as u32)))
            .chain(added)
            .flat_map(|(i, ff)| (0..ff.facts.len() as u32).map(move |j| (i as u32, j)))
            .collect()
    }

    /// The candidates [`FactIndex::strong_matches`] scores for `fact` of file `own`.
    #[cfg(test)]
    pub(crate) fn strong_candidates(&self, fact: &Fact, own: u32, min: f32) -> Vec<FactId> {
        self.candidates_for_min(fact, ENOUGH_STRONG, min, own)
    }

    /// [`FactIndex::strong_matches`] over the plain rarest-first candidates (what the pruned
    /// retrieval must agree with).
    #[cfg(test)]
    pub(crate) fn strong_matches_plain(&self, fact: &Fact, own: u32, min: f32) -> Vec<Match> {
        if fact.close.is_empty() || fact.context.is_empty() {
            return Vec::new();
        }
        let ids = self.candidates_upto(fact, None, ENOUGH_STRONG, own);
        self.strong_among(fact, own, min, ids)
    }

    /// The strong matches of `fact` among `ids`.
    fn strong_among(&self, fact: &Fact, own: u32, min: f32, ids: Vec<FactId>) -> Vec<Match> {
        let (na, mass) = (self.norm(fact), self.mass(fact));
        let sig = sig_of(fact);
        let mut out: Vec<Match> = Vec::new();
        for id in ids {
            if id.0 == own || self.sig_at(id) & sig == 0 {
                continue;
            }
            let other = self.fact(id);
            if !sorted_meet(&fact.close, &other.close) {
                continue;
            }
            let measures_meet = fact.measures.is_empty()
                || other.measures.is_empty()
                || fact.measures.iter().any(|m| other.measures.contains(m));
            if !measures_meet {
                continue;
            }
            let nb = self.norm_at(id);
            let s = self.score_pair(fact, na, mass, other, nb);
            if s.score < min || s.n_shared < 2 || !s.close {
                continue;
            }
            out.push(Match {
                id,
                score: s.score,
                shared: Vec::new(),
                n_shared: s.n_shared,
                shared_names: s.names,
                close_word: s.close,
                measures_meet,
            });
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| self.id_cmp(a.id, b.id))
        });
        out
    }

    /// An article's terms weighted by inverse article frequency and normalised (computed when
    /// asked: only a candidate disagreement needs it).
    fn doc_vec(&self, ff: &FileFacts) -> Vec<(u64, f32)> {
        let nd = self.article_count() as f32;
        let doc_df = self.doc_df();
        let mut v: Vec<(u64, f32)> = ff
            .terms()
            .iter()
            .map(|&(k, tf)| {
                let df = i64::from(doc_df.get(&k).copied().unwrap_or(0))
                    + self.over.doc_df_adj.get(&k).copied().unwrap_or(0);
                let df = if df > 0 { df as f32 } else { 1.0 };
                (k, tf * (((nd + 1.0) / df).ln()))
            })
            .collect();
        let n = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if n > 0.0 {
            v.iter_mut().for_each(|(_, w)| *w /= n);
        }
        v
    }

    /// In how many of the base's articles each term occurs, counted at the first call.
    fn doc_df(&self) -> &FxHashMap<u64, u32> {
        self.base.doc_df.get_or_init(|| {
            self.base
                .files
                .par_iter()
                .fold(FxHashMap::default, |mut df: FxHashMap<u64, u32>, ff| {
                    for (k, _) in ff.terms_once().iter() {
                        *df.entry(*k).or_default() += 1;
                    }
                    df
                })
                .reduce(FxHashMap::default, |a, b| {
                    let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                    for (k, n) in small {
                        *big.entry(k).or_default() += n;
                    }
                    big
                })
        })
    }

    /// How much two indexed articles are about the same story (cosine of their TF-IDF term
    /// vectors, 0 for unknown files).
    pub fn doc_similarity(&self, a: &str, b: &str) -> f32 {
        let (Some(i), Some(j)) = (self.file_index(a), self.file_index(b)) else {
            return 0.0;
        };
        let x = self.doc_vec(self.file_facts(i));
        let y = self.doc_vec(self.file_facts(j));
        let mut dot = 0.0;
        for_each_common(&x, &y, |t| t.0, |_, p, q| dot += p.1 * q.1);
        dot
    }

    /// Number of indexed articles.
    pub fn article_count(&self) -> usize {
        self.base.files.len() - self.over.dead.len() + self.over.added.len()
    }

    /// Articles in path order.
    pub fn files(&self) -> Vec<&FileFacts> {
        let mut v: Vec<&FileFacts> = self
            .base
            .files
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.over.dead.contains(&(*i as u32)))
            .map(|(_, f)| f.as_ref())
            .chain(self.over.added.iter().map(|f| f.as_ref()))
            .collect();
        v.sort_by(|a, b| a.rel.cmp(&b.rel));
        v
    }
}

/// A fact seen through what its strong matches depend on: kind, context (hashes, weights, name
/// flags), organisations, measure words and close words; equal ones match alike.
struct SameContent<'a>(&'a Fact);

impl SameContent<'_> {
    fn context(&self) -> impl Iterator<Item = (u64, u32, bool)> + '_ {
        self.0
            .context
            .iter()
            .map(|w| (w.hash, w.weight.to_bits(), w.is_name))
    }
}

impl PartialEq for SameContent<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0, other.0);
        a.key == b.key
            && a.close == b.close
            && a.entities == b.entities
            && a.measures == b.measures
            && self.context().eq(other.context())
    }
}

impl Eq for SameContent<'_> {}

impl std::hash::Hash for SameContent<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.key.hash(h);
        self.0.close.hash(h);
        for w in self.context() {
            w.hash(h);
        }
    }
}

/// What [`FactIndex::strong_matches_many`] gives: one list per distinct content.
#[derive(Debug, Default)]
pub struct StrongMatches {
    group: FxHashMap<FactId, u32>,
    lists: Vec<Vec<Match>>,
}

impl StrongMatches {
    /// The strong matches of fact `id` outside its own file, best first (`None`: not computed).
    pub fn of(&self, id: FactId) -> Option<Vec<Match>> {
        let g = *self.group.get(&id)?;
        Some(
            self.lists[g as usize]
                .iter()
                .filter(|m| m.id.0 != id.0)
                .cloned()
                .collect(),
        )
    }
}

/// True when two sorted lists share an element.
fn sorted_meet(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// A stable 64-bit hash of a context key (FNV-1a: deterministic across runs and builds).
pub fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Calls `f(i, x, y)` for every pair of items with equal keys in two lists sorted by `key`
/// (`i`: `x`'s index in `a`): the merge walk that compares contexts and term vectors.
fn for_each_common<T, K: Ord>(
    a: &[T],
    b: &[T],
    key: impl Fn(&T) -> K,
    mut f: impl FnMut(usize, &T, &T),
) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match key(&a[i]).cmp(&key(&b[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                f(i, &a[i], &b[j]);
                i += 1;
                j += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figures_sentence_is_the_first_segment_holding_it() {
        let text = "Ana paid $5. Bo paid $6!\n\nCy said: 7 more.  \n\nTail 8";
        let c = crate::check::fixture::corpus(&[("a.md", text)]);
        let f = &c.files[0];
        let a = &f.analysis;
        assert!(a.sentences.len() >= 3, "{:?}", a.sentences);
        for p in 0..text.len() {
            let span = Span::new(p, p);
            let holds = |s: &&Span| s.start() <= p && p < s.end().max(s.start() + 1);
            let want = a
                .sentences
                .iter()
                .find(holds)
                .or_else(|| a.paragraphs.iter().find(holds));
            let got = sentence_of(f, text, span);
            if let Some(w) = want {
                assert_eq!(got, *w, "at {p}");
            }
        }
    }

    /// The last [`WINDOW`] words of a walk over the whole range that `skip` keeps, nearest
    /// first (what [`words_before`] must give).
    fn words_before_plain(text: &str, range: Span, skip: impl Fn(Span) -> bool) -> Vec<Span> {
        let mut all = words::content_words(text, range);
        all.retain(|w| !skip(w.span));
        all.iter().rev().take(WINDOW).map(|w| w.span).collect()
    }

    fn assert_words_before_equal_plain(text: &str, a: usize, b: usize) {
        let range = words::clamp(text, Span::new(a.min(b), b));
        // Skip words holding a digit, as a figure's words are skipped.
        let skip = |s: Span| s.slice(text).bytes().any(|c| c.is_ascii_digit());
        let want = words_before_plain(text, range, skip);
        let got: Vec<Span> = words::with_tokens(|t| words_before(t, text, range, skip))
            .into_iter()
            .map(|(s, ..)| s)
            .collect();
        assert_eq!(got, want, "{text:?} {range:?}");
    }

    #[test]
    fn words_before_a_figure_equal_a_walk_of_the_whole_clause() {
        let long = "Exports of the high-tech co-op's 3rd unit rose. ".repeat(40);
        for (t, a, b) in [
            (long.as_str(), 0, long.len()),
            (long.as_str(), 5, long.len() - 7),
            (long.as_str(), 1500, 1510),
            ("short clause here", 0, 17),
            ("", 0, 0),
            ("word-by-word--and'so’on x.y.z", 3, 29),
        ] {
            assert_words_before_equal_plain(t, a, b);
        }
    }

    proptest::proptest! {
        #[test]
        fn words_before_equal_a_walk_of_the_whole_range(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "the", "ZTE's", "tariffs", "high-tech", "  ", " ", "\n", "$5", "2018",
                    "'", "-", ".", "x.y", "é", "Word", "70,000-employee", "and", "\t",
                ]),
                0..600,
            ),
            a in 0usize..4000,
            b in 0usize..4000,
        ) {
            let text = parts.concat();
            let n = text.len();
            assert_words_before_equal_plain(&text, a.min(n), b.min(n));
        }
    }
}
