//! `sources-disagree`: two articles give different values for the same thing.
//!
//! Articles legitimately give different numbers for different dates and events, so this rule
//! asks for much more than `figure-conflict`: a close context, shared measure words, and no
//! calendar figures at all.

use super::facts::{FactIndex, Match};
use super::figure_conflict::{because, label, short_name, value_text};
use super::{codes, Finding};
use crate::corpus::SourceFile;

/// Context similarity from which two articles' figures are the same quantity.
pub const STRONG: f32 = 0.6;

/// The disagreements of one article's figures with other articles' figures. With
/// `once_per_pair`, a pair is reported only in the later of its two files (for whole-corpus runs).
pub fn check(ix: &FactIndex, file: &SourceFile, once_per_pair: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    if !ix.has_file(&file.rel) {
        return out;
    }
    let Some(ff) = ix.files().find(|f| f.rel == file.rel) else {
        return out;
    };
    for fact in &ff.facts {
        if matches!(fact.key.dim, "date" | "duration" | "number") {
            continue;
        }
        let ms: Vec<Match> = ix
            .matches(fact, None)
            .into_iter()
            .filter(|m| {
                *ix.fact(m.id).rel != *file.rel
                    && m.score >= STRONG
                    && m.shared.len() >= 2
                    && m.measures_meet
                    && m.close_word
            })
            .collect();
        let Some(best) = ms.first() else { continue };
        // Any close figure elsewhere that agrees means the articles may simply say more than one thing.
        if ms.iter().any(|m| fact.meets(ix.fact(m.id))) {
            continue;
        }
        let other = ix.fact(best.id);
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
