//! The articles' facts kept between runs beside the warm-start cache ([`crate::corpus::cache`]),
//! so a warm `check` reads each article's facts back instead of walking its text again (that
//! walk was most of a warm check's time).
//!
//! One part file per root (`<root hash>.facts.bin`) in the analysis cache's layout: the build's
//! fingerprint, keyed entries, a hash of the whole. An article's entry is keyed by its
//! [`SourceFile::cache_ident`] (its text, path and analysis stamps): its facts are a function of
//! its text and analysis alone. One more entry holds every string the facts' words name, so each
//! is interned once per run, not once per word; the articles' entries refer to them by number,
//! and to their figures by position. An entry that does not decode exactly (or a file that is
//! foreign, stale, cut or damaged) is computed again, and the file rewritten.

use super::{close_of, interval_of, key_of, ContextWord, Fact, FileFacts};
use crate::check::holder::Holder;
use crate::check::quantity::Move;
use crate::check::when::Year;
use crate::corpus::cache::{self, put_span, put_str, put_uint, Entry, Key, Reader, Store};
use crate::corpus::{Corpus, SourceFile};
use crate::format::DocKind;
use crate::intern::{intern, IStr};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The part file's name.
const PART: &str = "facts";

/// The key of the entry that holds the strings.
fn strings_key() -> Key {
    *blake3::hash(b"corpus-ls check facts: strings").as_bytes()
}

/// The facts of every article of `corpus`, in corpus order, through the part file when the
/// corpus came through the warm-start cache.
pub(super) fn article_facts(corpus: &Corpus) -> Vec<Arc<FileFacts>> {
    let cached = corpus.files.iter().any(|f| f.cache_ident.is_some());
    let store = cached
        .then(|| Store::open_part(&corpus.root, PART))
        .flatten();
    article_facts_through(corpus, store)
}

/// [`article_facts`] through `store` when given.
fn article_facts_through(corpus: &Corpus, store: Option<Store>) -> Vec<Arc<FileFacts>> {
    let articles: Vec<&SourceFile> = corpus
        .files
        .iter()
        .filter(|f| f.analysis.kind == DocKind::Article)
        .map(|f| &**f)
        .collect();
    let Some(store) = store else {
        return articles
            .par_iter()
            .map(|f| Arc::new(FileFacts::of(f)))
            .collect();
    };
    let strings = store
        .get(&strings_key())
        .and_then(decode_strings)
        .unwrap_or_default();
    let got: Vec<(Arc<FileFacts>, bool)> = articles
        .par_iter()
        .map(|f| {
            let read = f
                .cache_ident
                .and_then(|k| decode(store.get(&k)?, f, &strings));
            match read {
                Some(facts) => (Arc::new(FileFacts::with_facts(f, facts)), true),
                None => (Arc::new(FileFacts::of(f)), false),
            }
        })
        .collect();
    let hits = got.iter().filter(|g| g.1).count();
    cache::trace::say("cache", || {
        format!("facts of {hits} of {} articles from the cache", got.len())
    });
    let files: Vec<Arc<FileFacts>> = got.into_iter().map(|g| g.0).collect();
    if hits == files.len() && hits + 1 == store.len() {
        store.touch();
    } else {
        let idents: Vec<Option<Key>> = articles.iter().map(|f| f.cache_ident).collect();
        store.save(&entries(&files, &idents));
    }
    files
}

/// The part file's entries for `files` (those with a key in `idents`): the strings, then each
/// article's facts.
fn entries(files: &[Arc<FileFacts>], idents: &[Option<Key>]) -> Vec<(Key, Entry)> {
    let mut numbers: FxHashMap<IStr, u32> = FxHashMap::default();
    let mut table: Vec<&str> = Vec::new();
    for w in files
        .iter()
        .flat_map(|ff| &ff.facts)
        .flat_map(|f| &*f.context)
    {
        for s in [&w.key, &w.surface] {
            numbers.entry(s.clone()).or_insert_with(|| {
                table.push(s);
                table.len() as u32 - 1
            });
        }
    }
    let mut out = Vec::with_capacity(files.len() + 1);
    let mut head = Vec::new();
    put_uint(&mut head, table.len() as u64);
    for s in &table {
        put_str(&mut head, s);
    }
    out.push((strings_key(), Entry::New(head)));
    let each: Vec<(Key, Entry)> = files
        .par_iter()
        .zip(idents)
        .filter_map(|(ff, k)| Some(((*k)?, Entry::New(encode(&ff.facts, &numbers)?))))
        .collect();
    out.extend(each);
    out
}

/// The strings entry read back, interned.
fn decode_strings(bytes: &[u8]) -> Option<Vec<IStr>> {
    let mut r = Reader::new(bytes);
    let n = r.count()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(intern(r.str()?));
    }
    r.done().then_some(out)
}

/// One article's facts (in figure order), words by their numbers in `numbers` (`None` for a
/// word it does not number).
fn encode(facts: &[Fact], numbers: &FxHashMap<IStr, u32>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(64 * facts.len());
    put_uint(&mut out, facts.len() as u64);
    for f in facts {
        put_uint(&mut out, f.line as u64);
        put_span(&mut out, f.sentence);
        put_str(&mut out, &f.written);
        put_uint(&mut out, f.context.len() as u64);
        for w in &*f.context {
            put_uint(&mut out, u64::from(*numbers.get(&w.key)?));
            put_uint(&mut out, u64::from(*numbers.get(&w.surface)?));
            out.extend_from_slice(&w.hash.to_le_bytes());
            out.extend_from_slice(&w.weight.to_bits().to_le_bytes());
            out.push(u8::from(w.is_name));
            put_uint(&mut out, w.at as u64);
        }
        for hashes in [&f.entities, &f.measures] {
            put_uint(&mut out, hashes.len() as u64);
            for h in hashes.iter() {
                out.extend_from_slice(&h.to_le_bytes());
            }
        }
        put_uint(&mut out, f.holder.named.len() as u64);
        for n in &*f.holder.named {
            put_str(&mut out, n);
        }
        // 0 for none, else the subject's index plus one.
        put_uint(&mut out, f.holder.subject.map_or(0, |i| u64::from(i) + 1));
        out.push(match f.moves {
            Move::Level => 0,
            Move::Up => 1,
            Move::Down => 2,
        });
        match f.year {
            None => out.push(0),
            Some(y) => {
                out.push(1);
                put_uint(&mut out, u64::from(y.year.unsigned_abs()));
                out.push(u8::from(y.year < 0));
                put_span(&mut out, y.span);
            }
        }
    }
    Some(out)
}

/// The facts of `file` from its entry: one per figure with a key, in figure order (as
/// [`super::facts_of`] makes them); `None` unless the entry reads exactly.
fn decode(bytes: &[u8], file: &SourceFile, strings: &[IStr]) -> Option<Vec<Fact>> {
    let mut r = Reader::new(bytes);
    let n = r.count()?;
    let rel: Arc<str> = Arc::from(file.rel.as_str());
    let mut figures = file
        .analysis
        .figures
        .iter()
        .filter_map(|f| Some((f, key_of(f)?)));
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (figure, key) = figures.next()?;
        let line = r.usize()?;
        let sentence = r.span()?;
        let written: Box<str> = r.str()?.into();
        let words = r.count()?;
        let mut context = Vec::with_capacity(words);
        for _ in 0..words {
            let key = strings.get(r.usize()?)?.clone();
            let surface = strings.get(r.usize()?)?.clone();
            let hash = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
            let weight = f32::from_bits(u32::from_le_bytes(r.take(4)?.try_into().ok()?));
            let is_name = match r.byte()? {
                0 => false,
                1 => true,
                _ => return None,
            };
            let at = r.usize()?;
            context.push(ContextWord {
                key,
                hash,
                surface,
                weight,
                is_name,
                at,
            });
        }
        let mut hashes = || -> Option<Box<[u64]>> {
            let n = r.count()?;
            (0..n)
                .map(|_| Some(u64::from_le_bytes(r.take(8)?.try_into().ok()?)))
                .collect()
        };
        let entities = hashes()?;
        let measures = hashes()?;
        let n_named = r.count()?;
        let named: Box<[IStr]> = (0..n_named)
            .map(|_| Some(intern(r.str()?)))
            .collect::<Option<_>>()?;
        let subject = match r.usize()? {
            0 => None,
            k if k <= named.len() => Some(k as u32 - 1),
            _ => return None,
        };
        let moves = match r.byte()? {
            0 => Move::Level,
            1 => Move::Up,
            2 => Move::Down,
            _ => return None,
        };
        let year = match r.byte()? {
            0 => None,
            1 => {
                let abs = i32::try_from(r.usize()?).ok()?;
                let year = match r.byte()? {
                    0 => abs,
                    1 => -abs,
                    _ => return None,
                };
                Some(Year {
                    year,
                    span: r.span()?,
                })
            }
            _ => return None,
        };
        // Derived from the context exactly as the walk derives it.
        let close = close_of(&context);
        out.push(Fact {
            holder: Holder { named, subject },
            moves,
            year,
            rel: rel.clone(),
            interval: interval_of(figure),
            key,
            written,
            line,
            sentence,
            context: context.into_boxed_slice(),
            entities,
            measures,
            close,
            figure: figure.clone(),
        });
    }
    (figures.next().is_none() && r.done()).then_some(out)
}

#[cfg(test)]
mod tests;
