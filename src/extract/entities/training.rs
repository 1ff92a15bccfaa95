//! Turning annotated documents into tagger training examples, and span scoring.

use super::features::{self, PreparedDoc};
use super::gazetteer::Gazetteer;
use super::perceptron::{label, Example, OUTSIDE};
use crate::format::Format;
use crate::model::{EntityType, Span};
use crate::text;

/// A document with gold entity spans (byte offsets).
#[derive(Debug, Clone)]
pub struct GoldDoc {
    /// The text.
    pub text: String,
    /// Gold spans and types, in order.
    pub gold: Vec<(Span, EntityType)>,
}

/// The format a model reads its text in.
pub fn format_for(cased: bool) -> Format {
    if cased {
        Format::Plain
    } else {
        Format::Lowercase
    }
}

/// Segments a document and prepares its features as the recogniser would.
pub fn prepare_doc(text: &str, cased: bool, gaz: &Gazetteer) -> (text::Segments, PreparedDoc) {
    let segs = text::segment(text, format_for(cased));
    let doc = features::prepare(text, &segs.tokens, &segs.sentences, gaz);
    (segs, doc)
}

/// Training examples of one document, and the number of gold spans that do not fall on token
/// boundaries (they are labelled over the tokens they touch).
pub fn examples(doc: &GoldDoc, cased: bool, gaz: &Gazetteer, mask: u64) -> (Vec<Example>, usize) {
    let (segs, prep) = prepare_doc(&doc.text, cased, gaz);
    let toks = &segs.tokens;
    let mut labels = vec![OUTSIDE; toks.len()];
    let mut misaligned = 0;
    for (span, ty) in &doc.gold {
        let a = toks.partition_point(|t| t.span.end() <= span.start());
        let b = toks.partition_point(|t| t.span.start() < span.end());
        if a >= b {
            misaligned += 1;
            continue;
        }
        if toks[a].span.start() != span.start() || toks[b - 1].span.end() != span.end() {
            misaligned += 1;
        }
        for (k, l) in labels[a..b].iter_mut().enumerate() {
            *l = label(*ty, k > 0);
        }
    }
    let mut out = Vec::with_capacity(prep.sentences.len());
    for &(a, b) in &prep.sentences {
        let mut ex = Example {
            offsets: vec![0],
            ..Default::default()
        };
        for i in 0..b - a {
            features::token_features(&prep.infos[a..b], i, cased, mask, &mut ex.feats);
            ex.offsets.push(ex.feats.len());
        }
        ex.gold = labels[a..b].to_vec();
        // A span cut by a sentence boundary starts again in the next sentence.
        if let Some(first) = ex.gold.first_mut() {
            if *first != OUTSIDE && *first % 2 == 0 {
                *first -= 1;
            }
        }
        out.push(ex);
    }
    (out, misaligned)
}

/// Exact-span counts per type: (true positives, predicted, gold).
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Spans predicted with the right bytes and type.
    pub tp: usize,
    /// Spans predicted.
    pub pred: usize,
    /// Gold spans.
    pub gold: usize,
}

impl Counts {
    /// Adds another count.
    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.pred += o.pred;
        self.gold += o.gold;
    }
    /// Precision, recall and F1.
    pub fn prf(&self) -> (f64, f64, f64) {
        let p = if self.pred == 0 {
            0.0
        } else {
            self.tp as f64 / self.pred as f64
        };
        let r = if self.gold == 0 {
            0.0
        } else {
            self.tp as f64 / self.gold as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }
}

/// Index of a type in per-type count arrays (PER, ORG, LOC, MISC).
pub fn type_index(t: EntityType) -> usize {
    match t {
        EntityType::Per => 0,
        EntityType::Org => 1,
        EntityType::Loc => 2,
        EntityType::Misc => 3,
    }
}

/// Scores predicted against gold spans by exact bytes and type, per type.
pub fn score(pred: &[(Span, EntityType)], gold: &[(Span, EntityType)]) -> [Counts; 4] {
    let mut c = [Counts::default(); 4];
    for (_, t) in pred {
        c[type_index(*t)].pred += 1;
    }
    for (_, t) in gold {
        c[type_index(*t)].gold += 1;
    }
    let gold_set: std::collections::HashSet<(Span, EntityType)> = gold.iter().copied().collect();
    for p in pred {
        if gold_set.contains(p) {
            c[type_index(p.1)].tp += 1;
        }
    }
    c
}
