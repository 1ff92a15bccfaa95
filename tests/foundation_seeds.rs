//! The seed articles (read from `../shared/seeds`, skipped when absent): format, metadata, view.

use corpus_ls::format::{self, Format};
use corpus_ls::model::{Date, Span};
use std::path::{Path, PathBuf};

fn seed(name: &str) -> Option<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let dir = if dir.is_dir() {
        dir
    } else {
        PathBuf::from("/work/shared/seeds")
    };
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(t) => Some((path, t)),
        Err(_) => {
            println!("skipped: seed {name} not found");
            None
        }
    }
}

#[test]
fn markdown_seed() {
    let Some((path, text)) = seed("003_cd8938af65b0a9eb.txt") else {
        return;
    };
    let f = format::sniff(&path, &text);
    assert_eq!(f, Format::Markdown);
    let (v, m) = format::view_and_metadata(&text, f);
    // The headline is the second `## ` heading (the first names the publication).
    let second = text.lines().filter_map(|l| l.strip_prefix("## ")).nth(1);
    assert_eq!(m.headline.as_deref(), second.map(str::trim));
    assert_eq!(m.headings.len(), 2);
    assert_eq!(m.byline.as_deref(), Some("Keith Bradsher"));
    assert_eq!(m.date, Date::from_ymd_opt(2018, 6, 3));
    assert_eq!(m.date_span.map(|s| s.slice(&text)), Some("June 3, 2018"));
    let t = v.text();
    assert!(t.contains(" $50 billion"));
    assert!(t.contains("played Sterral role"));
    assert!(!t.contains("Share on Facebook"));
    assert!(!t.contains("##") && !t.contains("\\$") && !t.contains("**"));
    let at = t.find("$50 billion").unwrap();
    let s = v.span_to_source(Span::new(at, at + "$50 billion".len()));
    assert_eq!(s.slice(&text), "$50 billion");
    assert_eq!(&text[s.start() - 1..s.start()], "\\");
}

#[test]
fn lowercase_seed() {
    let Some((path, text)) = seed("000_07c8a66dd8e1c00f.txt") else {
        return;
    };
    let f = format::sniff(&path, &text);
    assert_eq!(f, Format::Lowercase);
    let (v, m) = format::view_and_metadata(&text, f);
    assert_eq!(m.byline.as_deref(), Some("keith bradsher"));
    assert_eq!(m.headline, None);
    let t = v.text();
    assert_eq!(t.len(), text.len());
    assert!(t.trim_start().starts_with("by keith bradsher"));
    assert!(!t.trim_end().ends_with("advertisement"));
}
