//! A file's text as a snapshot keeps it: plain for files being edited, zstd-compressed for the
//! rest.
//!
//! The text of every file is the largest single part of a loaded corpus (225 MB of a 100k-article
//! archive) while only the few files open in an editor are read often. Keeping the others
//! compressed (about half the bytes for news articles, each file on its own) stays exact and
//! sound: the snapshot holds its own bytes, whatever happens to the file on disk meanwhile, and
//! every reader gets the very text the analysis saw. A read of a compressed text costs its
//! decompression (a few microseconds for an article); readers that only need line positions on
//! ASCII lines need no text at all (see `LineIndex`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

/// Texts shorter than this stay plain: a zstd frame would not pay for its header.
const MIN_PACKED: usize = 256;

/// The compression level: level 1 compresses news text within 2% of level 3, at its speed.
const LEVEL: i32 = 1;

/// A file's text, plain or compressed; cheap to clone (shared).
#[derive(Clone)]
pub struct FileText(Repr);

#[derive(Clone)]
enum Repr {
    Plain(Arc<str>),
    /// A zstd frame of a UTF-8 text of `len` bytes.
    Packed {
        frame: Arc<[u8]>,
        len: u32,
    },
}

thread_local! {
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

impl FileText {
    /// The text kept as it is (a file open in an editor: read on every request).
    pub fn plain(text: Arc<str>) -> FileText {
        FileText(Repr::Plain(text))
    }

    /// The text kept compressed (plain when short, or when compression would not save).
    pub fn packed(text: &str) -> FileText {
        if text.len() < MIN_PACKED || u32::try_from(text.len()).is_err() {
            return FileText::plain(text.into());
        }
        let frame = COMPRESSOR.with(|c| {
            let mut c = c.borrow_mut();
            let c = match &mut *c {
                Some(c) => c,
                None => c.insert(zstd::bulk::Compressor::new(LEVEL).ok()?),
            };
            c.compress(text.as_bytes()).ok()
        });
        match frame {
            Some(f) if f.len() < text.len() => FileText(Repr::Packed {
                frame: f.into(),
                len: text.len() as u32,
            }),
            _ => FileText::plain(text.into()),
        }
    }

    /// Length of the text in bytes (no decompression).
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Plain(t) => t.len(),
            Repr::Packed { len, .. } => *len as usize,
        }
    }

    /// True for an empty text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when reading the text costs a decompression.
    pub fn is_packed(&self) -> bool {
        matches!(self.0, Repr::Packed { .. })
    }

    /// The text (decompressed when packed).
    pub fn get(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Plain(t) => Cow::Borrowed(t),
            Repr::Packed { frame, len } => Cow::Owned(unpack(frame, *len as usize)),
        }
    }

    /// The text as a shared string (a clone of the plain one, else decompressed).
    pub fn to_arc(&self) -> Arc<str> {
        match &self.0 {
            Repr::Plain(t) => t.clone(),
            Repr::Packed { frame, len } => unpack(frame, *len as usize).into(),
        }
    }

    /// Heap bytes held (the frame, or the plain text), for memory reports.
    pub fn heap_bytes(&self) -> usize {
        match &self.0 {
            Repr::Plain(t) => t.len(),
            Repr::Packed { frame, .. } => frame.len(),
        }
    }
}

/// Decompresses a frame this module made.
fn unpack(frame: &[u8], len: usize) -> String {
    let bytes = DECOMPRESSOR.with(|d| {
        let mut d = d.borrow_mut();
        let d = match &mut *d {
            Some(d) => d,
            None => {
                d.insert(zstd::bulk::Decompressor::new().expect("a zstd decompression context"))
            }
        };
        d.decompress(frame, len)
            .expect("a frame compressed by FileText::packed")
    });
    String::from_utf8(bytes).expect("compressed from a str")
}

impl std::fmt::Debug for FileText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Repr::Plain(t) => f.debug_tuple("Plain").field(&t.len()).finish(),
            Repr::Packed { frame, len } => f
                .debug_struct("Packed")
                .field("len", len)
                .field("frame", &frame.len())
                .finish(),
        }
    }
}

impl PartialEq for FileText {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.get() == other.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn articles_are_packed_and_short_texts_are_not() {
        let article = "Liu He, a vice premier, met Steven Mnuchin in Beijing on Sunday. \
                       The two sides discussed tariffs on $50 billion of goods. "
            .repeat(8);
        let t = FileText::packed(&article);
        assert!(t.is_packed());
        assert!(t.heap_bytes() < article.len() / 2, "{}", t.heap_bytes());
        assert_eq!(t.len(), article.len());
        assert_eq!(t.get(), article);
        assert_eq!(&*t.to_arc(), article);
        let short = FileText::packed("a short note");
        assert!(!short.is_packed());
        assert_eq!(short.get(), "a short note");
    }

    proptest! {
        #[test]
        fn packing_keeps_every_byte(s in "(\\PC|\r\n|\n|😀|é){0,600}") {
            let t = FileText::packed(&s);
            prop_assert_eq!(t.len(), s.len());
            prop_assert_eq!(t.get(), s.as_str());
            prop_assert_eq!(t, FileText::plain(s.as_str().into()));
        }
    }
}
