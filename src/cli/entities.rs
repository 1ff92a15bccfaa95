//! `corpus-ls entities`: every entity of the corpus with its aliases, counts and description.

use super::OutputFormat;
use crate::corpus::path_text::printable;
use crate::corpus::{Corpus, EntityId};
use serde::Serialize;
use std::io::Write;

/// Entity ids, most mentioned first, then by name.
pub fn ranked(corpus: &Corpus) -> Vec<EntityId> {
    let mut ids: Vec<EntityId> = corpus.entities().iter().map(|e| e.id).collect();
    ids.sort_by(|&a, &b| {
        let (ea, eb) = (corpus.entity(a), corpus.entity(b));
        eb.mentions
            .len()
            .cmp(&ea.mentions.len())
            .then_with(|| ea.name.cmp(&eb.name))
            .then(a.cmp(&b))
    });
    ids
}

/// One entity as a JSON object of the contract (`files` lists paths in corpus order), written
/// straight from the registry. Fields are in alphabetical order: the order a `serde_json`
/// object (a sorted map) prints, which the output kept when it was built as one.
#[derive(Debug, Serialize)]
pub struct EntityLine<'a> {
    aliases: &'a [String],
    description: Option<&'a str>,
    entity: &'a str,
    files: Vec<&'a str>,
    mentions: usize,
    #[serde(rename = "type")]
    ty: &'static str,
}

/// The JSON line of one entity.
pub fn entity_line(corpus: &Corpus, id: EntityId) -> EntityLine<'_> {
    let e = corpus.entity(id);
    EntityLine {
        aliases: &e.aliases,
        description: e.description.as_ref().map(|d| d.text.as_str()),
        entity: &e.name,
        files: e
            .files
            .iter()
            .map(|&f| corpus.files[f as usize].rel.as_str())
            .collect(),
        mentions: e.mentions.len(),
        ty: e.ty.as_str(),
    }
}

/// Writes every entity; human output is a table followed by the ambiguous short forms.
pub fn write(out: &mut dyn Write, corpus: &Corpus, format: OutputFormat) -> std::io::Result<()> {
    // Stdout is line-buffered: one write a line is a system call a line.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let written = write_all(&mut out, corpus, format).and_then(|()| out.flush());
    crate::corpus::cache::trace::lap("output");
    written
}

fn write_all(out: &mut dyn Write, corpus: &Corpus, format: OutputFormat) -> std::io::Result<()> {
    let ids = ranked(corpus);
    if format == OutputFormat::Json {
        for id in ids {
            serde_json::to_writer(&mut *out, &entity_line(corpus, id))?;
            out.write_all(b"\n")?;
        }
        return Ok(());
    }
    let rows: Vec<[String; 5]> = ids
        .iter()
        .map(|&id| {
            let e = corpus.entity(id);
            let others: Vec<&str> = e
                .aliases
                .iter()
                .map(String::as_str)
                .filter(|a| *a != e.name)
                .collect();
            let mut last = others.join(", ");
            if let Some(d) = &e.description {
                last = if last.is_empty() {
                    format!("— {}", d.text)
                } else {
                    format!("{last} — {}", d.text)
                };
            }
            // Names come from the files: a control character in one would break the table.
            [
                printable(&e.name).into_owned(),
                e.ty.as_str().to_string(),
                e.mentions.len().to_string(),
                e.files.len().to_string(),
                printable(&last).into_owned(),
            ]
        })
        .collect();
    let head = [
        "ENTITY",
        "TYPE",
        "MENTIONS",
        "FILES",
        "ALIASES — DESCRIPTION",
    ];
    let mut w = head.map(|h| h.chars().count());
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    // Padded by hand: `format!` widths stop at 65,535, and a name can be longer.
    let line = |r: [&str; 5]| {
        let mut s = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let fill = std::iter::repeat_n(' ', w[i].saturating_sub(cell.chars().count()));
            // Counts are right-aligned; the last column is not padded.
            match i {
                2 | 3 => {
                    s.extend(fill);
                    s.push_str(cell);
                }
                4 => s.push_str(cell),
                _ => {
                    s.push_str(cell);
                    s.extend(fill);
                }
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(head))?;
    for r in &rows {
        writeln!(out, "{}", line([&r[0], &r[1], &r[2], &r[3], &r[4]]))?;
    }
    let amb = corpus.registry().ambiguities();
    if !amb.is_empty() {
        writeln!(out, "\nAmbiguous short forms (not joined to any entity):")?;
        for a in amb {
            let cands: Vec<&str> = a
                .candidates
                .iter()
                .map(|&c| corpus.entity(c).name.as_str())
                .collect();
            writeln!(
                out,
                "  {} ({} mention{}): {}",
                printable(&a.surfaces.join(", ")),
                a.mentions.len(),
                if a.mentions.len() == 1 { "" } else { "s" },
                printable(&cands.join(" or "))
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn entity_lines_print_as_the_sorted_json_objects_they_were() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
        let corpus = Corpus::load(&root);
        let ids = ranked(&corpus);
        assert!(ids.len() > 10, "{} entities", ids.len());
        for id in ids {
            let line = serde_json::to_string(&entity_line(&corpus, id)).unwrap();
            // A `Value` object keeps its keys sorted: printing it again gives the same bytes
            // only when the line's fields were in that order.
            let value: serde_json::Value = serde_json::from_str(&line).unwrap();
            assert_eq!(value.to_string(), line);
            let e = corpus.entity(id);
            assert_eq!(value["entity"], e.name.as_str());
            assert_eq!(value["mentions"], e.mentions.len());
            assert_eq!(value["files"].as_array().unwrap().len(), e.files.len());
        }
    }
}
