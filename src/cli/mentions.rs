//! `corpus-ls mentions NAME`: every mention of the entity a name resolves to.

use super::{human_location, location_fields, OutputFormat};
use crate::corpus::path_text::printable;
use crate::corpus::{Corpus, EntityId, MentionRef, Resolution, SourceFile};
use serde_json::{json, Value};
use std::io::Write;

/// Why no mentions were printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotFound {
    /// No entity has this name.
    Unknown,
    /// Several entities fit: their ids.
    Ambiguous(Vec<EntityId>),
}

/// The mentions of `id` as JSON objects of the contract, in corpus order.
pub fn mention_objects(corpus: &Corpus, id: EntityId) -> Vec<Value> {
    let e = corpus.entity(id);
    with_texts(corpus, id, |f, text, m| {
        let mut o = location_fields(f, text, m.span);
        o.insert("text".into(), json!(f.span_text_in(text, m.span)));
        o.insert("entity".into(), json!(e.name));
        o.insert("type".into(), json!(e.ty.as_str()));
        Value::Object(o)
    })
}

/// `each` of the mentions of `id` in corpus order, with its file and text. Mentions of one
/// file come together, so each file's text is read (decompressed) once, not once a mention.
fn with_texts<T>(
    corpus: &Corpus,
    id: EntityId,
    mut each: impl FnMut(&SourceFile, &str, &MentionRef) -> T,
) -> Vec<T> {
    let mut text: Option<(u32, std::borrow::Cow<'_, str>)> = None;
    let mut out = Vec::new();
    for m in corpus.mentions(id) {
        let f = corpus.file_of(m);
        if text.as_ref().is_none_or(|(i, _)| *i != m.file) {
            text = Some((m.file, f.text()));
        }
        let t = text.as_ref().map_or("", |(_, t)| t);
        out.push(each(f, t, m));
    }
    out
}

/// One line naming an entity for people: `Liu He (PER, 7 mentions in 2 files)`.
pub fn describe(corpus: &Corpus, id: EntityId) -> String {
    let e = corpus.entity(id);
    let n = e.mentions.len();
    format!(
        "{} ({}, {n} mention{} in {} file{})",
        e.name,
        e.ty.as_str(),
        if n == 1 { "" } else { "s" },
        e.files.len(),
        if e.files.len() == 1 { "" } else { "s" }
    )
}

/// Writes the mentions of what `name` resolves to; an unknown or ambiguous name writes nothing.
pub fn write(
    out: &mut dyn Write,
    corpus: &Corpus,
    name: &str,
    format: OutputFormat,
) -> std::io::Result<Result<(), NotFound>> {
    let id = match corpus.resolve(name) {
        Resolution::One(id) => id,
        Resolution::Ambiguous(ids) => return Ok(Err(NotFound::Ambiguous(ids))),
        Resolution::None => return Ok(Err(NotFound::Unknown)),
    };
    // Stdout is line-buffered: one write a line is a system call a line.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    match format {
        OutputFormat::Json => {
            for o in mention_objects(corpus, id) {
                writeln!(out, "{o}")?;
            }
        }
        OutputFormat::Human => {
            writeln!(out, "{}", printable(&describe(corpus, id)))?;
            let rows: Vec<(String, String)> = with_texts(corpus, id, |f, text, m| {
                (
                    human_location(f, text, m.span.start()),
                    printable(&f.span_text_in(text, m.span)).into_owned(),
                )
            });
            let w = rows
                .iter()
                .map(|(l, _)| l.chars().count())
                .max()
                .unwrap_or(0);
            for (loc, text) in rows {
                writeln!(out, "  {loc:<w$}  {text}")?;
            }
        }
    }
    out.flush()?;
    Ok(Ok(()))
}
