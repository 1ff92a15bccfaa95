//! `corpus-ls entities`: every entity of the corpus with its aliases, counts and description.

use super::OutputFormat;
use crate::corpus::{Corpus, EntityId};
use serde_json::{json, Value};
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

/// One entity as a JSON object of the contract (`files` lists paths in corpus order).
pub fn entity_object(corpus: &Corpus, id: EntityId) -> Value {
    let e = corpus.entity(id);
    let files: Vec<&str> = e
        .files
        .iter()
        .map(|&f| corpus.files[f as usize].rel.as_str())
        .collect();
    json!({
        "entity": e.name,
        "type": e.ty.as_str(),
        "aliases": e.aliases,
        "mentions": e.mentions.len(),
        "files": files,
        "description": e.description.as_ref().map(|d| d.text.as_str()),
    })
}

/// Writes every entity; human output is a table followed by the ambiguous short forms.
pub fn write(out: &mut dyn Write, corpus: &Corpus, format: OutputFormat) -> std::io::Result<()> {
    let written = write_all(out, corpus, format);
    crate::corpus::cache::trace::lap("output");
    written
}

fn write_all(out: &mut dyn Write, corpus: &Corpus, format: OutputFormat) -> std::io::Result<()> {
    let ids = ranked(corpus);
    if format == OutputFormat::Json {
        for id in ids {
            writeln!(out, "{}", entity_object(corpus, id))?;
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
            [
                e.name.clone(),
                e.ty.as_str().to_string(),
                e.mentions.len().to_string(),
                e.files.len().to_string(),
                last,
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
    let line = |r: [&str; 5]| {
        format!(
            "{:<a$}  {:<b$}  {:>c$}  {:>d$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            a = w[0],
            b = w[1],
            c = w[2],
            d = w[3]
        )
        .trim_end()
        .to_string()
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
                a.surfaces.join(", "),
                a.mentions.len(),
                if a.mentions.len() == 1 { "" } else { "s" },
                cands.join(" or ")
            )?;
        }
    }
    Ok(())
}
