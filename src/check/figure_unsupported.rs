//! `figure-unsupported`: a note's figure that no source states or implies (a quiet hint).

use super::facts::Fact;
use super::figure_conflict::{short_name, value_text, Outcome};
use super::{codes, Finding};
use crate::corpus::SourceFile;

/// The `figure-unsupported` findings of a note, from its pairing. Plain numbers are left alone:
/// they measure nothing nameable, so a hint about them would be noise.
pub fn check(
    ix: &super::FactIndex,
    note: &SourceFile,
    facts: &[Fact],
    pairing: &[Outcome],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (f, o) in facts.iter().zip(pairing) {
        let Outcome::Unmatched { nearest } = o else {
            continue;
        };
        // `a year` after `$3bn` is a rate, not a claim about a length of time.
        let vague = f.key.dim == "duration" && {
            let w = f.written.to_lowercase();
            w.starts_with("a ") || w.starts_with("an ") || w.starts_with("per ")
        };
        if f.key.dim == "number" || vague {
            continue;
        }
        let mut message = format!(
            "no source states {}: no article gives this {} in a similar context",
            value_text(f),
            match f.key.dim {
                "ratio" => "share",
                "pp" => "change in percentage points",
                d => d,
            }
        );
        let mut finding = Finding::new(
            &note.rel,
            f.figure.span,
            codes::FIGURE_UNSUPPORTED,
            String::new(),
        );
        if let Some(m) = nearest {
            let n = ix.fact(m.id);
            message.push_str(&format!(
                "; nearest: {}:{} says {}",
                short_name(&n.rel),
                n.line,
                value_text(n)
            ));
            finding = finding.with_related(
                &n.rel,
                n.figure.span,
                format!("nearest figure of this kind: {}", value_text(n)),
            );
        }
        finding.message = message;
        out.push(finding);
    }
    out
}
