//! Pruned retrieval for a note's figures: the matches `figure-conflict` and `figure-unsupported`
//! read, without scoring every candidate (a keystroke in a note pairs all its figures again, and
//! scoring thousands of scattered facts per figure was most of that keystroke).
//!
//! A candidate's score is bounded from the note fact's side by the words the two can share:
//! with `W` the shared words, `dot <= sum over W of x.weight idf^2` (weights are at most 1), so
//! coverage is at most that over the mass and cosine at most that over both norms (the
//! candidate's is stored); by Cauchy-Schwarz cosine is also at most `|x_W| / |x|`.
//! Which words a candidate shares is read from the postings (sorted ids merged with the sorted
//! candidates; no fact is touched); a word with a long posting is taken as shared by all.

use super::{Fact, FactId, FactIndex, Match, ENOUGH, NO_FILE};
use crate::check::quantity::QuantityKey;
use std::cmp::Ordering;
use std::collections::HashMap;

/// True when two values are the same figure (what `figure-conflict` counts as the very value).
pub fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The values of the facts an index was assembled from (not its later overlay), by kind and
/// sorted: the candidates holding a note figure's very value are found without touching the
/// others. An index updated by overlay keeps its base, so this stays valid for it
/// ([`FactIndex::same_base`]); the overlay's few articles are looked at directly.
#[derive(Debug, Default)]
pub struct ValueIndex {
    by_key: HashMap<QuantityKey, Vec<(f64, FactId)>>,
}

impl ValueIndex {
    /// The values of the facts of `ix`'s base.
    pub fn of(ix: &FactIndex) -> ValueIndex {
        let mut by_key: HashMap<QuantityKey, Vec<(f64, FactId)>> = HashMap::new();
        for (fi, ff) in ix.base.files.iter().enumerate() {
            let fi = fi as u32;
            for (i, f) in ff.facts.iter().enumerate() {
                let v = f.figure.value.as_f64();
                // NaN is the same value as nothing.
                if !v.is_nan() {
                    by_key
                        .entry(f.key.clone())
                        .or_default()
                        .push((v, (fi, i as u32)));
                }
            }
        }
        for v in by_key.values_mut() {
            v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        ValueIndex { by_key }
    }

    /// Ids of the current facts of `ix` (built on the same base) of `f`'s kind whose value is
    /// [`same_value`] as `f`'s.
    fn same(&self, ix: &FactIndex, f: &Fact) -> Vec<FactId> {
        let a = f.figure.value.as_f64();
        let list = self.by_key.get(&f.key).map_or(&[][..], |v| v.as_slice());
        // Wider than `same_value`'s tolerance; the test itself decides.
        let slack = 1e-6 * a.abs().max(1.0);
        let lo = if a.is_nan() {
            list.len()
        } else {
            list.partition_point(|(v, _)| *v < a - slack)
        };
        let dead = &ix.over.dead;
        let mut out: Vec<FactId> = list[lo..]
            .iter()
            .take_while(|(v, _)| *v <= a + slack)
            .filter(|(v, id)| same_value(a, *v) && !dead.contains(&id.0))
            .map(|(_, id)| *id)
            .collect();
        let base_len = ix.base.files.len() as u32;
        for (k, ff) in ix.over.added.iter().enumerate() {
            for (i, g) in ff.facts.iter().enumerate() {
                if g.key == f.key && same_value(a, g.figure.value.as_f64()) {
                    out.push((base_len + k as u32, i as u32));
                }
            }
        }
        out
    }
}

/// Calls `f(i, j)` for every id both sorted lists hold (`i` its position in `ids`, `j` in
/// `list`).
fn each_common(ids: &[FactId], list: &[FactId], mut f: impl FnMut(usize, usize)) {
    let (mut i, mut j) = (0, 0);
    // A posting far longer than the candidates is searched, not walked.
    let gallop = list.len() > 16 * ids.len();
    while i < ids.len() && j < list.len() {
        if gallop {
            j += list[j..].partition_point(|x| *x < ids[i]);
            if j < list.len() && list[j] == ids[i] {
                f(i, j);
                j += 1;
            }
            i += 1;
            continue;
        }
        match ids[i].cmp(&list[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                f(i, j);
                i += 1;
                j += 1;
            }
        }
    }
}

/// Rounding room for comparing a bound with a score computed another way.
fn loose(bound: f32) -> f32 {
    bound * (1.0 + 1e-4) + 1e-6
}

impl FactIndex {
    /// True when both indexes were assembled from the same articles (one is the other with
    /// an overlay of changes): a [`ValueIndex`] of one serves both.
    pub fn same_base(&self, other: &FactIndex) -> bool {
        std::sync::Arc::ptr_eq(&self.base, &other.base)
    }

    /// The stored norm of an indexed fact when reading it costs nothing more (no article
    /// changed the frequencies since the base was assembled, or an overlay fact).
    fn stored_norm(&self, id: FactId) -> Option<f32> {
        let base_len = self.base.files.len() as u32;
        if id.0 >= base_len {
            return Some(self.over.norms[(id.0 - base_len) as usize][id.1 as usize]);
        }
        (self.over.df_adj.is_empty() && self.n == self.base.n)
            .then(|| self.base.norms[id.0 as usize][id.1 as usize])
    }

    /// `fact`'s candidates over every article with their score bounds (see the module), and
    /// which of them hold its very value; `Err` with every match when the plain way answers
    /// (a fact of an indexed article could meet itself among the candidates, and a fact with
    /// no weighted context scores nothing anywhere: both rare).
    fn bounded(&self, fact: &Fact, values: &ValueIndex) -> Result<Bounded, Vec<Match>> {
        let (na, mass) = (self.norm(fact), self.mass(fact));
        if self.file_index(&fact.rel).is_some() || na <= 0.0 || mass <= 0.0 {
            return Err(self.matches(fact, None));
        }
        let ids = self.candidates_upto(fact, None, ENOUGH, NO_FILE);
        let n = ids.len();
        debug_assert!(ids.windows(2).all(|w| w[0] < w[1]));
        let bp = self.base.by_key.get(&fact.key);
        let op = self.over.by_key.get(&fact.key);
        // Per candidate: the dot product over the words it shares (read from the postings,
        // with its own weights), and the squared norm of `fact`'s part of those words.
        let (mut dot, mut sq) = (vec![0f32; n], vec![0f32; n]);
        let (mut all_dot, mut all_sq) = (0f32, 0f32);
        let cap = (4 * n).max(4096);
        if n > 0 {
            for (i, l) in self.word_lists(fact, bp, op) {
                let w = &fact.context[i];
                let idf = self.idf_of(w.hash);
                let (c, s) = (w.weight * idf * idf, (w.weight * idf).powi(2));
                // A long posting is taken as shared by all, at full weight.
                if l.0 > cap {
                    all_dot += c;
                    all_sq += s;
                    continue;
                }
                for p in [l.1, l.2].into_iter().flatten() {
                    each_common(&ids, &p.ids, |k, j| {
                        dot[k] += c * p.weight(j);
                        sq[k] += s;
                    });
                }
            }
        }
        let bound = |k: usize| {
            let d = dot[k] + all_dot;
            let mut cosine = (sq[k] + all_sq).sqrt() / na;
            if let Some(nb) = self.stored_norm(ids[k]).filter(|nb| *nb > 0.0) {
                cosine = cosine.min(d / (na * nb));
            }
            0.5 * (cosine.min(1.0) + d / mass)
        };
        let bound: Vec<f32> = (0..n).map(bound).collect();
        let mut same = vec![false; n];
        if n > 0 {
            for id in values.same(self, fact) {
                if let Ok(k) = ids.binary_search(&id) {
                    same[k] = true;
                }
            }
        }
        Ok(Bounded {
            ids,
            bound,
            same,
            na,
            mass,
        })
    }

    /// `fact`'s matches over every article, to be scored as far as a caller needs.
    pub fn note_matches<'a>(&'a self, fact: &'a Fact, values: &ValueIndex) -> NoteMatches<'a> {
        NoteMatches {
            ix: self,
            fact,
            bounded: self.bounded(fact, values),
        }
    }

    /// Part of [`FactIndex::matches`] over every article (`only` = `None`), in its order: at
    /// least its first match, every match scoring `floor` or more, and every match whose value
    /// is [`same_value`] as `fact`'s; others may be left out. Candidates whose score bound
    /// (see the module) stays below `floor` are never scored unless the best one is needed.
    pub fn matches_pruned(&self, fact: &Fact, floor: f32, values: &ValueIndex) -> Vec<Match> {
        self.note_matches(fact, values).pruned(floor)
    }

    /// Sorts matches best first, ties in id order as a fresh index numbers them.
    fn sort_matches(&self, out: &mut [Match]) {
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| self.id_cmp(a.id, b.id))
        });
    }
}

/// A note fact's candidates with their score bounds (from [`FactIndex::bounded`]).
struct Bounded {
    ids: Vec<FactId>,
    bound: Vec<f32>,
    /// Whether each candidate holds the fact's very value.
    same: Vec<bool>,
    na: f32,
    mass: f32,
}

/// A note fact's matches over every article ([`FactIndex::note_matches`]): its candidates are
/// retrieved and bounded once, then scored only as far as each question needs.
pub struct NoteMatches<'a> {
    ix: &'a FactIndex,
    fact: &'a Fact,
    bounded: Result<Bounded, Vec<Match>>,
}

impl NoteMatches<'_> {
    /// [`FactIndex::matches_pruned`].
    pub fn pruned(&self, floor: f32) -> Vec<Match> {
        let (ix, fact) = (self.ix, self.fact);
        let b = match &self.bounded {
            Ok(b) => b,
            Err(all) => return all.clone(),
        };
        let n = b.ids.len();
        let want: Vec<bool> = (0..n)
            .map(|k| b.same[k] || loose(b.bound[k]) >= floor)
            .collect();
        let mut out: Vec<Match> = (0..n)
            .filter(|&k| want[k])
            .map(|k| ix.match_of(fact, b.na, b.mass, b.ids[k]))
            .collect();
        // The best match, even below the floor: the rest from the highest bound down, while
        // one could still reach (or tie) the best so far.
        let mut best = out
            .iter()
            .map(|m| m.score)
            .fold(f32::NEG_INFINITY, f32::max);
        if best < floor {
            let mut rest: Vec<usize> = (0..n).filter(|&k| !want[k]).collect();
            rest.sort_by(|&x, &y| b.bound[y].total_cmp(&b.bound[x]));
            for k in rest {
                if best > 0.0 && loose(b.bound[k]) < best {
                    break;
                }
                let m = ix.match_of(fact, b.na, b.mass, b.ids[k]);
                best = best.max(m.score);
                out.push(m);
            }
        }
        ix.sort_matches(&mut out);
        out
    }

    /// Part of [`NoteMatches::pruned`] (same `floor`), in its order: its first match, every
    /// one scoring at least `floor` and `share` of the best, and every one with the very value
    /// scoring at least `value_share` of the best. Candidates are scored from the highest bound
    /// down while one could still reach those shares of the best so far: a figure a source
    /// states outright has a best match far above the floor, so most candidates are never
    /// scored.
    pub fn top(&self, share: f32, value_share: f32, floor: f32) -> Vec<Match> {
        let (ix, fact) = (self.ix, self.fact);
        let low = share.min(value_share);
        let (mut out, same): (Vec<Match>, Vec<bool>) = match &self.bounded {
            Err(all) => {
                let v = fact.figure.value.as_f64();
                let same = all
                    .iter()
                    .map(|m| same_value(v, ix.fact(m.id).figure.value.as_f64()))
                    .collect();
                (all.clone(), same)
            }
            Ok(b) => {
                let n = b.ids.len();
                let Some(first) = (0..n).max_by(|&x, &y| b.bound[x].total_cmp(&b.bound[y])) else {
                    return Vec::new();
                };
                // The highest bound's score is a floor for the best: candidates bounded below
                // its share are never needed, so only the others are ordered.
                let m = ix.match_of(fact, b.na, b.mass, b.ids[first]);
                let mut best = m.score;
                let mut scored = vec![(m, b.same[first])];
                let mut order: Vec<usize> = (0..n)
                    .filter(|&k| k != first && (best <= 0.0 || loose(b.bound[k]) >= low * best))
                    .collect();
                order.sort_by(|&x, &y| b.bound[y].total_cmp(&b.bound[x]));
                for k in order {
                    let bound = loose(b.bound[k]);
                    if best > 0.0 && bound < low * best {
                        break;
                    }
                    let need = if b.same[k] { value_share } else { share };
                    if best > 0.0 && bound < need * best {
                        continue;
                    }
                    let m = ix.match_of(fact, b.na, b.mass, b.ids[k]);
                    best = best.max(m.score);
                    scored.push((m, b.same[k]));
                }
                scored.sort_by(|x, y| {
                    y.0.score
                        .total_cmp(&x.0.score)
                        .then_with(|| ix.id_cmp(x.0.id, y.0.id))
                });
                scored.into_iter().unzip()
            }
        };
        let best = out.first().map_or(0.0, |m| m.score);
        let mut k = 0;
        out.retain(|m| {
            k += 1;
            k == 1
                || (same[k - 1] && m.score >= value_share * best)
                || (m.score >= floor && m.score >= share * best)
        });
        out
    }
}
