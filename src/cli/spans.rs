//! `corpus-ls spans`: the entity and figure spans of some files.

use super::{human_location, location_fields, OutputFormat};
use crate::corpus::{Corpus, SourceFile, Target};
use serde_json::{json, Value};
use std::io::Write;

/// The spans of `file` as JSON objects of the contract, in text order (`entity` is the
/// mention's own name text).
pub fn span_objects(file: &SourceFile) -> Vec<(usize, Value)> {
    let text = file.text();
    let mut out = Vec::new();
    for_each_span(None, file, &text, |start, obj| out.push((start, obj)));
    out
}

/// Calls `each` with every span of `file` as a JSON object, in text order, one at a time (a
/// 16 MiB file has hundreds of thousands of spans: they are never all held as objects). With a
/// corpus, `entity` is the canonical name from its registry and an ambiguous short form gets
/// `entity: null` and its `candidates`.
fn for_each_span(
    corpus: Option<&Corpus>,
    file: &SourceFile,
    text: &str,
    mut each: impl FnMut(usize, Value),
) {
    let index = corpus.and_then(|c| Some((c, c.file_index(&file.rel)?)));
    let entities = &file.analysis.entities;
    let figures = &file.analysis.figures;
    // Text order, entities before figures at the same start (a stable sort of both lists).
    let mut order: Vec<(usize, bool, usize)> = entities
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.start(), false, i))
        .chain(
            figures
                .iter()
                .enumerate()
                .map(|(i, f)| (f.span.start(), true, i)),
        )
        .collect();
    order.sort_unstable();
    for (start, is_figure, i) in order {
        let obj = if is_figure {
            let f = &figures[i];
            let mut m = location_fields(file, text, f.span);
            m.insert("kind".into(), json!("figure"));
            m.insert("text".into(), json!(file.span_text_in(text, f.span)));
            m.insert("type".into(), json!(f.ty.as_str()));
            m.insert("value".into(), json!(f.value));
            m.insert("unit".into(), json!(f.unit));
            m.insert("qualifier".into(), json!(f.qualifier));
            m.insert("low".into(), json!(f.low));
            m.insert("high".into(), json!(f.high));
            m.insert("subject".into(), json!(f.subject));
            m
        } else {
            let e = &entities[i];
            // The name without its honorific, as the registry places it (`Botin` of `Mr Botin`).
            let mut m = location_fields(file, text, e.name);
            m.insert("kind".into(), json!("entity"));
            m.insert("text".into(), json!(file.span_text_in(text, e.name)));
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
                    m.insert("entity".into(), json!(file.span_text_in(text, e.name)));
                }
            }
            m
        };
        each(start, Value::Object(obj));
    }
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
    let whole = file.text();
    let mut written = Ok(());
    for_each_span(corpus, file, &whole, |start, obj| {
        if written.is_ok() {
            written = write_one(&mut out, file, &whole, start, &obj, format);
        }
    });
    written?;
    out.flush()
}

/// Writes one span object in `format`.
fn write_one(
    out: &mut dyn Write,
    file: &SourceFile,
    whole: &str,
    start: usize,
    obj: &Value,
    format: OutputFormat,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Json => writeln!(out, "{obj}"),
        OutputFormat::Human => {
            let kind = obj["kind"].as_str().unwrap_or("");
            let ty = obj["type"].as_str().unwrap_or("");
            let text = obj["text"].as_str().unwrap_or("");
            let extra = if kind == "figure" {
                format!(" = {} {}", obj["value"], obj["unit"].as_str().unwrap_or(""))
            } else {
                match obj["entity"].as_str() {
                    Some(e) => format!(" -> {}", crate::corpus::path_text::printable(e)),
                    None => format!(" -> ambiguous: {}", obj["candidates"]),
                }
            };
            writeln!(
                out,
                "{}: {kind} {ty} {text:?}{}",
                human_location(file, whole, start),
                extra.trim_end()
            )
        }
    }
}
