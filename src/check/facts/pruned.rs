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

use super::{Fact, FactId, FactIndex, Match, ENOUGH};
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

/// Calls `f` with the position in `ids` of every id both sorted lists hold.
fn each_common(ids: &[FactId], list: &[FactId], mut f: impl FnMut(usize)) {
    let (mut i, mut j) = (0, 0);
    // A posting far longer than the candidates is searched, not walked.
    let gallop = list.len() > 16 * ids.len();
    while i < ids.len() && j < list.len() {
        if gallop {
            j += list[j..].partition_point(|x| *x < ids[i]);
            if j < list.len() && list[j] == ids[i] {
                f(i);
                j += 1;
            }
            i += 1;
            continue;
        }
        match ids[i].cmp(&list[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                f(i);
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
        let ids = self.candidates_upto(fact, None, ENOUGH);
        let n = ids.len();
        debug_assert!(ids.windows(2).all(|w| w[0] < w[1]));
        let bp = self.base.by_key.get(&fact.key);
        let op = self.over.by_key.get(&fact.key);
        let (mut cov, mut sq) = (vec![0f32; n], vec![0f32; n]);
        let (mut all_cov, mut all_sq) = (0f32, 0f32);
        let cap = (4 * n).max(4096);
        if n > 0 {
            for (i, l) in self.word_lists(fact, bp, op) {
                let w = &fact.context[i];
                let idf = self.idf_of(w.hash);
                let (c, s) = (w.weight * idf * idf, (w.weight * idf).powi(2));
                if l.0 > cap {
                    all_cov += c;
                    all_sq += s;
                    continue;
                }
                for list in [l.1, l.2].into_iter().flatten() {
                    each_common(&ids, list, |k| {
                        cov[k] += c;
                        sq[k] += s;
                    });
                }
            }
        }
        let bound = |k: usize| {
            let d = cov[k] + all_cov;
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

    /// Part of [`FactIndex::matches`] over every article (`only` = `None`), in its order: at
    /// least its first match, every match scoring `floor` or more, and every match whose value
    /// is [`same_value`] as `fact`'s; others may be left out. Candidates whose score bound
    /// (see the module) stays below `floor` are never scored unless the best one is needed.
    pub fn matches_pruned(&self, fact: &Fact, floor: f32, values: &ValueIndex) -> Vec<Match> {
        let b = match self.bounded(fact, values) {
            Ok(b) => b,
            Err(all) => return all,
        };
        let n = b.ids.len();
        let want: Vec<bool> = (0..n)
            .map(|k| b.same[k] || loose(b.bound[k]) >= floor)
            .collect();
        let mut out: Vec<Match> = (0..n)
            .filter(|&k| want[k])
            .map(|k| self.match_of(fact, b.na, b.mass, b.ids[k]))
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
                let m = self.match_of(fact, b.na, b.mass, b.ids[k]);
                best = best.max(m.score);
                out.push(m);
            }
        }
        self.sort_matches(&mut out);
        out
    }

    /// The part of [`FactIndex::matches_pruned`] (same `floor`) that tells whether a note
    /// figure is supported: its first match, every one with the very value, and every one
    /// scoring at least `floor` and `share` of the best, in its order. Candidates are scored
    /// from the highest bound down while one could still reach that share of the best so far:
    /// a figure a source states outright has a best match far above the floor, so most of its
    /// candidates are never scored.
    pub fn matches_top(
        &self,
        fact: &Fact,
        share: f32,
        floor: f32,
        values: &ValueIndex,
    ) -> Vec<Match> {
        let (mut out, same): (Vec<Match>, Vec<bool>) = match self.bounded(fact, values) {
            Err(all) => {
                let same = all
                    .iter()
                    .map(|m| {
                        same_value(
                            fact.figure.value.as_f64(),
                            self.fact(m.id).figure.value.as_f64(),
                        )
                    })
                    .collect();
                (all, same)
            }
            Ok(b) => {
                let n = b.ids.len();
                let mut order: Vec<usize> = (0..n).filter(|&k| !b.same[k]).collect();
                order.sort_by(|&x, &y| b.bound[y].total_cmp(&b.bound[x]));
                let mut out: Vec<Match> = (0..n)
                    .filter(|&k| b.same[k])
                    .map(|k| self.match_of(fact, b.na, b.mass, b.ids[k]))
                    .collect();
                let mut best = out
                    .iter()
                    .map(|m| m.score)
                    .fold(f32::NEG_INFINITY, f32::max);
                for k in order {
                    if best > 0.0 && loose(b.bound[k]) < share * best {
                        break;
                    }
                    let m = self.match_of(fact, b.na, b.mass, b.ids[k]);
                    best = best.max(m.score);
                    out.push(m);
                }
                self.sort_matches(&mut out);
                let same = out
                    .iter()
                    .map(|m| b.same[b.ids.binary_search(&m.id).unwrap_or(0)])
                    .collect();
                (out, same)
            }
        };
        let best = out.first().map_or(0.0, |m| m.score);
        let mut k = 0;
        out.retain(|m| {
            k += 1;
            k == 1 || same[k - 1] || (m.score >= floor && m.score >= share * best)
        });
        out
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
