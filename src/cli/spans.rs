//! `corpus-ls spans`: the entity and figure spans of some files.

use super::{human_location, location_fields, OutputFormat};
use crate::corpus::SourceFile;
use serde_json::{json, Value};
use std::io::Write;

/// One span as a JSON object of the contract.
pub fn span_objects(file: &SourceFile) -> Vec<(usize, Value)> {
    let mut out = Vec::new();
    for e in &file.analysis.entities {
        let mut m = location_fields(file, e.span);
        m.insert("kind".into(), json!("entity"));
        m.insert("text".into(), json!(e.span.slice(&file.text)));
        m.insert("type".into(), json!(e.ty.as_str()));
        m.insert("entity".into(), json!(e.name.slice(&file.text)));
        out.push((e.span.start, Value::Object(m)));
    }
    for f in &file.analysis.figures {
        let mut m = location_fields(file, f.span);
        m.insert("kind".into(), json!("figure"));
        m.insert("text".into(), json!(f.span.slice(&file.text)));
        m.insert("type".into(), json!(f.ty.as_str()));
        m.insert("value".into(), json!(f.value));
        m.insert("unit".into(), json!(f.unit));
        m.insert("qualifier".into(), json!(f.qualifier));
        m.insert("low".into(), json!(f.low));
        m.insert("high".into(), json!(f.high));
        m.insert("subject".into(), json!(f.subject));
        out.push((f.span.start, Value::Object(m)));
    }
    out.sort_by_key(|(start, _)| *start);
    out
}

/// Writes the spans of `file` in the chosen format.
pub fn write(out: &mut dyn Write, file: &SourceFile, format: OutputFormat) -> std::io::Result<()> {
    for (start, obj) in span_objects(file) {
        match format {
            OutputFormat::Json => writeln!(out, "{obj}")?,
            OutputFormat::Human => {
                let kind = obj["kind"].as_str().unwrap_or("");
                let ty = obj["type"].as_str().unwrap_or("");
                let text = obj["text"].as_str().unwrap_or("");
                let extra = if kind == "figure" {
                    format!(" = {} {}", obj["value"], obj["unit"].as_str().unwrap_or(""))
                } else {
                    format!(" -> {}", obj["entity"].as_str().unwrap_or(""))
                };
                writeln!(
                    out,
                    "{}: {kind} {ty} {text:?}{}",
                    human_location(file, start),
                    extra.trim_end()
                )?
            }
        }
    }
    Ok(())
}
