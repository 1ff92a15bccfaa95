//! A structured averaged perceptron over BIO tags with first-order Viterbi decoding.
//!
//! Weights live in a hashed table of `2^bits` rows, one weight per label; the stored model
//! keeps them quantised to `i8` and writes only non-zero rows.

use crate::model::EntityType;

/// Number of labels: `O` and B/I for PER, ORG, LOC, MISC.
pub const LABELS: usize = 9;

/// The label of `O`.
pub const OUTSIDE: u8 = 0;

/// Label index of the beginning (`inside = false`) or continuation of type `ty`.
pub fn label(ty: EntityType, inside: bool) -> u8 {
    let base = match ty {
        EntityType::Per => 1,
        EntityType::Org => 3,
        EntityType::Loc => 5,
        EntityType::Misc => 7,
    };
    base + inside as u8
}

/// The type of a label and whether it continues a span; `None` for `O`.
pub fn label_type(l: u8) -> Option<(EntityType, bool)> {
    let ty = match l {
        1 | 2 => EntityType::Per,
        3 | 4 => EntityType::Org,
        5 | 6 => EntityType::Loc,
        7 | 8 => EntityType::Misc,
        _ => return None,
    };
    Some((ty, l % 2 == 0))
}

/// True when label `cur` may follow `prev` (`None` at a sentence start).
fn allowed(prev: Option<u8>, cur: u8) -> bool {
    match label_type(cur) {
        Some((_, true)) => prev.is_some_and(|p| p != OUTSIDE && p.div_ceil(2) == cur.div_ceil(2)),
        _ => true,
    }
}

/// A trained, quantised model.
#[derive(Debug, Clone)]
pub struct Model {
    /// True when the model reads case (the cased model); false for the lowercase model.
    pub cased: bool,
    /// log2 of the number of hashed rows.
    pub bits: u32,
    weights: Vec<i8>,
    /// Transitions: row `LABELS` is the sentence start.
    trans: [[i32; LABELS]; LABELS + 1],
}

const MAGIC: &[u8; 4] = b"NER2";

impl Model {
    /// The mask features are hashed with.
    pub fn mask(&self) -> u64 {
        (1u64 << self.bits) - 1
    }

    /// True when the row has any non-zero weight (the feature was seen in training).
    pub fn has_row(&self, row: u32) -> bool {
        let r = row as usize * LABELS;
        self.weights
            .get(r..r + LABELS)
            .is_some_and(|w| w.iter().any(|&x| x != 0))
    }

    /// Scores each token's labels (`feats[offsets[i]..offsets[i+1]]` are token i's rows).
    pub fn emissions(&self, feats: &[u32], offsets: &[usize], out: &mut Vec<[i32; LABELS]>) {
        out.clear();
        for w in offsets.windows(2) {
            let mut s = [0i32; LABELS];
            for &f in &feats[w[0]..w[1]] {
                let row = &self.weights[f as usize * LABELS..f as usize * LABELS + LABELS];
                for (a, &b) in s.iter_mut().zip(row) {
                    *a += b as i32;
                }
            }
            out.push(s);
        }
    }

    /// The best label sequence for the given emission scores.
    pub fn viterbi(&self, em: &[[i32; LABELS]]) -> Vec<u8> {
        viterbi_with(em, |p, c| {
            self.trans[p.map_or(LABELS, |p| p as usize)][c as usize]
        })
    }

    /// Decodes a model written by [`Model::to_bytes`]; `None` when the bytes are not a model.
    pub fn from_bytes(bytes: &[u8]) -> Option<Model> {
        let mut r = Reader { b: bytes, pos: 0 };
        if r.take(4)? != MAGIC {
            return None;
        }
        let cased = r.u8()? != 0;
        let bits = r.u8()? as u32;
        if !(8..=26).contains(&bits) || r.u8()? as usize != LABELS {
            return None;
        }
        let mut trans = [[0i32; LABELS]; LABELS + 1];
        for row in trans.iter_mut() {
            for t in row.iter_mut() {
                *t = r.i32()?;
            }
        }
        let rows = 1usize << bits;
        let mut weights = vec![0i8; rows * LABELS];
        let n = r.varint()? as usize;
        let mut bucket = 0usize;
        for k in 0..n {
            let delta = r.varint()? as usize;
            bucket = if k == 0 { delta } else { bucket + delta };
            if bucket >= rows {
                return None;
            }
            for l in 0..LABELS {
                weights[bucket * LABELS + l] = r.u8()? as i8;
            }
        }
        Some(Model {
            cased,
            bits,
            weights,
            trans,
        })
    }

    /// Encodes the model compactly (non-zero rows only, delta-coded row numbers).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.push(self.cased as u8);
        out.push(self.bits as u8);
        out.push(LABELS as u8);
        for row in &self.trans {
            for t in row {
                out.extend_from_slice(&t.to_le_bytes());
            }
        }
        let nonzero: Vec<usize> = (0..1usize << self.bits)
            .filter(|&b| {
                self.weights[b * LABELS..(b + 1) * LABELS]
                    .iter()
                    .any(|&w| w != 0)
            })
            .collect();
        write_varint(&mut out, nonzero.len() as u64);
        let mut prev = 0;
        for (k, &b) in nonzero.iter().enumerate() {
            write_varint(&mut out, if k == 0 { b } else { b - prev } as u64);
            prev = b;
            out.extend(
                self.weights[b * LABELS..(b + 1) * LABELS]
                    .iter()
                    .map(|&w| w as u8),
            );
        }
        out
    }
}

fn viterbi_with(em: &[[i32; LABELS]], trans: impl Fn(Option<u8>, u8) -> i32) -> Vec<u8> {
    const NONE: i64 = i64::MIN / 4;
    let n = em.len();
    if n == 0 {
        return Vec::new();
    }
    // Transition scores with the BIO constraints folded in.
    let mut t = [[NONE; LABELS]; LABELS + 1];
    for (p, row) in t.iter_mut().enumerate() {
        let prev = (p < LABELS).then_some(p as u8);
        for (c, cell) in row.iter_mut().enumerate() {
            if allowed(prev, c as u8) {
                *cell = trans(prev, c as u8) as i64;
            }
        }
    }
    let mut score = [NONE; LABELS];
    for c in 0..LABELS {
        if t[LABELS][c] > NONE {
            score[c] = em[0][c] as i64 + t[LABELS][c];
        }
    }
    let mut back = vec![[0u8; LABELS]; n];
    for i in 1..n {
        let mut next = [NONE; LABELS];
        for c in 0..LABELS {
            let mut best = NONE;
            let mut arg = 0u8;
            for p in 0..LABELS {
                if t[p][c] == NONE || score[p] == NONE {
                    continue;
                }
                let s = score[p] + t[p][c];
                if s > best {
                    best = s;
                    arg = p as u8;
                }
            }
            if best > NONE {
                next[c] = best + em[i][c] as i64;
            }
            back[i][c] = arg;
        }
        score = next;
    }
    let mut last = 0usize;
    for c in 1..LABELS {
        if score[c] > score[last] {
            last = c;
        }
    }
    let mut out = vec![0u8; n];
    out[n - 1] = last as u8;
    for i in (1..n).rev() {
        out[i - 1] = back[i][out[i] as usize];
    }
    out
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// One training sentence: per-token feature rows and gold labels.
#[derive(Debug, Clone, Default)]
pub struct Example {
    /// Feature rows of all tokens, concatenated.
    pub feats: Vec<u32>,
    /// Token i's rows are `feats[offsets[i]..offsets[i+1]]`.
    pub offsets: Vec<usize>,
    /// Gold labels.
    pub gold: Vec<u8>,
}

/// The averaged perceptron while it learns (float weights and their running sums).
pub struct Trainer {
    cased: bool,
    bits: u32,
    w: Vec<f32>,
    /// Sum of `step * update`, for the averaged weights `w - u / step`.
    u: Vec<f32>,
    trans: [[f32; LABELS]; LABELS + 1],
    trans_u: [[f32; LABELS]; LABELS + 1],
    step: f32,
}

impl Trainer {
    /// A zero model with `2^bits` rows.
    pub fn new(cased: bool, bits: u32) -> Self {
        let n = (1usize << bits) * LABELS;
        Trainer {
            cased,
            bits,
            w: vec![0.0; n],
            u: vec![0.0; n],
            trans: [[0.0; LABELS]; LABELS + 1],
            trans_u: [[0.0; LABELS]; LABELS + 1],
            step: 1.0,
        }
    }

    /// Learns from one sentence; returns true when it was tagged wrongly.
    pub fn learn(&mut self, ex: &Example) -> bool {
        let mut em = Vec::with_capacity(ex.gold.len());
        for win in ex.offsets.windows(2) {
            let mut s = [0f32; LABELS];
            for &f in &ex.feats[win[0]..win[1]] {
                let row = &self.w[f as usize * LABELS..f as usize * LABELS + LABELS];
                for (a, &b) in s.iter_mut().zip(row) {
                    *a += b;
                }
            }
            // Scaled to integers only for the shared decoder; the order is what matters.
            em.push(s.map(|x| (x * 64.0) as i32));
        }
        let trans = self.trans;
        let pred = viterbi_with(&em, |p, c| {
            (trans[p.map_or(LABELS, |p| p as usize)][c as usize] * 64.0) as i32
        });
        let wrong = pred != ex.gold;
        if wrong {
            let step = self.step;
            for i in 0..pred.len() {
                let (g, p) = (ex.gold[i] as usize, pred[i] as usize);
                if g != p {
                    for &f in &ex.feats[ex.offsets[i]..ex.offsets[i + 1]] {
                        let base = f as usize * LABELS;
                        self.w[base + g] += 1.0;
                        self.u[base + g] += step;
                        self.w[base + p] -= 1.0;
                        self.u[base + p] -= step;
                    }
                }
                let gp = if i == 0 {
                    LABELS
                } else {
                    ex.gold[i - 1] as usize
                };
                let pp = if i == 0 { LABELS } else { pred[i - 1] as usize };
                if (gp, g) != (pp, p) {
                    self.trans[gp][g] += 1.0;
                    self.trans_u[gp][g] += step;
                    self.trans[pp][p] -= 1.0;
                    self.trans_u[pp][p] -= step;
                }
            }
        }
        self.step += 1.0;
        wrong
    }

    /// The averaged weights, quantised into a [`Model`]; weights below `prune` (in units of
    /// the largest weight) are dropped.
    pub fn model(&self, prune: f32) -> Model {
        let avg = |w: f32, u: f32| w - u / self.step;
        let mut max = 0f32;
        for (w, u) in self.w.iter().zip(&self.u) {
            max = max.max(avg(*w, *u).abs());
        }
        for (rw, ru) in self.trans.iter().zip(&self.trans_u) {
            for (w, u) in rw.iter().zip(ru) {
                max = max.max(avg(*w, *u).abs());
            }
        }
        // Eight bits per weight lose nothing measurable on testa and halve the table.
        let scale = if max > 0.0 { 127.0 / max } else { 1.0 };
        let cut = prune * 127.0;
        let weights = self
            .w
            .iter()
            .zip(&self.u)
            .map(|(w, u)| {
                let q = avg(*w, *u) * scale;
                if q.abs() < cut {
                    0
                } else {
                    q.round().clamp(-127.0, 127.0) as i8
                }
            })
            .collect();
        let mut trans = [[0i32; LABELS]; LABELS + 1];
        for (r, (rw, ru)) in trans.iter_mut().zip(self.trans.iter().zip(&self.trans_u)) {
            for (t, (w, u)) in r.iter_mut().zip(rw.iter().zip(ru)) {
                *t = (avg(*w, *u) * scale).round() as i32;
            }
        }
        Model {
            cased: self.cased,
            bits: self.bits,
            weights,
            trans,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_toy_pattern_and_round_trips() {
        // Feature 1 marks a PER start, 2 a PER continuation, 3 nothing.
        let ex = Example {
            feats: vec![1, 2, 3],
            offsets: vec![0, 1, 2, 3],
            gold: vec![1, 2, 0],
        };
        let mut t = Trainer::new(true, 8);
        for _ in 0..5 {
            t.learn(&ex);
        }
        let m = t.model(0.0);
        let mut em = Vec::new();
        m.emissions(&ex.feats, &ex.offsets, &mut em);
        assert_eq!(m.viterbi(&em), vec![1, 2, 0]);
        let back = Model::from_bytes(&m.to_bytes()).expect("decodes");
        assert_eq!(back.weights, m.weights);
        assert_eq!(back.trans, m.trans);
        assert!(Model::from_bytes(b"NER1").is_none());
        assert!(Model::from_bytes(&[]).is_none());
    }

    #[test]
    fn continuation_never_follows_another_type() {
        // Emissions prefer I-PER at the start and after B-ORG; Viterbi must refuse.
        let em = vec![
            [0, 0, 100, 0, 0, 0, 0, 0, 0],
            [0, 0, 100, 50, 0, 0, 0, 0, 0],
        ];
        let tags = viterbi_with(&em, |_, _| 0);
        assert!(allowed(None, tags[0]) && allowed(Some(tags[0]), tags[1]));
    }
}
