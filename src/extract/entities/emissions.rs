//! Emission scores of a prepared document, with the parts that depend on a word alone summed
//! once per word type: a news article repeats most of its words (`the`, `,`, its names), so
//! about half the weight look-ups of a token are shared with earlier tokens.

use super::features::{
    around, category_features, flag_features, flag_key, pair_features, position_flags, row,
    shape_at, word_features, PreparedDoc, TokenInfo, CATEGORY_KINDS, FLAG_KEYS, NEIGHBOUR_OFFSETS,
    NEIGHBOUR_TEMPLATES, PAD_LOWER,
};
use super::perceptron::{Model, LABELS};

/// Summed rows of the context features that read only a few bits of a token (position and
/// case flags, lexicon and gazetteer categories), for every value of those bits: one look-up
/// in a small table instead of a hashed row per feature.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FixedScores {
    /// By [`flag_key`].
    flags: Vec<[i32; LABELS]>,
    /// By slot (1..=3, index 0 unused), category kind and bit.
    categories: Vec<[[[i32; LABELS]; 32]; CATEGORY_KINDS]>,
}

impl FixedScores {
    /// The tables of `model`'s weights.
    pub fn new(model: &Model) -> Self {
        let flags = (0..FLAG_KEYS)
            .map(|k| summed(model, |push| flag_features(k, model.cased, push)))
            .collect();
        let categories = (0..4u64)
            .map(|slot| {
                std::array::from_fn(|kind| {
                    std::array::from_fn(|bit| match TokenInfo::with_category(kind, bit as u32) {
                        Some(t) if slot > 0 => {
                            summed(model, |push| category_features(slot, &t, push))
                        }
                        _ => [0; LABELS],
                    })
                })
            })
            .collect();
        FixedScores { flags, categories }
    }
}

/// The summed rows of the features `features` pushes.
fn summed(model: &Model, features: impl FnOnce(&mut dyn FnMut(u64, u64, u64))) -> [i32; LABELS] {
    let (mask, mut s) = (model.mask(), [0i32; LABELS]);
    features(&mut |t, a, b| model.add_row(row(t, a, b, mask), &mut s));
    s
}

/// Per-type partial scores of one document under one model.
pub struct TypeScores {
    /// The word's own features, summed, with its shape at no particular position.
    word: Vec<[i32; LABELS]>,
    /// The word's shape at no particular position (taken back out where the token stands at
    /// a sentence or line start or in a headline).
    plain_position: Vec<[i32; LABELS]>,
    /// The word seen as each neighbour ([`NEIGHBOUR_TEMPLATES`] order).
    neighbour: Vec<[[i32; LABELS]; 4]>,
    /// Padding beyond a sentence seen as each neighbour.
    pad: [[i32; LABELS]; 4],
}

#[inline]
fn add(s: &mut [i32; LABELS], rows: &[i32; LABELS]) {
    for (x, y) in s.iter_mut().zip(rows) {
        *x += y;
    }
}

#[inline]
fn sub(s: &mut [i32; LABELS], rows: &[i32; LABELS]) {
    for (x, y) in s.iter_mut().zip(rows) {
        *x -= y;
    }
}

impl TypeScores {
    /// Sums the word features and neighbour rows of every word type of `doc`.
    pub fn new(model: &Model, doc: &PreparedDoc) -> Self {
        let mask = model.mask();
        let neighbour_rows = |lower: u64| {
            NEIGHBOUR_TEMPLATES.map(|t| {
                let mut s = [0i32; LABELS];
                model.add_row(row(t, lower, 0, mask), &mut s);
                s
            })
        };
        let n = doc.type_first.len();
        let mut word = Vec::with_capacity(n);
        let mut plain_position = Vec::with_capacity(n);
        let mut neighbour = Vec::with_capacity(n);
        for &k in &doc.type_first {
            let info = &doc.infos[k as usize];
            let mut s = [0i32; LABELS];
            word_features(info, model.cased, |t, a, b| {
                model.add_row(row(t, a, b, mask), &mut s)
            });
            let mut p = [0i32; LABELS];
            shape_at(0, info.shape(), |t, a, b| {
                model.add_row(row(t, a, b, mask), &mut p)
            });
            add(&mut s, &p);
            word.push(s);
            plain_position.push(p);
            neighbour.push(neighbour_rows(info.lower()));
        }
        TypeScores {
            word,
            plain_position,
            neighbour,
            pad: neighbour_rows(PAD_LOWER),
        }
    }

    /// The emission scores of the tokens `a..b` (one sentence) into `out`.
    pub fn sentence(
        &self,
        model: &Model,
        doc: &PreparedDoc,
        (a, b): (usize, usize),
        out: &mut Vec<[i32; LABELS]>,
    ) {
        out.clear();
        let mask = model.mask();
        let fixed = model.fixed();
        let sent = &doc.infos[a..b];
        let types = &doc.types[a..b];
        for i in 0..b - a {
            let ty = types[i] as usize;
            let mut s = self.word[ty];
            for (n, d) in NEIGHBOUR_OFFSETS.into_iter().enumerate() {
                let j = i as isize + d;
                let rows = if j < 0 || j as usize >= sent.len() {
                    &self.pad[n]
                } else {
                    &self.neighbour[types[j as usize] as usize][n]
                };
                add(&mut s, rows);
            }
            let (m1, w, p1) = around(sent, i);
            pair_features(m1, w, p1, |t, x, y| {
                model.add_row(row(t, x, y, mask), &mut s)
            });
            let position = position_flags(w, model.cased);
            if position != 0 {
                sub(&mut s, &self.plain_position[ty]);
                shape_at(position, w.shape(), |t, x, y| {
                    model.add_row(row(t, x, y, mask), &mut s)
                });
            }
            add(&mut s, &fixed.flags[flag_key(m1, w)]);
            for (slot, t) in [m1, w, p1].into_iter().enumerate() {
                let tables = &fixed.categories[slot + 1];
                for (kind, bits) in t.categories().into_iter().enumerate() {
                    let mut bits = bits;
                    while bits != 0 {
                        add(&mut s, &tables[kind][bits.trailing_zeros() as usize]);
                        bits &= bits - 1;
                    }
                }
            }
            out.push(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::features::{prepare, token_features};
    use super::super::gazetteer::Gazetteer;
    use super::super::{cased_model, lower_model};
    use super::*;
    use crate::format::Format;
    use crate::model::EntityType;
    use crate::text::segment;
    use proptest::prelude::*;

    /// The scores as the tagger computed them before: every feature of every token.
    fn reference(model: &Model, doc: &PreparedDoc, (a, b): (usize, usize)) -> Vec<[i32; LABELS]> {
        let (mut feats, mut offsets, mut em) = (Vec::new(), vec![0], Vec::new());
        for i in 0..b - a {
            token_features(&doc.infos[a..b], i, model.cased, model.mask(), &mut feats);
            offsets.push(feats.len());
        }
        model.emissions(&feats, &offsets, &mut em);
        em
    }

    fn same_as_reference(text: &str, format: Format) -> Result<(), TestCaseError> {
        let gaz = Gazetteer::new([
            ("Kwame Adu".to_string(), EntityType::Per),
            ("tema".to_string(), EntityType::Loc),
        ]);
        let segs = segment(text, format);
        let doc = prepare(text, &segs.tokens, &segs.sentences, &gaz);
        for model in [cased_model(), lower_model()].into_iter().flatten() {
            let scores = TypeScores::new(model, &doc);
            let mut em = Vec::new();
            for &s in &doc.sentences {
                scores.sentence(model, &doc, s, &mut em);
                prop_assert_eq!(&em, &reference(model, &doc, s));
            }
        }
        Ok(())
    }

    #[test]
    fn fixed_texts_score_as_before() {
        for (text, format) in [
            ("", Format::Plain),
            (
                "Mr. Kwame Adu flew to Tema. He met the Tema port authority on Monday.\n\nTHE END",
                Format::Plain,
            ),
            (
                "kwame adu said the port of tema would open , and adu left",
                Format::Lowercase,
            ),
            (
                "A. B. C. 70,000 U.S. \u{1F600} Zoë -- Ōta ; x",
                Format::Plain,
            ),
        ] {
            same_as_reference(text, format).unwrap();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn random_texts_score_as_before(
            words in prop::collection::vec(prop::sample::select(vec![
                "Kwame", "Adu", "kwame", "adu", "the", "The", "THE", "Tema", "port", "of", "Mr.",
                "President", "said", ",", ".", "\n\n", "70", "U.S.", "New", "York", "Zoë", "-",
            ]), 0..60),
            lower in any::<bool>(),
        ) {
            let text = words.join(" ");
            let format = if lower { Format::Lowercase } else { Format::Plain };
            same_as_reference(&text, format)?;
        }
    }
}
