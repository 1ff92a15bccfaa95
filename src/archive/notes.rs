//! `check` with the archive: a note that names no sources is checked against every article,
//! and with `[archive] postgres` set that means the archive's too. The archive's fact index
//! finds the articles whose figures share a note figure's quantity key and context words; their
//! texts come back from the archive and the product's own rules run over the folder plus those
//! articles, so an archive finding is exactly the finding the same article would give in the
//! folder. The local folder wins for its own files; archive files are named in
//! [`Checked::archived`] for the front ends to mark.

use super::client::Archive;
use super::postgres as pg;
use crate::check::facts::facts_of;
use crate::check::{sources, CheckSettings, Checker, Finding};
use crate::corpus::Corpus;
use crate::format::DocKind;
use std::collections::HashSet;

/// Archive facts asked for per note figure (the best by shared context words).
const FACTS_PER_FIGURE: i64 = 8;
/// Archive articles read per note: the note's figures meet at most this many.
const FILES_PER_NOTE: usize = 32;

/// Findings of a corpus with its notes checked against the archive too.
pub struct Checked {
    /// The folder plus the archive articles read (what the findings point into).
    pub corpus: Corpus,
    /// The findings: the folder's, the notes' replaced by their check with the archive.
    pub findings: Vec<Finding>,
    /// Paths of the archive's files in `corpus`.
    pub archived: HashSet<String>,
}

/// What to ask the archive for one note: a quantity key and the context words of each figure.
type Asks = Vec<(String, String, Vec<String>)>;

fn asks_of(corpus: &Corpus, rel: &str) -> Option<Asks> {
    let f = corpus.file(rel)?;
    // A note that names its sources is checked against them alone.
    if f.analysis.kind != DocKind::Note || !sources::of_note(corpus, f).files.is_empty() {
        return None;
    }
    let asks: Asks = facts_of(f)
        .iter()
        .map(|x| {
            let words = x.context.iter().map(|w| w.key.to_string()).collect();
            (x.key.dim.to_string(), x.key.unit.clone(), words)
        })
        .filter(|(_, _, w): &(String, String, Vec<String>)| !w.is_empty())
        .collect();
    (!asks.is_empty()).then_some(asks)
}

/// The archive article texts a note's figures meet, beyond the folder's own files.
fn texts_for(archive: &Archive, corpus: &Corpus, asks: Asks) -> Option<Vec<(String, String)>> {
    let local: HashSet<String> = corpus.files.iter().map(|f| f.rel.clone()).collect();
    archive.call(move |c| {
        let mut rels: Vec<String> = Vec::new();
        for (dim, unit, words) in &asks {
            for f in pg::facts_for(c, dim, unit, words, FACTS_PER_FIGURE)? {
                if !local.contains(&f.rel) && !rels.contains(&f.rel) {
                    rels.push(f.rel);
                }
            }
            if rels.len() >= FILES_PER_NOTE {
                break;
            }
        }
        rels.truncate(FILES_PER_NOTE);
        if rels.is_empty() {
            return Ok(Vec::new());
        }
        pg::texts(c, &rels)
    })
}

/// `findings` of `corpus` (in `check_corpus` order) with each note that names no sources
/// checked against the folder plus the archive articles its figures meet. `None` when no
/// archive is configured or it added nothing (the findings stand); an unreachable archive is
/// one warning on stderr and `None`.
pub fn check_with_archive(corpus: &Corpus, findings: &[Finding]) -> Option<Checked> {
    let url = corpus.config.archive_postgres.as_deref()?;
    let archive = super::client::shared(url);
    let mut notes = Vec::new();
    let mut texts: Vec<(String, String)> = Vec::new();
    for f in &corpus.files {
        let Some(asks) = asks_of(corpus, &f.rel) else {
            continue;
        };
        // Down: the rest of the notes would wait for nothing.
        let got = texts_for(&archive, corpus, asks)?;
        if !got.is_empty() {
            notes.push(f.rel.clone());
        }
        texts.extend(got);
    }
    if notes.is_empty() {
        return None;
    }
    let archived: HashSet<String> = texts.iter().map(|(r, _)| r.clone()).collect();
    let wide = corpus.with_more_files(texts);
    let checker = Checker::new(&wide, CheckSettings::from_corpus(&wide));
    let redone: HashSet<&str> = notes.iter().map(String::as_str).collect();
    let mut out: Vec<Finding> = findings
        .iter()
        .filter(|f| !redone.contains(f.rel.as_str()))
        .cloned()
        .collect();
    for rel in &notes {
        out.extend(checker.check_file(&wide, rel));
    }
    // Back in `check_corpus` order: what is not a file first (config problems), then by path;
    // the sort is stable, so each file's findings keep their order.
    out.sort_by_key(|f| wide.file_index(&f.rel));
    Some(Checked {
        corpus: wide,
        findings: out,
        archived,
    })
}
