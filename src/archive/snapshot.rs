//! The index snapshot: what the reduce writes, immutable and versioned.
//!
//! `OUT/<version>/` where the version is a hash of the build, the config and every file's path
//! and content hash: the same corpus gives the same version, and a version once written is
//! never written again (a reduce that finds it reuses it). `OUT/LATEST` names the newest.
//! A snapshot holds:
//! - `entities.jsonl`, `findings.jsonl`: exactly what `corpus-ls entities --format json` and
//!   `corpus-ls check --format json` print for the same folder;
//! - `entities.parquet`, `aliases.parquet`, `mentions.parquet`, `facts.parquet`,
//!   `documents.parquet`: the tables `corpus-ls archive load` copies into PostgreSQL;
//! - `manifest.json`: version, counts, the build that made it.

use super::part;
use super::reduce::Documents;
use super::table::{Table, Values};
use crate::check::{CheckSettings, Checker};
use crate::cli;
use crate::corpus::aliases::plain_key;
use crate::corpus::Corpus;
use crate::document::Encoding;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Separates list items in one column (aliases, file paths).
pub const SEP: char = '\u{1f}';

/// The version of a corpus: same build, config and files, same version.
pub fn version(corpus: &Corpus, docs: &Documents) -> String {
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(exe) = std::env::current_exe().and_then(std::fs::read) {
        h.update(blake3::hash(&exe).as_bytes());
    }
    h.update(format!("{:?}", corpus.config).as_bytes());
    // The manifest names the root (where editors open the archive's files).
    h.update(corpus.root.as_os_str().as_encoded_bytes());
    let mut files: Vec<(&String, &String)> = docs.hashes.iter().collect();
    files.sort();
    for (rel, hash) in files {
        h.update(rel.as_bytes());
        h.update(b"\0");
        h.update(hash.as_bytes());
    }
    h.finalize().to_hex()[..16].to_string()
}

/// Writes the snapshot of `corpus` under `out` (unless that version exists); returns its folder.
pub fn write(out: &Path, corpus: &Corpus, docs: &Documents) -> Result<PathBuf> {
    let version = version(corpus, docs);
    let dir = out.join(&version);
    std::fs::create_dir_all(out).with_context(|| out.display().to_string())?;
    if !dir.join("manifest.json").exists() {
        let tmp = out.join(format!(".tmp-{version}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp)?;
        fill(&tmp, corpus, &version)?;
        if let Err(e) = std::fs::rename(&tmp, &dir) {
            // Another reduce of the same corpus won the race: its snapshot is this one.
            let _ = std::fs::remove_dir_all(&tmp);
            if !dir.join("manifest.json").exists() {
                return Err(e).with_context(|| dir.display().to_string());
            }
        }
    }
    let latest = out.join(".LATEST.tmp");
    std::fs::write(&latest, format!("{version}\n"))?;
    std::fs::rename(&latest, out.join("LATEST"))?;
    Ok(dir)
}

fn fill(dir: &Path, corpus: &Corpus, version: &str) -> Result<()> {
    let mut ents = Vec::new();
    cli::entities::write(&mut ents, corpus, cli::OutputFormat::Json)?;
    std::fs::write(dir.join("entities.jsonl"), ents)?;
    let settings = CheckSettings::from_corpus(corpus);
    let checker = Checker::new(corpus, settings.clone());
    let findings = checker.check_corpus(corpus);
    let mut out = Vec::new();
    let mut err = Vec::new();
    cli::check::write(
        &mut out,
        &mut err,
        corpus,
        &findings,
        &settings,
        cli::check::CheckFormat::Json,
    )?;
    std::fs::write(dir.join("findings.jsonl"), out)?;
    entities_table(corpus).write(&dir.join("entities.parquet"))?;
    aliases_table(corpus).write(&dir.join("aliases.parquet"))?;
    mentions_table(corpus).write(&dir.join("mentions.parquet"))?;
    facts_table(&checker).write(&dir.join("facts.parquet"))?;
    documents_table(corpus).write(&dir.join("documents.parquet"))?;
    let manifest = serde_json::json!({
        "version": version,
        "root": corpus.root.display().to_string(),
        "corpus_ls": env!("CARGO_PKG_VERSION"),
        "documents": corpus.files.len(),
        "skipped": corpus.skipped.len(),
        "entities": corpus.entities().len(),
        "findings": findings.len(),
        "facts": checker.facts.len(),
    });
    // Written last: a folder without it is an unfinished snapshot.
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    Ok(())
}

/// The empty table of a snapshot's Parquet file `name` (`entities`, `aliases`, `mentions`,
/// `facts`, `documents`).
pub fn schema(name: &str) -> Table {
    match name {
        "entities" => Table::new(&[
            ("id", false, int()),
            ("name", false, s()),
            ("type", false, s()),
            ("aliases", false, s()),
            ("mentions", false, int()),
            ("files", false, int()),
            ("description", true, s()),
        ]),
        "aliases" => Table::new(&[
            ("key", false, s()),
            ("alias", false, s()),
            ("entity", false, int()),
        ]),
        "mentions" => Table::new(&[
            ("entity", false, int()),
            ("rel", false, s()),
            ("start", false, int()),
            ("end", false, int()),
            ("line", false, int()),
            ("character", false, int()),
            ("end_line", false, int()),
            ("end_character", false, int()),
            ("text", false, s()),
        ]),
        "documents" => Table::new(&[
            ("rel", false, s()),
            ("kind", false, s()),
            ("bytes", false, int()),
            ("text", false, s()),
        ]),
        "facts" => part::facts(),
        _ => Table::default(),
    }
}

/// The tables of a snapshot, in load order.
pub const TABLES: &[&str] = &["documents", "entities", "aliases", "mentions", "facts"];

fn int() -> Values {
    Values::Int(Vec::new())
}
fn s() -> Values {
    Values::Str(Vec::new())
}

fn entities_table(corpus: &Corpus) -> Table {
    let mut t = schema("entities");
    for e in corpus.entities() {
        let c = &mut t.columns;
        c[0].values.push_int(Some(e.id.0 as i64));
        c[1].values.push_str(Some(e.name.clone()));
        c[2].values.push_str(Some(e.ty.as_str().to_string()));
        c[3].values.push_str(Some(e.aliases.join(&SEP.to_string())));
        c[4].values.push_int(Some(e.mentions.len() as i64));
        c[5].values.push_int(Some(e.files.len() as i64));
        c[6].values
            .push_str(e.description.as_ref().map(|d| d.text.clone()));
    }
    t
}

fn aliases_table(corpus: &Corpus) -> Table {
    let mut t = schema("aliases");
    for e in corpus.entities() {
        let mut seen = std::collections::HashSet::new();
        for a in std::iter::once(&e.name).chain(&e.aliases) {
            let key = plain_key(a);
            if seen.insert(key.clone()) {
                t.columns[0].values.push_str(Some(key));
                t.columns[1].values.push_str(Some(a.clone()));
                t.columns[2].values.push_int(Some(e.id.0 as i64));
            }
        }
    }
    t
}

fn mentions_table(corpus: &Corpus) -> Table {
    let mut t = schema("mentions");
    for e in corpus.entities() {
        for m in &e.mentions {
            let f = corpus.file_of(m);
            let (a, b) = f.range(m.span, Encoding::Utf16);
            let c = &mut t.columns;
            c[0].values.push_int(Some(e.id.0 as i64));
            c[1].values.push_str(Some(f.rel.clone()));
            c[2].values.push_int(Some(m.span.start() as i64));
            c[3].values.push_int(Some(m.span.end() as i64));
            c[4].values.push_int(Some(a.line.into()));
            c[5].values.push_int(Some(a.character.into()));
            c[6].values.push_int(Some(b.line.into()));
            c[7].values.push_int(Some(b.character.into()));
            c[8].values.push_str(Some(f.span_text(m.span).into_owned()));
        }
    }
    t
}

fn facts_table(checker: &Checker) -> Table {
    let mut t = schema("facts");
    for id in checker.facts.fact_ids() {
        part::push_fact(&mut t, checker.facts.fact(id));
    }
    t
}

fn documents_table(corpus: &Corpus) -> Table {
    let mut t = schema("documents");
    for f in &corpus.files {
        t.columns[0].values.push_str(Some(f.rel.clone()));
        t.columns[1]
            .values
            .push_str(Some(part::lower_debug(f.analysis.kind)));
        t.columns[2].values.push_int(Some(f.text_len() as i64));
        // The text: `check` runs the product's own rules over the archive articles a note's
        // figures point to, which needs them whole.
        t.columns[3].values.push_str(Some(f.text().into_owned()));
    }
    t
}
