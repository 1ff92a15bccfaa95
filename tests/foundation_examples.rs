//! The example corpus: every file's format and metadata, the scan, the config, and the
//! `spans` output's offsets (each `start_byte..end_byte` slices to `text`; `range` agrees).

use corpus_ls::config::{Config, Severity};
use corpus_ls::corpus::scan;
use corpus_ls::document::{Encoding, LineIndex, Position};
use corpus_ls::format::{self, DocKind, Format, Metadata};
use corpus_ls::model::Date;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus")
}

fn read(rel: &str) -> (String, Format, Metadata, String) {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let f = format::sniff(&path, &text);
    let (v, m) = format::view_and_metadata(&text, f);
    (text, f, m, v.text().to_string())
}

fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
    Date::from_ymd_opt(y, m, d)
}

#[test]
fn markdown_article_with_front_matter() {
    let (text, f, m, v) = read("draskov-talks-end.md");
    assert_eq!(f, Format::Markdown);
    assert_eq!(
        m.headline.as_deref(),
        Some("Ardenia and Kovaria End Trade Talks in Draskov Without a Deal")
    );
    assert_eq!(m.date, ymd(2021, 3, 14));
    assert_eq!(m.kind, None);
    assert!(m.front_matter.is_some());
    assert!(!v.contains("title:") && !v.contains("\\$") && !v.contains("**"));
    assert!(v.contains("20 percent tariffs on $50 billion a year"));
    assert!(v.contains("the case of Kestrel Microsystems, a 70,000-employee maker"));
    assert!(!v.contains("Advertisement"));
    assert_eq!(v.matches("\n\n").count(), text.matches("\n\n").count() - 1);
}

#[test]
fn cased_plain_article() {
    let (text, f, m, v) = read("kestrel-halts-production.txt");
    assert_eq!(f, Format::Plain);
    assert_eq!(
        m.headline.as_deref(),
        Some("Kestrel Microsystems Halts Production After Ardenian Chip Ban")
    );
    assert_eq!(m.headline_span.unwrap().start(), 0);
    assert_eq!(m.byline.as_deref(), Some("Daniel Osei"));
    assert_eq!(m.date, ymd(2021, 3, 16));
    assert_eq!(m.date_span.unwrap().slice(&text), "March 16, 2021");
    assert_eq!(v.len(), text.len());
    assert!(!v.contains("@dosei_reports"));
}

#[test]
fn lowercase_dump_article() {
    let (text, f, m, v) = read("velmora-hard-line.txt");
    assert_eq!(f, Format::Lowercase);
    assert_eq!(m.byline.as_deref(), Some("amara nwosu"));
    assert_eq!(m.byline_span.unwrap().slice(&text), "amara nwosu");
    assert_eq!((m.headline, m.date), (None, None));
    assert!(!text.contains(['$', '.', ',']));
    assert!(v.trim_start().starts_with("by amara nwosu velmora"));
    assert!(v.trim_end().ends_with("late april"));
}

#[test]
fn markdown_inside_txt_article() {
    let (text, f, m, v) = read("ardenian-farmers-brace.txt");
    assert_eq!(f, Format::Markdown);
    assert_eq!(
        m.headline.as_deref(),
        Some("Ardenian Farmers Brace for Kovarian Retaliation")
    );
    assert_eq!(m.byline.as_deref(), Some("Ines Morel"));
    assert_eq!(m.date, ymd(2021, 3, 17));
    assert_eq!(m.headings.len(), 2);
    assert!(v.contains("Kovaria bought $21 billion of Ardenian farm goods"));
    assert!(v.contains("the Ardenian Grain Growers League, nearly"));
    assert!(v.contains("buyers in Marisol Bay over two years"));
    assert!(!v.contains("example.org") && !v.contains("Share on Facebook"));
    assert!(!v.contains("@inesmorel") && !v.contains("Advertisement"));
    let at = v.find("Trade Minister Marta Okonjo met").unwrap();
    let (tv, _) = format::view_and_metadata(&text, f);
    let s = tv.span_to_source(corpus_ls::model::Span::new(at, at + 27));
    assert_eq!(s.slice(&text), "Trade Minister Marta Okonjo");
}

#[test]
fn notes() {
    let (text, f, m, _) = read("notes/talks-summary.md");
    assert_eq!(f, Format::Markdown);
    assert_eq!(m.kind, Some(DocKind::Note));
    assert_eq!(
        m.sources,
        ["../draskov-talks-end.md", "kestrel-halts-production.txt"]
    );
    assert_eq!(
        m.source_spans[1].slice(&text),
        "kestrel-halts-production.txt"
    );
    assert_eq!(
        m.headline.as_deref(),
        Some("What the Draskov talks left open")
    );
    let (_, f, m, v) = read("notes/farm-questions.md");
    assert_eq!(f, Format::Markdown);
    assert_eq!(m.kind, None);
    assert_eq!(m.headline.as_deref(), Some("Farm questions"));
    assert!(v.contains("Read against the Ledger piece and the Draskov report."));
}

#[test]
fn scan_and_config() {
    let s = scan::scan(&root());
    let names: Vec<_> = s
        .files
        .iter()
        .map(|f| (f.rel.as_str(), f.note_by_path))
        .collect();
    assert_eq!(
        names,
        [
            ("ardenian-farmers-brace.txt", false),
            ("draskov-talks-end.md", false),
            ("kestrel-halts-production.txt", false),
            ("notes/farm-questions.md", true),
            ("notes/talks-summary.md", true),
            ("velmora-hard-line.txt", false),
        ]
    );
    assert!(s.skipped.is_empty(), "{:?}", s.skipped);
    assert!(s.files.iter().all(|f| f.problems.is_empty()));
    let (c, err) = Config::load(&root());
    assert!(
        err.is_none() && c.warnings.is_empty(),
        "{err:?} {:?}",
        c.warnings
    );
    assert_eq!(
        c.severity_of("sources-disagree", Severity::Information),
        Severity::Warning
    );
    assert_eq!(c.entities[0].name, "Marta Okonjo");
    assert_eq!(c.entities[0].aliases, ["the trade minister"]);
}

/// Runs `corpus-ls spans --format json` on every example file and checks each object's offsets.
#[test]
fn spans_offsets_are_exact() {
    let s = scan::scan(&root());
    for f in &s.files {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
            .args(["spans", "--format", "json", "--root"])
            .arg(root())
            .arg(&f.abs)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {:?}", f.rel, out);
        let lines = LineIndex::new(&f.text);
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let o: serde_json::Value = serde_json::from_str(line).unwrap();
            let (a, b) = (
                o["start_byte"].as_u64().unwrap() as usize,
                o["end_byte"].as_u64().unwrap() as usize,
            );
            assert_eq!(o["file"], f.rel.as_str());
            assert_eq!(Some(&f.text[a..b]), o["text"].as_str(), "{line}");
            let pos = |v: &serde_json::Value| Position {
                line: v["line"].as_u64().unwrap() as u32,
                character: v["character"].as_u64().unwrap() as u32,
            };
            let start = pos(&o["range"]["start"]);
            let end = pos(&o["range"]["end"]);
            assert_eq!(lines.offset(&f.text, start, Encoding::Utf16), a, "{line}");
            assert_eq!(lines.offset(&f.text, end, Encoding::Utf16), b, "{line}");
        }
    }
}

#[test]
fn note_links_are_listed() {
    let (text, _, m, _) = read("notes/farm-questions.md");
    let links: Vec<_> = m
        .links
        .iter()
        .map(|(d, s)| (d.as_str(), s.slice(&text)))
        .collect();
    assert_eq!(
        links,
        [
            (
                "../ardenian-farmers-brace.txt",
                "../ardenian-farmers-brace.txt"
            ),
            ("../draskov-talks-end.md", "../draskov-talks-end.md")
        ]
    );
}

/// The whole view and metadata of every example file, so any change to what extractors read
/// shows up in review.
#[test]
fn views_snapshot() {
    let mut out = String::new();
    for f in &scan::scan(&root()).files {
        let fmt = format::sniff(&f.abs, &f.text);
        let (v, m) = format::view_and_metadata(&f.text, fmt);
        let slice = |s: Option<corpus_ls::model::Span>| s.map(|s| s.slice(&f.text).to_string());
        out += &format!("=== {} ({fmt:?})\n", f.rel);
        out += &format!(
            "headline: {:?} at {:?}\nbyline: {:?} at {:?}\ndate: {:?} at {:?}\nkind: {:?}\nsources: {:?}\n",
            m.headline,
            slice(m.headline_span),
            m.byline,
            slice(m.byline_span),
            m.date,
            slice(m.date_span),
            m.kind,
            m.sources,
        );
        for (level, s) in &m.headings {
            out += &format!("heading {level}: {:?}\n", s.slice(&f.text));
        }
        out += "---\n";
        for line in v.text().lines() {
            out += line.trim_end();
            out += "\n";
        }
    }
    insta::assert_snapshot!(out);
}
