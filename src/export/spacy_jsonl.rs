//! spaCy / Prodigy JSONL: one `{"text", "spans", "meta"}` object a document, spans as
//! `{"start", "end", "label"}` in characters. Prodigy's `ner.manual` and spaCy's
//! `Doc.char_span` read these offsets; a `.spacy` DocBin is made from them by spaCy itself
//! (see `tests/export_cli.rs`). `doc.ents` cannot overlap, so only
//! [`super::non_overlapping`] spans are written.

use super::{non_overlapping, CharIndex, Labeled};
use serde_json::{json, Value};

/// The JSONL object of one document; `file` goes into `meta`.
pub fn line(text: &str, file: &str, spans: &[Labeled]) -> Value {
    let ix = CharIndex::new(text);
    let spans: Vec<Value> = non_overlapping(spans)
        .iter()
        .map(|l| {
            json!({
                "start": ix.chars(l.span.start()),
                "end": ix.chars(l.span.end()),
                "label": l.label,
            })
        })
        .collect();
    json!({"text": text, "spans": spans, "meta": {"file": file}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    #[test]
    fn offsets_are_characters_and_overlaps_are_dropped() {
        let text = "Ñandú Corp paid €5 million.";
        let b = |w: &str| text.find(w).unwrap();
        let spans = [
            Labeled {
                span: Span::new(0, b(" paid")),
                label: "ORG".into(),
            },
            Labeled {
                span: Span::new(b("Corp"), b(" paid")),
                label: "MISC".into(),
            },
            Labeled {
                span: Span::new(b("€"), b(".")),
                label: "MONEY".into(),
            },
        ];
        let v = line(text, "a.txt", &spans);
        assert_eq!(
            v["spans"],
            json!([
                {"start": 0, "end": 10, "label": "ORG"},
                {"start": 16, "end": 26, "label": "MONEY"},
            ])
        );
        assert_eq!(v["meta"]["file"], "a.txt");
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[16..26].iter().collect::<String>(), "€5 million");
    }
}
