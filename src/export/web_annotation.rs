//! W3C Web Annotation (JSON-LD) of checked figures: one annotation a finding, its target the
//! note's figure, its bodies the finding's message (`assessing`), its code (`tagging`) and the
//! source figures it was checked against (`linking`). Each place is a `SpecificResource` with a
//! `TextPositionSelector` (characters of the file's text) and a `TextQuoteSelector` (the exact
//! text with some context either side), so a reader can find it again after edits.

use super::{uri_path, CharIndex};
use crate::check::{codes, Finding};
use crate::corpus::Corpus;
use crate::model::Span;
use serde_json::{json, Value};

/// The JSON-LD context of the Web Annotation data model.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// Characters of context a quote selector carries either side.
const QUOTE_CONTEXT: usize = 32;

/// True for the codes that compare figures (the others point at no figure).
pub fn is_figure_finding(code: &str) -> bool {
    [
        codes::FIGURE_CONFLICT,
        codes::FIGURE_UNSUPPORTED,
        codes::SOURCES_DISAGREE,
    ]
    .contains(&code)
}

/// A place in a file of the corpus, `None` when the file or span is not there.
fn resource(corpus: &Corpus, base: &str, rel: &str, span: Span) -> Option<Value> {
    let file = corpus.file(rel)?;
    let text = file.text();
    if !span.fits_in(&text) {
        return None;
    }
    let ix = CharIndex::new(&text);
    let prefix: String = {
        let before: Vec<char> = text[..span.start()]
            .chars()
            .rev()
            .take(QUOTE_CONTEXT)
            .collect();
        before.into_iter().rev().collect()
    };
    let suffix: String = text[span.end()..].chars().take(QUOTE_CONTEXT).collect();
    Some(json!({
        "type": "SpecificResource",
        "source": format!("{base}{}", uri_path(rel)),
        "selector": [
            {
                "type": "TextPositionSelector",
                "start": ix.chars(span.start()),
                "end": ix.chars(span.end()),
            },
            {
                "type": "TextQuoteSelector",
                "exact": span.slice(&text),
                "prefix": prefix,
                "suffix": suffix,
            },
        ],
    }))
}

/// The annotation of one finding (`n` numbers it within the collection).
pub fn annotation(corpus: &Corpus, base: &str, f: &Finding, n: usize) -> Option<Value> {
    let target = resource(corpus, base, &f.rel, f.span)?;
    let mut body = vec![
        json!({"type": "TextualBody", "purpose": "assessing", "format": "text/plain", "value": f.message}),
        json!({"type": "TextualBody", "purpose": "tagging", "value": f.code}),
    ];
    for r in &f.related {
        if let Some(mut res) = resource(corpus, base, &r.rel, r.span) {
            res["purpose"] = json!("linking");
            res["label"] = json!(r.message);
            body.push(res);
        }
    }
    Some(json!({
        "id": format!("{base}#corpus-ls-finding-{n}"),
        "type": "Annotation",
        "motivation": "assessing",
        "generator": {
            "id": "https://github.com/corpus-ls/corpus-ls",
            "type": "Software",
            "name": concat!("corpus-ls ", env!("CARGO_PKG_VERSION")),
        },
        "body": body,
        "target": target,
    }))
}

/// One `AnnotationCollection` with the figure findings as its single page; `base` is the URI
/// the corpus's relative paths resolve from (ending in `/`).
pub fn collection(corpus: &Corpus, base: &str, findings: &[Finding]) -> Value {
    let items: Vec<Value> = findings
        .iter()
        .filter(|f| is_figure_finding(f.code))
        .enumerate()
        .filter_map(|(i, f)| annotation(corpus, base, f, i + 1))
        .collect();
    json!({
        "@context": CONTEXT,
        "id": format!("{base}#corpus-ls-findings"),
        "type": "AnnotationCollection",
        "label": "Figures checked by corpus-ls",
        "total": items.len(),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_targets_the_note_figure_and_links_the_source() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("notes")).unwrap();
        std::fs::write(
            dir.path().join("mill.md"),
            "# Övik Mills\n\nÖvik Mills employs 4,000 people at its paper plant, the company said.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("notes/mill.md"),
            "Övik Mills employs 9,000 people at its paper plant.\n",
        )
        .unwrap();
        let corpus = Corpus::load(dir.path());
        let note_text = corpus.file("notes/mill.md").unwrap().text().into_owned();
        let a = note_text.find("9,000").unwrap();
        let src = corpus.file("mill.md").unwrap().text().into_owned();
        let b = src.find("4,000").unwrap();
        let f = Finding::new(
            "notes/mill.md",
            Span::new(a, a + 5),
            codes::FIGURE_CONFLICT,
            "differs".into(),
        )
        .with_related("mill.md", Span::new(b, b + 5), "the source says 4,000");
        let c = collection(&corpus, "file:///c/", &[f]);
        assert_eq!(c["total"], 1);
        let item = &c["first"]["items"][0];
        assert_eq!(item["target"]["source"], "file:///c/notes/mill.md");
        let sel = &item["target"]["selector"];
        // "Övik Mills employs " is 19 characters, 20 bytes.
        assert_eq!(
            sel[0],
            json!({"type": "TextPositionSelector", "start": 19, "end": 24})
        );
        assert_eq!(sel[1]["exact"], "9,000");
        assert_eq!(sel[1]["prefix"], "Övik Mills employs ");
        let link = &item["body"][2];
        assert_eq!(link["purpose"], "linking");
        assert_eq!(link["source"], "file:///c/mill.md");
        assert_eq!(link["selector"][1]["exact"], "4,000");
        assert_eq!(item["body"][1]["value"], "figure-conflict");
        // A finding that points at no figure is not an assessment of one.
        let g = Finding::new(
            "notes/mill.md",
            Span::new(0, 4),
            codes::WEEKDAY_MISMATCH,
            "x".into(),
        );
        assert_eq!(collection(&corpus, "file:///c/", &[g])["total"], 0);
    }
}
