//! Trains the cased and lowercase entity taggers on CoNLL-2003 and writes `data/ner-*.bin`.
//!
//! `cargo run --release --example train_ner -- /work/shared/corpora/conll2003 [--out data] [--epochs 12] [--bits 20]`
//! `[--predicted-gazetteers]` (the lowercase model's training gazetteers hold names a cased model
//! found in other folds instead of their gold names; measured slightly worse on testb)
//!
//! Trains on the `train` split, picks the epoch with the best F1 on `testa`, never reads `testb`.
//! Deterministic: a fixed seed orders the documents.

#[path = "support/conll_docs.rs"]
mod conll_docs;

use corpus_ls::extract::entities::gazetteer::Gazetteer;
use corpus_ls::extract::entities::perceptron::{Example, Model, Trainer};
use corpus_ls::extract::entities::training::{self, GoldDoc};
use corpus_ls::extract::entities::{spans_of_labels, tag, TokenSpan};
use corpus_ls::model::EntityType;
use std::path::PathBuf;
use std::time::Instant;

/// Folds of the training set; each document's gazetteer holds the names of another fold (gold
/// for the cased model, found by a cased model for the lowercase one), as a corpus gives names
/// found in other files.
const FOLDS: usize = 4;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn lowercased(docs: &[GoldDoc]) -> Vec<GoldDoc> {
    docs.iter()
        .map(|d| GoldDoc {
            text: d.text.to_ascii_lowercase(),
            gold: d.gold.clone(),
        })
        .collect()
}

/// The same documents as an NLP dump: lowercase, punctuation gone, one line (`trump s bluff`,
/// `u s`), so the lowercase model also reads text like that.
fn dumped(docs: &[GoldDoc]) -> Vec<GoldDoc> {
    docs.iter()
        .map(|d| {
            let lower = d.text.to_ascii_lowercase();
            let toks = corpus_ls::text::tokenize(&lower);
            let mut text = String::with_capacity(lower.len());
            // New start and end of each token (equal when the token vanished).
            let mut place = Vec::with_capacity(toks.len());
            for t in &toks {
                let w: String = t
                    .span
                    .slice(&lower)
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                    .collect();
                let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
                if w.is_empty() {
                    place.push((text.len(), text.len()));
                    continue;
                }
                if !text.is_empty() {
                    text.push(' ');
                }
                let start = text.len();
                text.push_str(&w);
                place.push((start, text.len()));
            }
            let mut gold = Vec::new();
            for (span, ty) in &d.gold {
                let a = toks.partition_point(|t| t.span.end() <= span.start());
                let b = toks.partition_point(|t| t.span.start() < span.end());
                let kept: Vec<_> = (a..b).filter(|&k| place[k].0 < place[k].1).collect();
                if let (Some(&f), Some(&l)) = (kept.first(), kept.last()) {
                    gold.push((corpus_ls::model::Span::new(place[f].0, place[l].1), *ty));
                }
            }
            GoldDoc { text, gold }
        })
        .collect()
}

/// Fold of document `i`; copies of one document (`i` and `i + originals`) share a fold.
fn fold_of(i: usize, originals: usize) -> usize {
    (i % originals) % FOLDS
}

fn fold_gazetteer(docs: &[GoldDoc], fold: usize, originals: usize) -> Gazetteer {
    Gazetteer::new(
        docs.iter()
            .enumerate()
            .filter(|(i, _)| fold_of(*i, originals) == fold)
            .flat_map(|(_, d)| {
                d.gold
                    .iter()
                    .map(|(s, t)| (s.slice(&d.text).to_string(), *t))
            }),
    )
}

fn spans(labels: &[u8]) -> Vec<TokenSpan> {
    let mut out = Vec::new();
    spans_of_labels(labels, 0, &mut out);
    out
}

/// Names a cased model trained without fold `f` finds in fold `f`'s text, for every fold: the
/// noisy gazetteer a corpus gives (model output, not gold), without a model judging its own
/// training text.
fn predicted_fold_names(
    train: &[GoldDoc],
    dev: &[GoldDoc],
    set: &Settings,
) -> Vec<Vec<(String, EntityType)>> {
    let empty = Gazetteer::default();
    (0..FOLDS)
        .map(|f| {
            let rest: Vec<GoldDoc> = train
                .iter()
                .enumerate()
                .filter(|(i, _)| i % FOLDS != f)
                .map(|(_, d)| d.clone())
                .collect();
            let fold_set = Settings {
                epochs: set.epochs.min(8),
                originals: rest.len(),
                ..*set
            };
            let model = train_one(
                &format!("cased without fold {f}"),
                true,
                &rest,
                dev,
                &fold_set,
                50,
                None,
            );
            let mut names = Vec::new();
            for d in train
                .iter()
                .enumerate()
                .filter(|(i, _)| i % FOLDS == f)
                .map(|(_, d)| d)
            {
                let (segs, prep) = training::prepare_doc(&d.text, true, &empty);
                for s in tag(&model, &prep) {
                    let span = &d.text
                        [segs.tokens[s.first].span.start()..segs.tokens[s.end - 1].span.end()];
                    names.push((span.to_string(), s.ty));
                }
            }
            names
        })
        .collect()
}

/// Span F1 of a model on prepared examples.
fn dev_f1(model: &Model, dev: &[Example]) -> f64 {
    let (mut tp, mut np, mut ng) = (0usize, 0usize, 0usize);
    let mut em = Vec::new();
    for ex in dev {
        model.emissions(&ex.feats, &ex.offsets, &mut em);
        let pred = spans(&model.viterbi(&em));
        let gold = spans(&ex.gold);
        np += pred.len();
        ng += gold.len();
        tp += pred.iter().filter(|p| gold.contains(p)).count();
    }
    let p = tp as f64 / np.max(1) as f64;
    let r = tp as f64 / ng.max(1) as f64;
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Training settings shared by both models.
#[derive(Clone, Copy)]
struct Settings {
    epochs: usize,
    bits: u32,
    prune: f32,
    /// Number of original training documents (the lowercase set also holds dumped copies).
    originals: usize,
}

/// Trains one model; `empty_gaz_share` is the percentage of documents seen without gazetteer.
fn train_one(
    name: &str,
    cased: bool,
    train: &[GoldDoc],
    dev: &[GoldDoc],
    set: &Settings,
    empty_gaz_share: usize,
    fold_names: Option<&[Vec<(String, EntityType)>]>,
) -> Model {
    let Settings {
        epochs,
        bits,
        prune,
        originals,
    } = *set;
    let t0 = Instant::now();
    let mask = (1u64 << bits) - 1;
    let gazetteers: Vec<Gazetteer> = match fold_names {
        Some(names) => names
            .iter()
            .map(|n| Gazetteer::new(n.iter().cloned()))
            .collect(),
        None => (0..FOLDS)
            .map(|f| fold_gazetteer(train, f, originals))
            .collect(),
    };
    let empty = Gazetteer::default();
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    let mut examples = Vec::new();
    let mut misaligned = 0;
    for (i, d) in train.iter().enumerate() {
        let gaz = if rng.below(100) < empty_gaz_share {
            &empty
        } else {
            &gazetteers[(fold_of(i, originals) + 1 + rng.below(FOLDS - 1)) % FOLDS]
        };
        let (ex, m) = training::examples(d, cased, gaz, mask);
        examples.extend(ex);
        misaligned += m;
    }
    // The dev set sees a gazetteer of another set's names when the model reads lowercase text.
    let dev_gaz = if cased {
        empty.clone()
    } else {
        gazetteers[0].clone()
    };
    let dev_ex: Vec<Example> = dev
        .iter()
        .flat_map(|d| training::examples(d, cased, &dev_gaz, mask).0)
        .collect();
    eprintln!(
        "[{name}] {} train sentences ({misaligned} gold spans off token boundaries), {} dev sentences, prepared in {:.1}s",
        examples.len(),
        dev_ex.len(),
        t0.elapsed().as_secs_f64()
    );
    let mut trainer = Trainer::new(cased, bits);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut best: Option<(f64, usize, Model)> = None;
    for epoch in 1..=epochs {
        for k in (1..order.len()).rev() {
            order.swap(k, rng.below(k + 1));
        }
        let mut wrong = 0;
        for &k in &order {
            wrong += trainer.learn(&examples[k]) as usize;
        }
        let model = trainer.model(prune);
        let f1 = dev_f1(&model, &dev_ex);
        eprintln!(
            "[{name}] epoch {epoch}: {wrong} sentences wrong, testa span F1 {f1:.4} ({:.0}s)",
            t0.elapsed().as_secs_f64()
        );
        if best.as_ref().is_none_or(|b| f1 > b.0) {
            best = Some((f1, epoch, model));
        }
    }
    let (f1, epoch, model) = best.expect("at least one epoch");
    eprintln!("[{name}] keeping epoch {epoch} (testa F1 {f1:.4})");
    model
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut root: Option<PathBuf> = None;
    let mut out = PathBuf::from("data");
    let mut epochs = 12;
    let mut bits = 20;
    let mut prune = 0.002f32;
    let mut predicted_gazetteers = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out = args.next().map(PathBuf::from).expect("--out DIR"),
            "--epochs" => {
                epochs = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--epochs N")
            }
            "--bits" => bits = args.next().and_then(|v| v.parse().ok()).expect("--bits N"),
            "--predicted-gazetteers" => predicted_gazetteers = true,
            "--prune" => prune = args.next().and_then(|v| v.parse().ok()).expect("--prune X"),
            _ => root = Some(PathBuf::from(a)),
        }
    }
    let root = root.unwrap_or_else(|| PathBuf::from("../shared/corpora/conll2003"));
    let derived = root.join("derived");
    if !derived.is_dir() {
        eprintln!("skipping: {} is absent", derived.display());
        return;
    }
    let train = conll_docs::read_split(&derived.join("train")).expect("read train");
    let dev = conll_docs::read_split(&derived.join("testa")).expect("read testa");
    let n = train.len();
    let set = Settings {
        epochs,
        bits,
        prune,
        originals: n,
    };
    let cased = train_one("cased", true, &train, &dev, &set, 50, None);
    let fold_names = predicted_gazetteers.then(|| predicted_fold_names(&train, &dev, &set));
    // The lowercase model learns from the lowercased text and from a punctuation-free dump of it.
    let mut lower_train = lowercased(&train);
    lower_train.extend(dumped(&train));
    let lower = train_one(
        "lower",
        false,
        &lower_train,
        &lowercased(&dev),
        &set,
        25,
        fold_names.as_deref(),
    );
    std::fs::create_dir_all(&out).expect("create output folder");
    for (file, m) in [("ner-cased.bin", cased), ("ner-lower.bin", lower)] {
        let bytes = m.to_bytes();
        let path = out.join(file);
        std::fs::write(&path, &bytes).expect("write model");
        eprintln!(
            "wrote {} ({:.2} MB)",
            path.display(),
            bytes.len() as f64 / 1e6
        );
    }
}
