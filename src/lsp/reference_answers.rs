//! Large references answers kept as JSON text, and made ahead for the most-mentioned entities
//! (US, 51,000 mentions at 100k articles: about 100 ms of server work per answer otherwise).
//!
//! An answer is reused only when it is the answer the request would get: the same mentions
//! (file index and span, in order), every mentioned file the same analysed text (the same
//! revision stamps, so the same line index), the same root, encoding and URIs. Anything else
//! (an edit of a mentioning file, a new registry that moved a mention, a buffer opened under
//! another URI) makes it miss and the answer is computed again.

use super::convert::RootUris;
use super::locations::{locations, FileUris};
use super::query::Ctx;
use crate::document::Encoding;
use crate::host::lookup::{Entity, Mention};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

/// Answers kept (each up to a few MB of JSON at 100k articles).
const KEEP: usize = 4;

/// How many of the most-mentioned entities get their answer made ahead.
pub const AHEAD: usize = 2;

/// One kept answer and what it was computed from.
struct Entry {
    root: PathBuf,
    enc: Encoding,
    mentions: Vec<Mention>,
    /// The mentioned files (index and [`crate::host::Snapshot::file_stamp`]), one per run of
    /// mentions.
    files: Vec<(u32, (u64, u64))>,
    /// Mentioned files whose URI is not the root's (the client's own for open buffers).
    uris: Vec<(u32, String)>,
    json: Arc<str>,
}

/// Mentioned files of `ctx` whose URI differs from the one under the root: the file asked
/// about and open buffers, when the client spells them otherwise.
fn own_uris(ctx: &Ctx, mentioned: &[(u32, (u64, u64))]) -> Vec<(u32, String)> {
    let (uris, root) = (FileUris::new(ctx), RootUris::new(&ctx.root));
    let mut files: Vec<usize> = ctx
        .open
        .keys()
        .filter_map(|rel| ctx.snap.file_index(rel))
        .collect();
    files.push(ctx.file);
    files.sort_unstable();
    files.dedup();
    files
        .into_iter()
        .filter(|&i| mentioned.iter().any(|(f, _)| *f as usize == i))
        .filter_map(|i| {
            let own = uris.uri(i)?;
            let under_root = root.uri(&ctx.snap.corpus.files[i].rel);
            (under_root.as_ref() != Some(&own)).then(|| (i as u32, own.as_str().to_string()))
        })
        .collect()
}

/// The files of `mentions` in `ctx`'s snapshot with their stamps, one per run (`None` if one
/// is missing, or the snapshot is not the host's).
fn mentioned_files(ctx: &Ctx, mentions: &[Mention]) -> Option<Vec<(u32, (u64, u64))>> {
    let mut out: Vec<(u32, (u64, u64))> = Vec::new();
    for m in mentions {
        if out.last().is_some_and(|(f, _)| *f == m.file) {
            continue;
        }
        out.push((m.file, ctx.snap.file_stamp(m.file as usize)?));
    }
    Some(out)
}

impl Entry {
    /// True when this is the answer to `mentions` asked in `ctx`.
    fn fits(&self, ctx: &Ctx, mentions: &[Mention]) -> bool {
        self.root == ctx.root
            && self.enc == ctx.enc
            && self.mentions == mentions
            && self
                .files
                .iter()
                .all(|(i, stamp)| ctx.snap.file_stamp(*i as usize) == Some(*stamp))
            && self.uris == own_uris(ctx, &self.files)
    }
}

/// Kept answers, most recent last.
#[derive(Default)]
pub struct ReferenceAnswers(Mutex<VecDeque<Entry>>);

impl ReferenceAnswers {
    /// The JSON text of the locations of `mentions` asked in `ctx` (as
    /// [`super::io::preserialized::to_json`] writes them), kept or computed now and kept.
    pub fn json(&self, ctx: &Ctx, mentions: Vec<Mention>) -> Arc<str> {
        {
            let mut kept = self.0.lock();
            if let Some(at) = kept.iter().position(|e| e.fits(ctx, &mentions)) {
                let e = kept.remove(at).expect("a position in the deque");
                let json = e.json.clone();
                kept.push_back(e);
                return json;
            }
        }
        let json: Arc<str> =
            super::io::preserialized::to_json(&locations(ctx, mentions.iter().copied())).into();
        if let Some(files) = mentioned_files(ctx, &mentions) {
            let entry = Entry {
                root: ctx.root.clone(),
                enc: ctx.enc,
                uris: own_uris(ctx, &files),
                files,
                mentions,
                json: json.clone(),
            };
            let mut kept = self.0.lock();
            kept.retain(|e| !(e.root == entry.root && e.mentions == entry.mentions));
            kept.push_back(entry);
            while kept.len() > KEEP {
                kept.pop_front();
            }
        }
        json
    }

    /// Makes the answers to "references, declaration included" of the [`AHEAD`] most-mentioned
    /// entities of `ctx`'s snapshot that have enough mentions to be worth keeping.
    pub fn make_ahead(&self, ctx: &Ctx) {
        let mut top: Vec<&Entity> = Vec::with_capacity(AHEAD + 1);
        for e in ctx.snap.index().entities() {
            if e.mentions.len() < super::io::preserialized::MIN_LOCATIONS {
                continue;
            }
            let at = top.partition_point(|t| t.mentions.len() >= e.mentions.len());
            if at < AHEAD {
                top.insert(at, e);
                top.truncate(AHEAD);
            }
        }
        for e in top {
            self.json(ctx, e.mentions.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;
    use crate::lsp::io::preserialized::to_json;
    use crate::lsp::query::testing::ctx;

    fn all_mentions(c: &Ctx) -> Vec<Mention> {
        c.snap
            .corpus
            .entities()
            .iter()
            .flat_map(|e| e.mentions.iter().copied())
            .collect()
    }

    fn fresh(c: &Ctx, m: &[Mention]) -> String {
        to_json(&locations(c, m.iter().copied()))
    }

    #[test]
    fn a_kept_answer_serves_only_the_same_question() {
        let answers = ReferenceAnswers::default();
        let c = ctx(fixture::liu(), "notes/n.txt");
        let m = all_mentions(&c);
        let first = answers.json(&c, m.clone());
        assert_eq!(&*first, fresh(&c, &m));
        assert!(Arc::ptr_eq(&first, &answers.json(&c, m.clone())), "kept");
        // Fewer mentions: another question.
        assert_eq!(&*answers.json(&c, m[1..].to_vec()), fresh(&c, &m[1..]));
        // The other encoding.
        let mut c8 = c.clone();
        c8.enc = Encoding::Utf8;
        assert!(!Arc::ptr_eq(&first, &answers.json(&c8, m.clone())));
        // An open buffer spelled by the client: its URI is in the answer.
        let mut open = c.clone();
        open.open
            .insert("b.txt".into(), "file:///elsewhere/B.txt".parse().unwrap());
        let got = answers.json(&open, m.clone());
        assert_eq!(&*got, fresh(&open, &m));
        assert!(got.contains("file:///elsewhere/B.txt"));
        // A mentioned file edited (same spans, new text): the answer is made again.
        let rel = "b.txt";
        let text = format!("{}\n", c.snap.corpus.file(rel).unwrap().text());
        let edited =
            crate::lsp::query::testing::ctx(c.snap.corpus.with_file(rel, text), "notes/n.txt");
        let m2 = all_mentions(&edited);
        let again = answers.json(&edited, m2.clone());
        assert!(!Arc::ptr_eq(&first, &again));
        assert_eq!(&*again, fresh(&edited, &m2));
    }

    #[test]
    fn answers_made_ahead_are_those_of_the_most_mentioned_entities() {
        let answers = ReferenceAnswers::default();
        // The fixture's entities are small: nothing is worth keeping.
        answers.make_ahead(&ctx(fixture::liu(), "a.txt"));
        assert!(answers.0.lock().is_empty());
        let many = |name: &str, n: usize| format!("[{name}] spoke. ").repeat(n);
        let c = ctx(
            fixture::corpus(vec![
                fixture::file("a.txt", &many("Alvara", 300), &[]),
                fixture::file("b.txt", &many("Benedek", 280), &[]),
                fixture::file("c.txt", &many("Corvina", 270), &[]),
            ]),
            "c.txt",
        );
        answers.make_ahead(&c);
        let kept: Vec<usize> = answers.0.lock().iter().map(|e| e.mentions.len()).collect();
        assert_eq!(kept.len(), AHEAD);
        let mut by_count: Vec<&Entity> = c.snap.index().entities().iter().collect();
        by_count.sort_by_key(|e| std::cmp::Reverse(e.mentions.len()));
        for e in &by_count[..AHEAD] {
            assert!(
                kept.contains(&e.mentions.len()),
                "{} not made ahead",
                e.name
            );
            let json = answers.json(&c, e.mentions.clone());
            assert_eq!(&*json, fresh(&c, &e.mentions));
        }
        assert_eq!(answers.0.lock().len(), AHEAD, "both were found kept");
    }
}
