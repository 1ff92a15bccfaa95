//! Label Studio pre-annotations: one task a document, `{"data": {"text", "file"},
//! "predictions": [{"model_version", "result": [...]}]}`, each result a `labels` region of the
//! default NER template (`from_name` `label`, `to_name` `text`) with character offsets.
//! Label Studio shows predictions as editable suggestions; overlapping regions are allowed.

use super::{CharIndex, Labeled};
use serde_json::{json, Value};

/// The `<View>` of a labelling config that matches these tasks, for the labels used.
pub fn labeling_config<'a>(labels: impl IntoIterator<Item = &'a str>) -> String {
    let mut labels: Vec<&str> = labels.into_iter().collect();
    labels.sort_unstable();
    labels.dedup();
    let items: String = labels
        .iter()
        .map(|l| format!("    <Label value=\"{}\"/>\n", xml_attr(l)))
        .collect();
    format!(
        "<View>\n  <Labels name=\"label\" toName=\"text\">\n{items}  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n</View>\n"
    )
}

fn xml_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// The task of one document.
pub fn task(text: &str, file: &str, spans: &[Labeled]) -> Value {
    let ix = CharIndex::new(text);
    let result: Vec<Value> = spans
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "id": format!("cls{}", i + 1),
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {
                    "start": ix.chars(l.span.start()),
                    "end": ix.chars(l.span.end()),
                    "text": l.span.slice(text),
                    "labels": [l.label],
                },
            })
        })
        .collect();
    json!({
        "data": {"text": text, "file": file},
        "predictions": [{
            "model_version": concat!("corpus-ls ", env!("CARGO_PKG_VERSION")),
            "result": result,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    #[test]
    fn regions_quote_their_text_at_character_offsets() {
        let text = "😀 Björk sang.";
        let s = text.find("Björk").unwrap();
        let spans = [Labeled {
            span: Span::new(s, s + "Björk".len()),
            label: "PER".into(),
        }];
        let t = task(text, "n.md", &spans);
        let r = &t["predictions"][0]["result"][0];
        assert_eq!(
            r["value"],
            json!({"start": 2, "end": 7, "text": "Björk", "labels": ["PER"]})
        );
        assert_eq!(r["type"], "labels");
        assert_eq!(t["data"]["file"], "n.md");
        let conf = labeling_config(["PER", "MONEY", "PER"]);
        assert!(
            conf.contains("<Label value=\"MONEY\"/>\n    <Label value=\"PER\"/>"),
            "{conf}"
        );
        assert!(conf.contains("name=\"label\"") && conf.contains("value=\"$text\""));
    }
}
