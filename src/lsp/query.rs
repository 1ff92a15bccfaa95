//! What a read-only request sees: one immutable snapshot, the file asked about, the encoding.
//! Requests run on blocking threads with panics caught, so a bug answers one request with an
//! error instead of taking the server down.

use super::config::Settings;
use super::convert::TextRef;
use crate::corpus::registry::Ambiguity;
use crate::corpus::SourceFile;
use crate::document::Encoding;
use crate::host::fresh::FreshFile;
use crate::host::lookup::{EntityId, Mention};
use crate::host::Snapshot;
use crate::model::Span;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tower_lsp_server::ls_types::{Location, Position, Range, Uri};

/// The context of one request about one file.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The snapshot of the file's root.
    pub snap: Arc<Snapshot>,
    /// Index of the file in the snapshot.
    pub file: usize,
    /// The file's URI as the client names it.
    pub uri: Uri,
    /// The root folder.
    pub root: PathBuf,
    /// Negotiated position encoding.
    pub enc: Encoding,
    /// User settings.
    pub settings: Settings,
    /// URIs of the open buffers of this root, by root-relative path.
    pub open: HashMap<String, Uri>,
    /// True when the semantic token legend uses the custom types.
    pub custom_tokens: bool,
    /// The file asked about as it is now, when newer than `snap` (position requests only).
    pub fresh: Option<Arc<FreshFile>>,
}

impl Ctx {
    /// The file asked about, as the request's position reads it.
    pub fn source(&self) -> &SourceFile {
        match &self.fresh {
            Some(f) => &f.source,
            None => &self.snap.corpus.files[self.file],
        }
    }
    /// The text of a file of the snapshot (what the snapshot's spans point into).
    pub fn text_of(&self, file: usize) -> TextRef<'_> {
        let f = &self.snap.corpus.files[file];
        TextRef::of(f)
    }
    /// The text of the file asked about, as the request's position reads it.
    pub fn text(&self) -> TextRef<'_> {
        TextRef::of(self.source())
    }
    /// The entity mentioned at `offset` of the file asked about, with the mention's span.
    pub fn entity_at(&self, offset: usize) -> Option<(EntityId, Span)> {
        match &self.fresh {
            Some(f) => f.entity_at(offset),
            None => self.snap.index().entity_at(self.file, offset),
        }
    }
    /// The ambiguous short form at `offset` of the file asked about, with the mention's span.
    pub fn ambiguity_at(&self, offset: usize) -> Option<(&Ambiguity, Span)> {
        match &self.fresh {
            Some(f) => f.ambiguity_at(&self.snap, offset),
            None => self.snap.index().ambiguity_at(self.file, offset),
        }
    }
    /// The byte offset of a position in the file, `None` when its line does not exist.
    pub fn offset(&self, pos: Position) -> Option<usize> {
        let t = self.text();
        t.has_line(pos).then(|| t.offset(pos, self.enc))
    }
    /// The range of a span of the file.
    pub fn range(&self, span: Span) -> Range {
        self.text().range(span, self.enc)
    }
    /// The URI of a file of the snapshot.
    pub fn uri_of(&self, file: usize) -> Option<Uri> {
        if file == self.file {
            return Some(self.uri.clone());
        }
        let rel = &self.snap.corpus.files.get(file)?.rel;
        self.open
            .get(rel)
            .cloned()
            .or_else(|| super::convert::corpus_uri(&self.root, rel))
    }
    /// The location of a mention.
    pub fn location(&self, m: Mention) -> Option<Location> {
        Some(Location::new(
            self.uri_of(m.file as usize)?,
            self.text_of(m.file as usize).range(m.span, self.enc),
        ))
    }
    /// `path:line` of an offset in a file (1-based line), for people.
    pub fn place(&self, file: usize, offset: usize) -> String {
        let line = self.text_of(file).position(offset, self.enc).line + 1;
        format!("{}:{line}", self.snap.corpus.files[file].rel)
    }
}

/// Runs `f` with panics caught; a panic becomes `Err` with its message.
pub fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    crate::corpus::isolate::caught(f).map_err(|msg| format!("{what} panicked: {msg}"))
}

#[cfg(test)]
pub(crate) mod testing {
    //! A context over a hand-made corpus, for the handlers' unit tests.
    use super::*;
    use crate::corpus::Corpus;

    /// A context for file `rel` of `corpus`.
    pub fn ctx(corpus: Corpus, rel: &str) -> Ctx {
        // Installed as the host would, each context at a revision of its own.
        static REVISION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut snap = Snapshot::new(corpus);
        snap.stamp(REVISION.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let snap = Arc::new(snap);
        let file = snap.file_index(rel).expect("file in fixture");
        let root = PathBuf::from("/fixture");
        Ctx {
            uri: super::super::convert::corpus_uri(&root, rel).unwrap(),
            snap,
            file,
            root,
            enc: Encoding::Utf16,
            settings: Settings::default(),
            open: HashMap::new(),
            custom_tokens: true,
            fresh: None,
        }
    }

    /// The position of the `n`th occurrence of `needle` in the context's file, plus `delta` bytes.
    pub fn pos(ctx: &Ctx, needle: &str, delta: usize) -> Position {
        let off = ctx.source().text().find(needle).expect("needle in text") + delta;
        ctx.text().position(off, ctx.enc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors() {
        assert_eq!(guarded("x", || 3), Ok(3));
        let e = guarded("hover", || -> i32 { panic!("boom") }).unwrap_err();
        assert!(e.contains("hover panicked: boom"), "{e}");
    }
}
