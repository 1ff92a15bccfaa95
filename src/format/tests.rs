//! Tests of the whole format pass: views of every format, metadata, and the offset map.

use super::*;
use proptest::prelude::*;
use std::path::Path;

fn ymd(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd_opt(y, m, d).unwrap()
}

fn view_of(src: &str, format: Format) -> String {
    view(src, format).text().to_string()
}

/// Source slice of the first occurrence of `needle` in the view.
fn source_of<'a>(src: &'a str, format: Format, needle: &str) -> &'a str {
    let v = view(src, format);
    let at = v.text().find(needle).expect("needle in view");
    v.span_to_source(Span::new(at, at + needle.len()))
        .slice(src)
}

const MD: &str = "---\ntitle: Port Talks Stall\ndate: 2021-03-14\nsources: [a.txt]\n---\n\n## Harbour Daily\n\n## Ignored Heading\n\nBy Ann Lee\n\nMarch 14, 2021\n\nLAGOS — A **Kestrel** deal worth \\$40 billion [collapsed](http://x.org) on Sunday.\n\nShare on Facebook The talks resume in May.\n\nFollow Ann Lee on Twitter: @annlee\n";

#[test]
fn markdown_view_reads_visible_text() {
    let v = view_of(MD, Format::Markdown);
    assert!(!v.contains("title:"), "front matter stays out: {v:?}");
    assert!(v.contains("A Kestrel deal worth $40 billion collapsed on Sunday."));
    assert!(!v.contains("Share on Facebook") && v.contains("The talks resume in May."));
    assert!(!v.contains("@annlee"));
    assert_eq!(
        source_of(MD, Format::Markdown, "$40 billion"),
        "$40 billion"
    );
    assert_eq!(source_of(MD, Format::Markdown, "Kestrel"), "Kestrel");
    assert_eq!(source_of(MD, Format::Markdown, "collapsed"), "collapsed");
}

#[test]
fn markdown_metadata_front_matter_wins() {
    let m = metadata(MD, Format::Markdown);
    assert_eq!(m.headline.as_deref(), Some("Port Talks Stall"));
    assert_eq!(m.headline_span.unwrap().slice(MD), "Port Talks Stall");
    assert_eq!(m.date, Some(ymd(2021, 3, 14)));
    assert_eq!(m.date_span.unwrap().slice(MD), "2021-03-14");
    assert_eq!(m.sources, ["a.txt"]);
    assert_eq!(m.source_spans[0].slice(MD), "a.txt");
    assert_eq!(m.byline.as_deref(), Some("Ann Lee"));
    assert_eq!(m.byline_span.unwrap().slice(MD), "Ann Lee");
    assert_eq!(m.headings.len(), 2);
    assert!(m.front_matter.unwrap().slice(MD).starts_with("---\ntitle"));
}

#[test]
fn markdown_headline_skips_publication_name() {
    let src = "## Harbour Daily\n\n## Port Talks Stall Over Fees\n\nBy ann lee\n\nJun. 14, 2021\n\nLAGOS — Text.\n";
    let m = metadata(src, Format::Markdown);
    assert_eq!(m.headline.as_deref(), Some("Port Talks Stall Over Fees"));
    assert_eq!(
        m.headline_span.unwrap().slice(src),
        "Port Talks Stall Over Fees"
    );
    assert_eq!(m.byline.as_deref(), Some("ann lee"));
    assert_eq!(m.date, Some(ymd(2021, 6, 14)));
    assert_eq!(m.date_span.unwrap().slice(src), "Jun. 14, 2021");
}

#[test]
fn plain_metadata() {
    let src = "Port Talks Stall Over Fees\n\nBy Ann Lee and Bo Chen\n\n14 March 2021\n\nLAGOS — The talks ended on Sunday.\n";
    assert_eq!(sniff(Path::new("a.txt"), src), Format::Plain);
    let m = metadata(src, Format::Plain);
    assert_eq!(m.headline.as_deref(), Some("Port Talks Stall Over Fees"));
    assert_eq!(m.byline.as_deref(), Some("Ann Lee and Bo Chen"));
    assert_eq!(m.date, Some(ymd(2021, 3, 14)));
    assert_eq!(view_of(src, Format::Plain), src);
}

#[test]
fn plain_dateline_with_place_and_weekday() {
    let src = "Talks\n\nLAGOS, Sunday, March 14, 2021 — The talks ended.\n";
    assert_eq!(metadata(src, Format::Plain).date, Some(ymd(2021, 3, 14)));
    // A date inside a sentence is not a dateline.
    let src = "Talks\n\nOfficials said March 14, 2021 would be the deadline for the talks.\n";
    assert_eq!(metadata(src, Format::Plain).date, None);
}

#[test]
fn lowercase_dump_metadata_and_furniture() {
    let body = "the port talks in lagos ended on sunday without a deal and officials said more talks would follow ".repeat(4);
    let src = format!(
        "advertisement supported by by ann lee {body}bo chen contributed reporting advertisement"
    );
    assert_eq!(sniff(Path::new("x.txt"), &src), Format::Lowercase);
    let v = view_of(&src, Format::Lowercase);
    assert_eq!(v.len(), src.len());
    assert!(v.trim_start().starts_with("by ann lee the port"));
    assert!(v.trim_end().ends_with("contributed reporting"));
    let m = metadata(&src, Format::Lowercase);
    assert_eq!(m.byline.as_deref(), Some("ann lee"));
    assert_eq!(m.headline, None);
    assert_eq!(m.date, None);
}

#[test]
fn lowercase_dump_date_near_the_start() {
    let body = "the port talks in lagos ended without a deal ".repeat(8);
    let src = format!("by ann lee march 14 2021 lagos {body}");
    let m = metadata(&src, Format::Lowercase);
    assert_eq!(m.date, Some(ymd(2021, 3, 14)));
    assert_eq!(m.date_span.unwrap().slice(&src), "march 14 2021");
}

#[test]
fn bom_and_crlf() {
    let src = "\u{feff}## Port Talks\r\n\r\nBy Ann Lee\r\n\r\nThe talks ended.\r\n";
    let m = metadata(src, Format::Markdown);
    assert_eq!(m.headline.as_deref(), Some("Port Talks"));
    assert_eq!(m.byline.as_deref(), Some("Ann Lee"));
    let src = "\u{feff}Port Talks\r\n\r\nBy Ann Lee\r\n";
    let m = metadata(src, Format::Plain);
    assert_eq!(m.headline.as_deref(), Some("Port Talks"));
    assert_eq!(m.headline_span.unwrap().slice(src), "Port Talks");
}

#[test]
fn odd_inputs_never_panic() {
    for src in [
        "",
        "\u{feff}",
        "---",
        "---\n---\n",
        "#",
        "## \n",
        "By",
        "by ",
        "\r\r\r",
        "**",
        "\\",
        "[a](",
        "June 31, 2018",
        "😀\u{feff}\r\n",
    ] {
        for f in [Format::Markdown, Format::Plain, Format::Lowercase] {
            let (v, _) = view_and_metadata(src, f);
            let _ = v.span_to_source(Span::new(0, v.text().len()));
        }
    }
}

fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "word",
        "Ann",
        " ",
        " ",
        "\n",
        "\n\n",
        "\r\n",
        "**",
        "*",
        "_",
        "__",
        "\\$",
        "$5",
        "\\*",
        "[link](http://x.org/a)",
        "![alt](p.png)",
        "## ",
        "# ",
        "> ",
        "- ",
        "1. ",
        "`",
        "``",
        "&amp;",
        "&eacute;",
        "<br>",
        "<!-- c -->",
        "|",
        "---",
        "\n---\n",
        "title: x\n",
        "😀",
        "中文",
        "\u{feff}",
        "\t",
        "    ",
        "Share on Facebook ",
        "advertisement",
        "By Ann Lee",
        "June 3, 2018",
        "~~",
        "[",
        "]",
        "(",
        ")",
        "é",
    ]);
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every view character is its source character (or a space or newline standing for
    /// dropped markup, or a space for blanked furniture), the map is increasing, and every word maps to the same word.
    #[test]
    fn view_maps_back_exactly(src in markdownish(), fmt in prop::sample::select(vec![Format::Markdown, Format::Plain, Format::Lowercase])) {
        let (v, meta) = view_and_metadata(&src, fmt);
        let text = v.text();
        let mut last: Option<usize> = None;
        for (i, c) in text.char_indices() {
            let s = v.to_source(i);
            prop_assert!(src.is_char_boundary(s));
            if let Some(l) = last {
                prop_assert!(s > l, "map not increasing at view {}", i);
            }
            last = Some(s);
            if c != ' ' && c != '\n' {
                prop_assert_eq!(src[s..].chars().next(), Some(c), "view char {} at {}", c, i);
            }
        }
        let mut word_start = None;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            match (c.is_alphanumeric(), word_start) {
                (true, None) => word_start = Some(i),
                (false, Some(a)) => {
                    let sp = v.span_to_source(Span::new(a, i));
                    prop_assert_eq!(sp.slice(&src), &text[a..i]);
                    word_start = None;
                }
                _ => {}
            }
        }
        // Any span on char boundaries maps to a valid source span.
        let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        for w in bounds.windows(3).step_by(2) {
            let sp = v.span_to_source(Span::new(w[0], w[2]));
            prop_assert!(sp.start() <= sp.end() && sp.end() <= src.len());
            prop_assert!(src.is_char_boundary(sp.start()) && src.is_char_boundary(sp.end()));
        }
        for s in meta.headline_span.iter().chain(&meta.byline_span).chain(&meta.date_span) {
            prop_assert!(s.end() <= src.len() && src.is_char_boundary(s.start()) && src.is_char_boundary(s.end()));
        }
    }
}

#[test]
fn wrapped_first_line_is_not_a_headline() {
    let src = "The talks in Lagos ended on Sunday without a deal and the\nofficials said more talks would follow in May.\n";
    assert_eq!(metadata(src, Format::Plain).headline, None);
    let src = "Talks End\n   \nBody.";
    assert_eq!(
        metadata(src, Format::Plain).headline.as_deref(),
        Some("Talks End")
    );
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        let f = sniff(Path::new("x.txt"), &src);
        let (v, _) = view_and_metadata(&src, f);
        for fmt in [Format::Markdown, Format::Plain, Format::Lowercase] {
            let (v2, _) = view_and_metadata(&src, fmt);
            let sp = v2.span_to_source(Span::new(0, v2.text().len()));
            prop_assert!(sp.end() <= src.len());
        }
        prop_assert!(v.text().len() <= src.len());
    }
}
