//! A structured averaged perceptron over BIO tags with first-order Viterbi decoding.
//!
//! Weights live in a hashed table of `2^bits` rows, one weight per label; the stored model
//! keeps them quantised to `i8` and writes only non-zero rows. In memory, too, only the non-zero
//! rows are kept (a few percent of the table), behind a bitmap with running counts, so the
//! rows a document touches stay in the CPU caches.

use super::emissions::FixedScores;
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
    Some((ty, l.is_multiple_of(2)))
}

/// True when label `cur` may follow `prev` (`None` at a sentence start).
fn allowed(prev: Option<u8>, cur: u8) -> bool {
    match label_type(cur) {
        Some((_, true)) => prev.is_some_and(|p| p != OUTSIDE && p.div_ceil(2) == cur.div_ceil(2)),
        _ => true,
    }
}

/// A trained, quantised model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// True when the model reads case (the cased model); false for the lowercase model.
    pub cased: bool,
    /// log2 of the number of hashed rows.
    pub bits: u32,
    weights: Rows,
    /// Transitions: row `LABELS` is the sentence start.
    trans: [[i32; LABELS]; LABELS + 1],
    /// Sentence-start scores, widened, with [`FORBIDDEN`] for the `I-` labels.
    start: [i64; LABELS],
    /// `into[c][p]`: the transition from `p` to `c`, widened (Viterbi reads it by target).
    into: [[i64; LABELS]; LABELS],
    /// Context feature rows summed ahead for every value of the few bits they read.
    fixed: FixedScores,
}

/// The start score of an `I-` label: far below any reachable score, so it never wins, yet
/// adding a transition and emissions to it cannot overflow.
const FORBIDDEN: i64 = i64::MIN / 4;

/// Labels any label may precede: `O` and the `B-` labels.
const OPENING: [usize; 5] = [0, 1, 3, 5, 7];

/// The `I-` labels: only `B-X` or `I-X` may precede `I-X`.
const CONTINUING: [usize; 4] = [2, 4, 6, 8];

/// The transitions as Viterbi reads them: start scores and the table by target label.
fn decoder_tables(trans: &[[i32; LABELS]; LABELS + 1]) -> ([i64; LABELS], [[i64; LABELS]; LABELS]) {
    let mut start = [FORBIDDEN; LABELS];
    for (c, s) in start.iter_mut().enumerate() {
        if allowed(None, c as u8) {
            *s = trans[LABELS][c] as i64;
        }
    }
    let mut into = [[0i64; LABELS]; LABELS];
    for (c, row) in into.iter_mut().enumerate() {
        for (p, t) in row.iter_mut().enumerate() {
            *t = trans[p][c] as i64;
        }
    }
    (start, into)
}

const MAGIC: &[u8; 4] = b"NER2";

/// A sparse table of rows: which of the `2^bits` rows are non-zero, and those rows packed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rows {
    /// One block per 64 rows: a bit per non-zero row and the number of non-zero rows before.
    blocks: Vec<Block>,
    /// The non-zero rows, in row order.
    rows: Vec<[i8; LABELS]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Block {
    present: u64,
    before: u32,
}

impl Rows {
    /// Packs `(row, weights)` pairs in increasing row order into a table of `2^bits` rows;
    /// all-zero rows are left out.
    fn pack(bits: u32, nonzero: impl IntoIterator<Item = (usize, [i8; LABELS])>) -> Rows {
        let mut blocks = vec![Block::default(); (1usize << bits).div_ceil(64)];
        let mut rows = Vec::new();
        for (r, w) in nonzero {
            if w.iter().all(|&x| x == 0) {
                continue;
            }
            blocks[r / 64].present |= 1 << (r % 64);
            rows.push(w);
        }
        let mut before = 0u32;
        for b in &mut blocks {
            b.before = before;
            before += b.present.count_ones();
        }
        Rows { blocks, rows }
    }

    /// The weights of row `r`, `None` when they are all zero.
    #[inline]
    fn get(&self, r: u32) -> Option<&[i8; LABELS]> {
        let b = self.blocks.get(r as usize / 64)?;
        let bit = 1u64 << (r % 64);
        if b.present & bit == 0 {
            return None;
        }
        let k = b.before + (b.present & (bit - 1)).count_ones();
        self.rows.get(k as usize)
    }

    /// The non-zero rows with their row numbers, in order.
    fn iter(&self) -> impl Iterator<Item = (usize, &[i8; LABELS])> + '_ {
        self.blocks
            .iter()
            .enumerate()
            .flat_map(|(i, b)| {
                let mut p = b.present;
                std::iter::from_fn(move || {
                    (p != 0).then(|| {
                        let bit = p.trailing_zeros() as usize;
                        p &= p - 1;
                        i * 64 + bit
                    })
                })
            })
            .zip(&self.rows)
    }
}

impl Model {
    /// The model with its [`FixedScores`] filled in from its weights.
    fn with_fixed(mut self) -> Model {
        self.fixed = FixedScores::new(&self);
        self
    }

    /// Context feature rows summed ahead ([`FixedScores`]).
    pub fn fixed(&self) -> &FixedScores {
        &self.fixed
    }

    /// The mask features are hashed with.
    pub fn mask(&self) -> u64 {
        (1u64 << self.bits) - 1
    }

    /// True when the row has any non-zero weight (the feature was seen in training).
    pub fn has_row(&self, row: u32) -> bool {
        self.weights.get(row).is_some()
    }

    /// Adds the weights of feature row `row` to the scores `s`.
    #[inline]
    pub fn add_row(&self, row: u32, s: &mut [i32; LABELS]) {
        if let Some(w) = self.weights.get(row) {
            for (a, &b) in s.iter_mut().zip(w) {
                *a += b as i32;
            }
        }
    }

    /// Scores each token's labels (`feats[offsets[i]..offsets[i+1]]` are token i's rows).
    pub fn emissions(&self, feats: &[u32], offsets: &[usize], out: &mut Vec<[i32; LABELS]>) {
        out.clear();
        for w in offsets.windows(2) {
            let mut s = [0i32; LABELS];
            for &f in &feats[w[0]..w[1]] {
                if let Some(row) = self.weights.get(f) {
                    for (a, &b) in s.iter_mut().zip(row) {
                        *a += b as i32;
                    }
                }
            }
            out.push(s);
        }
    }

    /// The best label sequence for the given emission scores.
    pub fn viterbi(&self, em: &[[i32; LABELS]]) -> Vec<u8> {
        let mut out = Vec::new();
        self.viterbi_into(em, &mut Vec::new(), &mut out);
        out
    }

    /// [`Model::viterbi`] into `out`, with `back` as scratch (both reused across sentences).
    ///
    /// The BIO constraint is applied by visiting only the allowed predecessors: any label
    /// before `O` or a `B-` label, and only `B-X` or `I-X` before `I-X`. An `I-` label cannot
    /// open a sentence: it starts [`FORBIDDEN`], so low that it never wins while an allowed
    /// predecessor exists (and one always does). Ties go to the lower predecessor, as in the
    /// general decoder.
    pub fn viterbi_into(
        &self,
        em: &[[i32; LABELS]],
        back: &mut Vec<[u8; LABELS]>,
        out: &mut Vec<u8>,
    ) {
        out.clear();
        let n = em.len();
        if n == 0 {
            return;
        }
        let (start, into) = (&self.start, &self.into);
        let mut score = [0i64; LABELS];
        for c in 0..LABELS {
            score[c] = em[0][c] as i64 + start[c];
        }
        back.clear();
        back.resize(n, [0u8; LABELS]);
        for (e, b) in em.iter().zip(back.iter_mut()).skip(1) {
            let mut next = [0i64; LABELS];
            for c in OPENING {
                let t = &into[c];
                let (mut best, mut arg) = (score[0] + t[0], 0u8);
                for p in 1..LABELS {
                    let s = score[p] + t[p];
                    if s > best {
                        best = s;
                        arg = p as u8;
                    }
                }
                next[c] = best + e[c] as i64;
                b[c] = arg;
            }
            for c in CONTINUING {
                let t = &into[c];
                let (open, go_on) = (score[c - 1] + t[c - 1], score[c] + t[c]);
                let (best, arg) = if go_on > open {
                    (go_on, c)
                } else {
                    (open, c - 1)
                };
                next[c] = best + e[c] as i64;
                b[c] = arg as u8;
            }
            score = next;
        }
        let mut last = 0usize;
        for c in 1..LABELS {
            if score[c] > score[last] {
                last = c;
            }
        }
        out.resize(n, 0);
        out[n - 1] = last as u8;
        for i in (1..n).rev() {
            out[i - 1] = back[i][out[i] as usize];
        }
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
        let n = r.varint()? as usize;
        let mut read: Vec<(usize, [i8; LABELS])> = Vec::with_capacity(n.min(rows));
        let mut bucket = 0usize;
        for k in 0..n {
            let delta = r.varint()? as usize;
            bucket = if k == 0 {
                delta
            } else {
                bucket.checked_add(delta)?
            };
            if bucket >= rows {
                return None;
            }
            let mut w = [0i8; LABELS];
            for x in &mut w {
                *x = r.u8()? as i8;
            }
            // A row written twice keeps its last weights, as a dense table would.
            match read.last_mut() {
                Some(last) if last.0 == bucket => last.1 = w,
                _ => read.push((bucket, w)),
            }
        }
        let (start, into) = decoder_tables(&trans);
        Some(Model::with_fixed(Model {
            cased,
            bits,
            weights: Rows::pack(bits, read),
            trans,
            start,
            into,
            fixed: FixedScores::default(),
        }))
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
        write_varint(&mut out, self.weights.rows.len() as u64);
        let mut prev = 0;
        for (k, (b, row)) in self.weights.iter().enumerate() {
            write_varint(&mut out, if k == 0 { b } else { b - prev } as u64);
            prev = b;
            out.extend(row.iter().map(|&w| w as u8));
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
        let quantised = |(w, u): (&f32, &f32)| {
            let q = avg(*w, *u) * scale;
            if q.abs() < cut {
                0
            } else {
                q.round().clamp(-127.0, 127.0) as i8
            }
        };
        let weights = Rows::pack(
            self.bits,
            self.w
                .chunks_exact(LABELS)
                .zip(self.u.chunks_exact(LABELS))
                .enumerate()
                .map(|(r, (w, u))| {
                    let mut row = [0i8; LABELS];
                    for (x, wu) in row.iter_mut().zip(w.iter().zip(u)) {
                        *x = quantised(wu);
                    }
                    (r, row)
                }),
        );
        let mut trans = [[0i32; LABELS]; LABELS + 1];
        for (r, (rw, ru)) in trans.iter_mut().zip(self.trans.iter().zip(&self.trans_u)) {
            for (t, (w, u)) in r.iter_mut().zip(rw.iter().zip(ru)) {
                *t = (avg(*w, *u) * scale).round() as i32;
            }
        }
        let (start, into) = decoder_tables(&trans);
        Model::with_fixed(Model {
            cased: self.cased,
            bits: self.bits,
            weights,
            trans,
            start,
            into,
            fixed: FixedScores::default(),
        })
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
        assert_eq!(back, m);
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

    /// The model file decoded into a dense table, as the loader did before the rows were packed.
    fn dense(bytes: &[u8]) -> (u32, Vec<i8>) {
        let mut r = Reader {
            b: bytes,
            pos: 7 + 4 * LABELS * (LABELS + 1),
        };
        let bits = bytes[5] as u32;
        let mut w = vec![0i8; (1 << bits) * LABELS];
        let mut bucket = 0usize;
        for k in 0..r.varint().unwrap() {
            let d = r.varint().unwrap() as usize;
            bucket = if k == 0 { d } else { bucket + d };
            for l in 0..LABELS {
                w[bucket * LABELS + l] = r.u8().unwrap() as i8;
            }
        }
        (bits, w)
    }

    #[test]
    fn packed_rows_equal_the_dense_table_of_the_shipped_models() {
        for bytes in [
            &include_bytes!("../../../data/ner-cased.bin")[..],
            &include_bytes!("../../../data/ner-lower.bin")[..],
        ] {
            let m = Model::from_bytes(bytes).expect("decodes");
            let (bits, dense) = dense(bytes);
            assert_eq!(m.bits, bits);
            for (r, want) in dense.chunks_exact(LABELS).enumerate() {
                let got = m.weights.get(r as u32).copied().unwrap_or([0; LABELS]);
                assert_eq!(&got[..], want, "row {r}");
                assert_eq!(m.has_row(r as u32), want.iter().any(|&x| x != 0));
            }
            assert!(m.weights.get(1 << bits).is_none());
            assert_eq!(m.to_bytes(), bytes, "re-encodes to the same file");
        }
    }

    proptest::proptest! {
        #[test]
        fn constrained_decoder_equals_the_general_one(
            em in proptest::collection::vec(proptest::array::uniform9(-300i32..300), 0..12),
            small in proptest::bool::ANY,
        ) {
            // Small scores make ties common, so tie-breaking is compared too.
            let em: Vec<[i32; LABELS]> =
                em.into_iter().map(|r| if small { r.map(|x| x % 3) } else { r }).collect();
            for m in [super::super::cased_model(), super::super::lower_model()].into_iter().flatten() {
                let want = viterbi_with(&em, |p, c| m.trans[p.map_or(LABELS, |p| p as usize)][c as usize]);
                proptest::prop_assert_eq!(m.viterbi(&em), want);
            }
        }
    }
}
