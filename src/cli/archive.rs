//! `corpus-ls extract`, `gazetteer`, `reduce` and `archive ...`: the archive's commands
//! ([`crate::archive`]). Each returns the exit status: 0 done, 2 a usage or I/O error (said
//! on stderr).

use crate::archive;
use crate::config::Config;
use crate::corpus::path_text::printable;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

fn fail(e: anyhow::Error) -> u8 {
    eprintln!("corpus-ls: {}", printable(&format!("{e:#}")));
    2
}

/// The listed files: the arguments, then one path a line of `files_from` (`-` is stdin).
fn listed(files: &[String], files_from: Option<&Path>) -> anyhow::Result<Vec<String>> {
    let mut out = files.to_vec();
    if let Some(p) = files_from {
        let lines: Vec<String> = if p == Path::new("-") {
            std::io::stdin().lock().lines().collect::<Result<_, _>>()?
        } else {
            std::fs::read_to_string(p)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
                .lines()
                .map(str::to_string)
                .collect()
        };
        out.extend(lines.into_iter().filter(|l| !l.trim().is_empty()));
    }
    Ok(out)
}

/// `corpus-ls extract`.
pub fn extract(
    root: &Path,
    files: &[String],
    files_from: Option<&Path>,
    gazetteer: Option<&Path>,
    out: &Path,
) -> u8 {
    let run = || -> anyhow::Result<()> {
        let files = listed(files, files_from)?;
        let p = archive::extract::run(root, &files, gazetteer, out)?;
        for s in &p.skipped {
            eprintln!("corpus-ls: {}: {}", s.rel, printable(&s.reason));
        }
        eprintln!(
            "corpus-ls: {} files into {} ({} dumps deferred to the second pass, {} skipped)",
            p.documents.len(),
            out.display(),
            p.deferred.len(),
            p.skipped.len()
        );
        Ok(())
    };
    run().map_or_else(fail, |()| 0)
}

/// `corpus-ls gazetteer`.
pub fn gazetteer(root: &Path, parts: &[PathBuf], out: &Path) -> u8 {
    let run = || -> anyhow::Result<()> {
        let (config, _) = Config::load(root);
        let names = archive::gazetteer::of_parts(&config, parts)?;
        archive::gazetteer::write(out, &names)?;
        eprintln!("corpus-ls: {} names into {}", names.len(), out.display());
        Ok(())
    };
    run().map_or_else(fail, |()| 0)
}

/// `corpus-ls reduce`: prints the snapshot's folder.
pub fn reduce(root: &Path, parts: &[PathBuf], out: &Path) -> u8 {
    match archive::reduce_to_snapshot(root, parts, out) {
        Ok(dir) => {
            println!("{}", dir.display());
            0
        }
        Err(e) => fail(e),
    }
}

/// `corpus-ls archive list`: the files the load reads below `root`, one path a line (the
/// listing a job shards), and what it skips on stderr.
pub fn list(root: &Path) -> u8 {
    let (config, _) = Config::load(root);
    let scan = crate::corpus::scan::scan_with(root, &config);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for f in &scan.files {
        if writeln!(out, "{}", f.rel).is_err() {
            return 0;
        }
    }
    let _ = out.flush();
    for s in &scan.skipped {
        eprintln!("corpus-ls: {}: {}", s.rel, printable(&s.reason));
    }
    0
}

/// `corpus-ls archive load`: prints the rows loaded per table.
pub fn load(url: &str, snapshot: &Path) -> u8 {
    let remote = archive::postgres::Remote::new(url);
    match archive::postgres::load(&remote, snapshot) {
        Ok(counts) => {
            for (t, n) in counts {
                println!("{t}\t{n}");
            }
            0
        }
        Err(e) => fail(e),
    }
}

/// What `corpus-ls archive query` asks.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Query {
    /// The entities a name may stand for.
    Entity {
        /// The name, as written anywhere (`Mr. Liu`, `liu he`).
        name: String,
    },
    /// One page of the mentions of the entity a name stands for.
    Mentions {
        /// The name.
        name: String,
        /// Page, from 0.
        #[arg(long, default_value_t = 0)]
        page: i64,
        /// Mentions a page.
        #[arg(long, default_value_t = 100)]
        page_size: i64,
    },
    /// Figure facts of a quantity key sharing context words.
    Facts {
        /// Dimension: money, ratio, pp, count, date, duration, number.
        #[arg(long)]
        dim: String,
        /// Unit (`USD`, `employee`), empty for none.
        #[arg(long, default_value = "")]
        unit: String,
        /// Context words (lowercase keys).
        words: Vec<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

fn range_json(r: [i64; 4]) -> serde_json::Value {
    serde_json::json!({
        "start": {"line": r[0], "character": r[1]},
        "end": {"line": r[2], "character": r[3]},
    })
}

/// `corpus-ls archive query`: JSON Lines on stdout.
pub fn query(url: &str, q: Query) -> u8 {
    use archive::postgres as pg;
    use serde_json::json;
    let remote = pg::Remote::new(url);
    let timeout = remote.timeout;
    let lines = remote.session(Some(timeout), move |c| {
        let out: Vec<serde_json::Value> = match q {
            Query::Entity { name } => pg::entity_by_alias(c, &name)?
                .into_iter()
                .map(|e| {
                    json!({"id": e.id, "entity": e.name, "type": e.ty, "aliases": e.aliases,
                       "mentions": e.mentions, "files": e.files, "description": e.description})
                })
                .collect(),
            Query::Mentions {
                name,
                page,
                page_size,
            } => {
                let ents = pg::entity_by_alias(c, &name)?;
                let [e] = &ents[..] else {
                    anyhow::bail!("{} entities go by {name:?}", ents.len());
                };
                pg::mentions_of(c, e.id, page, page_size)?
                    .into_iter()
                    .map(|m| mention_json(&m, &e.name, &e.ty))
                    .collect()
            }
            Query::Facts {
                dim,
                unit,
                words,
                limit,
            } => pg::facts_for(c, &dim, &unit, &words, limit)?
                .into_iter()
                .map(|f| {
                    json!({"file": f.rel, "start_byte": f.start, "end_byte": f.end,
                       "line": f.line, "written": f.written, "low": f.low, "high": f.high,
                       "shared_words": f.shared})
                })
                .collect(),
        };
        Ok(out)
    });
    match lines {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
            0
        }
        Err(e) => fail(e.context("archive")),
    }
}

fn mention_json(
    m: &archive::postgres::ArchiveMention,
    entity: &str,
    ty: &str,
) -> serde_json::Value {
    serde_json::json!({
        "file": m.rel, "start_byte": m.start, "end_byte": m.end, "range": range_json(m.range),
        "text": m.text, "entity": entity, "type": ty, "archive": true,
    })
}

/// Mentions at most one `mentions` run prints from the archive (the first pages).
const ARCHIVE_MENTIONS_MAX: i64 = 10_000;

/// The archive's mentions of `name` for `corpus-ls mentions` when the corpus's config names
/// an archive, leaving out the corpus's own files (the local folder wins for them): written
/// after the local ones, marked `"archive": true` (JSON) or `archive:` (human). Returns how
/// many were written; an unreachable or slow archive is one warning on stderr and none.
pub fn archive_mentions(
    out: &mut dyn Write,
    corpus: &crate::corpus::Corpus,
    name: &str,
    format: super::OutputFormat,
) -> usize {
    let Some(url) = corpus.config.archive_postgres.as_deref() else {
        return 0;
    };
    let local_name = match corpus.resolve(name) {
        crate::corpus::Resolution::One(id) => Some(corpus.entity(id).name.clone()),
        _ => None,
    };
    let Some(hits) = archive::client::shared(url).mentions(
        name,
        local_name.as_deref(),
        ARCHIVE_MENTIONS_MAX,
        |rel| corpus.file(rel).is_some(),
    ) else {
        return 0;
    };
    let (e, ms) = (hits.entity, hits.mentions);
    let mut n = 0;
    for m in &ms {
        let line = match format {
            super::OutputFormat::Json => mention_json(m, &e.name, &e.ty).to_string(),
            super::OutputFormat::Human => format!(
                "  archive:{}:{}:{}  {}",
                m.rel,
                m.range[0] + 1,
                m.range[1] + 1,
                printable(&m.text)
            ),
        };
        if writeln!(out, "{line}").is_err() {
            break;
        }
        n += 1;
    }
    n
}
