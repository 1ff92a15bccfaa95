//! Token features for the tagger, hashed into a fixed table without allocating per feature.

use super::gazetteer::{Gazetteer, PhraseMatch};
use super::lexicon;
use crate::model::Span;
use crate::text::{Token, TokenKind};
use rustc_hash::FxHashMap;

/// Per-token facts computed once per document; features combine those of neighbours.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokenInfo {
    lower: u64,
    raw: u64,
    shape: u64,
    prefix: [u64; 3],
    suffix: [u64; 4],
    flags: u16,
    lex_begin: u32,
    lex_inside: u32,
    gaz_begin: u8,
    gaz_inside: u8,
    doc_case: u8,
}

const TITLE: u16 = 1;
const UPPER: u16 = 2;
const LOWER: u16 = 4;
const DIGIT: u16 = 8;
const HYPHEN: u16 = 16;
const DOT: u16 = 32;
const PUNCT: u16 = 64;
const INITIAL: u16 = 128;
const HEADLINE: u16 = 256;
const LINE_START: u16 = 512;
const SHORT: u16 = 1024;

const FNV: u64 = 0xcbf2_9ce4_8422_2325;

#[inline]
fn fnv(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
}

#[inline]
fn fnv_char(h: u64, c: char) -> u64 {
    if c.is_ascii() {
        fnv(h, c as u8)
    } else {
        fnv_utf8(h, c)
    }
}

/// [`fnv`] over the UTF-8 bytes of `c`.
fn fnv_utf8(mut h: u64, c: char) -> u64 {
    let mut buf = [0u8; 4];
    for &b in c.encode_utf8(&mut buf).as_bytes() {
        h = fnv(h, b);
    }
    h
}

/// Mixes a template id and up to two values into one 64-bit feature key.
#[inline]
fn mix(t: u64, a: u64, b: u64) -> u64 {
    let mut h = t.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ a;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ b.rotate_left(23);
    h ^= h >> 31;
    h = h.wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 29)
}

fn lower_char(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

fn digit_norm(c: char) -> char {
    if c.is_ascii_digit() {
        '0'
    } else {
        c
    }
}

#[inline]
fn shape_class(c: char) -> char {
    match c {
        'A'..='Z' => 'X',
        'a'..='z' => 'x',
        '0'..='9' => 'd',
        c if c.is_ascii() => c,
        c => shape_class_unicode(c),
    }
}

/// [`shape_class`] by the Unicode properties (what the ASCII cases above shortcut).
fn shape_class_unicode(c: char) -> char {
    if c.is_uppercase() {
        'X'
    } else if c.is_lowercase() {
        'x'
    } else if c.is_numeric() {
        'd'
    } else if c.is_alphabetic() {
        'a'
    } else {
        c
    }
}

fn info_of(word: &str, kind: TokenKind) -> TokenInfo {
    // Most words are ASCII: bytes need no UTF-8 decoding.
    if word.is_ascii() {
        let chars = || word.bytes().map(char::from);
        info_of_chars(chars(), chars().rev(), kind)
    } else {
        info_of_chars(word.chars(), word.chars().rev(), kind)
    }
}

/// [`info_of`] over the word's characters, forwards and backwards.
#[inline]
fn info_of_chars(
    chars: impl Iterator<Item = char>,
    rev: impl Iterator<Item = char>,
    kind: TokenKind,
) -> TokenInfo {
    let mut info = TokenInfo::default();
    let mut first_upper = false;
    let (mut lower, mut raw, mut shape) = (FNV, FNV, FNV);
    let mut last_class = '\0';
    let (mut n_upper, mut n_lower, mut n_chars) = (0, 0, 0);
    for (k, c) in chars.enumerate() {
        if k == 0 {
            first_upper = c.is_uppercase();
        }
        let d = digit_norm(c);
        lower = fnv_char(lower, lower_char(d));
        raw = fnv_char(raw, d);
        let class = shape_class(c);
        if class != last_class {
            shape = fnv_char(shape, class);
            last_class = class;
        }
        if k < 3 {
            info.prefix[k] = lower;
        }
        n_chars += 1;
        if c.is_uppercase() {
            n_upper += 1;
        } else if c.is_lowercase() {
            n_lower += 1;
        }
        match c {
            '-' => info.flags |= HYPHEN,
            '.' => info.flags |= DOT,
            c if c.is_ascii_digit() => info.flags |= DIGIT,
            _ => {}
        }
    }
    for k in n_chars.min(3)..3 {
        info.prefix[k] = info.prefix[k.saturating_sub(1)];
    }
    let mut h = FNV;
    for (k, c) in rev.take(4).enumerate() {
        h = fnv_char(h, lower_char(digit_norm(c)));
        info.suffix[k] = h;
    }
    for k in n_chars.min(4)..4 {
        info.suffix[k] = info.suffix[k.saturating_sub(1)];
    }
    if first_upper && n_lower > 0 {
        info.flags |= TITLE;
    }
    if n_upper > 0 && n_lower == 0 {
        info.flags |= UPPER;
    }
    if n_upper == 0 && n_lower > 0 {
        info.flags |= LOWER;
    }
    if kind == TokenKind::Punct {
        info.flags |= PUNCT;
    }
    if n_chars <= 2 {
        info.flags |= SHORT;
    }
    info.lower = lower;
    info.raw = raw;
    info.shape = shape;
    info
}

/// A document ready for tagging: token facts and sentence ranges (token indices).
#[derive(Debug, Clone, Default)]
pub struct PreparedDoc {
    /// Facts of each token.
    pub infos: Vec<TokenInfo>,
    /// Token index ranges of the sentences.
    pub sentences: Vec<(usize, usize)>,
    /// The word type of each token: tokens with the same text and kind share one, numbered
    /// from 0 in order of first appearance (word facts are computed once per type).
    pub types: Vec<u32>,
    /// The first token of each type.
    pub type_first: Vec<u32>,
    /// The corpus gazetteer's names in the document.
    pub gazetteer: Vec<PhraseMatch>,
}

/// Computes per-token facts: word hashes, shape, lexicon and gazetteer matches, casing elsewhere
/// in the document.
pub fn prepare(
    text: &str,
    tokens: &[Token],
    sentences: &[Span],
    gazetteer: &Gazetteer,
) -> PreparedDoc {
    // Words repeat (`the`, `,`, a name): their facts are computed once per type.
    let mut ids: FxHashMap<(&str, bool), u32> = FxHashMap::default();
    ids.reserve(tokens.len() / 2);
    let mut type_first: Vec<u32> = Vec::new();
    let mut type_infos: Vec<TokenInfo> = Vec::new();
    let types: Vec<u32> = tokens
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let w = t.span.slice(text);
            *ids.entry((w, t.kind == TokenKind::Punct))
                .or_insert_with(|| {
                    type_first.push(k as u32);
                    type_infos.push(info_of(w, t.kind));
                    type_infos.len() as u32 - 1
                })
        })
        .collect();
    let n_types = type_infos.len();
    let mut infos: Vec<TokenInfo> = types.iter().map(|&t| type_infos[t as usize]).collect();
    for m in lexicon::find_typed(text, tokens, &types, n_types) {
        infos[m.first].lex_begin |= m.bits;
        for info in &mut infos[m.first + 1..m.end] {
            info.lex_inside |= m.bits;
        }
    }
    let gaz_matches = gazetteer.find_typed(text, tokens, &types, n_types);
    for m in &gaz_matches {
        infos[m.first].gaz_begin |= m.bits as u8;
        for info in &mut infos[m.first + 1..m.end] {
            info.gaz_inside |= m.bits as u8;
        }
    }
    let mut ranges = Vec::with_capacity(sentences.len());
    let mut first = 0;
    for s in sentences {
        let a = first + tokens[first..].partition_point(|t| t.span.start() < s.start());
        let b = a + tokens[a..].partition_point(|t| t.span.start() < s.end());
        if b > a {
            ranges.push((a, b));
        }
        first = b;
    }
    // Sentence-level flags: the opening word, headlines in capitals, words opening a line.
    for &(a, b) in &ranges {
        let words = infos[a..b]
            .iter()
            .filter(|i| i.flags & (UPPER | LOWER | TITLE) != 0);
        let (mut n, mut caps) = (0, 0);
        for w in words {
            n += 1;
            if w.flags & UPPER != 0 {
                caps += 1;
            }
        }
        let headline = n >= 2 && caps * 10 >= n * 8;
        let mut k = a;
        while k < b && infos[k].flags & PUNCT != 0 {
            k += 1;
        }
        if k < b {
            infos[k].flags |= INITIAL;
        }
        for (j, info) in infos[a..b].iter_mut().enumerate() {
            if headline {
                info.flags |= HEADLINE;
            }
            let i = a + j;
            let line_start =
                i == 0 || text[tokens[i - 1].span.end()..tokens[i].span.start()].contains('\n');
            if line_start {
                info.flags |= LINE_START;
            }
        }
    }
    // How the same word is cased elsewhere in the document (lifts sentence-initial and headline
    // words): 1 = capitalised mid-sentence, 2 = lower case.
    let mut seen: FxHashMap<u64, u8> = FxHashMap::default();
    for info in &infos {
        if info.flags & (INITIAL | HEADLINE) == 0 {
            if info.flags & TITLE != 0 {
                *seen.entry(info.lower).or_default() |= 1;
            } else if info.flags & LOWER != 0 {
                *seen.entry(info.lower).or_default() |= 2;
            }
        }
    }
    for info in &mut infos {
        info.doc_case = seen.get(&info.lower).copied().unwrap_or(0);
    }
    PreparedDoc {
        infos,
        sentences: ranges,
        types,
        type_first,
        gazetteer: gaz_matches,
    }
}

const PAD: TokenInfo = TokenInfo {
    lower: 0x5EED_0001,
    raw: 0x5EED_0001,
    shape: 0x5EED_0002,
    prefix: [0; 3],
    suffix: [0; 4],
    flags: 0,
    lex_begin: 0,
    lex_inside: 0,
    gaz_begin: 0,
    gaz_inside: 0,
    doc_case: 0,
};

/// Flags that depend on the word alone (not on where it stands).
const WORD_FLAGS: u16 = TITLE | UPPER | LOWER | DIGIT | HYPHEN | DOT | PUNCT | SHORT;

/// The flags a model reads: the lowercase model ignores case.
#[inline]
fn model_flags(flags: u16, cased: bool) -> u16 {
    if cased {
        flags
    } else {
        flags & !(TITLE | UPPER | LOWER | HEADLINE)
    }
}

/// The features of a word on its own (its text, affixes, shape and word flags), the same
/// wherever it stands; `push(template, a, b)` receives each.
#[inline]
pub fn word_features(w: &TokenInfo, cased: bool, mut push: impl FnMut(u64, u64, u64)) {
    push(0, 0, 0);
    push(1, w.lower, 0);
    for k in 0..3 {
        push(10 + k as u64, w.prefix[k], 0);
    }
    for k in 0..4 {
        push(13 + k as u64, w.suffix[k], 0);
    }
    push(20, w.shape, 0);
    let flags = model_flags(w.flags, cased) & WORD_FLAGS;
    for bit in 0..11 {
        if flags & (1 << bit) != 0 {
            push(30 + bit, 0, 0);
        }
    }
    if cased {
        push(8, w.raw, 0);
    }
}

/// Templates of the word two before, one before, one after and two after a token.
pub const NEIGHBOUR_TEMPLATES: [u64; 4] = [4, 2, 3, 5];

/// The features of token `i` other than [`word_features`] and the neighbours' words
/// ([`NEIGHBOUR_TEMPLATES`]): word pairs, shapes around, position and case flags, lexicon and
/// gazetteer. The union of [`pair_features`], [`position_feature`], [`flag_features`] and
/// [`category_features`] of the three tokens around.
#[inline]
pub fn context_features(
    sent: &[TokenInfo],
    i: usize,
    cased: bool,
    mut push: impl FnMut(u64, u64, u64),
) {
    let (m1, w, p1) = around(sent, i);
    pair_features(m1, w, p1, &mut push);
    position_feature(w, cased, &mut push);
    flag_features(flag_key(m1, w), cased, &mut push);
    for (slot, t) in [(1, m1), (2, w), (3, p1)] {
        category_features(slot, t, &mut push);
    }
}

/// The tokens before, at and after `i` (padding beyond the sentence).
#[inline]
pub fn around(sent: &[TokenInfo], i: usize) -> (&TokenInfo, &TokenInfo, &TokenInfo) {
    let at = |j: Option<usize>| j.and_then(|j| sent.get(j)).unwrap_or(&PAD);
    (at(i.checked_sub(1)), at(Some(i)), at(i.checked_add(1)))
}

/// The features of `w` that read its neighbours' words and shapes: word and shape pairs, and
/// the lexicon and gazetteer phrases opening around it with its own shape.
#[inline]
pub fn pair_features(
    m1: &TokenInfo,
    w: &TokenInfo,
    p1: &TokenInfo,
    mut push: impl FnMut(u64, u64, u64),
) {
    push(6, m1.lower, w.lower);
    push(7, w.lower, p1.lower);
    push(21, m1.shape, w.shape);
    push(22, w.shape, p1.shape);
    push(23, m1.lower, w.shape);
    push(24, w.shape, p1.lower);
    for (slot, t) in [(1u64, m1), (2, w), (3, p1)] {
        let mut b = t.lex_begin;
        while b != 0 {
            push(51, slot * 64 + b.trailing_zeros() as u64, w.shape);
            b &= b - 1;
        }
        let mut b = t.gaz_begin;
        while b != 0 {
            push(54, slot * 64 + b.trailing_zeros() as u64, w.shape);
            b &= b - 1;
        }
    }
}

/// Where the token stands (sentence opening, headline, line start) as the model reads it.
#[inline]
pub fn position_flags(w: &TokenInfo, cased: bool) -> u64 {
    (model_flags(w.flags, cased) & (INITIAL | HEADLINE | LINE_START)) as u64
}

/// The word's shape together with where it stands.
#[inline]
pub fn position_feature(w: &TokenInfo, cased: bool, push: impl FnMut(u64, u64, u64)) {
    shape_at(position_flags(w, cased), w.shape, push);
}

/// The feature of shape `shape` at position flags `position` ([`position_flags`]).
#[inline]
pub fn shape_at(position: u64, shape: u64, mut push: impl FnMut(u64, u64, u64)) {
    push(45, position, shape);
}

/// Number of distinct [`flag_key`]s.
pub const FLAG_KEYS: usize = 512;

/// The few bits [`flag_features`] read, as one number below [`FLAG_KEYS`]: the token's case
/// and position flags, how its word is cased elsewhere in the document, the case of the token
/// before.
#[inline]
pub fn flag_key(m1: &TokenInfo, w: &TokenInfo) -> usize {
    let own = (w.flags & (TITLE | UPPER)) | ((w.flags & (INITIAL | HEADLINE | LINE_START)) >> 5);
    own as usize | (w.doc_case as usize & 3) << 5 | ((m1.flags & (TITLE | UPPER)) as usize) << 7
}

/// The features that read only the bits of a [`flag_key`]: position flags and case.
#[inline]
pub fn flag_features(key: usize, cased: bool, mut push: impl FnMut(u64, u64, u64)) {
    let w_flags = (key as u16 & (TITLE | UPPER)) | ((key as u16 & 0b1_1100) << 5);
    let doc_case = (key >> 5) as u64 & 3;
    let m1_flags = (key >> 7) as u16 & (TITLE | UPPER);
    let flags = model_flags(w_flags, cased);
    for bit in 0..11 {
        if flags & !WORD_FLAGS & (1 << bit) != 0 {
            push(30 + bit, 0, 0);
        }
    }
    if cased {
        push(
            46,
            doc_case,
            (w_flags & (TITLE | UPPER | INITIAL | HEADLINE)) as u64,
        );
        push(
            47,
            (m1_flags & (TITLE | UPPER)) as u64,
            (w_flags & (TITLE | UPPER)) as u64,
        );
    }
}

/// The lexicon and gazetteer categories of token `t`, in slot 1, 2 or 3 (before, at, after the
/// tagged token); one feature per category bit.
#[inline]
pub fn category_features(slot: u64, t: &TokenInfo, mut push: impl FnMut(u64, u64, u64)) {
    for (template, bits) in CATEGORY_TEMPLATES.into_iter().zip(t.categories()) {
        let mut b = bits;
        while b != 0 {
            push(template, slot * 64 + b.trailing_zeros() as u64, 0);
            b &= b - 1;
        }
    }
}

/// Templates of [`category_features`], in [`TokenInfo::categories`] order.
const CATEGORY_TEMPLATES: [u64; 4] = [50, 52, 53, 55];

/// Kinds of category bits ([`TokenInfo::categories`]).
pub const CATEGORY_KINDS: usize = 4;

/// The hashed row of feature `(template, a, b)`.
#[inline]
pub fn row(t: u64, a: u64, b: u64, mask: u64) -> u32 {
    (mix(t, a, b) & mask) as u32
}

/// The lowercased-word hash of the token at offset `d` from token `i` (padding beyond the
/// sentence).
#[inline]
pub fn neighbour_lower(sent: &[TokenInfo], i: usize, d: isize) -> u64 {
    let j = i as isize + d;
    if j < 0 || j as usize >= sent.len() {
        PAD.lower
    } else {
        sent[j as usize].lower
    }
}

/// Offsets of the neighbours [`NEIGHBOUR_TEMPLATES`] read, in the same order.
pub const NEIGHBOUR_OFFSETS: [isize; 4] = [-2, -1, 1, 2];

/// The lowercased-word hash of padding beyond a sentence.
pub const PAD_LOWER: u64 = PAD.lower;

/// Appends the hashed feature buckets of token `i` of `sent` to `out`: its word's features,
/// its neighbours' words and the context.
pub fn token_features(sent: &[TokenInfo], i: usize, cased: bool, mask: u64, out: &mut Vec<u32>) {
    let mut push = |t: u64, a: u64, b: u64| out.push(row(t, a, b, mask));
    word_features(&sent[i], cased, &mut push);
    for (t, d) in NEIGHBOUR_TEMPLATES.into_iter().zip(NEIGHBOUR_OFFSETS) {
        push(t, neighbour_lower(sent, i, d), 0);
    }
    context_features(sent, i, cased, &mut push);
}

/// The feature row of token `i`'s lowercased word alone (tells whether the model knows the word).
pub fn word_row(doc: &PreparedDoc, i: usize, mask: u64) -> u32 {
    (mix(1, doc.infos[i].lower, 0) & mask) as u32
}

impl TokenInfo {
    /// The hash of the lowercased word (digits as `0`).
    pub fn lower(&self) -> u64 {
        self.lower
    }

    /// The hash of the word's shape.
    pub fn shape(&self) -> u64 {
        self.shape
    }

    /// Lexicon phrases it opens, lexicon phrases it continues, gazetteer names it opens and
    /// continues (bit sets; [`category_features`] reads one feature per bit).
    #[inline]
    pub fn categories(&self) -> [u32; CATEGORY_KINDS] {
        [
            self.lex_begin,
            self.lex_inside,
            self.gaz_begin as u32,
            self.gaz_inside as u32,
        ]
    }

    /// A token with nothing but category bit `bit` of kind `kind` ([`TokenInfo::categories`]
    /// order); `None` when that kind has no such bit.
    pub fn with_category(kind: usize, bit: u32) -> Option<TokenInfo> {
        let mut t = PAD;
        match kind {
            0 if bit < 32 => t.lex_begin = 1 << bit,
            1 if bit < 32 => t.lex_inside = 1 << bit,
            2 if bit < 8 => t.gaz_begin = 1 << bit,
            3 if bit < 8 => t.gaz_inside = 1 << bit,
            _ => return None,
        }
        Some(t)
    }
}

impl PreparedDoc {
    /// Lexicon category bits of token `i` (wherever it sits in a lexicon phrase).
    pub fn lex(&self, i: usize) -> u32 {
        self.infos.get(i).map_or(0, |t| t.lex_begin | t.lex_inside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ascii_shortcuts_agree_with_the_unicode_paths() {
        for c in (0u8..128).map(char::from) {
            assert_eq!(shape_class(c), shape_class_unicode(c), "{c:?}");
            assert_eq!(fnv_char(FNV, c), fnv_utf8(FNV, c), "{c:?}");
        }
    }

    proptest! {
        #[test]
        fn ascii_words_read_as_bytes_or_chars_agree(word in "[ -~]{0,12}", punct in any::<bool>()) {
            let kind = if punct { TokenKind::Punct } else { TokenKind::Word };
            let by_bytes = info_of(&word, kind);
            let by_chars = info_of_chars(word.chars(), word.chars().rev(), kind);
            prop_assert_eq!(format!("{by_bytes:?}"), format!("{by_chars:?}"));
        }
    }
}
