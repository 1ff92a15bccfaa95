//! CoNLL-2003 BIO: `-DOCSTART-` before each document, one token a line (`token _ _ TAG`, the
//! part-of-speech and chunk columns left empty as `_`), a blank line after each sentence.
//!
//! Tokens are the core's own, inside the document's sentences (so front matter stays out). A
//! token that a span touches is tagged with it: `B-` on the first, `I-` after. Overlapping spans
//! cannot be told apart in BIO, so only [`super::non_overlapping`] ones are written.

use super::{non_overlapping, Labeled};
use crate::model::Span;
use crate::text::tokenize;

/// The CoNLL lines of one document.
pub fn bio(text: &str, sentences: &[Span], spans: &[Labeled]) -> String {
    let spans = non_overlapping(spans);
    let mut out = String::from("-DOCSTART- -X- -X- O\n\n");
    let mut next = 0; // first span that may still touch a token
    for s in sentences {
        if !s.fits_in(text) {
            continue;
        }
        let tokens = tokenize(s.slice(text));
        if tokens.is_empty() {
            continue;
        }
        let mut open: Option<usize> = None; // the span the last token was tagged with
        for t in tokens {
            let t = t.span.shift(s.start());
            while next < spans.len() && spans[next].span.end() <= t.start() {
                next += 1;
            }
            let tag = match spans.get(next) {
                Some(l) if l.span.overlaps(&t) => {
                    let prefix = if open == Some(next) { "I" } else { "B" };
                    open = Some(next);
                    format!("{prefix}-{}", l.label)
                }
                _ => {
                    open = None;
                    "O".to_string()
                }
            };
            out.push_str(&format!("{} _ _ {tag}\n", t.slice(text)));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::annotations::read_conll;
    use crate::model::EntityType;

    #[test]
    fn tags_follow_tokens_and_read_back_through_the_conll_reader() {
        let text = "Ada Ruiz joined Kestrel Mills. Orla Byrne left.\nNew line here.";
        let at = |w: &str, l: &str| {
            let s = text.find(w).unwrap();
            Labeled {
                span: Span::new(s, s + w.len()),
                label: l.into(),
            }
        };
        let spans = [
            at("Ada Ruiz", "PER"),
            at("Kestrel Mills", "ORG"),
            at("Orla Byrne", "PER"),
            at("Byrne", "MISC"), // overlaps the person: dropped
        ];
        let end1 = text.find(" Orla").unwrap();
        let end2 = text.find("\nNew").unwrap();
        let sentences = [
            Span::new(0, end1),
            Span::new(end1 + 1, end2),
            Span::new(end2 + 1, text.len()),
        ];
        let out = bio(text, &sentences, &spans);
        assert!(out.starts_with("-DOCSTART- -X- -X- O\n\nAda _ _ B-PER\nRuiz _ _ I-PER\njoined _ _ O\nKestrel _ _ B-ORG\nMills _ _ I-ORG\n. _ _ O\n\nOrla"), "{out}");
        let c = read_conll(&out);
        assert!(c.gold.problems.is_empty(), "{:?}", c.gold.problems);
        let names: Vec<(String, EntityType)> = c
            .gold
            .mentions
            .iter()
            .map(|m| (c.words_in(&out, m.span).join(" "), m.ty))
            .collect();
        assert_eq!(
            names,
            [
                ("Ada Ruiz".to_string(), EntityType::Per),
                ("Kestrel Mills".to_string(), EntityType::Org),
                ("Orla Byrne".to_string(), EntityType::Per),
            ]
        );
        assert_eq!(c.sentence_end.iter().filter(|&&e| e).count(), 3);
    }

    #[test]
    fn adjacent_spans_of_one_label_each_begin() {
        let text = "Oslo Bergen";
        let spans = [
            Labeled {
                span: Span::new(0, 4),
                label: "LOC".into(),
            },
            Labeled {
                span: Span::new(5, 11),
                label: "LOC".into(),
            },
        ];
        let out = bio(text, &[Span::new(0, text.len())], &spans);
        assert!(
            out.ends_with("Oslo _ _ B-LOC\nBergen _ _ B-LOC\n\n"),
            "{out}"
        );
    }
}
