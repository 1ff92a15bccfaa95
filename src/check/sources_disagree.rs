//! `sources-disagree`: two articles give different values for the same thing.
//!
//! Articles legitimately give different numbers for different dates and events, so this rule
//! asks for much more than `figure-conflict`: a close context, shared measure words, and no
//! calendar figures at all.

use super::facts::{Fact, FactIndex, Match, StrongMatches};
use super::figure_conflict::{because, label, short_name, value_text};
use super::holder::Names;
use super::{codes, Finding};
use crate::corpus::SourceFile;

/// Context similarity from which two articles' figures are the same quantity.
pub const STRONG: f32 = 0.6;
/// Articles less alike than this (cosine of their term vectors) tell different stories, whose
/// figures may well differ.
const SAME_STORY: f32 = 0.2;
/// From this many articles on, the story gate applies.
const STORY_MIN_ARTICLES: usize = 20;
/// Largest ratio between two values still reported as a disagreement.
const MAX_RATIO: f64 = 2.0;

/// True for the figures this rule compares (calendar and bare numbers say too little).
fn compared(fact: &Fact) -> bool {
    !matches!(fact.key.dim, "date" | "duration" | "number")
}

/// The strong matches of every compared fact of the index, retrieved once per distinct fact
/// (a whole-corpus run computes them up front, in parallel; see [`check`]).
pub fn strong_matches_of_all(ix: &FactIndex) -> StrongMatches {
    let ids: Vec<_> = ix
        .fact_ids()
        .into_iter()
        .filter(|&id| compared(ix.fact(id)))
        .collect();
    ix.strong_matches_many(&ids, STRONG)
}

/// The disagreements of one article's figures with other articles' figures. With
/// `once_per_pair`, a pair is reported only in the later of its two files (for whole-corpus runs).
/// `strong` holds matches computed up front (from [`strong_matches_of_all`]); facts it lacks are
/// retrieved here.
pub fn check(
    ix: &FactIndex,
    file: &SourceFile,
    once_per_pair: bool,
    strong: Option<&StrongMatches>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(fi) = ix.file_index(&file.rel) else {
        return out;
    };
    let ff = ix.file_facts(fi);
    for (i, fact) in ff.facts.iter().enumerate() {
        if !compared(fact) {
            continue;
        }
        // Another subject's figure, or a change against a level, is another quantity.
        let names = Names::plain();
        let ms: Vec<Match> = strong
            .and_then(|s| s.of((fi, i as u32)))
            .unwrap_or_else(|| ix.strong_matches(fact, fi, STRONG))
            .into_iter()
            .filter(|m| {
                let o = ix.fact(m.id);
                fact.same_kind(o) && !names.differ(&fact.holder, &o.holder)
            })
            .collect();
        let Some(best) = ms.first() else { continue };
        // Reports of one quantity differ by a little (212 against 200 billion); values far
        // apart are nearly always different quantities (a firm's profit in two years).
        let (a, b) = (
            fact.figure.value.as_f64(),
            ix.fact(best.id).figure.value.as_f64(),
        );
        let ratio = if a.abs() > b.abs() { a / b } else { b / a };
        if !(ratio.is_finite() && ratio > 0.0 && ratio <= MAX_RATIO) {
            continue;
        }
        // Any close figure elsewhere that agrees means the articles may simply say more than one thing.
        if ms.iter().any(|m| fact.meets(ix.fact(m.id))) {
            continue;
        }
        let other = ix.fact(best.id);
        let best = ix.with_shared(fact, best.clone());
        // A handful of articles is a folder about one story, and its term statistics too thin
        // to tell stories apart: the gate only applies to larger corpora (and only then are
        // the articles' terms read).
        let gated = ix.article_count() >= STORY_MIN_ARTICLES;
        let debug = std::env::var_os("CORPUS_LS_DEBUG_CHECK").is_some();
        let story = (gated || debug).then(|| ix.doc_similarity(&file.rel, &other.rel));
        if debug {
            eprintln!(
                "SD {} {} story={:.3} score={:.3}",
                file.rel,
                other.rel,
                story.unwrap_or(0.0),
                best.score
            );
        }
        if gated && story.is_some_and(|s| s < SAME_STORY) {
            continue;
        }
        if once_per_pair && *other.rel > *file.rel {
            continue;
        }
        let message = format!(
            "{}: this article says {}; {}:{} says {}. {}",
            label(fact, &best.shared),
            value_text(fact),
            short_name(&other.rel),
            other.line,
            value_text(other),
            because(fact, &best.shared)
        );
        out.push(
            Finding::new(
                &file.rel,
                fact.figure.span,
                codes::SOURCES_DISAGREE,
                message,
            )
            .with_related(
                &other.rel,
                other.figure.span,
                format!("the other article says {} here", value_text(other)),
            ),
        );
    }
    out
}
