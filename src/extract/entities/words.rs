//! Word facts kept across the documents one thread reads: news text reuses a few thousand
//! words, so a word's facts ([`TokenInfo`]) and its summed feature rows under each built-in
//! model are computed once per thread, not once per document (which cost a dozen scattered
//! weight-row reads per new word of every document).

use super::features::{info_of, TokenInfo};
use super::perceptron::{Model, LABELS};
use crate::text::TokenKind;
use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// Distinct words a thread keeps before its cache starts afresh (bounds a server's memory:
/// about 200 bytes a word).
pub const CAPACITY: usize = 1 << 15;

/// A word's feature rows under one model, compact (rows are `i8`; a word's own rows sum to
/// well within `i16`).
#[derive(Debug, Clone, Copy)]
pub struct WordRows {
    /// The word's own features summed, with its shape at no particular position.
    pub word: [i16; LABELS],
    /// The row of its shape at no particular position.
    pub plain_position: [i8; LABELS],
    /// Its row as each neighbour ([`super::features::NEIGHBOUR_TEMPLATES`] order).
    pub neighbour: [[i8; LABELS]; 4],
}

/// One thread's words: an id per distinct word, its facts and its rows per built-in model.
#[derive(Default)]
pub struct WordCache {
    /// Words and punctuation apart (the same text as punctuation reads differently).
    ids: [FxHashMap<Box<str>, u32>; 2],
    infos: Vec<TokenInfo>,
    rows: [Vec<Option<WordRows>>; 2],
    /// Bumped whenever the cache starts afresh: ids of an older generation mean nothing.
    generation: u64,
}

thread_local! {
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache::default());
}

/// The cache slot of a built-in model; `None` for any other model (whose rows are not kept).
pub fn model_slot(model: &Model) -> Option<usize> {
    let is = |m: Option<&'static Model>| m.is_some_and(|m| std::ptr::eq(m, model));
    if is(super::cased_model()) {
        Some(0)
    } else if is(super::lower_model()) {
        Some(1)
    } else {
        None
    }
}

/// Runs `f` with this thread's cache (`f` must not call back into it).
pub fn with_cache<R>(f: impl FnOnce(&mut WordCache) -> R) -> R {
    CACHE.with(|c| f(&mut c.borrow_mut()))
}

impl WordCache {
    /// Starts a document: empties the cache if it is full (so ids handed out for this
    /// document stay valid while it is read) and returns the generation its ids belong to.
    pub fn start_document(&mut self) -> u64 {
        if self.infos.len() >= CAPACITY {
            self.ids.iter_mut().for_each(FxHashMap::clear);
            self.infos.clear();
            self.rows.iter_mut().for_each(Vec::clear);
            self.generation += 1;
        }
        self.generation
    }

    /// The id of `word` of kind `kind`, computing its facts the first time.
    pub fn id(&mut self, word: &str, kind: TokenKind) -> u32 {
        let map = &mut self.ids[(kind == TokenKind::Punct) as usize];
        if let Some(&id) = map.get(word) {
            return id;
        }
        let id = self.infos.len() as u32;
        map.insert(word.into(), id);
        self.infos.push(info_of(word, kind));
        for r in &mut self.rows {
            r.push(None);
        }
        id
    }

    /// The facts of word `id`.
    pub fn info(&self, id: u32) -> &TokenInfo {
        &self.infos[id as usize]
    }

    /// The rows of word `id` under built-in model `slot`, computed by `compute` the first time.
    pub fn rows(
        &mut self,
        slot: usize,
        id: u32,
        compute: impl FnOnce(&TokenInfo) -> WordRows,
    ) -> WordRows {
        let cell = &mut self.rows[slot][id as usize];
        *cell.get_or_insert_with(|| compute(&self.infos[id as usize]))
    }

    /// The generation current ids belong to.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_until_the_cache_starts_afresh() {
        let mut cache = WordCache::default();
        let g = cache.start_document();
        let the = cache.id("the", TokenKind::Word);
        let comma = cache.id(",", TokenKind::Punct);
        assert_eq!(cache.id("the", TokenKind::Word), the);
        assert_ne!(cache.id(",", TokenKind::Word), comma, "punctuation apart");
        assert_eq!(
            format!("{:?}", cache.info(the)),
            format!("{:?}", info_of("the", TokenKind::Word))
        );
        for i in 0..CAPACITY {
            cache.id(&format!("w{i}"), TokenKind::Word);
        }
        assert_eq!(cache.generation(), g, "never emptied inside a document");
        assert_ne!(cache.start_document(), g);
        assert_eq!(cache.id("x", TokenKind::Word), 0);
    }
}
