//! Invariants the fuzz targets check on arbitrary bytes. Shared, by `#[path]`, with
//! `tests/reliability_fuzz.rs`, which replays saved inputs through the same functions so CI runs
//! them without a fuzzer. Each function panics on a broken invariant (that is the finding).

use corpus_ls::analysis::{analyze, AnalysisContext};
use corpus_ls::corpus::scan;
use corpus_ls::document::{Document, Encoding, LineIndex, Position};
use corpus_ls::extract::entities::{self, EntityContext, Gazetteer};
use corpus_ls::extract::figures::{self, FigureContext};
use corpus_ls::format::{self, Format};
use corpus_ls::model::Span;
use corpus_ls::text;
use std::path::Path;

/// Inputs above this many bytes are cut: the fuzzer looks for crashes, not for throughput.
pub const MAX_INPUT: usize = 64 * 1024;

const FORMATS: [Format; 3] = [Format::Markdown, Format::Plain, Format::Lowercase];

/// Panics unless `span` lies inside `text` on char boundaries.
fn in_text(text: &str, span: Span, what: &str) {
    assert!(
        span.start() <= span.end() && span.end() <= text.len(),
        "{what}: span {}..{} outside a text of {} bytes",
        span.start(),
        span.end(),
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start()) && text.is_char_boundary(span.end()),
        "{what}: span {}..{} splits a character",
        span.start(),
        span.end()
    );
}

/// Splits the first byte off as a selector; the rest is the payload.
fn split(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((s, rest)) => (*s, &rest[..rest.len().min(MAX_INPUT)]),
        None => (0, data),
    }
}

/// File bytes -> decode -> sniff -> view and metadata -> full analysis: every view offset maps
/// into the source on a char boundary, increasingly; every span of the analysis and metadata
/// lies in the source on char boundaries. Decoding keeps the byte count (offsets are file bytes).
pub fn view(data: &[u8]) {
    let (sel, bytes) = split(data);
    let Ok((source, _problems)) = scan::decode(bytes.to_vec()) else {
        return;
    };
    assert_eq!(source.len(), bytes.len(), "decoding changed the byte count");
    let path = Path::new(match sel % 3 {
        0 => "a.md",
        1 => "a.txt",
        _ => "notes/a.markdown",
    });
    let sniffed = format::sniff(path, &source);
    let fmt = if sel & 0x80 != 0 {
        FORMATS[(sel as usize >> 2) % 3]
    } else {
        sniffed
    };
    let (v, meta) = format::view_and_metadata(&source, fmt);
    let vt = v.text();
    let mut last = None;
    for (i, _) in vt.char_indices() {
        let s = v.to_source(i);
        assert!(s < source.len(), "view {i} maps past the source");
        assert!(
            source.is_char_boundary(s),
            "view {i} maps inside a character"
        );
        if let Some(l) = last {
            assert!(s > l, "view map not increasing at {i}");
        }
        last = Some(s);
    }
    assert_eq!(v.to_source(vt.len()), source.len());
    // Spans over the view's words map back inside the source.
    let segs = text::segment(vt, fmt);
    for t in &segs.tokens {
        in_text(vt, t.span, "token (view)");
        in_text(&source, v.span_to_source(t.span), "token (source)");
    }
    for s in segs.sentences.iter().chain(&segs.paragraphs) {
        in_text(vt, *s, "sentence/paragraph (view)");
    }
    for s in meta
        .headline_span
        .iter()
        .chain(&meta.byline_span)
        .chain(&meta.date_span)
        .chain(&meta.front_matter)
        .chain(&meta.source_spans)
        .chain(meta.headings.iter().map(|h| &h.1))
    {
        in_text(&source, *s, "metadata");
    }
    let gaz = Gazetteer::default();
    let a = analyze(
        path,
        &source,
        &AnalysisContext {
            gazetteer: &gaz,
            is_note_by_path: sel & 1 == 1,
        },
    );
    for e in &a.entities {
        in_text(&source, e.span, "entity (source)");
        in_text(&source, e.name, "entity name (source)");
    }
    for f in &a.figures {
        in_text(&source, f.span, "figure (source)");
    }
    for s in a.sentences.iter().chain(&a.paragraphs) {
        in_text(&source, *s, "sentence/paragraph (source)");
    }
}

/// Text of the payload, lossy, and a format from the selector.
fn text_and_format(data: &[u8]) -> (String, Format) {
    let (sel, bytes) = split(data);
    (
        String::from_utf8_lossy(bytes).into_owned(),
        FORMATS[sel as usize % 3],
    )
}

/// Figures of arbitrary text: spans inside the text on char boundaries, bounds ordered.
pub fn figures(data: &[u8]) {
    let (t, fmt) = text_and_format(data);
    let segs = text::segment(&t, fmt);
    let ctx = FigureContext {
        dateline: None,
        lowercase: fmt == Format::Lowercase,
    };
    for f in figures::extract(&t, &segs, &ctx) {
        in_text(&t, f.span, "figure");
        if let (Some(lo), Some(hi)) = (f.low.map(|v| v.as_f64()), f.high.map(|v| v.as_f64())) {
            // NaN bounds are not ordered and not flagged here.
            assert!(
                lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Greater),
                "figure {:?}: low {lo} above high {hi}",
                f.span
            );
        }
    }
}

/// Entities of arbitrary text (segment + extract): spans and names inside the text.
pub fn entities(data: &[u8]) {
    let (t, fmt) = text_and_format(data);
    let segs = text::segment(&t, fmt);
    let gaz = Gazetteer::default();
    let ctx = EntityContext {
        lowercase: fmt == Format::Lowercase,
        gazetteer: &gaz,
    };
    for e in entities::extract(&t, &segs, &ctx) {
        in_text(&t, e.span, "entity");
        in_text(&t, e.name, "entity name");
    }
}

/// A little reader of fuzz bytes for the edit script.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }
}

/// Pieces edits insert: line ends of all three kinds, astral and combining characters.
const PIECES: [&str; 12] = [
    "", "a", "\n", "\r\n", "\r", "é", "😀", "🇫🇷", "\u{feff}", "中文", "e\u{301}", "word ",
];

/// Position conversion: `LineIndex` and `Document` agree with each other and round-trip every
/// char boundary; a script of edits applied to a `Document` equals the same edits on a `String`
/// (out-of-range edits are refused and leave the text as it was).
pub fn positions(data: &[u8]) {
    let cut = data.iter().position(|&b| b == 0xff).unwrap_or(data.len());
    let (head, script) = data.split_at(cut);
    let mut text = String::from_utf8_lossy(&head[..head.len().min(4096)]).into_owned();
    let mut doc = Document::new(&text, 0);
    let mut ops = Bytes(script.get(1..).unwrap_or(&[]));
    round_trip(&text, &doc);
    while let (Some(l1), Some(c1), Some(l2), Some(c2), Some(p)) =
        (ops.byte(), ops.byte(), ops.byte(), ops.byte(), ops.byte())
    {
        let enc = if p & 0x80 != 0 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let piece = PIECES[p as usize % PIECES.len()];
        let start = Position::new(u32::from(l1 % 16), u32::from(c1));
        let end = Position::new(u32::from(l2 % 16), u32::from(c2));
        let range = if p & 0x40 != 0 {
            None
        } else {
            Some((start, end))
        };
        let before = doc.text();
        match doc.apply_change(range, piece, enc) {
            Ok(()) => {
                match range {
                    None => text = piece.to_string(),
                    Some((s, e)) => {
                        let li = LineIndex::new(&text);
                        let a = li.offset(&text, s, enc);
                        let b = li.offset(&text, e, enc).max(a);
                        text.replace_range(a..b, piece);
                    }
                }
                assert_eq!(doc.text(), text, "rope edit differs from string edit");
            }
            Err(_) => {
                assert_eq!(doc.text(), before, "a refused edit changed the text");
                let lines = LineIndex::new(&text).len() as u32;
                assert!(
                    start > end || start.line >= lines || end.line >= lines,
                    "edit {start}..{end} refused in a text of {lines} lines"
                );
            }
        }
        round_trip(&text, &doc);
    }
}

fn round_trip(text: &str, doc: &Document) {
    let li = LineIndex::new(text);
    assert_eq!(li.len(), doc.len_lines(), "line counts differ");
    for enc in [Encoding::Utf8, Encoding::Utf16] {
        for (o, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let p = li.position(text, o, enc);
            assert_eq!(
                doc.position(o, enc),
                p,
                "LineIndex and Document differ at {o}"
            );
            let back = li.offset(text, p, enc);
            let split_crlf =
                o > 0 && text.as_bytes()[o - 1] == b'\r' && text[o..].starts_with('\n');
            if !split_crlf {
                assert_eq!(back, o, "offset {o} -> {p} -> {back}");
            }
            assert_eq!(
                doc.offset(p, enc).ok(),
                Some(back),
                "Document offset of {p}"
            );
        }
        // Arbitrary positions land on char boundaries.
        for line in 0..(li.len() as u32 + 2) {
            for col in [0u32, 1, 2, 3, 7, 1000] {
                let o = li.offset(text, Position::new(line, col), enc);
                assert!(text.is_char_boundary(o));
            }
        }
    }
}

/// The config edits behind the code actions, on an arbitrary `corpus-ls.toml` (the first byte
/// picks the form to add): an edit is planned only into text that stays a config the reader
/// takes whenever it took the old one, keeps a leading BOM first, and holds the added form.
pub fn config_actions(data: &[u8]) {
    use corpus_ls::config::Config;
    use corpus_ls::lsp::code_action::{plan_alias, plan_ignore};
    const FORMS: [&str; 5] = [
        "Section 301",
        "O. L.",
        "a \"quoted\" name",
        "\u{feff}x",
        "é\\n",
    ];
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let form = FORMS[pick as usize % FORMS.len()];
    let old = String::from_utf8_lossy(&rest[..rest.len().min(MAX_INPUT)]);
    let was_valid = Config::parse(&old).1.is_none();
    let check = |new: &str, what: &str| {
        let (config, problem) = Config::parse(new);
        if was_valid {
            assert!(
                problem.is_none(),
                "{what} broke the config: {problem:?}\n{new}"
            );
            if what == "ignore" {
                assert!(
                    config.is_ignored(form),
                    "{what}: the form is missing\n{new}"
                );
            }
        }
        if old.starts_with('\u{feff}') {
            assert!(new.starts_with('\u{feff}'), "{what} moved the BOM");
        }
    };
    if let Some(new) = plan_ignore(Some(&old), form) {
        check(&new, "ignore");
    }
    if let Some(new) = plan_alias(Some(&old), "Olga Lind", "PER", form) {
        check(&new, "alias");
    }
}
