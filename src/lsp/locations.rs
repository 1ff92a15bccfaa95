//! Many mentions as LSP locations in one pass (references to an entity named 55,000 times):
//! one URI per run of mentions in the same file, cloned along the run, and each range through
//! the file's line index from the span's start, its end counted on from there.

use super::convert::RootUris;
use super::query::Ctx;
use crate::host::lookup::Mention;
use tower_lsp_server::ls_types::{Location, Uri};

/// The URIs of a request's files, each as `Ctx::uri_of` gives it (the client's own URI for the
/// file asked about and for open buffers, else the file's path under the root).
pub struct FileUris<'a> {
    ctx: &'a Ctx,
    root: RootUris,
}

impl<'a> FileUris<'a> {
    /// The URIs of the files of `ctx`'s snapshot.
    pub fn new(ctx: &'a Ctx) -> Self {
        FileUris {
            ctx,
            root: RootUris::new(&ctx.root),
        }
    }
    /// The URI of file `file`, `None` when the snapshot has no such file.
    pub fn uri(&self, file: usize) -> Option<Uri> {
        if file == self.ctx.file {
            return Some(self.ctx.uri.clone());
        }
        let rel = &self.ctx.snap.corpus.files.get(file)?.rel;
        match self.ctx.open.get(rel) {
            Some(u) => Some(u.clone()),
            None => self.root.uri(rel),
        }
    }
}

/// The locations of `mentions`, in their order, as `Ctx::location` gives each (mentions of a
/// file the snapshot lacks are left out).
pub fn locations(ctx: &Ctx, mentions: impl IntoIterator<Item = Mention>) -> Vec<Location> {
    let mentions = mentions.into_iter();
    let mut out = Vec::with_capacity(mentions.size_hint().0);
    let uris = FileUris::new(ctx);
    let mut current: Option<(u32, Option<Uri>)> = None;
    for m in mentions {
        if current.as_ref().is_none_or(|(f, _)| *f != m.file) {
            current = Some((m.file, uris.uri(m.file as usize)));
        }
        let Some((_, Some(uri))) = &current else {
            continue;
        };
        let range = ctx.text_of(m.file as usize).range(m.span, ctx.enc);
        out.push(Location::new(uri.clone(), range));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::ctx;
    use crate::model::Span;

    #[test]
    fn locations_equal_one_location_at_a_time() {
        let mut c = ctx(fixture::liu(), "notes/n.txt");
        // An open buffer's URI as the client spells it wins over the path's.
        c.open.insert(
            "b.txt".to_string(),
            "file:///elsewhere/B.txt".parse().unwrap(),
        );
        let mut all: Vec<Mention> = c
            .snap
            .corpus
            .entities()
            .iter()
            .flat_map(|e| e.mentions.iter().copied())
            .collect();
        // Out of order, repeated files, and a file the snapshot lacks.
        all.reverse();
        all.push(Mention {
            file: 99,
            span: Span::new(0, 1),
        });
        all.push(all[0]);
        let want: Vec<Location> = all.iter().filter_map(|m| c.location(*m)).collect();
        let got = locations(&c, all.iter().copied());
        assert_eq!(got, want);
        assert_eq!(got.len(), all.len() - 1);
        assert!(got
            .iter()
            .any(|l| l.uri.as_str() == "file:///elsewhere/B.txt"));
    }
}
