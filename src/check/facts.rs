//! Figure facts: each figure with its comparable key, interval and the words around it, and the
//! index over the articles' facts that the rules query.
//!
//! The index is keyed by (dimension, unit), then by context word, so finding the candidates for a
//! note's figure touches only figures of the same kind that share a word with it.

use super::quantity::{interval_of, key_of, Interval, QuantityKey};
use super::words::{self, Word};
use crate::corpus::{Corpus, SourceFile};
use crate::document::Encoding;
use crate::format::DocKind;
use crate::model::{EntityType, Figure, Span};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// How many content words on each side of a figure count as its context.
const WINDOW: usize = 10;

/// A context word of a fact with its weight (nearer words weigh more).
#[derive(Debug, Clone, PartialEq)]
pub struct ContextWord {
    /// Matching key.
    pub key: String,
    /// Hash of `key`: contexts are sorted and merged by it, since string compares dominated.
    pub hash: u64,
    /// Surface form, for messages.
    pub surface: String,
    /// Weight in `0..=1`.
    pub weight: f32,
    /// True for part of a name (an entity mention, or capitalised away from a sentence start).
    pub is_name: bool,
    /// Source offset of its first occurrence (`usize::MAX` for the extractor's subject words).
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
    pub written: String,
    /// 1-based line of its start.
    pub line: usize,
    /// The sentence it stands in (source bytes).
    pub sentence: Span,
    /// Context words, unique by key, sorted by key.
    pub context: Vec<ContextWord>,
    /// Name tokens (keys) of the organisations named close to it (`ZTE`, `Huawei`).
    pub entities: Vec<String>,
    /// Keys of the extractor's measure words (`employee`, `tariff`).
    pub measures: Vec<String>,
}

impl Fact {
    /// True when the two facts' values can both be right.
    pub fn meets(&self, other: &Fact) -> bool {
        super::quantity::figures_meet(&self.figure, &self.interval, &other.figure, &other.interval)
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

/// The sentence holding `span` (else its paragraph, else its line).
fn sentence_of(file: &SourceFile, span: Span) -> Span {
    let a = &file.analysis;
    let find = |v: &[Span]| {
        v.iter()
            .copied()
            .find(|s| s.start <= span.start && span.start < s.end.max(s.start + 1))
    };
    if let Some(s) = find(&a.sentences).or_else(|| find(&a.paragraphs)) {
        return s;
    }
    let t = &file.text;
    let start = t[..span.start.min(t.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = t[span.end.min(t.len())..]
        .find('\n')
        .map_or(t.len(), |i| span.end.min(t.len()) + i);
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
        span.start.clamp(s.start, s.end),
        span.end
            .clamp(s.start, s.end)
            .max(span.start.clamp(s.start, s.end)),
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
    let lo = floor_boundary(text, a.saturating_sub(REACH).max(s.start));
    let hi = floor_boundary(text, (b + REACH).min(s.end));
    let start = (lo..a)
        .rev()
        .filter(|&i| text.is_char_boundary(i) && i > s.start)
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
                longest = longest.max(s.end.saturating_sub(s.start));
                (s.start, i)
            })
            .collect();
        starts.sort_unstable();
        ByStart { starts, longest }
    }

    /// Indices of the spans starting from `longest` bytes before `w` to its end, in start order.
    fn near(&self, w: Span) -> impl Iterator<Item = usize> + '_ {
        let lo = w.start.saturating_sub(self.longest);
        let a = self.starts.partition_point(|&(s, _)| s < lo);
        let b = self.starts.partition_point(|&(s, _)| s <= w.end);
        self.starts[a..b.max(a)].iter().map(|&(_, i)| i)
    }
}

/// The facts of one file, in figure order.
pub fn facts_of(file: &SourceFile) -> Vec<Fact> {
    let rel: Arc<str> = Arc::from(file.rel.as_str());
    let text = &file.text;
    let figs = &file.analysis.figures;
    // Words look up the figures and entities around them by position: a scan of all of them
    // per word made one huge article (a 2 MB line) quadratic.
    let fig_spans = ByStart::new(figs.iter().map(|f| f.span));
    let ents = &file.analysis.entities;
    let ent_spans = ByStart::new(ents.iter().map(|e| e.span));
    let in_figure = |w: &Word| {
        fig_spans
            .near(w.span)
            .any(|i| figs[i].span.overlaps(&w.span))
    };
    let mut out = Vec::new();
    for f in figs {
        let Some(key) = key_of(f) else { continue };
        let span = words::clamp(text, f.span);
        let sentence = clause_of(text, sentence_of(file, span), span);
        let before =
            words::content_words(text, Span::new(sentence.start.min(span.start), span.start));
        let after = words::content_words(text, Span::new(span.end, sentence.end.max(span.end)));
        let mut ctx: HashMap<String, ContextWord> = HashMap::new();
        let names = |w: &Word| -> bool {
            if ent_spans
                .near(w.span)
                .any(|i| ents[i].span.overlaps(&w.span))
            {
                return true;
            }
            let Some(t) = text.get(w.span.start..w.span.end) else {
                return false;
            };
            let before = text[..w.span.start].trim_end_matches([' ', '*', '_', '"', '\'', '(']);
            // Acronyms (`ZTE`) are names anywhere; other capitals only away from a sentence start.
            if t.len() >= 2 && t.chars().all(|c| c.is_uppercase() || !c.is_alphabetic()) {
                return true;
            }
            t.chars().next().is_some_and(char::is_uppercase)
                && w.span.start > sentence.start
                && !before.ends_with(['.', '!', '?', ':', '\n', '#', '-', '>'])
                && !before.is_empty()
        };
        let mut add = |w: &Word, weight: f32| {
            let is_name = names(w);
            let e = ctx.entry(w.key.clone()).or_insert(ContextWord {
                key: w.key.clone(),
                hash: key_hash(&w.key),
                // Case as written (`ZTE`), for messages; subject words have no place in the text.
                // A possessive (`Kovaria's`) keeps the case of its stem.
                surface: text
                    .get(w.span.start..w.span.end)
                    .and_then(|t| t.get(..w.surface.len()))
                    .filter(|t| t.to_lowercase() == w.surface)
                    .unwrap_or(&w.surface)
                    .to_string(),
                weight: 0.0,
                is_name,
                at: w.span.start,
            });
            e.weight = e.weight.max(weight);
            e.at = e.at.min(w.span.start);
        };
        let before: Vec<&Word> = before.iter().filter(|w| !in_figure(w)).collect();
        let after: Vec<&Word> = after.iter().filter(|w| !in_figure(w)).collect();
        let mut lo = span.start;
        let mut hi = span.end;
        // Distance counts every word in between, stop words included: `loss of $2.4 billion`
        // is closer than `$2.4 billion in the first half, with cash`.
        for w in before.iter().rev().take(WINDOW) {
            add(w, proximity(words_between(text, w.span.end, span.start)));
            lo = lo.min(w.span.start);
        }
        for w in after.iter().take(WINDOW) {
            add(w, proximity(words_between(text, span.end, w.span.start)));
            hi = hi.max(w.span.end);
        }
        for s in &f.subject {
            for mut w in words::content_words(s, Span::new(0, s.len())) {
                // Spans of subject words point into the word itself, not the text.
                w.span = Span::new(usize::MAX, usize::MAX);
                add(&w, 1.0);
            }
        }
        let mut context: Vec<ContextWord> = ctx.into_values().collect();
        context.sort_by_key(|w| w.hash);
        let window = Span::new(lo, hi);
        let mut entities: Vec<String> = ent_spans
            .near(window)
            .map(|i| &ents[i])
            .filter(|e| e.ty == EntityType::Org && e.span.overlaps(&window))
            // Close means within a few words: `Huawei employs 180,000`, `ZTE, a 70,000-employee`.
            .filter(|e| {
                let d = if e.span.end <= span.start {
                    words_between(text, e.span.end, span.start)
                } else {
                    words_between(text, span.end, e.span.start)
                };
                d <= ORG_REACH
            })
            .flat_map(|e| {
                let n = words::clamp(text, e.name);
                words::content_words(text, n).into_iter().map(|w| w.key)
            })
            .collect();
        entities.sort();
        entities.dedup();
        let mut measures: Vec<String> = f
            .subject
            .iter()
            .map(|s| words::key(&s.to_lowercase()))
            .collect();
        if f.ty == crate::model::FigureType::Count {
            measures.extend(f.unit.iter().map(|u| words::key(&u.to_lowercase())));
        }
        measures.sort();
        measures.dedup();
        out.push(Fact {
            rel: rel.clone(),
            interval: interval_of(f),
            key,
            written: span.slice(text).to_string(),
            line: file.lines.position(text, span.start, Encoding::Utf8).line as usize + 1,
            sentence,
            context,
            entities,
            measures,
            figure: f.clone(),
        });
    }
    out
}

/// The facts of one article.
#[derive(Debug, Clone, PartialEq)]
pub struct FileFacts {
    /// Root-relative path.
    pub rel: String,
    /// Its facts.
    pub facts: Vec<Fact>,
    /// Its content-word keys with log-scaled counts, sorted by key (what the article is about).
    pub terms: Vec<(String, f32)>,
}

impl FileFacts {
    /// The facts and terms of one article.
    pub fn of(f: &SourceFile) -> FileFacts {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for w in words::content_words(&f.text, Span::new(0, f.text.len())) {
            *counts.entry(w.key).or_default() += 1;
        }
        let mut terms: Vec<(String, f32)> = counts
            .into_iter()
            .map(|(k, n)| (k, 1.0 + (n as f32).ln()))
            .collect();
        terms.sort_by(|a, b| a.0.cmp(&b.0));
        FileFacts {
            rel: f.rel.clone(),
            facts: facts_of(f),
            terms,
        }
    }
}

/// Where a fact lives in the index: (file, fact) positions.
pub type FactId = (u32, u32);

/// Postings of one (dimension, unit).
#[derive(Debug, Clone, Default, PartialEq)]
struct KeyPostings {
    all: Vec<FactId>,
    words: HashMap<String, Vec<FactId>>,
}

/// The articles' facts, indexed for retrieval.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactIndex {
    files: Vec<Arc<FileFacts>>,
    file_pos: HashMap<String, u32>,
    by_key: HashMap<QuantityKey, KeyPostings>,
    df: HashMap<u64, u32>,
    n: u32,
    /// TF-IDF norm of each fact's context, per file (computed once, after `df`).
    norms: Vec<Vec<f32>>,
    /// Per article, its terms weighted by inverse article frequency and normalised.
    doc_vecs: Vec<Vec<(String, f32)>>,
}

/// A scored comparison of two facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The article's fact.
    pub id: FactId,
    /// Similarity of the contexts in `0..=1` (0 when entities rule it out).
    pub score: f32,
    /// Shared context words (surface forms, most telling first).
    pub shared: Vec<String>,
    /// How many of the shared words are parts of names (`ZTE`, `Mnuchin`).
    pub shared_names: usize,
    /// True when a shared word other than a name stands close to both figures.
    pub close_word: bool,
    /// False when both figures name what they measure and the measure words differ
    /// (`ban` against `business`).
    pub measures_meet: bool,
}

impl FactIndex {
    /// Indexes every article of the corpus.
    pub fn build(corpus: &Corpus) -> FactIndex {
        let files = corpus
            .files
            .iter()
            .filter(|f| f.analysis.kind == DocKind::Article)
            .map(|f| Arc::new(FileFacts::of(f)))
            .collect();
        FactIndex::assemble(files)
    }

    /// The index after `rel` changed: that file's facts are recomputed, the others are reused.
    pub fn updated(&self, corpus: &Corpus, rel: &str) -> FactIndex {
        let mut files: Vec<Arc<FileFacts>> = self
            .files
            .iter()
            .filter(|f| f.rel != rel)
            .cloned()
            .collect();
        if let Some(f) = corpus
            .file(rel)
            .filter(|f| f.analysis.kind == DocKind::Article)
        {
            files.push(Arc::new(FileFacts::of(f)));
            files.sort_by(|a, b| a.rel.cmp(&b.rel));
        }
        FactIndex::assemble(files)
    }

    fn assemble(files: Vec<Arc<FileFacts>>) -> FactIndex {
        let mut ix = FactIndex::default();
        for (fi, ff) in files.iter().enumerate() {
            ix.file_pos.insert(ff.rel.clone(), fi as u32);
            for (i, fact) in ff.facts.iter().enumerate() {
                let id = (fi as u32, i as u32);
                let p = ix.by_key.entry(fact.key.clone()).or_default();
                p.all.push(id);
                for w in &fact.context {
                    p.words.entry(w.key.clone()).or_default().push(id);
                    *ix.df.entry(w.hash).or_default() += 1;
                }
                ix.n += 1;
            }
        }
        ix.norms = files
            .iter()
            .map(|ff| ff.facts.iter().map(|f| ix.norm(f)).collect())
            .collect();
        let mut doc_df: HashMap<&str, u32> = HashMap::new();
        for ff in &files {
            for (k, _) in &ff.terms {
                *doc_df.entry(k.as_str()).or_default() += 1;
            }
        }
        let nd = files.len() as f32;
        ix.doc_vecs = files
            .iter()
            .map(|ff| {
                let mut v: Vec<(String, f32)> = ff
                    .terms
                    .iter()
                    .map(|(k, tf)| {
                        let df = doc_df.get(k.as_str()).copied().unwrap_or(1) as f32;
                        (k.clone(), tf * (((nd + 1.0) / df).ln()))
                    })
                    .collect();
                let n = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
                if n > 0.0 {
                    v.iter_mut().for_each(|(_, w)| *w /= n);
                }
                v
            })
            .collect();
        ix.files = files;
        ix
    }

    /// TF-IDF norm of a fact's weighted context.
    fn norm(&self, f: &Fact) -> f32 {
        f.context
            .iter()
            .map(|w| (w.weight * self.idf_of(w.hash)).powi(2))
            .sum::<f32>()
            .sqrt()
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
        self.file_pos.get(rel).copied()
    }

    /// True when `rel` is an indexed article.
    pub fn has_file(&self, rel: &str) -> bool {
        self.file_pos.contains_key(rel)
    }

    /// The fact with this id.
    pub fn fact(&self, id: FactId) -> &Fact {
        &self.files[id.0 as usize].facts[id.1 as usize]
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
        let df = self.df.get(&hash).copied().unwrap_or(0) as f32;
        ((self.n as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// Facts of the same kind as `fact` worth scoring: in `only` files when given, else those
    /// sharing a context word (all of them when the kind is rare).
    pub fn candidates(&self, fact: &Fact, only: Option<&[String]>) -> Vec<FactId> {
        self.candidates_upto(fact, only, ENOUGH)
    }

    /// [`FactIndex::candidates`], stopping once `enough` are gathered from the rarest words.
    fn candidates_upto(&self, fact: &Fact, only: Option<&[String]>, enough: usize) -> Vec<FactId> {
        let Some(p) = self.by_key.get(&fact.key) else {
            return Vec::new();
        };
        if let Some(only) = only {
            let pos: HashSet<u32> = only
                .iter()
                .filter_map(|r| self.file_pos.get(r).copied())
                .collect();
            return p
                .all
                .iter()
                .copied()
                .filter(|id| pos.contains(&id.0))
                .collect();
        }
        // The fact's own article is never a match: leaving its facts out before scoring keeps
        // one huge article (a 2 MB line) from scoring every fact against every other.
        let own = self.file_pos.get(&*fact.rel).copied();
        let elsewhere = |id: &FactId| Some(id.0) != own;
        if p.all.len() <= SCAN_ALL.min(enough.max(SCAN_SMALL)) {
            return p.all.iter().copied().filter(elsewhere).collect();
        }
        // Rarest words first, until enough candidates: common words (`year`) would make every
        // query touch most of a large corpus.
        let mut lists: Vec<&Vec<FactId>> = fact
            .context
            .iter()
            .filter_map(|w| p.words.get(&w.key))
            .filter(|l| l.len() <= MAX_POSTING)
            .collect();
        lists.sort_by_key(|l| l.len());
        let mut ids: Vec<FactId> = Vec::new();
        for l in lists {
            if ids.len() >= enough {
                break;
            }
            ids.extend(l.iter().copied().filter(elsewhere));
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// How much `a` and `b` talk about the same thing: the mean of TF-IDF cosine and coverage of
    /// their weighted contexts; zero when each names an organisation close by and they share none
    /// (`Huawei employs 180,000` is not about `ZTE, a 70,000-employee company`).
    pub fn similarity(&self, a: &Fact, b: &Fact) -> (f32, Vec<String>, usize, bool) {
        self.score_pair(a, self.norm(a), self.mass(a), b, self.norm(b), 0.0)
    }

    /// [`FactIndex::similarity`] with the norms and `a`'s mass already known.
    fn score_pair(
        &self,
        a: &Fact,
        na: f32,
        mass: f32,
        b: &Fact,
        nb: f32,
        min: f32,
    ) -> (f32, Vec<String>, usize, bool) {
        // An organisation of one side anywhere in the other's context keeps them comparable
        // (`ZTE` a few words further off while `Commerce Department` stands closer).
        let mentions = |f: &Fact, e: &String| {
            f.entities.contains(e)
                || f.context
                    .binary_search_by_key(&key_hash(e), |c| c.hash)
                    .is_ok()
        };
        if !a.entities.is_empty()
            && !b.entities.is_empty()
            && !a.entities.iter().any(|e| mentions(b, e))
            && !b.entities.iter().any(|e| mentions(a, e))
        {
            return (0.0, Vec::new(), 0, false);
        }
        if na == 0.0 || nb == 0.0 {
            return (0.0, Vec::new(), 0, false);
        }
        let mut dot = 0.0;
        let mut names = 0;
        if a.context.is_empty() || b.context.is_empty() {
            return (0.0, Vec::new(), 0, false);
        }
        let mut close = false;
        let mut shared: Vec<(f32, usize)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < a.context.len() && j < b.context.len() {
            let (x, y) = (&a.context[i], &b.context[j]);
            match x.hash.cmp(&y.hash) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let idf = self.idf_of(x.hash);
                    let c = x.weight * y.weight * idf * idf;
                    dot += c;
                    shared.push((c, i));
                    names += usize::from(x.is_name || y.is_name);
                    close |= !x.is_name && !y.is_name && x.weight.min(y.weight) >= CLOSE;
                    i += 1;
                    j += 1;
                }
            }
        }
        // Cosine alone punishes a long source clause; coverage (how much of `a`'s weighted
        // context `b` holds) alone favours long clauses. Their mean balances the two.
        let cosine = dot / (na * nb);
        let coverage = if mass > 0.0 { dot / mass } else { 0.0 };
        let score = ((cosine + coverage) / 2.0).clamp(0.0, 1.0);
        if score < min {
            return (score, Vec::new(), names, close);
        }
        // Ties in key order, as when contexts were sorted by key: stable, readable messages.
        shared.sort_by(|p, q| {
            q.0.total_cmp(&p.0)
                .then_with(|| a.context[p.1].key.cmp(&a.context[q.1].key))
        });
        let shared = shared
            .into_iter()
            .map(|(_, i)| a.context[i].surface.clone())
            .collect();
        (score, shared, names, close)
    }

    /// Scores every candidate of `fact`, best first.
    pub fn matches(&self, fact: &Fact, only: Option<&[String]>) -> Vec<Match> {
        self.matches_from(fact, only, 0.0)
    }

    /// [`FactIndex::matches`], where matches scoring under `min` carry no shared words (they
    /// are cheaper to score, and callers that need `min` ignore them).
    pub fn matches_from(&self, fact: &Fact, only: Option<&[String]>, min: f32) -> Vec<Match> {
        // A strong match shares telling (rare) words, found in the shortest postings first.
        let enough = if min >= 0.5 { ENOUGH_STRONG } else { ENOUGH };
        let (na, mass) = (self.norm(fact), self.mass(fact));
        let mut out: Vec<Match> = self
            .candidates_upto(fact, only, enough)
            .into_iter()
            .filter(|&id| {
                let f = self.fact(id);
                !(f.figure.span == fact.figure.span && f.rel == fact.rel)
            })
            .map(|id| {
                let other = self.fact(id);
                let nb = self.norms[id.0 as usize][id.1 as usize];
                let (score, shared, shared_names, close_word) =
                    self.score_pair(fact, na, mass, other, nb, min);
                let measures_meet = fact.measures.is_empty()
                    || other.measures.is_empty()
                    || fact.measures.iter().any(|m| other.measures.contains(m));
                Match {
                    id,
                    score,
                    shared,
                    shared_names,
                    close_word,
                    measures_meet,
                }
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        out
    }

    /// How much two indexed articles are about the same story (cosine of their TF-IDF term
    /// vectors, 0 for unknown files).
    pub fn doc_similarity(&self, a: &str, b: &str) -> f32 {
        let (Some(&i), Some(&j)) = (self.file_pos.get(a), self.file_pos.get(b)) else {
            return 0.0;
        };
        let (x, y) = (&self.doc_vecs[i as usize], &self.doc_vecs[j as usize]);
        let (mut p, mut q, mut dot) = (0, 0, 0.0);
        while p < x.len() && q < y.len() {
            match x[p].0.cmp(&y[q].0) {
                std::cmp::Ordering::Less => p += 1,
                std::cmp::Ordering::Greater => q += 1,
                std::cmp::Ordering::Equal => {
                    dot += x[p].1 * y[q].1;
                    p += 1;
                    q += 1;
                }
            }
        }
        dot
    }

    /// Number of indexed articles.
    pub fn article_count(&self) -> usize {
        self.files.len()
    }

    /// Articles in index order (path order).
    pub fn files(&self) -> impl Iterator<Item = &FileFacts> {
        self.files.iter().map(|f| f.as_ref())
    }
}

/// A stable 64-bit hash of a context key (FNV-1a: deterministic across runs and builds).
pub fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
