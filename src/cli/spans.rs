//! `corpus-ls spans`: the entity and figure spans of some files.

use super::{human_location, location_fields, OutputFormat};
use crate::corpus::{Corpus, SourceFile, Target};
use serde_json::{json, Value};
use std::io::Write;

/// One span as a JSON object of the contract (`entity` is the mention's own name text).
pub fn span_objects(file: &SourceFile) -> Vec<(usize, Value)> {
    span_objects_in(None, file)
}

/// The spans of `file` with `entity` the canonical name from `corpus`'s registry; an ambiguous
/// short form gets `entity: null` and its `candidates`.
pub fn span_objects_in(corpus: Option<&Corpus>, file: &SourceFile) -> Vec<(usize, Value)> {
    let mut out = Vec::new();
    let index = corpus.and_then(|c| Some((c, c.file_index(&file.rel)?)));
    for e in &file.analysis.entities {
        // The name without its honorific, as the registry places it (`Botin` of `Mr Botin`).
        let mut m = location_fields(file, e.name);
        m.insert("kind".into(), json!("entity"));
        m.insert("text".into(), json!(file.span_text(e.name)));
        m.insert("type".into(), json!(e.ty.as_str()));
        let target = index.and_then(|(c, i)| {
            let (t, r) = c.target_in(i, e.name.start())?;
            (r.span == e.name).then_some((c, t))
        });
        match target {
            Some((c, Target::Entity(id))) => {
                m.insert("entity".into(), json!(c.entity(id).name));
            }
            Some((c, Target::Ambiguous(a))) => {
                let amb = &c.registry().ambiguities()[a as usize];
                let names: Vec<&str> = amb
                    .candidates
                    .iter()
                    .map(|&id| c.entity(id).name.as_str())
                    .collect();
                m.insert("entity".into(), Value::Null);
                m.insert("candidates".into(), json!(names));
            }
            None => {
                m.insert("entity".into(), json!(file.span_text(e.name)));
            }
        }
        out.push((e.name.start(), Value::Object(m)));
    }
    for f in &file.analysis.figures {
        let mut m = location_fields(file, f.span);
        m.insert("kind".into(), json!("figure"));
        m.insert("text".into(), json!(file.span_text(f.span)));
        m.insert("type".into(), json!(f.ty.as_str()));
        m.insert("value".into(), json!(f.value));
        m.insert("unit".into(), json!(f.unit));
        m.insert("qualifier".into(), json!(f.qualifier));
        m.insert("low".into(), json!(f.low));
        m.insert("high".into(), json!(f.high));
        m.insert("subject".into(), json!(f.subject));
        out.push((f.span.start(), Value::Object(m)));
    }
    out.sort_by_key(|(start, _)| *start);
    out
}

/// Writes the spans of `file` in the chosen format.
pub fn write(out: &mut dyn Write, file: &SourceFile, format: OutputFormat) -> std::io::Result<()> {
    write_in(out, None, file, format)
}

/// Writes the spans of `file`, naming entities by their canonical name in `corpus`.
pub fn write_in(
    out: &mut dyn Write,
    corpus: Option<&Corpus>,
    file: &SourceFile,
    format: OutputFormat,
) -> std::io::Result<()> {
    // Stdout is line-buffered: one write a line is a system call a line.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    for (start, obj) in span_objects_in(corpus, file) {
        match format {
            OutputFormat::Json => writeln!(out, "{obj}")?,
            OutputFormat::Human => {
                let kind = obj["kind"].as_str().unwrap_or("");
                let ty = obj["type"].as_str().unwrap_or("");
                let text = obj["text"].as_str().unwrap_or("");
                let extra = if kind == "figure" {
                    format!(" = {} {}", obj["value"], obj["unit"].as_str().unwrap_or(""))
                } else {
                    match obj["entity"].as_str() {
                        Some(e) => format!(" -> {e}"),
                        None => format!(" -> ambiguous: {}", obj["candidates"]),
                    }
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
    out.flush()
}
